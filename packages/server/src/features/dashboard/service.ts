/**
 * Figures for the dashboards, counted in SQL over the organisation's open pathways with a running RTT clock
 * (the PTL's partial index): the waiting list by weeks band per specialty, and the 18-week breaches coming up
 * week by week. Counts only: no patient is read or returned, so nothing here is audited.
 *
 * Days waited is `today − clock start` (today in Europe/London), as on the PTL. The bands are NHS week bands
 * grouped by their lower bound, so they add up to the PTL summary's figures:
 *
 * | band  | days waited   | NHS week bands     | PTL summary            |
 * |-------|---------------|--------------------|------------------------|
 * | 0–17  | 0 to 126      | 0–1 … 17–18        | within18               |
 * | 18–51 | 127 to 364    | 18–19 … 51–52      | over18to52             |
 * | 52–64 | 365 to 455    | 52–53 … 64–65      | over52 − over65        |
 * | 65–77 | 456 to 546    | 65–66 … 77–78      | over65 − over78        |
 * | 78+   | 547 or more   | 78–79 …            | over78                 |
 *
 * The breach forecast. A pathway's 18-week breach date is clock start + 127 days: the first day it has waited
 * over 18 weeks (core `breachDates`, the PTL's `breachBy`). Week 1 is the current London week, Monday to Sunday;
 * week i runs from that Monday + 7(i − 1) days to the Sunday after. A pathway is counted in the week its breach
 * date falls in, and only when that date is after today: one whose breach date is today or earlier has already
 * breached and is counted once, in `alreadyBreached` (the PTL summary's `total − within18`). So the first week
 * counts breach dates from tomorrow to Sunday, and `alreadyBreached` + weeks 1…N = the PTL filtered with
 * `breachBy` = week N's Sunday.
 *
 * Each count is split by the pathway's booked appointment (status `booked`; a pathway has at most one), dated
 * by its slot's session date (a London date):
 * - bookedBeforeBreach: booked on a date before the breach date: the clock can stop in time if the patient is
 *   seen and treated then;
 * - bookedAfterBreach: booked, but on or after the breach date: it will breach unless brought forward;
 * - notBooked: no booked appointment.
 * For pathways already breached the split is booked (any booked appointment) or not booked.
 */
import { sql } from 'drizzle-orm';
import {
  addDays,
  parsePlainDate,
  type BandCounts,
  type BreachForecast,
  type BreachWeek,
  type WaitBandKey,
  type WaitingListByBand,
} from '@pathflow/core';
import { queryRows, type Database } from '../../db/client';
import type { RequestContext } from '../../auth/principal';
import { londonToday } from '../../clock';
import { invalid } from '../../errors';

export const WAIT_BANDS = [
  { key: 'weeks0to17', label: '0 to 17 weeks', fromDays: 0, toDays: 126 },
  { key: 'weeks18to51', label: '18 to 51 weeks', fromDays: 127, toDays: 364 },
  { key: 'weeks52to64', label: '52 to 64 weeks', fromDays: 365, toDays: 455 },
  { key: 'weeks65to77', label: '65 to 77 weeks', fromDays: 456, toDays: 546 },
  { key: 'weeks78plus', label: '78 weeks or more', fromDays: 547, toDays: null },
] as const satisfies readonly {
  key: WaitBandKey;
  label: string;
  fromDays: number;
  toDays: number | null;
}[];

export const DEFAULT_FORECAST_WEEKS = 12;
export const MAX_FORECAST_WEEKS = 52;

/** Days from clock start to the 18-week breach date. */
const BREACH_18_DAYS = 127;

const iso = (d: string, days: number): string => addDays(parsePlainDate(d), days).toString();

/** `GET /dashboard/waiting-list`: every specialty of the organisation (empty ones too) and the trust. */
export async function waitingListByBand(db: Database, ctx: RequestContext): Promise<WaitingListByBand> {
  const orgId = ctx.principal.orgId;
  const asOf = londonToday(ctx.now);
  // Waited at least `days` days ⇔ clock start ≤ today − days.
  const startOnOrBefore = (days: number) => sql`${iso(asOf, -days)}::date`;
  const rows = await queryRows<{ code: string; name: string } & Record<WaitBandKey | 'total', number>>(
    db,
    sql`select s.code, s.name,
          coalesce(w.total, 0)::int as total,
          coalesce(w.weeks0to17, 0)::int as "weeks0to17",
          coalesce(w.weeks18to51, 0)::int as "weeks18to51",
          coalesce(w.weeks52to64, 0)::int as "weeks52to64",
          coalesce(w.weeks65to77, 0)::int as "weeks65to77",
          coalesce(w.weeks78plus, 0)::int as "weeks78plus"
        from specialties s
        left join (
          select specialty_code,
                 count(*)::int as total,
                 count(*) filter (where rtt_period_start > ${startOnOrBefore(127)})::int as weeks0to17,
                 count(*) filter (where rtt_period_start <= ${startOnOrBefore(127)}
                                    and rtt_period_start > ${startOnOrBefore(365)})::int as weeks18to51,
                 count(*) filter (where rtt_period_start <= ${startOnOrBefore(365)}
                                    and rtt_period_start > ${startOnOrBefore(456)})::int as weeks52to64,
                 count(*) filter (where rtt_period_start <= ${startOnOrBefore(456)}
                                    and rtt_period_start > ${startOnOrBefore(547)})::int as weeks65to77,
                 count(*) filter (where rtt_period_start <= ${startOnOrBefore(547)})::int as weeks78plus
            from pathways
           where org_id = ${orgId} and status = 'open' and rtt_running
           group by specialty_code
        ) w on w.specialty_code = s.code
       where s.org_id = ${orgId}
       order by s.name, s.code`,
  );
  const zero = (): BandCounts => ({
    weeks0to17: 0,
    weeks18to51: 0,
    weeks52to64: 0,
    weeks65to77: 0,
    weeks78plus: 0,
    total: 0,
  });
  const trust = zero();
  const keys = Object.keys(trust) as (keyof BandCounts)[];
  const specialties = rows.map((r) => {
    const counts = zero();
    for (const k of keys) {
      counts[k] = Number(r[k]);
      trust[k] += counts[k];
    }
    return { code: r.code, name: r.name, ...counts };
  });
  return { asOf, bands: WAIT_BANDS.map((b) => ({ ...b })), specialties, trust };
}

interface ForecastRow {
  week: number;
  total: number;
  booked_before: number;
  booked_after: number;
  not_booked: number;
}

/** `GET /dashboard/breach-forecast`: 18-week breaches in each of the next `weeks` London weeks (see above). */
export async function breachForecast(
  db: Database,
  ctx: RequestContext,
  query: { weeks?: number | undefined },
): Promise<BreachForecast> {
  const weeks = query.weeks ?? DEFAULT_FORECAST_WEEKS;
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > MAX_FORECAST_WEEKS) {
    throw invalid('/query/weeks', `Ask for 1 to ${MAX_FORECAST_WEEKS} weeks`);
  }
  const orgId = ctx.principal.orgId;
  const asOf = londonToday(ctx.now);
  const today = parsePlainDate(asOf);
  const monday = addDays(today, 1 - today.dayOfWeek).toString();
  const lastSunday = iso(monday, 7 * weeks - 1);
  // The breach date is on or before the last Sunday ⇔ clock start ≤ last Sunday − 127 (the PTL's index).
  const rows = await queryRows<ForecastRow>(
    db,
    sql`with p as (
          select p.rtt_period_start + ${BREACH_18_DAYS}::int as breach_on,
                 (select min(s.session_date)
                    from appointments a
                    join slots s on s.org_id = a.org_id and s.id = a.slot_id
                   where a.org_id = p.org_id and a.pathway_id = p.id and a.status = 'booked') as booked_on
            from pathways p
           where p.org_id = ${orgId} and p.status = 'open' and p.rtt_running
             and p.rtt_period_start <= ${iso(lastSunday, -BREACH_18_DAYS)}::date
        )
        select case when breach_on <= ${asOf}::date then -1
                    else (breach_on - ${monday}::date) / 7 end as week,
               count(*)::int as total,
               count(*) filter (where booked_on is not null and booked_on < breach_on)::int as booked_before,
               count(*) filter (where booked_on is not null and booked_on >= breach_on)::int as booked_after,
               count(*) filter (where booked_on is null)::int as not_booked
          from p
         group by 1
         order by 1`,
  );
  const byWeek = new Map(rows.map((r) => [Number(r.week), r]));
  const list: BreachWeek[] = Array.from({ length: weeks }, (_, i) => {
    const weekStart = iso(monday, 7 * i);
    const r = byWeek.get(i);
    return {
      weekStart,
      weekEnd: iso(weekStart, 6),
      countedFrom: i === 0 ? iso(asOf, 1) : weekStart,
      total: Number(r?.total ?? 0),
      bookedBeforeBreach: Number(r?.booked_before ?? 0),
      bookedAfterBreach: Number(r?.booked_after ?? 0),
      notBooked: Number(r?.not_booked ?? 0),
    };
  });
  const breached = byWeek.get(-1);
  return {
    asOf,
    weeks: list,
    alreadyBreached: {
      total: Number(breached?.total ?? 0),
      booked: Number(breached?.booked_before ?? 0) + Number(breached?.booked_after ?? 0),
      notBooked: Number(breached?.not_booked ?? 0),
    },
  };
}
