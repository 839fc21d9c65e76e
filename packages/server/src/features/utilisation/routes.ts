/**
 * Clinic utilisation over HTTP: counts per clinic, session, specialty or week, and the service managers' list
 * of sessions in the next two weeks that are under-booked. Counts only, no patient details.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { problemResponse } from '../openapi/problem-schema';
import {
  DEFAULT_AHEAD_DAYS,
  DEFAULT_RANGE_DAYS,
  DEFAULT_THRESHOLD,
  GROUP_BYS,
  MAX_RANGE_DAYS,
  utilisation,
  utilisationFlags,
} from './service';
import { IsoDate, IsoDateTime, Nullable, Uuid } from '../../http/schemas';

const Count = (description: string) => Type.Integer({ minimum: 0, description });
const Percent = Nullable(
  Type.Number({ description: 'Booked as a percentage of places, to one decimal place; null with no places' }),
);

const filterProperties = {
  specialty: Type.Optional(
    Type.String({ minLength: 1, maxLength: 10, description: 'Treatment function code, e.g. 110' }),
  ),
  clinicId: Type.Optional(Uuid),
  threshold: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: 100,
      description: `Under-booked below this percentage booked (default ${DEFAULT_THRESHOLD})`,
    }),
  ),
  days: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 90,
      description: `The look-ahead for under-booking, in days from today (default ${DEFAULT_AHEAD_DAYS})`,
    }),
  ),
};

const UtilisationRowSchema = Type.Object({
  key: Type.String({ description: 'Identifies the row within its grouping' }),
  clinic: Nullable(
    Type.Object({
      id: Uuid,
      name: Type.String(),
      clinician: Nullable(Type.String({ description: 'The clinician’s title and name' })),
      serviceName: Nullable(Type.String()),
    }),
  ),
  specialty: Nullable(Type.Object({ code: Type.String(), name: Type.String() })),
  session: Nullable(
    Type.Object({
      date: IsoDate,
      index: Type.Integer(),
      startsAt: IsoDateTime,
      endsAt: IsoDateTime,
    }),
  ),
  weekStart: Nullable(IsoDate),
  firstDate: IsoDate,
  lastDate: IsoDate,
  slots: Count('Open slots'),
  places: Count('Places available: the capacity of open slots'),
  booked: Count('Places taken by appointments booked, arrived, attended or DNA'),
  unbooked: Count('Places still free in open slots'),
  dna: Count('Appointments the patient did not attend'),
  cancelled: Count('cancelledSlotPlaces + cancelledAppointments'),
  cancelledSlotPlaces: Count('Places in slots whose clinic was cancelled'),
  cancelledAppointments: Count('Appointments cancelled by the patient or the hospital, or on the day'),
  overBookedPlaces: Count(
    'Appointments beyond a slot’s capacity. The database refuses this on the slot itself, so it can only come from appointments counted against capacity (loaded data, or a capacity cut below the bookings)',
  ),
  percentBooked: Percent,
  ahead: Type.Object(
    {
      places: Count('Open places from today to the end of the look-ahead'),
      booked: Count('Of those, places booked'),
      percentBooked: Percent,
    },
    { description: 'The part of the row from today to the end of the look-ahead (days)' },
  ),
  underBooked: Type.Boolean({
    description: 'Fewer than threshold % of the places in the look-ahead are booked',
  }),
  overBooked: Type.Boolean({ description: 'Some slot has more appointments than places' }),
});

const badRequest = problemResponse('validation_failed: a query parameter is wrong (named in errors)');

export function utilisationRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/utilisation',
    {
      config: { auth: 'Clinic.read' },
      schema: {
        summary: 'Clinic utilisation per clinic, session, specialty or week',
        description: `Counts over the slots whose session date is from \`from\` to \`to\` (London dates, inclusive; by default today and the ${DEFAULT_RANGE_DAYS} days from it, at most ${MAX_RANGE_DAYS} days): places available, booked, unbooked, DNA, cancelled and over-booked, with the percentage booked. A row is under-booked when fewer than \`threshold\` % (default ${DEFAULT_THRESHOLD}) of its places from today to \`days\` ahead (default ${DEFAULT_AHEAD_DAYS}) are booked. No patient details.`,
        tags: ['Clinics'],
        querystring: Type.Object(
          {
            from: Type.Optional(IsoDate),
            to: Type.Optional(IsoDate),
            groupBy: Type.Union(
              GROUP_BYS.map((g) => Type.Literal(g)),
              { default: 'clinic' },
            ),
            ...filterProperties,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            from: IsoDate,
            to: IsoDate,
            groupBy: Type.String(),
            threshold: Type.Number(),
            today: IsoDate,
            aheadTo: IsoDate,
            rows: Type.Array(UtilisationRowSchema),
          }),
          400: badRequest,
        },
      },
    },
    async (request) => utilisation(db, contextOf(request, deps.now), request.query),
  );

  app.get(
    '/utilisation/flags',
    {
      config: { auth: 'Clinic.read' },
      schema: {
        summary: 'Under-booked clinic sessions coming up, for service managers',
        description: `Clinic sessions from today to \`days\` ahead (default ${DEFAULT_AHEAD_DAYS}) with fewer than \`threshold\` % (default ${DEFAULT_THRESHOLD}) of their places booked, soonest first.`,
        tags: ['Clinics'],
        querystring: Type.Object(filterProperties, { additionalProperties: false }),
        response: {
          200: Type.Object({
            from: IsoDate,
            to: IsoDate,
            days: Type.Integer(),
            threshold: Type.Number(),
            sessions: Type.Array(UtilisationRowSchema),
          }),
          400: badRequest,
        },
      },
    },
    async (request) => utilisationFlags(db, contextOf(request, deps.now), request.query),
  );
}
