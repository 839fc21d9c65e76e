/** Words for the reception page, in the NHS's plain style and sentence case. */
import type { ReceptionAppointment, ReceptionStatus } from '../../api/reception';

export const STATUS_LABELS: Record<ReceptionStatus, string> = {
  booked: 'Booked',
  arrived: 'Checked in',
  seen: 'Seen',
  dna: 'Did not attend',
  cancelled: 'Cancelled',
};

export const STATUS_TAGS: Record<ReceptionStatus, string> = {
  booked: 'nhsuk-tag nhsuk-tag--white',
  arrived: 'nhsuk-tag nhsuk-tag--blue',
  seen: 'nhsuk-tag nhsuk-tag--green',
  dna: 'nhsuk-tag nhsuk-tag--red',
  cancelled: 'nhsuk-tag nhsuk-tag--grey',
};

/** Short names for Accessible Information Standard needs, for a marker in a table. */
const NEED_MARKERS: Record<string, string> = {
  bsl: 'British Sign Language',
  'deafblind-manual': 'Deafblind manual',
  'large-print': 'Large print',
  'easy-read': 'Easy read',
  braille: 'Braille',
  audio: 'Audio',
  'email-only': 'Email only',
  'text-relay': 'Text relay',
};

/** The markers for what a patient needs at the desk: "Interpreter: Polish", "Transport", "Large print". */
export function needMarkers(needs: ReceptionAppointment['needs']): string[] {
  const markers: string[] = [];
  if (needs.interpreter) markers.push(`Interpreter: ${needs.interpreter}`);
  if (needs.transport) markers.push('Transport');
  for (const n of needs.communication) {
    const word = NEED_MARKERS[n] ?? n.replace(/-/g, ' ');
    markers.push(word.charAt(0).toUpperCase() + word.slice(1));
  }
  return [...new Set(markers)];
}

/** "1 patient", "3 patients". */
export const patientCount = (n: number) => `${n} ${n === 1 ? 'patient' : 'patients'}`;

/** What each desk action did, completing "<name> …". */
export const DONE_WORDS = {
  'check-in': 'checked in',
  seen: 'marked as seen',
  'did-not-attend': 'marked as did not attend',
} as const;
