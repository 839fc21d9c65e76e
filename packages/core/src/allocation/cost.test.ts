import { describe, expect, it } from 'vitest';
import { DEFAULT_ALLOCATION_WEIGHTS, breachCost, breachesAt, resolveCostModel, unbookedCost } from './cost';
import type { WaitingPatient } from './types';

const routine: WaitingPatient = {
  pathwayId: 'P1',
  priority: 'routine',
  clockStart: '2025-01-06',
  referralReceived: '2025-01-06',
  specialtyCode: '110',
  clinicianId: null,
};
const w = DEFAULT_ALLOCATION_WEIGHTS;

describe('breaches and their cost', () => {
  it('counts an 18-week breach from the breach date (clock start + 127 days, §1.7)', () => {
    // 2025-01-06 + 126 days = 2025-05-12 (still within 18 weeks); + 127 = 2025-05-13.
    expect(breachesAt(routine, '2025-05-12')).toEqual([]);
    expect(breachesAt(routine, '2025-05-13')).toEqual(['18-week']);
    expect(breachCost(routine, '2025-05-12')).toBe(0);
    expect(breachCost(routine, '2025-05-13')).toBe(w.week18);
  });

  it('adds each long-wait threshold passed', () => {
    // 52 weeks: + 365 days = 2026-01-06; 65: + 456 = 2026-04-07; 78: + 547 = 2026-07-07; 104: + 729 = 2027-01-05.
    expect(breachesAt(routine, '2026-01-05')).toEqual(['18-week']);
    expect(breachesAt(routine, '2026-01-06')).toEqual(['18-week', '52-week']);
    expect(breachesAt(routine, '2026-04-07')).toEqual(['18-week', '52-week', '65-week']);
    expect(breachesAt(routine, '2026-07-07')).toEqual(['18-week', '52-week', '65-week', '78-week']);
    expect(breachesAt(routine, '2027-01-04')).toEqual(['18-week', '52-week', '65-week', '78-week']);
    expect(breachCost(routine, '2027-01-05')).toBe(w.week18 + w.week52 + w.week65 + w.week78 + w.week104);
  });

  it('counts a missed priority target from the referral date: urgent and two-week wait within 14 days', () => {
    const urgent: WaitingPatient = { ...routine, priority: 'urgent', referralReceived: '2025-01-03' };
    expect(breachesAt(urgent, '2025-01-17')).toEqual([]);
    expect(breachesAt(urgent, '2025-01-18')).toEqual(['priority-target']);
    expect(breachCost(urgent, '2025-01-18')).toBe(w.urgentTarget);
    const tww: WaitingPatient = { ...urgent, priority: 'two-week-wait' };
    expect(breachCost(tww, '2025-01-18')).toBe(w.twoWeekWaitTarget);
    expect(breachesAt(routine, '2025-03-01')).toEqual([]);
    // Configurable: urgent within 28 days, or no target at all.
    expect(breachesAt(urgent, '2025-01-18', { priorityTargetDays: { urgent: 28 } })).toEqual([]);
    expect(breachesAt(urgent, '2025-06-01', { priorityTargetDays: { urgent: null } })).toEqual(['18-week']);
  });

  it('costs an unbooked patient as if seen the day after the horizon, plus the unbooked weight', () => {
    // Horizon of 126 days from 2025-01-06 ends 2025-05-11; the day after is 2025-05-12: within 18 weeks.
    expect(unbookedCost(routine, '2025-01-06', 126)).toBe(w.unbooked);
    expect(unbookedCost(routine, '2025-01-06', 127)).toBe(w.unbooked + w.week18);
    expect(unbookedCost(routine, '2025-01-06', 127, { weights: { unbooked: 0, week18: 3 } })).toBe(3);
  });

  it('uses the weights given and refuses bad ones', () => {
    expect(breachCost(routine, '2026-01-06', { weights: { week18: 1, week52: 2 } })).toBe(3);
    expect(() => resolveCostModel({ weights: { week18: -1 } })).toThrow(RangeError);
    expect(() => resolveCostModel({ weights: { week18: 1.5 } })).toThrow(RangeError);
    expect(() => resolveCostModel({ priorityTargetDays: { urgent: -3 } })).toThrow(RangeError);
    expect(() => breachCost(routine, '2025-02-30')).toThrow(RangeError);
  });
});
