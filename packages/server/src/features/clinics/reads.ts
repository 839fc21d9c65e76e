/** Reading clinics: the list with their version in force, one clinic with its versions, and its slots. */
import { and, asc, eq, gt, gte, inArray, lte, sql } from 'drizzle-orm';
import { DEFAULT_HORIZON_WEEKS, daysBetween, parsePlainDate, slotHorizon } from '@pathflow/core';
import type { Database } from '../../db/client';
import {
  appointments,
  clinicChangeRequests,
  clinicTemplates,
  clinicTemplateVersions,
  slots,
} from '../../db/schema';
import type { RequestContext } from '../../auth/principal';
import { AppError } from '../../errors';
import { londonToday } from '../../clock';
import {
  currentOf,
  loadTemplate,
  requestView,
  versionView,
  versionsOf,
  type TemplateRow,
  type VersionRow,
} from './model';

/** The slots read by default (weeks from the first date), and the most one request may read. */
export const DEFAULT_SLOT_WEEKS = 6;
export const MAX_SLOT_WEEKS = DEFAULT_HORIZON_WEEKS;

/** What the list and the one-clinic read both show of a template. */
const templateView = (t: TemplateRow) => ({
  id: t.id,
  name: t.name,
  clinicianId: t.clinicianId,
  serviceName: t.serviceName,
  locationId: t.locationId,
  specialtyCode: t.specialtyCode,
});

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
        ...templateView(t),
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
    ...templateView(t),
    createdBy: t.createdBy,
    createdAt: t.createdAt.toISOString(),
    versions: versions.map(versionView),
    pendingRequests: pending.map((r) => requestView(r, t.name)),
  };
}

/**
 * A clinic's slots on London dates `from` to `to` (default today and six weeks; at most 26 weeks), each with
 * how its appointments went when the clinic was held: attended and did not attend (counts, no patients).
 */
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
  const attendance = await db
    .select({
      slotId: appointments.slotId,
      attended: sql<number>`count(*) filter (where ${appointments.status} = 'attended')::int`,
      dna: sql<number>`count(*) filter (where ${appointments.status} = 'dna')::int`,
    })
    .from(appointments)
    .innerJoin(slots, and(eq(slots.orgId, appointments.orgId), eq(slots.id, appointments.slotId)))
    .where(
      and(
        eq(appointments.orgId, orgId),
        eq(slots.templateId, id),
        gte(slots.sessionDate, from),
        lte(slots.sessionDate, to),
        inArray(appointments.status, ['attended', 'dna']),
      ),
    )
    .groupBy(appointments.slotId);
  const attendanceOf = new Map(attendance.map((a) => [a.slotId, a]));
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
      attended: attendanceOf.get(s.id)?.attended ?? 0,
      dna: attendanceOf.get(s.id)?.dna ?? 0,
    })),
  };
}
