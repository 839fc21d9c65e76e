/** The access policy's settings in plain words: each section's heading, each setting's label and its value. */
import type { AccessPolicySettings } from '../../api/access-policy';

type Unit = 'days' | 'weeks' | 'hours' | 'months' | 'years' | 'count';

export interface SettingWords {
  section: keyof AccessPolicySettings;
  field: string;
  /** The summary list's key, and the form's label. */
  label: string;
  unit: Unit;
  /** The value in a sentence: "21 days". Default: the number and its unit. */
  show?: (value: number) => string;
  hint?: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function withUnit(n: number, unit: Unit): string {
  switch (unit) {
    case 'days':
      return plural(n, 'day');
    case 'weeks':
      return plural(n, 'week');
    case 'hours':
      return plural(n, 'hour');
    case 'months':
      return plural(n, 'month');
    case 'years':
      return plural(n, 'year');
    case 'count':
      return String(n);
  }
}

export const SECTION_HEADINGS: Record<keyof AccessPolicySettings, string> = {
  booking: 'Booking',
  partialBooking: 'Follow-up appointments booked nearer the time',
  dna: 'Missed appointments',
  patientCancellation: 'When patients cancel or ask to wait',
  hospitalCancellation: 'When the hospital cancels',
  followUp: 'Follow-ups',
  pifu: 'Patient-initiated follow-up',
  communications: 'Messages to patients',
  shortNotice: 'Short-notice appointments',
};

/** The whole-number settings, in the order they are shown. */
export const NUMBER_SETTINGS: SettingWords[] = [
  {
    section: 'booking',
    field: 'reasonableNoticeDays',
    label: 'Reasonable notice',
    unit: 'days',
    hint: 'At least 21 days.',
  },
  {
    section: 'booking',
    field: 'rebookMinNoticeDays',
    label: 'Soonest rebooking after a hospital cancellation',
    unit: 'days',
    show: (n) => (n === 0 ? 'The same day' : `${plural(n, 'day')} after the cancellation`),
  },
  {
    section: 'partialBooking',
    field: 'inviteWeeksBeforeDue',
    label: 'Invite patients to book',
    unit: 'weeks',
    show: (n) => `${plural(n, 'week')} before they are due`,
  },
  {
    section: 'partialBooking',
    field: 'replyWindowDays',
    label: 'Time patients have to reply',
    unit: 'days',
    hint: 'At least 14 days.',
  },
  {
    section: 'partialBooking',
    field: 'reminders',
    label: 'Reminders before a follow-up call',
    unit: 'count',
  },
  {
    section: 'partialBooking',
    field: 'reminderReplyDays',
    label: 'Time to reply after a reminder',
    unit: 'days',
  },
  {
    section: 'dna',
    field: 'childUnderYears',
    label: 'Treat patients as children if they are under',
    unit: 'years',
    hint: 'At least 18 years.',
  },
  {
    section: 'dna',
    field: 'reviewWithinDays',
    label: 'Time to decide after a missed appointment',
    unit: 'days',
  },
  {
    section: 'patientCancellation',
    field: 'secondOfferWithinWeeks',
    label: 'Offer a second date within',
    unit: 'weeks',
    show: (n) => `${plural(n, 'week')} of the first`,
    hint: 'No more than 6 weeks.',
  },
  {
    section: 'patientCancellation',
    field: 'delayReviewOverWeeks',
    label: 'Clinical review when a patient asks to wait more than',
    unit: 'weeks',
    hint: 'No more than 6 weeks.',
  },
  {
    section: 'patientCancellation',
    field: 'declinedOffersForActiveMonitoring',
    label: 'Declined reasonable offers before active monitoring',
    unit: 'count',
    hint: 'At least 2.',
  },
  {
    section: 'patientCancellation',
    field: 'cancellationsForReview',
    label: 'Cancellations before a clinical review',
    unit: 'count',
  },
  {
    section: 'hospitalCancellation',
    field: 'operationRebookWithinDays',
    label: 'Rebook an operation cancelled on the day within',
    unit: 'days',
    hint: 'No more than 28 days.',
  },
  {
    section: 'hospitalCancellation',
    field: 'postponementWithinHours',
    label: 'A move counts as a postponement within',
    unit: 'hours',
    hint: 'No more than 24 hours.',
  },
  {
    section: 'followUp',
    field: 'overdueAfterDueDays',
    label: 'A follow-up is overdue',
    unit: 'days',
    show: (n) => (n === 0 ? 'The day after it is due' : `${plural(n, 'day')} after it is due`),
  },
  { section: 'pifu', field: 'minMonths', label: 'Shortest time-limited follow-up', unit: 'months' },
  { section: 'pifu', field: 'maxMonths', label: 'Longest time-limited follow-up', unit: 'months' },
  {
    section: 'shortNotice',
    field: 'replyHours',
    label: 'Time to accept a short-notice offer',
    unit: 'hours',
  },
  {
    section: 'shortNotice',
    field: 'maxCandidates',
    label: 'Patients offered a slot before it goes to the booking team',
    unit: 'count',
  },
];

export const settingValue = (settings: AccessPolicySettings, s: Pick<SettingWords, 'section' | 'field'>) =>
  (settings[s.section] as Record<string, unknown>)[s.field];

export function showSetting(s: SettingWords, value: unknown): string {
  if (typeof value !== 'number') return String(value);
  return s.show ? s.show(value) : withUnit(value, s.unit);
}

/** The rows of one section, including the settings that are not whole numbers. */
export function sectionRows(
  settings: AccessPolicySettings,
  section: keyof AccessPolicySettings,
): [string, string][] {
  const rows: [string, string][] = NUMBER_SETTINGS.filter((s) => s.section === section).map((s) => [
    s.label,
    showSetting(s, settingValue(settings, s)),
  ]);
  if (section === 'dna') {
    rows.push([
      'Tell the GP when a child or vulnerable adult was not brought',
      settings.dna.notifyGpForSafeguarding ? 'Yes' : 'No',
    ]);
  }
  if (section === 'communications') {
    const days = [...settings.communications.reminderDaysBefore].sort((a, b) => b - a);
    rows.push([
      'Appointment reminders',
      days.length === 0
        ? 'None'
        : `${days.join(' and ')} ${days.length === 1 && days[0] === 1 ? 'day' : 'days'} before`,
    ]);
    rows.push([
      'Text messages',
      settings.communications.sms ? 'Sent when they suit the patient' : 'Not sent',
    ]);
    rows.push([
      'Emails',
      settings.communications.email ? 'Sent when the patient has an email address' : 'Not sent',
    ]);
  }
  return rows;
}

/** The id of a setting's input: `partialBooking-replyWindowDays`. */
export const settingId = (s: Pick<SettingWords, 'section' | 'field'>) => `${s.section}-${s.field}`;
