/**
 * The free-slot search over HTTP, for booking clerks finding a date to offer: open slots with a place free in a
 * specialty, soonest first, each with the notice it would give if offered today and whether that is a
 * reasonable offer. No patient details. Also the same search for one pathway (`/pathways/:id/slot-offers`:
 * its specialty, the slot types it accepts, the patient's unavailable dates left out) and the cheap re-check a
 * screen of slots polls (`/slots/availability`).
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { SLOT_TYPES, type SlotType } from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { problemResponse } from '../openapi/problem-schema';
import { DEFAULT_LIMIT, DEFAULT_WINDOW_DAYS, MAX_LIMIT, MAX_WINDOW_DAYS, searchFreeSlots } from './service';
import { MAX_AVAILABILITY_IDS, pathwaySlotOffers, slotAvailability } from './offers';
import { IsoDateTime, Nullable, Uuid } from '../../http/schemas';

const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD, a London date' });

const FreeSlotSchema = Type.Object({
  id: Uuid,
  startsAt: IsoDateTime,
  endsAt: IsoDateTime,
  sessionDate: IsoDate,
  slotType: Type.String(),
  capacity: Type.Integer({ minimum: 1 }),
  free: Type.Integer({ minimum: 1, description: 'Places still free: capacity less booked and held' }),
  clinic: Type.Object({ id: Uuid, name: Type.String(), serviceName: Nullable(Type.String()) }),
  clinician: Nullable(
    Type.Object({ id: Uuid, name: Type.String({ description: 'The clinician’s title and name' }) }),
  ),
  location: Type.Object({ id: Uuid, name: Type.String(), site: Type.String() }),
  noticeDays: Type.Integer({
    description: 'Days from today (London) to the slot’s London date: the notice booking it now would record',
  }),
  reasonable: Type.Boolean({ description: 'At least 21 days’ notice: a reasonable offer (§1.5)' }),
});

const SlotTypeFilter = Type.Optional(
  // An enum, not a union of literals: a wrong value gets one plain error listing the types.
  Type.Unsafe<SlotType>({
    type: 'string',
    enum: [...SLOT_TYPES],
    description: 'Only slots of this type',
  }),
);
const Window = {
  from: Type.Optional(IsoDate),
  to: Type.Optional(IsoDate),
  slotType: SlotTypeFilter,
  clinicianId: Type.Optional(Uuid),
  clinicId: Type.Optional({ ...Uuid, description: 'Only slots of this clinic' }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })),
};
const Named = Type.Object({ id: Uuid, name: Type.String() });

export function slotSearchRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/slots',
    {
      // The same roles hold Clinic.read and Appointment.read; the slots are clinic data.
      config: { auth: 'Clinic.read' },
      schema: {
        summary: 'Find free slots in a specialty',
        description: `Open slots with a place free (none booked or held in it beyond its capacity) in the specialty, starting after now and on dates from \`from\` to \`to\` (London dates, inclusive; by default today to ${DEFAULT_WINDOW_DAYS / 7} weeks ahead, at most ${MAX_WINDOW_DAYS / 7} weeks apart), soonest first, with their clinic, clinician and location, the notice each would give if offered today (\`noticeDays\`, London dates) and whether that is a reasonable offer (\`reasonable\`: 21 days or more, §1.5). \`clinicId\` keeps to one clinic. \`more\` says whether more slots match than \`limit\` (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}).`,
        tags: ['Booking'],
        querystring: Type.Object(
          {
            specialty: Type.String({
              minLength: 1,
              maxLength: 10,
              description: 'Treatment function code, e.g. 110',
            }),
            ...Window,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            specialty: Type.String(),
            from: IsoDate,
            to: IsoDate,
            limit: Type.Integer(),
            more: Type.Boolean(),
            slots: Type.Array(FreeSlotSchema),
          }),
          400: problemResponse(
            'validation_failed: a query parameter is wrong (named in errors): an unknown specialty, to before from, a window longer than 26 weeks or all in the past, a limit out of range',
          ),
        },
      },
    },
    async (request) => searchFreeSlots(db, contextOf(request, deps.now), request.query),
  );

  app.get(
    '/pathways/:id/slot-offers',
    {
      // Patient details with the slots: the roles that book (Appointment.read) see them.
      config: { auth: 'Appointment.read' },
      schema: {
        summary: 'Free slots a pathway could be booked into, with their notice',
        description: `The free-slot search for one pathway: slots in its specialty of the types its next appointment accepts (slotType narrows them; one it does not accept is a 400), never on a date the patient has said they cannot come, filtered by clinic (\`clinicId\`, a clinic template), clinician and London dates as \`GET /slots\`. Each slot says the notice booking it today would give and whether that is a reasonable offer (21 days or more). With the patient, the pathway (priority, 18-week breach date, any appointment already booked), the clinics and clinicians of the specialty, and the patient's unavailable dates in the window. Audited as a read of the patient's record.`,
        tags: ['Booking'],
        params: Type.Object({ id: Uuid }),
        querystring: Type.Object(Window, { additionalProperties: false }),
        response: {
          200: Type.Object({
            pathway: Type.Object({
              id: Uuid,
              patientId: Uuid,
              patientName: Type.String({ description: 'Family name, given name' }),
              nhsNumber: Type.String(),
              priority: Type.String(),
              status: Type.String(),
              specialty: Type.Object({ code: Type.String(), name: Nullable(Type.String()) }),
              clockStart: Nullable(IsoDate),
              breachDate: Nullable({
                ...IsoDate,
                description: 'The 18-week breach date, while the clock runs',
              }),
              stage: Type.String({ description: 'first or follow-up' }),
              acceptedSlotTypes: Type.Array(Type.String()),
              bookedAppointment: Nullable(Type.Object({ id: Uuid, startsAt: IsoDateTime })),
            }),
            unavailability: Type.Array(Type.Object({ from: IsoDate, to: IsoDate })),
            clinics: Type.Array(Named),
            clinicians: Type.Array(Named),
            from: IsoDate,
            to: IsoDate,
            today: IsoDate,
            limit: Type.Integer(),
            more: Type.Boolean(),
            slots: Type.Array(FreeSlotSchema),
          }),
          400: problemResponse(
            'validation_failed: a query parameter is wrong (named in errors): a slot type the pathway does not accept, to before from, a window too long or in the past',
          ),
          404: problemResponse('not_found: no such pathway'),
        },
      },
    },
    async (request) => pathwaySlotOffers(db, contextOf(request, deps.now), request.params.id, request.query),
  );

  app.get(
    '/slots/availability',
    {
      config: { auth: 'Clinic.read' },
      schema: {
        summary: 'Whether slots can still be booked (for a screen of slots to re-check)',
        description: `Places still free in each slot, and whether it can be booked now (open, not started, a place free). For screens that poll while slots are shown, so they can say when someone else has just booked one: one read by primary key, nothing about patients, not audited. At most ${MAX_AVAILABILITY_IDS} ids, comma separated; an id with no slot is answered as not bookable.`,
        tags: ['Booking'],
        querystring: Type.Object(
          { ids: Type.String({ minLength: 1, maxLength: 8000, description: 'Slot ids, comma separated' }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            slots: Type.Array(
              Type.Object({ id: Uuid, free: Type.Integer({ minimum: 0 }), bookable: Type.Boolean() }),
            ),
          }),
          400: problemResponse('validation_failed: ids is missing, too long, or holds something not a UUID'),
        },
      },
    },
    async (request) => slotAvailability(db, contextOf(request, deps.now), request.query.ids),
  );
}
