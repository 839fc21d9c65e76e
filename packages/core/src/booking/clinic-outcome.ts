/**
 * What happens after a clinic appointment: the attendance (arrived, attended, did not attend, cancelled on the
 * day) and the outcome a clinician gives, each with the RTT status it implies (§1.4, §1.6), and the surgical
 * priority targets for a decision to admit (§2.7).
 */
import { addDays, parsePlainDate } from '../time/plain-date';

export const ATTENDANCE_STATUSES = ['arrived', 'attended', 'dna', 'cancelled-on-day'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

export const CLINIC_OUTCOMES = [
  'discharge',
  'follow-up',
  'add-to-admitted-list',
  'treatment-started',
  'active-monitoring',
] as const;
export type ClinicOutcome = (typeof CLINIC_OUTCOMES)[number];

/** RCS / FSSA surgical prioritisation codes used for the admitted waiting list (P5/P6 are patient choice). */
export const SURGICAL_PRIORITIES = ['P1a', 'P1b', 'P2', 'P3', 'P4'] as const;
export type SurgicalPriority = (typeof SURGICAL_PRIORITIES)[number];

/** Days from the decision to the target date [INFERRED in §2.7]; P4 has none (more than 3 months). */
export const SURGICAL_PRIORITY_TARGET_DAYS: Record<SurgicalPriority, number | null> = {
  P1a: 1,
  P1b: 3,
  P2: 28,
  P3: 91,
  P4: null,
};

/** The date a decision to admit with this priority should be treated by, or null for P4. */
export function surgicalDueBy(decidedOn: string, priority: SurgicalPriority): string | null {
  const days = SURGICAL_PRIORITY_TARGET_DAYS[priority];
  return days === null ? null : addDays(parsePlainDate(decidedOn), days).toString();
}

export interface OutcomeRttInput {
  outcome: ClinicOutcome;
  /** Whether an RTT clock is running on the pathway now. */
  clockRunning: boolean;
  /** For active monitoring: who started it (31 patient, 32 clinician). */
  activeMonitoringBy?: 'patient' | 'clinician';
}

/**
 * The RTT status a clinic outcome records, or null when it records none:
 * - with a clock running: follow-up or a decision to admit → 20 (further activity expected); treatment
 *   started → 30 (first definitive treatment: clock stops); active monitoring → 31 or 32 (stops); discharge
 *   → 34 (no further consultant-led care: stops);
 * - with no clock running (after treatment or during active monitoring), a follow-up or a discharge records
 *   no RTT status: follow-ups after a clock stop are outside RTT (§2.8). Treatment, active monitoring or a
 *   decision to admit there need a new clock first (§1.3 rule 3), which is a decision the clinician records
 *   on the pathway: null here, and the caller says so.
 */
export function outcomeRttCode(input: OutcomeRttInput): '20' | '30' | '31' | '32' | '34' | null {
  if (!input.clockRunning) return null;
  switch (input.outcome) {
    case 'follow-up':
    case 'add-to-admitted-list':
      return '20';
    case 'treatment-started':
      return '30';
    case 'active-monitoring':
      return input.activeMonitoringBy === 'patient' ? '31' : '32';
    case 'discharge':
      return '34';
  }
}
