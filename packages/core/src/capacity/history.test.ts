import { describe, expect, it } from 'vitest';
import { breachDay } from '../rtt/measures';
import { AS_OF, BACKTEST_TRUST } from './fixtures.test-support';
import { syntheticHistory, type SyntheticHistoryOptions } from './history';

describe('the synthetic history', () => {
  const small: SyntheticHistoryOptions = { ...BACKTEST_TRUST, weeks: 12, warmUpWeeks: 6 };
  const history = syntheticHistory(small);

  it('is the same for a seed and differs between seeds', () => {
    expect(syntheticHistory(small)).toEqual(history);
    expect(syntheticHistory({ ...small, seed: 2 })[5]!.waiting).not.toBe(history[5]!.waiting);
  });

  it('takes a snapshot a week, on the first day of each week', () => {
    expect(history).toHaveLength(12);
    history.forEach((s, i) => {
      expect(s.week).toBe(i);
      expect(s.day).toBe(AS_OF + 7 * i);
    });
  });

  it('keeps the list consistent from week to week: list + referrals − attended', () => {
    for (let i = 1; i < history.length; i++) {
      const referred = history[i]!.referrals.reduce((s, r) => s + r.count, 0);
      expect(history[i]!.waiting).toBe(history[i - 1]!.waiting + referred - history[i]!.seenLastWeek);
      const a = history[i]!.appointments;
      expect(a.due).toBe(a.cancelled + a.dna + a.attended);
    }
  });

  it('shows bookings ahead, free places net of them, and only future unavailability', () => {
    const s = history[6]!;
    expect(s.pathways).toHaveLength(s.waiting);
    const booked = s.pathways.filter((p) => p.bookedDay != null);
    expect(booked.length).toBeGreaterThan(0);
    expect(booked.every((p) => p.bookedDay! >= s.day && p.bookedDay! < s.day + 28)).toBe(true);
    const newPlaces = s.freePlaces.find((c) => c.specialtyCode === '110' && c.slotType === 'new')!;
    // The four weeks the booking round has filled have (almost) no free places; later weeks are all free.
    expect(newPlaces.perWeek.slice(0, 4).every((v) => v < 34)).toBe(true);
    expect(newPlaces.perWeek.slice(4).every((v) => v === 34)).toBe(true);
    const bookedIn110Week0 = booked.filter(
      (p) => p.specialtyCode === '110' && p.priority === 'routine' && p.bookedDay! < s.day + 7,
    ).length;
    expect(bookedIn110Week0).toBeLessThanOrEqual(34 + 6);
    expect(s.pathways.every((p) => p.unavailableUntil == null || p.unavailableUntil >= s.day)).toBe(true);
    expect(s.pathways.every((p) => p.clockStart <= s.day)).toBe(true);
  });

  it('counts the long waiters on the snapshot day by the RTT rule', () => {
    const s = history[3]!;
    expect(s.over['18']).toBe(s.pathways.filter((p) => breachDay(p.clockStart, 18) <= s.day).length);
    expect(s.over['52']).toBe(s.pathways.filter((p) => breachDay(p.clockStart, 52) <= s.day).length);
    expect(s.over['18']).toBeGreaterThan(0);
  });
});
