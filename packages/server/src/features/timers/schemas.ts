/**
 * Request and response schemas of the timers routes: a pathway's cancer clocks (core cancer/) and its DM01
 * diagnostic waits (core diagnostics/), and the DM01 summary.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  CANCER_CLOCK_STATUSES,
  CANCER_EVENT_KINDS,
  CANCER_ROUTES,
  CANCER_STANDARDS,
  CANCER_TREATMENTS,
  DM01_BREACH_DAYS,
  DM01_TESTS,
  type CancerClock,
  type CancerEventKind,
  type CancerRoute,
  type CancerTreatment,
  type DiagnosticWait,
  type Dm01Performance,
  type Dm01Test,
} from '@pathflow/core';
import { Nullable, Uuid } from '../../http/schemas';

const IsoDate = (description: string) =>
  Type.String({ format: 'date', description: `${description} (YYYY-MM-DD)` });

const DM01_TEST_KEYS = Object.keys(DM01_TESTS) as Dm01Test[];
export const DIAGNOSTIC_ROUTES = ['request', 'e-rs'] as const;
export type DiagnosticRoute = (typeof DIAGNOSTIC_ROUTES)[number];

const Kind = Type.Unsafe<CancerEventKind>({
  type: 'string',
  enum: [...CANCER_EVENT_KINDS],
  description: 'What happened on the cancer pathway',
});
const Route = Type.Unsafe<CancerRoute>({
  type: 'string',
  enum: [...CANCER_ROUTES],
  description:
    'How the patient came onto the cancer pathway. consultant-upgrade includes MDT-referred cases; other has neither an FDS nor a 62-day clock',
});
const Treatment = Type.Unsafe<CancerTreatment>({
  type: 'string',
  enum: [...CANCER_TREATMENTS],
  description: 'First definitive treatment, or a subsequent treatment',
});
const Test = Type.Unsafe<Dm01Test>({
  type: 'string',
  enum: DM01_TEST_KEYS,
  description: `One of the DM01 key diagnostic tests: ${DM01_TEST_KEYS.map((k) => `${k} (${DM01_TESTS[k].name})`).join(', ')}`,
});
const DiagnosticRouteSchema = Type.Unsafe<DiagnosticRoute>({
  type: 'string',
  enum: [...DIAGNOSTIC_ROUTES],
  description:
    'request: a request for the test (the clock starts on the request date); e-rs: an e-RS diagnostic referral (the clock starts on the first UBRN booking or ASI worklist date)',
});
const Note = Type.String({ maxLength: 500 });

export const PathwayParams = Type.Object({ id: Uuid });
export const DiagnosticRequestParams = Type.Object({ id: Uuid, requestId: Uuid });

export const CancerClockSchema = Type.Object(
  {
    standard: Type.Unsafe<CancerClock['standard']>({
      type: 'string',
      enum: Object.keys(CANCER_STANDARDS),
      description:
        'fds-28: 28-day Faster Diagnosis Standard; rtt-62: 62-day referral (or upgrade) to first treatment; dtt-31: 31-day decision to treat to treatment',
    }),
    start: IsoDate('Clock start'),
    end: Nullable(IsoDate('Stop date, or null while the clock is running')),
    days: Type.Integer({
      minimum: 0,
      description: 'Days from start to stop (or to asOf), less adjustmentDays',
    }),
    adjustmentDays: Type.Integer({ minimum: 0 }),
    limitDays: Type.Integer(),
    lastDayWithin: IsoDate('The last day the clock can stop and still meet the standard'),
    status: Type.Unsafe<CancerClock['status']>({
      type: 'string',
      enum: [...CANCER_CLOCK_STATUSES],
      description:
        'met / breached: stopped within / beyond the limit; waiting / overdue: running, within / beyond it',
    }),
  },
  { description: 'One cancer waiting-times clock' },
);

export const CancerEventSchema = Type.Object({
  id: Uuid,
  kind: Kind,
  date: IsoDate('The day it happened'),
  route: Nullable(Route),
  treatment: Nullable(Treatment),
  adjustmentDays: Type.Integer({ minimum: 0 }),
  recordedBy: Type.String(),
  recordedAt: Type.String({ format: 'date-time' }),
  note: Nullable(Type.String()),
});

export const DiagnosticWaitSchema = Type.Object(
  {
    days: Type.Integer({
      minimum: 0,
      description: 'Days from clock start to the test (once done) or to asOf',
    }),
    completedWeeks: Type.Integer({ minimum: 0 }),
    sixWeeksOrMore: Type.Boolean({ description: `days ≥ ${DM01_BREACH_DAYS}` }),
    sixWeekDate: IsoDate('The first day a patient still waiting has waited 6 weeks'),
    status: Type.Unsafe<DiagnosticWait['status']>({ type: 'string', enum: ['waiting', 'performed'] }),
  },
  { description: 'The DM01 wait on asOf' },
);

export const DiagnosticRequestSchema = Type.Object({
  id: Uuid,
  test: Test,
  testName: Type.String(),
  route: DiagnosticRouteSchema,
  requestedOn: Nullable(IsoDate('Date of the request')),
  ubrnBookedOn: Nullable(IsoDate('First UBRN booking date')),
  asiWorklistOn: Nullable(IsoDate('Date the referral reached the ASI worklist')),
  clockStart: IsoDate('The DM01 clock start'),
  performedOn: Nullable(IsoDate('The day the test was done')),
  cancelledOn: Nullable(IsoDate('The day the request was cancelled')),
  recordedBy: Type.String(),
  recordedAt: Type.String({ format: 'date-time' }),
  note: Nullable(Type.String()),
  wait: Nullable(DiagnosticWaitSchema),
});

export const PathwayTimersSchema = Type.Object(
  {
    asOf: IsoDate('The day the timers are read: today in London'),
    cancer: Type.Object({
      route: Nullable(Route),
      referralAssumed: Type.Boolean({
        description:
          'True when no cancer referral is recorded and the pathway’s two-week-wait priority is taken as an urgent suspected cancer referral received on its referral date',
      }),
      clocks: Type.Array(CancerClockSchema, {
        description:
          'The 28-day clock, then the 62-day clock, then a 31-day clock for each decision to treat',
      }),
      events: Type.Array(CancerEventSchema, { description: 'The cancer events recorded, in date order' }),
    }),
    diagnostics: Type.Array(DiagnosticRequestSchema, {
      description: 'The pathway’s diagnostic requests, oldest clock start first. wait is null once cancelled',
    }),
  },
  { description: 'The cancer and diagnostic timers of a pathway, each separate from its RTT clock' },
);
export type PathwayTimers = Static<typeof PathwayTimersSchema>;
export type DiagnosticRequestTimer = Static<typeof DiagnosticRequestSchema>;

export const DiagnosticWriteResponse = Type.Object({
  request: DiagnosticRequestSchema,
  timers: PathwayTimersSchema,
});
export type DiagnosticWriteResult = Static<typeof DiagnosticWriteResponse>;

export const NewCancerEventBody = Type.Object(
  {
    kind: Kind,
    date: IsoDate(
      'The day it happened: referral received, upgrade, diagnosis communicated, decision to treat or treatment start',
    ),
    route: Type.Optional(Route),
    treatment: Type.Optional(Treatment),
    adjustmentDays: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 365,
        description:
          'Only on a diagnosis communicated or a treatment start: a waiting-time adjustment applied under the national guidance, taken off the clocks the event stops',
      }),
    ),
    note: Type.Optional(Note),
  },
  { additionalProperties: false },
);
export type NewCancerEvent = Static<typeof NewCancerEventBody>;

export const NewDiagnosticRequestBody = Type.Object(
  {
    test: Test,
    route: DiagnosticRouteSchema,
    requestedOn: Type.Optional(IsoDate('For a request: the date of the request (the clock start)')),
    ubrnBookedOn: Type.Optional(IsoDate('For e-RS: the first UBRN booking date')),
    asiWorklistOn: Type.Optional(IsoDate('For e-RS: the date the referral reached the ASI worklist')),
    note: Type.Optional(Note),
  },
  { additionalProperties: false },
);
export type NewDiagnosticRequest = Static<typeof NewDiagnosticRequestBody>;

export const PerformedBody = Type.Object(
  { performedOn: IsoDate('The day the test was done') },
  { additionalProperties: false },
);
export const CancelledBody = Type.Object(
  {
    cancelledOn: IsoDate('The day the request was cancelled'),
    reason: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Why the request was cancelled; kept with the request’s note',
    }),
  },
  { additionalProperties: false },
);

export const SummaryQuery = Type.Object(
  {
    asOf: Type.Optional(
      IsoDate(
        'The census date (DM01 counts the waiting list at month end); today or earlier, today by default',
      ),
    ),
  },
  { additionalProperties: false },
);

const Performance = {
  waiting: Type.Integer({ minimum: 0, description: 'Still waiting on asOf' }),
  sixWeeksOrMore: Type.Integer({ minimum: 0 }),
  percentSixWeeksOrMore: Nullable(Type.Number({ description: 'Share waiting 6 weeks or more, 0–100' })),
  maxPercent: Type.Number({ description: 'The operational standard: at most this share' }),
  meetsStandard: Nullable(Type.Boolean()),
};

export const Dm01SummarySchema = Type.Object({
  asOf: IsoDate('The census date'),
  tests: Type.Array(
    Type.Object({
      test: Test,
      name: Type.String(),
      group: Type.String({ enum: ['imaging', 'physiological-measurement', 'endoscopy'] }),
      ...Performance,
    }),
    { description: 'Every DM01 test, in the DM01 order, empty ones too' },
  ),
  total: Type.Object(Performance, { description: 'All tests together' }),
});
export type Dm01Summary = Static<typeof Dm01SummarySchema>;

// The schemas and core's types describe the same shapes.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _clock: Same<Static<typeof CancerClockSchema>, CancerClock> = true;
const _wait: Same<Static<typeof DiagnosticWaitSchema>, DiagnosticWait> = true;
const _performance: Same<Static<typeof Dm01SummarySchema>['total'], Dm01Performance> = true;
void _clock;
void _wait;
void _performance;
