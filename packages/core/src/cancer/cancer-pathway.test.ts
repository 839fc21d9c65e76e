import { describe, it, expect } from 'vitest';
import { CANCER_RULES, CancerRuleError, cancerPathwayClocks, checkCancerEvents } from './cancer-pathway';
import type { AssumedCancerReferral, CancerEvent, CancerRuleId } from './cancer-pathway';

const usc = (date: string): CancerEvent => ({ kind: 'referral', date, route: 'urgent-suspected-cancer' });
const dtt = (date: string): CancerEvent => ({ kind: 'decision-to-treat', date });
const treat = (
  date: string,
  treatment: 'first' | 'subsequent' = 'first',
  adjustmentDays = 0,
): CancerEvent => ({
  kind: 'treatment-start',
  date,
  treatment,
  adjustmentDays,
});
const communicated = (date: string, adjustmentDays = 0): CancerEvent => ({
  kind: 'diagnosis-communicated',
  date,
  adjustmentDays,
});

function refusal(events: CancerEvent[], assumed: AssumedCancerReferral | null = null) {
  try {
    checkCancerEvents(events, assumed);
  } catch (err) {
    if (err instanceof CancerRuleError) {
      return { rule: err.rule, eventIndex: err.eventIndex, field: err.field, message: err.message };
    }
    throw err;
  }
  return null;
}

describe('cancerPathwayClocks: the worked examples (spec §3.1) from a pathway’s events', () => {
  it.each([
    { communicated: '2025-03-31', days: 28, status: 'met' },
    { communicated: '2025-04-01', days: 29, status: 'breached' },
  ] as const)('EX-CWT-01: USC referral 2025-03-03, communicated $communicated → FDS $status', (row) => {
    const events = [usc('2025-03-03'), communicated(row.communicated)];
    expect(refusal(events)).toBeNull();
    const result = cancerPathwayClocks({ events, asOf: '2025-04-30' });
    expect(result.route).toBe('urgent-suspected-cancer');
    expect(result.referralAssumed).toBe(false);
    expect(result.clocks.map((c) => c.standard)).toEqual(['fds-28', 'rtt-62']);
    expect(result.clocks[0]).toMatchObject({
      start: '2025-03-03',
      end: row.communicated,
      days: row.days,
      status: row.status,
    });
    // The 62-day clock runs on: the diagnosis does not stop it.
    expect(result.clocks[1]).toMatchObject({ end: null, days: 58, status: 'waiting' });
  });

  it.each([
    { treated: '2025-03-10', days: 62, status: 'met' },
    { treated: '2025-03-11', days: 63, status: 'breached' },
  ] as const)('EX-CWT-02: USC referral 2025-01-07, first treatment $treated → 62-day $status', (row) => {
    const events = [usc('2025-01-07'), dtt('2025-02-20'), treat(row.treated)];
    expect(refusal(events)).toBeNull();
    const clocks = cancerPathwayClocks({ events, asOf: '2025-04-30' }).clocks;
    expect(clocks.find((c) => c.standard === 'rtt-62')).toMatchObject({
      start: '2025-01-07',
      end: row.treated,
      days: row.days,
      status: row.status,
    });
  });

  it.each([
    { treated: '2025-03-06', days: 31, status: 'met' },
    { treated: '2025-03-07', days: 32, status: 'breached' },
  ] as const)('EX-CWT-03: decision to treat 2025-02-03, treatment $treated → 31-day $status', (row) => {
    for (const treatment of ['first', 'subsequent'] as const) {
      const events =
        treatment === 'first'
          ? [dtt('2025-02-03'), treat(row.treated)]
          : [dtt('2025-01-02'), treat('2025-01-20'), dtt('2025-02-03'), treat(row.treated, 'subsequent')];
      expect(refusal(events)).toBeNull();
      const clocks = cancerPathwayClocks({ events, asOf: '2025-04-30' }).clocks;
      expect(clocks.filter((c) => c.standard === 'dtt-31').at(-1)).toMatchObject({
        start: '2025-02-03',
        end: row.treated,
        days: row.days,
        status: row.status,
      });
    }
  });

  it('EX-CWT-04: a consultant upgrade on a routine pathway starts a 62-day clock: 62 days → met', () => {
    const events: CancerEvent[] = [
      { kind: 'consultant-upgrade', date: '2025-05-01' },
      dtt('2025-06-10'),
      treat('2025-07-02'),
    ];
    expect(refusal(events)).toBeNull();
    const result = cancerPathwayClocks({ events, asOf: '2025-07-31' });
    expect(result.route).toBe('consultant-upgrade');
    expect(result.clocks.map((c) => c.standard)).toEqual(['rtt-62', 'dtt-31']);
    expect(result.clocks[0]).toMatchObject({
      start: '2025-05-01',
      end: '2025-07-02',
      days: 62,
      status: 'met',
    });
  });
});

describe('cancerPathwayClocks: which clocks a pathway has', () => {
  it('no events: no route and no clocks; an assumed referral gives the route’s clocks, flagged as assumed', () => {
    expect(cancerPathwayClocks({ events: [], asOf: '2025-04-30' })).toEqual({
      route: null,
      referralAssumed: false,
      clocks: [],
    });
    const assumed = cancerPathwayClocks({
      events: [],
      assumedReferral: { date: '2025-04-01', route: 'urgent-suspected-cancer' },
      asOf: '2025-04-30',
    });
    expect(assumed.route).toBe('urgent-suspected-cancer');
    expect(assumed.referralAssumed).toBe(true);
    expect(assumed.clocks).toMatchObject([
      { standard: 'fds-28', start: '2025-04-01', days: 29, status: 'overdue' },
      { standard: 'rtt-62', start: '2025-04-01', days: 29, status: 'waiting' },
    ]);
  });

  it('a referral event takes the place of the assumed one', () => {
    const result = cancerPathwayClocks({
      events: [{ kind: 'referral', date: '2025-04-03', route: 'breast-symptomatic' }],
      assumedReferral: { date: '2025-04-01', route: 'urgent-suspected-cancer' },
      asOf: '2025-04-30',
    });
    expect(result).toMatchObject({ route: 'breast-symptomatic', referralAssumed: false });
    expect(result.clocks).toMatchObject([{ standard: 'fds-28', start: '2025-04-03' }]);
  });

  it('a breast symptomatic referral then upgraded: FDS from the referral, 62-day from the upgrade', () => {
    const clocks = cancerPathwayClocks({
      events: [
        { kind: 'referral', date: '2025-03-03', route: 'breast-symptomatic' },
        communicated('2025-03-20'),
        { kind: 'consultant-upgrade', date: '2025-03-20' },
      ],
      asOf: '2025-04-30',
    }).clocks;
    expect(clocks).toMatchObject([
      { standard: 'fds-28', start: '2025-03-03', end: '2025-03-20', status: 'met' },
      { standard: 'rtt-62', start: '2025-03-20', end: null, days: 41, status: 'waiting' },
    ]);
  });

  it('a route without an FDS or 62-day clock has only its 31-day clocks', () => {
    const result = cancerPathwayClocks({
      events: [{ kind: 'referral', date: '2025-03-03', route: 'other' }, dtt('2025-03-10')],
      asOf: '2025-03-20',
    });
    expect(result.route).toBe('other');
    expect(result.clocks).toMatchObject([{ standard: 'dtt-31', start: '2025-03-10', days: 10 }]);
  });

  it('each decision to treat runs to the next treatment start on or after it; subsequent ones too', () => {
    const events = [
      usc('2025-01-07'),
      dtt('2025-02-03'),
      treat('2025-02-03'),
      dtt('2025-03-01'),
      treat('2025-04-10', 'subsequent'),
      dtt('2025-04-20'),
    ];
    expect(refusal(events)).toBeNull();
    const clocks = cancerPathwayClocks({ events, asOf: '2025-05-01' }).clocks;
    expect(clocks.filter((c) => c.standard === 'dtt-31')).toMatchObject([
      { start: '2025-02-03', end: '2025-02-03', days: 0, status: 'met' },
      { start: '2025-03-01', end: '2025-04-10', days: 40, status: 'breached' },
      { start: '2025-04-20', end: null, days: 11, status: 'waiting' },
    ]);
  });

  it('events after asOf have not happened yet: stops are ignored and clocks not yet started are left out', () => {
    const events = [usc('2025-01-07'), communicated('2025-01-30'), dtt('2025-02-03'), treat('2025-03-01')];
    const clocks = cancerPathwayClocks({ events, asOf: '2025-01-20' }).clocks;
    expect(clocks).toMatchObject([
      { standard: 'fds-28', end: null, days: 13, status: 'waiting' },
      { standard: 'rtt-62', end: null, days: 13, status: 'waiting' },
    ]);
    expect(cancerPathwayClocks({ events, asOf: '2025-01-06' }).clocks).toEqual([]);
  });

  it('an adjustment on the stopping event is taken off every clock it stops', () => {
    const events = [
      usc('2025-01-07'),
      communicated('2025-02-07', 3),
      dtt('2025-02-10'),
      treat('2025-03-14', 'first', 5),
    ];
    expect(refusal(events)).toBeNull();
    const clocks = cancerPathwayClocks({ events, asOf: '2025-04-30' }).clocks;
    expect(clocks).toMatchObject([
      { standard: 'fds-28', days: 28, adjustmentDays: 3, status: 'met' },
      { standard: 'rtt-62', days: 61, adjustmentDays: 5, status: 'met' },
      { standard: 'dtt-31', days: 27, adjustmentDays: 5, status: 'met' },
    ]);
  });

  it('the order events were recorded in does not change the clocks', () => {
    const events = [usc('2025-01-07'), dtt('2025-02-03'), treat('2025-03-01'), communicated('2025-01-30')];
    const forwards = cancerPathwayClocks({ events, asOf: '2025-04-30' });
    const backwards = cancerPathwayClocks({ events: [...events].reverse(), asOf: '2025-04-30' });
    expect(backwards).toEqual(forwards);
  });
});

describe('checkCancerEvents: sequences that make no sense are refused, naming the rule and the field', () => {
  const cases: {
    name: string;
    events: CancerEvent[];
    assumed?: AssumedCancerReferral;
    rule: CancerRuleId;
    eventIndex: number;
    field: string;
  }[] = [
    {
      name: 'a second referral',
      events: [usc('2025-01-07'), { kind: 'referral', date: '2025-01-08', route: 'other' }],
      rule: '§3.1/one-referral',
      eventIndex: 1,
      field: 'kind',
    },
    {
      name: 'a referral without its route',
      events: [{ kind: 'referral', date: '2025-01-07' }],
      rule: '§3.1/referral-route',
      eventIndex: 0,
      field: 'route',
    },
    {
      name: 'a route on an event that is not a referral',
      events: [usc('2025-01-07'), { kind: 'decision-to-treat', date: '2025-01-08', route: 'other' }],
      rule: '§3.1/referral-route',
      eventIndex: 1,
      field: 'route',
    },
    {
      name: 'a treatment start that is neither first nor subsequent',
      events: [dtt('2025-01-07'), { kind: 'treatment-start', date: '2025-01-08' }],
      rule: '§3.1/treatment-kind',
      eventIndex: 1,
      field: 'treatment',
    },
    {
      name: 'first or subsequent on another event',
      events: [{ kind: 'decision-to-treat', date: '2025-01-08', treatment: 'first' }],
      rule: '§3.1/treatment-kind',
      eventIndex: 0,
      field: 'treatment',
    },
    {
      name: 'a diagnosis communicated before the referral',
      events: [usc('2025-01-07'), communicated('2025-01-06')],
      rule: '§3.1/before-clock-start',
      eventIndex: 1,
      field: 'date',
    },
    {
      name: 'a referral recorded after an event already on the pathway, dated after it',
      events: [dtt('2025-01-06'), usc('2025-01-07')],
      rule: '§3.1/before-clock-start',
      eventIndex: 1,
      field: 'date',
    },
    {
      name: 'a treatment before the assumed two-week-wait referral',
      events: [dtt('2025-01-01'), treat('2025-01-02')],
      assumed: { date: '2025-01-07', route: 'urgent-suspected-cancer' },
      rule: '§3.1/before-clock-start',
      eventIndex: 0,
      field: 'date',
    },
    {
      name: 'a consultant upgrade on an urgent suspected cancer referral',
      events: [usc('2025-01-07'), { kind: 'consultant-upgrade', date: '2025-01-20' }],
      rule: '§3.1/upgrade-route',
      eventIndex: 1,
      field: 'kind',
    },
    {
      name: 'a consultant upgrade on an assumed two-week-wait referral',
      events: [{ kind: 'consultant-upgrade', date: '2025-01-20' }],
      assumed: { date: '2025-01-07', route: 'urgent-suspected-cancer' },
      rule: '§3.1/upgrade-route',
      eventIndex: 0,
      field: 'kind',
    },
    {
      name: 'an urgent screening referral recorded after an upgrade',
      events: [
        { kind: 'consultant-upgrade', date: '2025-01-20' },
        { kind: 'referral', date: '2025-01-07', route: 'urgent-screening' },
      ],
      rule: '§3.1/upgrade-route',
      eventIndex: 1,
      field: 'route',
    },
    {
      name: 'a second consultant upgrade',
      events: [
        { kind: 'consultant-upgrade', date: '2025-01-20' },
        { kind: 'consultant-upgrade', date: '2025-01-10' },
      ],
      rule: '§3.1/upgrade-route',
      eventIndex: 1,
      field: 'kind',
    },
    {
      name: 'a diagnosis communicated with no referral',
      events: [communicated('2025-01-20')],
      rule: '§3.1/diagnosis-route',
      eventIndex: 0,
      field: 'kind',
    },
    {
      name: 'a diagnosis communicated on a route without the FDS',
      events: [{ kind: 'referral', date: '2025-01-07', route: 'other' }, communicated('2025-01-20')],
      rule: '§3.1/diagnosis-route',
      eventIndex: 1,
      field: 'kind',
    },
    {
      name: 'a second diagnosis communicated',
      events: [usc('2025-01-07'), communicated('2025-01-20'), communicated('2025-01-21')],
      rule: '§3.1/diagnosis-route',
      eventIndex: 2,
      field: 'kind',
    },
    {
      name: 'a subsequent treatment before any first treatment',
      events: [dtt('2025-01-07'), treat('2025-01-20', 'subsequent')],
      rule: '§3.1/first-treatment',
      eventIndex: 1,
      field: 'treatment',
    },
    {
      name: 'a subsequent treatment dated before the first',
      events: [dtt('2025-01-07'), treat('2025-01-20'), dtt('2025-01-08'), treat('2025-01-10', 'subsequent')],
      rule: '§3.1/first-treatment',
      eventIndex: 3,
      field: 'treatment',
    },
    {
      name: 'a second first treatment',
      events: [dtt('2025-01-07'), treat('2025-01-20'), dtt('2025-01-21'), treat('2025-01-22')],
      rule: '§3.1/first-treatment',
      eventIndex: 3,
      field: 'treatment',
    },
    {
      name: 'a consultant upgrade after the first treatment',
      events: [dtt('2025-01-07'), treat('2025-01-20'), { kind: 'consultant-upgrade', date: '2025-01-21' }],
      rule: '§3.1/before-clock-start',
      eventIndex: 2,
      field: 'date',
    },
    {
      name: 'a treatment with no decision to treat',
      events: [usc('2025-01-07'), treat('2025-01-20')],
      rule: '§3.1/treatment-without-decision',
      eventIndex: 1,
      field: 'kind',
    },
    {
      name: 'a subsequent treatment whose only decision to treat was met by the first',
      events: [dtt('2025-01-07'), treat('2025-01-20'), treat('2025-02-20', 'subsequent')],
      rule: '§3.1/treatment-without-decision',
      eventIndex: 2,
      field: 'kind',
    },
    {
      name: 'an adjustment on an event that starts a clock',
      events: [{ ...usc('2025-01-07'), adjustmentDays: 2 }],
      rule: '§3.1/adjustment-on-stop',
      eventIndex: 0,
      field: 'adjustmentDays',
    },
    {
      name: 'a malformed date',
      events: [dtt('2025-02-30')],
      rule: 'input.event',
      eventIndex: 0,
      field: 'date',
    },
    {
      name: 'a negative adjustment',
      events: [dtt('2025-01-07'), treat('2025-01-20', 'first', -1)],
      rule: 'input.event',
      eventIndex: 1,
      field: 'adjustmentDays',
    },
  ];

  it.each(cases)('$name: $rule on event $eventIndex ($field)', (c) => {
    const got = refusal(c.events, c.assumed ?? null);
    expect(got).toMatchObject({ rule: c.rule, eventIndex: c.eventIndex, field: c.field });
    expect(got?.message).toEqual(expect.any(String));
    expect(CANCER_RULES[c.rule]).toEqual(expect.any(String));
  });

  it('a consultant upgrade is allowed on a routine, breast symptomatic or other pathway, once', () => {
    const upgrade: CancerEvent = { kind: 'consultant-upgrade', date: '2025-01-20' };
    expect(refusal([upgrade])).toBeNull();
    expect(
      refusal([{ kind: 'referral', date: '2025-01-07', route: 'breast-symptomatic' }, upgrade]),
    ).toBeNull();
    expect(refusal([{ kind: 'referral', date: '2025-01-07', route: 'other' }, upgrade])).toBeNull();
  });

  it('a diagnosis communicated on the day of the referral, and a treatment on the day of its decision, are fine', () => {
    expect(
      refusal([usc('2025-01-07'), communicated('2025-01-07'), dtt('2025-01-07'), treat('2025-01-07')]),
    ).toBeNull();
  });
});
