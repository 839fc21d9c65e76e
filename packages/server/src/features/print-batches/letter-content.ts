/**
 * A stored letter's content rebuilt from the database, for `drawLetter`: the heading and paragraphs as rendered
 * when it was sent (`rendered_subject`, `rendered_body`), the recipient from the patient's record, the
 * appointment's details from the appointment, its slot, location, specialty and clinician, and the trust from
 * the organisation. A print batch draws each of its letters from this.
 */
import { and, eq, inArray } from 'drizzle-orm';
import {
  LONDON,
  formatUkDateLong,
  londonDateOfEpochMilliseconds,
  parsePlainDate,
  type LetterContent,
  type LetterFormat,
  LETTER_FORMATS,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import {
  appointments,
  clinicians,
  type communications,
  locations,
  organisations,
  pathways,
  patients,
  slots,
  specialties,
} from '../../db/schema';

type CommunicationRow = typeof communications.$inferSelect;
type PatientRow = typeof patients.$inferSelect;

/**
 * The trust's telephone number and website: not kept in the database yet (organisations hold a name only), so
 * the same for every trust until they are.
 */
export const TRUST_CONTACT = {
  phone: '0113 496 0000',
  website: 'www.nhs.uk',
  department: 'Outpatient appointments',
} as const;

/** Letters about an appointment to come to: they say how to prepare and how to change or cancel. */
const TO_ATTEND = new Set(['appointment-booked', 'appointment-moved', 'appointment-reminder']);

/** How to prepare for an outpatient appointment: the same for every letter about one. */
export const PREPARATION = [
  'Bring a list of the medicines you take, or the medicines themselves.',
  'Bring your glasses or hearing aids if you use them.',
  'Arrive 10 minutes before your appointment time.',
  'You can bring someone with you.',
] as const;

export const changeOrCancelText = (phone: string): string =>
  `Please call us on ${phone} as soon as you can, Monday to Friday, 9am to 5pm. ` +
  'We can then give your appointment to someone else. ' +
  'If you do not come and do not tell us, you may be sent back to your GP.';

/** `rendered_body` as paragraphs: split on blank lines, single line breaks kept. */
export function paragraphsOf(body: string | null): string[] {
  if (!body) return [];
  return body
    .replace(/\r\n/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

export function recipientName(p: Pick<PatientRow, 'title' | 'givenName' | 'familyName'>): string {
  return [p.title, p.givenName, p.familyName].filter((s) => s && s.trim().length > 0).join(' ');
}

/** Address lines, postcode last. */
export function addressLinesOf(
  p: Pick<PatientRow, 'addressLine1' | 'addressLine2' | 'town' | 'postcode'>,
): string[] {
  return [p.addressLine1, p.addressLine2, p.town, p.postcode].filter(
    (s): s is string => typeof s === 'string' && s.trim().length > 0,
  );
}

/** `10:30am`, `2pm`, in London. */
const LONDON_CLOCK = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export function londonTime(at: Date): string {
  const parts = LONDON_CLOCK.formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  const suffix = hour < 12 ? 'am' : 'pm';
  return minute === 0 ? `${h12}${suffix}` : `${h12}:${String(minute).padStart(2, '0')}${suffix}`;
}

const asFormat = (f: string): LetterFormat =>
  (LETTER_FORMATS as readonly string[]).includes(f) ? (f as LetterFormat) : 'standard';

/** The content of each letter (same order as `rows`), loading what they need in a few queries. */
export async function letterContentsFromRows(
  db: Database,
  orgId: string,
  rows: readonly CommunicationRow[],
): Promise<LetterContent[]> {
  if (rows.length === 0) return [];
  const unique = <T>(xs: (T | null | undefined)[]) => [...new Set(xs.filter((x): x is T => x != null))];
  const [org] = await db.select().from(organisations).where(eq(organisations.orgId, orgId));
  const patientRows = await db
    .select()
    .from(patients)
    .where(and(eq(patients.orgId, orgId), inArray(patients.id, unique(rows.map((r) => r.patientId)))));
  const appointmentIds = unique(rows.map((r) => r.appointmentId));
  const appointmentRows =
    appointmentIds.length === 0
      ? []
      : await db
          .select({
            id: appointments.id,
            startsAt: appointments.startsAt,
            pathwayId: appointments.pathwayId,
            locationId: slots.locationId,
            specialtyCode: slots.specialtyCode,
            clinicianId: slots.clinicianId,
          })
          .from(appointments)
          .innerJoin(slots, and(eq(slots.orgId, appointments.orgId), eq(slots.id, appointments.slotId)))
          .where(and(eq(appointments.orgId, orgId), inArray(appointments.id, appointmentIds)));
  const pathwayIds = unique([...rows.map((r) => r.pathwayId), ...appointmentRows.map((a) => a.pathwayId)]);
  const pathwayRows =
    pathwayIds.length === 0
      ? []
      : await db
          .select({ id: pathways.id, specialtyCode: pathways.specialtyCode })
          .from(pathways)
          .where(and(eq(pathways.orgId, orgId), inArray(pathways.id, pathwayIds)));
  const specialtyRows = await db.select().from(specialties).where(eq(specialties.orgId, orgId));
  const locationRows = await db.select().from(locations).where(eq(locations.orgId, orgId));
  const clinicianIds = unique(appointmentRows.map((a) => a.clinicianId));
  const clinicianRows =
    clinicianIds.length === 0
      ? []
      : await db
          .select()
          .from(clinicians)
          .where(and(eq(clinicians.orgId, orgId), inArray(clinicians.id, clinicianIds)));

  const patientById = new Map(patientRows.map((p) => [p.id, p]));
  const appointmentById = new Map(appointmentRows.map((a) => [a.id, a]));
  const specialtyName = new Map(specialtyRows.map((s) => [s.code, s.name]));
  const pathwaySpecialty = new Map(pathwayRows.map((p) => [p.id, p.specialtyCode]));
  const locationById = new Map(locationRows.map((l) => [l.id, l]));
  const clinicianById = new Map(clinicianRows.map((c) => [c.id, c]));
  const trustName = org?.name ?? 'NHS Trust';

  return rows.map((row): LetterContent => {
    const patient = patientById.get(row.patientId);
    if (!patient) throw new Error(`letter ${row.id}: its patient is missing`);
    const appt = row.appointmentId ? appointmentById.get(row.appointmentId) : undefined;
    const specialtyCode =
      appt?.specialtyCode ?? (row.pathwayId ? pathwaySpecialty.get(row.pathwayId) : undefined);
    const specialty = specialtyCode ? specialtyName.get(specialtyCode) : undefined;
    const location = appt ? locationById.get(appt.locationId) : locationRows[0];
    const format = asFormat(row.format);

    const appointment: { label: string; value: string }[] | undefined = appt
      ? [
          {
            label: 'Date',
            value: formatUkDateLong(parsePlainDate(londonDateOfEpochMilliseconds(appt.startsAt.getTime()))),
          },
          { label: 'Time', value: londonTime(appt.startsAt) },
          ...(location
            ? [
                {
                  label: 'Place',
                  value: `${location.name}, ${location.site}, ${location.addressLine}, ${location.postcode}`,
                },
              ]
            : []),
          ...(specialty ? [{ label: 'Clinic', value: specialty }] : []),
          ...(appt.clinicianId && clinicianById.get(appt.clinicianId)
            ? [
                {
                  label: 'Clinician',
                  value: (() => {
                    const c = clinicianById.get(appt.clinicianId)!;
                    return `${c.title} ${c.givenName} ${c.familyName}`;
                  })(),
                },
              ]
            : []),
        ]
      : undefined;

    const handling: string[] = [];
    if (format === 'braille') handling.push('Braille: transcribe before posting');
    if (format === 'large-print') handling.push('Large print');
    if (format === 'easy-read') handling.push('Easy read');
    if (patient.interpreterLanguage) handling.push(`Interpreter language: ${patient.interpreterLanguage}`);

    // A GP's copy never carries the patient's home address: we hold the practice's ODS code, not its address, so
    // the print room addresses it from the practice code (or it goes electronically).
    const toGp = row.recipient === 'gp';
    const recipient = toGp
      ? {
          name: 'The GP practice',
          addressLines: [
            patient.gpPracticeCode ? `Practice code ${patient.gpPracticeCode}` : 'Practice not recorded',
          ],
        }
      : { name: recipientName(patient), addressLines: addressLinesOf(patient) };
    if (toGp) {
      handling.push(
        patient.gpPracticeCode
          ? `GP copy: address it to practice ${patient.gpPracticeCode} before posting`
          : 'GP copy: the patient has no GP practice recorded',
      );
    }

    const withAppointment = appt !== undefined && TO_ATTEND.has(row.kind);
    return {
      trust: {
        name: trustName,
        department: specialty ? `${specialty} outpatients` : TRUST_CONTACT.department,
        addressLines: location ? [location.site, location.addressLine, location.postcode] : [],
        phone: TRUST_CONTACT.phone,
        website: TRUST_CONTACT.website,
      },
      recipient,
      date: londonDateOfEpochMilliseconds((row.statusAt ?? row.createdAt).getTime()),
      references: [
        { label: 'NHS number', value: patient.nhsNumber },
        { label: 'Hospital number', value: patient.mrn },
      ],
      heading: row.renderedSubject ?? 'A letter about your care',
      paragraphs: paragraphsOf(row.renderedBody),
      ...(appointment ? { appointment } : {}),
      ...(withAppointment ? { preparation: [...PREPARATION] } : {}),
      ...(withAppointment ? { changeOrCancel: changeOrCancelText(TRUST_CONTACT.phone) } : {}),
      format,
      ...(handling.length > 0 ? { handling } : {}),
    };
  });
}

/** One stored letter's content. */
export async function letterContentFromRow(
  db: Database,
  orgId: string,
  row: CommunicationRow,
): Promise<LetterContent> {
  const [content] = await letterContentsFromRows(db, orgId, [row]);
  return content!;
}
