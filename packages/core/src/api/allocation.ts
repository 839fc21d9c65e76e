/**
 * Automatic allocation plans over the REST API (`/api/v1/allocation-plans`): a plan's summary, its planned
 * appointments and the patients who still breach (shown a page at a time), and the answer to applying it.
 */
import type {
  AllocationCounts,
  BreachKind,
  StillBreachingReason,
  UnassignedReason,
} from '../allocation/types';

export const PLAN_STATUSES = ['proposed', 'applied', 'discarded', 'superseded'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** What a plan and a plan in the list both show of it. */
export interface PlanHeader {
  id: string;
  specialtyCode: string;
  status: PlanStatus;
  fromDate: string;
  toDate: string;
  createdBy: string;
  createdAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
}

/** The plan's counts, as stored when it was made. */
export interface PlanSummary {
  today: string;
  weeks: number;
  minNoticeDays: number;
  counts: AllocationCounts;
  /** Breaches by kind if nobody were booked (by the end of the window), and with the plan applied. */
  breachesBefore: Record<BreachKind, number>;
  breachesAfter: Record<BreachKind, number>;
  stillBreachingByReason: Record<StillBreachingReason, number>;
  unassignedByReason: Record<UnassignedReason, number>;
}

/** How many patients are left with one reason, and the reason in plain words. */
export interface PlanReasonCount<R extends string> {
  reason: R;
  text: string;
  count: number;
}

/** The patient of a planned appointment, read from the patient record when the plan is shown. */
export interface PlanPatient {
  id: string;
  nhsNumber: string;
  /** Family name, given name. */
  name: string;
}

/** One appointment the plan would book. */
export interface PlanAssignment {
  pathwayId: string;
  patient: PlanPatient;
  priority: string;
  slot: { id: string; type: string; startsAt: string; endsAt: string; date: string };
  clinic: { id: string; name: string };
  noticeDays: number;
  reasonableOffer: boolean;
  outOfTurn: boolean;
  breachesAvoided: BreachKind[];
  breaches: BreachKind[];
}

/** A patient who still breaches with the plan applied (booked too late, or not booked), and why. */
export interface PlanBreaching {
  pathwayId: string;
  patient: PlanPatient;
  priority: string;
  breaches: BreachKind[];
  booked: boolean;
  date: string | null;
  reason: StillBreachingReason;
  reasonText: string;
  unassignedReason: UnassignedReason | null;
  unassignedText: string | null;
}

/** One page of a plan's list. */
export interface PlanPage<T> {
  offset: number;
  limit: number;
  total: number;
  items: T[];
}

/** A plan as shown: its summary, and one page each of its assignments and of who still breaches. */
export interface AllocationPlanView extends PlanHeader {
  summary: PlanSummary & {
    stillBreaching: PlanReasonCount<StillBreachingReason>[];
    unassigned: PlanReasonCount<UnassignedReason>[];
  };
  assignments: PlanPage<PlanAssignment>;
  stillBreaching: PlanPage<PlanBreaching>;
}

/** A plan applied: every appointment booked and its letter queued. */
export interface AllocationPlanApplied {
  id: string;
  status: 'applied';
  appointmentsBooked: number;
  lettersQueued: number;
  slotsUsed: number;
  decidedBy: string;
  decidedAt: string;
}
