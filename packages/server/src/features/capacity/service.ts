/**
 * Demand and capacity per specialty and clinic (slot) type, week by week, and the queue indicators of each
 * specialty's waiting list now (issue 7, part 1; planning-and-data.md §1, Fong et al. 2022). Counted in SQL,
 * grouped by ISO week (Monday to Sunday) of London dates: every date read here (referral received, RTT event,
 * clinic session) is already a London calendar date, so `date_trunc('week', d::timestamp)` involves no time zone.
 *
 * Week by week, per specialty:
 * - referralsAdded: pathways whose referral was received that week (`pathways.referral_received_date`; every
 *   pathway has one, those loaded before referral intake too). Also split by the clinic type the first
 *   appointment needs, core's `acceptedSlotTypes` first choice: procedure when triage agreed a procedure
 *   clinic, otherwise by priority (two-week wait, urgent → urgent-new, routine → new);
 * - clockStops: RTT clock stops (codes 30, 31, 32, 34, 35 and 36: core's stop codes without 33, which nullifies
 *   the period, so the patient stays on the list to be rebooked) recorded by any means but validation;
 * - removals: the same stops recorded by waiting-list validation (a clinician's confirmed removal, written by
 *   `features/validation` as an RTT event of origin `validation`), so the two never overlap;
 * - leftList: clockStops + removals, the patients who left the RTT list that week;
 * - per slot type and over all types, from open slots (cancelled and removed slots are left out, as on the
 *   utilisation report): places (capacity), booked (appointments booked, arrived, attended or DNA: they held
 *   the place), used (arrived or attended), dna, and unbooked (per slot, capacity − booked, never below 0: now
 *   for weeks to come, and for past weeks the places that were never filled).
 *
 * The queue indicators, per specialty, over the complete weeks of the period (weeks ended before today; a
 * week to come has no referrals yet and would pull the means down):
 * - demand: mean referrals added per week; capacity: mean patients leaving the list per week (clockStops +
 *   removals), Fong et al.'s capacity, the rate at which patients leave the list (first-appointment places used
 *   would miss the patients treated or discharged later on the pathway, and count follow-ups of no one waiting);
 * - queue size: open pathways with a running clock now; mean wait: the mean of their completed weeks waited
 *   today (core `completedWeeks`, (today − clock start) div 7);
 * - core's `queueIndicators` for the rest, with the coefficients of variation of the two weekly series
 *   (core `meanAndCv`; with fewer than two complete weeks there is no variation to measure and core's default
 *   of 1 is used, and the cvs are reported as null).
 * A figure that is undefined is null, never NaN or Infinity: load when capacity is 0, everything that needs
 * demand when no week of the period is complete, the mean wait and pressure when the list is empty.
 *
 * Counts only: no patient is read or returned, so nothing here is audited.
 */
import { and, eq, sql } from 'drizzle-orm';
import {
  DEFAULT_TIME_TO_TARGET_WEEKS,
  DEFAULT_WAIT_FACTOR,
  RTT_PRIORITIES,
  RTT_STOP_CODES,
  SLOT_TYPES,
  acceptedSlotTypes,
  epochDayToIso,
  isoToEpochDay,
  meanAndCv,
  pressure,
  queueIndicators,
  targetMeanWait,
  type SlotType,
} from '@pathflow/core';
import { queryRows, type Database } from '../../db/client';
import { specialties } from '../../db/schema';
import type { RequestContext } from '../../auth/principal';
import { londonToday } from '../../clock';
import { invalid } from '../../errors';

/** Weeks read by default (the last complete ones), and the most one request may read. */
export const DEFAULT_WEEKS = 12;
export const MAX_WEEKS = 104;
export const DEFAULT_TARGET_WEEKS = 18;

/** Core's clock-stop codes without 33: a first-appointment DNA nullifies the period (excluded from counts). */
export const LEAVING_STOP_CODES = RTT_STOP_CODES.filter((c) => c !== '33');

/** The RTT event origin of a removal confirmed through waiting-list validation. */
const REMOVAL_ORIGIN = 'validation';

/** The statuses of an appointment that holds its place (a DNA held it and did not come), and that used it. */
const BOOKED_STATUSES = sql`('booked', 'arrived', 'attended', 'dna')`;
const USED_STATUSES = sql`('arrived', 'attended')`;

export interface CapacityQuery {
  from?: string | undefined;
  to?: string | undefined;
  specialty?: string | undefined;
  targetWeeks?: number | undefined;
  factor?: number | undefined;
  timeToTargetWeeks?: number | undefined;
}

export interface SlotCounts {
  places: number;
  booked: number;
  used: number;
  unbooked: number;
  dna: number;
}

export interface ClinicTypeWeek extends SlotCounts {
  /** Referrals added whose first appointment needs this clinic type (always 0 for follow-up). */
  referralsAdded: number;
}

export interface CapacityWeek {
  weekStart: string;
  weekEnd: string;
  /** The week ended before today: it counts in the indicators. */
  complete: boolean;
  referralsAdded: number;
  clockStops: number;
  removals: number;
  leftList: number;
  slots: SlotCounts;
  clinicTypes: Record<SlotType, ClinicTypeWeek>;
}

export interface CapacityIndicators {
  weeksCounted: number;
  demand: number | null;
  demandCv: number | null;
  capacity: number | null;
  capacityCv: number | null;
  queueSize: number;
  meanWaitWeeks: number | null;
  load: number | null;
  targetMeanWait: number;
  targetQueueSize: number | null;
  queueRatio: number | null;
  queueTooBig: boolean | null;
  reliefCapacity: number | null;
  targetCapacity: number | null;
  pressure: number | null;
}

export interface CapacitySpecialty {
  code: string;
  name: string;
  weeks: CapacityWeek[];
  indicators: CapacityIndicators;
}

export interface WeeklyCapacityReport {
  asOf: string;
  from: string;
  to: string;
  weeks: number;
  targetWeeks: number;
  factor: number;
  timeToTargetWeeks: number;
  specialties: CapacitySpecialty[];
}

/** The Monday of the ISO week holding epoch day `day` (1 January 1970 was a Thursday). */
const mondayOf = (day: number): number => day - ((((day + 3) % 7) + 7) % 7);

/** The weeks asked for: Monday of `from`'s week to Sunday of `to`'s; 12 weeks, the last complete ones, by default. */
export function weekRange(
  today: string,
  query: { from?: string | undefined; to?: string | undefined },
): { from: string; to: string; weeks: number } {
  const day = (field: 'from' | 'to', iso: string): number => {
    const d = isoToEpochDay(iso);
    if (!Number.isInteger(d)) throw invalid(`/query/${field}`, `${field} must be a date, YYYY-MM-DD`);
    return d;
  };
  const fromDay = query.from === undefined ? undefined : day('from', query.from);
  const toDay = query.to === undefined ? undefined : day('to', query.to);
  if (fromDay !== undefined && toDay !== undefined && toDay < fromDay) {
    throw invalid('/query/to', `to must be the same as or after from (${query.from})`);
  }
  const lastCompleteMonday = mondayOf(isoToEpochDay(today)) - 7;
  let first: number;
  let last: number;
  if (fromDay !== undefined) {
    first = mondayOf(fromDay);
    last = toDay !== undefined ? mondayOf(toDay) : first + 7 * (DEFAULT_WEEKS - 1);
  } else {
    last = toDay !== undefined ? mondayOf(toDay) : lastCompleteMonday;
    first = last - 7 * (DEFAULT_WEEKS - 1);
  }
  const weeks = (last - first) / 7 + 1;
  if (weeks > MAX_WEEKS) {
    throw invalid('/query/to', `Ask for at most ${MAX_WEEKS} weeks at a time; this is ${weeks}`);
  }
  return { from: epochDayToIso(first), to: epochDayToIso(last + 6), weeks };
}

/** The clinic type a new referral's first appointment needs: core's first choice of slot type, as SQL. */
function firstClinicTypeSql() {
  const procedure = acceptedSlotTypes({ priority: 'routine', clinicType: 'procedure', stage: 'first' })[0]!;
  const byPriority = RTT_PRIORITIES.map(
    (priority) =>
      sql`when p.priority = ${priority} then ${acceptedSlotTypes({ priority, clinicType: null, stage: 'first' })[0]!}`,
  );
  return sql`case when p.clinic_type = 'procedure' then ${procedure}::text ${sql.join(byPriority, sql` `)} else 'new' end`;
}

const WEEK_OF = (column: string) => sql.raw(`date_trunc('week', ${column}::timestamp)::date::text`);

interface FlowRow {
  specialty_code: string;
  week_start: string;
  clinic_type: string | null;
  referrals: number;
  stops: number;
  removals: number;
}

interface SlotRow {
  specialty_code: string;
  week_start: string;
  slot_type: string;
  places: number;
  booked: number;
  used: number;
  unbooked: number;
  dna: number;
}

interface QueueRow {
  specialty_code: string;
  queue: number;
  mean_weeks: number | string | null;
}

async function flowRows(db: Database, orgId: string, from: string, to: string, specialty?: string) {
  const only = specialty === undefined ? sql`` : sql`and p.specialty_code = ${specialty}`;
  const codes = sql.join(
    LEAVING_STOP_CODES.map((c) => sql`${c}`),
    sql`, `,
  );
  return queryRows<FlowRow>(
    db,
    sql`select p.specialty_code, ${WEEK_OF('p.referral_received_date')} as week_start,
               ${firstClinicTypeSql()} as clinic_type,
               count(*)::int as referrals, 0 as stops, 0 as removals
          from pathways p
         where p.org_id = ${orgId}
           and p.referral_received_date between ${from}::date and ${to}::date ${only}
         group by 1, 2, 3
        union all
        select p.specialty_code, ${WEEK_OF('e.event_date')} as week_start, null as clinic_type, 0 as referrals,
               (count(*) filter (where e.origin <> ${REMOVAL_ORIGIN}))::int as stops,
               (count(*) filter (where e.origin = ${REMOVAL_ORIGIN}))::int as removals
          from rtt_events e
          join pathways p on p.org_id = e.org_id and p.id = e.pathway_id
         where e.org_id = ${orgId}
           and e.event_date between ${from}::date and ${to}::date
           and e.code in (${codes}) ${only}
         group by 1, 2`,
  );
}

async function slotRows(db: Database, orgId: string, from: string, to: string, specialty?: string) {
  const only = specialty === undefined ? sql`` : sql`and s.specialty_code = ${specialty}`;
  return queryRows<SlotRow>(
    db,
    sql`select s.specialty_code, ${WEEK_OF('s.session_date')} as week_start, s.slot_type,
               coalesce(sum(s.capacity), 0)::int as places,
               coalesce(sum(a.booked), 0)::int as booked,
               coalesce(sum(a.used), 0)::int as used,
               coalesce(sum(greatest(s.capacity - a.booked, 0)), 0)::int as unbooked,
               coalesce(sum(a.dna), 0)::int as dna
          from slots s
          left join lateral (
            select (count(*) filter (where a.status in ${BOOKED_STATUSES}))::int as booked,
                   (count(*) filter (where a.status in ${USED_STATUSES}))::int as used,
                   (count(*) filter (where a.status = 'dna'))::int as dna
              from appointments a
             where a.org_id = s.org_id and a.slot_id = s.id
          ) a on true
         where s.org_id = ${orgId} and s.status = 'open'
           and s.session_date between ${from}::date and ${to}::date ${only}
         group by 1, 2, 3`,
  );
}

async function queueRows(db: Database, orgId: string, today: string, specialty?: string) {
  const only = specialty === undefined ? sql`` : sql`and specialty_code = ${specialty}`;
  // Written as literals so the planner can match the PTL's partial index.
  return queryRows<QueueRow>(
    db,
    sql`select specialty_code, count(*)::int as queue,
               avg(greatest(${today}::date - rtt_period_start, 0) / 7)::float8 as mean_weeks
          from pathways
         where org_id = ${orgId} and status = 'open' and rtt_running ${only}
         group by 1`,
  );
}

const zeroSlots = (): SlotCounts => ({ places: 0, booked: 0, used: 0, unbooked: 0, dna: 0 });

function emptyWeeks(from: string, weeks: number, today: string): CapacityWeek[] {
  const first = isoToEpochDay(from);
  const todayDay = isoToEpochDay(today);
  return Array.from({ length: weeks }, (_, i) => {
    const start = first + 7 * i;
    return {
      weekStart: epochDayToIso(start),
      weekEnd: epochDayToIso(start + 6),
      complete: start + 6 < todayDay,
      referralsAdded: 0,
      clockStops: 0,
      removals: 0,
      leftList: 0,
      slots: zeroSlots(),
      clinicTypes: Object.fromEntries(
        SLOT_TYPES.map((t) => [t, { referralsAdded: 0, ...zeroSlots() }]),
      ) as Record<SlotType, ClinicTypeWeek>,
    };
  });
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

interface IndicatorSettings {
  targetWeeks: number;
  factor: number;
  timeToTargetWeeks: number;
}

/** The queue indicators of one specialty's list (see the head of this file). */
export function indicatorsOf(
  weeks: readonly CapacityWeek[],
  queueSize: number,
  meanWaitWeeks: number | null,
  s: IndicatorSettings,
): CapacityIndicators {
  const counted = weeks.filter((w) => w.complete);
  const base = {
    weeksCounted: counted.length,
    queueSize,
    meanWaitWeeks,
    targetMeanWait: targetMeanWait(s.targetWeeks, s.factor),
    pressure: meanWaitWeeks === null ? null : pressure(meanWaitWeeks, s.targetWeeks),
  };
  if (counted.length === 0) {
    return {
      ...base,
      demand: null,
      demandCv: null,
      capacity: null,
      capacityCv: null,
      load: null,
      targetQueueSize: null,
      queueRatio: null,
      queueTooBig: null,
      reliefCapacity: null,
      targetCapacity: null,
    };
  }
  const demand = meanAndCv(counted.map((w) => w.referralsAdded));
  const capacity = meanAndCv(counted.map((w) => w.leftList));
  const varies = counted.length >= 2;
  const q = queueIndicators({
    demandPerWeek: demand.mean,
    capacityPerWeek: capacity.mean,
    queueSize,
    targetWaitWeeks: s.targetWeeks,
    // Pressure is taken from `base`: null when the list is empty.
    meanWaitWeeks: meanWaitWeeks ?? 0,
    factor: s.factor,
    timeToTargetWeeks: s.timeToTargetWeeks,
    ...(varies ? { cvDemand: demand.cv, cvCapacity: capacity.cv } : {}),
  });
  return {
    ...base,
    demand: demand.mean,
    demandCv: varies ? demand.cv : null,
    capacity: capacity.mean,
    capacityCv: varies ? capacity.cv : null,
    // 0 / 0 is no load at all, not none: with no capacity the load is undefined.
    load: capacity.mean === 0 ? null : finite(q.load),
    targetQueueSize: q.targetQueueSize,
    queueRatio: finite(q.queueRatio),
    queueTooBig: q.queueTooBig,
    reliefCapacity: finite(q.reliefCapacity),
    targetCapacity: finite(q.targetCapacity),
  };
}

const isSlotType = (t: string): t is SlotType => (SLOT_TYPES as readonly string[]).includes(t);

/** `GET /capacity/weekly`: the weekly figures and the queue indicators of each specialty (or the one asked for). */
export async function weeklyCapacityReport(
  db: Database,
  ctx: RequestContext,
  query: CapacityQuery,
): Promise<WeeklyCapacityReport> {
  const orgId = ctx.principal.orgId;
  const asOf = londonToday(ctx.now);
  const { from, to, weeks } = weekRange(asOf, query);
  const settings: IndicatorSettings = {
    targetWeeks: query.targetWeeks ?? DEFAULT_TARGET_WEEKS,
    factor: query.factor ?? DEFAULT_WAIT_FACTOR,
    timeToTargetWeeks: query.timeToTargetWeeks ?? DEFAULT_TIME_TO_TARGET_WEEKS,
  };
  const where = [eq(specialties.orgId, orgId)];
  if (query.specialty !== undefined) where.push(eq(specialties.code, query.specialty));
  const list = await db
    .select({ code: specialties.code, name: specialties.name })
    .from(specialties)
    .where(and(...where))
    .orderBy(specialties.name, specialties.code);
  if (query.specialty !== undefined && list.length === 0) {
    throw invalid('/query/specialty', `There is no specialty with code ${query.specialty}`);
  }
  const flows = await flowRows(db, orgId, from, to, query.specialty);
  const slotCounts = await slotRows(db, orgId, from, to, query.specialty);
  const queues = await queueRows(db, orgId, asOf, query.specialty);

  const firstDay = isoToEpochDay(from);
  const series = new Map(list.map((s) => [s.code, emptyWeeks(from, weeks, asOf)]));
  const weekOf = (code: string, weekStart: string): CapacityWeek | undefined => {
    const i = (isoToEpochDay(weekStart.slice(0, 10)) - firstDay) / 7;
    return series.get(code)?.[i];
  };
  for (const r of flows) {
    const w = weekOf(r.specialty_code, r.week_start);
    if (!w) continue;
    const referrals = Number(r.referrals);
    w.referralsAdded += referrals;
    if (r.clinic_type !== null && isSlotType(r.clinic_type))
      w.clinicTypes[r.clinic_type].referralsAdded += referrals;
    w.clockStops += Number(r.stops);
    w.removals += Number(r.removals);
    w.leftList = w.clockStops + w.removals;
  }
  for (const r of slotCounts) {
    const w = weekOf(r.specialty_code, r.week_start);
    if (!w || !isSlotType(r.slot_type)) continue;
    const type = w.clinicTypes[r.slot_type];
    for (const k of ['places', 'booked', 'used', 'unbooked', 'dna'] as const) {
      type[k] += Number(r[k]);
      w.slots[k] += Number(r[k]);
    }
  }
  const queueOf = new Map(queues.map((q) => [q.specialty_code, q]));
  return {
    asOf,
    from,
    to,
    weeks,
    ...settings,
    specialties: list.map((s) => {
      const q = queueOf.get(s.code);
      const queueSize = Number(q?.queue ?? 0);
      const meanWait = queueSize > 0 && q?.mean_weeks != null ? Number(q.mean_weeks) : null;
      const w = series.get(s.code)!;
      return { ...s, weeks: w, indicators: indicatorsOf(w, queueSize, meanWait, settings) };
    }),
  };
}
