/** Words for messages on screen, in the NHS's sentence case. */

export const KIND_LABELS: Record<string, string> = {
  'appointment-booked': 'Appointment booked',
  'appointment-moved': 'Appointment moved',
  'appointment-cancelled': 'Appointment cancelled',
  'appointment-reminder': 'Appointment reminder',
  'partial-booking-invitation': 'Invitation to book',
  'partial-booking-reminder': 'Reminder to book',
  'dna-discharge': 'Discharged after a missed appointment',
  'was-not-brought': 'Child was not brought',
  'pifu-discharge': 'Discharged at the end of patient-initiated follow-up',
  'short-notice-offer': 'Short-notice appointment offer',
  'validation-removal': 'Removed from the waiting list',
};

export const CHANNEL_LABELS: Record<string, string> = {
  letter: 'Letter',
  sms: 'Text message',
  email: 'Email',
};

export const FORMAT_LABELS: Record<string, string> = {
  standard: 'Standard',
  'large-print': 'Large print',
  'easy-read': 'Easy read',
  braille: 'Braille',
};

export const RECIPIENT_LABELS: Record<string, string> = {
  patient: 'Patient',
  gp: 'GP',
};

export const STATUS_LABELS: Record<string, string> = {
  queued: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  'awaiting-print': 'Awaiting print',
  delivered: 'Delivered',
  'temporary-failure': 'Failed, trying again',
  'permanent-failure': 'Failed',
  'technical-failure': 'Failed',
  cancelled: 'Cancelled',
  suppressed: 'Not sent',
};

export const STATUS_TAGS: Record<string, string> = {
  queued: 'nhsuk-tag nhsuk-tag--blue',
  sending: 'nhsuk-tag nhsuk-tag--blue',
  sent: 'nhsuk-tag nhsuk-tag--green',
  'awaiting-print': 'nhsuk-tag nhsuk-tag--yellow',
  delivered: 'nhsuk-tag nhsuk-tag--green',
  'temporary-failure': 'nhsuk-tag nhsuk-tag--orange',
  'permanent-failure': 'nhsuk-tag nhsuk-tag--red',
  'technical-failure': 'nhsuk-tag nhsuk-tag--red',
  cancelled: 'nhsuk-tag nhsuk-tag--grey',
  suppressed: 'nhsuk-tag nhsuk-tag--grey',
};

/** The statuses a person can filter by, in the order they happen. */
export const STATUS_FILTERS = [
  'queued',
  'awaiting-print',
  'sent',
  'delivered',
  'temporary-failure',
  'permanent-failure',
  'technical-failure',
  'cancelled',
  'suppressed',
] as const;

export const STATUS_FILTER_LABELS: Record<string, string> = {
  ...STATUS_LABELS,
  'permanent-failure': 'Failed: could not be delivered',
  'technical-failure': 'Failed: a technical problem',
};

/** The label for a value, or the value itself (with hyphens as spaces) if this version of the app does not know it. */
export function say(labels: Record<string, string>, value: string): string {
  return labels[value] ?? value.replace(/-/g, ' ');
}

/** "Letter, large print": the channel, with the format when it is not the standard one. */
export function channelAndFormat(channel: string, format: string): string {
  const c = say(CHANNEL_LABELS, channel);
  return format === 'standard' ? c : `${c}, ${say(FORMAT_LABELS, format).toLowerCase()}`;
}
