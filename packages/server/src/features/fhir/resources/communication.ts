/**
 * Communication (base R4: UK Core's profile is still a draft): the letters, texts and emails sent or queued
 * for patients (`communications`), read and searched. What a message said (its rendered subject and body) is
 * never served: only that it was sent, how, when, to whom and what about. Every message returned is recorded
 * in the audit log.
 *
 * The mapping:
 * - `status` (event-status) from our delivery status, and `statusReason` with our own status
 *   (https://pathflow.dev/CodeSystem/communication-status) wherever the FHIR status alone does not say it:
 *   queued → preparation; sending → in-progress; sent → completed for a letter (in the outbox or a print batch:
 *   all we will know) but in-progress for a text or email (handed to GOV.UK Notify, delivery not yet
 *   confirmed); delivered → completed; temporary-failure → on-hold (it will be tried again);
 *   permanent-failure and technical-failure → stopped (tried, and it did not reach the patient);
 *   cancelled (what it was about was undone first) and suppressed (the patient's needs rule the channel out)
 *   → not-done (never sent).
 * - `medium` (v3 ParticipationMode): letter → MAILWRIT, email → EMAILWRIT, SMS → WRITTEN (the value set has
 *   no code for a text message, so its text says so). The format (large print, easy read, braille) is in the text.
 * - `category`: the kind of message (https://pathflow.dev/CodeSystem/communication-kind).
 * - `subject`: the patient; `recipient`: the patient, or their GP practice (by ODS code) for a GP's copy;
 *   `sender`: the trust; `about`: the appointment; `sent`: when it was sent.
 */
import { and, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { CodeableConcept, Communication, Reference } from 'fhir/r4';
import type { Database } from '../../../db/client';
import { communications, patients } from '../../../db/schema';
import { COMMUNICATION_KINDS } from '../../communications/outbox';
import type { FhirResourceModule } from '../module';
import { PROFILES, SYSTEMS, metaOf, ref } from '../resource';
import { checkIncludes, instantRange, type SearchParams } from '../search';
import { codeFilter, onePage, readAudited, referenceFilter, searchAudited, statusFilter } from './shared';

type Row = typeof communications.$inferSelect;

type EventStatus = Communication['status'];

/** Our delivery status (and channel, for `sent`) as FHIR's event status: see the module comment. */
export function communicationStatus(status: string, channel: string): EventStatus {
  switch (status) {
    case 'queued':
      return 'preparation';
    case 'sending':
      return 'in-progress';
    case 'sent':
      return channel === 'letter' ? 'completed' : 'in-progress';
    case 'delivered':
      return 'completed';
    case 'temporary-failure':
      return 'on-hold';
    case 'permanent-failure':
    case 'technical-failure':
      return 'stopped';
    case 'cancelled':
    case 'suppressed':
      return 'not-done';
    default:
      return 'unknown';
  }
}

const EVENT_STATUSES = [
  'preparation',
  'in-progress',
  'not-done',
  'on-hold',
  'stopped',
  'completed',
  'entered-in-error',
  'unknown',
];

/** Statuses the FHIR status alone leaves open, told in `statusReason`. */
const REASONED = new Set([
  'sent',
  'temporary-failure',
  'permanent-failure',
  'technical-failure',
  'cancelled',
  'suppressed',
]);

const FORMAT_TEXT: Record<string, string> = {
  'large-print': 'large print',
  'easy-read': 'easy read',
  braille: 'braille',
};

function mediumOf(channel: string, format: string): CodeableConcept {
  const [code, display, text] =
    channel === 'letter'
      ? ['MAILWRIT', 'mail', 'Letter']
      : channel === 'email'
        ? ['EMAILWRIT', 'email', 'Email']
        : channel === 'sms'
          ? ['WRITTEN', 'written', 'Text message (SMS)']
          : ['WRITTEN', 'written', channel];
  const inFormat = FORMAT_TEXT[format];
  return {
    coding: [{ system: SYSTEMS.participationMode, code, display }],
    text: inFormat ? `${text}, ${inFormat}` : text,
  };
}

interface Joined {
  /** The message's id (what the audit names). */
  id: string;
  message: Row;
  gpPracticeCode: string | null;
}

function recipientOf({ message, gpPracticeCode }: Joined): Reference {
  if (message.recipient === 'gp') {
    return gpPracticeCode
      ? { type: 'Organization', identifier: { system: SYSTEMS.odsOrganisation, value: gpPracticeCode } }
      : { type: 'Organization', display: "The patient's GP practice" };
  }
  return ref('Patient', message.patientId);
}

export function communicationResource(row: Joined): Communication {
  const m = row.message;
  const resource: Communication = {
    resourceType: 'Communication',
    id: m.id,
    meta: metaOf('Communication', m),
    status: communicationStatus(m.status, m.channel),
  };
  if (REASONED.has(m.status)) {
    resource.statusReason = { coding: [{ system: SYSTEMS.communicationStatus, code: m.status }] };
  }
  resource.category = [{ coding: [{ system: SYSTEMS.communicationKind, code: m.kind }] }];
  resource.medium = [mediumOf(m.channel, m.format)];
  resource.subject = ref('Patient', m.patientId);
  if (m.appointmentId) resource.about = [ref('Appointment', m.appointmentId)];
  if (m.sentAt) resource.sent = m.sentAt.toISOString();
  resource.recipient = [recipientOf(row)];
  resource.sender = ref('Organization', m.orgId);
  return resource;
}

/** The organisation's messages (with the patient's GP practice) that meet `where`. */
function selectMessages(db: Database, orgId: string, where: SQL[]) {
  return db
    .select({ id: communications.id, message: communications, gpPracticeCode: patients.gpPracticeCode })
    .from(communications)
    .leftJoin(
      patients,
      and(eq(patients.orgId, communications.orgId), eq(patients.id, communications.patientId)),
    )
    .where(and(eq(communications.orgId, orgId), ...where));
}

function statusCondition(code: string): SQL {
  const s = communications.status;
  switch (code) {
    case 'preparation':
      return eq(s, 'queued');
    case 'in-progress':
      return or(eq(s, 'sending'), and(eq(s, 'sent'), sql`${communications.channel} <> 'letter'`))!;
    case 'completed':
      return or(eq(s, 'delivered'), and(eq(s, 'sent'), eq(communications.channel, 'letter')))!;
    case 'on-hold':
      return eq(s, 'temporary-failure');
    case 'stopped':
      return inArray(s, ['permanent-failure', 'technical-failure']);
    case 'not-done':
      return inArray(s, ['cancelled', 'suppressed']);
    default:
      return sql`false`;
  }
}

function sentFilter(params: SearchParams): SQL[] {
  const bounds = params.dates('sent');
  if (bounds.length === 0) return [];
  const { from, to } = instantRange('sent', bounds);
  const out: SQL[] = [sql`${communications.sentAt} is not null`];
  if (from !== undefined) out.push(gte(communications.sentAt, new Date(from)));
  if (to !== undefined) out.push(lt(communications.sentAt, new Date(to)));
  return out;
}

/** Newest first: by when the message was made. */
const NEWEST_FIRST = [desc(communications.createdAt), desc(communications.id)];

export const communicationModule: FhirResourceModule = {
  type: 'Communication',
  profile: PROFILES.Communication,
  read: 'Communication.read',
  documentation:
    'Letters, text messages and emails sent or queued for patients: how, when, to whom and what about, never what they said. Status: preparation (queued), in-progress (being sent; a text or email not yet confirmed delivered), completed (delivered, or a letter sent), on-hold (to be tried again), stopped (failed), not-done (cancelled or suppressed); statusReason gives our own status. Every message returned is recorded in the audit log.',
  searchParams: [
    { name: 'patient', type: 'reference', documentation: 'The patient the message is about (Patient/<id>)' },
    {
      name: 'status',
      type: 'token',
      documentation: 'preparation, in-progress, completed, on-hold, stopped or not-done',
    },
    {
      name: 'sent',
      type: 'date',
      documentation: 'When it was sent (eq, ge, gt, le, lt; a date is a London day)',
    },
    {
      name: 'category',
      type: 'token',
      documentation: `The kind of message (${SYSTEMS.communicationKind}|appointment-booked)`,
    },
  ],

  readById: (db, ctx, id) =>
    readAudited(
      db,
      ctx,
      'Communication',
      async (tx) => (await selectMessages(tx, ctx.principal.orgId, [eq(communications.id, id)]))[0],
      (row) => row.message.patientId,
      communicationResource,
    ),

  search(db, ctx, params) {
    checkIncludes(params, []);
    const where: SQL[] = [
      ...referenceFilter(params, ['patient'], 'Patient', communications.patientId),
      ...statusFilter(params, EVENT_STATUSES, statusCondition),
      ...sentFilter(params),
      ...codeFilter(params, 'category', SYSTEMS.communicationKind, communications.kind, (code) =>
        (COMMUNICATION_KINDS as readonly string[]).includes(code)
          ? undefined
          : `"${code}" is not a kind of message: use one of ${COMMUNICATION_KINDS.join(', ')}`,
      ),
    ];
    return searchAudited(
      db,
      ctx,
      'Communication',
      params,
      (tx) => onePage(selectMessages(tx, ctx.principal.orgId, where).orderBy(...NEWEST_FIRST), params),
      (row) => row.message.patientId,
      communicationResource,
    );
  },
};
