/**
 * What the forecast says (issue 7, part 2): per pathway, the projected date it will be seen and the chance
 * of passing 18, 52, 65 and 78 weeks; the potential-breaches list with lead time and reason; summaries and the
 * what-if comparison of two capacity plans.
 */
import { PRIORITY_RANK } from '../allocation/cost';
import { SLOT_TYPES } from '../clinics/types';
import { breachDay } from '../rtt/measures';
import { RTT_PRIORITIES, type RttPriority } from '../rtt/status-codes';
import {
  FORECAST_THRESHOLD_WEEKS,
  FORECAST_NO_DAY,
  placesInHorizon,
  withCapacityAdjustments,
  type CapacityAdjustment,
  type ForecastModel,
  type ForecastThresholdWeeks,
} from './model';
import {
  FORECAST_WEEKLY_METRICS,
  simulateForecast,
  type ForecastCounts,
  type ForecastWeeklyMetric,
  type SimulateOptions,
} from './simulate';

const K = FORECAST_THRESHOLD_WEEKS.length;
type ThresholdKey = `${ForecastThresholdWeeks}`;

function checkCounts(model: ForecastModel, counts: ForecastCounts): void {
  if (counts.pathwayCount !== model.pathwayCount || counts.horizonWeeks !== model.horizonWeeks) {
    throw new RangeError('The counts were not made from this model');
  }
  if (counts.runs === 0) throw new RangeError('The counts hold no runs');
}

export interface PathwayForecastColumns {
  /**
   * Median projected day seen, or `FORECAST_NO_DAY` when the median run does not see the patient within the horizon.
   * The week is the lower median over the runs (runs are counted by week); the day within it is the mean day
   * of the runs that see the patient in that week, to the nearest day.
   */
  medianSeenDay: Int32Array;
  /** Share of runs in which the patient is seen within the horizon. */
  seenWithinHorizon: Float64Array;
  /** Share of runs passing each threshold before being seen (index i × 4 + j, j as in FORECAST_THRESHOLD_WEEKS). */
  passing: Float64Array;
}

/** Per-pathway results for all pathways, as columns. */
export function pathwayForecasts(model: ForecastModel, counts: ForecastCounts): PathwayForecastColumns {
  checkCounts(model, counts);
  const { pathwayCount: n, horizonWeeks: H, asOf } = model;
  const R = counts.runs;
  const target = Math.ceil(R / 2);
  const medianSeenDay = new Int32Array(n);
  const seenWithinHorizon = new Float64Array(n);
  const passing = new Float64Array(n * K);
  for (let i = 0; i < n; i++) {
    const base = i * (H + 1);
    seenWithinHorizon[i] = (R - counts.seenWeek[base + H]!) / R;
    let cum = 0;
    let median = FORECAST_NO_DAY;
    for (let w = 0; w < H; w++) {
      const c = counts.seenWeek[base + w]!;
      if (cum + c >= target) {
        median = asOf + 7 * w + Math.round(counts.seenDaySum[i * H + w]! / c);
        break;
      }
      cum += c;
    }
    medianSeenDay[i] = median;
    for (let j = 0; j < K; j++) passing[i * K + j] = counts.passed[i * K + j]! / R;
  }
  return { medianSeenDay, seenWithinHorizon, passing };
}

export interface PathwayForecast {
  pathwayId: string;
  /** Epoch day, or null when the median run does not see the patient within the horizon. */
  medianSeenDay: number | null;
  seenWithinHorizon: number;
  passing: Record<ThresholdKey, number>;
}

function passingRecord(passing: Float64Array, i: number): Record<ThresholdKey, number> {
  return {
    '18': passing[i * K]!,
    '52': passing[i * K + 1]!,
    '65': passing[i * K + 2]!,
    '78': passing[i * K + 3]!,
  };
}

/** One pathway's result, as an object (for screens and tests; use the columns for the whole list). */
export function pathwayForecast(
  model: ForecastModel,
  columns: PathwayForecastColumns,
  index: number,
): PathwayForecast {
  if (!Number.isInteger(index) || index < 0 || index >= model.pathwayCount) {
    throw new RangeError(`No pathway ${index}`);
  }
  const day = columns.medianSeenDay[index]!;
  return {
    pathwayId: model.pathwayIds[index]!,
    medianSeenDay: day === FORECAST_NO_DAY ? null : day,
    seenWithinHorizon: columns.seenWithinHorizon[index]!,
    passing: passingRecord(columns.passing, index),
  };
}

export interface WeeklySeries {
  mean: number[];
  /** Standard deviation over runs (0 for a single run). */
  sd: number[];
}

export interface ForecastSummary {
  runs: number;
  pathways: number;
  /** Expected number of the open pathways passing each threshold before being seen (Σ probabilities). */
  expectedPassing: Record<ThresholdKey, number>;
  /** Expected number of the open pathways seen within the horizon. */
  expectedSeen: number;
  weekly: Record<ForecastWeeklyMetric, WeeklySeries>;
}

/** Totals over the list and the weekly series (means and spreads over runs). */
export function forecastSummary(model: ForecastModel, counts: ForecastCounts): ForecastSummary {
  checkCounts(model, counts);
  const { pathwayCount: n, horizonWeeks: H } = model;
  const R = counts.runs;
  const passed = [0, 0, 0, 0];
  let notSeen = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < K; j++) passed[j]! += counts.passed[i * K + j]!;
    notSeen += counts.seenWeek[i * (H + 1) + H]!;
  }
  const weekly = {} as Record<ForecastWeeklyMetric, WeeklySeries>;
  FORECAST_WEEKLY_METRICS.forEach((metric, m) => {
    const mean: number[] = [];
    const sd: number[] = [];
    for (let w = 0; w < H; w++) {
      const s = counts.weeklySum[m * H + w]!;
      const mu = s / R;
      mean.push(mu);
      sd.push(
        R > 1 ? Math.sqrt(Math.max(0, (counts.weeklySumSquares[m * H + w]! - R * mu * mu) / (R - 1))) : 0,
      );
    }
    weekly[metric] = { mean, sd };
  });
  return {
    runs: R,
    pathways: n,
    expectedPassing: {
      '18': passed[0]! / R,
      '52': passed[1]! / R,
      '65': passed[2]! / R,
      '78': passed[3]! / R,
    },
    expectedSeen: n - notSeen / R,
    weekly,
  };
}

export const POTENTIAL_BREACH_REASONS = [
  /** Booked, but on or after the breach date. */
  'booked-after-breach',
  /** No free place of a slot type the patient accepts, for their specialty, anywhere in the horizon. */
  'no-capacity',
  /** The patient is unavailable now (a patient-initiated delay). */
  'patient-delay',
  /** Not booked, and the places before the breach date go to patients ahead in turn. */
  'unbooked',
  /** Booked in time, but cancellation or non-attendance is likely to push the appointment past the date. */
  'rebooking-risk',
] as const;
export type PotentialBreachReason = (typeof POTENTIAL_BREACH_REASONS)[number];

export interface PotentialBreach {
  index: number;
  pathwayId: string;
  specialtyCode: string;
  priority: RttPriority;
  /** The next threshold the pathway has not yet passed on `asOf`. */
  weeks: ForecastThresholdWeeks;
  /** First day over that threshold (epoch day). */
  breachDay: number;
  /** Days from asOf to the breach day. */
  leadDays: number;
  /** Share of runs passing that threshold. */
  probability: number;
  medianSeenDay: number | null;
  reason: PotentialBreachReason;
}

export interface PotentialBreachOptions {
  /** Listed when the probability of passing the next threshold is at least this (default 0.5). */
  threshold?: number;
}

/**
 * Pathways likely to pass their next threshold (18 weeks, or the next long-wait threshold for those already
 * over 18): a probability at or above `threshold`, or a median projected day on or after the breach day
 * (or no projected day in the horizon while the breach falls inside it). Sorted by breach day, then
 * priority, then pathway id. Pathways already over 78 weeks are not listed (nothing is left to forecast).
 */
export function potentialBreaches(
  model: ForecastModel,
  columns: PathwayForecastColumns,
  options: PotentialBreachOptions = {},
): PotentialBreach[] {
  const threshold = options.threshold ?? 0.5;
  if (!(threshold > 0 && threshold <= 1))
    throw new RangeError(`The threshold must lie in (0, 1]; got ${threshold}`);
  const { asOf, horizonWeeks: H } = model;
  const end = asOf + 7 * H;
  const capacityCache = new Map<number, number>();
  const out: PotentialBreach[] = [];
  for (let i = 0; i < model.pathwayCount; i++) {
    const clock = model.clockStart[i]!;
    let j = 0;
    while (j < K && breachDay(clock, FORECAST_THRESHOLD_WEEKS[j]!) <= asOf) j++;
    if (j === K) continue;
    const day = breachDay(clock, FORECAST_THRESHOLD_WEEKS[j]!);
    const probability = columns.passing[i * K + j]!;
    const median = columns.medianSeenDay[i]!;
    const late = median === FORECAST_NO_DAY ? day <= end : median >= day;
    if (probability < threshold && !late) continue;
    const s = model.specialty[i]!;
    const mask = model.slotMask[i]!;
    const capKey = s * 256 + mask;
    let places = capacityCache.get(capKey);
    if (places === undefined) {
      places = placesInHorizon(model, s, mask);
      capacityCache.set(capKey, places);
    }
    const booked = model.bookedDay[i]!;
    let reason: PotentialBreachReason;
    if (booked !== FORECAST_NO_DAY && booked >= day) reason = 'booked-after-breach';
    else if (places === 0 && booked === FORECAST_NO_DAY) reason = 'no-capacity';
    else if (booked === FORECAST_NO_DAY && model.unavailableUntil[i]! >= asOf) reason = 'patient-delay';
    else if (booked === FORECAST_NO_DAY) reason = 'unbooked';
    else reason = 'rebooking-risk';
    out.push({
      index: i,
      pathwayId: model.pathwayIds[i]!,
      specialtyCode: model.specialtyCodes[s]!,
      priority: priorityOfRank(model.priorityRank[i]!),
      weeks: FORECAST_THRESHOLD_WEEKS[j]!,
      breachDay: day,
      leadDays: day - asOf,
      probability,
      medianSeenDay: median === FORECAST_NO_DAY ? null : median,
      reason,
    });
  }
  const rank = (b: PotentialBreach) => model.priorityRank[b.index]!;
  return out.sort(
    (a, b) =>
      a.breachDay - b.breachDay ||
      rank(a) - rank(b) ||
      (a.pathwayId < b.pathwayId ? -1 : a.pathwayId > b.pathwayId ? 1 : 0),
  );
}

const PRIORITY_OF_RANK: readonly RttPriority[] = RTT_PRIORITIES.slice().sort(
  (a, b) => PRIORITY_RANK[a] - PRIORITY_RANK[b],
);

function priorityOfRank(rank: number): RttPriority {
  return PRIORITY_OF_RANK[rank]!;
}

export interface WhatIfResult {
  baseline: ForecastSummary;
  scenario: ForecastSummary;
  /** Scenario minus baseline. */
  change: { expectedPassing: Record<ThresholdKey, number>; expectedSeen: number };
  baselineCounts: ForecastCounts;
  scenarioCounts: ForecastCounts;
}

/**
 * The effect of adding or removing places per week: the same runs (same seed, so the same arrivals and the
 * same attendance draws per booking) on the model as it is and with the adjustments.
 */
export function whatIf(
  model: ForecastModel,
  adjustments: readonly CapacityAdjustment[],
  options: SimulateOptions,
): WhatIfResult {
  const baselineCounts = simulateForecast(model, options);
  const scenarioModel = withCapacityAdjustments(model, adjustments);
  const scenarioCounts = simulateForecast(scenarioModel, options);
  const baseline = forecastSummary(model, baselineCounts);
  const scenario = forecastSummary(scenarioModel, scenarioCounts);
  const diff = (k: ThresholdKey) => scenario.expectedPassing[k] - baseline.expectedPassing[k];
  return {
    baseline,
    scenario,
    change: {
      expectedPassing: { '18': diff('18'), '52': diff('52'), '65': diff('65'), '78': diff('78') },
      expectedSeen: scenario.expectedSeen - baseline.expectedSeen,
    },
    baselineCounts,
    scenarioCounts,
  };
}

/** Slot types by name, for messages: the types a pathway accepts. */
export function forecastSlotTypes(model: ForecastModel, index: number): string[] {
  const mask = model.slotMask[index]!;
  return SLOT_TYPES.filter((_, t) => (mask & (1 << t)) !== 0);
}
