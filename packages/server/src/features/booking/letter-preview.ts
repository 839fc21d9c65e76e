/**
 * The letter a booking would send, before it is made (`POST /appointments/letter-preview`): what booking the
 * pathway into the slot would queue (an 'appointment-booked' letter, `bookInTx`) rendered the way delivery
 * renders it (`communications/delivery.ts`): the channels the patient's needs and contact details allow (core
 * `chooseChannels` under the access policy in force), the letter's format, the template version in force, the
 * fields from the same loader (`loadBatchFacts`, `fieldValues`), the interpreter sentence, and the letter laid
 * out as the print batch draws it (`letterContentsFromRows`). Nothing is written but the audit row (a read of
 * the patient's record): a template the organisation has not stored yet is read from core's defaults, not
 * stored, and no message, appointment or hold is made.
 *
 * Delivery's own rendering is not exported (it is inside its claim step), so the few lines that turn a template
 * and the facts into text are repeated here; the API test compares this preview with what a real booking's
 * letter, SMS and email became after delivery, so the two cannot drift apart unnoticed.
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import {
  acceptedSlotTypes,
  chooseChannels,
  defaultTemplate,
  formatUkDateLong,
  isReasonableOffer,
  londonDateOfEpochMilliseconds,
  offerNoticeDays,
  parsePlainDate,
  renderTemplate,
  templateFormatFor,
  type Channel,
  type LetterContent,
  type LetterFormat,
  type RttPriority,
  type SlotType,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import {
  appointments,
  clinicians,
  communicationTemplates,
  locations,
  pathways,
  patients,
  slots,
} from '../../db/schema';
import { audit } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError, notFound } from '../../errors';
import { londonToday } from '../../clock';
import { accessPolicyOn } from '../access-policy/service';
import { fieldValues, loadBatchFacts, type CommunicationRow } from '../communications/message-data';
import {
  PREPARATION,
  TRUST_CONTACT,
  addressLinesOf,
  changeOrCancelText,
  londonTime,
  paragraphsOf,
  recipientName,
} from '../print-batches/letter-content';

export interface LetterPreviewInput {
  pathwayId: string;
  slotId: string;
}

export interface PreviewMessage {
  channel: Channel;
  format: string;
  /** The mobile number or email address it would go to; null for a letter (posted to the address). */
  to: string | null;
  subject: string | null;
  /** The text as delivery would render it; null when a field it needs is missing (it would fail). */
  body: string | null;
  /** Fields the template needs that the record does not have: delivery would fail this message. */
  missingFields: string[];
}

export interface LetterPreview {
  pathwayId: string;
  slotId: string;
  kind: 'appointment-booked';
  noticeDays: number;
  reasonable: boolean;
  recipient: { name: string; addressLines: string[] };
  /** The letter as it would be printed; null when the patient has asked for email only. */
  letter: LetterContent | null;
  /** Every message that would go, the letter first, then the SMS and the email that follow it. */
  messages: PreviewMessage[];
  /** Channels that would not be used, and why (core `chooseChannels`: no mobile, needs, policy). */
  notSent: { channel: Channel; reason: string }[];
}

const KIND = 'appointment-booked' as const;
const CHANNELS: readonly Channel[] = ['letter', 'sms', 'email'];

const rule = (field: string, message: string): AppError =>
  new AppError('booking_rule_violation', message, { errors: [{ field, message }] });
const unavailable = (message: string): AppError =>
  new AppError('slot_unavailable', message, { errors: [{ field: '/body/slotId', message }] });

/** The template delivery would use now: the latest stored version, or core's default (read, never stored). */
async function templateInForce(
  tx: Database,
  orgId: string,
  channel: Channel,
  format: LetterFormat,
): Promise<{ subject: string | null; body: string } | undefined> {
  const f = templateFormatFor(channel, format);
  const [row] = await tx
    .select({ subject: communicationTemplates.subject, body: communicationTemplates.body })
    .from(communicationTemplates)
    .where(
      and(
        eq(communicationTemplates.orgId, orgId),
        eq(communicationTemplates.kind, KIND),
        eq(communicationTemplates.channel, channel),
        eq(communicationTemplates.format, f),
      ),
    )
    .orderBy(desc(communicationTemplates.version))
    .limit(1);
  if (row) return row;
  const d = defaultTemplate(KIND, channel, f);
  return d ? { subject: d.subject, body: d.body } : undefined;
}

export async function letterPreview(
  db: Database,
  ctx: RequestContext,
  input: LetterPreviewInput,
): Promise<LetterPreview> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  return db.transaction(async (tx) => {
    const [pathway] = await tx
      .select()
      .from(pathways)
      .where(and(eq(pathways.orgId, orgId), eq(pathways.id, input.pathwayId)));
    if (!pathway) throw notFound('Pathway');
    const [slot] = await tx
      .select()
      .from(slots)
      .where(and(eq(slots.orgId, orgId), eq(slots.id, input.slotId)));
    if (!slot) throw notFound('Slot');
    const [patient] = await tx
      .select()
      .from(patients)
      .where(and(eq(patients.orgId, orgId), eq(patients.id, pathway.patientId)));
    if (!patient) throw notFound('Patient');

    // The checks booking makes of the slot and the pathway alone, in its order, with its wording.
    if (slot.status !== 'open') {
      throw unavailable('The clinic for this slot has been cancelled: choose another slot');
    }
    if (slot.startsAt.getTime() <= ctx.now.getTime()) {
      throw rule('/body/slotId', 'This slot has already started: choose a slot in the future');
    }
    if (pathway.status !== 'open') {
      throw rule('/body/pathwayId', 'This pathway is closed: it has no appointment to book');
    }
    if (pathway.specialtyCode !== slot.specialtyCode) {
      throw rule(
        '/body/slotId',
        `This slot is in specialty ${slot.specialtyCode}, but the pathway is in specialty ${pathway.specialtyCode}`,
      );
    }
    const own = await tx
      .select({ status: appointments.status })
      .from(appointments)
      .where(and(eq(appointments.orgId, orgId), eq(appointments.pathwayId, pathway.id)));
    const stage = own.some((a) => a.status === 'attended') ? 'follow-up' : 'first';
    const accepted = acceptedSlotTypes({
      priority: pathway.priority as RttPriority,
      clinicType: pathway.clinicType,
      stage,
    });
    if (!accepted.includes(slot.slotType as SlotType)) {
      throw rule(
        '/body/slotId',
        `A ${slot.slotType} slot does not suit this ${stage === 'first' ? `${pathway.priority} first` : 'follow-up'} appointment: use a ${accepted.join(' or ')} slot`,
      );
    }
    if (own.some((a) => a.status === 'booked')) {
      throw new AppError(
        'conflict',
        'This pathway already has an appointment booked: reschedule that appointment instead',
        { errors: [{ field: '/body/pathwayId', message: 'already has an appointment booked' }] },
      );
    }
    if (slot.booked + slot.held >= slot.capacity) {
      throw unavailable('This slot is fully booked: choose another slot');
    }

    const slotDate = londonDateOfEpochMilliseconds(slot.startsAt.getTime());
    const offer = { madeOn: today, offeredFor: slotDate };
    const noticeDays = offerNoticeDays(offer);
    const reasonable = isReasonableOffer(offer);

    // The letter bookInTx would queue, as a row that is never written: no appointment yet, so the loader finds
    // the slot through the detail (as it does for a short-notice offer).
    const row: CommunicationRow = {
      orgId,
      versionId: 1,
      lastUpdated: ctx.now,
      id: randomUUID(),
      patientId: pathway.patientId,
      pathwayId: pathway.id,
      appointmentId: null,
      kind: KIND,
      channel: 'letter',
      status: 'queued',
      detail: {
        slotId: slot.id,
        startsAt: slot.startsAt.toISOString(),
        endsAt: slot.endsAt.toISOString(),
        noticeDays,
        reasonableOffer: reasonable,
      },
      recipient: 'patient',
      format: 'standard',
      dedupeKey: null,
      sendAfter: null,
      templateId: null,
      templateVersion: null,
      renderedSubject: null,
      renderedBody: null,
      provider: null,
      providerRef: null,
      letterFile: null,
      printBatchId: null,
      attempts: 0,
      lastError: null,
      sentAt: null,
      statusAt: null,
      createdBy: ctx.principal.id,
      createdAt: ctx.now,
    };
    const { trustName, messages: facts } = await loadBatchFacts(tx, orgId, [row]);
    const values = fieldValues(trustName, facts[0]!);
    const policy = await accessPolicyOn(tx, orgId, today);
    const choice = chooseChannels({
      needs: patient.communicationNeeds,
      phone: patient.phone,
      email: patient.email,
      interpreterLanguage: patient.interpreterLanguage,
      policy: policy.communications,
    });

    const messages: PreviewMessage[] = [];
    const notSent: LetterPreview['notSent'] = [];
    for (const channel of CHANNELS) {
      if (!choice[channel]) {
        notSent.push({ channel, reason: choice.ruledOut[channel] ?? 'ruled-out' });
        continue;
      }
      const format: LetterFormat = channel === 'letter' ? choice.letterFormat : 'standard';
      const template = await templateInForce(tx, orgId, channel, format);
      if (!template) {
        notSent.push({ channel, reason: 'no-template' });
        continue;
      }
      const body = renderTemplate(template.body, values);
      const subject = template.subject === null ? null : renderTemplate(template.subject, values);
      const missing = [...(body.ok ? [] : body.missing), ...(subject && !subject.ok ? subject.missing : [])];
      let text = body.ok ? body.text : null;
      if (text !== null && channel === 'letter' && choice.interpreterLanguage) {
        text += `\n\nYou told us you need an interpreter who speaks ${choice.interpreterLanguage}. We will book one to be with you at your appointment. There is no charge.`;
      }
      messages.push({
        channel,
        format,
        to: channel === 'sms' ? patient.phone : channel === 'email' ? patient.email : null,
        subject: subject?.ok ? subject.text : null,
        body: missing.length > 0 ? null : text,
        missingFields: [...new Set(missing)],
      });
    }

    const recipient = { name: recipientName(patient), addressLines: addressLinesOf(patient) };
    const printed = messages.find((m) => m.channel === 'letter');
    const letter = printed
      ? await letterLayout(tx, orgId, {
          trustName,
          slot,
          specialtyName: facts[0]!.specialtyName,
          patient,
          recipient,
          today,
          heading: printed.subject ?? 'A letter about your care',
          body: printed.body,
          format: printed.format as LetterFormat,
        })
      : null;

    await audit(tx, ctx, {
      action: 'Booking.letterPreview',
      resourceType: 'Patient',
      resourceId: patient.id,
      patientId: patient.id,
      detail: { pathwayId: pathway.id, slotId: slot.id },
    });
    return {
      pathwayId: pathway.id,
      slotId: slot.id,
      kind: KIND,
      noticeDays,
      reasonable,
      recipient,
      letter,
      messages,
      notSent,
    };
  });
}

/** The letter laid out as `letterContentsFromRows` lays out a booked appointment's letter. */
async function letterLayout(
  tx: Database,
  orgId: string,
  p: {
    trustName: string;
    slot: typeof slots.$inferSelect;
    specialtyName: string | null;
    patient: typeof patients.$inferSelect;
    recipient: { name: string; addressLines: string[] };
    today: string;
    heading: string;
    body: string | null;
    format: LetterFormat;
  },
): Promise<LetterContent> {
  const [location] = await tx
    .select()
    .from(locations)
    .where(and(eq(locations.orgId, orgId), eq(locations.id, p.slot.locationId)));
  const [clinician] =
    p.slot.clinicianId === null
      ? []
      : await tx
          .select()
          .from(clinicians)
          .where(and(eq(clinicians.orgId, orgId), eq(clinicians.id, p.slot.clinicianId)));
  const appointment = [
    {
      label: 'Date',
      value: formatUkDateLong(parsePlainDate(londonDateOfEpochMilliseconds(p.slot.startsAt.getTime()))),
    },
    { label: 'Time', value: londonTime(p.slot.startsAt) },
    ...(location
      ? [
          {
            label: 'Place',
            value: `${location.name}, ${location.site}, ${location.addressLine}, ${location.postcode}`,
          },
        ]
      : []),
    ...(p.specialtyName ? [{ label: 'Clinic', value: p.specialtyName }] : []),
    ...(clinician
      ? [{ label: 'Clinician', value: `${clinician.title} ${clinician.givenName} ${clinician.familyName}` }]
      : []),
  ];
  const handling: string[] = [];
  if (p.format === 'braille') handling.push('Braille: transcribe before posting');
  if (p.format === 'large-print') handling.push('Large print');
  if (p.format === 'easy-read') handling.push('Easy read');
  if (p.patient.interpreterLanguage) handling.push(`Interpreter language: ${p.patient.interpreterLanguage}`);
  return {
    trust: {
      name: p.trustName,
      department: p.specialtyName ? `${p.specialtyName} outpatients` : TRUST_CONTACT.department,
      addressLines: location ? [location.site, location.addressLine, location.postcode] : [],
      phone: TRUST_CONTACT.phone,
      website: TRUST_CONTACT.website,
    },
    recipient: p.recipient,
    date: p.today,
    references: [
      { label: 'NHS number', value: p.patient.nhsNumber },
      { label: 'Hospital number', value: p.patient.mrn },
    ],
    heading: p.heading,
    paragraphs: paragraphsOf(p.body),
    appointment,
    preparation: [...PREPARATION],
    changeOrCancel: changeOrCancelText(TRUST_CONTACT.phone),
    format: p.format,
    ...(handling.length > 0 ? { handling } : {}),
  };
}
