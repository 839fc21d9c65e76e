/**
 * Clinic templates and their slots: create a clinic (version 1 and its slots over the rolling horizon), add a
 * version (applied at once with six weeks' notice or more, otherwise sent to a service manager), decide a
 * change request (a new version, or a session cancellation from `cancel.ts`), and read clinics, slots and the
 * approval worklist.
 *
 * The rules are core's (`validateClinicTemplate`, `generateSlots`, `regenerateSlots`, `firstAffectedDate`,
 * `changeNeedsApproval`); this module stores what they decide, in one transaction per change, audited.
 *
 * Applying a version (`applyVersion`):
 * - every other active version still running on or after the new version's first date ends the day before
 *   (and is 'superseded' when that leaves it no date at all);
 * - the new version's slots are generated from max(today, effectiveFrom) to the end of the horizon and matched
 *   by core against the template's open slots on those dates (held places count as booked, so a slot with a
 *   hold is never removed);
 * - free slots that no longer fit are marked 'removed'; kept slots take the new key and capacity (never below
 *   what is booked and held: a capacity cut below the bookings keeps them and reports the excess); booked slots
 *   that no longer fit are marked 'removed' and their booked appointments 'displaced', to be rebooked;
 * - removals are written before the new slots are inserted, because keys are unique per organisation.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gt, gte, inArray, lte, sql } from 'drizzle-orm';
import {
  DEFAULT_HORIZON_WEEKS,
  addDays,
  changeNeedsApproval,
  compareDates,
  daysBetween,
  firstAffectedDate,
  generateSlots,
  parsePlainDate,
  regenerateSlots,
  slotHorizon,
  validateClinicTemplate,
  type ClinicTemplate,
  type DisplacementReason,
  type ExistingSlot,
  type GeneratedSlot,
  type Recurrence,
  type SlotType,
  type TemplateSession,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import {
  appointments,
  clinicChangeRequests,
  clinicTemplates,
  clinicTemplateVersions,
  clinicians,
  locations,
  slots,
  specialties,
} from '../../db/schema';
import { audit } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError, notFound, type FieldError } from '../../errors';
import { londonToday } from '../../clock';
import { applyCancelRequest } from './cancel';

type TemplateRow = typeof clinicTemplates.$inferSelect;
type VersionRow = typeof clinicTemplateVersions.$inferSelect;
type RequestRow = typeof clinicChangeRequests.$inferSelect;
type SlotRow = typeof slots.$inferSelect;

/** The slots read by default (weeks from the first date), and the most one request may read. */
export const DEFAULT_SLOT_WEEKS = 6;
export const MAX_SLOT_WEEKS = DEFAULT_HORIZON_WEEKS;

const INSERT_CHUNK = 500;

export interface VersionInput {
  effectiveFrom: string;
  effectiveTo?: string | null | undefined;
  recurrence: unknown;
  sessions: unknown;
}

export interface NewClinicInput extends VersionInput {
  name: string;
  clinicianId?: string | null | undefined;
  serviceName?: string | null | undefined;
  locationId: string;
  specialtyCode: string;
}

export interface NewVersionInput extends VersionInput {
  reason: string;
}

export interface DisplacedView {
  slotId: string;
  startsAt: string;
  reason: DisplacementReason;
  appointments: number;
  message: string;
}

export interface ApplyResult {
  version: number;
  created: number;
  removed: number;
  kept: number;
  displaced: DisplacedView[];
  displacedAppointments: number;
}

export interface VersionView {
  version: number;
  effectiveFrom: string;
  effectiveTo: string | null;
  recurrence: Recurrence;
  sessions: TemplateSession[];
  status: string;
  createdBy: string;
  createdAt: string;
}

export interface ChangeRequestView {
  id: string;
  templateId: string;
  clinicName: string;
  kind: string;
  version: number | null;
  sessionDate: string | null;
  firstAffectedDate: string;
  reason: string;
  status: string;
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
}

const dateAdd = (date: string, days: number): string => addDays(parsePlainDate(date), days).toString();
const laterOf = (a: string, b: string): string =>
  compareDates(parsePlainDate(a), parsePlainDate(b)) >= 0 ? a : b;

function versionView(v: VersionRow): VersionView {
  return {
    version: v.version,
    effectiveFrom: v.effectiveFrom,
    effectiveTo: v.effectiveTo,
    recurrence: v.recurrence as Recurrence,
    sessions: v.sessions as TemplateSession[],
    status: v.status,
    createdBy: v.createdBy,
    createdAt: v.createdAt.toISOString(),
  };
}

function requestView(r: RequestRow, clinicName: string): ChangeRequestView {
  return {
    id: r.id,
    templateId: r.templateId,
    clinicName,
    kind: r.kind,
    version: r.version,
    sessionDate: r.sessionDate,
    firstAffectedDate: r.firstAffectedDate,
    reason: r.reason,
    status: r.status,
    requestedBy: r.requestedBy,
    requestedAt: r.requestedAt.toISOString(),
    decidedBy: r.decidedBy,
    decidedAt: r.decidedAt?.toISOString() ?? null,
    decisionReason: r.decisionReason,
  };
}

/** The stored version as the template core works with. */
function templateOf(
  t: TemplateRow,
  v: Pick<VersionRow, 'effectiveFrom' | 'effectiveTo' | 'recurrence' | 'sessions'>,
) {
  const template: ClinicTemplate = {
    clinicianId: t.clinicianId,
    ...(t.serviceName === null ? {} : { serviceName: t.serviceName }),
    locationId: t.locationId,
    specialtyCode: t.specialtyCode,
    effectiveFrom: v.effectiveFrom,
    effectiveTo: v.effectiveTo,
    recurrence: v.recurrence as Recurrence,
    sessions: v.sessions as TemplateSession[],
  };
  return template;
}

/** Core's template check, its paths as `/body/...` field errors (400, nothing written). */
function checkTemplate(input: unknown): ClinicTemplate {
  const result = validateClinicTemplate(input);
  if (result.ok) return result.template;
  const errors: FieldError[] = result.errors.map((e) => ({
    field: e.path === '' ? '/body' : `/body/${e.path}`,
    message: e.message,
  }));
  const detail =
    errors.length === 1 ? errors[0]!.message : `The clinic template has ${errors.length} problems`;
  throw new AppError('validation_failed', detail, { errors });
}

/** Generated slots as rows to insert, owned by the template. */
function slotRows(orgId: string, t: TemplateRow, generated: readonly GeneratedSlot[]) {
  return generated.map((g) => ({
    orgId,
    id: randomUUID(),
    templateId: t.id,
    key: g.key,
    sessionDate: g.date,
    sessionIndex: g.sessionIndex,
    startsAt: new Date(g.startsAt),
    endsAt: new Date(g.endsAt),
    slotType: g.slotType,
    capacity: g.capacity,
    status: 'open',
    specialtyCode: t.specialtyCode,
    clinicianId: t.clinicianId,
    locationId: t.locationId,
  }));
}

async function insertSlots(tx: Database, rows: (typeof slots.$inferInsert)[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await tx.insert(slots).values(rows.slice(i, i + INSERT_CHUNK));
  }
}

/** Creates a clinic: the template, version 1 (active) and its slots over the horizon, in one transaction. */
export async function createClinic(db: Database, ctx: RequestContext, input: NewClinicInput) {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  const template = checkTemplate({
    clinicianId: input.clinicianId ?? null,
    serviceName: input.serviceName ?? undefined,
    locationId: input.locationId,
    specialtyCode: input.specialtyCode,
    effectiveFrom: input.effectiveFrom,
    effectiveTo: input.effectiveTo ?? null,
    recurrence: input.recurrence,
    sessions: input.sessions,
  });
  const name = input.name.trim();
  return db.transaction(async (tx) => {
    const unknown: FieldError[] = [];
    if (template.clinicianId !== null) {
      const [c] = await tx
        .select({ id: clinicians.id })
        .from(clinicians)
        .where(and(eq(clinicians.orgId, orgId), eq(clinicians.id, template.clinicianId)));
      if (!c)
        unknown.push({ field: '/body/clinicianId', message: 'There is no clinician with this identifier' });
    }
    const [l] = await tx
      .select({ id: locations.id })
      .from(locations)
      .where(and(eq(locations.orgId, orgId), eq(locations.id, template.locationId)));
    if (!l) unknown.push({ field: '/body/locationId', message: 'There is no location with this identifier' });
    const [s] = await tx
      .select({ code: specialties.code })
      .from(specialties)
      .where(and(eq(specialties.orgId, orgId), eq(specialties.code, template.specialtyCode)));
    if (!s) {
      unknown.push({
        field: '/body/specialtyCode',
        message: `Specialty ${template.specialtyCode} is not one of this organisation's specialties`,
      });
    }
    if (unknown.length > 0) {
      throw new AppError('validation_failed', unknown.map((e) => e.message).join('. '), { errors: unknown });
    }

    const id = randomUUID();
    const [row] = await tx
      .insert(clinicTemplates)
      .values({
        orgId,
        id,
        name,
        clinicianId: template.clinicianId,
        serviceName: template.serviceName ?? null,
        locationId: template.locationId,
        specialtyCode: template.specialtyCode,
        createdBy: ctx.principal.id,
      })
      .returning();
    await tx.insert(clinicTemplateVersions).values({
      orgId,
      templateId: id,
      version: 1,
      effectiveFrom: template.effectiveFrom,
      effectiveTo: template.effectiveTo,
      recurrence: template.recurrence,
      sessions: template.sessions,
      status: 'active',
      createdBy: ctx.principal.id,
    });
    const horizon = slotHorizon(today);
    const generated = generateSlots(
      { ...template, templateId: id, version: 1 },
      { from: laterOf(today, template.effectiveFrom), to: horizon.to },
    );
    await insertSlots(tx, slotRows(orgId, row!, generated));
    await audit(tx, ctx, {
      action: 'Clinic.create',
      resourceType: 'Clinic',
      resourceId: id,
      detail: { version: 1, slotsCreated: generated.length, horizonTo: horizon.to },
    });
    return { id, name, version: 1, slotsCreated: generated.length };
  });
}

async function loadTemplate(tx: Database, orgId: string, id: string, lock = false): Promise<TemplateRow> {
  const query = tx
    .select()
    .from(clinicTemplates)
    .where(and(eq(clinicTemplates.orgId, orgId), eq(clinicTemplates.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('Clinic');
  return row;
}

async function versionsOf(tx: Database, orgId: string, templateId: string): Promise<VersionRow[]> {
  return tx
    .select()
    .from(clinicTemplateVersions)
    .where(and(eq(clinicTemplateVersions.orgId, orgId), eq(clinicTemplateVersions.templateId, templateId)))
    .orderBy(asc(clinicTemplateVersions.version));
}

/** The version in force: the newest active one. */
const currentOf = (versions: readonly VersionRow[]): VersionRow | undefined =>
  versions.filter((v) => v.status === 'active').at(-1);

/**
 * Applies a stored version (see the module comment) inside the caller's transaction, which holds the
 * template's row lock. The version becomes active.
 */
async function applyVersion(
  tx: Database,
  ctx: RequestContext,
  t: TemplateRow,
  next: VersionRow,
): Promise<ApplyResult> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  const versions = await versionsOf(tx, orgId, t.id);
  const dayBefore = dateAdd(next.effectiveFrom, -1);
  for (const v of versions) {
    if (v.version === next.version || v.status !== 'active') continue;
    if (
      v.effectiveTo !== null &&
      compareDates(parsePlainDate(v.effectiveTo), parsePlainDate(dayBefore)) <= 0
    ) {
      continue;
    }
    const runsNoMore = daysBetween(parsePlainDate(v.effectiveFrom), parsePlainDate(dayBefore)) < 0;
    await tx
      .update(clinicTemplateVersions)
      .set(runsNoMore ? { status: 'superseded' } : { effectiveTo: dayBefore })
      .where(
        and(
          eq(clinicTemplateVersions.orgId, orgId),
          eq(clinicTemplateVersions.templateId, t.id),
          eq(clinicTemplateVersions.version, v.version),
        ),
      );
  }
  await tx
    .update(clinicTemplateVersions)
    .set({ status: 'active' })
    .where(
      and(
        eq(clinicTemplateVersions.orgId, orgId),
        eq(clinicTemplateVersions.templateId, t.id),
        eq(clinicTemplateVersions.version, next.version),
      ),
    );

  const horizon = slotHorizon(today);
  const from = laterOf(today, next.effectiveFrom);
  const generated = generateSlots(
    { ...templateOf(t, next), templateId: t.id, version: next.version },
    { from, to: horizon.to },
  );
  const stored = await tx
    .select()
    .from(slots)
    .where(
      and(
        eq(slots.orgId, orgId),
        eq(slots.templateId, t.id),
        eq(slots.status, 'open'),
        gte(slots.sessionDate, from),
        lte(slots.sessionDate, horizon.to),
      ),
    )
    .for('update');
  type Existing = ExistingSlot & { row: SlotRow };
  const existing: Existing[] = stored.map((row) => ({
    key: row.key,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    slotType: row.slotType as SlotType,
    capacity: row.capacity,
    booked: row.booked + row.held,
    row,
  }));
  const plan = regenerateSlots({ existing, generated });

  // 1. Slots that leave the template: free ones removed, booked ones removed with their appointments displaced.
  const moved = plan.displaced.filter((d) => d.reason !== 'capacity-reduced');
  const gone = [...plan.remove.map((e) => e.row), ...moved.map((d) => d.slot.row)];
  const goneIds = gone.map((row) => row.id);
  for (let i = 0; i < goneIds.length; i += INSERT_CHUNK) {
    await tx
      .update(slots)
      .set({ status: 'removed' })
      .where(and(eq(slots.orgId, orgId), inArray(slots.id, goneIds.slice(i, i + INSERT_CHUNK))));
  }
  // A key the new version generates again is released for it (keys are unique per organisation).
  const createKeys = new Set(plan.create.map((g) => g.key));
  for (const row of gone.filter((r) => createKeys.has(r.key))) {
    await tx
      .update(slots)
      .set({ key: `${row.key}/removed/${row.id}` })
      .where(and(eq(slots.orgId, orgId), eq(slots.id, row.id)));
  }
  const movedIds = moved.map((d) => d.slot.row.id);
  let displacedAppointments = 0;
  for (let i = 0; i < movedIds.length; i += INSERT_CHUNK) {
    const rows = await tx
      .update(appointments)
      .set({ status: 'displaced' })
      .where(
        and(
          eq(appointments.orgId, orgId),
          inArray(appointments.slotId, movedIds.slice(i, i + INSERT_CHUNK)),
          eq(appointments.status, 'booked'),
        ),
      )
      .returning({ id: appointments.id });
    displacedAppointments += rows.length;
  }

  // 2. Kept slots take the new version's key and capacity (never below what is booked and held).
  const changed = plan.keep
    .filter((k) => k.changes.length > 0)
    .map((k) => ({
      id: k.existing.row.id,
      key: k.generated.key,
      capacity: Math.max(k.generated.capacity, k.existing.row.booked + k.existing.row.held),
    }));
  for (let i = 0; i < changed.length; i += INSERT_CHUNK) {
    const json = JSON.stringify(changed.slice(i, i + INSERT_CHUNK));
    await tx.execute(
      sql`update slots s set key = v.key, capacity = v.capacity
            from jsonb_to_recordset(${json}::jsonb) as v(id uuid, key text, capacity int)
           where s.org_id = ${orgId}::uuid and s.id = v.id`,
    );
  }

  // 3. New slots.
  await insertSlots(tx, slotRows(orgId, t, plan.create));

  const result: ApplyResult = {
    version: next.version,
    created: plan.create.length,
    removed: plan.remove.length,
    kept: plan.keep.length,
    displaced: plan.displaced.map((d) => ({
      slotId: d.slot.row.id,
      startsAt: d.slot.row.startsAt.toISOString(),
      reason: d.reason,
      appointments: d.appointments,
      message: d.message,
    })),
    displacedAppointments,
  };
  await audit(tx, ctx, {
    action: 'ClinicVersion.apply',
    resourceType: 'Clinic',
    resourceId: t.id,
    detail: {
      version: next.version,
      from,
      to: horizon.to,
      created: result.created,
      removed: result.removed,
      kept: result.kept,
      displacedSlots: moved.length,
      displacedAppointments,
      capacityReducedSlots: plan.displaced.length - moved.length,
    },
  });
  return result;
}

export type NewVersionOutcome =
  | ({ status: 'active' } & ApplyResult)
  | { status: 'pending-approval'; version: number; requestId: string; firstAffectedDate: string };

/**
 * A new version of a clinic: applied now when its first affected session is six weeks away or more (or it
 * affects none), otherwise stored as 'pending-approval' with a change request for a service manager.
 */
export async function addVersion(
  db: Database,
  ctx: RequestContext,
  templateId: string,
  input: NewVersionInput,
): Promise<NewVersionOutcome> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  return db.transaction(async (tx) => {
    const t = await loadTemplate(tx, orgId, templateId, true);
    const next = checkTemplate({
      ...templateOf(t, {
        effectiveFrom: input.effectiveFrom,
        effectiveTo: input.effectiveTo ?? null,
        recurrence: input.recurrence,
        sessions: input.sessions,
      }),
    });
    if (compareDates(parsePlainDate(next.effectiveFrom), parsePlainDate(today)) < 0) {
      const message = `A new version cannot start in the past: start it today (${today}) or later`;
      throw new AppError('validation_failed', message, {
        errors: [{ field: '/body/effectiveFrom', message }],
      });
    }
    const versions = await versionsOf(tx, orgId, t.id);
    const current = currentOf(versions);
    if (!current) throw new AppError('conflict', 'This clinic has no active version to change');
    const version = (versions.at(-1)?.version ?? 0) + 1;
    const affected = firstAffectedDate({ previous: templateOf(t, current), next, today });
    const pending = changeNeedsApproval({ today, firstAffectedDate: affected });
    const [row] = await tx
      .insert(clinicTemplateVersions)
      .values({
        orgId,
        templateId: t.id,
        version,
        effectiveFrom: next.effectiveFrom,
        effectiveTo: next.effectiveTo,
        recurrence: next.recurrence,
        sessions: next.sessions,
        status: pending ? 'pending-approval' : 'active',
        createdBy: ctx.principal.id,
      })
      .returning();
    if (!pending) {
      const result = await applyVersion(tx, ctx, t, row!);
      return { status: 'active' as const, ...result };
    }
    const requestId = randomUUID();
    await tx.insert(clinicChangeRequests).values({
      orgId,
      id: requestId,
      templateId: t.id,
      kind: 'new-version',
      version,
      firstAffectedDate: affected!,
      reason: input.reason.trim(),
      status: 'requested',
      requestedBy: ctx.principal.id,
      requestedAt: ctx.now,
    });
    await audit(tx, ctx, {
      action: 'ClinicVersion.request',
      resourceType: 'Clinic',
      resourceId: t.id,
      detail: { version, requestId, firstAffectedDate: affected, reason: input.reason.trim() },
    });
    return { status: 'pending-approval' as const, version, requestId, firstAffectedDate: affected! };
  });
}

export interface DecisionInput {
  approve: boolean;
  reason: string;
}

/** A service manager's decision on a change request: approve (the version is applied now) or reject. */
export async function decideChangeRequest(
  db: Database,
  ctx: RequestContext,
  requestId: string,
  input: DecisionInput,
) {
  const orgId = ctx.principal.orgId;
  return db.transaction(async (tx) => {
    const [found] = await tx
      .select({ templateId: clinicChangeRequests.templateId })
      .from(clinicChangeRequests)
      .where(and(eq(clinicChangeRequests.orgId, orgId), eq(clinicChangeRequests.id, requestId)));
    if (!found) throw notFound('Change request');
    // The template first, then the request: the same lock order as a new version.
    const t = await loadTemplate(tx, orgId, found.templateId, true);
    const [request] = await tx
      .select()
      .from(clinicChangeRequests)
      .where(and(eq(clinicChangeRequests.orgId, orgId), eq(clinicChangeRequests.id, requestId)))
      .for('update');
    if (request!.status !== 'requested') {
      throw new AppError('conflict', `This change request has already been ${request!.status}`);
    }
    if (request!.kind === 'cancel-session') {
      return decideCancelRequest(tx, ctx, t, request!, input);
    }
    const [version] = await tx
      .select()
      .from(clinicTemplateVersions)
      .where(
        and(
          eq(clinicTemplateVersions.orgId, orgId),
          eq(clinicTemplateVersions.templateId, t.id),
          eq(clinicTemplateVersions.version, request!.version ?? -1),
        ),
      );
    if (!version || version.status !== 'pending-approval') {
      throw new AppError('conflict', 'The version this request is for is no longer waiting for approval');
    }
    const reason = input.reason.trim();
    const status = input.approve ? 'approved' : 'rejected';
    let applied: ApplyResult | null = null;
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
        requestedBy: request!.requestedBy,
        requestReason: request!.reason,
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
) {
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

/** Every clinic, with its version in force and its open slots from now. */
export async function listClinics(db: Database, ctx: RequestContext) {
  const orgId = ctx.principal.orgId;
  const [templates, versions, counts] = await Promise.all([
    db
      .select()
      .from(clinicTemplates)
      .where(eq(clinicTemplates.orgId, orgId))
      .orderBy(asc(clinicTemplates.name)),
    db.select().from(clinicTemplateVersions).where(eq(clinicTemplateVersions.orgId, orgId)),
    db
      .select({
        templateId: slots.templateId,
        open: sql<number>`count(*)::int`,
        free: sql<number>`count(*) filter (where ${slots.booked} + ${slots.held} < ${slots.capacity})::int`,
      })
      .from(slots)
      .where(and(eq(slots.orgId, orgId), eq(slots.status, 'open'), gt(slots.startsAt, ctx.now)))
      .groupBy(slots.templateId),
  ]);
  const byTemplate = new Map<string, VersionRow[]>();
  for (const v of versions.sort((a, b) => a.version - b.version)) {
    byTemplate.set(v.templateId, [...(byTemplate.get(v.templateId) ?? []), v]);
  }
  const countOf = new Map(counts.map((c) => [c.templateId, c]));
  return {
    clinics: templates.map((t) => {
      const current = currentOf(byTemplate.get(t.id) ?? []);
      const c = countOf.get(t.id);
      return {
        id: t.id,
        name: t.name,
        clinicianId: t.clinicianId,
        serviceName: t.serviceName,
        locationId: t.locationId,
        specialtyCode: t.specialtyCode,
        currentVersion: current ? versionView(current) : null,
        openSlots: c?.open ?? 0,
        freeSlots: c?.free ?? 0,
      };
    }),
  };
}

/** One clinic: the template, every version with its status, and its change requests still to decide. */
export async function getClinic(db: Database, ctx: RequestContext, id: string) {
  const orgId = ctx.principal.orgId;
  const t = await loadTemplate(db, orgId, id);
  const versions = await versionsOf(db, orgId, id);
  const pending = await db
    .select()
    .from(clinicChangeRequests)
    .where(
      and(
        eq(clinicChangeRequests.orgId, orgId),
        eq(clinicChangeRequests.templateId, id),
        eq(clinicChangeRequests.status, 'requested'),
      ),
    )
    .orderBy(asc(clinicChangeRequests.requestedAt));
  return {
    id: t.id,
    name: t.name,
    clinicianId: t.clinicianId,
    serviceName: t.serviceName,
    locationId: t.locationId,
    specialtyCode: t.specialtyCode,
    createdBy: t.createdBy,
    createdAt: t.createdAt.toISOString(),
    versions: versions.map(versionView),
    pendingRequests: pending.map((r) => requestView(r, t.name)),
  };
}

/** A clinic's slots on London dates `from` to `to` (default today and six weeks; at most 26 weeks). */
export async function listSlots(
  db: Database,
  ctx: RequestContext,
  id: string,
  query: { from?: string | undefined; to?: string | undefined },
) {
  const orgId = ctx.principal.orgId;
  const from = query.from ?? londonToday(ctx.now);
  const to = query.to ?? slotHorizon(from, DEFAULT_SLOT_WEEKS).to;
  const days = daysBetween(parsePlainDate(from), parsePlainDate(to)) + 1;
  if (days < 1) {
    const message = `The last date must be the same as or after the first date (${from})`;
    throw new AppError('validation_failed', message, { errors: [{ field: '/query/to', message }] });
  }
  if (days > MAX_SLOT_WEEKS * 7) {
    const message = `Ask for at most ${MAX_SLOT_WEEKS} weeks of slots at a time`;
    throw new AppError('validation_failed', message, { errors: [{ field: '/query/to', message }] });
  }
  await loadTemplate(db, orgId, id);
  const rows = await db
    .select()
    .from(slots)
    .where(
      and(
        eq(slots.orgId, orgId),
        eq(slots.templateId, id),
        gte(slots.sessionDate, from),
        lte(slots.sessionDate, to),
      ),
    )
    .orderBy(asc(slots.startsAt), asc(slots.key));
  return {
    from,
    to,
    slots: rows.map((s) => ({
      id: s.id,
      key: s.key,
      sessionDate: s.sessionDate,
      sessionIndex: s.sessionIndex,
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
      slotType: s.slotType,
      capacity: s.capacity,
      booked: s.booked,
      held: s.held,
      status: s.status,
    })),
  };
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
