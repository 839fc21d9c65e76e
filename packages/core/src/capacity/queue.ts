/**
 * Waiting-list capacity planning, the queueing view (planning-and-data.md §1; Fong et al. 2022, "Understanding
 * waiting list pressures", NHS-R community). Units are kept consistent throughout: demand and capacity are
 * rates per week, waits are in weeks, queue sizes are numbers of patients. (The published R code mixes days
 * and weeks in one place; these functions do not.)
 */

/** The factor F by default: a target mean wait of a quarter of the target wait (about 1.8% miss it). */
export const DEFAULT_WAIT_FACTOR = 4;
/** Time to bring a list to its target size, by default (weeks). */
export const DEFAULT_TIME_TO_TARGET_WEEKS = 26;
/** The RTT standard the exponential model is stated against (weeks). */
export const EXPONENTIAL_MODEL_WEEKS = 18;

function finiteAtLeast(value: number, min: number, what: string): void {
  if (!Number.isFinite(value) || value < min) {
    throw new RangeError(`${what} must be a finite number ≥ ${min}; got ${value}`);
  }
}

function positive(value: number, what: string): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${what} must be a finite number > 0; got ${value}`);
  }
}

/**
 * Load: demand / capacity. Above 1 the list grows without bound. Capacity 0 with some demand is an infinite
 * load; with no demand either it is 0.
 */
export function loadOf(demandPerWeek: number, capacityPerWeek: number): number {
  finiteAtLeast(demandPerWeek, 0, 'Demand');
  finiteAtLeast(capacityPerWeek, 0, 'Capacity');
  if (capacityPerWeek === 0) return demandPerWeek === 0 ? 0 : Infinity;
  return demandPerWeek / capacityPerWeek;
}

/** Target mean wait (weeks): target_wait / F. F = 4 misses the target about 1.8% of the time, F = 6 about 0.2%. */
export function targetMeanWait(targetWaitWeeks: number, factor: number = DEFAULT_WAIT_FACTOR): number {
  positive(targetWaitWeeks, 'Target wait');
  positive(factor, 'Factor F');
  return targetWaitWeeks / factor;
}

/**
 * Target queue size (patients), by Little's law: demand × target mean wait = demand × target_wait / F.
 * Meaningful only when capacity exceeds demand.
 */
export function targetQueueSize(
  demandPerWeek: number,
  targetWaitWeeks: number,
  factor: number = DEFAULT_WAIT_FACTOR,
): number {
  finiteAtLeast(demandPerWeek, 0, 'Demand');
  return demandPerWeek * targetMeanWait(targetWaitWeeks, factor);
}

/** The queue is too big (relief capacity is needed) when it is more than twice its target size. */
export function queueTooBig(queueSize: number, targetQueue: number): boolean {
  finiteAtLeast(queueSize, 0, 'Queue size');
  finiteAtLeast(targetQueue, 0, 'Target queue size');
  return queueSize > 2 * targetQueue;
}

/**
 * Relief capacity (per week): the capacity that brings the list from `queueSize` to `targetQueue` in
 * `timeToTargetWeeks` while keeping up with demand: demand + (queue − target queue) / time.
 */
export function reliefCapacity(
  demandPerWeek: number,
  queueSize: number,
  targetQueue: number,
  timeToTargetWeeks: number = DEFAULT_TIME_TO_TARGET_WEEKS,
): number {
  finiteAtLeast(demandPerWeek, 0, 'Demand');
  finiteAtLeast(queueSize, 0, 'Queue size');
  finiteAtLeast(targetQueue, 0, 'Target queue size');
  positive(timeToTargetWeeks, 'Time to target');
  return demandPerWeek + (queueSize - targetQueue) / timeToTargetWeeks;
}

export interface TargetCapacityOptions {
  /** F (default 4). */
  factor?: number;
  /** Coefficient of variation of weekly demand (default 1). */
  cvDemand?: number;
  /** Coefficient of variation of weekly capacity (default 1). */
  cvCapacity?: number;
}

/**
 * Target capacity (per week): the steady capacity that holds the list at its target,
 * demand + ((cv_demand² + cv_capacity²) / 2) × (F / target_wait).
 */
export function targetCapacity(
  demandPerWeek: number,
  targetWaitWeeks: number,
  options: TargetCapacityOptions = {},
): number {
  const factor = options.factor ?? DEFAULT_WAIT_FACTOR;
  const cvDemand = options.cvDemand ?? 1;
  const cvCapacity = options.cvCapacity ?? 1;
  finiteAtLeast(demandPerWeek, 0, 'Demand');
  positive(targetWaitWeeks, 'Target wait');
  positive(factor, 'Factor F');
  finiteAtLeast(cvDemand, 0, 'cv of demand');
  finiteAtLeast(cvCapacity, 0, 'cv of capacity');
  return demandPerWeek + ((cvDemand ** 2 + cvCapacity ** 2) / 2) * (factor / targetWaitWeeks);
}

/** Pressure: 2 × mean wait / target wait. Above 1 the target is likely to be missed. */
export function pressure(meanWaitWeeks: number, targetWaitWeeks: number): number {
  finiteAtLeast(meanWaitWeeks, 0, 'Mean wait');
  positive(targetWaitWeeks, 'Target wait');
  return (2 * meanWaitWeeks) / targetWaitWeeks;
}

export interface QueueIndicatorInput {
  demandPerWeek: number;
  capacityPerWeek: number;
  queueSize: number;
  targetWaitWeeks: number;
  /** Mean wait of the patients on the list now (weeks). */
  meanWaitWeeks: number;
  /** F (default 4). */
  factor?: number;
  /** For relief capacity (default 26 weeks). */
  timeToTargetWeeks?: number;
  cvDemand?: number;
  cvCapacity?: number;
}

export interface QueueIndicators {
  load: number;
  targetMeanWait: number;
  targetQueueSize: number;
  /** queueSize / targetQueueSize (Infinity when the target is 0 and the queue is not). */
  queueRatio: number;
  queueTooBig: boolean;
  reliefCapacity: number;
  targetCapacity: number;
  pressure: number;
}

/** All the indicators of one list (one specialty and clinic type) at once. */
export function queueIndicators(input: QueueIndicatorInput): QueueIndicators {
  const factor = input.factor ?? DEFAULT_WAIT_FACTOR;
  const tq = targetQueueSize(input.demandPerWeek, input.targetWaitWeeks, factor);
  finiteAtLeast(input.queueSize, 0, 'Queue size');
  return {
    load: loadOf(input.demandPerWeek, input.capacityPerWeek),
    targetMeanWait: targetMeanWait(input.targetWaitWeeks, factor),
    targetQueueSize: tq,
    queueRatio: tq === 0 ? (input.queueSize === 0 ? 0 : Infinity) : input.queueSize / tq,
    queueTooBig: queueTooBig(input.queueSize, tq),
    reliefCapacity: reliefCapacity(input.demandPerWeek, input.queueSize, tq, input.timeToTargetWeeks),
    targetCapacity: targetCapacity(input.demandPerWeek, input.targetWaitWeeks, {
      factor,
      ...(input.cvDemand === undefined ? {} : { cvDemand: input.cvDemand }),
      ...(input.cvCapacity === undefined ? {} : { cvCapacity: input.cvCapacity }),
    }),
    pressure: pressure(input.meanWaitWeeks, input.targetWaitWeeks),
  };
}

export interface ExponentialListModel {
  /** Rate at which patients leave the list (per week): −ln(1 − p) / 18. */
  rate: number;
  /** Steady list size for the referral rate: r / λ. */
  listSize: number;
  /** Median wait (weeks): ln 2 / λ. */
  medianWait: number;
  /** Mean wait (weeks): 1 / λ. */
  meanWait: number;
}

/**
 * The exponential waiting-time model of a stressed list: when a share `p` of patients is treated within
 * 18 weeks, waits are taken as exponential with rate λ = −ln(1 − p)/18 per week, so the steady list for
 * `referralsPerWeek` is r/λ and the median wait ln 2/λ. It fits stressed lists well and lists near target
 * badly (planning-and-data.md §1).
 */
export function exponentialList(referralsPerWeek: number, shareWithin18Weeks: number): ExponentialListModel {
  finiteAtLeast(referralsPerWeek, 0, 'Referral rate');
  if (!(shareWithin18Weeks > 0 && shareWithin18Weeks < 1)) {
    throw new RangeError(
      `The share within 18 weeks must lie strictly between 0 and 1; got ${shareWithin18Weeks}`,
    );
  }
  const rate = -Math.log(1 - shareWithin18Weeks) / EXPONENTIAL_MODEL_WEEKS;
  return {
    rate,
    listSize: referralsPerWeek / rate,
    medianWait: Math.LN2 / rate,
    meanWait: 1 / rate,
  };
}

/** The inverse: the share within 18 weeks implied by a list of `listSize` fed at `referralsPerWeek`. */
export function exponentialShareWithin18(referralsPerWeek: number, listSize: number): number {
  positive(referralsPerWeek, 'Referral rate');
  positive(listSize, 'List size');
  return 1 - Math.exp(-(referralsPerWeek / listSize) * EXPONENTIAL_MODEL_WEEKS);
}
