/**
 * A what-if's clinic changes as changes in places, which the forecast already knows how to take
 * (`Adjustment`: places per week of a specialty and slot type, over some weeks):
 *
 * - remove: the clinic's free places in those weeks go, week by week and slot type by slot type (the same slots
 *   the forecast counts: open, not started, with a place free). Patients already booked into it keep their
 *   appointments in the what-if: a real cancellation rebooks them (the clinic page's cancellation preview).
 * - add: one more session like it each week: the places of its usual session (its open slots' places over the
 *   forecast's weeks, booked or not, over the number of days it runs), by slot type, rounded to whole places.
 *
 * Reads only. An unknown clinic, or a clinic with nothing to remove or copy, is a 400 naming the field.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import {
  epochDayToIso,
  isoToEpochDay,
  SLOT_TYPES,
  type ClinicChange,
  type ClinicChangeView,
  type SlotType,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { queryRows } from '../../db/client';
import { clinicTemplates } from '../../db/schema';
import { invalid } from '../../errors';
import type { Adjustment } from './service';

interface PlacesRow {
  /** The slots' specialty (a clinic's own, unless a slot was given another). */
  specialty: string;
  slotType: SlotType;
  week: number;
  /** Days the clinic runs that week with slots of this type. */
  sessions: number;
  free: number;
  places: number;
  booked: number;
}

/** The clinic's places per week of the forecast and slot type: free (as the forecast counts them) and all. */
async function placesOf(
  db: Database,
  orgId: string,
  clinicId: string,
  asOf: string,
  weeks: number,
  now: Date,
): Promise<PlacesRow[]> {
  const start = isoToEpochDay(asOf);
  const end = epochDayToIso(start + 7 * weeks);
  const slotTypes = sql.join(
    SLOT_TYPES.map((t) => sql`${t}`),
    sql`, `,
  );
  return queryRows<PlacesRow>(
    db,
    sql`select specialty_code as specialty, slot_type as "slotType",
               ((session_date - date '1970-01-01') - ${start}) / 7 as week,
               count(distinct session_date)::int as sessions,
               sum(greatest(capacity - booked - held, 0))::int as free,
               sum(capacity)::int as places,
               sum(booked)::int as booked
          from slots
         where org_id = ${orgId} and template_id = ${clinicId} and status = 'open'
           and session_date >= ${asOf}::date and session_date < ${end}::date
           and starts_at > ${now.toISOString()}::timestamptz
           and slot_type in (${slotTypes})
         group by 1, 2, 3
         order by 3, 1, 2`,
  );
}

/** A change's weeks, defaulted (all of the forecast's) and checked: a 400 naming `at`/fromWeek or /toWeek. */
export function checkWeeks(
  at: string,
  change: { fromWeek?: number | undefined; toWeek?: number | undefined },
  weeks: number,
): { fromWeek: number; toWeek: number } {
  const fromWeek = change.fromWeek ?? 0;
  const toWeek = change.toWeek ?? weeks;
  if (fromWeek > weeks - 1) {
    throw invalid(`${at}/fromWeek`, `fromWeek must be a week of the forecast: 0 to ${weeks - 1}`);
  }
  if (toWeek <= fromWeek || toWeek > weeks) {
    throw invalid(`${at}/toWeek`, `toWeek must be after fromWeek (${fromWeek}) and at most ${weeks}`);
  }
  return { fromWeek, toWeek };
}

/** The clinic changes' adjustments and what each did. Checks each change's clinic and weeks (fields named). */
export async function clinicAdjustments(
  db: Database,
  orgId: string,
  changes: readonly ClinicChange[],
  options: { asOf: string; weeks: number; now: Date },
): Promise<{ adjustments: Adjustment[]; clinics: ClinicChangeView[] }> {
  if (changes.length === 0) return { adjustments: [], clinics: [] };
  const { asOf, weeks, now } = options;
  const ids = [...new Set(changes.map((c) => c.clinicId))];
  const templates = new Map(
    (
      await db
        .select({
          id: clinicTemplates.id,
          name: clinicTemplates.name,
          specialty: clinicTemplates.specialtyCode,
        })
        .from(clinicTemplates)
        .where(and(eq(clinicTemplates.orgId, orgId), inArray(clinicTemplates.id, ids)))
    ).map((t) => [t.id, t]),
  );
  const adjustments: Adjustment[] = [];
  const clinics: ClinicChangeView[] = [];
  for (const [i, c] of changes.entries()) {
    const at = `/body/clinics/${i}`;
    const clinic = templates.get(c.clinicId);
    if (!clinic) throw invalid(`${at}/clinicId`, 'There is no clinic with this id');
    const { fromWeek, toWeek } = checkWeeks(at, c, weeks);
    const rows = await placesOf(db, orgId, clinic.id, asOf, weeks, now);
    const base = { clinicId: clinic.id, name: clinic.name, specialty: clinic.specialty, change: c.change };
    if (c.change === 'remove') {
      const inWeeks = rows.filter((r) => r.week >= fromWeek && r.week < toWeek);
      const free = inWeeks.filter((r) => r.free > 0);
      if (free.length === 0) {
        throw invalid(
          `${at}/clinicId`,
          `${clinic.name} has no free places in weeks ${fromWeek} to ${toWeek - 1}: there is nothing to remove`,
        );
      }
      for (const r of free) {
        adjustments.push({
          specialty: r.specialty,
          slotType: r.slotType,
          placesPerWeek: -r.free,
          fromWeek: r.week,
          toWeek: r.week + 1,
        });
      }
      clinics.push({
        ...base,
        fromWeek,
        toWeek,
        places: free.reduce((n, r) => n + r.free, 0),
        bookedKept: inWeeks.reduce((n, r) => n + r.booked, 0),
      });
    } else {
      const byType = new Map<
        string,
        { specialty: string; slotType: SlotType; places: number; sessions: number }
      >();
      for (const r of rows) {
        const key = `${r.specialty}/${r.slotType}`;
        const t = byType.get(key) ?? { specialty: r.specialty, slotType: r.slotType, places: 0, sessions: 0 };
        byType.set(key, { ...t, places: t.places + r.places, sessions: t.sessions + r.sessions });
      }
      const perWeek = [...byType.values()]
        .map((t) => ({
          specialty: t.specialty,
          slotType: t.slotType,
          placesPerWeek: Math.round(t.places / t.sessions),
        }))
        .filter((x) => x.placesPerWeek > 0);
      if (perWeek.length === 0) {
        throw invalid(
          `${at}/clinicId`,
          `${clinic.name} has no sessions in the next ${weeks} weeks to copy: choose a clinic that runs`,
        );
      }
      for (const x of perWeek) adjustments.push({ ...x, fromWeek, toWeek });
      clinics.push({
        ...base,
        fromWeek,
        toWeek,
        places: perWeek.reduce((n, x) => n + x.placesPerWeek, 0) * (toWeek - fromWeek),
        bookedKept: 0,
      });
    }
  }
  return { adjustments, clinics };
}
