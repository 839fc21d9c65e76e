/**
 * The cost model of the allocation engine. A patient seen on day `d` pays a weighted sum of step functions of
 * `d`: the 18-week breach (seen on or after the 18-week breach date, i.e. more than 126 days after the clock
 * start, §1.7), each long-wait threshold passed (52, 65, 78 and 104 weeks, cumulative), and the priority
 * target missed (urgent and two-week-wait referrals seen more than 14 days after the referral was received;
 * the urgent target is [INFERRED] and configurable). Every term is non-decreasing in `d`, which is what the
 * engine relies on. A patient left unbooked over the horizon pays the cost as if seen on the first day after
 * the horizon, plus the `unbooked` penalty, so booking anyone always beats leaving them unbooked.
 */
import { isoToEpochDay } from '../rtt/epoch-day';
import { breachDay } from '../rtt/measures';
import type { RttPriority } from '../rtt/status-codes';
import type {
  AllocationCostModel,
  AllocationCostOptions,
  AllocationWeights,
  BreachKind,
  PriorityTargetDays,
  WaitingPatient,
} from './types';

/**
 * Default weights (points). Long waits weigh most and add up (a 78-week breach also passed 18, 52 and 65
 * weeks: 10 + 40 + 60 + 80 = 190); a missed two-week-wait target weighs more than an 18-week breach; leaving a
 * patient unbooked costs 5 on top of the breaches they reach by the end of the horizon.
 */
export const DEFAULT_ALLOCATION_WEIGHTS: Readonly<AllocationWeights> = Object.freeze({
  week18: 10,
  week52: 40,
  week65: 60,
  week78: 80,
  week104: 100,
  urgentTarget: 20,
  twoWeekWaitTarget: 50,
  unbooked: 5,
});

/** Two-week wait: seen within 14 days of the referral (§3.1); urgent: within 2 weeks [INFERRED]. */
export const DEFAULT_PRIORITY_TARGET_DAYS: Readonly<PriorityTargetDays> = Object.freeze({
  urgent: 14,
  'two-week-wait': 14,
});

/** Minimum notice by default: none beyond "not in the past"; plans flag offers under 21 days' notice. */
export const DEFAULT_MIN_NOTICE_DAYS = 0;

/**
 * Largest weight accepted (points). Keeps the engine's scaled costs and potentials exact integers in a
 * double even on the largest networks.
 */
export const MAX_ALLOCATION_WEIGHT = 10_000;

const WEIGHT_KEYS = [
  'week18',
  'week52',
  'week65',
  'week78',
  'week104',
  'urgentTarget',
  'twoWeekWaitTarget',
  'unbooked',
] as const satisfies readonly (keyof AllocationWeights)[];

/** The full cost model from options, with defaults; throws a RangeError for a bad weight or target. */
export function resolveCostModel(options: AllocationCostOptions = {}): AllocationCostModel {
  const weights: AllocationWeights = { ...DEFAULT_ALLOCATION_WEIGHTS, ...options.weights };
  for (const key of WEIGHT_KEYS) {
    const w = weights[key];
    if (!Number.isInteger(w) || w < 0 || w > MAX_ALLOCATION_WEIGHT) {
      throw new RangeError(
        `Weight ${key} must be a whole number of points from 0 to ${MAX_ALLOCATION_WEIGHT}; got ${w}`,
      );
    }
  }
  const priorityTargetDays: PriorityTargetDays = {
    ...DEFAULT_PRIORITY_TARGET_DAYS,
    ...options.priorityTargetDays,
  };
  for (const key of ['urgent', 'two-week-wait'] as const) {
    const d = priorityTargetDays[key];
    if (d !== null && (!Number.isInteger(d) || d < 0)) {
      throw new RangeError(`Priority target days for ${key} must be a whole number ≥ 0 or null; got ${d}`);
    }
  }
  return { weights, priorityTargetDays };
}

export const PRIORITY_RANK: Readonly<Record<RttPriority, number>> = Object.freeze({
  'two-week-wait': 0,
  urgent: 1,
  routine: 2,
});

/**
 * A patient's cost as breakpoints: the first epoch day each breach applies and its weight. At most six, in
 * the order of `BREACH_KINDS` (not sorted by day). Filled into caller-owned arrays for speed.
 */
export interface Breakpoints {
  count: number;
  day: Float64Array;
  weight: Float64Array;
  kind: Uint8Array;
}

export function createBreakpoints(): Breakpoints {
  return { count: 0, day: new Float64Array(6), weight: new Float64Array(6), kind: new Uint8Array(6) };
}

/** Fills `out` for a clock start and referral (epoch days) and priority rank (0 2WW, 1 urgent, 2 routine). */
export function fillBreakpoints(
  clockDay: number,
  referralDay: number,
  priorityRank: number,
  model: AllocationCostModel,
  out: Breakpoints,
): void {
  const w = model.weights;
  const day = out.day;
  const weight = out.weight;
  const kind = out.kind;
  day[0] = breachDay(clockDay, 18);
  weight[0] = w.week18;
  kind[0] = 0;
  day[1] = breachDay(clockDay, 52);
  weight[1] = w.week52;
  kind[1] = 1;
  day[2] = breachDay(clockDay, 65);
  weight[2] = w.week65;
  kind[2] = 2;
  day[3] = breachDay(clockDay, 78);
  weight[3] = w.week78;
  kind[3] = 3;
  day[4] = breachDay(clockDay, 104);
  weight[4] = w.week104;
  kind[4] = 4;
  out.count = 5;
  const target =
    priorityRank === 0
      ? model.priorityTargetDays['two-week-wait']
      : priorityRank === 1
        ? model.priorityTargetDays.urgent
        : null;
  if (target !== null) {
    day[5] = referralDay + target + 1;
    weight[5] = priorityRank === 0 ? w.twoWeekWaitTarget : w.urgentTarget;
    kind[5] = 5;
    out.count = 6;
  }
}

/** Cost of being seen on epoch day `d` for breakpoints `bp`. */
export function costOnDay(bp: Breakpoints, d: number): number {
  let c = 0;
  for (let i = 0; i < bp.count; i++) if (d >= bp.day[i]!) c += bp.weight[i]!;
  return c;
}

export const BREACH_KIND_LIST: readonly BreachKind[] = [
  '18-week',
  '52-week',
  '65-week',
  '78-week',
  '104-week',
  'priority-target',
];

/** Breach kinds applying on day `d` (in `BREACH_KINDS` order). */
export function breachKindsOnDay(bp: Breakpoints, d: number): BreachKind[] {
  const out: BreachKind[] = [];
  for (let i = 0; i < bp.count; i++) if (d >= bp.day[i]!) out.push(BREACH_KIND_LIST[bp.kind[i]!]!);
  return out;
}

/** Epoch day of an ISO date; a RangeError naming `what` when it is not one. */
export function parseIsoDay(iso: string, what: string): number {
  const d = isoToEpochDay(iso);
  if (Number.isNaN(d)) throw new RangeError(`Invalid ${what} ${JSON.stringify(iso)}: expected YYYY-MM-DD`);
  return d;
}

function breakpointsOfPatient(patient: WaitingPatient, model: AllocationCostModel): Breakpoints {
  const rank = PRIORITY_RANK[patient.priority];
  if (rank === undefined) throw new RangeError(`Unknown priority ${JSON.stringify(patient.priority)}`);
  const bp = createBreakpoints();
  fillBreakpoints(
    parseIsoDay(patient.clockStart, 'clock start'),
    parseIsoDay(patient.referralReceived, 'referral date'),
    rank,
    model,
    bp,
  );
  return bp;
}

/** The breaches a patient seen on `date` has: the wait over 18, 52, 65, 78, 104 weeks; priority target missed. */
export function breachesAt(
  patient: WaitingPatient,
  date: string,
  options: AllocationCostOptions = {},
): BreachKind[] {
  return breachKindsOnDay(
    breakpointsOfPatient(patient, resolveCostModel(options)),
    parseIsoDay(date, 'date'),
  );
}

/** Weighted cost of seeing the patient on `date`: the sum of the weights of `breachesAt(patient, date)`. */
export function breachCost(
  patient: WaitingPatient,
  date: string,
  options: AllocationCostOptions = {},
): number {
  return costOnDay(breakpointsOfPatient(patient, resolveCostModel(options)), parseIsoDay(date, 'date'));
}

/**
 * Cost of leaving the patient unbooked over a horizon of `horizon` days from `today`: the cost as if seen on
 * `today + horizon` (the first day after the horizon) plus the `unbooked` weight.
 */
export function unbookedCost(
  patient: WaitingPatient,
  today: string,
  horizon: number,
  options: AllocationCostOptions = {},
): number {
  const model = resolveCostModel(options);
  return (
    costOnDay(breakpointsOfPatient(patient, model), parseIsoDay(today, 'today') + horizon) +
    model.weights.unbooked
  );
}
