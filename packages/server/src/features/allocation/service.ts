/**
 * Automatic allocation plans: load a specialty's waiting list, each patient's unavailability and the free slots
 * over a window, run core's `allocate` (the weighted-breach optimum, booked in turn where the cost leaves a
 * choice), and keep the plan so that it can be shown before it is applied (apply.ts).
 *
 * The stored plan holds ids, dates and flags only: names and NHS numbers are read from the patient records each
 * time a page of the plan is shown, and that read is audited.
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import {
  BREACH_KINDS,
  acceptedSlotTypes,
  addDays,
  allocate,
  daysBetween,
  parsePlainDate,
  type AllocationPlanView,
  type BreachKind,
  type PlanHeader,
  type PlanPatient,
  type PlanStatus,
  type PlanSummary,
  type RttPriority,
  type StillBreachingReason,
  type UnassignedReason,
  type WaitingPatient,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { allocationPlans, clinicTemplates, pathways, patients, slots, specialties } from '../../db/schema';
import { actorOf, audit, writeAuditForMany } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError, invalid, notFound } from '../../errors';
import { londonToday } from '../../clock';
import { loadFreeSlots, loadUnavailable, loadWaitingList } from './inputs';

export const DEFAULT_WEEKS = 6;
export const MAX_WEEKS = 26;
export const DEFAULT_MIN_NOTICE = 7;
export const MAX_MIN_NOTICE = 90;
/** How far ahead a plan may start, in days. */
export const MAX_START_AHEAD_DAYS = 365;
export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;
export const OUT_OF_TURN_REASON = 'Automatic allocation: booked to minimise breaches';

/** One planned booking as stored (ids and dates only). */
export interface StoredAssignment {
  pathwayId: string;
  patientId: string;
  slotId: string;
  date: string;
  startsAt: string;
  noticeDays: number;
  reasonableOffer: boolean;
  outOfTurn: boolean;
  breachesAvoided: BreachKind[];
  breaches: BreachKind[];
}

/** A patient who still breaches (booked too late, or not booked), as stored. */
export interface StoredBreaching {
  pathwayId: string;
  patientId: string;
  breaches: BreachKind[];
  why: StillBreachingReason;
  /** The booking the plan makes, when it makes one. */
  slotId: string | null;
  date: string | null;
  /** Why the patient is not booked at all, when they are not. */
  unassigned: UnassignedReason | null;
}

export interface StoredUnassigned {
  stillBreaching: StoredBreaching[];
  /** Patients left without a date (whether or not they breach), with the reason. */
  unassigned: { pathwayId: string; patientId: string; reason: UnassignedReason }[];
}

export const BREACH_LABELS: Record<BreachKind, string> = {
  '18-week': '18 weeks',
  '52-week': '52 weeks',
  '65-week': '65 weeks',
  '78-week': '78 weeks',
  '104-week': '104 weeks',
  'priority-target': 'Priority target (seen within 2 weeks of referral)',
};

export const STILL_BREACHING_TEXT: Record<StillBreachingReason, string> = {
  'already-breached':
    'Already past the breach date, or will be before the first date that can be offered with the minimum notice',
  'no-eligible-slot-in-time': 'No suitable slot before the breach date',
  capacity:
    'Not enough places: suitable slots before the breach date went to patients whose breaches weigh as much or more',
};

export const UNASSIGNED_TEXT: Record<UnassignedReason, string> = {
  'no-eligible-slot':
    'No suitable slot in the period (slot type, clinician, dates the patient can attend, minimum notice)',
  capacity: 'Not enough places: the suitable slots went to patients with more pressing waits',
};

const zeroBreaches = (): Record<BreachKind, number> =>
  Object.fromEntries(BREACH_KINDS.map((k) => [k, 0])) as Record<BreachKind, number>;

export interface CreatePlanInput {
  specialtyCode: string;
  fromDate?: string | undefined;
  weeks?: number | undefined;
  minNoticeDays?: number | undefined;
}

async function checkSpecialty(tx: Database, orgId: string, code: string): Promise<void> {
  const [row] = await tx
    .select({ code: specialties.code })
    .from(specialties)
    .where(and(eq(specialties.orgId, orgId), eq(specialties.code, code)));
  if (!row) throw invalid('/body/specialtyCode', `There is no specialty with the code ${code}`);
}

/** The window of a plan, checked: first and last session dates, and the minimum notice. */
function windowOf(today: string, input: CreatePlanInput) {
  const weeks = input.weeks ?? DEFAULT_WEEKS;
  const minNoticeDays = input.minNoticeDays ?? DEFAULT_MIN_NOTICE;
  const fromDate = input.fromDate ?? today;
  const ahead = daysBetween(parsePlainDate(today), parsePlainDate(fromDate));
  if (ahead < 0) throw invalid('/body/fromDate', 'The start date must be today or in the future');
  if (ahead > MAX_START_AHEAD_DAYS)
    throw invalid('/body/fromDate', `The start date must be within ${MAX_START_AHEAD_DAYS} days of today`);
  const toDate = addDays(parsePlainDate(fromDate), weeks * 7 - 1).toString();
  const horizon = ahead + weeks * 7;
  if (minNoticeDays >= horizon) {
    throw invalid(
      '/body/minNoticeDays',
      `A minimum notice of ${minNoticeDays} days leaves no dates in the period: make it shorter, or plan over more weeks`,
    );
  }
  return { weeks, minNoticeDays, fromDate, toDate, horizon };
}

type PlanRow = typeof allocationPlans.$inferSelect;

/** A stored plan's header as answered: its status typed, its times as ISO instants. */
function headerOf(plan: Pick<PlanRow, keyof PlanHeader>): PlanHeader {
  return {
    id: plan.id,
    specialtyCode: plan.specialtyCode,
    status: plan.status as PlanStatus,
    fromDate: plan.fromDate,
    toDate: plan.toDate,
    createdBy: plan.createdBy,
    createdAt: plan.createdAt.toISOString(),
    decidedBy: plan.decidedBy,
    decidedAt: plan.decidedAt ? plan.decidedAt.toISOString() : null,
  };
}

export interface PageInput {
  offset?: number | undefined;
  limit?: number | undefined;
  breachingOffset?: number | undefined;
  breachingLimit?: number | undefined;
}

/** A plan with one page of its assignments and of who still breaches, names read (and audited) now. */
async function viewOf(
  tx: Database,
  ctx: RequestContext,
  plan: PlanRow,
  page: PageInput,
): Promise<AllocationPlanView> {
  const orgId = ctx.principal.orgId;
  const all = plan.assignments as StoredAssignment[];
  const stored = plan.unassigned as StoredUnassigned;
  const summary = plan.summary as PlanSummary;
  const offset = page.offset ?? 0;
  const limit = page.limit ?? DEFAULT_PAGE;
  const bOffset = page.breachingOffset ?? 0;
  const bLimit = page.breachingLimit ?? DEFAULT_PAGE;
  const items = all.slice(offset, offset + limit);
  const breaching = stored.stillBreaching.slice(bOffset, bOffset + bLimit);

  const pathwayIds = [...new Set([...items, ...breaching].map((x) => x.pathwayId))];
  const people =
    pathwayIds.length === 0
      ? []
      : await tx
          .select({
            pathwayId: pathways.id,
            patientId: patients.id,
            priority: pathways.priority,
            nhsNumber: patients.nhsNumber,
            givenName: patients.givenName,
            familyName: patients.familyName,
          })
          .from(pathways)
          .innerJoin(patients, and(eq(patients.orgId, pathways.orgId), eq(patients.id, pathways.patientId)))
          .where(and(eq(pathways.orgId, orgId), inArray(pathways.id, pathwayIds)));
  const person = new Map(people.map((p) => [p.pathwayId, p]));
  const slotIds = [...new Set(items.map((a) => a.slotId))];
  const slotRows =
    slotIds.length === 0
      ? []
      : await tx
          .select({
            id: slots.id,
            slotType: slots.slotType,
            endsAt: slots.endsAt,
            clinicId: clinicTemplates.id,
            clinicName: clinicTemplates.name,
          })
          .from(slots)
          .innerJoin(
            clinicTemplates,
            and(eq(clinicTemplates.orgId, slots.orgId), eq(clinicTemplates.id, slots.templateId)),
          )
          .where(and(eq(slots.orgId, orgId), inArray(slots.id, slotIds)));
  const slotOf = new Map(slotRows.map((s) => [s.id, s]));

  await writeAuditForMany(
    tx,
    actorOf(ctx),
    'AllocationPlan.read',
    'Pathway',
    people.map((p) => ({ resourceId: p.pathwayId, patientId: p.patientId })),
  );

  const refOf = (pathwayId: string, patientId: string): PlanPatient & { priority: string } => {
    const p = person.get(pathwayId);
    return p
      ? {
          id: p.patientId,
          nhsNumber: p.nhsNumber,
          name: `${p.familyName}, ${p.givenName}`,
          priority: p.priority,
        }
      : { id: patientId, nhsNumber: '', name: '', priority: '' };
  };

  return {
    ...headerOf(plan),
    summary: {
      ...summary,
      stillBreaching: (Object.keys(STILL_BREACHING_TEXT) as StillBreachingReason[]).map((reason) => ({
        reason,
        text: STILL_BREACHING_TEXT[reason],
        count: summary.stillBreachingByReason[reason] ?? 0,
      })),
      unassigned: (Object.keys(UNASSIGNED_TEXT) as UnassignedReason[]).map((reason) => ({
        reason,
        text: UNASSIGNED_TEXT[reason],
        count: summary.unassignedByReason[reason] ?? 0,
      })),
    },
    assignments: {
      offset,
      limit,
      total: all.length,
      items: items.map((a) => {
        const { priority, ...patient } = refOf(a.pathwayId, a.patientId);
        const s = slotOf.get(a.slotId);
        return {
          pathwayId: a.pathwayId,
          patient,
          priority,
          slot: {
            id: a.slotId,
            type: s?.slotType ?? '',
            startsAt: a.startsAt,
            endsAt: s ? s.endsAt.toISOString() : a.startsAt,
            date: a.date,
          },
          clinic: { id: s?.clinicId ?? '', name: s?.clinicName ?? '' },
          noticeDays: a.noticeDays,
          reasonableOffer: a.reasonableOffer,
          outOfTurn: a.outOfTurn,
          breachesAvoided: a.breachesAvoided,
          breaches: a.breaches,
        };
      }),
    },
    stillBreaching: {
      offset: bOffset,
      limit: bLimit,
      total: stored.stillBreaching.length,
      items: breaching.map((b) => {
        const { priority, ...patient } = refOf(b.pathwayId, b.patientId);
        return {
          pathwayId: b.pathwayId,
          patient,
          priority,
          breaches: b.breaches,
          booked: b.slotId !== null,
          date: b.date,
          reason: b.why,
          reasonText: STILL_BREACHING_TEXT[b.why],
          unassignedReason: b.unassigned,
          unassignedText: b.unassigned ? UNASSIGNED_TEXT[b.unassigned] : null,
        };
      }),
    },
  };
}

/** Makes, stores and audits a plan for one specialty; older proposed plans of the specialty are superseded. */
export async function createPlan(
  db: Database,
  ctx: RequestContext,
  input: CreatePlanInput,
): Promise<AllocationPlanView> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  const w = windowOf(today, input);
  return db.transaction(async (tx) => {
    await checkSpecialty(tx, orgId, input.specialtyCode);
    const waiting = await loadWaitingList(tx, orgId, input.specialtyCode);
    const unavailable = await loadUnavailable(tx, orgId, input.specialtyCode, today, w.toDate);
    const free = await loadFreeSlots(tx, ctx, input.specialtyCode, w.fromDate, w.toDate);
    const patientOf = new Map(waiting.map((p) => [p.pathwayId, p.patientId]));
    const list: WaitingPatient[] = waiting.map((p) => {
      const priority = p.priority as RttPriority;
      const off = unavailable.get(p.patientId);
      return {
        pathwayId: p.pathwayId,
        priority,
        clockStart: p.clockStart ?? p.clockStartDate,
        referralReceived: p.referralReceived,
        specialtyCode: input.specialtyCode,
        clinicianId: p.clinicianId,
        // Triage to a procedure clinic means procedure slots only (the booking module's rule).
        slotTypes: acceptedSlotTypes({ priority, clinicType: p.clinicType, stage: 'first' }),
        ...(off ? { unavailable: off } : {}),
      };
    });
    const plan = allocate({
      patients: list,
      slots: free,
      today,
      horizon: w.horizon,
      minNoticeDays: w.minNoticeDays,
    });

    const stored: StoredAssignment[] = plan.assignments.map((a) => ({
      pathwayId: a.pathwayId,
      patientId: patientOf.get(a.pathwayId)!,
      slotId: a.slotId,
      date: a.date,
      startsAt: a.startsAt,
      noticeDays: a.noticeDays,
      reasonableOffer: a.reasonableOffer,
      outOfTurn: a.outOfTurn,
      breachesAvoided: [...a.breachesAvoided],
      breaches: [...a.breaches],
    }));
    const assignmentOf = new Map(stored.map((a) => [a.pathwayId, a]));
    const unassignedOf = new Map(plan.unassigned.map((u) => [u.pathwayId, u.reason]));
    const stillBreachingByReason: Record<StillBreachingReason, number> = {
      'already-breached': 0,
      'no-eligible-slot-in-time': 0,
      capacity: 0,
    };
    const unassignedByReason: Record<UnassignedReason, number> = { 'no-eligible-slot': 0, capacity: 0 };
    for (const u of plan.unassigned) unassignedByReason[u.reason]++;
    const breaching: StoredBreaching[] = plan.stillBreaching.map((b) => {
      stillBreachingByReason[b.why]++;
      const a = assignmentOf.get(b.pathwayId);
      return {
        pathwayId: b.pathwayId,
        patientId: patientOf.get(b.pathwayId)!,
        breaches: [...b.breaches],
        why: b.why,
        slotId: a?.slotId ?? null,
        date: a?.date ?? null,
        unassigned: unassignedOf.get(b.pathwayId) ?? null,
      };
    });
    const breachesBefore = zeroBreaches();
    for (const k of BREACH_KINDS)
      breachesBefore[k] = plan.counts.breaches[k] + plan.counts.breachesAvoided[k];
    const summary: PlanSummary = {
      today,
      weeks: w.weeks,
      minNoticeDays: w.minNoticeDays,
      counts: plan.counts,
      breachesBefore,
      breachesAfter: { ...plan.counts.breaches },
      stillBreachingByReason,
      unassignedByReason,
    };
    const unassigned: StoredUnassigned = {
      stillBreaching: breaching,
      unassigned: plan.unassigned.map((u) => ({
        pathwayId: u.pathwayId,
        patientId: patientOf.get(u.pathwayId)!,
        reason: u.reason,
      })),
    };

    // Only the newest proposed plan of a specialty can be applied: the older ones are superseded.
    await tx
      .update(allocationPlans)
      .set({ status: 'superseded', decidedBy: ctx.principal.id, decidedAt: ctx.now })
      .where(
        and(
          eq(allocationPlans.orgId, orgId),
          eq(allocationPlans.specialtyCode, input.specialtyCode),
          eq(allocationPlans.status, 'proposed'),
        ),
      );
    const id = randomUUID();
    const [row] = await tx
      .insert(allocationPlans)
      .values({
        orgId,
        id,
        specialtyCode: input.specialtyCode,
        fromDate: w.fromDate,
        toDate: w.toDate,
        status: 'proposed',
        summary,
        assignments: stored,
        unassigned,
        createdBy: ctx.principal.id,
        createdAt: ctx.now,
      })
      .returning();
    await writeAuditForMany(
      tx,
      actorOf(ctx),
      'AllocationPlan.create',
      'Pathway',
      waiting.map((p) => ({ resourceId: p.pathwayId, patientId: p.patientId })),
    );
    await audit(tx, ctx, {
      action: 'AllocationPlan.create',
      resourceType: 'AllocationPlan',
      resourceId: id,
      detail: { specialtyCode: input.specialtyCode, patients: waiting.length, booked: stored.length },
    });
    return viewOf(tx, ctx, row!, {});
  });
}

async function loadPlan(tx: Database, orgId: string, id: string, lock = false): Promise<PlanRow> {
  const q = tx
    .select()
    .from(allocationPlans)
    .where(and(eq(allocationPlans.orgId, orgId), eq(allocationPlans.id, id)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('Allocation plan');
  return row;
}

export async function getPlan(
  db: Database,
  ctx: RequestContext,
  id: string,
  page: PageInput,
): Promise<AllocationPlanView> {
  return db.transaction(async (tx) => viewOf(tx, ctx, await loadPlan(tx, ctx.principal.orgId, id), page));
}

export interface PlanListItem extends PlanHeader {
  patients: number;
  booked: number;
}

/** Recent plans, newest first: counts only, no patient details. */
export async function listPlans(
  db: Database,
  ctx: RequestContext,
  q: { specialty?: string | undefined; limit?: number | undefined },
): Promise<PlanListItem[]> {
  const rows = await db
    .select({
      id: allocationPlans.id,
      specialtyCode: allocationPlans.specialtyCode,
      status: allocationPlans.status,
      fromDate: allocationPlans.fromDate,
      toDate: allocationPlans.toDate,
      createdBy: allocationPlans.createdBy,
      createdAt: allocationPlans.createdAt,
      decidedBy: allocationPlans.decidedBy,
      decidedAt: allocationPlans.decidedAt,
      patients: sql<number>`(${allocationPlans.summary} -> 'counts' ->> 'patients')::int`,
      booked: sql<number>`(${allocationPlans.summary} -> 'counts' ->> 'booked')::int`,
    })
    .from(allocationPlans)
    .where(
      and(
        eq(allocationPlans.orgId, ctx.principal.orgId),
        q.specialty ? eq(allocationPlans.specialtyCode, q.specialty) : sql`true`,
      ),
    )
    .orderBy(desc(allocationPlans.createdAt), desc(allocationPlans.id))
    .limit(q.limit ?? 10);
  return rows.map((r) => ({
    ...headerOf(r),
    patients: Number(r.patients),
    booked: Number(r.booked),
  }));
}

export { loadPlan };

/** Refuses a decision on a plan that is no longer proposed. */
export function mustBeProposed(plan: PlanRow): void {
  if (plan.status === 'proposed') return;
  const why =
    plan.status === 'superseded'
      ? 'a newer plan has been made for this specialty: apply that one, or make a new plan'
      : `it has already been ${plan.status}`;
  throw new AppError('conflict', `This plan cannot be changed: ${why}`);
}

export async function discardPlan(
  db: Database,
  ctx: RequestContext,
  id: string,
): Promise<{ id: string; status: PlanStatus; decidedBy: string; decidedAt: string }> {
  return db.transaction(async (tx) => {
    const plan = await loadPlan(tx, ctx.principal.orgId, id, true);
    mustBeProposed(plan);
    await tx
      .update(allocationPlans)
      .set({ status: 'discarded', decidedBy: ctx.principal.id, decidedAt: ctx.now })
      .where(and(eq(allocationPlans.orgId, ctx.principal.orgId), eq(allocationPlans.id, id)));
    await audit(tx, ctx, {
      action: 'AllocationPlan.discard',
      resourceType: 'AllocationPlan',
      resourceId: id,
    });
    return { id, status: 'discarded', decidedBy: ctx.principal.id, decidedAt: ctx.now.toISOString() };
  });
}
