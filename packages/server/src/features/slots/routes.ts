/**
 * The free-slot search over HTTP, for booking clerks finding a date to offer: open slots with a place free in a
 * specialty, soonest first. No patient details.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { SLOT_TYPES, type SlotType } from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { problemResponse } from '../openapi/problem-schema';
import { DEFAULT_LIMIT, DEFAULT_WINDOW_DAYS, MAX_LIMIT, MAX_WINDOW_DAYS, searchFreeSlots } from './service';
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
});

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
        description: `Open slots with a place free (none booked or held in it beyond its capacity) in the specialty, starting after now and on dates from \`from\` to \`to\` (London dates, inclusive; by default today to ${DEFAULT_WINDOW_DAYS / 7} weeks ahead, at most ${MAX_WINDOW_DAYS / 7} weeks apart), soonest first, with their clinic, clinician and location. \`more\` says whether more slots match than \`limit\` (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}).`,
        tags: ['Booking'],
        querystring: Type.Object(
          {
            specialty: Type.String({
              minLength: 1,
              maxLength: 10,
              description: 'Treatment function code, e.g. 110',
            }),
            from: Type.Optional(IsoDate),
            to: Type.Optional(IsoDate),
            slotType: Type.Optional(
              // An enum, not a union of literals: a wrong value gets one plain error listing the types.
              Type.Unsafe<SlotType>({
                type: 'string',
                enum: [...SLOT_TYPES],
                description: 'Only slots of this type',
              }),
            ),
            clinicianId: Type.Optional(Uuid),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })),
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
}
