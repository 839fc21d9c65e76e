/**
 * What the breach forecast is made from, for one organisation as of a day (London), read in five set-based
 * queries inside one read-only transaction (no query per pathway):
 *
 * 1. the open pathways with a running clock (clock start = `rtt_period_start`, else `clock_start_date`), each with
 *    its booked appointment's session date, whether it has had an attended appointment, and the last day of the
 *    patient's unavailability when a period covers the day;
 * 2. free places per specialty, slot type and session date over the horizon (`capacity − booked − held` of open
 *    slots not yet started), bucketed into weeks by core `weeklyCapacity`;
 * 3. referrals received per specialty, priority and day over the 8 weeks before the day (every pathway's
 *    `referral_received_date`, whatever became of it), turned into weekly demand by core `weeklyDemand`;
 * 4. appointment outcomes per specialty over the 26 weeks before the day, for the DNA and hospital-cancellation
 *    rates (see `ratesFrom`);
 * 5. the organisation's specialties (codes and names).
 *
 * The slot types a pathway needs follow the booking module's rule, as automatic allocation does (core
 * `acceptedSlotTypes`): a first appointment by priority (procedure slots only when triaged to a procedure
 * clinic); once a patient has attended an appointment on the pathway, follow-up or procedure slots.
 *
 * The allocation feature's loaders (`allocation/inputs.ts`) are not reused: they read one specialty at a time,
 * leave out pathways already booked (the forecast needs their booking), return one row per free slot (about a
 * million on the large trust, where the forecast needs weekly sums) and count another pathway's appointment as
 * unavailability. What is shared is the rule, from core, not the SQL.
 *
 * Left out of the forecast: a booking dated before the day (its outcome is not recorded yet: the pathway is
 * forecast as not booked unless it has a later booking too, and counted in `bookedInThePast`); periods of unavailability that start after the day
 * (the forecast knows only "unavailable until"); pathways whose clock starts after the day or whose priority is
 * not one core knows (counted in `leftOut`).
 */
import { sql } from 'drizzle-orm';
import {
  RTT_PRIORITIES,
  SLOT_TYPES,
  acceptedSlotTypes,
  demandStreams,
  epochDayToIso,
  isoToEpochDay,
  weeklyCapacity,
  weeklyDemand,
  type AttendanceRates,
  type DemandStream,
  type ForecastInput,
  type ForecastPathway,
  type ReferralReceived,
  type RttPriority,
  type SlotType,
  type WeeklyCapacity,
} from '@pathflow/core';
import { queryRows, type Database } from '../../db/client';

/** Weeks of referrals the demand is estimated from. */
export const DEMAND_WEEKS = 8;
/** Weeks of appointments the DNA and cancellation rates are estimated from. */
export const RATE_WEEKS = 26;
/**
 * Appointments due (attended, not attended or cancelled by the hospital) a specialty needs in the last 26 weeks
 * for rates of its own; with fewer it takes the organisation's, and the organisation with fewer takes the
 * defaults.
 */
export const MIN_APPOINTMENTS_FOR_RATES = 30;
/**
 * Rates used without enough history: the middle of the published ranges (planning-and-data.md §2: outpatient
 * DNA 7–8 %, hospital cancellations 10–13 %).
 */
export const DEFAULT_RATES: Readonly<AttendanceRates> = Object.freeze({ dna: 0.075, cancellation: 0.115 });

export type RateSource = 'specialty' | 'organisation' | 'default';

export interface RatesUsed extends AttendanceRates {
  source: RateSource;
  /** Appointments due in the last 26 weeks the rates were counted from (0 for the defaults). */
  appointments: number;
}

export interface ForecastInputs {
  asOf: string;
  horizonWeeks: number;
  /** For core `prepareForecast`. */
  input: ForecastInput;
  specialtyNames: Map<string, string>;
  /** Rates used, organisation-wide and per specialty (the specialties with pathways, places or demand). */
  rates: RatesUsed;
  ratesBySpecialty: Map<string, RatesUsed>;
  /** Booked appointments dated before the day: forecast as not booked until their outcome is recorded. */
  bookedInThePast: number;
  /** Open pathways the forecast cannot take (clock start after the day, or an unknown priority). */
  leftOut: number;
}

interface PathwayRow {
  id: string;
  specialtyCode: string;
  priority: string;
  clinicType: string | null;
  clock: number;
  referral: number;
  /** The booked appointment's day, when on or after the day of the forecast. */
  booked: number | null;
  /** A booked appointment dated before the day (its outcome not recorded). */
  bookedBefore: boolean;
  seen: boolean;
  away: number | null;
}

const PRIORITIES: ReadonlySet<string> = new Set(RTT_PRIORITIES);
const SLOT_TYPE_LIST = sql.raw(SLOT_TYPES.map((t) => `'${t}'`).join(', '));
const PRIORITY_LIST = sql.raw(RTT_PRIORITIES.map((p) => `'${p}'`).join(', '));

/** `and <column> = <code>` when the forecast is for one specialty. */
const onlyIn = (column: string, specialty: string | null) =>
  specialty === null ? sql`` : sql`and ${sql.raw(column)} = ${specialty}`;

async function loadPathways(
  tx: Database,
  orgId: string,
  asOf: string,
  specialty: string | null,
): Promise<PathwayRow[]> {
  return queryRows<PathwayRow>(
    tx,
    sql`with booked as (
          select a.pathway_id,
                 min(s.session_date) filter (where s.session_date >= ${asOf}::date) - date '1970-01-01' as day,
                 bool_or(s.session_date < ${asOf}::date) as past
            from appointments a
            join slots s on s.org_id = a.org_id and s.id = a.slot_id
           where a.org_id = ${orgId} and a.status = 'booked'
           group by a.pathway_id),
        seen as (
          select distinct pathway_id from appointments where org_id = ${orgId} and status = 'attended'),
        away as (
          select patient_id, max(to_date) - date '1970-01-01' as until
            from patient_unavailability
           where org_id = ${orgId} and removed_at is null
             and from_date <= ${asOf}::date and to_date >= ${asOf}::date
           group by patient_id)
        select p.id, p.specialty_code as "specialtyCode", p.priority,
               p.clinic_type as "clinicType",
               coalesce(p.rtt_period_start, p.clock_start_date) - date '1970-01-01' as clock,
               p.referral_received_date - date '1970-01-01' as referral,
               b.day as booked, coalesce(b.past, false) as "bookedBefore",
               (seen.pathway_id is not null) as seen, away.until as away
          from pathways p
          left join booked b on b.pathway_id = p.id
          left join seen on seen.pathway_id = p.id
          left join away on away.patient_id = p.patient_id
         where p.org_id = ${orgId} and p.status = 'open' and p.rtt_running ${onlyIn('p.specialty_code', specialty)}
         order by p.id`,
  );
}

async function loadCapacity(
  tx: Database,
  orgId: string,
  asOf: string,
  weeks: number,
  now: Date | undefined,
  specialty: string | null,
): Promise<WeeklyCapacity[]> {
  const end = epochDayToIso(isoToEpochDay(asOf) + 7 * weeks);
  const started = now ? sql`and starts_at > ${now.toISOString()}::timestamptz` : sql``;
  const rows = await queryRows<{ specialtyCode: string; slotType: SlotType; day: number; free: number }>(
    tx,
    sql`select specialty_code as "specialtyCode", slot_type as "slotType",
               session_date - date '1970-01-01' as day, sum(capacity - booked - held)::int as free
          from slots
         where org_id = ${orgId} and status = 'open' and booked + held < capacity
           and session_date >= ${asOf}::date and session_date < ${end}::date ${started}
           and slot_type in (${SLOT_TYPE_LIST}) ${onlyIn('specialty_code', specialty)}
         group by 1, 2, 3`,
  );
  return weeklyCapacity(
    rows.map((r) => ({
      date: r.day,
      specialtyCode: r.specialtyCode,
      slotType: r.slotType,
      capacity: r.free,
    })),
    isoToEpochDay(asOf),
    weeks,
  );
}

async function loadDemand(
  tx: Database,
  orgId: string,
  asOf: string,
  specialty: string | null,
): Promise<DemandStream[]> {
  const from = isoToEpochDay(asOf) - 7 * DEMAND_WEEKS;
  const rows = await queryRows<{ specialtyCode: string; priority: RttPriority; day: number; n: number }>(
    tx,
    sql`select specialty_code as "specialtyCode", priority,
               referral_received_date - date '1970-01-01' as day, count(*)::int as n
          from pathways
         where org_id = ${orgId} and priority in (${PRIORITY_LIST})
           and referral_received_date >= ${epochDayToIso(from)}::date and referral_received_date < ${asOf}::date
           ${onlyIn('specialty_code', specialty)}
         group by 1, 2, 3`,
  );
  function* referrals(): Generator<ReferralReceived> {
    for (const r of rows) {
      const one = { specialtyCode: r.specialtyCode, priority: r.priority, received: r.day };
      for (let k = 0; k < r.n; k++) yield one;
    }
  }
  return demandStreams(weeklyDemand(referrals(), from, DEMAND_WEEKS));
}

interface OutcomeRow {
  specialtyCode: string;
  attended: number;
  dna: number;
  cancelled: number;
}

/**
 * Appointments of the 26 weeks before the day (by their London date), per specialty of their pathway: attended
 * (or arrived), not attended, and cancelled by the hospital — cancelled or moved with `cancelled_by` 'hospital',
 * displaced by a clinic change, or cancelled on the day unless the patient cancelled. Cancellations by the
 * patient are left out: the forecast does not model them.
 */
async function loadOutcomes(tx: Database, orgId: string, asOf: string): Promise<OutcomeRow[]> {
  const from = epochDayToIso(isoToEpochDay(asOf) - 7 * RATE_WEEKS);
  return queryRows<OutcomeRow>(
    tx,
    sql`select p.specialty_code as "specialtyCode",
               count(*) filter (where a.status in ('attended', 'arrived'))::int as attended,
               count(*) filter (where a.status = 'dna')::int as dna,
               count(*) filter (where (a.status in ('cancelled', 'rescheduled') and a.cancelled_by = 'hospital')
                                   or a.status = 'displaced'
                                   or (a.status = 'cancelled-on-day' and a.cancelled_by is distinct from 'patient')
                               )::int as cancelled
          from appointments a
          join pathways p on p.org_id = a.org_id and p.id = a.pathway_id
         where a.org_id = ${orgId}
           and (a.starts_at at time zone 'Europe/London')::date >= ${from}::date
           and (a.starts_at at time zone 'Europe/London')::date < ${asOf}::date
         group by 1`,
  );
}

/**
 * DNA and cancellation rates from counts, as core defines them: cancellation = cancelled by the hospital /
 * appointments due; DNA = not attended / appointments that went ahead. Null below the minimum history.
 */
export function ratesFrom(o: { attended: number; dna: number; cancelled: number }): RatesUsed | null {
  const due = o.attended + o.dna + o.cancelled;
  if (due < MIN_APPOINTMENTS_FOR_RATES) return null;
  const ahead = o.attended + o.dna;
  return {
    dna: ahead === 0 ? 0 : o.dna / ahead,
    // Core takes rates below 1; a specialty whose every appointment was cancelled keeps a sliver of hope.
    cancellation: Math.min(o.cancelled / due, 0.99),
    source: 'specialty',
    appointments: due,
  };
}

function ratesOf(outcomes: readonly OutcomeRow[], codes: Iterable<string>) {
  const total = { attended: 0, dna: 0, cancelled: 0 };
  for (const o of outcomes) {
    total.attended += o.attended;
    total.dna += o.dna;
    total.cancelled += o.cancelled;
  }
  const own = ratesFrom(total);
  const organisation: RatesUsed = own
    ? { ...own, source: 'organisation' }
    : { ...DEFAULT_RATES, source: 'default', appointments: 0 };
  const byCode = new Map(outcomes.map((o) => [o.specialtyCode, o]));
  const bySpecialty = new Map<string, RatesUsed>();
  for (const code of codes) {
    const o = byCode.get(code);
    bySpecialty.set(code, (o && ratesFrom(o)) ?? organisation);
  }
  return { organisation, bySpecialty };
}

/** Reads everything the forecast of `orgId` as of `asOf` (YYYY-MM-DD, London) needs; see the module comment. */
export async function loadForecastInputs(
  db: Database,
  orgId: string,
  asOf: string,
  horizonWeeks: number,
  options: { now?: Date | undefined; specialty?: string | null | undefined } = {},
): Promise<ForecastInputs> {
  const day = isoToEpochDay(asOf);
  const only = options.specialty ?? null;
  const read = await db.transaction(
    async (tx) => ({
      pathways: await loadPathways(tx, orgId, asOf, only),
      capacity: await loadCapacity(tx, orgId, asOf, horizonWeeks, options.now, only),
      demand: await loadDemand(tx, orgId, asOf, only),
      outcomes: await loadOutcomes(tx, orgId, asOf),
      specialties: await queryRows<{ code: string; name: string }>(
        tx,
        sql`select code, name from specialties where org_id = ${orgId} order by code`,
      ),
    }),
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  const pathways: ForecastPathway[] = [];
  let bookedInThePast = 0;
  let leftOut = 0;
  for (const r of read.pathways) {
    if (!PRIORITIES.has(r.priority) || r.clock > day) {
      leftOut++;
      continue;
    }
    const priority = r.priority as RttPriority;
    if (r.bookedBefore) bookedInThePast++;
    pathways.push({
      pathwayId: r.id,
      specialtyCode: r.specialtyCode,
      priority,
      clockStart: r.clock,
      referralReceived: r.referral,
      appointment: r.seen ? 'follow-up' : 'new',
      slotTypes: acceptedSlotTypes({
        priority,
        clinicType: r.clinicType,
        stage: r.seen ? 'follow-up' : 'first',
      }),
      bookedDay: r.booked,
      unavailableUntil: r.away,
    });
  }
  const { capacity, demand } = read;
  const codes = new Set([...pathways, ...capacity, ...demand].map((x) => x.specialtyCode));
  const { organisation, bySpecialty } = ratesOf(read.outcomes, codes);
  return {
    asOf,
    horizonWeeks,
    input: {
      asOf: day,
      horizonWeeks,
      pathways,
      capacity,
      demand,
      rates: {
        dna: organisation.dna,
        cancellation: organisation.cancellation,
        bySpecialty: Object.fromEntries(
          [...bySpecialty].map(([code, r]) => [code, { dna: r.dna, cancellation: r.cancellation }]),
        ),
      },
    },
    specialtyNames: new Map(read.specialties.map((s) => [s.code, s.name])),
    rates: organisation,
    ratesBySpecialty: bySpecialty,
    bookedInThePast,
    leftOut,
  };
}
