/**
 * Cancer waiting times from 1 October 2023 (spec §3.1): three standards, each its own timer, kept apart from
 * the RTT clock on the same pathway (§8.1).
 *
 * - 28-day Faster Diagnosis Standard: referral receipt (urgent suspected cancer, breast symptomatic or
 *   urgent screening) → diagnosis or ruling-out communicated to the patient.
 * - 31-day: decision to treat → start of first or subsequent treatment, every cancer patient.
 * - 62-day: urgent suspected cancer referral, urgent screening referral or consultant upgrade (MDT-referred
 *   cases count as upgrades) → first definitive treatment.
 *
 * "Within N days" ⇔ days ≤ N [INFERRED in the spec]. Unlike RTT, a missed first appointment neither stops
 * nor nullifies a cancer clock (Data Dictionary: a cancer period "does NOT complete automatically"), so no
 * input here can end a clock except the diagnosis or treatment itself. The national guidance allows
 * waiting-time adjustments, but the spec does not define them: a caller that has applied one under that
 * guidance passes the number of days as `adjustmentDays`; nothing is adjusted by default.
 */
import type { Temporal } from 'temporal-polyfill';
import { addDays, daysBetween, parsePlainDate } from '../time/plain-date';

export const CANCER_STANDARDS = {
  'fds-28': {
    id: 'fds-28',
    name: '28-day Faster Diagnosis Standard',
    limitDays: 28,
    /** 75% nationally; 77% for 2024/25 and 80% for March 2026 are passed as targets. */
    operationalStandardPercent: 75,
    startsAt: 'Receipt of an urgent suspected cancer, breast symptomatic or urgent screening referral',
    endsAt: 'Diagnosis, or cancer ruled out, communicated to the patient',
  },
  'dtt-31': {
    id: 'dtt-31',
    name: '31-day decision to treat to treatment',
    limitDays: 31,
    operationalStandardPercent: 96,
    startsAt: 'Decision to treat',
    endsAt: 'Start of first or subsequent treatment',
  },
  'rtt-62': {
    id: 'rtt-62',
    name: '62-day referral to first treatment',
    limitDays: 62,
    /** 85% nationally; interim 2025/26 target 75% [INFERRED] is passed as a target. */
    operationalStandardPercent: 85,
    startsAt: 'Receipt of an urgent suspected cancer or urgent screening referral, or a consultant upgrade',
    endsAt: 'Start of first definitive treatment',
  },
} as const;

export type CancerStandardId = keyof typeof CANCER_STANDARDS;

/**
 * How the patient came onto a cancer pathway. `consultant-upgrade` includes MDT-referred cases; `other`
 * is any route without an FDS or 62-day clock (e.g. a routine referral never upgraded).
 */
export const CANCER_ROUTES = [
  'urgent-suspected-cancer',
  'breast-symptomatic',
  'urgent-screening',
  'consultant-upgrade',
  'other',
] as const;
export type CancerRoute = (typeof CANCER_ROUTES)[number];

const FDS_ROUTES: readonly CancerRoute[] = [
  'urgent-suspected-cancer',
  'breast-symptomatic',
  'urgent-screening',
];
const RTT62_ROUTES: readonly CancerRoute[] = [
  'urgent-suspected-cancer',
  'urgent-screening',
  'consultant-upgrade',
];

/**
 * The referral-based standards a route is measured against. The 31-day standard is not listed: it applies to
 * every cancer patient from the decision to treat, whatever the route.
 */
export function cancerStandardsForRoute(route: CancerRoute): ('fds-28' | 'rtt-62')[] {
  const standards: ('fds-28' | 'rtt-62')[] = [];
  if (FDS_ROUTES.includes(route)) standards.push('fds-28');
  if (RTT62_ROUTES.includes(route)) standards.push('rtt-62');
  return standards;
}

export const CANCER_CLOCK_STATUSES = ['met', 'breached', 'waiting', 'overdue'] as const;
/**
 * - `met` / `breached`: the clock has stopped within / beyond the limit.
 * - `waiting`: still running and still within the limit on `asOf`.
 * - `overdue`: still running and already beyond the limit (it will count as a breach).
 */
export type CancerClockStatus = (typeof CANCER_CLOCK_STATUSES)[number];

export interface CancerClock {
  standard: CancerStandardId;
  start: string;
  /** The stop date, or null while the clock is running on `asOf`. */
  end: string | null;
  /** Days from start to end (or to asOf while running), less `adjustmentDays`. */
  days: number;
  adjustmentDays: number;
  limitDays: number;
  /** The last day the clock can stop and still meet the standard. */
  lastDayWithin: string;
  status: CancerClockStatus;
}

interface ClockInput {
  start: string;
  end: string | null | undefined;
  asOf: string;
  adjustmentDays: number | undefined;
}

function parse(value: string, field: string): Temporal.PlainDate {
  try {
    return parsePlainDate(value);
  } catch {
    throw new RangeError(`${field} ${JSON.stringify(value)} is not a date written YYYY-MM-DD`);
  }
}

function clock(
  standard: CancerStandardId,
  input: ClockInput,
  startField: string,
  endField: string,
): CancerClock {
  const limitDays = CANCER_STANDARDS[standard].limitDays;
  const adjustmentDays = input.adjustmentDays ?? 0;
  if (!Number.isInteger(adjustmentDays) || adjustmentDays < 0) {
    throw new RangeError(
      `adjustmentDays must be a whole number of days, zero or more; got ${adjustmentDays}`,
    );
  }
  const start = parse(input.start, startField);
  const asOf = parse(input.asOf, 'asOf');
  let end = input.end === null || input.end === undefined ? null : parse(input.end, endField);
  if (end !== null && daysBetween(start, end) < 0) {
    throw new RangeError(`${endField} ${input.end} is before ${startField} ${input.start}`);
  }
  // A stop dated after asOf has not happened yet on that day.
  if (end !== null && daysBetween(end, asOf) < 0) end = null;
  const elapsed = daysBetween(start, end ?? asOf);
  if (elapsed < 0) throw new RangeError(`asOf ${input.asOf} is before ${startField} ${input.start}`);
  const days = Math.max(0, elapsed - adjustmentDays);
  const within = days <= limitDays;
  return {
    standard,
    start: start.toString(),
    end: end === null ? null : end.toString(),
    days,
    adjustmentDays,
    limitDays,
    lastDayWithin: addDays(start, limitDays + adjustmentDays).toString(),
    status: end === null ? (within ? 'waiting' : 'overdue') : within ? 'met' : 'breached',
  };
}

export interface FasterDiagnosisInput {
  route: CancerRoute;
  referralReceived: string;
  /** The day the diagnosis, or that cancer is ruled out, was communicated to the patient. */
  diagnosisCommunicated: string | null;
  asOf: string;
  adjustmentDays?: number;
}

/** The 28-day Faster Diagnosis Standard clock. Throws a RangeError for a route it does not apply to. */
export function fasterDiagnosisClock(input: FasterDiagnosisInput): CancerClock {
  if (!FDS_ROUTES.includes(input.route)) {
    throw new RangeError(
      `The Faster Diagnosis Standard applies to urgent suspected cancer, breast symptomatic and urgent screening referrals, not '${input.route}'`,
    );
  }
  return clock(
    'fds-28',
    {
      start: input.referralReceived,
      end: input.diagnosisCommunicated,
      asOf: input.asOf,
      adjustmentDays: input.adjustmentDays,
    },
    'referralReceived',
    'diagnosisCommunicated',
  );
}

export interface DecisionToTreatInput {
  decisionToTreat: string;
  treatmentStart: string | null;
  /** First or subsequent treatment: both are measured against the one combined 31-day standard. */
  treatment: 'first' | 'subsequent';
  asOf: string;
  adjustmentDays?: number;
}

/** The 31-day decision-to-treat to treatment clock (first and subsequent treatments alike). */
export function decisionToTreatClock(input: DecisionToTreatInput): CancerClock {
  return clock(
    'dtt-31',
    {
      start: input.decisionToTreat,
      end: input.treatmentStart,
      asOf: input.asOf,
      adjustmentDays: input.adjustmentDays,
    },
    'decisionToTreat',
    'treatmentStart',
  );
}

export interface ReferralToTreatmentInput {
  route: CancerRoute;
  /** Referral receipt for urgent suspected cancer or urgent screening; the upgrade date for an upgrade. */
  start: string;
  firstTreatment: string | null;
  asOf: string;
  adjustmentDays?: number;
}

/** The 62-day referral (or upgrade) to first treatment clock. Throws a RangeError for other routes. */
export function referralToTreatmentClock(input: ReferralToTreatmentInput): CancerClock {
  if (!RTT62_ROUTES.includes(input.route)) {
    throw new RangeError(
      `The 62-day standard applies to urgent suspected cancer and urgent screening referrals and consultant upgrades, not '${input.route}'`,
    );
  }
  return clock(
    'rtt-62',
    { start: input.start, end: input.firstTreatment, asOf: input.asOf, adjustmentDays: input.adjustmentDays },
    input.route === 'consultant-upgrade' ? 'upgrade date' : 'referralReceived',
    'firstTreatment',
  );
}

export interface CancerStandardPerformance {
  standard: CancerStandardId;
  /** Stopped clocks (met + breached): the standards are measured on completed pathways. */
  completed: number;
  met: number;
  breached: number;
  /** Still running, not counted. */
  open: number;
  percentMet: number | null;
  targetPercent: number;
  meetsStandard: boolean | null;
}

/**
 * Performance of stopped clocks of one standard against its operational standard (or `targetPercent`).
 * Throws a RangeError when clocks of different standards are mixed.
 */
export function cancerStandardPerformance(
  standard: CancerStandardId,
  clocks: Iterable<CancerClock>,
  targetPercent: number = CANCER_STANDARDS[standard].operationalStandardPercent,
): CancerStandardPerformance {
  let met = 0;
  let breached = 0;
  let open = 0;
  for (const c of clocks) {
    if (c.standard !== standard)
      throw new RangeError(`A ${c.standard} clock cannot count towards ${standard}`);
    if (c.status === 'met') met++;
    else if (c.status === 'breached') breached++;
    else open++;
  }
  const completed = met + breached;
  return {
    standard,
    completed,
    met,
    breached,
    open,
    percentMet: completed === 0 ? null : (100 * met) / completed,
    targetPercent,
    meetsStandard: completed === 0 ? null : met * 100 >= targetPercent * completed,
  };
}
