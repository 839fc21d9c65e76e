/**
 * What the clinic modules share: the stored rows as core's templates, the views answered over HTTP, core's
 * template check as field errors, generated slots as rows, and loading a template and its versions.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import {
  addDays,
  compareDates,
  parsePlainDate,
  validateClinicTemplate,
  type ClinicChangeRequest,
  type ClinicTemplate,
  type ClinicVersion,
  type GeneratedSlot,
  type Recurrence,
  type TemplateSession,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { type clinicChangeRequests, clinicTemplates, clinicTemplateVersions, slots } from '../../db/schema';
import { AppError, notFound, type FieldError } from '../../errors';

export type TemplateRow = typeof clinicTemplates.$inferSelect;
export type VersionRow = typeof clinicTemplateVersions.$inferSelect;
export type RequestRow = typeof clinicChangeRequests.$inferSelect;
export type SlotRow = typeof slots.$inferSelect;

/** Rows written (or ids updated) per statement, to keep statements and their parameters small. */
export const INSERT_CHUNK = 500;

export const dateAdd = (date: string, days: number): string => addDays(parsePlainDate(date), days).toString();
export const laterOf = (a: string, b: string): string =>
  compareDates(parsePlainDate(a), parsePlainDate(b)) >= 0 ? a : b;

export function versionView(v: VersionRow): ClinicVersion {
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

export function requestView(r: RequestRow, clinicName: string): ClinicChangeRequest {
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
export function templateOf(
  t: TemplateRow,
  v: Pick<VersionRow, 'effectiveFrom' | 'effectiveTo' | 'recurrence' | 'sessions'>,
): ClinicTemplate {
  return {
    clinicianId: t.clinicianId,
    ...(t.serviceName === null ? {} : { serviceName: t.serviceName }),
    locationId: t.locationId,
    specialtyCode: t.specialtyCode,
    effectiveFrom: v.effectiveFrom,
    effectiveTo: v.effectiveTo,
    recurrence: v.recurrence as Recurrence,
    sessions: v.sessions as TemplateSession[],
  };
}

/** Core's template check, its paths as `/body/...` field errors (400, nothing written). */
export function checkTemplate(input: unknown): ClinicTemplate {
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
export function slotRows(orgId: string, t: TemplateRow, generated: readonly GeneratedSlot[]) {
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

export async function insertSlots(tx: Database, rows: (typeof slots.$inferInsert)[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await tx.insert(slots).values(rows.slice(i, i + INSERT_CHUNK));
  }
}

export async function loadTemplate(
  tx: Database,
  orgId: string,
  id: string,
  lock = false,
): Promise<TemplateRow> {
  const query = tx
    .select()
    .from(clinicTemplates)
    .where(and(eq(clinicTemplates.orgId, orgId), eq(clinicTemplates.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('Clinic');
  return row;
}

export async function versionsOf(tx: Database, orgId: string, templateId: string): Promise<VersionRow[]> {
  return tx
    .select()
    .from(clinicTemplateVersions)
    .where(and(eq(clinicTemplateVersions.orgId, orgId), eq(clinicTemplateVersions.templateId, templateId)))
    .orderBy(asc(clinicTemplateVersions.version));
}

/** The version in force: the newest active one. */
export const currentOf = (versions: readonly VersionRow[]): VersionRow | undefined =>
  versions.filter((v) => v.status === 'active').at(-1);
