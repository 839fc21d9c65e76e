/**
 * Work-queue tasks: every action a person must take. A task type says who works it (the role), how urgent it is
 * by default, how long they have (days from creation to its due date) and the outcomes it can be completed with.
 */

export const TASK_PRIORITIES = ['urgent', 'high', 'routine'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

export const TASK_STATUSES = ['open', 'in-progress', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** The roles whose people work queues. */
export const TASK_ROLES = ['booking-clerk', 'team-leader', 'clinician', 'service-manager'] as const;
export type TaskRole = (typeof TASK_ROLES)[number];

export interface TaskTypeDefinition {
  label: string;
  role: TaskRole;
  priority: TaskPriority;
  /** Days from creation to the due date, unless the creator gives one. */
  dueInDays: number;
  /** What the person who completes it may record as the outcome. */
  outcomes: readonly string[];
}

export const TASK_TYPES = {
  'call-patient': {
    label: 'Call the patient',
    role: 'booking-clerk',
    priority: 'routine',
    dueInDays: 3,
    outcomes: ['spoke-to-patient', 'left-message', 'no-answer', 'wrong-number'],
  },
  'clinical-review': {
    label: 'Clinical review',
    role: 'clinician',
    priority: 'high',
    dueInDays: 5,
    outcomes: ['keep-on-list', 'rebook', 'discharge', 'active-monitoring', 'change-priority'],
  },
  'dna-decision': {
    label: 'Decide after a missed first appointment',
    role: 'clinician',
    priority: 'high',
    dueInDays: 5,
    outcomes: ['rebook', 'discharge'],
  },
  'safeguarding-review': {
    label: 'Safeguarding review',
    role: 'clinician',
    priority: 'urgent',
    dueInDays: 2,
    outcomes: ['rebook', 'refer-safeguarding', 'discharge-with-safeguarding-agreement'],
  },
  'active-monitoring-decision': {
    label: 'Decide on active monitoring',
    role: 'clinician',
    priority: 'high',
    dueInDays: 5,
    outcomes: ['active-monitoring', 'offer-again', 'discharge'],
  },
  'book-interpreter': {
    label: 'Book an interpreter',
    role: 'booking-clerk',
    priority: 'high',
    dueInDays: 2,
    outcomes: ['booked', 'not-needed'],
  },
  'cancel-interpreter': {
    label: 'Cancel the interpreter',
    role: 'booking-clerk',
    priority: 'high',
    dueInDays: 1,
    outcomes: ['cancelled'],
  },
  'book-transport': {
    label: 'Book patient transport',
    role: 'booking-clerk',
    priority: 'high',
    dueInDays: 2,
    outcomes: ['booked', 'not-needed'],
  },
  'cancel-transport': {
    label: 'Cancel patient transport',
    role: 'booking-clerk',
    priority: 'high',
    dueInDays: 1,
    outcomes: ['cancelled'],
  },
  'escalate-capacity': {
    label: 'Escalate: not enough capacity',
    role: 'service-manager',
    priority: 'high',
    dueInDays: 3,
    outcomes: ['extra-clinic-added', 'outsourced', 'accepted-risk'],
  },
  validate: {
    label: 'Validate the waiting-list entry',
    role: 'booking-clerk',
    priority: 'routine',
    dueInDays: 7,
    outcomes: ['still-waiting', 'treated-elsewhere', 'no-longer-wanted', 'to-clinician'],
  },
  'confirm-removal': {
    label: 'Confirm removal from the waiting list',
    role: 'clinician',
    priority: 'routine',
    dueInDays: 5,
    outcomes: ['removal-confirmed', 'keep-on-list'],
  },
  'partial-booking-follow-up': {
    label: 'Follow up: no reply to the invitation to book',
    role: 'booking-clerk',
    priority: 'routine',
    dueInDays: 5,
    outcomes: ['booked', 'patient-postponed', 'to-clinician', 'keep-waiting'],
  },
  'rebook-operation': {
    label: 'Rebook the cancelled operation within 28 days',
    role: 'booking-clerk',
    priority: 'urgent',
    dueInDays: 28,
    outcomes: ['rebooked', 'patient-chose-later-date'],
  },
  rebook: {
    label: 'Rebook the appointment',
    role: 'booking-clerk',
    priority: 'high',
    dueInDays: 2,
    outcomes: ['rebooked', 'patient-declined'],
  },
  'pifu-discharge': {
    label: 'Discharge at the end of patient-initiated follow-up',
    role: 'booking-clerk',
    priority: 'routine',
    dueInDays: 5,
    outcomes: ['discharged', 'extended-by-clinician'],
  },
  'pifu-request': {
    label: 'Book the patient who asked to be seen (PIFU)',
    role: 'booking-clerk',
    priority: 'high',
    dueInDays: 2,
    outcomes: ['booked', 'advice-given'],
  },
  'short-notice-call': {
    label: 'Call the patient: a short-notice appointment is free',
    role: 'booking-clerk',
    priority: 'urgent',
    dueInDays: 0,
    outcomes: ['accepted', 'declined', 'no-answer'],
  },
  'letter-failed': {
    label: 'A letter or message could not be delivered',
    role: 'booking-clerk',
    priority: 'high',
    dueInDays: 2,
    outcomes: ['details-corrected', 'contacted-another-way'],
  },
} as const satisfies Record<string, TaskTypeDefinition>;

export type TaskType = keyof typeof TASK_TYPES;
export const TASK_TYPE_NAMES = Object.keys(TASK_TYPES) as TaskType[];

export function isTaskType(value: string): value is TaskType {
  return Object.hasOwn(TASK_TYPES, value);
}

/** The booking team's queue for a specialty, and its clinical team's: `booking-110`, `clinical-110`. */
export function teamFor(role: TaskRole, specialtyCode: string): string {
  if (role === 'clinician') return `clinical-${specialtyCode}`;
  if (role === 'service-manager') return `management-${specialtyCode}`;
  return `booking-${specialtyCode}`;
}
