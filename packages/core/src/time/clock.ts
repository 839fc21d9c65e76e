import type { Temporal } from 'temporal-polyfill';

/**
 * The source of "now". Core code never reads the system clock itself: callers pass a Clock (or an
 * instant) in. The server supplies a real clock; tests use `fixedClock`.
 */
export type Clock = {
  now(): Temporal.Instant;
};

/** A clock that always returns `instant`. */
export function fixedClock(instant: Temporal.Instant): Clock {
  return { now: () => instant };
}
