/**
 * The rules of the appointment and activity exports: the date range a person may ask for, and what each
 * appointment counts as in the activity of a period (attended, did not attend, cancelled by the patient or
 * the hospital, attendance not recorded), with the words used for statuses and outcomes.
 */
import { isoToEpochDay } from '../rtt/epoch-day';
import { RTT_STATUS, RTT_STOP_CODES, type RttStopCode } from '../rtt/status-codes';
import type { ClinicOutcome } from '../booking/clinic-outcome';

/** The longest range one export covers (a leap year), inclusive of both ends. */
export const MAX_EXPORT_RANGE_DAYS = 366;
/** The most rows one export holds; beyond it the caller is asked for a shorter range or one specialty. */
export const MAX_EXPORT_ROWS = 100_000;

export interface RangeProblem {
  field: 'from' | 'to';
  message: string;
}

/**
 * Problems with an export's date range (YYYY-MM-DD, both days included): real dates, the end not before the
 * start, at most `maxDays` days. Empty when the range is fine.
 */
export function checkExportRange(
  from: string,
  to: string,
  maxDays: number = MAX_EXPORT_RANGE_DAYS,
): RangeProblem[] {
  const start = isoToEpochDay(from);
  const end = isoToEpochDay(to);
  const problems: RangeProblem[] = [];
  if (Number.isNaN(start))
    problems.push({ field: 'from', message: 'Enter a real start date, like 2026-11-01' });
  if (Number.isNaN(end)) problems.push({ field: 'to', message: 'Enter a real end date, like 2026-11-30' });
  if (problems.length > 0) return problems;
  if (end < start) {
    problems.push({ field: 'to', message: 'The end date must be the same as or after the start date' });
  } else if (end - start + 1 > maxDays) {
    problems.push({
      field: 'to',
      message: `The dates cover ${(end - start + 1).toLocaleString('en-GB')} days: an export covers ${maxDays} days at most, so choose a shorter range`,
    });
  }
  return problems;
}

export const ACTIVITY_KINDS = [
  'attended',
  'did-not-attend',
  'cancelled-by-patient',
  'cancelled-by-hospital',
  'attendance-not-recorded',
  'clock-stop',
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export const ACTIVITY_LABELS = {
  attended: 'Attended',
  'did-not-attend': 'Did not attend',
  'cancelled-by-patient': 'Cancelled by patient',
  'cancelled-by-hospital': 'Cancelled by hospital',
  'attendance-not-recorded': 'Attendance not recorded',
  'clock-stop': 'RTT clock stop',
} as const satisfies Record<ActivityKind, string>;

/** Appointment statuses as words (the booking feature's statuses). */
export const APPOINTMENT_STATUS_LABELS: Readonly<Record<string, string>> = {
  booked: 'Booked',
  arrived: 'Arrived',
  attended: 'Attended',
  dna: 'Did not attend',
  cancelled: 'Cancelled',
  rescheduled: 'Moved to another date',
  'cancelled-on-day': 'Cancelled on the day',
  displaced: 'Clinic changed: to rebook',
};

export const CLINIC_OUTCOME_LABELS = {
  discharge: 'Discharged',
  'follow-up': 'Follow-up',
  'add-to-admitted-list': 'Added to the admitted waiting list',
  'treatment-started': 'Treatment started',
  'active-monitoring': 'Active monitoring',
} as const satisfies Record<ClinicOutcome, string>;

/** A status or outcome as words, or the value itself if it is one this version does not know. */
export function labelFor(labels: Readonly<Record<string, string>>, value: string | null): string {
  if (value === null) return '';
  return labels[value] ?? value;
}

/**
 * What an appointment counts as in a period's activity, or null when it is not activity yet (booked or
 * arrived today or later). A move or cancellation counts as the patient's when the patient asked for it, and
 * otherwise as the hospital's (a clinic changed under the appointment is the hospital's). An appointment
 * still booked (or arrived) on a day before `today` has no attendance recorded.
 */
export function appointmentActivity(
  appointment: { status: string; cancelledBy: string | null; date: string },
  today: string,
): ActivityKind | null {
  switch (appointment.status) {
    case 'attended':
      return 'attended';
    case 'dna':
      return 'did-not-attend';
    case 'cancelled':
    case 'rescheduled':
    case 'cancelled-on-day':
      return appointment.cancelledBy === 'patient' ? 'cancelled-by-patient' : 'cancelled-by-hospital';
    case 'displaced':
      return 'cancelled-by-hospital';
    case 'booked':
    case 'arrived':
      return appointment.date < today ? 'attendance-not-recorded' : null;
    default:
      return null;
  }
}

/** The codes that stop a clock (30–36), for the clock stops of a period. */
export const ACTIVITY_STOP_CODES: readonly RttStopCode[] = RTT_STOP_CODES;

/** An RTT status code's description (§1.6), or the code itself if unknown. */
export function rttStatusDescription(code: string): string {
  return (RTT_STATUS as Readonly<Record<string, { description: string }>>)[code]?.description ?? code;
}
