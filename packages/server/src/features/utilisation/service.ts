/**
 * Clinic utilisation, counted in SQL over slots and their appointments: per clinic, session, specialty or week,
 * the places available, booked, unbooked, DNA, cancelled and over-booked, and two flags for service managers.
 *
 * - places: the capacity of open slots (removed slots are left out; cancelled slots count under cancelled);
 * - booked: appointments in open slots with status booked, arrived, attended or dna (a DNA took the place);
 * - unbooked: per open slot, capacity minus booked (never below 0);
 * - cancelled: the places in cancelled slots plus appointments cancelled (by the patient, the hospital, or on
 *   the day) in any slot counted;
 * - over-booked: per open slot, booked appointments beyond its capacity. PostgreSQL refuses `booked + held >
 *   capacity` on the slot row, so this can only come from appointments counted against capacity (data loaded
 *   from another system, or a capacity cut below the bookings kept by a template change);
 * - underBooked: of the row's open places on dates from today to the look-ahead's end (`days`, 14 by default),
 *   fewer than `threshold` per cent (85 by default) are booked; rows with no places in that window are never
 *   flagged. `overBooked`: any over-booked place.
 *
 * Counts only: no patient is read or returned, so nothing here is audited.
 */
import { sql, type SQL } from 'drizzle-orm';
import { addDays, daysBetween, parsePlainDate } from '@pathflow/core';
import type { Database } from '../../db/client';
import { queryRows } from '../../db/client';
import type { RequestContext } from '../../auth/principal';
import { AppError } from '../../errors';
import { londonToday } from '../../clock';

export const GROUP_BYS = ['clinic', 'session', 'specialty', 'week'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export const DEFAULT_THRESHOLD = 85;
export const DEFAULT_AHEAD_DAYS = 14;
/** Dates read by default from `from`, and the most one request may read. */
export const DEFAULT_RANGE_DAYS = 28;
export const MAX_RANGE_DAYS = 371;

/** The statuses of an appointment that holds its place (a DNA held it and did not come). */
const BOOKED_STATUSES = sql`('booked', 'arrived', 'attended', 'dna')`;
const CANCELLED_STATUSES = sql`('cancelled', 'cancelled-on-day')`;

export interface UtilisationQuery {
  from?: string | undefined;
  to?: string | undefined;
  groupBy?: GroupBy | undefined;
  specialty?: string | undefined;
  clinicId?: string | undefined;
  threshold?: number | undefined;
  days?: number | undefined;
}

export interface UtilisationRow {
  key: string;
  clinic: { id: string; name: string; clinician: string | null; serviceName: string | null } | null;
  specialty: { code: string; name: string } | null;
  session: { date: string; index: number; startsAt: string; endsAt: string } | null;
  weekStart: string | null;
  firstDate: string;
  lastDate: string;
  slots: number;
  places: number;
  booked: number;
  unbooked: number;
  dna: number;
  cancelled: number;
  cancelledSlotPlaces: number;
  cancelledAppointments: number;
  overBookedPlaces: number;
  percentBooked: number | null;
  ahead: { places: number; booked: number; percentBooked: number | null };
  underBooked: boolean;
  overBooked: boolean;
}

interface RawRow {
  clinic_id: string | null;
  clinic_name: string | null;
  clinician: string | null;
  service_name: string | null;
  specialty_code: string | null;
  specialty_name: string | null;
  session_date: string | null;
  session_index: number | null;
  starts_at: Date | string | null;
  ends_at: Date | string | null;
  week_start: string | null;
  first_date: string;
  last_date: string;
  slots: number;
  places: number;
  booked: number;
  unbooked: number;
  dna: number;
  cancelled_slot_places: number;
  cancelled_appointments: number;
  over_booked: number;
  ahead_places: number;
  ahead_booked: number;
}

function invalid(field: string, message: string): AppError {
  return new AppError('validation_failed', message, { errors: [{ field, message }] });
}

const percent = (booked: number, places: number): number | null =>
  places > 0 ? Math.round((booked * 1000) / places) / 10 : null;

const isoDate = (value: string | Date): string =>
  typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10);
const isoInstant = (value: string | Date): string => new Date(value).toISOString();

/** The Monday of the slot's week (ISO weeks), as a date: no time zone is involved. */
const WEEK_START = sql`(s.session_date - (extract(isodow from s.session_date)::int - 1))`;

/** The grouping's columns: what it selects and groups by. */
function grouping(groupBy: GroupBy): { select: SQL; groupBy: SQL; orderBy: SQL } {
  const clinic = sql`t.id, t.name, t.service_name, c.id, c.title, c.given_name, c.family_name, t.specialty_code, sp.name`;
  const clinicSelect = sql`t.id as clinic_id, t.name as clinic_name, t.service_name,
    case when c.id is null then null else c.title || ' ' || c.given_name || ' ' || c.family_name end as clinician,
    t.specialty_code, sp.name as specialty_name`;
  switch (groupBy) {
    case 'clinic':
      return {
        select: sql`${clinicSelect}, null::date as session_date, null::int as session_index,
          null::timestamptz as starts_at, null::timestamptz as ends_at, null::date as week_start`,
        groupBy: clinic,
        orderBy: sql`t.name, t.id`,
      };
    case 'session':
      return {
        select: sql`${clinicSelect}, s.session_date, s.session_index, min(s.starts_at) as starts_at,
          max(s.ends_at) as ends_at, null::date as week_start`,
        groupBy: sql`${clinic}, s.session_date, s.session_index`,
        orderBy: sql`min(s.starts_at), t.name, t.id, s.session_index`,
      };
    case 'specialty':
      return {
        select: sql`null::uuid as clinic_id, null as clinic_name, null as service_name, null as clinician,
          s.specialty_code, ssp.name as specialty_name, null::date as session_date, null::int as session_index,
          null::timestamptz as starts_at, null::timestamptz as ends_at, null::date as week_start`,
        groupBy: sql`s.specialty_code, ssp.name`,
        orderBy: sql`s.specialty_code`,
      };
    case 'week':
      return {
        select: sql`null::uuid as clinic_id, null as clinic_name, null as service_name, null as clinician,
          null as specialty_code, null as specialty_name, null::date as session_date, null::int as session_index,
          null::timestamptz as starts_at, null::timestamptz as ends_at,
          ${WEEK_START} as week_start`,
        groupBy: WEEK_START,
        orderBy: WEEK_START,
      };
  }
}

function toRow(groupBy: GroupBy, r: RawRow, threshold: number): UtilisationRow {
  const clinic =
    r.clinic_id && r.clinic_name !== null
      ? { id: r.clinic_id, name: r.clinic_name, clinician: r.clinician, serviceName: r.service_name }
      : null;
  const specialty =
    r.specialty_code !== null ? { code: r.specialty_code, name: r.specialty_name ?? r.specialty_code } : null;
  const session =
    r.session_date !== null && r.session_index !== null && r.starts_at !== null && r.ends_at !== null
      ? {
          date: isoDate(r.session_date),
          index: r.session_index,
          startsAt: isoInstant(r.starts_at),
          endsAt: isoInstant(r.ends_at),
        }
      : null;
  const weekStart = r.week_start !== null ? isoDate(r.week_start) : null;
  const key =
    groupBy === 'clinic'
      ? `clinic:${clinic?.id ?? ''}`
      : groupBy === 'session'
        ? `session:${clinic?.id ?? ''}/${session?.date ?? ''}/${session?.index ?? 0}`
        : groupBy === 'specialty'
          ? `specialty:${specialty?.code ?? ''}`
          : `week:${weekStart ?? ''}`;
  return {
    key,
    clinic,
    specialty,
    session,
    weekStart,
    firstDate: isoDate(r.first_date),
    lastDate: isoDate(r.last_date),
    slots: r.slots,
    places: r.places,
    booked: r.booked,
    unbooked: r.unbooked,
    dna: r.dna,
    cancelled: r.cancelled_slot_places + r.cancelled_appointments,
    cancelledSlotPlaces: r.cancelled_slot_places,
    cancelledAppointments: r.cancelled_appointments,
    overBookedPlaces: r.over_booked,
    percentBooked: percent(r.booked, r.places),
    ahead: {
      places: r.ahead_places,
      booked: r.ahead_booked,
      percentBooked: percent(r.ahead_booked, r.ahead_places),
    },
    // Integer arithmetic: 84 of 100 is under 85 %, 85 of 100 is not, with no rounding in between.
    underBooked: r.ahead_places > 0 && r.ahead_booked * 100 < threshold * r.ahead_places,
    overBooked: r.over_booked > 0,
  };
}

interface Range {
  from: string;
  to: string;
  today: string;
  aheadTo: string;
}

async function utilisationRows(
  db: Database,
  orgId: string,
  groupBy: GroupBy,
  range: Range,
  filters: { specialty?: string | undefined; clinicId?: string | undefined },
): Promise<RawRow[]> {
  const g = grouping(groupBy);
  const specialtyFilter = filters.specialty ? sql`and s.specialty_code = ${filters.specialty}` : sql``;
  const clinicFilter = filters.clinicId ? sql`and s.template_id = ${filters.clinicId}` : sql``;
  const open = sql`s.status = 'open'`;
  const ahead = sql`s.status = 'open' and s.session_date between ${range.today} and ${range.aheadTo}`;
  return queryRows<RawRow>(
    db,
    sql`
      with s as (
        select s.*, coalesce(a.booked, 0) as n_booked, coalesce(a.dna, 0) as n_dna,
          coalesce(a.cancelled, 0) as n_cancelled
        from slots s
        left join lateral (
          select count(*) filter (where a.status in ${BOOKED_STATUSES})::int as booked,
            count(*) filter (where a.status = 'dna')::int as dna,
            count(*) filter (where a.status in ${CANCELLED_STATUSES})::int as cancelled
          from appointments a
          where a.org_id = s.org_id and a.slot_id = s.id
        ) a on true
        where s.org_id = ${orgId}
          and s.session_date between ${range.from} and ${range.to}
          and s.status in ('open', 'cancelled')
          ${specialtyFilter} ${clinicFilter}
      )
      select ${g.select},
        min(s.session_date)::text as first_date,
        max(s.session_date)::text as last_date,
        (count(*) filter (where ${open}))::int as slots,
        coalesce(sum(s.capacity) filter (where ${open}), 0)::int as places,
        coalesce(sum(s.n_booked) filter (where ${open}), 0)::int as booked,
        coalesce(sum(greatest(s.capacity - s.n_booked, 0)) filter (where ${open}), 0)::int as unbooked,
        coalesce(sum(s.n_dna) filter (where ${open}), 0)::int as dna,
        coalesce(sum(s.capacity) filter (where s.status = 'cancelled'), 0)::int as cancelled_slot_places,
        coalesce(sum(s.n_cancelled), 0)::int as cancelled_appointments,
        coalesce(sum(greatest(s.n_booked - s.capacity, 0)) filter (where ${open}), 0)::int as over_booked,
        coalesce(sum(s.capacity) filter (where ${ahead}), 0)::int as ahead_places,
        coalesce(sum(s.n_booked) filter (where ${ahead}), 0)::int as ahead_booked
      from s
      join clinic_templates t on t.org_id = s.org_id and t.id = s.template_id
      left join clinicians c on c.org_id = t.org_id and c.id = t.clinician_id
      left join specialties sp on sp.org_id = t.org_id and sp.code = t.specialty_code
      left join specialties ssp on ssp.org_id = s.org_id and ssp.code = s.specialty_code
      group by ${g.groupBy}
      order by ${g.orderBy}`,
  );
}

function settings(ctx: RequestContext, query: UtilisationQuery) {
  const today = londonToday(ctx.now);
  const threshold = query.threshold ?? DEFAULT_THRESHOLD;
  const days = query.days ?? DEFAULT_AHEAD_DAYS;
  const aheadTo = addDays(parsePlainDate(today), days - 1).toString();
  return { today, threshold, days, aheadTo };
}

/** `GET /utilisation`: one row per clinic, session, specialty or week on the dates asked for. */
export async function utilisation(db: Database, ctx: RequestContext, query: UtilisationQuery) {
  const { today, threshold, aheadTo } = settings(ctx, query);
  const from = query.from ?? today;
  const to = query.to ?? addDays(parsePlainDate(from), DEFAULT_RANGE_DAYS - 1).toString();
  const span = daysBetween(parsePlainDate(from), parsePlainDate(to)) + 1;
  if (span < 1)
    throw invalid('/query/to', `The last date must be the same as or after the first date (${from})`);
  if (span > MAX_RANGE_DAYS) {
    throw invalid('/query/to', `Ask for at most ${MAX_RANGE_DAYS} days of utilisation at a time`);
  }
  const groupBy = query.groupBy ?? 'clinic';
  const raw = await utilisationRows(db, ctx.principal.orgId, groupBy, { from, to, today, aheadTo }, query);
  const rows = raw.map((r) => toRow(groupBy, r, threshold));
  return { from, to, groupBy, threshold, today, aheadTo, rows };
}

/** `GET /utilisation/flags`: sessions from today to `days` ahead that are under-booked, soonest first. */
export async function utilisationFlags(db: Database, ctx: RequestContext, query: UtilisationQuery) {
  const { today, threshold, days, aheadTo } = settings(ctx, query);
  const raw = await utilisationRows(
    db,
    ctx.principal.orgId,
    'session',
    { from: today, to: aheadTo, today, aheadTo },
    query,
  );
  const sessions = raw.map((r) => toRow('session', r, threshold)).filter((r) => r.underBooked);
  return { from: today, to: aheadTo, days, threshold, sessions };
}
