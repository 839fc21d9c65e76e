/**
 * Clinics over HTTP: create a clinic template (its first version and its slots over the rolling horizon), read
 * clinics and their slots, add a version (applied at once with six weeks' notice, otherwise sent for approval;
 * displaced patients rebooked or escalated), cancel or reduce a session (its patients rebooked or escalated),
 * and the service manager's approval worklist and decision.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { DISPLACEMENT_REASONS, RECURRENCE_KINDS, SLOT_TYPES } from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { problemResponse } from '../openapi/problem-schema';
import {
  addVersion,
  createClinic,
  decideChangeRequest,
  getClinic,
  listChangeRequests,
  listClinics,
  listSlots,
} from './service';
import { cancelSession, listEscalations } from './cancel';
import { previewCancellation, previewChangeRequest } from './preview';
import { IsoDate, IsoDateTime, Nullable, Uuid } from '../../http/schemas';

const Params = Type.Object({ id: Uuid });
const Reason = (description: string) =>
  Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S', description });
const Literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

// The shapes are typed loosely on purpose: core's template rules check every field and name its path.
const RecurrenceSchema = Type.Object(
  {
    kind: Type.String({ enum: [...RECURRENCE_KINDS] }),
    n: Type.Optional(Type.Integer({ description: 'every-n-weeks: run every nth week (1 to 52)' })),
    anchorDate: Type.Optional(
      Type.String({ description: 'every-n-weeks: a date in a week the clinic runs, YYYY-MM-DD' }),
    ),
    weeks: Type.Optional(
      Type.Array(Type.Union([Type.Integer(), Type.Literal('last')]), {
        maxItems: 10,
        description: "weeks-of-month: which occurrences of the weekday (1 to 5, or 'last')",
      }),
    ),
  },
  { description: 'How often the sessions run' },
);

const SlotLayout = Type.Object({
  offsetMinutes: Type.Integer({ description: 'Minutes from the session start' }),
  durationMinutes: Type.Integer({ description: '5 to 480 minutes' }),
  slotType: Type.String({ enum: [...SLOT_TYPES] }),
  capacity: Type.Integer({ description: 'Patients the slot takes at once (1 to 100)' }),
});

const SessionSchema = Type.Object({
  weekday: Type.Integer({ description: 'ISO weekday: 1 = Monday … 7 = Sunday' }),
  start: Type.String({ maxLength: 5, description: "London wall clock, 'HH:MM'" }),
  end: Type.String({ maxLength: 5, description: "London wall clock, 'HH:MM', the same day" }),
  slots: Type.Array(SlotLayout, { maxItems: 200 }),
});

const versionFields = {
  effectiveFrom: Type.String({ maxLength: 10, description: 'First date the version applies, YYYY-MM-DD' }),
  effectiveTo: Type.Optional(
    Nullable(Type.String({ maxLength: 10, description: 'Last date it applies, or null for no end date' })),
  ),
  recurrence: RecurrenceSchema,
  sessions: Type.Array(SessionSchema, { maxItems: 50 }),
};

const NewClinicBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    clinicianId: Type.Optional(Nullable(Uuid)),
    serviceName: Type.Optional(
      Nullable(Type.String({ maxLength: 200, description: 'Required when there is no clinician' })),
    ),
    locationId: Uuid,
    specialtyCode: Type.String({ maxLength: 10, description: 'Treatment function code, e.g. 110' }),
    ...versionFields,
  },
  { additionalProperties: false },
);

const NewVersionBody = Type.Object(
  {
    ...versionFields,
    reason: Reason('Why the clinic changes (kept on the approval request when notice is short)'),
  },
  { additionalProperties: false },
);

const VersionSchema = Type.Object({
  version: Type.Integer(),
  effectiveFrom: IsoDate,
  effectiveTo: Nullable(IsoDate),
  recurrence: RecurrenceSchema,
  sessions: Type.Array(SessionSchema),
  status: Type.String({ description: 'active, pending-approval, rejected or superseded' }),
  createdBy: Type.String(),
  createdAt: IsoDateTime,
});

const ChangeRequestSchema = Type.Object({
  id: Uuid,
  templateId: Uuid,
  clinicName: Type.String(),
  kind: Type.String({ description: 'new-version or cancel-session' }),
  version: Nullable(Type.Integer()),
  sessionDate: Nullable(IsoDate),
  firstAffectedDate: IsoDate,
  reason: Type.String(),
  status: Type.String({ description: 'requested, approved or rejected' }),
  requestedBy: Type.String(),
  requestedAt: IsoDateTime,
  decidedBy: Nullable(Type.String()),
  decidedAt: Nullable(IsoDateTime),
  decisionReason: Nullable(Type.String()),
});

const BreachDate = Nullable(
  Type.String({ format: 'date', description: '18-week breach date (null: the RTT clock is not running)' }),
);

const RebookedSchema = Type.Array(
  Type.Object({
    appointmentId: Uuid,
    replacesId: Uuid,
    pathwayId: Uuid,
    from: IsoDateTime,
    to: IsoDateTime,
    breachDate: BreachDate,
    letter: Type.Literal('rebooking-confirmation', { description: 'The letter the patient is sent' }),
    communicationId: Uuid,
  }),
  {
    description:
      "Rebooked into the earliest suitable slot, in rebooking order; an 'appointment-moved' letter is queued for each (`communicationId`)",
  },
);

const EscalatedSchema = Type.Array(
  Type.Object({
    appointmentId: Uuid,
    pathwayId: Uuid,
    reason: Type.String(),
    breachDate: BreachDate,
    communicationId: Uuid,
  }),
  {
    description:
      "Not rebooked by the breach date (or at all): escalated to the service manager; an 'appointment-cancelled' letter is queued for each",
  },
);

const ApplyResultSchema = Type.Object({
  version: Type.Integer(),
  created: Type.Integer({ description: 'Slots created' }),
  removed: Type.Integer({ description: 'Free slots removed' }),
  kept: Type.Integer({ description: 'Slots kept (with the new key and capacity)' }),
  displaced: Type.Array(
    Type.Object({
      slotId: Uuid,
      startsAt: IsoDateTime,
      reason: Literals(DISPLACEMENT_REASONS),
      appointments: Type.Integer({ description: 'Appointments to rebook' }),
      message: Type.String(),
    }),
    {
      description:
        "Booked slots that no longer fit: removed, their appointments 'displaced' (to rebook); for capacity-reduced the slot and its bookings stay",
    },
  ),
  displacedAppointments: Type.Integer({ description: "Appointments now 'displaced'" }),
  rebooked: RebookedSchema,
  escalated: EscalatedSchema,
});

const CancelBody = Type.Object(
  {
    date: IsoDate,
    sessionIndex: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 49,
        description: "Only this session of the day (the template's order)",
      }),
    ),
    reason: Reason(
      'Why the session is cancelled or reduced, e.g. clinician leave (kept on the appointments)',
    ),
    keepSlots: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 10000,
        description: 'A reduction: keep the first N slots of the session (start order) and cancel the rest',
      }),
    ),
  },
  { additionalProperties: false },
);

const CancellationSchema = Type.Object({
  sessionDate: IsoDate,
  sessionIndex: Nullable(Type.Integer()),
  cancelledSlots: Type.Integer(),
  keptSlots: Type.Integer(),
  cancelledAppointments: Type.Integer({ description: 'Booked appointments cancelled by the hospital' }),
  rebooked: RebookedSchema,
  escalated: EscalatedSchema,
});

const PreviewPatientSchema = Type.Object({
  appointmentId: Uuid,
  pathwayId: Uuid,
  patientId: Uuid,
  title: Nullable(Type.String()),
  givenName: Type.String(),
  familyName: Type.String(),
  nhsNumber: Type.String(),
  current: Type.Object(
    { startsAt: IsoDateTime, endsAt: IsoDateTime, clinicName: Type.String() },
    { description: 'The appointment the change cancels or displaces' },
  ),
  breachDate: BreachDate,
  outcome: Literals(['rebooked', 'escalated', 'already-booked'] as const),
  proposed: Nullable(
    Type.Object(
      {
        slotId: Uuid,
        startsAt: IsoDateTime,
        endsAt: IsoDateTime,
        sessionDate: IsoDate,
        clinicId: Uuid,
        clinicName: Type.String(),
        clinician: Nullable(Type.String({ description: 'The clinician’s title and name' })),
        serviceName: Nullable(Type.String()),
        location: Type.String(),
      },
      { description: "The slot the patient would be rebooked into (outcome 'rebooked')" },
    ),
  ),
  escalationReason: Nullable(
    Type.String({ description: "Why they would be escalated to the service manager (outcome 'escalated')" }),
  ),
  letter: Nullable(Literals(['appointment-moved', 'appointment-cancelled'] as const)),
});

const PreviewPatients = Type.Array(PreviewPatientSchema, {
  description:
    'The patients whose appointments would be cancelled or displaced, in appointment order: rebooked (into `proposed`), escalated (not rebooked by the breach date) or already-booked (the pathway has another appointment); `letter` is the one each would be sent. What applying does later may differ if slots are booked or freed in between.',
});

const CancellationCounts = {
  sessionDate: IsoDate,
  sessionIndex: Nullable(Type.Integer()),
  cancelledSlots: Type.Integer(),
  keptSlots: Type.Integer(),
  cancelledAppointments: Type.Integer({ description: 'Booked appointments cancelled by the hospital' }),
};

const ClinicSummary = {
  id: Uuid,
  name: Type.String(),
  clinicianId: Nullable(Uuid),
  serviceName: Nullable(Type.String()),
  locationId: Uuid,
  specialtyCode: Type.String(),
};

const notFound = problemResponse('The clinic was not found');

export function clinicRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.post(
    '/clinics',
    {
      config: { auth: 'Clinic.write' },
      schema: {
        summary: 'Create a clinic template and generate its slots',
        description:
          'Checks the template against the clinic rules (every problem at once, each naming its field) and that the clinician, location and specialty exist, then stores the template and its version 1 and generates its slots over the 26-week rolling horizon (from today or the start date, whichever is later), at exact Europe/London times.',
        tags: ['Clinics'],
        body: NewClinicBody,
        response: {
          201: Type.Object({
            id: Uuid,
            name: Type.String(),
            version: Type.Integer(),
            slotsCreated: Type.Integer(),
          }),
        },
      },
    },
    async (request, reply) => {
      const created = await createClinic(db, contextOf(request, deps.now), request.body);
      return reply.code(201).header('location', `/api/v1/clinics/${created.id}`).send(created);
    },
  );

  app.get(
    '/clinics',
    {
      config: { auth: 'Clinic.read' },
      schema: {
        summary: 'List clinics with their version in force and their open slots to come',
        tags: ['Clinics'],
        response: {
          200: Type.Object({
            clinics: Type.Array(
              Type.Object({
                ...ClinicSummary,
                currentVersion: Nullable(VersionSchema),
                openSlots: Type.Integer({ description: 'Open slots starting after now' }),
                freeSlots: Type.Integer({ description: 'Of those, slots with a place free' }),
              }),
            ),
          }),
        },
      },
    },
    async (request) => listClinics(db, contextOf(request, deps.now)),
  );

  app.get(
    '/clinics/:id',
    {
      config: { auth: 'Clinic.read' },
      schema: {
        summary: 'A clinic with its versions and its change requests waiting for a decision',
        tags: ['Clinics'],
        params: Params,
        response: {
          200: Type.Object({
            ...ClinicSummary,
            createdBy: Type.String(),
            createdAt: IsoDateTime,
            versions: Type.Array(VersionSchema),
            pendingRequests: Type.Array(ChangeRequestSchema),
          }),
          404: notFound,
        },
      },
    },
    async (request) => getClinic(db, contextOf(request, deps.now), request.params.id),
  );

  app.get(
    '/clinics/:id/slots',
    {
      config: { auth: 'Clinic.read' },
      schema: {
        summary: "A clinic's slots on a range of dates (no patient details)",
        description:
          'Slots whose session date is from `from` to `to` (London dates, inclusive), in start order, whatever their status, with the counts of their appointments attended and not attended (DNA). The default is today and the 6 weeks from it; at most 26 weeks are read at a time.',
        tags: ['Clinics'],
        params: Params,
        querystring: Type.Object(
          { from: Type.Optional(IsoDate), to: Type.Optional(IsoDate) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            from: IsoDate,
            to: IsoDate,
            slots: Type.Array(
              Type.Object({
                id: Uuid,
                key: Type.String(),
                sessionDate: IsoDate,
                sessionIndex: Type.Integer(),
                startsAt: IsoDateTime,
                endsAt: IsoDateTime,
                slotType: Type.String(),
                capacity: Type.Integer(),
                booked: Type.Integer(),
                held: Type.Integer(),
                status: Type.String({ description: 'open, cancelled or removed' }),
                attended: Type.Integer({ description: 'Appointments in the slot the patient attended' }),
                dna: Type.Integer({ description: 'Appointments in the slot the patient did not attend' }),
              }),
            ),
          }),
          404: notFound,
        },
      },
    },
    async (request) => listSlots(db, contextOf(request, deps.now), request.params.id, request.query),
  );

  app.post(
    '/clinics/:id/versions',
    {
      config: { auth: 'Clinic.write' },
      schema: {
        summary: 'Change a clinic: a new version of its template',
        description:
          "The clinician, location and specialty stay. When the first session the change affects is at least 6 weeks away (or none is), the version is applied now (201): the previous version ends the day before it starts, free slots that no longer fit are removed, new ones created, and booked slots that no longer fit are removed with their appointments marked 'displaced', and those patients are rebooked automatically into the earliest suitable slots (patients already cancelled once by the hospital first, then by priority and breach date, never on a date they said they are unavailable) or, when that cannot be done by their 18-week breach date, escalated to the service manager; each gets a letter queued. With less notice the version waits for a service manager's approval (202).",
        tags: ['Clinics'],
        params: Params,
        body: NewVersionBody,
        response: {
          201: Type.Object({ status: Type.Literal('active'), ...ApplyResultSchema.properties }),
          202: Type.Object({
            status: Type.Literal('pending-approval'),
            version: Type.Integer(),
            requestId: Uuid,
            firstAffectedDate: IsoDate,
          }),
          404: notFound,
          409: problemResponse('The clinic has no active version to change'),
        },
      },
    },
    async (request, reply) => {
      const outcome = await addVersion(db, contextOf(request, deps.now), request.params.id, request.body);
      return reply.code(outcome.status === 'active' ? 201 : 202).send(outcome);
    },
  );

  app.get(
    '/clinic-change-requests',
    {
      config: { auth: 'Clinic.read' },
      schema: {
        summary: 'Clinic change requests (status=requested gives the approval worklist)',
        tags: ['Clinics'],
        querystring: Type.Object(
          { status: Type.Optional(Literals(['requested', 'approved', 'rejected'] as const)) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ requests: Type.Array(ChangeRequestSchema) }) },
      },
    },
    async (request) => listChangeRequests(db, contextOf(request, deps.now), request.query),
  );

  app.post(
    '/clinic-change-requests/:id/decision',
    {
      config: { auth: 'ClinicChange.write' },
      schema: {
        summary: 'Approve or reject a clinic change with less than 6 weeks’ notice',
        description:
          'Approving a new version applies it now (slots regenerate and displaced patients are rebooked or escalated as for a change with notice, in `applied`); approving a session cancellation applies it now (slots cancelled, patients rebooked or escalated, in `cancellation`); rejecting leaves the clinic as it was. A request already decided, or a cancellation that can no longer apply, is refused with 409.',
        tags: ['Clinics'],
        params: Params,
        body: Type.Object(
          { approve: Type.Boolean(), reason: Reason('Why the change is approved or rejected') },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            request: ChangeRequestSchema,
            applied: Nullable(ApplyResultSchema),
            cancellation: Nullable(CancellationSchema),
          }),
          404: problemResponse('The change request was not found'),
          409: problemResponse('The request has already been decided, or can no longer be applied'),
        },
      },
    },
    async (request) => decideChangeRequest(db, contextOf(request, deps.now), request.params.id, request.body),
  );
  app.post(
    '/clinics/:id/sessions/cancel',
    {
      config: { auth: 'Clinic.write' },
      schema: {
        summary: "Cancel or reduce a clinic's session on a date, rebooking its patients",
        description:
          "Cancels the clinic's open slots on `date` (only session `sessionIndex` when given; with `keepSlots`, a reduction keeping the first N slots). With 6 weeks' notice or more it is applied now (201): the booked appointments are cancelled by the hospital with the reason, the slots cancelled, and the patients rebooked automatically into the earliest suitable slots (patients already cancelled once by the hospital first, then by priority and breach date, never on a date they said they are unavailable); those who cannot be rebooked by their 18-week breach date are escalated. Each patient gets one letter queued: 'appointment-moved' or 'appointment-cancelled'. With less notice a change request waits for a service manager (202) and nothing changes until it is approved.",
        tags: ['Clinics'],
        params: Params,
        body: CancelBody,
        response: {
          201: Type.Object({ status: Type.Literal('applied'), ...CancellationSchema.properties }),
          202: Type.Object({
            status: Type.Literal('pending-approval'),
            requestId: Uuid,
            firstAffectedDate: IsoDate,
          }),
          400: problemResponse(
            'The date is in the past, the clinic has no open session then, or the reduction would cancel nothing',
          ),
          404: notFound,
        },
      },
    },
    async (request, reply) => {
      const outcome = await cancelSession(db, contextOf(request, deps.now), request.params.id, request.body);
      return reply.code(outcome.status === 'applied' ? 201 : 202).send(outcome);
    },
  );

  app.post(
    '/clinics/:id/sessions/cancel/preview',
    {
      config: { auth: 'Clinic.write' },
      schema: {
        summary: 'Preview cancelling or reducing a session: who is displaced and where they would go',
        description:
          "The same body and the same checks as `POST /clinics/:id/sessions/cancel`, and the same computation (run in a transaction that is rolled back), but nothing changes: the slots that would be cancelled, and each displaced patient with the slot they would be rebooked into or why they would be escalated, and the letter they would get. `needsApproval` says the session is less than 6 weeks away: applying would send it to a service manager, and the proposals are what approving it today would do. Audited as a read of each displaced patient's record.",
        tags: ['Clinics'],
        params: Params,
        body: CancelBody,
        response: {
          200: Type.Object({
            needsApproval: Type.Boolean({
              description: "Less than 6 weeks' notice: applying needs a service manager's approval",
            }),
            ...CancellationCounts,
            patients: PreviewPatients,
          }),
          400: problemResponse(
            'The date is in the past, the clinic has no open session then, or the reduction would cancel nothing',
          ),
          404: notFound,
        },
      },
    },
    async (request) => previewCancellation(db, contextOf(request, deps.now), request.params.id, request.body),
  );

  app.get(
    '/clinic-change-requests/:id/preview',
    {
      config: { auth: 'ClinicChange.write' },
      schema: {
        summary: 'Preview approving a clinic change request: who is displaced and where they would go',
        description:
          'What approving the request now would do (the same computation, in a transaction that is rolled back): for a session cancellation its slot counts, for a new version its slots made, removed and kept, and the displaced patients with their proposed rebookings or escalation and their letters. Nothing changes. Audited as a read of each displaced patient’s record.',
        tags: ['Clinics'],
        params: Params,
        response: {
          200: Type.Object({
            request: ChangeRequestSchema,
            cancellation: Nullable(Type.Object(CancellationCounts)),
            version: Nullable(
              Type.Object({
                version: Type.Integer(),
                created: Type.Integer({ description: 'Slots that would be made' }),
                removed: Type.Integer({ description: 'Free slots that would be removed' }),
                kept: Type.Integer(),
                displacedAppointments: Type.Integer(),
              }),
            ),
            patients: PreviewPatients,
          }),
          404: problemResponse('The change request was not found'),
          409: problemResponse('The request has already been decided, or can no longer be applied'),
        },
      },
    },
    async (request) => previewChangeRequest(db, contextOf(request, deps.now), request.params.id),
  );

  app.get(
    '/clinics/:id/escalations',
    {
      config: { auth: 'Clinic.read' },
      schema: {
        summary: "Patients a clinic's cancellations or changes could not rebook by their breach date",
        description:
          'Escalated to the service manager, newest first (from the audit log: there is no task list yet). `bookedSince` says whether the pathway has an appointment booked now.',
        tags: ['Clinics'],
        params: Params,
        response: {
          200: Type.Object({
            escalations: Type.Array(
              Type.Object({
                appointmentId: Uuid,
                pathwayId: Uuid,
                patientId: Nullable(Uuid),
                reason: Type.String(),
                breachDate: BreachDate,
                cause: Type.String({ description: 'session-cancelled or version-change' }),
                escalatedAt: IsoDateTime,
                bookedSince: Type.Boolean(),
              }),
            ),
          }),
          404: notFound,
        },
      },
    },
    async (request) => listEscalations(db, contextOf(request, deps.now), request.params.id),
  );
}
