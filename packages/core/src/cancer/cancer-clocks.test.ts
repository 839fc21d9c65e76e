import { describe, it, expect } from 'vitest';
import {
  cancerStandardPerformance,
  cancerStandardsForRoute,
  decisionToTreatClock,
  fasterDiagnosisClock,
  referralToTreatmentClock,
} from './cancer-clocks';
import type { CancerClock } from './cancer-clocks';

// Worked examples from the domain spec §3.1.
describe('cancer waiting times: worked examples (spec §3.1)', () => {
  it.each([
    { id: 'EX-CWT-01', communicated: '2025-03-31', days: 28, status: 'met' },
    { id: 'EX-CWT-01', communicated: '2025-04-01', days: 29, status: 'breached' },
  ] as const)(
    '$id: USC referral 2025-03-03, cancer ruled out $communicated → $days days, FDS $status',
    (row) => {
      expect(
        fasterDiagnosisClock({
          route: 'urgent-suspected-cancer',
          referralReceived: '2025-03-03',
          diagnosisCommunicated: row.communicated,
          asOf: '2025-04-30',
        }),
      ).toEqual({
        standard: 'fds-28',
        start: '2025-03-03',
        end: row.communicated,
        days: row.days,
        adjustmentDays: 0,
        limitDays: 28,
        lastDayWithin: '2025-03-31',
        status: row.status,
      });
    },
  );

  it.each([
    { id: 'EX-CWT-02', treated: '2025-03-10', days: 62, status: 'met' },
    { id: 'EX-CWT-02', treated: '2025-03-11', days: 63, status: 'breached' },
  ] as const)(
    '$id: USC referral 2025-01-07, first treatment $treated → $days days, 62-day $status',
    (row) => {
      expect(
        referralToTreatmentClock({
          route: 'urgent-suspected-cancer',
          start: '2025-01-07',
          firstTreatment: row.treated,
          asOf: '2025-04-30',
        }),
      ).toMatchObject({
        standard: 'rtt-62',
        days: row.days,
        status: row.status,
        lastDayWithin: '2025-03-10',
      });
    },
  );

  it.each([
    { id: 'EX-CWT-03', treated: '2025-03-06', days: 31, status: 'met' },
    { id: 'EX-CWT-03', treated: '2025-03-07', days: 32, status: 'breached' },
  ] as const)('$id: decision to treat 2025-02-03, treatment $treated → $days days, 31-day $status', (row) => {
    for (const treatment of ['first', 'subsequent'] as const) {
      expect(
        decisionToTreatClock({
          decisionToTreat: '2025-02-03',
          treatmentStart: row.treated,
          treatment,
          asOf: '2025-04-30',
        }),
      ).toMatchObject({
        standard: 'dtt-31',
        days: row.days,
        status: row.status,
        lastDayWithin: '2025-03-06',
      });
    }
  });

  it('EX-CWT-04: consultant upgrade 2025-05-01 from a routine pathway, treatment 2025-07-02 → 62 days from the upgrade, met', () => {
    expect(
      referralToTreatmentClock({
        route: 'consultant-upgrade',
        start: '2025-05-01',
        firstTreatment: '2025-07-02',
        asOf: '2025-07-31',
      }),
    ).toMatchObject({ start: '2025-05-01', days: 62, status: 'met' });
  });
});

describe('cancer clocks: running clocks, routes and adjustments', () => {
  it('a running clock is waiting while within the limit and overdue after it', () => {
    const at = (asOf: string) =>
      fasterDiagnosisClock({
        route: 'breast-symptomatic',
        referralReceived: '2025-03-03',
        diagnosisCommunicated: null,
        asOf,
      });
    expect(at('2025-03-31')).toMatchObject({ end: null, days: 28, status: 'waiting' });
    expect(at('2025-04-01')).toMatchObject({ end: null, days: 29, status: 'overdue' });
  });

  it('a stop dated after asOf has not happened yet', () => {
    expect(
      decisionToTreatClock({
        decisionToTreat: '2025-02-03',
        treatmentStart: '2025-03-06',
        treatment: 'first',
        asOf: '2025-02-20',
      }),
    ).toMatchObject({ end: null, days: 17, status: 'waiting' });
  });

  it('a first-appointment DNA does not complete a cancer clock: only diagnosis communicated stops the FDS clock', () => {
    // The same two-week-wait pathway as EX-RTT-09: no DNA input exists, so the clock runs from the referral.
    expect(
      fasterDiagnosisClock({
        route: 'urgent-suspected-cancer',
        referralReceived: '2025-02-03',
        diagnosisCommunicated: null,
        asOf: '2025-02-28',
      }),
    ).toMatchObject({ start: '2025-02-03', days: 25, status: 'waiting' });
  });

  it.each([
    { route: 'urgent-suspected-cancer', standards: ['fds-28', 'rtt-62'] },
    { route: 'breast-symptomatic', standards: ['fds-28'] },
    { route: 'urgent-screening', standards: ['fds-28', 'rtt-62'] },
    { route: 'consultant-upgrade', standards: ['rtt-62'] },
    { route: 'other', standards: [] },
  ] as const)(
    'route $route is measured against $standards (31-day applies to every cancer patient)',
    ({ route, standards }) => {
      expect(cancerStandardsForRoute(route)).toEqual(standards);
    },
  );

  it('the FDS does not apply to a consultant upgrade; the 62-day standard does not apply to breast symptomatic', () => {
    expect(() =>
      fasterDiagnosisClock({
        route: 'consultant-upgrade',
        referralReceived: '2025-03-03',
        diagnosisCommunicated: null,
        asOf: '2025-03-04',
      }),
    ).toThrow(RangeError);
    expect(() =>
      referralToTreatmentClock({
        route: 'breast-symptomatic',
        start: '2025-03-03',
        firstTreatment: null,
        asOf: '2025-03-04',
      }),
    ).toThrow(RangeError);
  });

  it('a caller-supplied adjustment (national guidance; not defined by the spec) is taken off the days', () => {
    expect(
      referralToTreatmentClock({
        route: 'urgent-suspected-cancer',
        start: '2025-01-07',
        firstTreatment: '2025-03-14',
        asOf: '2025-04-30',
        adjustmentDays: 7,
      }),
    ).toMatchObject({ days: 59, adjustmentDays: 7, lastDayWithin: '2025-03-17', status: 'met' });
  });

  it.each([
    ['treatment before the decision', { decisionToTreat: '2025-02-03', treatmentStart: '2025-02-01' }],
    ['malformed date', { decisionToTreat: '2025-02-30', treatmentStart: null }],
  ])('%s is a RangeError', (_, dates) => {
    expect(() => decisionToTreatClock({ ...dates, treatment: 'first', asOf: '2025-04-30' })).toThrow(
      RangeError,
    );
  });
});

describe('cancerStandardPerformance', () => {
  const fds = (communicated: string | null): CancerClock =>
    fasterDiagnosisClock({
      route: 'urgent-suspected-cancer',
      referralReceived: '2025-03-03',
      diagnosisCommunicated: communicated,
      asOf: '2025-04-30',
    });

  it('counts stopped clocks only, against the operational standard or a given target', () => {
    const clocks = [fds('2025-03-20'), fds('2025-03-31'), fds('2025-03-31'), fds('2025-04-01'), fds(null)];
    expect(cancerStandardPerformance('fds-28', clocks)).toEqual({
      standard: 'fds-28',
      completed: 4,
      met: 3,
      breached: 1,
      open: 1,
      percentMet: 75,
      targetPercent: 75,
      meetsStandard: true,
    });
    expect(cancerStandardPerformance('fds-28', clocks, 80).meetsStandard).toBe(false);
  });

  it('refuses clocks of another standard', () => {
    expect(() => cancerStandardPerformance('rtt-62', [fds(null)])).toThrow(RangeError);
  });
});
