/**
 * The service manager's approval worklist and decisions: a change with less than six weeks' notice (a new
 * version, or a session cancellation from `cancel.ts`) waits as a change request until it is approved (applied
 * now, as of the day of the decision, in the decision's transaction) or rejected (nothing changes).
 */
import { and, asc, desc, eq } from 'drizzle-orm';
import type { ClinicCancellation, ClinicDecision, ClinicVersionApplied } from '@pathflow/core';
import type { Database } from '../../db/client';
import { clinicChangeRequests, clinicTemplates, clinicTemplateVersions } from '../../db/schema';
import { audit } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError, notFound } from '../../errors';
import { loadTemplate, requestView, type RequestRow, type TemplateRow } from './model';
import { applyVersion } from './versions';
import { applyCancelRequest } from './cancel';

export interface DecisionInput {
  approve: boolean;
  reason: string;
}

/**
 * A change request still waiting for a decision, with its template, both locked (the template first, then the
 * request: the same lock order as a new version). Refuses (404) an unknown request and (409) one decided.
 */
export async function lockRequestedChange(
  tx: Database,
  ctx: RequestContext,
  requestId: string,
): Promise<{ t: TemplateRow; request: RequestRow }> {
  const orgId = ctx.principal.orgId;
  const [found] = await tx
    .select({ templateId: clinicChangeRequests.templateId })
    .from(clinicChangeRequests)
    .where(and(eq(clinicChangeRequests.orgId, orgId), eq(clinicChangeRequests.id, requestId)));
  if (!found) throw notFound('Change request');
  const t = await loadTemplate(tx, orgId, found.templateId, true);
  const [request] = await tx
    .select()
    .from(clinicChangeRequests)
    .where(and(eq(clinicChangeRequests.orgId, orgId), eq(clinicChangeRequests.id, requestId)))
    .for('update');
  if (request!.status !== 'requested') {
    throw new AppError('conflict', `This change request has already been ${request!.status}`);
  }
  return { t, request: request! };
}

/** The version a 'new-version' request is for, still waiting for approval (else 409). */
async function pendingVersionOf(tx: Database, orgId: string, t: TemplateRow, request: RequestRow) {
  const [version] = await tx
    .select()
    .from(clinicTemplateVersions)
    .where(
      and(
        eq(clinicTemplateVersions.orgId, orgId),
        eq(clinicTemplateVersions.templateId, t.id),
        eq(clinicTemplateVersions.version, request.version ?? -1),
      ),
    );
  if (!version || version.status !== 'pending-approval') {
    throw new AppError('conflict', 'The version this request is for is no longer waiting for approval');
  }
  return version;
}

/**
 * What approving a request applies, inside the caller's transaction (the request locked by
 * `lockRequestedChange`): the new version, or the session cancellation. The decision and the preview
 * (`preview.ts`, in a transaction it rolls back) both call it.
 */
export async function applyChangeRequest(
  tx: Database,
  ctx: RequestContext,
  t: TemplateRow,
  request: RequestRow,
): Promise<{ applied: ClinicVersionApplied | null; cancellation: ClinicCancellation | null }> {
  if (request.kind === 'cancel-session') {
    return { applied: null, cancellation: await applyCancelRequest(tx, ctx, t, request) };
  }
  const version = await pendingVersionOf(tx, ctx.principal.orgId, t, request);
  return { applied: await applyVersion(tx, ctx, t, version), cancellation: null };
}

/** A service manager's decision on a change request: approve (the version is applied now) or reject. */
export async function decideChangeRequest(
  db: Database,
  ctx: RequestContext,
  requestId: string,
  input: DecisionInput,
): Promise<ClinicDecision> {
  const orgId = ctx.principal.orgId;
  return db.transaction(async (tx) => {
    const { t, request } = await lockRequestedChange(tx, ctx, requestId);
    if (request.kind === 'cancel-session') {
      return decideCancelRequest(tx, ctx, t, request, input);
    }
    const version = await pendingVersionOf(tx, orgId, t, request);
    const reason = input.reason.trim();
    const status = input.approve ? 'approved' : 'rejected';
    let applied: ClinicVersionApplied | null = null;
    if (input.approve) {
      applied = await applyVersion(tx, ctx, t, version);
    } else {
      await tx
        .update(clinicTemplateVersions)
        .set({ status: 'rejected' })
        .where(
          and(
            eq(clinicTemplateVersions.orgId, orgId),
            eq(clinicTemplateVersions.templateId, t.id),
            eq(clinicTemplateVersions.version, version.version),
          ),
        );
    }
    const [decided] = await tx
      .update(clinicChangeRequests)
      .set({ status, decidedBy: ctx.principal.id, decidedAt: ctx.now, decisionReason: reason })
      .where(and(eq(clinicChangeRequests.orgId, orgId), eq(clinicChangeRequests.id, requestId)))
      .returning();
    await audit(tx, ctx, {
      action: input.approve ? 'ClinicChange.approve' : 'ClinicChange.reject',
      resourceType: 'ClinicChangeRequest',
      resourceId: requestId,
      detail: {
        templateId: t.id,
        version: version.version,
        decidedBy: ctx.principal.id,
        requestedBy: request.requestedBy,
        requestReason: request.reason,
        decisionReason: reason,
      },
    });
    return { request: requestView(decided!, t.name), applied, cancellation: null };
  });
}

/** The decision on a 'cancel-session' request: approving applies the cancellation now (`cancel.ts`). */
async function decideCancelRequest(
  tx: Database,
  ctx: RequestContext,
  t: TemplateRow,
  request: RequestRow,
  input: DecisionInput,
): Promise<ClinicDecision> {
  const orgId = ctx.principal.orgId;
  const reason = input.reason.trim();
  const cancellation = input.approve ? await applyCancelRequest(tx, ctx, t, request) : null;
  const [decided] = await tx
    .update(clinicChangeRequests)
    .set({
      status: input.approve ? 'approved' : 'rejected',
      decidedBy: ctx.principal.id,
      decidedAt: ctx.now,
      decisionReason: reason,
    })
    .where(and(eq(clinicChangeRequests.orgId, orgId), eq(clinicChangeRequests.id, request.id)))
    .returning();
  await audit(tx, ctx, {
    action: input.approve ? 'ClinicChange.approve' : 'ClinicChange.reject',
    resourceType: 'ClinicChangeRequest',
    resourceId: request.id,
    detail: {
      templateId: t.id,
      kind: request.kind,
      sessionDate: request.sessionDate,
      decidedBy: ctx.principal.id,
      requestedBy: request.requestedBy,
      requestReason: request.reason,
      decisionReason: reason,
    },
  });
  return { request: requestView(decided!, t.name), applied: null, cancellation };
}

/** Change requests, oldest first (status=requested is the service managers' approval worklist). */
export async function listChangeRequests(
  db: Database,
  ctx: RequestContext,
  query: { status?: string | undefined },
) {
  const orgId = ctx.principal.orgId;
  const rows = await db
    .select({ request: clinicChangeRequests, clinicName: clinicTemplates.name })
    .from(clinicChangeRequests)
    .innerJoin(
      clinicTemplates,
      and(
        eq(clinicTemplates.orgId, clinicChangeRequests.orgId),
        eq(clinicTemplates.id, clinicChangeRequests.templateId),
      ),
    )
    .where(
      and(
        eq(clinicChangeRequests.orgId, orgId),
        ...(query.status ? [eq(clinicChangeRequests.status, query.status)] : []),
      ),
    )
    .orderBy(
      query.status === 'requested'
        ? asc(clinicChangeRequests.requestedAt)
        : desc(clinicChangeRequests.requestedAt),
    )
    .limit(500);
  return { requests: rows.map((r) => requestView(r.request, r.clinicName)) };
}
