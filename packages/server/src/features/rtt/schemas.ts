/** Request and response of `POST /api/v1/rtt/evaluate`: the RTT engine's input and result (core rtt/engine.ts). */
import { Type, type Static } from '@sinclair/typebox';
import {
  RTT_BREACH_WEEKS,
  RTT_PRIORITIES,
  RTT_STATUS,
  RTT_STATUS_CODES,
  RTT_STOP_CODES,
  type RttPriority,
  type RttResult,
  type RttStatusCode,
  type RttStopCode,
} from '@pathflow/core';
import { Nullable } from '../../http/schemas';

/** Most events one evaluation accepts. A real pathway has tens. */
export const MAX_RTT_EVENTS = 500;

const IsoDate = (description: string) =>
  Type.String({ format: 'date', description: `${description} (YYYY-MM-DD)` });

const CODE_LIST = RTT_STATUS_CODES.map((c) => `${c}: ${RTT_STATUS[c].description}`).join('; ');

export const RttEventSchema = Type.Object(
  {
    date: IsoDate(
      'Date of the activity or decision; for a new clock (10 after a stop, 11) the new clock start date',
    ),
    code: Type.Unsafe<RttStatusCode>({
      type: 'string',
      enum: [...RTT_STATUS_CODES],
      description: `RTT period status code (spec §1.6). ${CODE_LIST}.`,
    }),
    appointmentCommunicated: Type.Optional(
      Type.Boolean({
        description:
          'Evidence that the appointment was clearly communicated to the patient. Needed for 33 to stop (and nullify) a clock, and for a discharge after a missed appointment.',
      }),
    ),
    clinicianDecision: Type.Optional(
      Type.Boolean({
        description:
          'A clinician made this decision. false is refused on 31, 32 and 34; a discharge after a missed appointment (34 with dnaDate), and discharging a two-week-wait patient after a first-appointment DNA (33), need true.',
      }),
    ),
    dnaDate: Type.Optional(
      IsoDate(
        'Only on a 34 that discharges the patient after a missed (not first) appointment: the date of that appointment. The clock stops on this date (spec §1.4 rule 5f, EX-RTT-11)',
      ),
    ),
  },
  { additionalProperties: false },
);

export const RttEvaluateBody = Type.Object(
  {
    priority: Type.Unsafe<RttPriority>({
      type: 'string',
      enum: [...RTT_PRIORITIES],
      description: 'Referral priority',
    }),
    referralReceived: IsoDate('The clock start: the date the referral was received (spec §1.3)'),
    events: Type.Array(RttEventSchema, {
      maxItems: MAX_RTT_EVENTS,
      description:
        'RTT events of one pathway in date order; events on the same date are taken in the order given',
    }),
    asOf: IsoDate(
      'The day the clock is read (a census date, or today). Events after it have not happened yet and are only checked for format and order',
    ),
  },
  { additionalProperties: false },
);
export type RttEvaluateRequest = Static<typeof RttEvaluateBody>;

const RttPeriodSchema = Type.Object({
  start: IsoDate('Start of the clock period'),
  end: Nullable(IsoDate('Stop date, or null while the period is running')),
  endCode: Nullable(
    Type.Unsafe<RttStopCode>({
      type: 'string',
      enum: [...RTT_STOP_CODES],
      description: 'The code that stopped the period (30–36), or null while it is running',
    }),
  ),
  nullified: Type.Boolean({
    description: 'Stopped by a communicated first-appointment DNA (33): excluded from every count',
  }),
});

const BreachDates = Type.Object(
  Object.fromEntries(
    RTT_BREACH_WEEKS.map((w) => [String(w), IsoDate(`First day the wait is over ${w} weeks`)]),
  ) as Record<`${(typeof RTT_BREACH_WEEKS)[number]}`, ReturnType<typeof IsoDate>>,
);

export const RttEvaluateResponse = Type.Object(
  {
    periods: Type.Array(RttPeriodSchema, {
      description: 'Every clock period on the pathway, oldest first; at most the last one is running',
    }),
    current: Type.Object({
      running: Type.Boolean({ description: 'A clock is running on asOf' }),
      start: Nullable(IsoDate('Start of the running clock')),
      daysWaited: Nullable(Type.Integer({ minimum: 0, description: 'asOf − start, in days' })),
      weekBand: Nullable(
        Type.Integer({
          minimum: 1,
          description: 'Upper week of the weekly time band, max(1, ceil(days / 7)): 18 is "17–18 weeks"',
        }),
      ),
      over18Weeks: Type.Boolean({ description: 'daysWaited > 126' }),
      breachDates: Nullable(BreachDates),
    }),
  },
  { description: 'The pathway’s clock periods and the current clock on asOf' },
);

// The response schema and the engine's result describe the same shape.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _responseMatchesEngine: Same<Static<typeof RttEvaluateResponse>, RttResult> = true;
void _responseMatchesEngine;
