/**
 * Live updates for screens that show free slots: while they are on screen, re-check them every few seconds and
 * when the window regains focus, and say which have just been taken by someone else. One cheap request
 * (`GET /slots/availability`, a primary-key read) per check, none while the tab is hidden or a check is still
 * out.
 */
import { useEffect, useRef } from 'react';
import { getSlotAvailability } from '../../api/booking';

/** How often to re-check, in milliseconds. */
export const DEFAULT_POLL_MS = 10_000;
/**
 * A shorter interval can be set for a browser (the browser tests do, to see an update within a second or
 * two) by storing milliseconds under this key in its local storage. Kept between 200 ms and a minute.
 */
export const POLL_STORAGE_KEY = 'pathflow:slot-poll-ms';

export function pollInterval(): number {
  try {
    const stored = Number(window.localStorage.getItem(POLL_STORAGE_KEY));
    if (Number.isFinite(stored) && stored > 0) return Math.min(60_000, Math.max(200, stored));
  } catch {
    // No local storage (private mode): the default.
  }
  return DEFAULT_POLL_MS;
}

/** The plain words for a slot someone else has just booked. */
export const SLOT_TAKEN_MESSAGE = 'This slot has just been booked by someone else. Choose another slot.';

/**
 * Calls `onGone` with the ids of watched slots that can no longer be booked (full, cancelled or started),
 * checking every `pollInterval()` and when the window regains focus or the tab is shown again.
 */
export function useSlotWatch(slotIds: readonly string[], onGone: (ids: string[]) => void): void {
  const report = useRef(onGone);
  report.current = onGone;
  const key = slotIds.join(',');
  useEffect(() => {
    if (key === '') return;
    const ids = key.split(',');
    let inFlight: AbortController | null = null;
    let stopped = false;
    const check = () => {
      if (stopped || inFlight || document.visibilityState === 'hidden') return;
      const controller = new AbortController();
      inFlight = controller;
      getSlotAvailability(ids, controller.signal)
        .then((answer) => {
          if (stopped) return;
          const gone = answer.filter((s) => !s.bookable).map((s) => s.id);
          if (gone.length > 0) report.current(gone);
        })
        // A failed check (no connection for a moment) is tried again at the next tick.
        .catch(() => undefined)
        .finally(() => {
          if (inFlight === controller) inFlight = null;
        });
    };
    const timer = window.setInterval(check, pollInterval());
    const onVisible = () => {
      if (document.visibilityState === 'visible') check();
    };
    window.addEventListener('focus', check);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      window.clearInterval(timer);
      window.removeEventListener('focus', check);
      document.removeEventListener('visibilitychange', onVisible);
      inFlight?.abort();
    };
  }, [key]);
}
