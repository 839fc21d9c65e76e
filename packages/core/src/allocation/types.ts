/**
 * Types of the booking engine: a waiting patient, a free slot, and the plan of an automatic allocation.
 * Dates are ISO `YYYY-MM-DD`; `startsAt` is an ISO instant compared as a string (write them all in one form,
 * e.g. UTC with `Z`).
 */
import type { SlotType } from '../clinics/types';
import type { RttPriority } from '../rtt/status-codes';

/**
 * Slot types are the clinics module's: `new` (routine first appointment), `urgent-new`, `two-week-wait`
 * (urgent suspected cancer), `follow-up` and `procedure`.
 */
export type { SlotType };

/** Which appointment the patient is waiting for. */
export type AppointmentNeed = 'new' | 'follow-up';

export interface UnavailablePeriod {
  /** First day the patient cannot attend (ISO, inclusive). */
  from: string;
  /** Last day the patient cannot attend (ISO, inclusive). */
  to: string;
}

/** A patient on the waiting list, waiting for one appointment on one pathway. */
export interface WaitingPatient {
  pathwayId: string;
  priority: RttPriority;
  /** RTT clock start (ISO): the 18-week and long-wait breach dates are counted from it. */
  clockStart: string;
  /** Referral received (ISO): the priority targets (urgent, two-week wait) are counted from it. */
  referralReceived: string;
  specialtyCode: string;
  /** The consultant the patient is tied to, or null when any clinician of the specialty may see them. */
  clinicianId: string | null;
  /** Defaults to `'new'` (a first appointment). */
  appointment?: AppointmentNeed;
  /**
   * Slot types the patient may be booked into. Defaults to `allocationSlotTypes(priority, appointment)`; set it
   * when triage agreed a particular clinic type (e.g. `['procedure']`).
   */
  slotTypes?: readonly SlotType[];
  /** Periods the patient said they cannot attend. */
  unavailable?: readonly UnavailablePeriod[];
}

/** A slot with free places. */
export interface FreeSlot {
  slotId: string;
  /** Session date (ISO). */
  date: string;
  /** Start instant (ISO), used to order slots within a day. */
  startsAt: string;
  slotType: SlotType;
  specialtyCode: string;
  /** The clinician running the slot, or null for a pooled slot any patient of the specialty may take. */
  clinicianId: string | null;
  /** Free places (capacity − booked − held), a whole number ≥ 0. */
  capacity: number;
}

/** The breaches the cost model counts. */
export const BREACH_KINDS = [
  '18-week',
  '52-week',
  '65-week',
  '78-week',
  '104-week',
  'priority-target',
] as const;
export type BreachKind = (typeof BREACH_KINDS)[number];

/**
 * Weights of the objective, in points (whole numbers ≥ 0). A patient seen on a date pays the weight of every
 * threshold the wait has passed by then: over 18 weeks, then each long-wait threshold passed (cumulative), and
 * the priority target when missed. A patient left unbooked pays the cost as if seen on the first day after the
 * horizon, plus `unbooked`.
 */
export interface AllocationWeights {
  week18: number;
  week52: number;
  week65: number;
  week78: number;
  week104: number;
  /** Urgent referral not seen within `priorityTargetDays.urgent` of the referral. */
  urgentTarget: number;
  /** Two-week-wait referral not seen within `priorityTargetDays['two-week-wait']` of the referral. */
  twoWeekWaitTarget: number;
  /** Left without a date over the horizon. */
  unbooked: number;
}

/** Days after the referral by which each priority should be seen (`null`: no target). */
export interface PriorityTargetDays {
  urgent: number | null;
  'two-week-wait': number | null;
}

export interface AllocationCostModel {
  weights: AllocationWeights;
  priorityTargetDays: PriorityTargetDays;
}

export interface AllocationCostOptions {
  weights?: Partial<AllocationWeights>;
  priorityTargetDays?: Partial<PriorityTargetDays>;
}

export interface EligibilityOptions {
  /** Today (ISO): slots before `today + minNoticeDays` are not offered. */
  today: string;
  /** Minimum notice in days (default `DEFAULT_MIN_NOTICE_DAYS`, 0). */
  minNoticeDays?: number;
}

export interface AllocateInput extends AllocationCostOptions {
  patients: readonly WaitingPatient[];
  slots: readonly FreeSlot[];
  /** The day the plan is made (ISO). */
  today: string;
  /** Horizon in days: slots dated `today` … `today + horizon − 1` are used (182 = 26 weeks). */
  horizon: number;
  /** Minimum notice in days (default 0): slots before `today + minNoticeDays` are not used. */
  minNoticeDays?: number;
}

export interface PlannedAssignment {
  pathwayId: string;
  slotId: string;
  date: string;
  startsAt: string;
  /** Days from today to the appointment. */
  noticeDays: number;
  /** Notice ≥ 21 days (§1.5): a patient may decline a shorter-notice date without consequence. */
  reasonableOffer: boolean;
  /** Breaches that would have happened by the end of the horizon had the patient been left unbooked. */
  breachesAvoided: readonly BreachKind[];
  /** Breaches the patient still has on the appointment date. */
  breaches: readonly BreachKind[];
  /**
   * Booked ahead of someone earlier in turn who was eligible for this slot and is booked later or not at all.
   * Such bookings need a recorded reason; for the automatic plan it is the weighted-breach objective.
   */
  outOfTurn: boolean;
}

export type UnassignedReason =
  /** No slot over the horizon fits the patient (specialty, slot type, clinician, availability, notice). */
  | 'no-eligible-slot'
  /** Eligible slots existed, but every place went to patients whose breaches weighed at least as much. */
  | 'capacity';

export interface UnassignedPatient {
  pathwayId: string;
  reason: UnassignedReason;
}

export type StillBreachingReason =
  /** Every breach listed had already happened, or happens before the first day a slot may be used. */
  | 'already-breached'
  /** No eligible slot was dated before the breach date. */
  | 'no-eligible-slot-in-time'
  /** Eligible slots before the breach date went to patients whose breaches weighed at least as much. */
  | 'capacity';

export interface StillBreaching {
  pathwayId: string;
  /** Breaches on the appointment date, or by the end of the horizon when unbooked. */
  breaches: readonly BreachKind[];
  booked: boolean;
  why: StillBreachingReason;
}

export interface AllocationCounts {
  patients: number;
  /** Slots used by the model (in the horizon, after the minimum notice, with free places). */
  slots: number;
  places: number;
  booked: number;
  unassigned: number;
  reasonableOffers: number;
  outOfTurn: number;
  /** Breaches in the plan (booked on their dates, unbooked at the end of the horizon), by kind. */
  breaches: Record<BreachKind, number>;
  /** Breaches avoided by the bookings, by kind. */
  breachesAvoided: Record<BreachKind, number>;
}

export interface AllocationPlan {
  assignments: PlannedAssignment[];
  unassigned: UnassignedPatient[];
  stillBreaching: StillBreaching[];
  /** Total weighted cost: Σ cost at the booked date + Σ unbooked cost. Minimal over all feasible plans. */
  objective: number;
  counts: AllocationCounts;
}
