/**
 * The breach forecast over HTTP (issue 7, part 2): the summary week by week, per specialty and per directorate,
 * the potential breaches one page at a time (patients named: each one listed is audited), and what-if
 * scenarios that add or remove places per week without changing anything. Forecasts are cached for a few
 * minutes (service.ts).
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CLINIC_CHANGES, POTENTIAL_BREACH_REASONS, RTT_PRIORITIES, SLOT_TYPES } from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { IsoDate, IsoDateTime, Nullable, Uuid, PageOffset } from '../../http/schemas';
import { problemResponse } from '../openapi/problem-schema';
import { DEFAULT_RATES, DEMAND_WEEKS, MIN_APPOINTMENTS_FOR_RATES, RATE_WEEKS } from './inputs';
import { getForecast, getPotentialBreaches, whatIfForecast } from './requests';
import { CACHE_TTL_MS, DEFAULT_RUNS, DEFAULT_SEED, DEFAULT_WEEKS, MAX_RUNS, MAX_WEEKS } from './service';

const Literals = <T extends string>(values: readonly T[], description?: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    description ? { description } : {},
  );
const Count = (description: string) => Type.Integer({ minimum: 0, description });
const Expected = (description: string) => Type.Number({ minimum: 0, description });
const ByThreshold = (description: string) =>
  Type.Object(
    { '18': Type.Number(), '52': Type.Number(), '65': Type.Number(), '78': Type.Number() },
    { description },
  );
const Spread = (description: string) =>
  Type.Object(
    { mean: Type.Number(), sd: Type.Number({ description: 'Standard deviation over runs' }) },
    { description },
  );

const SpecialtyCode = Type.String({
  minLength: 1,
  maxLength: 10,
  description: 'Treatment function code, e.g. 110',
});
const Directorate = Type.String({
  minLength: 1,
  maxLength: 100,
  description:
    "Directorate, exactly as the specialties have it, e.g. Surgery: only its specialties' pathways",
});
const DirectorateOf = Nullable(
  Type.String({ description: "The specialty's directorate, e.g. Surgery, or null when it has none" }),
);
const Weeks = Type.Integer({
  minimum: 1,
  maximum: MAX_WEEKS,
  default: DEFAULT_WEEKS,
  description: `Weeks ahead to forecast, from today (default ${DEFAULT_WEEKS}; slots exist ${MAX_WEEKS} weeks ahead)`,
});
const Runs = Type.Integer({
  minimum: 1,
  maximum: MAX_RUNS,
  default: DEFAULT_RUNS,
  description: `Simulation runs (default ${DEFAULT_RUNS})`,
});

const Rates = Type.Object(
  {
    dna: Type.Number({ description: 'Did not attend: share of the appointments that went ahead' }),
    cancellation: Type.Number({ description: 'Cancelled by the hospital: share of the appointments due' }),
    source: Literals(['specialty', 'organisation', 'default']),
    appointments: Count(`Appointments due in the last ${RATE_WEEKS} weeks the rates were counted from`),
  },
  {
    description: `From the last ${RATE_WEEKS} weeks of appointments: the specialty's own with at least ${MIN_APPOINTMENTS_FOR_RATES} due, else the organisation's, else the defaults (DNA ${DEFAULT_RATES.dna}, hospital cancellations ${DEFAULT_RATES.cancellation})`,
  },
);

const totals = {
  pathways: Count('Open pathways with a running clock in the forecast'),
  alreadyOver: ByThreshold('Pathways over each threshold today'),
  expectedBreaches: ByThreshold(
    'Expected number of the pathways not yet over each threshold that pass it before being seen, within the horizon',
  ),
  expectedSeen: Expected('Expected number of the pathways seen within the horizon'),
  listSizeAtHorizon: Expected('Mean open pathways (new referrals included) counted after the last week'),
  over18AtHorizon: Expected('Mean of those over 18 weeks'),
};
const Totals = Type.Object(totals);

const ForecastSchema = Type.Object({
  asOf: IsoDate,
  weeks: Type.Integer(),
  runs: Type.Integer(),
  seed: Type.Integer(),
  specialty: Nullable(
    Type.String({ description: 'The specialty forecast alone, or null for the organisation' }),
  ),
  computedAt: IsoDateTime,
  rates: Rates,
  bookedInThePast: Count(
    'Booked appointments dated before today (outcome not recorded): forecast as not booked',
  ),
  leftOut: Count('Open pathways the forecast cannot take (clock start after today, or an unknown priority)'),
  totals: Type.Object({ ...totals, potentialBreaches: Count('Pathways in the potential-breaches list') }),
  weekly: Type.Array(
    Type.Object({
      week: Type.Integer({ description: '0 is the seven days from today' }),
      weekStart: IsoDate,
      weekEnd: IsoDate,
      countedOn: IsoDate,
      seen: Spread('Appointments attended in the week (projected seen)'),
      waiting: Spread('Open pathways counted on countedOn (the list size)'),
      over18: Spread('Of those, over 18 weeks'),
      over52: Spread('Of those, over 52 weeks'),
      arrivals: Expected('Mean new referrals in the week'),
      unusedPlaces: Expected('Mean free places nobody eligible was waiting for'),
      dna: Expected('Mean appointments not attended'),
      cancelled: Expected('Mean appointments cancelled by the hospital'),
    }),
  ),
  specialties: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      directorate: DirectorateOf,
      pathways: totals.pathways,
      alreadyOver: totals.alreadyOver,
      expectedBreaches: totals.expectedBreaches,
      expectedSeen: totals.expectedSeen,
      potentialBreaches: Count('Pathways of the specialty in the potential-breaches list'),
      freePlaces: Count('Free places over the horizon, every slot type'),
      demandPerWeek: Expected(`Mean referrals a week over the last ${DEMAND_WEEKS} weeks`),
      rates: Rates,
    }),
  ),
  directorates: Type.Array(
    Type.Object({
      name: Nullable(Type.String({ description: 'The directorate, or null for the specialties with none' })),
      expectedBreaches: ByThreshold("The sum of its specialties' expected breaches"),
      potentialBreaches: Count('Pathways of its specialties in the potential-breaches list'),
    }),
    { description: 'The specialties above added up per directorate, by name (null last)' },
  ),
});

const Reason = Literals(POTENTIAL_BREACH_REASONS, 'Why the pathway is likely to breach');

const PotentialBreachRow = Type.Object({
  pathwayId: Uuid,
  patient: Type.Object({
    id: Uuid,
    name: Type.String({ description: 'Family, Given' }),
    nhsNumber: Type.String({ pattern: '^[0-9]{10}$' }),
  }),
  specialty: Type.Object({ code: Type.String(), name: Type.String(), directorate: DirectorateOf }),
  priority: Literals(RTT_PRIORITIES),
  clockStart: IsoDate,
  thresholdWeeks: Type.Integer({
    description: 'The next threshold (18, 52, 65 or 78 weeks) not yet passed today',
  }),
  breachDate: IsoDate,
  leadDays: Type.Integer({ description: 'Days from today to the breach date' }),
  probability: Type.Number({ description: 'Probability of passing thresholdWeeks before being seen' }),
  passing: ByThreshold('Probability of passing 18, 52, 65 and 78 weeks before being seen'),
  projectedSeen: Nullable(IsoDate),
  seenWithinHorizon: Type.Number({ description: 'Probability of being seen within the horizon' }),
  booked: Nullable(IsoDate),
  reason: Reason,
  reasonText: Type.String(),
});

const PotentialBreachPage = Type.Object({
  asOf: IsoDate,
  weeks: Type.Integer(),
  runs: Type.Integer(),
  computedAt: IsoDateTime,
  total: Count('Potential breaches matching the filter'),
  limit: Type.Integer(),
  offset: Type.Integer(),
  rows: Type.Array(PotentialBreachRow),
});

const SpecialtyScenario = Type.Object({
  expectedBreaches: totals.expectedBreaches,
  expectedSeen: totals.expectedSeen,
  freePlaces: Count('Free places over the horizon, every slot type'),
});

/** A change's weeks, counted from 0 (the seven days from today). */
const FromWeek = Type.Optional(
  Type.Integer({
    minimum: 0,
    maximum: MAX_WEEKS - 1,
    description: 'First week changed (default 0: from today)',
  }),
);
const ToWeek = Type.Optional(
  Type.Integer({
    minimum: 1,
    maximum: MAX_WEEKS,
    description: 'Week after the last one changed (default: the horizon)',
  }),
);

const Adjustment = Type.Object(
  {
    specialty: SpecialtyCode,
    slotType: Literals(SLOT_TYPES),
    placesPerWeek: Type.Integer({
      minimum: -100_000,
      maximum: 100_000,
      description: 'Places added each week (negative: removed; a week never goes below none)',
    }),
    fromWeek: FromWeek,
    toWeek: ToWeek,
  },
  { additionalProperties: false },
);

const ClinicChange = Type.Object(
  {
    clinicId: Uuid,
    change: Literals(
      CLINIC_CHANGES,
      'remove: its free places in those weeks go (patients booked keep their appointments in the what-if); add: one more session like it each week',
    ),
    fromWeek: FromWeek,
    toWeek: ToWeek,
  },
  { additionalProperties: false },
);

const WhatIfSchema = Type.Object({
  asOf: IsoDate,
  weeks: Type.Integer(),
  runs: Type.Integer(),
  seed: Type.Integer(),
  computedAt: IsoDateTime,
  adjustments: Type.Array(
    Type.Object({
      specialty: Type.String(),
      slotType: Type.String(),
      placesPerWeek: Type.Integer(),
      fromWeek: Type.Integer(),
      toWeek: Type.Integer(),
    }),
  ),
  clinics: Type.Array(
    Type.Object({
      clinicId: Uuid,
      name: Type.String(),
      specialty: Type.String(),
      change: Literals(CLINIC_CHANGES),
      fromWeek: Type.Integer(),
      toWeek: Type.Integer(),
      places: Count('Places taken away (remove) or added (add) over its weeks'),
      bookedKept: Count('remove: appointments booked into it in those weeks, left booked by the what-if'),
    }),
  ),
  before: Totals,
  after: Totals,
  change: Type.Object({
    expectedBreaches: ByThreshold('After minus before'),
    expectedSeen: Type.Number(),
    listSizeAtHorizon: Type.Number(),
    over18AtHorizon: Type.Number(),
  }),
  specialties: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      before: SpecialtyScenario,
      after: SpecialtyScenario,
    }),
  ),
});

const badQuery = problemResponse(
  'validation_failed: a query parameter is wrong (named in errors), including an unknown specialty',
);
const badBreachQuery = problemResponse(
  'validation_failed: a query parameter is wrong (named in errors), including an unknown specialty or directorate',
);
const cacheNote = `Forecasts are kept for ${CACHE_TTL_MS / 60_000} minutes (the same day, weeks, runs and specialty give the cached answer; computedAt says when it was made).`;
const method = `Seeded simulation (seed ${DEFAULT_SEED}) of booking in turn, week by week, over the free places of the slots ahead (capacity − booked − held), with new referrals at the mean weekly rate of the last ${DEMAND_WEEKS} weeks and DNA and hospital-cancellation rates from the last ${RATE_WEEKS} weeks (patients cancelled or not attending are rebooked).`;

export function forecastRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/forecast',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary:
          'Breach forecast: projected seen, list size and breaches week by week, per specialty and per directorate',
        description: `For every open pathway with a running clock, as of today in London. ${method} With \`specialty\`, that specialty is forecast alone. Counts and means only. ${cacheNote}`,
        tags: ['Forecast'],
        querystring: Type.Object(
          { specialty: Type.Optional(SpecialtyCode), weeks: Type.Optional(Weeks), runs: Type.Optional(Runs) },
          { additionalProperties: false },
        ),
        response: { 200: ForecastSchema, 400: badQuery },
      },
    },
    async (request) => getForecast(db, contextOf(request, deps.now), request.query),
  );

  app.get(
    '/forecast/potential-breaches',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'Pathways likely to pass their next threshold, with lead time and reason, one page',
        description: `Pathways whose probability of passing their next threshold (18 weeks, or the next long-wait threshold for those already over 18) is at least one half, or whose projected seen date is on or after the breach date; sorted by breach date, then priority. Pathways already over 78 weeks are not listed. With \`directorate\`, only the pathways of its specialties. Each patient listed is recorded in the audit log. ${cacheNote}`,
        tags: ['Forecast'],
        querystring: Type.Object(
          {
            specialty: Type.Optional(SpecialtyCode),
            directorate: Type.Optional(Directorate),
            reason: Type.Optional(Reason),
            weeks: Type.Optional(Weeks),
            runs: Type.Optional(Runs),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
            offset: PageOffset,
          },
          { additionalProperties: false },
        ),
        response: { 200: PotentialBreachPage, 400: badBreachQuery },
      },
    },
    async (request) => getPotentialBreaches(db, contextOf(request, deps.now), request.query),
  );

  app.post(
    '/forecast/what-if',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'What-if: the forecast with places or clinics added or removed, before and after',
        description: `The forecast as it is and with the changes, with the same seed and runs (so the difference is the changes' own): places per week of a specialty and slot type (\`adjustments\`), and clinics removed or given one more session a week (\`clinics\`). At least one change. Weeks count from 0, the seven days from today. Nothing is booked or changed. ${cacheNote}`,
        tags: ['Forecast'],
        body: Type.Object(
          {
            adjustments: Type.Optional(Type.Array(Adjustment, { minItems: 1, maxItems: 100 })),
            clinics: Type.Optional(Type.Array(ClinicChange, { minItems: 1, maxItems: 20 })),
            weeks: Type.Optional(Weeks),
            runs: Type.Optional(Runs),
          },
          { additionalProperties: false },
        ),
        response: {
          200: WhatIfSchema,
          400: problemResponse(
            'validation_failed: a field is wrong (named in errors), e.g. /body/adjustments/0/specialty for an unknown specialty',
          ),
        },
      },
    },
    async (request) => whatIfForecast(db, contextOf(request, deps.now), request.body),
  );
}
