/**
 * The RTT clock engine (spec §1): from a referral date and a date-ordered list of RTT status events, works
 * out every clock period on one patient pathway and the state of the current clock on a given day.
 *
 * One rule implementation, two outputs:
 * - `evaluateRttFast` runs the rules and writes a compact result of epoch-day integers into a reusable
 *   object, allocating nothing per event (for the PTL and the 1,000,000-pathway benchmark);
 * - `evaluateRtt` runs exactly the same code and then turns the compact result into the API shape with ISO
 *   date strings.
 *
 * Semantics (each with its spec rule):
 * - The first period starts on `referralReceived` (§1.3; the caller picks that date with `rttClockStart`).
 * - There are no pauses (§1.1). A stop code 30–36 ends the running period (§1.4).
 * - 33, first-appointment DNA (§1.4 rule 5e): for routine and urgent referrals, when the appointment was
 *   clearly communicated (`appointmentCommunicated: true`), the period stops and is nullified. Without that
 *   evidence the clock simply continues (EX-RTT-08). For two-week-wait referrals the period continues
 *   (Data Dictionary), unless `clinicianDecision: true` records a clinical decision to discharge to primary
 *   care: then the period stops, not nullified (the appointment must have been communicated).
 * - 34 with `dnaDate`: discharge after a missed non-first appointment (rule 5f) needs
 *   `clinicianDecision: true` and `appointmentCommunicated: true`; it stops on the DNA date by default
 *   (§9 ambiguity, EX-RTT-11; option `dnaDischargeStopDate`).
 * - After a stop, 10 starts a new clock on its date (rule 3: N1 bilateral, N2 new treatment, N3 re-referral,
 *   N5 rebooking after a nullified DNA); after active monitoring (31/32), 11 starts it (N4).
 * - Events dated after `asOf` have not happened yet on that day: they are checked for format and order but
 *   do not change the result, so a month-end snapshot can be taken from a longer history.
 */
import { epochDayToIso, isoToEpochDay } from './epoch-day';
import { RttRuleError, type RttRuleId } from './errors';
import { breachDatesFromEpochDay, weekBand, RTT_STANDARD_WEEKS, type RttBreachDates } from './measures';
import {
  RTT_PRIORITIES,
  RTT_STATUS,
  type RttPriority,
  type RttStatusCode,
  type RttStopCode,
} from './status-codes';

export interface RttEvent {
  /** ISO date of the activity or decision (for a new clock: the clock start date, see `newRttClockStart`). */
  date: string;
  /** RTT period status code, '10' … '99' (§1.6). */
  code: string;
  /** Evidence that the appointment was clearly communicated to the patient (needed for 33 and DNA discharge). */
  appointmentCommunicated?: boolean;
  /** A clinician made this decision (false blocks stops that need one; see §1.4 rules 5b, 5d, 5f). */
  clinicianDecision?: boolean;
  /**
   * Only on a 34 that discharges a patient after a missed (non-first) appointment, §1.4 rule 5f: the date of
   * the missed appointment.
   */
  dnaDate?: string;
}

export interface RttInput {
  priority: RttPriority;
  /** ISO date the clock started: referral receipt, UBRN conversion, interface receipt… (§1.3). */
  referralReceived: string;
  /** In date order; events on the same date are taken in the order given. */
  events: readonly RttEvent[];
  /** The day the clock is read (a census date, or today, supplied by the caller). */
  asOf: string;
}

export const DNA_DISCHARGE_STOP_DATES = ['dna-date', 'discharge-date'] as const;
export type DnaDischargeStopDate = (typeof DNA_DISCHARGE_STOP_DATES)[number];

export interface RttOptions {
  /**
   * Stop date for a discharge after a missed non-first appointment (§9, EX-RTT-11): the guidance's worked
   * example uses the date of the missed appointment ('dna-date', the default); another sentence says the
   * date of discharge ('discharge-date', the 34 event's own date).
   */
  dnaDischargeStopDate?: DnaDischargeStopDate;
}

export interface RttPeriod {
  start: string;
  /** Stop date, or null while the period is running. */
  end: string | null;
  endCode: RttStopCode | null;
  /** Stopped by a first-appointment DNA (33): excluded from every count. */
  nullified: boolean;
}

export interface RttCurrent {
  running: boolean;
  start: string | null;
  daysWaited: number | null;
  /** `max(1, ceil(daysWaited / 7))`: 18 means the "17–18 weeks" band. */
  weekBand: number | null;
  /** daysWaited > 126. */
  over18Weeks: boolean;
  breachDates: RttBreachDates | null;
}

export interface RttResult {
  periods: RttPeriod[];
  current: RttCurrent;
}

/**
 * The compact result written by `evaluateRttFast`: epoch days (days since 1970-01-01, see `epoch-day.ts`).
 * Reuse one object across calls to avoid allocation; it is overwritten on every call.
 */
export interface RttCompactResult {
  periodCount: number;
  /**
   * Four numbers per period i: `[4i]` start, `[4i+1]` end, `[4i+2]` stop code as a number (0 while
   * running), `[4i+3]` 1 when nullified else 0. Entries beyond `4 * periodCount` are stale.
   */
  periodData: number[];
  running: boolean;
  /** Start of the running clock, or NaN when no clock is running. */
  currentStart: number;
  /** asOf − currentStart, or −1 when no clock is running. */
  daysWaited: number;
  asOfDay: number;
}

export function createRttCompactResult(): RttCompactResult {
  return { periodCount: 0, periodData: [], running: false, currentStart: NaN, daysWaited: -1, asOfDay: NaN };
}

// What each code does, by its numeric value. 0 = not an RTT status code.
const K_FIRST = 1; // 10
const K_AFTER_AM = 2; // 11
const K_NEW_PATHWAY = 3; // 12
const K_ACTIVITY = 4; // 20, 21
const K_TREATMENT = 5; // 30
const K_ACTIVE_MONITORING = 6; // 31, 32
const K_DNA_FIRST = 7; // 33
const K_NOT_TREATED = 8; // 34
const K_DECLINED = 9; // 35
const K_DIED = 10; // 36
const K_AFTER_TREATMENT = 11; // 90
const K_DURING_AM = 12; // 91
const K_NEUTRAL = 13; // 92, 98, 99

const KIND = new Uint8Array(100);
KIND[10] = K_FIRST;
KIND[11] = K_AFTER_AM;
KIND[12] = K_NEW_PATHWAY;
KIND[20] = K_ACTIVITY;
KIND[21] = K_ACTIVITY;
KIND[30] = K_TREATMENT;
KIND[31] = K_ACTIVE_MONITORING;
KIND[32] = K_ACTIVE_MONITORING;
KIND[33] = K_DNA_FIRST;
KIND[34] = K_NOT_TREATED;
KIND[35] = K_DECLINED;
KIND[36] = K_DIED;
KIND[90] = K_AFTER_TREATMENT;
KIND[91] = K_DURING_AM;
KIND[92] = K_NEUTRAL;
KIND[98] = K_NEUTRAL;
KIND[99] = K_NEUTRAL;

/** Two ASCII digits → 0–99, or −1. */
function codeNumber(code: string): number {
  if (typeof code !== 'string' || code.length !== 2) return -1;
  const a = code.charCodeAt(0) - 48;
  const b = code.charCodeAt(1) - 48;
  if (a >>> 0 > 9 || b >>> 0 > 9) return -1;
  return a * 10 + b;
}

function label(code: number): string {
  const info = RTT_STATUS[String(code) as RttStatusCode];
  return `${code} (${info.description.charAt(0).toLowerCase()}${info.description.slice(1)})`;
}

function fail(rule: RttRuleId, eventIndex: number | null, message: string): never {
  throw new RttRuleError(rule, eventIndex, message);
}

function parseInputDate(value: string, field: string): number {
  const day = isoToEpochDay(value);
  if (day !== day)
    fail('input.date', null, `${field} ${JSON.stringify(value)} is not a date written YYYY-MM-DD`);
  return day;
}

/** The error for an activity or stop code recorded when no clock is running. */
function noRunningClock(
  index: number,
  date: string,
  code: number,
  lastStop: number,
  lastStopDay: number,
): never {
  const what = `The event on ${date} records ${label(code)}`;
  const since = Number.isNaN(lastStopDay) ? '' : ` on ${epochDayToIso(lastStopDay)}`;
  if (lastStop === 30) {
    fail(
      '§1.6/after-treatment',
      index,
      `${what}, but the clock already stopped with first definitive treatment (30)${since}. After treatment only 90 applies to this condition until a new clock starts with 10.`,
    );
  }
  if (lastStop === 31 || lastStop === 32) {
    fail(
      '§1.6/no-running-clock',
      index,
      `${what}, but the patient has been on active monitoring (${lastStop})${since}, so no clock is running. Record activity during monitoring as 91, and a decision to treat as 11, which starts a new clock.`,
    );
  }
  if (lastStop === 0) {
    fail(
      '§1.6/no-running-clock',
      index,
      `${what}, but no clock is running: the referral is dated after this event.`,
    );
  }
  fail(
    '§1.6/no-running-clock',
    index,
    `${what}, but the clock already stopped with ${lastStop}${since}. A stop is final; a new referral or a rebooking starts a new clock with 10.`,
  );
}

/**
 * Runs the RTT rules and writes the compact result into `out` (returned). Throws `RttRuleError` for input
 * that breaks a rule. This is the only implementation of the rules; `evaluateRtt` calls it.
 */
/** Writes an open period starting on `day` into slot `index` of the compact period data. */
function openPeriod(data: number[], index: number, day: number): void {
  const j = index * 4;
  data[j] = day;
  data[j + 1] = 0;
  data[j + 2] = 0;
  data[j + 3] = 0;
}

export function evaluateRttFast(
  input: RttInput,
  out: RttCompactResult = createRttCompactResult(),
  options?: RttOptions,
): RttCompactResult {
  const priority = input.priority;
  if (priority !== 'routine' && priority !== 'urgent' && priority !== 'two-week-wait') {
    fail(
      'input.priority',
      null,
      `Priority ${JSON.stringify(priority)} is not one of ${RTT_PRIORITIES.map((p) => `'${p}'`).join(', ')}`,
    );
  }
  const twoWeekWait = priority === 'two-week-wait';
  const stopOnDischargeDate = options?.dnaDischargeStopDate === 'discharge-date';
  const referralDay = parseInputDate(input.referralReceived, 'Referral received date');
  const asOfDay = parseInputDate(input.asOf, 'As-of date');
  const events = input.events;
  if (!Array.isArray(events)) fail('input.events', null, 'Events must be a list');

  const data = out.periodData;
  let count = 0;
  let running = false;
  let start = NaN;
  /** A care activity (10, 11, 12, 20, 21) has been recorded in the running period. */
  let hadActivity = false;
  /** Numeric code that stopped the latest period (0: none yet). */
  let lastStop = 0;
  let lastStopDay = NaN;
  let died = false;

  if (referralDay <= asOfDay) {
    openPeriod(data, 0, referralDay);
    count = 1;
    running = true;
    start = referralDay;
  }

  let previousDay = -Infinity;
  const n = events.length;
  for (let i = 0; i < n; i++) {
    const event = events[i] as RttEvent | null | undefined;
    if (event === null || typeof event !== 'object')
      fail('input.events', i, `Event ${i + 1} is not a record`);
    const date = event.date;
    const day = isoToEpochDay(date);
    if (day !== day) {
      fail(
        'input.date',
        i,
        `Event ${i + 1} has date ${JSON.stringify(date)}, which is not a date written YYYY-MM-DD`,
      );
    }
    if (day < previousDay) {
      fail(
        'input.event-order',
        i,
        `The event on ${date} is listed after an event on ${epochDayToIso(previousDay)}; events must be in date order`,
      );
    }
    previousDay = day;
    const code = codeNumber(event.code);
    const kind = code < 0 ? 0 : KIND[code]!;
    if (kind === 0) {
      fail(
        '§1.6/unknown-code',
        i,
        `The event on ${date} has code ${JSON.stringify(event.code)}, which is not an RTT period status code`,
      );
    }
    // Not yet happened on the day the clock is read.
    if (day > asOfDay) continue;
    if (day < referralDay) {
      if (kind === K_NEUTRAL) continue;
      fail(
        'input.before-referral',
        i,
        `The event on ${date} (code ${code}) is dated before the referral was received on ${input.referralReceived}`,
      );
    }
    if (died) {
      fail(
        '§1.4/died',
        i,
        `The event on ${date} (code ${code}) follows the patient's death recorded on ${epochDayToIso(lastStopDay)}`,
      );
    }

    switch (kind) {
      case K_FIRST:
        if (running) {
          if (hadActivity) {
            fail(
              '§1.6/first-activity',
              i,
              `The event on ${date} records 10 (first activity in a period), but this period, started ${epochDayToIso(start)}, already has an activity. Use 20 for later activity.`,
            );
          }
          hadActivity = true;
        } else {
          // Rule 3 (N1, N2, N3, N5): a new clock from this date.
          openPeriod(data, count, day);
          count++;
          running = true;
          start = day;
          // The date that starts a new clock (a decision, a call to rebook) is not itself the first care
          // activity: the first appointment can still be coded 10, or 33 if missed.
          hadActivity = false;
        }
        break;

      case K_AFTER_AM:
        if (running || (lastStop !== 31 && lastStop !== 32)) {
          fail(
            '§1.6/active-monitoring',
            i,
            running
              ? `The event on ${date} records 11 (new period after active monitoring), but a clock is already running since ${epochDayToIso(start)} and the patient is not on active monitoring`
              : `The event on ${date} records 11 (new period after active monitoring), but the patient was never put on active monitoring (31 or 32); the last clock stopped with ${lastStop}. Use 10 for a new clock.`,
          );
        }
        {
          // Rule 3d (N4): decision to treat after active monitoring starts a new clock.
          openPeriod(data, count, day);
          count++;
          running = true;
          start = day;
          hadActivity = true;
        }
        break;

      case K_NEW_PATHWAY:
        if (!running || hadActivity || count !== 1) {
          fail(
            '§1.6/new-pathway',
            i,
            `The event on ${date} records 12 (first activity after referral for a separate condition). That starts a clock on a new pathway with its own identifier: record it there, and give this pathway its own outcome.`,
          );
        }
        hadActivity = true;
        break;

      case K_ACTIVITY:
        if (!running) noRunningClock(i, date, code, lastStop, lastStopDay);
        hadActivity = true;
        break;

      case K_DNA_FIRST: {
        if (!running) noRunningClock(i, date, code, lastStop, lastStopDay);
        if (hadActivity) {
          fail(
            '§1.6/dna-first-activity',
            i,
            `The event on ${date} records 33 (did not attend the first appointment), but this period, started ${epochDayToIso(start)}, already has an activity. A missed later appointment is not a first-appointment DNA.`,
          );
        }
        if (twoWeekWait) {
          // The period continues unless a clinician decides to discharge to primary care.
          if (event.clinicianDecision !== true) break;
          if (event.appointmentCommunicated !== true) {
            fail(
              '§1.4/dna-discharge',
              i,
              `The event on ${date} discharges a two-week-wait patient after a missed first appointment, but there is no evidence the appointment was clearly communicated. Without it the patient cannot be discharged for not attending.`,
            );
          }
          const j = (count - 1) * 4;
          data[j + 1] = day;
          data[j + 2] = 33;
          running = false;
          lastStop = 33;
          lastStopDay = day;
          break;
        }
        // Rule 5e: only a clearly communicated appointment lets a DNA stop and nullify the clock (EX-RTT-08).
        if (event.appointmentCommunicated !== true) break;
        const j = (count - 1) * 4;
        data[j + 1] = day;
        data[j + 2] = 33;
        data[j + 3] = 1;
        running = false;
        lastStop = 33;
        lastStopDay = day;
        break;
      }

      case K_NOT_TREATED: {
        if (!running) noRunningClock(i, date, code, lastStop, lastStopDay);
        let stopDay = day;
        const dnaDate = event.dnaDate;
        if (dnaDate !== undefined) {
          if (event.clinicianDecision !== true || event.appointmentCommunicated !== true) {
            fail(
              '§1.4/dna-discharge',
              i,
              event.clinicianDecision !== true
                ? `The event on ${date} discharges the patient after a missed appointment without a recorded clinician's decision. Discharge after a DNA must be decided by a clinician, case by case, under the published DNA policy; an automatic rule (such as "two DNAs and out") cannot stop the clock.`
                : `The event on ${date} discharges the patient after a missed appointment, but there is no evidence the appointment was clearly communicated. Without it the patient cannot be discharged for not attending.`,
            );
          }
          const dnaDay = isoToEpochDay(dnaDate);
          if (dnaDay !== dnaDay) {
            fail(
              'input.date',
              i,
              `The event on ${date} has DNA date ${JSON.stringify(dnaDate)}, which is not a date written YYYY-MM-DD`,
            );
          }
          if (dnaDay > day || dnaDay < start) {
            fail(
              'input.dna-date',
              i,
              `The event on ${date} discharges the patient after a missed appointment on ${dnaDate}, which is ${dnaDay > day ? 'after the discharge' : `before the clock started on ${epochDayToIso(start)}`}`,
            );
          }
          if (!stopOnDischargeDate) stopDay = dnaDay;
        } else if (event.clinicianDecision === false) {
          fail(
            '§1.4/clinical-decision',
            i,
            `The event on ${date} records 34 (decision not to treat / discharge) without a clinician's decision. Only a clinician can decide not to treat or to discharge.`,
          );
        }
        const j = (count - 1) * 4;
        data[j + 1] = stopDay;
        data[j + 2] = 34;
        running = false;
        lastStop = 34;
        lastStopDay = stopDay;
        break;
      }

      case K_ACTIVE_MONITORING:
      case K_TREATMENT:
      case K_DECLINED: {
        if (!running) noRunningClock(i, date, code, lastStop, lastStopDay);
        if (kind === K_ACTIVE_MONITORING && event.clinicianDecision === false) {
          fail(
            '§1.4/clinical-decision',
            i,
            `The event on ${date} records ${label(code)} without a clinician's decision. Active monitoring is started by a clinical decision agreed with the patient.`,
          );
        }
        const j = (count - 1) * 4;
        data[j + 1] = day;
        data[j + 2] = code;
        running = false;
        lastStop = code;
        lastStopDay = day;
        break;
      }

      case K_DIED: {
        if (!running) {
          fail(
            '§1.6/admin-stop-open-period',
            i,
            `The event on ${date} records 36 (patient died before treatment), but no clock is running${Number.isNaN(lastStopDay) ? '' : `: the last one stopped on ${epochDayToIso(lastStopDay)} with ${lastStop}`}. An administrative stop cannot close or backdate a completed period.`,
          );
        }
        const j = (count - 1) * 4;
        data[j + 1] = day;
        data[j + 2] = 36;
        running = false;
        lastStop = 36;
        lastStopDay = day;
        died = true;
        break;
      }

      case K_AFTER_TREATMENT:
        if (running || lastStop !== 30) {
          fail(
            '§1.6/after-treatment',
            i,
            running
              ? `The event on ${date} records 90 (after first treatment), but the clock that started ${epochDayToIso(start)} is still running. Record the start of treatment itself with 30.`
              : `The event on ${date} records 90 (after first treatment), but the last clock stopped with ${lastStop}, not with treatment (30).`,
          );
        }
        break;

      case K_DURING_AM:
        if (running || (lastStop !== 31 && lastStop !== 32)) {
          fail(
            '§1.6/active-monitoring',
            i,
            `The event on ${date} records 91 (activity during active monitoring), but the patient is not on active monitoring (no 31 or 32 since the last clock ${running ? 'started' : 'stopped'}).`,
          );
        }
        break;

      default:
        // K_NEUTRAL: 92, 98, 99 have no effect on a clock.
        break;
    }
  }

  out.periodCount = count;
  out.running = running;
  out.currentStart = running ? start : NaN;
  out.daysWaited = running ? asOfDay - start : -1;
  out.asOfDay = asOfDay;
  return out;
}

/**
 * Evaluates one pathway's RTT clocks as of `input.asOf`: every period (oldest first; at most the last one
 * running) and the current clock. Throws `RttRuleError` (with the event index, the rule id and a plain
 * English message) when the events break a rule.
 */
export function evaluateRtt(input: RttInput, options?: RttOptions): RttResult {
  return toRttResult(evaluateRttFast(input, createRttCompactResult(), options));
}

/** Turns a compact result into the API shape (ISO date strings). */
export function toRttResult(compact: RttCompactResult): RttResult {
  const { periodCount, periodData, running } = compact;
  const periods: RttPeriod[] = [];
  for (let p = 0; p < periodCount; p++) {
    const j = p * 4;
    const open = running && p === periodCount - 1;
    periods.push({
      start: epochDayToIso(periodData[j]!),
      end: open ? null : epochDayToIso(periodData[j + 1]!),
      endCode: open ? null : (String(periodData[j + 2]) as RttStopCode),
      nullified: periodData[j + 3] === 1,
    });
  }
  if (!running) {
    return {
      periods,
      current: {
        running: false,
        start: null,
        daysWaited: null,
        weekBand: null,
        over18Weeks: false,
        breachDates: null,
      },
    };
  }
  const days = compact.daysWaited;
  return {
    periods,
    current: {
      running: true,
      start: epochDayToIso(compact.currentStart),
      daysWaited: days,
      weekBand: weekBand(days),
      over18Weeks: days > 7 * RTT_STANDARD_WEEKS,
      breachDates: breachDatesFromEpochDay(compact.currentStart),
    },
  };
}
