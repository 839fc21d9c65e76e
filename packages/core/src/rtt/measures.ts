/**
 * Measuring RTT waits (spec §1.7): weekly bands, "within" and "over" N weeks, long-wait breach dates and the
 * 18-week standard over incomplete pathways.
 */
import { epochDayToIso, isoToEpochDay } from './epoch-day';

/** The constitutional standard: 18 weeks. Exactly 126 days is still within it. */
export const RTT_STANDARD_WEEKS = 18;
/** At least 92% of incomplete pathways waiting 18 weeks or less (§1.7). */
export const RTT_STANDARD_PERCENT = 92;
/** Thresholds reported in `breachDates`: the 18-week standard and the national long-wait thresholds. */
export const RTT_BREACH_WEEKS = [18, 52, 65, 78, 104] as const;
export type RttBreachWeeks = (typeof RTT_BREACH_WEEKS)[number];

/** For each threshold N, the first day on which the wait is over N weeks (start + 7N + 1 days), ISO. */
export type RttBreachDates = Record<`${RttBreachWeeks}`, string>;

function assertDays(days: number): void {
  if (!Number.isInteger(days) || days < 0) {
    throw new RangeError(`Days waited must be a whole number of days, zero or more; got ${days}`);
  }
}

/**
 * The upper week of the weekly time band a wait falls in (§1.7): `max(1, ceil(days / 7))`. Days 0–7 are
 * band 1 ("0–1 week"), 8–14 band 2, …, 120–126 band 18 ("17–18 weeks").
 */
export function weekBand(days: number): number {
  assertDays(days);
  return Math.max(1, Math.ceil(days / 7));
}

/** The band as reported: '0–1', '1–2', …, '17–18', …, '103–104', then '104+' from 729 days. */
export function weekBandLabel(days: number): string {
  const band = weekBand(days);
  return days > 7 * 104 ? '104+' : `${band - 1}–${band}`;
}

/** Whole weeks completed, for display: `floor(days / 7)`. 127 days is 18 completed weeks but over 18 weeks. */
export function completedWeeks(days: number): number {
  assertDays(days);
  return Math.floor(days / 7);
}

/** "Within N weeks" ⇔ days ≤ 7N. */
export function isWithinWeeks(days: number, weeks: number): boolean {
  assertDays(days);
  return days <= 7 * weeks;
}

/** "Over N weeks" ⇔ days > 7N. */
export function isOverWeeks(days: number, weeks: number): boolean {
  return !isWithinWeeks(days, weeks);
}

/** First epoch day on which a clock that started on `startDay` has waited over `weeks` weeks. */
export function breachDay(startDay: number, weeks: number): number {
  return startDay + 7 * weeks + 1;
}

/** Breach dates for a clock start given as an epoch day. */
export function breachDatesFromEpochDay(startDay: number): RttBreachDates {
  return {
    '18': epochDayToIso(startDay + 127),
    '52': epochDayToIso(startDay + 365),
    '65': epochDayToIso(startDay + 456),
    '78': epochDayToIso(startDay + 547),
    '104': epochDayToIso(startDay + 729),
  };
}

function parseIso(s: string, what: string): number {
  const day = isoToEpochDay(s);
  if (Number.isNaN(day)) throw new RangeError(`Invalid ${what} ${JSON.stringify(s)}: expected YYYY-MM-DD`);
  return day;
}

/**
 * For a clock that started on `start` (ISO), the first day the wait is over 18, 52, 65, 78 and 104 weeks
 * (start + 7N + 1 days). The last day still within N weeks is the day before.
 */
export function breachDates(start: string): RttBreachDates {
  return breachDatesFromEpochDay(parseIso(start, 'clock start'));
}

/** The last day on which a clock started on `start` is still within `weeks` weeks (start + 7N days). */
export function lastDayWithinWeeks(start: string, weeks: number): string {
  return epochDayToIso(parseIso(start, 'clock start') + 7 * weeks);
}

export interface WaitMeasures {
  days: number;
  weekBand: number;
  weekBandLabel: string;
  completedWeeks: number;
  within18Weeks: boolean;
}

/**
 * Measures of a wait from `start` to `end` (a clock stop or a census date), both ISO: days are the date
 * difference, time of day plays no part. Throws a RangeError when `end` is before `start`.
 */
export function measureWait(start: string, end: string): WaitMeasures {
  const days = parseIso(end, 'end date') - parseIso(start, 'clock start');
  if (days < 0) throw new RangeError(`The wait ends (${end}) before it starts (${start})`);
  return {
    days,
    weekBand: weekBand(days),
    weekBandLabel: weekBandLabel(days),
    completedWeeks: completedWeeks(days),
    within18Weeks: isWithinWeeks(days, RTT_STANDARD_WEEKS),
  };
}

/** One incomplete pathway in a month-end snapshot. */
export interface IncompletePathwayRow {
  daysWaited: number;
  /** A nullified clock (first-appointment DNA, §1.4 rule 5e) still present in the source data. */
  nullified?: boolean;
}

export interface IncompletePathwayPerformance {
  /** The denominator: incomplete pathways counted (nullified clocks excluded). */
  pathways: number;
  within18Weeks: number;
  over18Weeks: number;
  /** Over 52 weeks (days > 364), for the "fewer than 1% over 52 weeks" interim target. */
  over52Weeks: number;
  /** Nullified clocks left out of both numerator and denominator. */
  excludedNullified: number;
  /** 100 × within / pathways; null when there are no pathways. */
  percentWithin18Weeks: number | null;
  targetPercent: number;
  /** percentWithin18Weeks ≥ targetPercent; null when there are no pathways. */
  meetsStandard: boolean | null;
}

/**
 * The 18-week standard over a snapshot of incomplete pathways (§1.7, EX-RTT-31): the share waiting
 * 126 days or less, with nullified clocks excluded from numerator and denominator. `targetPercent` defaults
 * to the constitutional 92%; interim targets (65% by March 2026) are passed in.
 */
export function incompletePathwayPerformance(
  rows: Iterable<IncompletePathwayRow>,
  targetPercent: number = RTT_STANDARD_PERCENT,
): IncompletePathwayPerformance {
  let pathways = 0;
  let within = 0;
  let over52 = 0;
  let excluded = 0;
  for (const row of rows) {
    if (row.nullified === true) {
      excluded++;
      continue;
    }
    assertDays(row.daysWaited);
    pathways++;
    if (row.daysWaited <= 7 * RTT_STANDARD_WEEKS) within++;
    if (row.daysWaited > 7 * 52) over52++;
  }
  return {
    pathways,
    within18Weeks: within,
    over18Weeks: pathways - within,
    over52Weeks: over52,
    excludedNullified: excluded,
    percentWithin18Weeks: pathways === 0 ? null : (100 * within) / pathways,
    targetPercent,
    // Compare without dividing, so 92.0% exactly is never lost to rounding.
    meetsStandard: pathways === 0 ? null : within * 100 >= targetPercent * pathways,
  };
}
