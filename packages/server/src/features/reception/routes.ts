/**
 * Reception over HTTP: the day's clinic sessions by site, and the desk's three actions (check in, seen, did not
 * attend), one patient at a time or the rest of a session once it has ended. Each action answers with the
 * patient's row as the desk now sees it, so a page can update that row alone.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { RECEPTION_STATUSES, type DeskAction } from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { IsoDate, IsoDateTime, Nullable, Uuid } from '../../http/schemas';
import { problemResponse } from '../openapi/problem-schema';
import { markSessionDna, receptionDay, recordAtDesk } from './service';

const ReceptionAppointmentSchema = Type.Object({
  id: Uuid,
  startsAt: IsoDateTime,
  endsAt: IsoDateTime,
  slotType: Type.String(),
  status: Type.Union(
    RECEPTION_STATUSES.map((s) => Type.Literal(s)),
    {
      description:
        'As the desk sees it: seen is attended; cancelled covers cancelled in advance or on the day',
    },
  ),
  appointmentStatus: Type.String({ description: 'The appointment’s own status' }),
  patient: Type.Object({
    id: Uuid,
    name: Type.String({ description: 'Family, Given' }),
    nhsNumber: Type.String(),
  }),
  needs: Type.Object({
    interpreter: Nullable(Type.String({ description: 'The language an interpreter is needed for' })),
    transport: Type.Boolean({
      description: 'Transport requested for the appointment, or the patient is eligible',
    }),
    communication: Type.Array(Type.String(), {
      description: 'Accessible Information Standard needs, e.g. large-print, bsl',
    }),
  }),
  communicated: Type.Boolean({
    description: 'A booking, move or reminder message to the patient was sent or delivered',
  }),
});

const SessionSchema = Type.Object({
  index: Type.Integer({ minimum: 0 }),
  startsAt: IsoDateTime,
  endsAt: IsoDateTime,
  ended: Type.Boolean({ description: 'The session’s last slot has ended' }),
  cancelled: Type.Boolean({ description: 'The clinic was cancelled for this session' }),
  appointments: Type.Array(ReceptionAppointmentSchema),
});

const DayErrors = {
  400: problemResponse('validation_failed: the date is not a real YYYY-MM-DD date, or the site is not known'),
};

const actionErrors = {
  404: problemResponse('not_found: no such appointment'),
  409: problemResponse(
    'conflict: the patient has already checked in, been seen or been marked as not attending',
  ),
  422: problemResponse(
    'booking_rule_violation: a check-in outside the appointment’s day (RECEPTION-check-in-on-the-day), seen before it (RECEPTION-seen-on-the-day), or did not attend before the appointment started (RECEPTION-dna-before-start); rtt_rule_violation from the RTT engine',
  ),
};

const ACTIONS: { path: string; action: DeskAction; summary: string; description: string }[] = [
  {
    path: 'check-in',
    action: 'check-in',
    summary: 'Check a patient in at reception (arrived)',
    description: 'On the day of the appointment only; once.',
  },
  {
    path: 'seen',
    action: 'seen',
    summary: 'Mark a patient as seen (attended)',
    description: 'On or after the day of the appointment; checked in or not; once.',
  },
  {
    path: 'did-not-attend',
    action: 'did-not-attend',
    summary: 'Mark a patient as did not attend',
    description:
      'Only once the appointment time has passed, and only for a patient who has not checked in. Runs the DNA policy: a missed first appointment records RTT status 33 (with whether the appointment letter or message reached the patient), and a clinician’s decision, clinical review or safeguarding review follows.',
  },
];

export function receptionRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/reception',
    {
      config: { auth: 'Appointment.read' },
      schema: {
        summary: 'A day’s clinic sessions for reception, by site',
        description:
          'The clinic sessions on `date` (a London date; today by default) at `site` (a site code; every site by default), grouped by site, then clinic, then session, each with its appointments in time order: the patient, the slot type, the status as the desk sees it, and interpreter, transport and communication needs. Also every site to choose from. Each appointment listed is audited as a read of the patient’s record.',
        tags: ['Reception'],
        querystring: Type.Object(
          {
            date: Type.Optional(IsoDate),
            site: Type.Optional(Type.String({ maxLength: 20, description: 'A site code, e.g. RXX01' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            date: IsoDate,
            today: IsoDate,
            site: Nullable(Type.String()),
            sites: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
            groups: Type.Array(
              Type.Object({
                code: Type.String(),
                name: Type.String(),
                clinics: Type.Array(
                  Type.Object({
                    id: Uuid,
                    name: Type.String(),
                    clinician: Nullable(Type.String({ description: 'The clinician, or the service' })),
                    location: Type.String(),
                    specialtyCode: Type.String(),
                    sessions: Type.Array(SessionSchema),
                  }),
                ),
              }),
            ),
          }),
          ...DayErrors,
        },
      },
    },
    async (request) => receptionDay(db, contextOf(request, deps.now), request.query),
  );

  for (const a of ACTIONS) {
    app.post(
      `/reception/appointments/:id/${a.path}`,
      {
        config: { auth: 'Appointment.write' },
        schema: {
          summary: a.summary,
          description: a.description,
          tags: ['Reception'],
          params: Type.Object({ id: Uuid }),
          response: { 200: ReceptionAppointmentSchema, ...actionErrors },
        },
      },
      async (request) => recordAtDesk(db, contextOf(request, deps.now), request.params.id, a.action),
    );
  }

  app.post(
    '/reception/sessions/did-not-attend',
    {
      config: { auth: 'Appointment.write' },
      schema: {
        summary: 'Mark everyone still waiting in an ended session as did not attend',
        description:
          'After the session’s last slot has ended: every appointment in it still booked (not checked in, not seen) becomes did not attend, all or none, and the DNA policy runs for each. A patient who checked in is left alone. Asking again marks nobody (marked is empty).',
        tags: ['Reception'],
        body: Type.Object(
          {
            clinicId: Uuid,
            date: IsoDate,
            sessionIndex: Type.Integer({ minimum: 0, maximum: 20 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            clinicId: Uuid,
            date: IsoDate,
            sessionIndex: Type.Integer(),
            marked: Type.Array(ReceptionAppointmentSchema),
          }),
          400: problemResponse('validation_failed: a field is wrong (named in errors)'),
          404: problemResponse('not_found: the clinic has no such session that day'),
          422: problemResponse(
            'booking_rule_violation: the session has not ended yet (RECEPTION-dna-before-session-end); rtt_rule_violation from the RTT engine',
          ),
        },
      },
    },
    async (request) => markSessionDna(db, contextOf(request, deps.now), request.body),
  );
}
