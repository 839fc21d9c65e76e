/**
 * The dashboards' figures over HTTP: the waiting list by weeks band per specialty and the 18-week breach
 * forecast, week by week. Utilisation by week is `GET /utilisation?groupBy=week`. Counts only, no patient
 * details, so nothing is audited.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { IsoDate, Nullable } from '../../http/schemas';
import { problemResponse } from '../openapi/problem-schema';
import {
  DEFAULT_FORECAST_WEEKS,
  MAX_FORECAST_WEEKS,
  WAIT_BANDS,
  breachForecast,
  waitingListByBand,
} from './service';

const Count = (description: string) => Type.Integer({ minimum: 0, description });

const bandCounts = {
  ...Object.fromEntries(
    WAIT_BANDS.map((b) => [
      b.key,
      Count(
        b.toDays === null
          ? `Waited ${b.fromDays} days or more`
          : `Waited ${b.fromDays} to ${b.toDays} days (${b.label})`,
      ),
    ]),
  ),
  total: Count('Every open pathway with a running clock'),
} as Record<(typeof WAIT_BANDS)[number]['key'] | 'total', ReturnType<typeof Count>>;

const WaitingListSchema = Type.Object({
  asOf: IsoDate,
  bands: Type.Array(
    Type.Object({
      key: Type.String(),
      label: Type.String(),
      fromDays: Type.Integer(),
      toDays: Nullable(Type.Integer()),
    }),
    { description: 'The bands, shortest wait first: days waited = today (London) − clock start' },
  ),
  specialties: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), ...bandCounts })),
  trust: Type.Object(bandCounts),
});

const BreachForecastSchema = Type.Object({
  asOf: IsoDate,
  weeks: Type.Array(
    Type.Object({
      weekStart: IsoDate,
      weekEnd: IsoDate,
      countedFrom: IsoDate,
      total: Count('Pathways whose 18-week breach date falls from countedFrom to weekEnd'),
      bookedBeforeBreach: Count('Of those, with an appointment booked on a date before the breach date'),
      bookedAfterBreach: Count('With an appointment booked on or after the breach date'),
      notBooked: Count('With no appointment booked'),
    }),
  ),
  alreadyBreached: Type.Object(
    {
      total: Count('Breach date today or earlier: waited 127 days or more'),
      booked: Count('With an appointment booked'),
      notBooked: Count('With no appointment booked'),
    },
    { description: 'Open pathways over 18 weeks now' },
  ),
});

const badRequest = problemResponse('validation_failed: a query parameter is wrong (named in errors)');

export function dashboardRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/dashboard/waiting-list',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'The waiting list by weeks band (0–17, 18–51, 52–64, 65–77, 78+) per specialty',
        description:
          'Open pathways with a running RTT clock, by days waited to today in London: 0–17 weeks is 0 to 126 days (within 18 weeks), 18–51 is 127 to 364, 52–64 is 365 to 455, 65–77 is 456 to 546, 78+ is 547 or more. Every specialty of the organisation is listed, empty ones too. Counts only.',
        tags: ['Dashboards'],
        response: { 200: WaitingListSchema },
      },
    },
    async (request) => waitingListByBand(db, contextOf(request, deps.now)),
  );

  app.get(
    '/dashboard/breach-forecast',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: '18-week breaches coming up, week by week, booked in time or not',
        description: `For each of the next \`weeks\` London weeks, Monday to Sunday (default ${DEFAULT_FORECAST_WEEKS}, at most ${MAX_FORECAST_WEEKS}; the first is the current week), the open pathways with a running clock whose 18-week breach date (clock start + 127 days) falls in that week and after today, split by whether an appointment is booked before the breach date, booked on or after it, or not booked (by the slot's session date). Pathways whose breach date is today or earlier are counted once, in alreadyBreached. Counts only.`,
        tags: ['Dashboards'],
        querystring: Type.Object(
          {
            weeks: Type.Optional(
              Type.Integer({
                minimum: 1,
                maximum: MAX_FORECAST_WEEKS,
                description: `How many weeks, the current week first (default ${DEFAULT_FORECAST_WEEKS})`,
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: BreachForecastSchema, 400: badRequest },
      },
    },
    async (request) => breachForecast(db, contextOf(request, deps.now), request.query),
  );
}
