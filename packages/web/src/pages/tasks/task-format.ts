/** Words for work-queue values on screen, in the NHS's sentence case. */
import {
  ESCALATION_REASONS,
  escalationText,
  type EscalationFigures,
  type EscalationReason,
  type TaskPriority,
  type TaskStatus,
} from '@pathflow/core';
import { formatLongDate } from '../referrals/referral-format';

export const TASK_STATUS_LABELS: Record<TaskStatus, string> = {
  open: 'To do',
  'in-progress': 'In progress',
  done: 'Done',
  cancelled: 'Cancelled',
};

export const TASK_STATUS_TAGS: Record<TaskStatus, string> = {
  open: 'nhsuk-tag nhsuk-tag--blue',
  'in-progress': 'nhsuk-tag nhsuk-tag--yellow',
  done: 'nhsuk-tag nhsuk-tag--green',
  cancelled: 'nhsuk-tag nhsuk-tag--grey',
};

export const TASK_PRIORITY_LABELS: Record<TaskPriority, string> = {
  urgent: 'Urgent',
  high: 'High',
  routine: 'Routine',
};

export const TASK_PRIORITY_TAGS: Record<TaskPriority, string> = {
  urgent: 'nhsuk-tag nhsuk-tag--red',
  high: 'nhsuk-tag nhsuk-tag--orange',
  routine: 'nhsuk-tag nhsuk-tag--grey',
};

/** Each outcome a task can be completed with, as the person choosing it reads it. */
export const OUTCOME_LABELS: Record<string, string> = {
  'spoke-to-patient': 'Spoke to the patient',
  'left-message': 'Left a message',
  'no-answer': 'No answer',
  'wrong-number': 'Wrong number',
  'keep-on-list': 'Keep on the waiting list',
  rebook: 'Offer another appointment',
  discharge: 'Discharge back to the GP',
  'active-monitoring': 'Start active monitoring',
  'change-priority': 'Change the priority',
  'refer-safeguarding': 'Refer to the safeguarding team',
  'discharge-with-safeguarding-agreement': 'Discharge, agreed with the safeguarding team',
  'offer-again': 'Offer more dates',
  booked: 'Booked',
  'not-needed': 'Not needed',
  cancelled: 'Cancelled',
  'extra-clinic-added': 'Extra clinic added',
  outsourced: 'Sent to another provider',
  'accepted-risk': 'Risk accepted',
  'still-waiting': 'Still waiting',
  'treated-elsewhere': 'Treated somewhere else',
  'no-longer-wanted': 'No longer wants treatment',
  'to-clinician': 'Passed to a clinician',
  'removal-confirmed': 'Removal confirmed',
  'patient-postponed': 'Patient asked to wait',
  'keep-waiting': 'Keep waiting',
  rebooked: 'Rebooked',
  'patient-chose-later-date': 'Patient chose a later date',
  'patient-declined': 'Patient said no',
  discharged: 'Discharged',
  'extended-by-clinician': 'Extended by a clinician',
  'advice-given': 'Advice given',
  accepted: 'Patient accepted',
  declined: 'Patient said no',
  'details-corrected': 'Contact details corrected',
  'contacted-another-way': 'Contacted another way',
};

/** Why a task was made, from the rule in its detail. */
export const RULE_LABELS: Record<string, string> = {
  manual: 'added by hand',
  'ACC-2.2-first-dna': 'missed first appointment',
  'ACC-2.2-first-dna-not-communicated': 'missed first appointment, the date may not have reached them',
  'ACC-2.2-first-dna-safeguarding': 'missed first appointment: a child or vulnerable adult',
  'ACC-2.2-later-dna': 'missed a later appointment',
  'ACC-2.2-2ww-dna': 'missed an urgent suspected cancer appointment',
  'ACC-2.2-safeguarding': 'safeguarding check before discharge',
  'ACC-2.2-rebook-after-dna': 'rebook after a missed appointment',
  'ACC-2.3-cancellation': 'the patient cancelled',
  'ACC-2.3-delay-over-6-weeks': 'the patient asked to wait more than 6 weeks',
  'ACC-2.3-repeated-cancellations': 'the patient cancelled more than once',
  'ACC-2.3-declined-offer': 'the patient said no to an offer',
  'ACC-2.3-declined-offers-active-monitoring': 'the patient said no to 2 reasonable offers',
  'ACC-2.4-28-day': 'operation cancelled by the hospital on the day',
  'ACC-2.4-rebook-first': 'appointment cancelled by the hospital',
  'ACC-2.6-no-removal-without-clinician': 'removal needs a clinician to agree',
  'ACC-2.6-no-removal-for-non-response': 'no reply to the invitation to book',
  'PIFU-2.8-book-by-clinical-need': 'the patient asked to be seen',
  'PIFU-2.8-time-limited-discharge': 'patient-initiated follow-up has ended',
  'appointment-moved': 'the appointment was moved',
  'short-notice-offer': 'a short-notice appointment is free',
  'WEEKLY-PACK-escalation': 'the weekly waiting list pack found a risk',
};

/** What the weekly pack escalated, from an escalation task's reasons and figures (core's words). */
function escalationReasons(detail: Record<string, unknown>): string[] {
  const reasons = Array.isArray(detail.reasons) ? detail.reasons : [];
  const n = (key: string) => (typeof detail[key] === 'number' ? detail[key] : 0);
  const figures: EscalationFigures = {
    expected52: n('expected52'),
    expected65: n('expected65'),
    expected78: n('expected78'),
    noCapacity: n('noCapacity'),
    load: typeof detail.load === 'number' ? detail.load : null,
    over52: n('over52'),
    over52Change: n('over52Change'),
  };
  return reasons
    .filter((r): r is string => typeof r === 'string')
    .map((r) =>
      (ESCALATION_REASONS as readonly string[]).includes(r)
        ? sentence(escalationText(r as EscalationReason, figures))
        : r.replace(/-/g, ' '),
    );
}

/** The label for a value, or the value itself (with hyphens as spaces) if this version of the app does not know it. */
export function wordsFor(labels: Record<string, string>, value: string): string {
  return labels[value] ?? value.replace(/-/g, ' ');
}

export const outcomeLabel = (outcome: string) => wordsFor(OUTCOME_LABELS, outcome);

/** What a team's name means: "booking-110" → "Booking team, specialty 110". */
export function teamLabel(team: string, specialtyNames?: ReadonlyMap<string, string>): string {
  const match = /^(booking|clinical|management)-(.+)$/.exec(team);
  if (!match) return team;
  const [, kind, code] = match as unknown as [string, string, string];
  const who = { booking: 'Booking team', clinical: 'Clinical team', management: 'Management team' }[
    kind as 'booking' | 'clinical' | 'management'
  ];
  if (code === 'general') return `${who}, general`;
  const name = specialtyNames?.get(code);
  return `${who}, ${name ? `${name} (${code})` : `specialty ${code}`}`;
}

/** "missed first appointment" → "Missed first appointment". */
const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const isDate = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);

/** The detail fields a person can use, in plain words: "Why", "Missed on", … Ids and unknown fields are left out. */
export function detailRows(detail: Record<string, unknown> | null): [string, string][] {
  if (!detail) return [];
  const rows: [string, string][] = [];
  const rule = detail.rule;
  if (typeof rule === 'string') rows.push(['Why', sentence(wordsFor(RULE_LABELS, rule))]);
  const dates: [string, string][] = [
    ['missedOn', 'Missed on'],
    ['cancelledOn', 'Cancelled on'],
    ['rebookBy', 'Rebook by'],
    ['requestOn', 'Asked on'],
    ['endsOn', 'Ends on'],
  ];
  for (const [key, label] of dates) {
    const value = detail[key];
    if (isDate(value)) rows.push([label, formatLongDate(value)]);
  }
  if (typeof detail.delayDays === 'number') rows.push(['Wait asked for', `${detail.delayDays} days`]);
  if (rule === 'WEEKLY-PACK-escalation') {
    if (isDate(detail.weekStart))
      rows.push(['Pack for the week beginning', formatLongDate(detail.weekStart)]);
    for (const reason of escalationReasons(detail)) rows.push(['Found', reason]);
  }
  if (typeof detail.note === 'string' && detail.note.trim()) rows.push(['Note when added', detail.note]);
  return rows;
}

/** What happened to a task, for its history table. */
export const HISTORY_LABELS: Record<string, string> = {
  created: 'Added',
  claimed: 'Claimed',
  reassigned: 'Reassigned',
  completed: 'Completed',
  cancelled: 'Cancelled',
  reopened: 'Reopened',
};
