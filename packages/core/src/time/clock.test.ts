import { describe, it, expect } from 'vitest';
import { Temporal } from 'temporal-polyfill';
import { fixedClock } from './clock';
import type { Clock } from './clock';

describe('fixedClock', () => {
  it('always returns the instant it was given', () => {
    const at = Temporal.Instant.from('2026-03-29T01:30:00Z');
    const clock: Clock = fixedClock(at);
    expect(clock.now().equals(at)).toBe(true);
    expect(clock.now().equals(clock.now())).toBe(true);
    expect(clock.now().toString()).toBe('2026-03-29T01:30:00Z');
  });
});
