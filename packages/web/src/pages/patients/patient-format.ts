/** Words for the patient record and pathway pages, in the NHS's plain style and sentence case. */
import type { Patient, RttPriority } from '@pathflow/core';

/** "Alice Example" (with a title when there is one: "Mrs Alice Example"). */
export function patientName(p: Pick<Patient, 'title' | 'givenName' | 'familyName'>): string {
  return [p.title, p.givenName, p.familyName].filter((s) => s !== null && s !== '').join(' ');
}

/** Whole years between a date of birth and `today` (both YYYY-MM-DD). */
export function ageOn(dateOfBirth: string, today: string): number | null {
  const birth = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth);
  const now = /^(\d{4})-(\d{2})-(\d{2})$/.exec(today);
  if (!birth || !now) return null;
  const years = Number(now[1]) - Number(birth[1]);
  const hadBirthday = `${now[2]}-${now[3]}` >= `${birth[2]}-${birth[3]}`;
  return Math.max(0, hadBirthday ? years : years - 1);
}

/** What each Accessible Information Standard need means for staff, completing "Communication needs: …". */
export const NEED_WORDS: Record<string, string> = {
  bsl: 'needs a British Sign Language interpreter',
  'deafblind-manual': 'needs a deafblind manual interpreter',
  'large-print': 'large print letters',
  'easy-read': 'easy read letters',
  braille: 'braille letters',
  audio: 'information as audio',
  'email-only': 'contact by email only',
  'text-relay': 'phone through text relay (Relay UK), no text messages',
};

export const VULNERABILITY_WORDS: Record<string, string> = {
  'learning-disability': 'has a learning disability',
  'safeguarding-concern': 'there is a safeguarding concern',
  'lacks-capacity': 'may lack capacity to make some decisions',
};

export const SEX_LABELS: Record<string, string> = {
  female: 'Female',
  male: 'Male',
  other: 'Other',
  unknown: 'Not known',
};

/** The patient's communication needs in plain words, interpreter language included, without repeats. */
export function communicationNeeds(p: Pick<Patient, 'communicationNeeds' | 'interpreterLanguage'>): string[] {
  const words = p.communicationNeeds.map((n) => NEED_WORDS[n] ?? n.replace(/-/g, ' '));
  const language = p.interpreterLanguage?.trim();
  const signed = p.communicationNeeds.includes('bsl') && /british sign language|^bsl$/i.test(language ?? '');
  if (language && !signed)
    words.unshift(`needs a${/^[aeiou]/i.test(language) ? 'n' : ''} ${language} interpreter`);
  return [...new Set(words)];
}

export function vulnerabilities(p: Pick<Patient, 'vulnerabilities'>): string[] {
  return p.vulnerabilities.map((v) => VULNERABILITY_WORDS[v] ?? v.replace(/-/g, ' '));
}

export const PRIORITY_LABELS: Record<RttPriority, string> = {
  routine: 'Routine',
  urgent: 'Urgent',
  'two-week-wait': 'Two-week wait',
};

export const PRIORITY_TAGS: Record<RttPriority, string> = {
  'two-week-wait': 'nhsuk-tag nhsuk-tag--red',
  urgent: 'nhsuk-tag nhsuk-tag--orange',
  routine: 'nhsuk-tag nhsuk-tag--grey',
};

export const PATHWAY_STATUS_LABELS: Record<string, string> = { open: 'Open', closed: 'Closed' };

export const APPOINTMENT_STATUS_LABELS: Record<string, string> = {
  booked: 'Booked',
  cancelled: 'Cancelled',
  arrived: 'Arrived',
  attended: 'Attended',
  dna: 'Did not attend',
  'cancelled-on-day': 'Cancelled on the day',
  displaced: 'Clinic changed: to rebook',
};

export const APPOINTMENT_STATUS_TAGS: Record<string, string> = {
  booked: 'nhsuk-tag nhsuk-tag--blue',
  cancelled: 'nhsuk-tag nhsuk-tag--grey',
  arrived: 'nhsuk-tag nhsuk-tag--yellow',
  attended: 'nhsuk-tag nhsuk-tag--green',
  dna: 'nhsuk-tag nhsuk-tag--red',
  'cancelled-on-day': 'nhsuk-tag nhsuk-tag--orange',
  displaced: 'nhsuk-tag nhsuk-tag--orange',
};

export const SLOT_TYPE_LABELS: Record<string, string> = {
  new: 'New',
  'follow-up': 'Follow-up',
  'urgent-new': 'Urgent new',
  'two-week-wait': 'Two-week wait',
  procedure: 'Procedure',
};

export const OUTCOME_LABELS: Record<string, string> = {
  discharge: 'Discharged',
  'follow-up': 'Follow-up needed',
  'add-to-admitted-list': 'Added to the waiting list for an operation',
  'treatment-started': 'Treatment started',
  'active-monitoring': 'Active monitoring',
};

export const SUPPORT_KIND_LABELS: Record<string, string> = {
  interpreter: 'Interpreter',
  transport: 'Transport',
};

export const SUPPORT_STATUS_LABELS: Record<string, string> = {
  needed: 'to book',
  booked: 'booked',
  cancelled: 'cancelled',
};

/** Each RTT status code in plain words, and what it does to the clock. */
export const RTT_CODE_WORDS: Record<string, string> = {
  '10': 'First appointment or other first care. The clock keeps running.',
  '11': 'Active monitoring ended and treatment was decided. A new clock started.',
  '12': 'Referred to a consultant for a different condition. A new clock started.',
  '20': 'Seen again, with more care to come. The clock keeps running.',
  '21': 'Moved to another hospital or provider. The clock keeps running.',
  '30': 'First treatment started. The clock stopped.',
  '31': 'The patient chose to wait and be monitored (active monitoring). The clock stopped.',
  '32': 'The clinician decided to monitor the patient (active monitoring). The clock stopped.',
  '33': 'The patient did not attend their first appointment. The clock stopped.',
  '34': 'Decided not to treat, or no more contact needed. The clock stopped.',
  '35': 'The patient said no to the treatment offered. The clock stopped.',
  '36': 'The patient died before treatment. The clock stopped.',
  '90': 'Care after first treatment. Not part of a wait.',
  '91': 'Seen during active monitoring. Not part of a wait.',
  '92': 'Seen before being referred for treatment, for example for tests. Not part of a wait.',
  '98': 'Not part of a referral to treatment wait, for example care not led by a consultant.',
  '99': 'Not yet known.',
};

/** What stopped a clock period, by its stop code. */
export const STOP_WORDS: Record<string, string> = {
  '30': 'first treatment',
  '31': 'active monitoring, the patient’s choice',
  '32': 'active monitoring, the clinician’s decision',
  '33': 'did not attend the first appointment',
  '34': 'decided not to treat',
  '35': 'the patient said no to treatment',
  '36': 'the patient died',
};

export const ORIGIN_LABELS: Record<string, string> = {
  referral: 'From the referral',
  appointment: 'From an appointment',
  'clinic-outcome': 'From a clinic outcome',
  validation: 'From waiting-list validation',
  manual: 'Entered by staff',
  import: 'Imported',
};

/** Audit actions in plain words. */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  'Patient.read': 'Looked at the patient’s record',
  'Patient.search': 'Found the patient in a search',
  'Patient.create': 'Registered the patient',
  'Patient.update': 'Changed the patient’s details',
  'Pathway.read': 'Looked at a pathway',
  'RttEvent.create': 'Recorded an RTT event',
  'Ptl.read': 'Saw the patient on the waiting list',
  'Ptl.export': 'Exported the waiting list with the patient on it',
  'Appointment.read': 'Looked at an appointment',
  'Appointment.create': 'Booked an appointment',
  'Appointment.cancel': 'Cancelled an appointment',
  'Appointment.reschedule': 'Moved an appointment',
  'Appointment.rebook': 'Rebooked an appointment',
  'Appointment.book': 'Booked an appointment from an allocation plan',
  'Appointment.attendance': 'Recorded attendance at an appointment',
  'Appointment.outcome': 'Recorded a clinic outcome',
  'Appointment.dnaDecision': 'Recorded a decision after a missed appointment',
  'Booking.inTurn': 'Saw the patient in turn for a slot',
  'SupportRequest.read': 'Looked at interpreter or transport requests',
  'PathwayTimers.read': 'Looked at cancer or diagnostic timers',
  'Referral.read': 'Looked at a referral',
  'Communication.read': 'Looked at a message',
  'Communication.list': 'Saw the patient’s messages',
  'Task.read': 'Looked at a task',
  'Task.list': 'Saw the patient’s tasks',
  'access.denied': 'Was refused access',
};

export const AUDIT_OUTCOME_LABELS: Record<string, string> = {
  success: 'Done',
  failure: 'Failed',
  denied: 'Refused',
};

/** The label for a value, or the value itself (hyphens as spaces) when this version of the app does not know it. */
export function say(labels: Record<string, string>, value: string): string {
  return labels[value] ?? value.replace(/-/g, ' ');
}
