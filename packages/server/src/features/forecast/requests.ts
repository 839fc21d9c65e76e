/**
 * The forecast's three requests, between the routes and `runForecast`: the summary, a page of potential
 * breaches (names and NHS numbers read and audited per patient listed, as the PTL does) and what-if scenarios
 * (checked field by field, so that a mistake is a 400 naming the field). None of them writes anything but the
 * audit rows of the potential breaches listed.
 */
import { and, eq, inArray } from 'drizzle-orm';
import {
  FORECAST_NO_DAY,
  epochDayToIso,
  type ForecastQuery,
  type ForecastView,
  type PotentialBreachPage,
  type PotentialBreachQuery,
  type PotentialBreachRow,
  type SpecialtyScenario,
  type WhatIfBody,
  type WhatIfView,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { patients, pathways, specialties } from '../../db/schema';
import { actorOf, writeAuditForMany } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { londonToday } from '../../clock';
import { invalid } from '../../errors';
import { DEFAULT_WEEKS, runForecast, type ForecastRun } from './service';
import { checkWeeks, clinicAdjustments } from './clinic-changes';
import {
  REASON_TEXT,
  breachesBySpecialty,
  difference,
  forecastWeeks,
  passingOf,
  totalsByDirectorate,
  totalsBySpecialty,
} from './view';

/** The API's contract types (core's `api/forecast.ts`). */
export type {
  ForecastQuery,
  ForecastView,
  PotentialBreachPage,
  PotentialBreachQuery,
  PotentialBreachRow,
  WhatIfBody,
  WhatIfView,
};

/** The summary the API answers: totals, week by week, per specialty and per directorate. */
export function forecastView(run: ForecastRun): ForecastView {
  const { totals, bySpecialty } = totalsBySpecialty(run.model, run.columns, run.summary);
  const breaches = breachesBySpecialty(run.breaches);
  const specialties = bySpecialty.map((s) => ({
    ...s,
    name: run.specialtyNames.get(s.code) ?? s.code,
    directorate: run.specialtyDirectorates.get(s.code) ?? null,
    potentialBreaches: breaches.get(s.code) ?? 0,
    rates: run.ratesBySpecialty.get(s.code) ?? run.rates,
  }));
  return {
    asOf: run.asOf,
    weeks: run.weeks,
    runs: run.runs,
    seed: run.seed,
    specialty: run.specialty,
    computedAt: run.computedAt.toISOString(),
    rates: run.rates,
    bookedInThePast: run.bookedInThePast,
    leftOut: run.leftOut,
    totals: { ...totals, potentialBreaches: run.breaches.length },
    weekly: forecastWeeks(run.model, run.summary),
    specialties,
    directorates: totalsByDirectorate(specialties),
  };
}

/** The patients of some pathways (name, NHS number), by pathway id: one query. */
export async function patientsOf(
  db: Database,
  orgId: string,
  pathwayIds: readonly string[],
): Promise<Map<string, { id: string; name: string; nhsNumber: string }>> {
  if (pathwayIds.length === 0) return new Map();
  const rows = await db
    .select({
      pathwayId: pathways.id,
      id: patients.id,
      nhsNumber: patients.nhsNumber,
      givenName: patients.givenName,
      familyName: patients.familyName,
    })
    .from(pathways)
    .innerJoin(patients, and(eq(patients.orgId, pathways.orgId), eq(patients.id, pathways.patientId)))
    .where(and(eq(pathways.orgId, orgId), inArray(pathways.id, [...pathwayIds])));
  return new Map(
    rows.map((r) => [
      r.pathwayId,
      { id: r.id, name: `${r.familyName}, ${r.givenName}`, nhsNumber: r.nhsNumber },
    ]),
  );
}

async function specialtyNames(db: Database, orgId: string): Promise<Map<string, string>> {
  const rows = await db
    .select({ code: specialties.code, name: specialties.name })
    .from(specialties)
    .where(eq(specialties.orgId, orgId));
  return new Map(rows.map((r) => [r.code, r.name]));
}

async function checkSpecialty(db: Database, orgId: string, code: string, field: string): Promise<void> {
  if (!(await specialtyNames(db, orgId)).has(code)) {
    throw invalid(field, `There is no specialty with the code ${code}`);
  }
}

/** A directorate is known when a specialty of the organisation is in it (its exact name). */
async function checkDirectorate(db: Database, orgId: string, name: string, field: string): Promise<void> {
  const [known] = await db
    .select({ code: specialties.code })
    .from(specialties)
    .where(and(eq(specialties.orgId, orgId), eq(specialties.directorate, name)))
    .limit(1);
  if (!known) throw invalid(field, `There is no specialty in a directorate called ${name}`);
}

/** `GET /forecast`: the summary, for the organisation or one specialty, as of today in London. */
export async function getForecast(
  db: Database,
  ctx: RequestContext,
  q: ForecastQuery,
): Promise<ForecastView> {
  const orgId = ctx.principal.orgId;
  if (q.specialty !== undefined) await checkSpecialty(db, orgId, q.specialty, '/query/specialty');
  const run = await runForecast(db, orgId, londonToday(ctx.now), {
    specialty: q.specialty,
    horizonWeeks: q.weeks,
    runs: q.runs,
    now: ctx.now,
  });
  return forecastView(run);
}

const isoOrNull = (day: number | null): string | null => (day === null ? null : epochDayToIso(day));

/**
 * `GET /forecast/potential-breaches`: one page of the pathways likely to pass their next threshold, with the
 * patient's name and NHS number; one audit row per patient listed, in the same transaction as their read. With
 * `directorate`, only the pathways of the specialties in it (from the organisation's forecast, or the
 * specialty's with `specialty` too).
 */
export async function getPotentialBreaches(
  db: Database,
  ctx: RequestContext,
  q: PotentialBreachQuery,
): Promise<PotentialBreachPage> {
  const orgId = ctx.principal.orgId;
  if (q.specialty !== undefined) await checkSpecialty(db, orgId, q.specialty, '/query/specialty');
  if (q.directorate !== undefined) await checkDirectorate(db, orgId, q.directorate, '/query/directorate');
  const run = await runForecast(db, orgId, londonToday(ctx.now), {
    specialty: q.specialty,
    horizonWeeks: q.weeks,
    runs: q.runs,
    now: ctx.now,
  });
  const directorateOf = (code: string) => run.specialtyDirectorates.get(code) ?? null;
  const all = run.breaches.filter(
    (b) =>
      (q.reason === undefined || b.reason === q.reason) &&
      (q.directorate === undefined || directorateOf(b.specialtyCode) === q.directorate),
  );
  const page = all.slice(q.offset, q.offset + q.limit);
  return db.transaction(async (tx) => {
    const people = await patientsOf(
      tx,
      orgId,
      page.map((b) => b.pathwayId),
    );
    const rows: PotentialBreachRow[] = [];
    for (const b of page) {
      const patient = people.get(b.pathwayId);
      if (!patient) continue;
      const booked = run.model.bookedDay[b.index]!;
      rows.push({
        pathwayId: b.pathwayId,
        patient,
        specialty: {
          code: b.specialtyCode,
          name: run.specialtyNames.get(b.specialtyCode) ?? b.specialtyCode,
          directorate: directorateOf(b.specialtyCode),
        },
        priority: b.priority,
        clockStart: epochDayToIso(run.model.clockStart[b.index]!),
        thresholdWeeks: b.weeks,
        breachDate: epochDayToIso(b.breachDay),
        leadDays: b.leadDays,
        probability: b.probability,
        passing: passingOf(run.columns, b.index),
        projectedSeen: isoOrNull(b.medianSeenDay),
        seenWithinHorizon: run.columns.seenWithinHorizon[b.index]!,
        booked: booked === FORECAST_NO_DAY ? null : epochDayToIso(booked),
        reason: b.reason,
        reasonText: REASON_TEXT[b.reason],
      });
    }
    await writeAuditForMany(
      tx,
      actorOf(ctx),
      'Forecast.potentialBreaches',
      'Pathway',
      rows.map((r) => ({ resourceId: r.pathwayId, patientId: r.patient.id })),
    );
    return {
      asOf: run.asOf,
      weeks: run.weeks,
      runs: run.runs,
      computedAt: run.computedAt.toISOString(),
      total: all.length,
      limit: q.limit,
      offset: q.offset,
      rows,
    };
  });
}

/**
 * `POST /forecast/what-if`: the forecast as it is and with the changes (places per week, and clinics removed or
 * added, `./clinic-changes.ts`), with the same seed (so the same arrivals and the same attendance draws). Reads
 * only: nothing in the database changes.
 */
export async function whatIfForecast(
  db: Database,
  ctx: RequestContext,
  body: WhatIfBody,
): Promise<WhatIfView> {
  const orgId = ctx.principal.orgId;
  const weeks = body.weeks ?? DEFAULT_WEEKS;
  const names = await specialtyNames(db, orgId);
  const given = body.adjustments ?? [];
  if (given.length === 0 && (body.clinics ?? []).length === 0) {
    throw invalid(
      '/body/adjustments',
      'Give at least one change: places per week, or a clinic to remove or add',
    );
  }
  given.forEach((a, i) => {
    const at = `/body/adjustments/${i}`;
    if (!names.has(a.specialty))
      throw invalid(`${at}/specialty`, `There is no specialty with the code ${a.specialty}`);
    checkWeeks(at, a, weeks);
  });
  const asOf = londonToday(ctx.now);
  const clinics = await clinicAdjustments(db, orgId, body.clinics ?? [], { asOf, weeks, now: ctx.now });
  const options = { horizonWeeks: weeks, runs: body.runs, now: ctx.now };
  const before = await runForecast(db, orgId, asOf, options);
  const after = await runForecast(db, orgId, asOf, {
    ...options,
    adjustments: [...given, ...clinics.adjustments],
  });
  const b = totalsBySpecialty(before.model, before.columns, before.summary);
  const a = totalsBySpecialty(after.model, after.columns, after.summary);
  const touched = new Set(after.adjustments.map((x) => x.specialty));
  const pick = (rows: typeof b.bySpecialty, code: string): SpecialtyScenario => {
    const r = rows.find((x) => x.code === code);
    return r
      ? { expectedBreaches: r.expectedBreaches, expectedSeen: r.expectedSeen, freePlaces: r.freePlaces }
      : { expectedBreaches: { '18': 0, '52': 0, '65': 0, '78': 0 }, expectedSeen: 0, freePlaces: 0 };
  };
  return {
    asOf,
    weeks: after.weeks,
    runs: after.runs,
    seed: after.seed,
    computedAt: after.computedAt.toISOString(),
    adjustments: after.adjustments,
    clinics: clinics.clinics,
    before: b.totals,
    after: a.totals,
    change: {
      expectedBreaches: difference(a.totals.expectedBreaches, b.totals.expectedBreaches),
      expectedSeen: a.totals.expectedSeen - b.totals.expectedSeen,
      listSizeAtHorizon: a.totals.listSizeAtHorizon - b.totals.listSizeAtHorizon,
      over18AtHorizon: a.totals.over18AtHorizon - b.totals.over18AtHorizon,
    },
    specialties: [...touched].sort().map((code) => ({
      code,
      name: names.get(code) ?? code,
      before: pick(b.bySpecialty, code),
      after: pick(a.bySpecialty, code),
    })),
  };
}
