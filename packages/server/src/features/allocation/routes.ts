/**
 * Automatic allocation over HTTP: make a plan for a specialty (who would be booked where, the breaches it
 * avoids, who still breaches and why), read it a page at a time, then apply it (every appointment booked in
 * one transaction, letters queued) or discard it.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type TSchema } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { BREACH_KINDS, PLAN_STATUSES } from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { PROBLEM_CONTENT_TYPE, ProblemSchema, problemResponse } from '../openapi/problem-schema';
import { applyPlan } from './apply';
import {
  DEFAULT_MIN_NOTICE,
  DEFAULT_PAGE,
  DEFAULT_WEEKS,
  MAX_MIN_NOTICE,
  MAX_PAGE,
  MAX_WEEKS,
  OUT_OF_TURN_REASON,
  createPlan,
  discardPlan,
  getPlan,
  listPlans,
} from './service';
import { IsoDate, IsoDateTime, Nullable, Uuid } from '../../http/schemas';

const Count = (description?: string) => Type.Integer({ minimum: 0, ...(description ? { description } : {}) });
const Literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const BreachKind = Literals(BREACH_KINDS);
const StillBreachingReason = Literals(['already-breached', 'no-eligible-slot-in-time', 'capacity']);
const UnassignedReason = Literals(['no-eligible-slot', 'capacity']);
const ByKind = Type.Object(Object.fromEntries(BREACH_KINDS.map((k) => [k, Count()])), {
  description: 'A count for each kind of breach',
});
const Params = Type.Object({ id: Uuid });

const PatientRef = Type.Object({
  id: Uuid,
  nhsNumber: Type.String(),
  name: Type.String({ description: 'Family name, given name' }),
});

const AssignmentSchema = Type.Object({
  pathwayId: Uuid,
  patient: PatientRef,
  priority: Type.String(),
  slot: Type.Object({
    id: Uuid,
    type: Type.String(),
    startsAt: IsoDateTime,
    endsAt: IsoDateTime,
    date: IsoDate,
  }),
  clinic: Type.Object({ id: Type.String(), name: Type.String() }),
  noticeDays: Type.Integer({ description: 'Days from the day the plan was made to the appointment' }),
  reasonableOffer: Type.Boolean({
    description:
      'At least 21 days’ notice (§1.5): with less, the patient may decline the date without it counting against them',
  }),
  outOfTurn: Type.Boolean({
    description: `Booked ahead of someone earlier in turn to avoid more breaches; recorded as "${OUT_OF_TURN_REASON}"`,
  }),
  breachesAvoided: Type.Array(BreachKind),
  breaches: Type.Array(BreachKind, { description: 'Breaches the patient still has on this date' }),
});

const BreachingSchema = Type.Object({
  pathwayId: Uuid,
  patient: PatientRef,
  priority: Type.String(),
  breaches: Type.Array(BreachKind),
  booked: Type.Boolean(),
  date: Nullable(IsoDate),
  reason: StillBreachingReason,
  reasonText: Type.String({ description: 'Why, in plain words' }),
  unassignedReason: Nullable(UnassignedReason),
  unassignedText: Nullable(Type.String()),
});

const Page = <T extends TSchema>(item: T) =>
  Type.Object({ offset: Count(), limit: Count(), total: Count(), items: Type.Array(item) });

const ReasonCount = <T extends TSchema>(reason: T) =>
  Type.Object({ reason, text: Type.String(), count: Count() });

/** What a plan and a plan in the list both show of it. */
const PlanHeader = {
  id: Uuid,
  specialtyCode: Type.String(),
  status: Literals(PLAN_STATUSES),
  fromDate: IsoDate,
  toDate: IsoDate,
  createdBy: Type.String(),
  createdAt: IsoDateTime,
  decidedBy: Nullable(Type.String()),
  decidedAt: Nullable(IsoDateTime),
};

const PlanSchema = Type.Object({
  ...PlanHeader,
  summary: Type.Object({
    today: IsoDate,
    weeks: Type.Integer(),
    minNoticeDays: Type.Integer(),
    counts: Type.Object({
      patients: Count('Patients on the waiting list for a first appointment'),
      slots: Count('Slots with a free place in the period'),
      places: Count('Free places in those slots'),
      booked: Count('Appointments the plan would book'),
      unassigned: Count('Patients left without a date'),
      reasonableOffers: Count('Bookings with 21 days’ notice or more'),
      outOfTurn: Count('Bookings made out of turn to avoid more breaches'),
      breaches: ByKind,
      breachesAvoided: ByKind,
    }),
    breachesBefore: ByKind,
    breachesAfter: ByKind,
    stillBreachingByReason: Type.Record(Type.String(), Count()),
    unassignedByReason: Type.Record(Type.String(), Count()),
    stillBreaching: Type.Array(ReasonCount(StillBreachingReason)),
    unassigned: Type.Array(ReasonCount(UnassignedReason)),
  }),
  assignments: Page(AssignmentSchema),
  stillBreaching: Page(BreachingSchema),
});

const PageQuery = Type.Object(
  {
    offset: Type.Optional(
      Type.Integer({ minimum: 0, description: 'First assignment to return (default 0)' }),
    ),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_PAGE, description: `Assignments (default ${DEFAULT_PAGE})` }),
    ),
    breachingOffset: Type.Optional(Type.Integer({ minimum: 0 })),
    breachingLimit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_PAGE,
        description: `Patients who still breach (default ${DEFAULT_PAGE})`,
      }),
    ),
  },
  { additionalProperties: false },
);

const StaleSchema = Type.Object({
  slotFull: Count(),
  slotClosed: Count(),
  pathwayBooked: Count(),
  pathwayClosed: Count(),
  slotUnsuitable: Count(),
  patientBusy: Count(),
});

const conflictWithStale = {
  description:
    'conflict: the plan is not proposed (already applied, discarded or superseded by a newer plan), or some of its appointments can no longer be booked (staleAssignments says how many): nothing was booked; make a new plan',
  content: {
    [PROBLEM_CONTENT_TYPE]: {
      schema: Type.Intersect([
        Type.Ref(ProblemSchema),
        Type.Object({
          staleAssignments: Type.Optional(Count()),
          totalAssignments: Type.Optional(Count()),
          stale: Type.Optional(StaleSchema),
        }),
      ]),
    },
  },
};

const notFound = problemResponse('The plan was not found');

export function allocationRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.post(
    '/allocation-plans',
    {
      config: { auth: 'Appointment.write' },
      schema: {
        summary: 'Make an automatic allocation plan for a specialty',
        description: `Plans first appointments for the specialty's waiting list (open pathways with the RTT clock running and no appointment booked or attended) into its free slots from \`fromDate\` (default today) for \`weeks\` weeks (default ${DEFAULT_WEEKS}), minimising weighted breaches and booking in turn where that leaves a choice. It respects slot types (procedure clinics into procedure slots only), the clinician, each patient's recorded unavailability and the days they already have an appointment, and \`minNoticeDays\` (default ${DEFAULT_MIN_NOTICE}). Offers with under 21 days' notice are flagged as not reasonable: a patient may decline them without consequence. Nothing is booked: the plan is stored as proposed, to be applied or discarded. Making a plan supersedes the specialty's older proposed plans, so only the newest one can be applied. The answer holds the first page of assignments and of patients who still breach.`,
        tags: ['Allocation'],
        body: Type.Object(
          {
            specialtyCode: Type.String({
              minLength: 1,
              maxLength: 10,
              description: 'Treatment function code, e.g. 110',
            }),
            fromDate: Type.Optional(IsoDate),
            weeks: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_WEEKS })),
            minNoticeDays: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_MIN_NOTICE })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: PlanSchema,
          400: problemResponse(
            'validation_failed: a field is wrong (named in errors), including an unknown specialty',
          ),
        },
      },
    },
    async (request, reply) => {
      const plan = await createPlan(db, contextOf(request, deps.now), request.body);
      return reply.code(201).header('location', `/api/v1/allocation-plans/${plan.id}`).send(plan);
    },
  );

  app.get(
    '/allocation-plans',
    {
      config: { auth: 'Appointment.read' },
      schema: {
        summary: 'Recent allocation plans',
        description: 'Newest first, optionally for one specialty. Counts only, no patient details.',
        tags: ['Allocation'],
        querystring: Type.Object(
          {
            specialty: Type.Optional(Type.String({ minLength: 1, maxLength: 10 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            plans: Type.Array(
              Type.Object({
                ...PlanHeader,
                patients: Count(),
                booked: Count(),
              }),
            ),
          }),
          400: problemResponse('validation_failed: a query parameter is wrong (named in errors)'),
        },
      },
    },
    async (request) => ({ plans: await listPlans(db, contextOf(request, deps.now), request.query) }),
  );

  app.get(
    '/allocation-plans/:id',
    {
      config: { auth: 'Appointment.read' },
      schema: {
        summary: 'An allocation plan, a page of its assignments at a time',
        description:
          'The summary, one page of the planned appointments (`offset`, `limit`) and one page of the patients who still breach (`breachingOffset`, `breachingLimit`). Reading the patients shown is audited.',
        tags: ['Allocation'],
        params: Params,
        querystring: PageQuery,
        response: {
          200: PlanSchema,
          400: problemResponse('validation_failed: a query parameter is wrong (named in errors)'),
          404: notFound,
        },
      },
    },
    async (request) => getPlan(db, contextOf(request, deps.now), request.params.id, request.query),
  );

  app.post(
    '/allocation-plans/:id/apply',
    {
      config: { auth: 'Appointment.write' },
      schema: {
        summary: 'Book every appointment of a plan, in one batch',
        description: `Books all the plan's appointments in one transaction, never beyond a slot's capacity, records each offer's notice and whether it is reasonable (21 days or more), marks bookings made out of turn with the reason "${OUT_OF_TURN_REASON}", audits each appointment and queues an appointment-booked letter for each. Only a proposed plan that is the newest for its specialty can be applied. If anything has changed since the plan was made (a slot now full or cancelled, a pathway booked or closed, the patient booked elsewhere at that time or now unavailable), nothing is booked: 409 with how many appointments are stale, and the plan stays proposed; make a new plan.`,
        tags: ['Allocation'],
        params: Params,
        response: {
          200: Type.Object({
            id: Uuid,
            status: Type.Literal('applied'),
            appointmentsBooked: Count(),
            lettersQueued: Count(),
            slotsUsed: Count(),
            decidedBy: Type.String(),
            decidedAt: IsoDateTime,
          }),
          404: notFound,
          409: conflictWithStale,
        },
      },
    },
    async (request) => applyPlan(db, contextOf(request, deps.now), request.params.id),
  );

  app.post(
    '/allocation-plans/:id/discard',
    {
      config: { auth: 'Appointment.write' },
      schema: {
        summary: 'Discard a proposed allocation plan',
        description: 'Nothing is booked; the plan is kept, marked discarded.',
        tags: ['Allocation'],
        params: Params,
        response: {
          200: Type.Object({
            id: Uuid,
            status: Literals(PLAN_STATUSES),
            decidedBy: Type.String(),
            decidedAt: IsoDateTime,
          }),
          404: notFound,
          409: problemResponse('conflict: the plan has already been applied, discarded or superseded'),
        },
      },
    },
    async (request) => discardPlan(db, contextOf(request, deps.now), request.params.id),
  );
}
