/**
 * Requests and responses of the waiting-list validation routes (spec §2.6), as TypeBox schemas: Fastify checks
 * requests against them (a bad field is a 400 naming `/body/<field>`), serialises responses with them, and the
 * OpenAPI description is generated from them.
 */
import { Type, type Static } from '@sinclair/typebox';
import { VALIDATION_DUE_REASONS, VALIDATION_RESPONSES } from '@pathflow/core';
import { Nullable, Uuid, PageOffset } from '../../http/schemas';

const IsoDate = (description = 'YYYY-MM-DD') => Type.String({ format: 'date', description });
const StringEnum = <T extends string>(values: readonly T[], description: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], description });

/** How a validation contact or reminder was sent. */
export const VALIDATION_CHANNELS = ['letter', 'sms', 'email', 'phone', 'nhs-app'] as const;
export type ValidationChannel = (typeof VALIDATION_CHANNELS)[number];

/** A contact's place in its work: drawn, waiting for the patient, the patient has answered, finished. */
export const CONTACT_STATUSES = ['to-contact', 'awaiting-reply', 'replied', 'closed'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

/** How a validation finished (on a closed contact). */
export const CONTACT_OUTCOMES = ['kept', 'postponed', 'removed', 'removal-declined'] as const;
export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number];

/** What to do next with a contact. */
export const NEXT_ACTIONS = [
  'send-contact',
  'wait-for-reply',
  'send-reminder',
  'follow-up-non-responder',
  'confirm-removal',
  'none',
] as const;
export type NextActionKind = (typeof NEXT_ACTIONS)[number];

/** The tasks core's `validationResponseOutcome` gives for a reply. */
const TASKS = ['none', 'confirm-removal', 'record-patient-delay', 'follow-up-non-responder'] as const;

const Reasons = Type.Array(
  StringEnum(VALIDATION_DUE_REASONS, 'Why validation is due (12, 26 and 52 weeks; contact every 12 weeks)'),
);

const PatientSummary = Type.Object({
  id: Uuid,
  nhsNumber: Type.String({ pattern: '^[0-9]{10}$' }),
  name: Type.String({ description: 'Family, Given' }),
});

// ---------------------------------------------------------------------------------------------- the due list

export const DueQuery = Type.Object(
  {
    specialty: Type.Optional(
      Type.String({ minLength: 1, maxLength: 10, description: 'Treatment function code, e.g. 110' }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
    offset: PageOffset,
  },
  { additionalProperties: false },
);
export type DueQuery = Static<typeof DueQuery>;

export const DueRow = Type.Object({
  pathwayId: Uuid,
  ppid: Type.String(),
  patient: PatientSummary,
  specialty: Type.Object({ code: Type.String(), name: Type.String() }),
  clockStart: IsoDate('Start of the running RTT clock'),
  daysWaited: Type.Integer(),
  weeksWaited: Type.Integer({ description: 'Completed weeks' }),
  dueOn: IsoDate('The earliest date from which validation has been due'),
  reasons: Reasons,
  lastValidatedOn: Nullable(IsoDate()),
  lastContactOn: Nullable(IsoDate()),
  openContact: Nullable(
    Type.Object(
      {
        batchId: Uuid,
        status: StringEnum(CONTACT_STATUSES, 'Where the contact has got to'),
      },
      { description: 'The unfinished validation contact the pathway is already in, if any' },
    ),
  ),
});
export type DueRow = Static<typeof DueRow>;

export const DuePage = Type.Object({
  asOf: IsoDate('The day the list is read (today in London)'),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  rows: Type.Array(DueRow),
});
export type DuePage = Static<typeof DuePage>;

// ------------------------------------------------------------------------------------------------- batches

export const NewBatchBody = Type.Object(
  {
    specialtyCode: Type.Optional(
      Type.String({ minLength: 1, maxLength: 10, description: 'Only pathways of this specialty' }),
    ),
    size: Type.Integer({ minimum: 1, maximum: 500, description: 'At most this many pathways' }),
  },
  { additionalProperties: false },
);
export type NewBatchBody = Static<typeof NewBatchBody>;

export const BatchListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    offset: PageOffset,
  },
  { additionalProperties: false },
);
export type BatchListQuery = Static<typeof BatchListQuery>;

const StatusCounts = Type.Object({
  toContact: Type.Integer(),
  awaitingReply: Type.Integer(),
  replied: Type.Integer(),
  closed: Type.Integer(),
});
export type StatusCounts = Static<typeof StatusCounts>;

export const BatchSummary = Type.Object({
  id: Uuid,
  asOf: IsoDate('The day the batch was drawn: who was due on it'),
  specialtyCode: Nullable(Type.String()),
  size: Type.Integer({ description: 'Pathways in the batch' }),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  counts: StatusCounts,
});
export type BatchSummary = Static<typeof BatchSummary>;

export const BatchList = Type.Object({
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  batches: Type.Array(BatchSummary),
});
export type BatchList = Static<typeof BatchList>;

export const ContactView = Type.Object({
  batchId: Uuid,
  pathwayId: Uuid,
  ppid: Type.String(),
  patient: PatientSummary,
  specialtyCode: Type.String(),
  clockStart: Nullable(IsoDate('Start of the running RTT clock; null once the clock has stopped')),
  dueOn: IsoDate('When validation fell due'),
  reasons: Reasons,
  status: StringEnum(CONTACT_STATUSES, 'to-contact, awaiting-reply, replied (awaiting a decision), closed'),
  channel: Nullable(StringEnum(VALIDATION_CHANNELS, 'How the first contact was sent')),
  sentOn: Nullable(IsoDate()),
  reminderSentOn: Nullable(IsoDate()),
  response: Nullable(StringEnum(VALIDATION_RESPONSES, "The patient's reply")),
  respondedOn: Nullable(IsoDate()),
  outcome: Nullable(StringEnum(CONTACT_OUTCOMES, 'How the validation finished')),
  outcomeOn: Nullable(IsoDate()),
  decidedByClinicianId: Nullable(Uuid),
  note: Nullable(Type.String()),
  remainsOnList: Type.Boolean({
    description: 'Still on the waiting list: true unless a clinician confirmed a removal',
  }),
  task: Nullable(StringEnum(TASKS, 'What the reply leads to (core validationResponseOutcome)')),
  nextAction: Type.Object({
    action: StringEnum(NEXT_ACTIONS, 'What to do next'),
    label: Type.String(),
    from: Nullable(IsoDate('From when the action may be taken')),
  }),
  updatedBy: Type.String(),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type ContactView = Static<typeof ContactView>;

export const BatchDetail = Type.Composite([BatchSummary, Type.Object({ contacts: Type.Array(ContactView) })]);
export type BatchDetail = Static<typeof BatchDetail>;

export const BatchParams = Type.Object({ id: Uuid });
export const ContactParams = Type.Object({ batchId: Uuid, pathwayId: Uuid });

// -------------------------------------------------------------------------------------- work on a contact

const Note = Type.Optional(Type.String({ maxLength: 500 }));

export const SentBody = Type.Object(
  {
    channel: StringEnum(VALIDATION_CHANNELS, 'letter, sms, email, phone or nhs-app'),
    sentOn: IsoDate('The day it was sent; not in the future'),
  },
  { additionalProperties: false },
);
export type SentBody = Static<typeof SentBody>;

export const ReplyBody = Type.Object(
  {
    response: StringEnum(
      VALIDATION_RESPONSES,
      'still-needs-care, postpone, treated-elsewhere, no-longer-needs-care, declines-treatment, or no-reply (the patient has not answered: they stay on the list)',
    ),
    respondedOn: IsoDate('The day the patient replied (for no-reply: the day it was recorded)'),
    note: Note,
  },
  { additionalProperties: false },
);
export type ReplyBody = Static<typeof ReplyBody>;

export const DecisionBody = Type.Object(
  {
    confirmed: Type.Boolean({
      description: 'true: remove from the list (an RTT clock stop); false: keep the patient on the list',
    }),
    decidedOn: IsoDate('The day the removal was decided and confirmed with the patient: the clock stop date'),
    clinicianId: Type.String({
      format: 'uuid',
      description: 'The clinician whose decision this is (no removal without a clinical decision)',
    }),
    note: Note,
  },
  { additionalProperties: false },
);
export type DecisionBody = Static<typeof DecisionBody>;
