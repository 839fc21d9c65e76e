/**
 * Demand and capacity over HTTP: per specialty and clinic (slot) type, week by week, referrals added, patients
 * leaving the list and slots, with each specialty's queue indicators now. Counts only, no patient details, so
 * nothing is audited. The definitions are at the head of ./service.ts.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { DEFAULT_TIME_TO_TARGET_WEEKS, DEFAULT_WAIT_FACTOR, SLOT_TYPES } from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { IsoDate, Nullable } from '../../http/schemas';
import { problemResponse } from '../openapi/problem-schema';
import {
  DEFAULT_TARGET_WEEKS,
  DEFAULT_WEEKS,
  LEAVING_STOP_CODES,
  MAX_WEEKS,
  weeklyCapacityReport,
} from './service';

const Count = (description: string) => Type.Integer({ minimum: 0, description });
const Rate = (description: string) => Nullable(Type.Number({ description }));

const slotCounts = {
  places: Count('Places in open slots (their capacity); cancelled and removed slots are left out'),
  booked: Count('Places taken by appointments booked, arrived, attended or DNA'),
  used: Count('Appointments arrived or attended'),
  unbooked: Count(
    'Per slot, capacity − booked: still free for weeks to come, never filled for weeks gone by',
  ),
  dna: Count('Appointments the patient did not attend'),
};
const ClinicTypeSchema = Type.Object({
  referralsAdded: Count(
    'Referrals added whose first appointment needs this clinic type: procedure when triage agreed a procedure clinic, otherwise two-week-wait, urgent-new or new by priority (never follow-up)',
  ),
  ...slotCounts,
});

const WeekSchema = Type.Object({
  weekStart: IsoDate,
  weekEnd: IsoDate,
  complete: Type.Boolean({ description: 'The week ended before today: it counts in the indicators' }),
  referralsAdded: Count('Pathways whose referral was received in the week'),
  clockStops: Count(
    `RTT clock stops (codes ${LEAVING_STOP_CODES.join(', ')}) dated in the week, other than validation removals`,
  ),
  removals: Count('Removals confirmed through waiting-list validation (clock stops of origin validation)'),
  leftList: Count('clockStops + removals: patients who left the RTT list'),
  slots: Type.Object(slotCounts, { description: 'Over every slot type' }),
  clinicTypes: Type.Object(
    Object.fromEntries(SLOT_TYPES.map((t) => [t, ClinicTypeSchema])) as Record<
      (typeof SLOT_TYPES)[number],
      typeof ClinicTypeSchema
    >,
    { description: 'By slot type' },
  ),
});

const IndicatorsSchema = Type.Object(
  {
    weeksCounted: Count('Complete weeks of the period the means are taken over'),
    demand: Rate('Mean referrals added per week; null with no complete week'),
    demandCv: Rate('Coefficient of variation of weekly referrals; null with fewer than 2 complete weeks'),
    capacity: Rate(
      'Mean patients leaving the list per week (clockStops + removals): the rate patients leave the list, as in Fong et al.',
    ),
    capacityCv: Rate('Coefficient of variation of weekly leavers; null with fewer than 2 complete weeks'),
    queueSize: Count('Open pathways with a running clock now'),
    meanWaitWeeks: Rate('Mean completed weeks waited of the open list today; null when it is empty'),
    load: Rate('demand / capacity; above 1 the list grows. Null when capacity is 0'),
    targetMeanWait: Type.Number({ description: 'targetWeeks / factor (weeks)' }),
    targetQueueSize: Rate('demand × targetWeeks / factor (Little’s law)'),
    queueRatio: Rate('queueSize / targetQueueSize; null when the target is 0'),
    queueTooBig: Nullable(
      Type.Boolean({ description: 'queueSize > 2 × targetQueueSize: relief capacity is needed' }),
    ),
    reliefCapacity: Rate(
      'demand + (queueSize − targetQueueSize) / timeToTargetWeeks: the capacity per week that brings the list to its target size in that time',
    ),
    targetCapacity: Rate(
      'demand + ((demandCv² + capacityCv²) / 2) × (factor / targetWeeks): the steady capacity per week that holds the target (cvs of 1 when not measured)',
    ),
    pressure: Rate('2 × meanWaitWeeks / targetWeeks; above 1 the target is likely to be missed'),
  },
  { description: 'The queue indicators (planning-and-data.md §1); null where undefined' },
);

const CapacitySchema = Type.Object({
  asOf: IsoDate,
  from: IsoDate,
  to: IsoDate,
  weeks: Type.Integer({ minimum: 1, maximum: MAX_WEEKS }),
  targetWeeks: Type.Number(),
  factor: Type.Number(),
  timeToTargetWeeks: Type.Number(),
  specialties: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      weeks: Type.Array(WeekSchema),
      indicators: IndicatorsSchema,
    }),
  ),
});

const badRequest = problemResponse('validation_failed: a query parameter is wrong (named in errors)');

export function capacityRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/capacity/weekly',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'Demand and capacity per specialty and clinic type, week by week, with queue indicators',
        description: `For each ISO week (Monday to Sunday, London dates) from the week of \`from\` to the week of \`to\` (by default the last ${DEFAULT_WEEKS} complete weeks; ${DEFAULT_WEEKS} weeks from \`from\` or up to \`to\` when only one is given; at most ${MAX_WEEKS}), and each specialty: referrals added, clock stops, validation removals, and per slot type the places, booked, used, unbooked and DNA. Then each specialty's queue indicators now (Fong et al. 2022): demand and capacity are the mean weekly referrals added and patients leaving the list over the complete weeks of the period; queue size and mean wait are of the open pathways with a running clock today. Counts only.`,
        tags: ['Dashboards'],
        querystring: Type.Object(
          {
            from: Type.Optional({ ...IsoDate, description: 'A day in the first week (YYYY-MM-DD)' }),
            to: Type.Optional({ ...IsoDate, description: 'A day in the last week (YYYY-MM-DD)' }),
            specialty: Type.Optional(
              Type.String({ minLength: 1, maxLength: 10, description: 'Treatment function code, e.g. 110' }),
            ),
            targetWeeks: Type.Optional(
              Type.Number({
                minimum: 1,
                maximum: 104,
                description: `The target wait in weeks (default ${DEFAULT_TARGET_WEEKS})`,
              }),
            ),
            factor: Type.Optional(
              Type.Number({
                minimum: 1,
                maximum: 20,
                description: `F: the target mean wait is targetWeeks / F (default ${DEFAULT_WAIT_FACTOR}; 4 misses the target about 1.8 % of the time, 6 about 0.2 %)`,
              }),
            ),
            timeToTargetWeeks: Type.Optional(
              Type.Number({
                minimum: 1,
                maximum: 104,
                description: `Weeks to bring the list to its target size, for relief capacity (default ${DEFAULT_TIME_TO_TARGET_WEEKS})`,
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: CapacitySchema, 400: badRequest },
      },
    },
    async (request) => weeklyCapacityReport(db, contextOf(request, deps.now), request.query),
  );
}
