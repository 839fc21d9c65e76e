/**
 * A small in-process scheduler for work the server does once a day at a London wall-clock time (02:00, when
 * clinics are shut). One timer at a time, re-armed after each run from the clock, so a clock change or a
 * slow run never makes it drift or run twice; a run still going when the next is due is not started again.
 * `stop` clears the timer and waits for a run in progress, so the database can be closed after it.
 */
import { addDays, londonWallClockInstant, parsePlainDate } from '@pathflow/core';
import { londonToday } from '../clock';

export interface DailyJob {
  /** When the next run is due. */
  readonly nextRunAt: Date | null;
  stop(): Promise<void>;
}

export interface DailyJobOptions {
  /** London wall clock, 'HH:MM'. */
  at: string;
  run: () => Promise<void>;
  /** Run once straight away too (as the server starts). */
  runNow?: boolean;
  now?: () => Date;
  /** A failed run is reported here and the next day's run still happens. */
  onError?: (err: unknown) => void;
}

/** The first instant after `now` at which the London clock shows `at` (or later, if the clock skips it). */
export function nextDailyRun(now: Date, at: string): Date {
  const today = londonToday(now);
  const todays = new Date(londonWallClockInstant(today, at));
  if (todays.getTime() > now.getTime()) return todays;
  return new Date(londonWallClockInstant(addDays(parsePlainDate(today), 1).toString(), at));
}

export function scheduleDaily(options: DailyJobOptions): DailyJob {
  const now = options.now ?? (() => new Date());
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;
  let nextRunAt: Date | null = null;

  const runOnce = () => {
    if (running || stopped) return;
    running = options
      .run()
      .catch((err: unknown) => options.onError?.(err))
      .finally(() => {
        running = null;
      });
  };
  const arm = () => {
    if (stopped) return;
    nextRunAt = nextDailyRun(now(), options.at);
    // At most a day and an hour away: well within a timer's range.
    timer = setTimeout(
      () => {
        runOnce();
        arm();
      },
      Math.max(0, nextRunAt.getTime() - now().getTime()),
    );
    timer.unref();
  };

  if (options.runNow) runOnce();
  arm();
  return {
    get nextRunAt() {
      return nextRunAt;
    },
    stop: async () => {
      stopped = true;
      nextRunAt = null;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
