import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { evaluateRtt } from './engine';
import type { RttEvent, RttInput, RttResult } from './engine';
import { epochDayToIso, isoToEpochDay } from './epoch-day';
import { RttRuleError } from './errors';
import { RTT_PRIORITIES, RTT_STATUS_CODES } from './status-codes';

const FIRST_REFERRAL = isoToEpochDay('2020-01-01');

/** The invariants every successful evaluation must satisfy. */
function checkInvariants(input: RttInput, result: RttResult): void {
  const { periods, current } = result;
  const asOf = input.asOf;
  for (let i = 0; i < periods.length; i++) {
    const p = periods[i]!;
    // Never runs backwards.
    if (p.end !== null) expect(p.end >= p.start).toBe(true);
    expect(p.start <= asOf).toBe(true);
    if (p.end !== null) expect(p.end <= asOf).toBe(true);
    // Only a 33 nullifies.
    if (p.nullified) expect(p.endCode).toBe('33');
    expect(p.end === null).toBe(p.endCode === null);
    if (i > 0) {
      const previous = periods[i - 1]!;
      // At most one running period, and only the last; periods never overlap (half-open [start, end)).
      expect(previous.end).not.toBeNull();
      expect(p.start >= previous.end!).toBe(true);
    }
  }
  const last = periods.at(-1);
  expect(current.running).toBe(last !== undefined && last.end === null);
  if (current.running) {
    const days = current.daysWaited!;
    expect(current.start).toBe(last!.start);
    expect(days).toBeGreaterThanOrEqual(0);
    expect(days).toBe(isoToEpochDay(asOf) - isoToEpochDay(current.start!));
    expect(current.weekBand).toBe(Math.max(1, Math.ceil(days / 7)));
    expect(current.over18Weeks).toBe(days > 126);
    expect(current.breachDates!['18']).toBe(epochDayToIso(isoToEpochDay(current.start!) + 127));
  } else {
    expect(current).toEqual({
      running: false,
      start: null,
      daysWaited: null,
      weekBand: null,
      over18Weeks: false,
      breachDates: null,
    });
  }
}

// Any codes, any flags: the engine either throws an RttRuleError or returns a result that keeps the invariants.
const anyEvent = fc.record({
  gap: fc.integer({ min: 0, max: 90 }),
  code: fc.constantFrom(...RTT_STATUS_CODES),
  appointmentCommunicated: fc.option(fc.boolean(), { nil: undefined }),
  clinicianDecision: fc.option(fc.boolean(), { nil: undefined }),
});

const anyPathway = fc
  .record({
    priority: fc.constantFrom(...RTT_PRIORITIES),
    referral: fc.integer({ min: FIRST_REFERRAL, max: FIRST_REFERRAL + 2000 }),
    firstGap: fc.integer({ min: -30, max: 60 }),
    events: fc.array(anyEvent, { maxLength: 10 }),
    asOfAfterReferral: fc.integer({ min: -10, max: 1500 }),
  })
  .map(({ priority, referral, firstGap, events, asOfAfterReferral }): RttInput => {
    let day = referral + firstGap;
    const built: RttEvent[] = events.map(({ gap, ...rest }) => {
      day += gap;
      return { ...rest, date: epochDayToIso(day) };
    });
    return {
      priority,
      referralReceived: epochDayToIso(referral),
      events: built,
      asOf: epochDayToIso(referral + asOfAfterReferral),
    };
  });

/**
 * Plausible pathways, built from clock segments that each end the way real ones do, so that almost every
 * generated history is valid and the invariants are exercised on long, multi-period histories.
 */
type Segment = 'open' | 'treated' | 'monitoring' | 'dna' | 'discharged' | 'declined' | 'dna-discharge';
const segment = fc.record({
  kind: fc.constantFrom<Segment>(
    'open',
    'treated',
    'monitoring',
    'dna',
    'discharged',
    'declined',
    'dna-discharge',
  ),
  activities: fc.integer({ min: 0, max: 3 }),
  after: fc.integer({ min: 0, max: 3 }),
  gaps: fc.array(fc.integer({ min: 0, max: 80 }), { minLength: 10, maxLength: 10 }),
});

const plausiblePathway = fc
  .record({
    priority: fc.constantFrom(...RTT_PRIORITIES),
    referral: fc.integer({ min: FIRST_REFERRAL, max: FIRST_REFERRAL + 1500 }),
    segments: fc.array(segment, { minLength: 1, maxLength: 5 }),
    asOfSlack: fc.integer({ min: 0, max: 400 }),
  })
  .map(({ priority, referral, segments, asOfSlack }): RttInput => {
    const events: RttEvent[] = [];
    let day = referral;
    let previous = null as Segment | null;
    let g = 0;
    for (const s of segments) {
      let gi = 0;
      const next = () => (day += s.gaps[gi++ % s.gaps.length]!);
      if (previous === 'open') break;
      if (previous !== null) {
        next();
        events.push({ date: epochDayToIso(day), code: previous === 'monitoring' ? '11' : '10' });
      }
      // A first-appointment DNA only stops a routine or urgent clock, and the 11 that restarts a clock after
      // active monitoring is itself the period's first activity.
      const kind: Segment =
        s.kind === 'dna' && (priority === 'two-week-wait' || previous === 'monitoring') ? 'open' : s.kind;
      if (kind === 'dna') {
        next();
        events.push({ date: epochDayToIso(day), code: '33', appointmentCommunicated: true });
        previous = kind;
        continue;
      }
      if (previous !== 'monitoring') {
        next();
        events.push({ date: epochDayToIso(day), code: '10' });
      }
      for (let a = 0; a < s.activities; a++) {
        next();
        events.push({ date: epochDayToIso(day), code: '20' });
      }
      next();
      switch (kind) {
        case 'open':
          break;
        case 'treated':
          events.push({ date: epochDayToIso(day), code: '30' });
          for (let a = 0; a < s.after; a++) events.push({ date: epochDayToIso(next()), code: '90' });
          break;
        case 'monitoring':
          events.push({
            date: epochDayToIso(day),
            code: g++ % 2 === 0 ? '31' : '32',
            clinicianDecision: true,
          });
          for (let a = 0; a < s.after; a++) events.push({ date: epochDayToIso(next()), code: '91' });
          break;
        case 'discharged':
          events.push({ date: epochDayToIso(day), code: '34', clinicianDecision: true });
          break;
        case 'declined':
          events.push({ date: epochDayToIso(day), code: '35' });
          break;
        case 'dna-discharge': {
          const dna = epochDayToIso(day);
          next();
          events.push({
            date: epochDayToIso(day),
            code: '34',
            dnaDate: dna,
            clinicianDecision: true,
            appointmentCommunicated: true,
          });
          break;
        }
      }
      previous = kind;
    }
    return {
      priority,
      referralReceived: epochDayToIso(referral),
      events,
      asOf: epochDayToIso(day + asOfSlack),
    };
  });

function evaluateOrRuleError(input: RttInput): RttResult | RttRuleError {
  try {
    return evaluateRtt(input);
  } catch (e) {
    if (e instanceof RttRuleError) return e;
    throw e;
  }
}

describe('RTT engine properties', () => {
  it('any history: an RttRuleError, or periods that never overlap or run backwards, at most one running, daysWaited ≥ 0', () => {
    fc.assert(
      fc.property(anyPathway, (input) => {
        const result = evaluateOrRuleError(input);
        if (result instanceof RttRuleError) {
          expect(result.eventIndex === null || result.eventIndex < input.events.length).toBe(true);
          return;
        }
        checkInvariants(input, result);
      }),
      { numRuns: 3000 },
    );
  });

  it('plausible histories are accepted and keep the invariants', () => {
    fc.assert(
      fc.property(plausiblePathway, (input) => {
        checkInvariants(input, evaluateRtt(input));
      }),
      { numRuns: 2000 },
    );
  });

  it('reading the clock later never makes it run backwards: a running clock gains exactly the days that pass', () => {
    fc.assert(
      fc.property(plausiblePathway, fc.integer({ min: 0, max: 800 }), (input, extra) => {
        const earlier = evaluateRtt(input);
        const later = evaluateRtt({ ...input, asOf: epochDayToIso(isoToEpochDay(input.asOf) + extra) });
        expect(later.periods).toEqual(earlier.periods);
        if (earlier.current.running)
          expect(later.current.daysWaited).toBe(earlier.current.daysWaited! + extra);
      }),
      { numRuns: 1000 },
    );
  });

  it('as of a day, the result is the result of the history up to that day', () => {
    fc.assert(
      fc.property(plausiblePathway, fc.integer({ min: 0, max: 100 }), (input, percent) => {
        const from = isoToEpochDay(input.referralReceived);
        const cut = epochDayToIso(from + Math.floor(((isoToEpochDay(input.asOf) - from) * percent) / 100));
        const truncated = { ...input, asOf: cut, events: input.events.filter((e) => e.date <= cut) };
        expect(evaluateRtt({ ...input, asOf: cut })).toEqual(evaluateRtt(truncated));
      }),
      { numRuns: 1000 },
    );
  });
});
