/**
 * The free-slot search: open slots with a place free (`booked + held < capacity`) in one specialty, starting
 * after now and within a window of London dates, soonest first, with their clinic and clinician. The query's
 * conditions are written so that PostgreSQL can answer it from the partial index
 * `slots_free_idx (org_id, specialty_code, starts_at) where status = 'open' and booked + held < capacity`:
 * the status test is a literal (not a parameter) and the capacity test is the index's own expression, and the
 * order is the index's. No patient is read, so the audit row holds counts only.
 */
import { and, asc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import {
  LONDON,
  addDays,
  daysBetween,
  isReasonableOffer,
  londonDateOfEpochMilliseconds,
  offerNoticeDays,
  parsePlainDate,
  type SlotType,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { clinicTemplates, clinicians, locations, slots, specialties } from '../../db/schema';
import { audit } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { invalid } from '../../errors';
import { londonToday } from '../../clock';

export const DEFAULT_WINDOW_DAYS = 42;
export const MAX_WINDOW_DAYS = 182;
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

export interface SlotSearchQuery {
  specialty: string;
  from?: string | undefined;
  to?: string | undefined;
  slotType?: SlotType | undefined;
  clinicianId?: string | undefined;
  /** Only slots of this clinic (clinic template). */
  clinicId?: string | undefined;
  limit?: number | undefined;
}

export interface FreeSlot {
  id: string;
  startsAt: string;
  endsAt: string;
  sessionDate: string;
  slotType: string;
  capacity: number;
  free: number;
  clinic: { id: string; name: string; serviceName: string | null };
  clinician: { id: string; name: string } | null;
  location: { id: string; name: string; site: string };
  /** Days' notice the slot would give if offered today (London dates): what booking it now would record. */
  noticeDays: number;
  /** At least 21 days' notice (nhs-domain §1.5, core `isReasonableOffer`). */
  reasonable: boolean;
}

export interface SlotSearchResult {
  specialty: string;
  from: string;
  to: string;
  limit: number;
  slots: FreeSlot[];
  /** More free slots match than were returned: narrow the window or raise the limit. */
  more: boolean;
}

/** Midnight at the start of a London date, as an instant (DST-safe: the zone decides the offset). */
const londonMidnight = (date: string): Date =>
  new Date(parsePlainDate(date).toZonedDateTime({ timeZone: LONDON }).epochMilliseconds);

export interface SearchWindow {
  from: string;
  to: string;
  /** Instants: starts at or after `after`, before `before`. */
  after: Date;
  before: Date;
  limit: number;
}

/** Checks the query and works out the window; every refusal names its parameter. */
export function searchWindow(now: Date, query: Omit<SlotSearchQuery, 'specialty'>): SearchWindow {
  const today = londonToday(now);
  const from = query.from ?? today;
  const to = query.to ?? addDays(parsePlainDate(from), DEFAULT_WINDOW_DAYS).toString();
  const span = daysBetween(parsePlainDate(from), parsePlainDate(to));
  if (span < 0) throw invalid('/query/to', `to must be the same as or after from (${from})`);
  if (span > MAX_WINDOW_DAYS) {
    throw invalid(
      '/query/to',
      `Search at most ${MAX_WINDOW_DAYS / 7} weeks (${MAX_WINDOW_DAYS} days) at a time: this window is ${span} days`,
    );
  }
  if (daysBetween(parsePlainDate(today), parsePlainDate(to)) < 0) {
    throw invalid('/query/to', `The window is all in the past: to must be today (${today}) or later`);
  }
  const start = londonMidnight(from);
  return {
    from,
    to,
    // A slot that has started cannot be booked: never before now.
    after: start.getTime() > now.getTime() ? start : now,
    before: londonMidnight(addDays(parsePlainDate(to), 1).toString()),
    limit: query.limit ?? DEFAULT_LIMIT,
  };
}

export interface SlotFilters {
  slotType?: string | undefined;
  clinicianId?: string | undefined;
  clinicId?: string | undefined;
  /** Only slots of these types (the types a pathway's appointment may be booked into). */
  slotTypes?: readonly string[] | undefined;
  /** Leave out slots on dates this patient has said they cannot come. */
  availableFor?: string | undefined;
}

/** The search as one query, also for EXPLAIN in tests and the benchmark. */
export function freeSlotsQuery(
  db: Database,
  orgId: string,
  specialty: string,
  w: Pick<SearchWindow, 'after' | 'before'>,
  filters: SlotFilters,
  limit: number,
) {
  const where: SQL[] = [
    eq(slots.orgId, orgId),
    eq(slots.specialtyCode, specialty),
    // Literally the index's predicate, so the planner can prove it and use slots_free_idx.
    sql`${slots.status} = 'open' and ${slots.booked} + ${slots.held} < ${slots.capacity}`,
    gte(slots.startsAt, w.after),
    lt(slots.startsAt, w.before),
  ];
  if (filters.slotType !== undefined) where.push(eq(slots.slotType, filters.slotType));
  if (filters.clinicianId !== undefined) where.push(eq(slots.clinicianId, filters.clinicianId));
  if (filters.clinicId !== undefined) where.push(eq(slots.templateId, filters.clinicId));
  if (filters.slotTypes !== undefined) where.push(inArray(slots.slotType, [...filters.slotTypes]));
  if (filters.availableFor !== undefined) {
    // The patient's own unavailability (London dates, inclusive), as book in turn skips it.
    where.push(sql`not exists (select 1 from patient_unavailability u where u.org_id = ${slots.orgId}
          and u.patient_id = ${filters.availableFor} and u.removed_at is null
          and u.from_date <= ${slots.sessionDate} and u.to_date >= ${slots.sessionDate})`);
  }
  return db
    .select({
      id: slots.id,
      startsAt: slots.startsAt,
      endsAt: slots.endsAt,
      sessionDate: slots.sessionDate,
      slotType: slots.slotType,
      capacity: slots.capacity,
      booked: slots.booked,
      held: slots.held,
      clinicId: clinicTemplates.id,
      clinicName: clinicTemplates.name,
      serviceName: clinicTemplates.serviceName,
      clinicianId: clinicians.id,
      clinicianTitle: clinicians.title,
      clinicianGiven: clinicians.givenName,
      clinicianFamily: clinicians.familyName,
      locationId: locations.id,
      locationName: locations.name,
      site: locations.site,
    })
    .from(slots)
    .innerJoin(
      clinicTemplates,
      and(eq(clinicTemplates.orgId, slots.orgId), eq(clinicTemplates.id, slots.templateId)),
    )
    .innerJoin(locations, and(eq(locations.orgId, slots.orgId), eq(locations.id, slots.locationId)))
    .leftJoin(clinicians, and(eq(clinicians.orgId, slots.orgId), eq(clinicians.id, slots.clinicianId)))
    .where(and(...where))
    .orderBy(asc(slots.startsAt), asc(slots.id))
    .limit(limit);
}

export async function searchFreeSlots(
  db: Database,
  ctx: RequestContext,
  query: SlotSearchQuery,
): Promise<SlotSearchResult> {
  const orgId = ctx.principal.orgId;
  const w = searchWindow(ctx.now, query);
  // One more than asked for tells whether there are more.
  const rows = await freeSlotsQuery(db, orgId, query.specialty, w, query, w.limit + 1);
  if (rows.length === 0) {
    // Only an empty answer needs telling apart from a mistyped code.
    const [known] = await db
      .select({ code: specialties.code })
      .from(specialties)
      .where(and(eq(specialties.orgId, orgId), eq(specialties.code, query.specialty)));
    if (!known) throw invalid('/query/specialty', `There is no specialty with code ${query.specialty}`);
  }
  const page = rows.slice(0, w.limit);
  const today = londonToday(ctx.now);
  await audit(db, ctx, {
    action: 'Slot.search',
    resourceType: 'Slot',
    detail: { specialty: query.specialty, from: w.from, to: w.to, returned: page.length },
  });
  return {
    specialty: query.specialty,
    from: w.from,
    to: w.to,
    limit: w.limit,
    more: rows.length > w.limit,
    slots: page.map((r) => freeSlotOf(r, today)),
  };
}

type FreeSlotRow = Awaited<ReturnType<typeof freeSlotsQuery>>[number];

/** A row of the search as the API answers it, with the notice it would give if offered on `today`. */
export function freeSlotOf(r: FreeSlotRow, today: string): FreeSlot {
  // The same dates bookInTx records: the offer is made today, for the slot's London date.
  const offer = { madeOn: today, offeredFor: londonDateOfEpochMilliseconds(r.startsAt.getTime()) };
  return {
    id: r.id,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt.toISOString(),
    sessionDate: r.sessionDate,
    slotType: r.slotType,
    capacity: r.capacity,
    free: r.capacity - r.booked - r.held,
    clinic: { id: r.clinicId, name: r.clinicName, serviceName: r.serviceName },
    clinician:
      r.clinicianId === null
        ? null
        : {
            id: r.clinicianId,
            name: `${r.clinicianTitle ?? ''} ${r.clinicianGiven ?? ''} ${r.clinicianFamily ?? ''}`.trim(),
          },
    location: { id: r.locationId, name: r.locationName, site: r.site },
    noticeDays: offerNoticeDays(offer),
    reasonable: isReasonableOffer(offer),
  };
}
