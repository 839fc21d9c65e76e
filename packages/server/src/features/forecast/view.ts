/**
 * The forecast as the API answers it: core's summary and per-pathway columns turned into weekly rows, totals
 * and per-specialty and per-directorate figures. Counts and means only (no patient is named here).
 *
 * Expected breaches. Core counts a pathway as passing a threshold when it is not seen before the day it is over
 * it (or not seen in the horizon while that day falls inside it), so a pathway already over a threshold today
 * passes it in every run. The API splits the two: `alreadyOver` counts the pathways over each threshold today,
 * `expectedBreaches` the expected number of the others that will pass it within the horizon (Σ probabilities).
 */
import {
  FORECAST_THRESHOLD_WEEKS,
  SLOT_TYPES,
  breachDay,
  epochDayToIso,
  placesInHorizon,
  type ForecastModel,
  type ForecastSummary,
  type PathwayForecastColumns,
  type PotentialBreach,
  type PotentialBreachReason,
  type DirectorateForecast,
  type ForecastByThreshold,
  type ForecastThresholdKey,
  type ForecastTotals,
  type ForecastWeek,
  type SpecialtyForecast,
} from '@pathflow/core';

/** The API's contract types (core's `api/forecast.ts`), under the names the server uses. */
export type ThresholdKey = ForecastThresholdKey;
export type ByThreshold = ForecastByThreshold;
export type Totals = ForecastTotals;
export type { DirectorateForecast, ForecastWeek, SpecialtyForecast };

const K = FORECAST_THRESHOLD_WEEKS.length;
const KEYS: readonly ThresholdKey[] = FORECAST_THRESHOLD_WEEKS.map((w) => String(w) as ThresholdKey);
const ALL_SLOT_TYPES = (1 << SLOT_TYPES.length) - 1;

export const REASON_TEXT: Record<PotentialBreachReason, string> = {
  'booked-after-breach': 'Booked, but on or after the breach date',
  'no-capacity': 'No free place of a slot type the patient needs, in their specialty, within the horizon',
  'patient-delay': 'The patient is unavailable now',
  unbooked: 'Not booked, and the places before the breach date go to patients ahead in turn',
  'rebooking-risk': 'Booked in time, but a cancellation or a missed appointment is likely to push it past',
};

const zero = (): ByThreshold => ({ '18': 0, '52': 0, '65': 0, '78': 0 });

/** The totals and the per-specialty figures, from the per-pathway columns. */
export function totalsBySpecialty(
  model: ForecastModel,
  columns: PathwayForecastColumns,
  summary: ForecastSummary,
): {
  totals: Totals;
  bySpecialty: Omit<SpecialtyForecast, 'name' | 'directorate' | 'rates' | 'potentialBreaches'>[];
} {
  const S = model.specialtyCodes.length;
  const H = model.horizonWeeks;
  const rows = model.specialtyCodes.map((code, s) => ({
    code,
    pathways: 0,
    alreadyOver: zero(),
    expectedBreaches: zero(),
    expectedSeen: 0,
    freePlaces: placesInHorizon(model, s, ALL_SLOT_TYPES),
    demandPerWeek: 0,
  }));
  const totals: Totals = {
    pathways: model.pathwayCount,
    alreadyOver: zero(),
    expectedBreaches: zero(),
    expectedSeen: summary.expectedSeen,
    listSizeAtHorizon: summary.weekly.waiting.mean[H - 1] ?? 0,
    over18AtHorizon: summary.weekly.over18.mean[H - 1] ?? 0,
  };
  for (let i = 0; i < model.pathwayCount; i++) {
    const row = rows[model.specialty[i]!]!;
    row.pathways++;
    row.expectedSeen += columns.seenWithinHorizon[i]!;
    const clock = model.clockStart[i]!;
    for (let j = 0; j < K; j++) {
      const key = KEYS[j]!;
      if (breachDay(clock, FORECAST_THRESHOLD_WEEKS[j]!) <= model.asOf) {
        row.alreadyOver[key]++;
        totals.alreadyOver[key]++;
      } else {
        const p = columns.passing[i * K + j]!;
        row.expectedBreaches[key] += p;
        totals.expectedBreaches[key] += p;
      }
    }
  }
  for (let d = 0; d < model.demandClass.length; d++) {
    const s = model.classSpecialty[model.demandClass[d]!]!;
    if (s < S) rows[s]!.demandPerWeek += model.demandPerWeek[d]!;
  }
  return { totals, bySpecialty: rows };
}

/** Week by week, means (and spreads over runs) of what the runs recorded. */
export function forecastWeeks(model: ForecastModel, summary: ForecastSummary): ForecastWeek[] {
  const w = summary.weekly;
  const spread = (m: keyof typeof w, i: number): ForecastWeek['seen'] => ({
    mean: w[m].mean[i]!,
    sd: w[m].sd[i]!,
  });
  return Array.from({ length: model.horizonWeeks }, (_, i) => ({
    week: i,
    weekStart: epochDayToIso(model.asOf + 7 * i),
    weekEnd: epochDayToIso(model.asOf + 7 * i + 6),
    countedOn: epochDayToIso(model.asOf + 7 * i + 7),
    seen: spread('seen', i),
    waiting: spread('waiting', i),
    over18: spread('over18', i),
    over52: spread('over52', i),
    arrivals: w.arrivals.mean[i]!,
    unusedPlaces: w.unusedPlaces.mean[i]!,
    dna: w.dna.mean[i]!,
    cancelled: w.cancelled.mean[i]!,
  }));
}

/** Potential breaches per specialty code. */
export function breachesBySpecialty(breaches: readonly PotentialBreach[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const b of breaches) out.set(b.specialtyCode, (out.get(b.specialtyCode) ?? 0) + 1);
  return out;
}

/**
 * The specialties' expected and potential breaches added up per directorate, by name (the specialties with no
 * directorate under null, last).
 */
export function totalsByDirectorate(
  bySpecialty: readonly Pick<SpecialtyForecast, 'directorate' | 'expectedBreaches' | 'potentialBreaches'>[],
): DirectorateForecast[] {
  const out = new Map<string | null, DirectorateForecast>();
  for (const s of bySpecialty) {
    let d = out.get(s.directorate);
    if (!d) {
      d = { name: s.directorate, expectedBreaches: zero(), potentialBreaches: 0 };
      out.set(s.directorate, d);
    }
    for (const k of KEYS) d.expectedBreaches[k] += s.expectedBreaches[k];
    d.potentialBreaches += s.potentialBreaches;
  }
  return [...out.values()].sort((a, b) =>
    a.name === null ? 1 : b.name === null ? -1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}

/** Scenario minus baseline, threshold by threshold. */
export function difference(after: ByThreshold, before: ByThreshold): ByThreshold {
  const out = zero();
  for (const k of KEYS) out[k] = after[k] - before[k];
  return out;
}

/** The probabilities of passing each threshold of pathway i. */
export function passingOf(columns: PathwayForecastColumns, i: number): ByThreshold {
  const out = zero();
  KEYS.forEach((k, j) => (out[k] = columns.passing[i * K + j]!));
  return out;
}
