/**
 * The patient record's own reads, beside `GET /patients/:id`: the patient's pathways with their clocks today
 * (`GET /patients/:id/pathways`) and their appointments (`GET /patients/:id/appointments`). Both are audited
 * as reads of the patient's record; another organisation's patient is not found.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { RTT_PRIORITIES, type PatientAppointments, type PatientPathways } from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { londonToday } from '../../clock';
import { IsoDate, IsoDateTime, Nullable, Uuid } from '../../http/schemas';
import { problemResponse } from '../openapi/problem-schema';
import { patientAppointments, patientPathways } from './service';

const Params = Type.Object({ id: Uuid });
const Named = Type.Object({ id: Uuid, name: Type.String() });
const Specialty = Type.Object({ code: Type.String(), name: Type.String() });

const PatientPathwaySchema = Type.Object({
  id: Uuid,
  ppid: Type.String({ description: 'Patient pathway identifier' }),
  specialty: Specialty,
  clinician: Nullable(Named),
  priority: Type.String({ enum: [...RTT_PRIORITIES] }),
  clockStart: Type.String({ format: 'date', description: "The pathway's clock start (the referral's)" }),
  status: Type.String({ description: 'open or closed' }),
  clockRunning: Type.Boolean({
    description: "An RTT clock is running today, by the engine over the pathway's events",
  }),
  waiting: Nullable(
    Type.Object(
      {
        since: Type.String({ format: 'date', description: 'Start of the running clock period' }),
        daysWaited: Type.Integer({ minimum: 0 }),
        weeksWaited: Type.Integer({ minimum: 0, description: 'Whole weeks completed' }),
        weekBand: Type.Integer({ minimum: 1 }),
        breachDate: Type.String({ format: 'date', description: 'The first day the wait is over 18 weeks' }),
        over18Weeks: Type.Boolean(),
      },
      { description: 'The wait today while the pathway is open and its clock runs; null otherwise' },
    ),
  ),
  bookedAppointment: Nullable(Type.Object({ id: Uuid, startsAt: IsoDateTime, clinic: Type.String() })),
});

const PatientAppointmentSchema = Type.Object({
  id: Uuid,
  pathwayId: Uuid,
  specialty: Specialty,
  startsAt: IsoDateTime,
  endsAt: IsoDateTime,
  clinic: Named,
  clinician: Nullable(Named),
  serviceName: Nullable(
    Type.String({ description: "The named service running the clinic, when not a clinician's" }),
  ),
  location: Type.Object({
    id: Uuid,
    name: Type.String(),
    site: Type.String(),
    addressLine: Type.String(),
    postcode: Type.String(),
  }),
  slotType: Type.String(),
  status: Type.String({
    description: 'booked, cancelled, arrived, attended, dna, cancelled-on-day, displaced',
  }),
  outcome: Nullable(Type.String({ description: 'The clinic outcome, once recorded' })),
  cancelledBy: Nullable(Type.String()),
  cancelReason: Nullable(Type.String()),
  bookedAt: IsoDateTime,
  support: Type.Array(
    Type.Object({
      id: Uuid,
      kind: Type.String({ description: 'interpreter or transport' }),
      language: Nullable(Type.String()),
      status: Type.String({ description: 'needed, booked or cancelled' }),
      reference: Nullable(Type.String({ description: "The supplier's booking reference" })),
    }),
    { description: 'Interpreter and transport requested for the appointment' },
  ),
});

const errors = {
  400: problemResponse('validation_failed: the id is not a UUID'),
  404: problemResponse("not_found: no such patient in the caller's organisation"),
};

export function patientRecordRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/patients/:id/pathways',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: "A patient's pathways, each with its RTT clock today and its booked appointment",
        description:
          "Open pathways first, then the newest. The wait (weeks, 18-week breach date) is read today in London by the RTT engine over the pathway's events. Recorded in the audit log as a read of the patient's record.",
        tags: ['Patients'],
        params: Params,
        response: {
          200: Type.Object({ asOf: IsoDate, pathways: Type.Array(PatientPathwaySchema) }),
          ...errors,
        },
      },
    },
    async (request): Promise<PatientPathways> => {
      const ctx = contextOf(request, deps.now);
      return { asOf: londonToday(ctx.now), pathways: await patientPathways(db, ctx, request.params.id) };
    },
  );

  app.get(
    '/patients/:id/appointments',
    {
      config: { auth: 'Appointment.read' },
      schema: {
        summary: "A patient's appointments, newest first",
        description:
          "Each with its clinic, clinician, place, slot type, status and outcome, and any interpreter or transport requested. At most 200. Recorded in the audit log as a read of the patient's record.",
        tags: ['Patients'],
        params: Params,
        response: {
          200: Type.Object({ appointments: Type.Array(PatientAppointmentSchema) }),
          ...errors,
        },
      },
    },
    async (request): Promise<PatientAppointments> => ({
      appointments: await patientAppointments(db, contextOf(request, deps.now), request.params.id),
    }),
  );
}
