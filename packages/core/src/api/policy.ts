/**
 * The access policy, the partial-booking list, the follow-up list and patient-initiated follow-up over the REST
 * API:
 * - `GET /api/v1/access-policy`, `POST /api/v1/access-policy/versions`;
 * - `GET|POST /api/v1/partial-bookings`, `POST /api/v1/partial-bookings/:id/{reply,booked}`;
 * - `GET /api/v1/follow-ups`, `POST /api/v1/follow-ups/:id/latest-date`;
 * - `POST /api/v1/pathways/:id/pifu`, `GET /api/v1/pifu`, `GET /api/v1/pifu/:id`,
 *   `POST /api/v1/pifu/:id/{requests,outcome}`.
 * Flags such as "overdue" are worked out from the clock when asked, never stored.
 */
import type { AccessPolicySettings } from '../policy/settings';
import type { PifuKind, PifuOutcome } from '../policy/rules';

/** Every section optional, every field in a section optional: merged over the version in force. */
export type AccessPolicySettingsPatch = {
  [S in keyof AccessPolicySettings]?: Partial<AccessPolicySettings[S]>;
};

export interface AccessPolicyVersionView {
  id: string;
  effectiveFrom: string;
  /** The full settings of the version (a partial version is stored merged). */
  settings: AccessPolicySettings;
  note: string | null;
  createdBy: string;
  createdAt: string;
}

export interface AccessPolicyView {
  /** Today, in London. */
  asOf: string;
  inForce: {
    /** null: no version yet, the national defaults apply. */
    versionId: string | null;
    effectiveFrom: string | null;
    settings: AccessPolicySettings;
  };
  /** The national defaults every version starts from. */
  defaults: AccessPolicySettings;
  /** Latest effective date first, future versions included. */
  versions: AccessPolicyVersionView[];
}

export interface NewAccessPolicyVersion {
  /** Today or later. */
  effectiveFrom: string;
  settings: AccessPolicySettingsPatch;
  note?: string | null;
}

export const PARTIAL_BOOKING_STATUSES = [
  'waiting',
  'invited',
  'reminded',
  'replied',
  'booked',
  'follow-up',
  'closed',
] as const;
export type PartialBookingStatus = (typeof PARTIAL_BOOKING_STATUSES)[number];

export const PARTIAL_BOOKING_REPLIES = ['will-book', 'postpone', 'no-longer-needed'] as const;
export type PartialBookingReply = (typeof PARTIAL_BOOKING_REPLIES)[number];

/** What happens next to an entry, and when. */
export type PartialBookingNextStep =
  'invite' | 'remind' | 'follow-up' | 'book' | 'confirm-removal' | 'work-task' | 'none';

export interface ListPatient {
  id: string;
  nhsNumber: string;
  name: string;
}

export interface PartialBookingView {
  id: string;
  pathwayId: string;
  patient: ListPatient;
  specialtyCode: string;
  dueDate: string;
  /** Latest clinically appropriate date (LCAD). */
  latestDate: string | null;
  inviteOn: string;
  invitedOn: string | null;
  replyBy: string | null;
  remindedOn: string | null;
  repliedOn: string | null;
  status: PartialBookingStatus;
  nextStep: PartialBookingNextStep;
  nextStepOn: string | null;
  followUpId: string | null;
  createdAt: string;
}

export interface PartialBookingList {
  asOf: string;
  rows: PartialBookingView[];
}

export interface NewPartialBooking {
  pathwayId: string;
  dueDate: string;
  latestDate?: string | null;
  followUpId?: string | null;
}

export interface PartialBookingReplyInput {
  reply: PartialBookingReply;
  /** For `postpone`: the new due date (the entry is invited again nearer it). Without one, the clerk books. */
  dueDate?: string | null;
}

export interface PartialBookingReplyResult {
  entry: PartialBookingView;
  /** Tasks made: a clinician to confirm a removal, a clinical review of a long delay. */
  taskIds: string[];
}

export interface FollowUpView {
  id: string;
  pathwayId: string;
  patient: ListPatient;
  specialtyCode: string;
  slotType: string;
  dueDate: string;
  latestDate: string | null;
  overdue: boolean;
  daysOverdue: number;
  pastLatest: boolean;
  status: string;
  createdAt: string;
}

export interface FollowUpList {
  asOf: string;
  /** Overdue first, then most days overdue, then earliest due date. No clinical-risk field exists yet. */
  rows: FollowUpView[];
}

export const PIFU_STATUSES = ['active', 'discharged', 'ended'] as const;
export type PifuStatus = (typeof PIFU_STATUSES)[number];

export interface PifuPlanView {
  id: string;
  pathwayId: string;
  patient: ListPatient;
  specialtyCode: string;
  kind: PifuKind;
  startsOn: string;
  months: number | null;
  /** The day a time-limited plan ends with discharge; null when open-ended. */
  endsOn: string | null;
  status: PifuStatus;
  lastRequestOn: string | null;
  createdBy: string;
  createdAt: string;
}

export interface PifuList {
  asOf: string;
  rows: PifuPlanView[];
}

export interface NewPifuPlan {
  kind: PifuKind;
  /** Required for time-limited PIFU, within the policy's range; left out for open-ended. */
  months?: number | null;
  /** Default today. */
  startsOn?: string;
}

export interface PifuOutcomeInput {
  outcome: PifuOutcome;
}

export interface PifuRequestResult {
  plan: PifuPlanView;
  taskId: string;
}
