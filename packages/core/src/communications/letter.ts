/**
 * What a letter says, laid out by the server's PDF renderer in the NHS letter layout: the trust's header, the
 * recipient's address block (positioned for a window envelope), the date and references, the heading, the body,
 * the appointment's details, how to prepare, and how to change or cancel.
 */

export const LETTER_FORMATS = ['standard', 'large-print', 'easy-read', 'braille'] as const;
export type LetterFormat = (typeof LETTER_FORMATS)[number];

export interface LetterContent {
  /** The sending trust. */
  trust: { name: string; department: string; addressLines: string[]; phone: string; website: string };
  /** Recipient name and address lines, postcode last (at least 3 lines, as GOV.UK Notify requires). */
  recipient: { name: string; addressLines: string[] };
  /** The date the letter is written (YYYY-MM-DD, London). */
  date: string;
  /** NHS number and hospital number, shown under the date. */
  references: { label: string; value: string }[];
  heading: string;
  /** The rendered template, one entry per paragraph. */
  paragraphs: string[];
  /** The appointment the letter is about, as label and value rows (date, time, place, clinic, clinician). */
  appointment?: { label: string; value: string }[];
  /** How to prepare for it. */
  preparation?: string[];
  /** How to change or cancel: always told when there is an appointment. */
  changeOrCancel?: string;
  /** Large print: 16 pt and above; easy read: short lines, larger type; braille: printed for the braille provider. */
  format: LetterFormat;
  /** Notes for the person who prints and posts (an interpreter language noted, braille needed): never shown. */
  handling?: string[];
}
