import { describe, it, expect } from 'vitest';
import { createRttCompactResult, evaluateRtt, evaluateRttFast, toRttResult } from './engine';
import type { RttEvent, RttInput, RttOptions, RttPeriod, RttCurrent } from './engine';
import { RttRuleError } from './errors';
import type { RttRuleId } from './errors';
import { rttClockStart } from './clock-start';
import { measureWait } from './measures';
import type { WaitMeasures } from './measures';
import { RTT_STATUS } from './status-codes';

const period = (
  start: string,
  end: string | null = null,
  endCode: RttPeriod['endCode'] = null,
  nullified = false,
) => ({ start, end, endCode, nullified }) satisfies RttPeriod;

const NOT_RUNNING: RttCurrent = {
  running: false,
  start: null,
  daysWaited: null,
  weekBand: null,
  over18Weeks: false,
  breachDates: null,
};

interface Example {
  id: string;
  input: RttInput;
  options?: RttOptions;
  periods: RttPeriod[];
  current: Partial<RttCurrent>;
  /** Measures of the last completed period, where the example states them. */
  stopped?: Partial<WaitMeasures>;
}

const ex = (date: string, code: string, extra: Omit<RttEvent, 'date' | 'code'> = {}): RttEvent => ({
  date,
  code,
  ...extra,
});

// Worked examples from the domain spec §1.8 (shared/spec/nhs-domain.md) that concern the clock itself.
// Examples about start-date selection, offers and tasks are also in clock-start, reasonable-offer,
// patient-delay and measures tests, under the same ids.
const EXAMPLES: Example[] = [
  // EX-RTT-01: whether a stop was admitted (1A) or non-admitted (1B) is not in the event shape; the 30 event
  // carries the admission date, which is the stop date.
  {
    id: 'EX-RTT-01 admitted FDT: stop on the admission date, not the operation date',
    input: {
      priority: 'routine',
      referralReceived: '2025-01-06',
      events: [ex('2025-02-03', '10'), ex('2025-04-14', '30')],
      asOf: '2025-06-30',
    },
    periods: [period('2025-01-06', '2025-04-14', '30')],
    current: NOT_RUNNING,
    stopped: { days: 98, weekBand: 14, weekBandLabel: '13–14', within18Weeks: true },
  },
  {
    id: 'EX-RTT-02 e-RS: clock from UBRN conversion, not creation',
    input: {
      priority: 'routine',
      referralReceived: rttClockStart({
        route: 'e-rs',
        createdOn: '2025-01-02',
        ubrnConvertedOn: '2025-01-10',
      }).start!,
      events: [],
      asOf: '2025-01-31',
    },
    periods: [period('2025-01-10')],
    current: { running: true, start: '2025-01-10', daysWaited: 21 },
  },
  {
    id: 'EX-RTT-03 e-RS with no slots: clock from the ASI worklist date, not the provider booking',
    input: {
      priority: 'routine',
      referralReceived: rttClockStart({
        route: 'e-rs',
        ubrnConvertedOn: '2025-03-03',
        asiWorklistOn: '2025-03-03',
        bookedByProviderOn: '2025-03-20',
      }).start!,
      events: [ex('2025-04-14', '10')],
      asOf: '2025-04-14',
    },
    periods: [period('2025-03-03')],
    current: { running: true, start: '2025-03-03', daysWaited: 42 },
  },
  {
    id: 'EX-RTT-04 interface service: acute trust records the MSK interface receipt date',
    input: {
      priority: 'routine',
      referralReceived: rttClockStart({
        route: 'interface-service',
        interfaceReceivedOn: '2025-01-02',
        onwardReceivedOn: '2025-01-28',
      }).start!,
      events: [ex('2025-02-24', '10')],
      asOf: '2025-02-28',
    },
    periods: [period('2025-01-02')],
    current: { running: true, start: '2025-01-02', daysWaited: 57 },
  },
  {
    id: 'EX-RTT-05 provider A records 21 on transfer: the clock keeps running (A stops reporting it)',
    input: {
      priority: 'routine',
      referralReceived: '2025-01-02',
      events: [ex('2025-01-20', '10'), ex('2025-01-28', '21')],
      asOf: '2025-02-28',
    },
    periods: [period('2025-01-02')],
    current: { running: true, start: '2025-01-02' },
  },
  {
    id: 'EX-RTT-05 provider B carries the original start from the IPTAMDS and records 20',
    input: {
      priority: 'routine',
      referralReceived: rttClockStart({
        route: 'inter-provider-transfer',
        originalStart: '2025-01-02',
        receivedOn: '2025-01-28',
      }).start!,
      events: [ex('2025-02-10', '20')],
      asOf: '2025-02-28',
    },
    periods: [period('2025-01-02')],
    current: { running: true, start: '2025-01-02', daysWaited: 57 },
  },
  {
    id: 'EX-RTT-06 communicated first-appointment DNA nullifies; rebooking call starts a new clock',
    input: {
      priority: 'routine',
      referralReceived: '2025-02-03',
      events: [ex('2025-03-03', '33', { appointmentCommunicated: true }), ex('2025-03-10', '10')],
      asOf: '2025-03-31',
    },
    periods: [period('2025-02-03', '2025-03-03', '33', true), period('2025-03-10')],
    current: { running: true, start: '2025-03-10', daysWaited: 21, weekBand: 3 },
  },
  {
    id: 'EX-RTT-07 clinician decides to offer another first appointment before the patient calls: clock from that decision',
    input: {
      priority: 'routine',
      referralReceived: '2025-02-03',
      events: [
        ex('2025-03-03', '33', { appointmentCommunicated: true }),
        ex('2025-03-05', '10', { clinicianDecision: true }),
      ],
      asOf: '2025-03-31',
    },
    periods: [period('2025-02-03', '2025-03-03', '33', true), period('2025-03-05')],
    current: { running: true, start: '2025-03-05', daysWaited: 26 },
  },
  {
    id: 'EX-RTT-08 no evidence the appointment was communicated: not nullified, original clock continues',
    input: {
      priority: 'routine',
      referralReceived: '2025-02-03',
      events: [ex('2025-03-03', '33', { appointmentCommunicated: false })],
      asOf: '2025-03-31',
    },
    periods: [period('2025-02-03')],
    current: { running: true, start: '2025-02-03', daysWaited: 56 },
  },
  {
    id: 'EX-RTT-08 communication not recorded at all is treated as not shown: clock continues',
    input: {
      priority: 'urgent',
      referralReceived: '2025-02-03',
      events: [ex('2025-03-03', '33')],
      asOf: '2025-03-31',
    },
    periods: [period('2025-02-03')],
    current: { running: true, start: '2025-02-03', daysWaited: 56 },
  },
  {
    id: 'EX-RTT-09 two-week-wait first-appointment DNA, no clinical discharge decision: period continues',
    input: {
      priority: 'two-week-wait',
      referralReceived: '2025-02-03',
      events: [ex('2025-02-14', '33', { appointmentCommunicated: true }), ex('2025-02-21', '10')],
      asOf: '2025-02-28',
    },
    periods: [period('2025-02-03')],
    current: { running: true, start: '2025-02-03', daysWaited: 25 },
  },
  {
    id: 'EX-RTT-10 DNA of a follow-up appointment, rebooked: clock continues',
    input: {
      priority: 'routine',
      referralReceived: '2025-01-06',
      events: [ex('2025-02-03', '10'), ex('2025-03-03', '20'), ex('2025-03-17', '20')],
      asOf: '2025-03-31',
    },
    periods: [period('2025-01-06')],
    current: { running: true, start: '2025-01-06', daysWaited: 84 },
  },
  // EX-RTT-11: the child-safeguarding part (explicit clinical and safeguarding review before any discharge) is
  // the DNA policy's job, outside the clock; the engine's share is to refuse any DNA discharge that lacks an
  // explicit clinician decision (see EX-RTT-12 below).
  {
    id: 'EX-RTT-11 [§9 ambiguity, default] discharge after a follow-up DNA stops on the DNA date 2025-05-12',
    input: {
      priority: 'routine',
      referralReceived: '2025-01-06',
      events: [
        ex('2025-02-03', '10'),
        ex('2025-05-14', '34', {
          dnaDate: '2025-05-12',
          clinicianDecision: true,
          appointmentCommunicated: true,
        }),
      ],
      asOf: '2025-05-31',
    },
    periods: [period('2025-01-06', '2025-05-12', '34')],
    current: NOT_RUNNING,
  },
  {
    id: "EX-RTT-11 [§9 ambiguity, option dnaDischargeStopDate: 'discharge-date'] stops on the discharge date 2025-05-14",
    input: {
      priority: 'routine',
      referralReceived: '2025-01-06',
      events: [
        ex('2025-02-03', '10'),
        ex('2025-05-14', '34', {
          dnaDate: '2025-05-12',
          clinicianDecision: true,
          appointmentCommunicated: true,
        }),
      ],
      asOf: '2025-05-31',
    },
    options: { dnaDischargeStopDate: 'discharge-date' },
    periods: [period('2025-01-06', '2025-05-14', '34')],
    current: NOT_RUNNING,
  },
  {
    id: 'EX-RTT-11 before the discharge decision the clock is still running on the DNA date',
    input: {
      priority: 'routine',
      referralReceived: '2025-01-06',
      events: [
        ex('2025-02-03', '10'),
        ex('2025-05-14', '34', {
          dnaDate: '2025-05-12',
          clinicianDecision: true,
          appointmentCommunicated: true,
        }),
      ],
      asOf: '2025-05-13',
    },
    periods: [period('2025-01-06')],
    current: { running: true, daysWaited: 127, over18Weeks: true },
  },
  {
    id: 'EX-RTT-13 patient cancellations are not RTT events: clock continues',
    input: {
      priority: 'routine',
      referralReceived: '2025-01-06',
      events: [ex('2025-02-03', '10'), ex('2025-04-28', '20')],
      asOf: '2025-05-31',
    },
    periods: [period('2025-01-06')],
    current: { running: true, start: '2025-01-06', daysWaited: 145 },
  },
  // EX-RTT-14: the last-minute cancellation's 28-day rebooking rule is §2.4 (access policy), not a clock rule.
  {
    id: 'EX-RTT-14 admitted but surgery cancelled (20), operated on the new TCI: stop 2025-02-05',
    input: {
      priority: 'urgent',
      referralReceived: '2024-11-04',
      events: [ex('2024-12-02', '10'), ex('2025-02-01', '20'), ex('2025-02-05', '30')],
      asOf: '2025-02-28',
    },
    periods: [period('2024-11-04', '2025-02-05', '30')],
    current: NOT_RUNNING,
  },
  {
    id: 'EX-RTT-15 admitted, found unsuitable, agreed not to operate: non-admitted stop 34 on the admission date',
    input: {
      priority: 'routine',
      referralReceived: '2024-11-04',
      events: [ex('2024-12-02', '10'), ex('2025-02-01', '34', { clinicianDecision: true })],
      asOf: '2025-02-28',
    },
    periods: [period('2024-11-04', '2025-02-01', '34')],
    current: NOT_RUNNING,
  },
  {
    id: 'EX-RTT-16 watchful waiting (32) stops the clock; decision to operate (11) starts a new one from zero',
    input: {
      priority: 'routine',
      referralReceived: '2025-01-13',
      events: [
        ex('2025-02-10', '10'),
        ex('2025-03-01', '32', { clinicianDecision: true }),
        ex('2025-06-02', '91'),
        ex('2025-09-01', '11'),
      ],
      asOf: '2025-09-15',
    },
    periods: [period('2025-01-13', '2025-03-01', '32'), period('2025-09-01')],
    current: { running: true, start: '2025-09-01', daysWaited: 14 },
  },
  // EX-RTT-17: restoring the patient's place on the waiting list is waiting-list ordering, outside the clock.
  {
    id: 'EX-RTT-17 active monitoring after two declined reasonable offers (32); patient proceeds 2025-07-01 (11)',
    input: {
      priority: 'routine',
      referralReceived: '2025-02-03',
      events: [
        ex('2025-03-03', '10'),
        ex('2025-04-01', '20'),
        ex('2025-05-20', '32', { clinicianDecision: true }),
        ex('2025-07-01', '11'),
      ],
      asOf: '2025-07-01',
    },
    periods: [period('2025-02-03', '2025-05-20', '32'), period('2025-07-01')],
    current: { running: true, start: '2025-07-01', daysWaited: 0, weekBand: 1 },
  },
  {
    id: 'EX-RTT-19 first cataract (30) then second eye: new clock when fit and ready',
    input: {
      priority: 'routine',
      referralReceived: '2024-11-04',
      events: [ex('2024-12-02', '10'), ex('2025-03-03', '30'), ex('2025-04-14', '10')],
      asOf: '2025-04-30',
    },
    periods: [period('2024-11-04', '2025-03-03', '30'), period('2025-04-14')],
    current: { running: true, start: '2025-04-14', daysWaited: 16 },
  },
  {
    id: 'EX-RTT-20 after IUI (30, then 90 follow-ups), decision to refer for IVF: new clock 2025-06-10',
    input: {
      priority: 'routine',
      referralReceived: '2024-01-08',
      events: [
        ex('2024-02-05', '10'),
        ex('2024-04-15', '30'),
        ex('2024-07-01', '90'),
        ex('2025-06-10', '10'),
      ],
      asOf: '2025-06-30',
    },
    periods: [period('2024-01-08', '2024-04-15', '30'), period('2025-06-10')],
    current: { running: true, start: '2025-06-10', daysWaited: 20 },
  },
  {
    id: 'EX-RTT-21 census 2025-05-07: 126 days, band 17–18, within 18 weeks',
    input: { priority: 'routine', referralReceived: '2025-01-01', events: [], asOf: '2025-05-07' },
    periods: [period('2025-01-01')],
    current: { running: true, daysWaited: 126, weekBand: 18, over18Weeks: false },
  },
  {
    id: 'EX-RTT-21 census 2025-05-08: 127 days, band 18–19, over 18 weeks',
    input: { priority: 'routine', referralReceived: '2025-01-01', events: [], asOf: '2025-05-08' },
    periods: [period('2025-01-01')],
    current: { running: true, daysWaited: 127, weekBand: 19, over18Weeks: true },
  },
  {
    id: 'EX-RTT-22 census 2025-02-28: 364 days, not over 52 weeks (first day over is 2025-03-01)',
    input: { priority: 'routine', referralReceived: '2024-03-01', events: [], asOf: '2025-02-28' },
    periods: [period('2024-03-01')],
    current: { running: true, daysWaited: 364, weekBand: 52 },
  },
  {
    id: 'EX-RTT-22 census 2025-03-01: 365 days, over 52 weeks',
    input: { priority: 'routine', referralReceived: '2024-03-01', events: [], asOf: '2025-03-01' },
    periods: [period('2024-03-01')],
    current: { running: true, daysWaited: 365, weekBand: 53 },
  },
  {
    id: 'EX-RTT-23 breach dates from a 2024-01-01 start',
    input: { priority: 'routine', referralReceived: '2024-01-01', events: [], asOf: '2024-01-01' },
    periods: [period('2024-01-01')],
    current: {
      running: true,
      daysWaited: 0,
      weekBand: 1,
      breachDates: {
        '18': '2024-05-07',
        '52': '2024-12-31',
        '65': '2025-04-01',
        '78': '2025-07-01',
        '104': '2025-12-30',
      },
    },
  },
  {
    id: 'EX-RTT-24 drop-in clinic, seen and treated the same day: start = stop, 0 days, band 0–1',
    input: {
      priority: 'routine',
      referralReceived: '2025-05-06',
      events: [ex('2025-05-06', '10'), ex('2025-05-06', '30')],
      asOf: '2025-05-31',
    },
    periods: [period('2025-05-06', '2025-05-06', '30')],
    current: NOT_RUNNING,
    stopped: { days: 0, weekBand: 1, weekBandLabel: '0–1', within18Weeks: true },
  },
  {
    id: 'EX-RTT-25 patient died, relative informs 2025-04-03: administrative stop 36',
    input: {
      priority: 'routine',
      referralReceived: '2025-01-06',
      events: [ex('2025-02-03', '10'), ex('2025-04-03', '36')],
      asOf: '2025-04-30',
    },
    periods: [period('2025-01-06', '2025-04-03', '36')],
    current: NOT_RUNNING,
  },
  {
    id: 'EX-RTT-26 five days of thinking time after surgery is offered: clock continues throughout',
    input: {
      priority: 'routine',
      referralReceived: '2025-04-01',
      events: [ex('2025-04-22', '10'), ex('2025-06-01', '20'), ex('2025-06-06', '20')],
      asOf: '2025-06-16',
    },
    periods: [period('2025-04-01')],
    current: { running: true, start: '2025-04-01', daysWaited: 76 },
  },
  {
    id: 'EX-RTT-27 patient asks to defer surgery by 10 weeks: no pause, clock continues',
    input: {
      priority: 'routine',
      referralReceived: '2025-01-06',
      events: [ex('2025-02-03', '10'), ex('2025-03-03', '20')],
      asOf: '2025-06-02',
    },
    periods: [period('2025-01-06')],
    current: { running: true, start: '2025-01-06', daysWaited: 147, over18Weeks: true },
  },
  {
    id: 'EX-RTT-28 physiotherapy decided as definitive management: therapy starts 2025-07-07, stop 30',
    input: {
      priority: 'routine',
      referralReceived: '2025-04-07',
      events: [ex('2025-05-05', '10'), ex('2025-07-07', '30')],
      asOf: '2025-07-31',
    },
    periods: [period('2025-04-07', '2025-07-07', '30')],
    current: NOT_RUNNING,
  },
  {
    id: 'EX-RTT-29 admission for a diagnostic colonoscopy only (20) is not a stop',
    input: {
      priority: 'urgent',
      referralReceived: '2025-01-06',
      events: [ex('2025-01-20', '10'), ex('2025-02-10', '20')],
      asOf: '2025-02-28',
    },
    periods: [period('2025-01-06')],
    current: { running: true, start: '2025-01-06', daysWaited: 53 },
  },
  {
    id: 'EX-RTT-30 patient moves from Scotland: clock from the English receipt 2025-08-04, never backdated',
    input: {
      priority: 'routine',
      referralReceived: rttClockStart({
        route: 'cross-border',
        originalReferralOn: '2025-05-01',
        englishProviderReceivedOn: '2025-08-04',
      }).start!,
      events: [],
      asOf: '2025-08-31',
    },
    periods: [period('2025-08-04')],
    current: { running: true, start: '2025-08-04', daysWaited: 27 },
  },
];

describe('RTT engine: worked examples (spec §1.8)', () => {
  it.each(EXAMPLES)('$id', ({ input, options, periods, current, stopped }) => {
    const result = evaluateRtt(input, options);
    expect(result.periods).toEqual(periods);
    expect(result.current).toMatchObject(current);
    if (stopped) {
      const last = result.periods.at(-1)!;
      expect(measureWait(last.start, last.end!)).toMatchObject(stopped);
    }
  });

  it('EX-RTT-25 the death is an administrative stop code (CDS First Attendance code 5)', () => {
    expect(RTT_STATUS['36'].administrativeStop).toBe(true);
    expect(RTT_STATUS['30'].administrativeStop).toBe(false);
  });
});

interface RuleCase {
  id: string;
  input: RttInput;
  rule: RttRuleId;
  eventIndex: number | null;
  message?: RegExp;
}

const base = { priority: 'routine', referralReceived: '2025-01-06', asOf: '2025-12-31' } as const;

const RULE_CASES: RuleCase[] = [
  {
    id: 'EX-RTT-12 automatic "discharge after 2 DNAs" with no clinician decision is blocked',
    input: {
      ...base,
      events: [
        ex('2025-02-03', '10'),
        ex('2025-03-03', '20'),
        ex('2025-04-07', '34', {
          dnaDate: '2025-04-07',
          clinicianDecision: false,
          appointmentCommunicated: true,
        }),
      ],
    },
    rule: '§1.4/dna-discharge',
    eventIndex: 2,
    message: /clinician's decision/,
  },
  {
    id: 'EX-RTT-12 a DNA discharge with no recorded clinician decision at all is blocked too',
    input: {
      ...base,
      events: [
        ex('2025-02-03', '10'),
        ex('2025-04-07', '34', { dnaDate: '2025-04-07', appointmentCommunicated: true }),
      ],
    },
    rule: '§1.4/dna-discharge',
    eventIndex: 1,
  },
  {
    id: '§1.4 rule 5f(i): a DNA discharge needs a clearly communicated appointment',
    input: {
      ...base,
      events: [
        ex('2025-02-03', '10'),
        ex('2025-04-07', '34', { dnaDate: '2025-04-07', clinicianDecision: true }),
      ],
    },
    rule: '§1.4/dna-discharge',
    eventIndex: 1,
    message: /clearly communicated/,
  },
  {
    id: '§1.4: two-week-wait discharge after a first-appointment DNA needs a communicated appointment',
    input: {
      ...base,
      priority: 'two-week-wait',
      events: [ex('2025-01-14', '33', { clinicianDecision: true })],
    },
    rule: '§1.4/dna-discharge',
    eventIndex: 0,
  },
  {
    id: '§1.4 rule 5d: decision not to treat recorded as not a clinician decision',
    input: { ...base, events: [ex('2025-02-03', '34', { clinicianDecision: false })] },
    rule: '§1.4/clinical-decision',
    eventIndex: 0,
  },
  {
    id: '§1.4 rule 5b: active monitoring recorded as not a clinician decision',
    input: {
      ...base,
      events: [ex('2025-02-03', '10'), ex('2025-02-03', '32', { clinicianDecision: false })],
    },
    rule: '§1.4/clinical-decision',
    eventIndex: 1,
  },
  {
    id: 'input: events out of date order',
    input: { ...base, events: [ex('2025-03-03', '10'), ex('2025-03-01', '20')] },
    rule: 'input.event-order',
    eventIndex: 1,
    message: /date order/,
  },
  {
    id: 'input: impossible event date',
    input: { ...base, events: [ex('2025-02-29', '10')] },
    rule: 'input.date',
    eventIndex: 0,
  },
  {
    id: 'input: event date with a time',
    input: { ...base, events: [ex('2025-02-03T09:00', '10')] },
    rule: 'input.date',
    eventIndex: 0,
  },
  {
    id: 'input: invalid referral date',
    input: { ...base, referralReceived: '06/01/2025', events: [] },
    rule: 'input.date',
    eventIndex: null,
  },
  {
    id: 'input: invalid as-of date',
    input: { ...base, asOf: '2025-13-01', events: [] },
    rule: 'input.date',
    eventIndex: null,
  },
  {
    id: 'input: unknown priority',
    input: { ...base, priority: 'soon' as 'urgent', events: [] },
    rule: 'input.priority',
    eventIndex: null,
  },
  {
    id: 'input: clock event before the referral was received',
    input: { ...base, events: [ex('2025-01-05', '10')] },
    rule: 'input.before-referral',
    eventIndex: 0,
  },
  {
    id: 'input: DNA date after the discharge',
    input: {
      ...base,
      events: [
        ex('2025-02-03', '10'),
        ex('2025-04-07', '34', {
          dnaDate: '2025-04-08',
          clinicianDecision: true,
          appointmentCommunicated: true,
        }),
      ],
    },
    rule: 'input.dna-date',
    eventIndex: 1,
  },
  {
    id: '§1.6: code 40 is not an RTT status code',
    input: { ...base, events: [ex('2025-02-03', '40')] },
    rule: '§1.6/unknown-code',
    eventIndex: 0,
  },
  {
    id: '§1.6: a one-digit code is not an RTT status code',
    input: { ...base, events: [ex('2025-02-03', '3')] },
    rule: '§1.6/unknown-code',
    eventIndex: 0,
  },
  {
    id: '§1.6: after first definitive treatment, 20 is not valid',
    input: { ...base, events: [ex('2025-02-03', '10'), ex('2025-03-03', '30'), ex('2025-04-01', '20')] },
    rule: '§1.6/after-treatment',
    eventIndex: 2,
    message: /only 90/,
  },
  {
    id: '§1.6: a stop code is terminal (30 after 34)',
    input: {
      ...base,
      events: [ex('2025-02-03', '34'), ex('2025-03-03', '30')],
    },
    rule: '§1.6/no-running-clock',
    eventIndex: 1,
  },
  {
    id: '§1.6: 20 after a nullifying first-appointment DNA, before any rebooking',
    input: {
      ...base,
      events: [ex('2025-02-03', '33', { appointmentCommunicated: true }), ex('2025-02-10', '20')],
    },
    rule: '§1.6/no-running-clock',
    eventIndex: 1,
    message: /starts a new clock with 10/,
  },
  {
    id: '§1.6: 20 during active monitoring (use 91, or 11 to restart)',
    input: { ...base, events: [ex('2025-02-03', '31'), ex('2025-03-03', '20')] },
    rule: '§1.6/no-running-clock',
    eventIndex: 1,
    message: /91/,
  },
  {
    id: '§1.6: 91 needs a prior 31/32',
    input: { ...base, events: [ex('2025-02-03', '10'), ex('2025-03-03', '30'), ex('2025-04-01', '91')] },
    rule: '§1.6/active-monitoring',
    eventIndex: 2,
  },
  {
    id: '§1.6: 11 needs a prior 31/32',
    input: { ...base, events: [ex('2025-02-03', '10'), ex('2025-03-03', '30'), ex('2025-04-01', '11')] },
    rule: '§1.6/active-monitoring',
    eventIndex: 2,
  },
  {
    id: '§1.6: 11 while a clock is running',
    input: { ...base, events: [ex('2025-02-03', '10'), ex('2025-04-01', '11')] },
    rule: '§1.6/active-monitoring',
    eventIndex: 1,
  },
  {
    id: '§1.6: 90 while the clock is still running',
    input: { ...base, events: [ex('2025-02-03', '10'), ex('2025-04-01', '90')] },
    rule: '§1.6/after-treatment',
    eventIndex: 1,
  },
  {
    id: '§1.6: 90 after a stop that was not treatment',
    input: { ...base, events: [ex('2025-02-03', '35'), ex('2025-04-01', '90')] },
    rule: '§1.6/after-treatment',
    eventIndex: 1,
  },
  {
    id: '§1.6: 33 only on the first care activity',
    input: {
      ...base,
      events: [ex('2025-02-03', '10'), ex('2025-03-03', '33', { appointmentCommunicated: true })],
    },
    rule: '§1.6/dna-first-activity',
    eventIndex: 1,
  },
  {
    id: '§1.6: two first activities (10) in one period',
    input: { ...base, events: [ex('2025-02-03', '10'), ex('2025-03-03', '10')] },
    rule: '§1.6/first-activity',
    eventIndex: 1,
  },
  {
    id: '§1.6: 12 part-way through a pathway belongs on a new pathway',
    input: { ...base, events: [ex('2025-02-03', '10'), ex('2025-03-03', '12')] },
    rule: '§1.6/new-pathway',
    eventIndex: 1,
  },
  {
    id: 'Annex E: 36 cannot close a completed period',
    input: { ...base, events: [ex('2025-02-03', '10'), ex('2025-03-03', '30'), ex('2025-04-01', '36')] },
    rule: '§1.6/admin-stop-open-period',
    eventIndex: 2,
  },
  {
    id: '§1.4: nothing follows the patient’s death',
    input: { ...base, events: [ex('2025-02-03', '36'), ex('2025-04-01', '98')] },
    rule: '§1.4/died',
    eventIndex: 1,
  },
];

describe('RTT engine: illegal input throws RttRuleError with the rule id', () => {
  it.each(RULE_CASES)('$id → $rule', ({ input, rule, eventIndex, message }) => {
    let error: unknown;
    try {
      evaluateRtt(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RttRuleError);
    const e = error as RttRuleError;
    expect(e.rule).toBe(rule);
    expect(e.eventIndex).toBe(eventIndex);
    expect(e.name).toBe('RttRuleError');
    expect(e.message.length).toBeGreaterThan(20);
    if (message) expect(e.message).toMatch(message);
    expect(JSON.parse(JSON.stringify(e))).toEqual({ rule, eventIndex, message: e.message });
  });
});

describe('RTT engine: other behaviour', () => {
  it('events after asOf have not happened yet: a month-end snapshot from a longer history', () => {
    const input: RttInput = {
      ...base,
      events: [ex('2025-02-03', '10'), ex('2025-04-14', '30')],
      asOf: '2025-03-31',
    };
    expect(evaluateRtt(input)).toEqual({
      periods: [period('2025-01-06')],
      current: expect.objectContaining({ running: true, daysWaited: 84 }) as RttCurrent,
    });
  });

  it('events after asOf are still checked for order', () => {
    const input: RttInput = {
      ...base,
      asOf: '2025-01-31',
      events: [ex('2025-04-14', '30'), ex('2025-02-03', '10')],
    };
    expect(() => evaluateRtt(input)).toThrow(RttRuleError);
  });

  it('a referral received after asOf has no period yet', () => {
    expect(evaluateRtt({ ...base, asOf: '2025-01-05', events: [] })).toEqual({
      periods: [],
      current: NOT_RUNNING,
    });
  });

  it('92, 98 and 99 have no effect, and 92 may predate the referral (diagnostics before referral)', () => {
    const result = evaluateRtt({
      ...base,
      events: [
        ex('2024-12-01', '92'),
        ex('2025-02-03', '10'),
        ex('2025-02-10', '98'),
        ex('2025-02-11', '99'),
      ],
      asOf: '2025-03-06',
    });
    expect(result.periods).toEqual([period('2025-01-06')]);
    expect(result.current.daysWaited).toBe(59);
  });

  it('two-week-wait: a clinical decision to discharge after a communicated first-appointment DNA stops (not nullified)', () => {
    const result = evaluateRtt({
      ...base,
      priority: 'two-week-wait',
      events: [ex('2025-01-14', '33', { appointmentCommunicated: true, clinicianDecision: true })],
    });
    expect(result.periods).toEqual([period('2025-01-06', '2025-01-14', '33', false)]);
    expect(result.current.running).toBe(false);
  });

  it('a rebooked first appointment after a nullified DNA may itself be missed and nullified again (rule 3e, 5e)', () => {
    const result = evaluateRtt({
      ...base,
      events: [
        ex('2025-02-03', '33', { appointmentCommunicated: true }),
        ex('2025-02-05', '10'),
        ex('2025-03-03', '33', { appointmentCommunicated: true }),
      ],
    });
    expect(result.periods).toEqual([
      period('2025-01-06', '2025-02-03', '33', true),
      period('2025-02-05', '2025-03-03', '33', true),
    ]);
  });

  it('12 as the first activity of a pathway started for a separate condition', () => {
    const result = evaluateRtt({ ...base, events: [ex('2025-01-06', '12'), ex('2025-02-03', '20')] });
    expect(result.current).toMatchObject({ running: true, start: '2025-01-06' });
  });

  it('a new clock may start the same day the previous one stopped (half-open periods)', () => {
    const result = evaluateRtt({
      ...base,
      events: [ex('2025-02-03', '10'), ex('2025-03-03', '30'), ex('2025-03-03', '10')],
      asOf: '2025-03-03',
    });
    expect(result.periods).toEqual([period('2025-01-06', '2025-03-03', '30'), period('2025-03-03')]);
    expect(result.current.daysWaited).toBe(0);
  });

  it('evaluateRttFast writes the same result into a reused object', () => {
    const compact = createRttCompactResult();
    const long: RttInput = {
      ...base,
      events: [
        ex('2025-02-03', '33', { appointmentCommunicated: true }),
        ex('2025-02-05', '10'),
        ex('2025-03-03', '30'),
      ],
    };
    const short: RttInput = { ...base, events: [ex('2025-02-03', '10')], asOf: '2025-03-03' };
    evaluateRttFast(long, compact);
    expect(compact.periodCount).toBe(2);
    expect(toRttResult(compact)).toEqual(evaluateRtt(long));
    evaluateRttFast(short, compact);
    expect(compact).toMatchObject({ periodCount: 1, running: true, daysWaited: 56 });
    expect(toRttResult(compact)).toEqual(evaluateRtt(short));
  });

  it('does not modify its input', () => {
    const events = Object.freeze([
      Object.freeze(ex('2025-02-03', '10')),
      Object.freeze(ex('2025-03-03', '30')),
    ]);
    const input = Object.freeze({ ...base, events });
    expect(() => evaluateRtt(input)).not.toThrow();
  });
});
