/**
 * The durable scheduler: work due at an instant, kept in `scheduled_jobs`, so that a restart neither loses nor
 * repeats it, on PGlite and PostgreSQL alike, against an injected clock (tests move weeks on in seconds).
 *
 * - Scheduling (`scheduleJobs`) happens in the caller's transaction, beside the change that makes the work due,
 *   and is idempotent by `dedupeKey`: the same event scheduled twice is one job. Pending jobs can be cancelled.
 * - Running (`runDueJobs`) claims due jobs in batches with `FOR UPDATE SKIP LOCKED`, so any number of runners
 *   share the work without taking the same job twice. Each job's handler runs inside a savepoint of the batch's
 *   transaction and the job is marked done in that same transaction: its effects are committed exactly when the
 *   job is, and a runner that dies mid-batch leaves the jobs pending, to be run again from scratch.
 * - A handler that throws has its effects rolled back (to the savepoint); the job is tried again after a back-off
 *   that doubles each time, and is marked 'failed' after the last attempt. Only the error's name (and SQLSTATE)
 *   is kept: an error message may quote a patient's details.
 *
 * The daily timer (`daily.ts`) is for the one job that runs at a wall-clock time; this is for work with a due date.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { queryRows } from '../db/client';
import { scheduledJobs } from '../db/schema';

export interface NewJob {
  kind: string;
  /** Unique per organisation for one piece of work, e.g. `reminder:<appointment id>:7d`. */
  dedupeKey: string;
  dueAt: Date;
  /** Ids and dates the handler needs: never names, addresses or free text about a patient. */
  payload: Record<string, unknown>;
}

export interface JobContext {
  orgId: string;
  jobId: string;
  kind: string;
  dueAt: Date;
  /** 1 on the first attempt. */
  attempt: number;
  /** The runner's clock when the batch began. */
  now: Date;
}

/** Does the work of one job inside `tx` (a savepoint of the batch's transaction). Throw to fail the attempt. */
export type JobHandler = (tx: Database, payload: Record<string, unknown>, job: JobContext) => Promise<void>;

export interface RetryPolicy {
  /** Attempts before a job is marked failed. */
  maxAttempts: number;
  /** Delay before the second attempt; it doubles for each one after, up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 8,
  firstDelayMs: 60_000,
  maxDelayMs: 6 * 3_600_000,
};

/** When the attempt after `attempts` failed ones is due. */
export function retryAt(now: Date, attempts: number, policy: RetryPolicy = DEFAULT_RETRY): Date {
  const delay = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + delay);
}

const INSERT_CHUNK = 1_000;

/**
 * Schedules jobs for one organisation in the caller's transaction. A job whose `dedupeKey` is already held (in
 * any state) is not scheduled again. Answers with how many were new.
 */
export async function scheduleJobs(
  tx: Database,
  orgId: string,
  jobs: readonly NewJob[],
  now: Date,
): Promise<number> {
  let created = 0;
  for (let i = 0; i < jobs.length; i += INSERT_CHUNK) {
    const rows = jobs.slice(i, i + INSERT_CHUNK).map((j) => ({
      orgId,
      id: randomUUID(),
      kind: j.kind,
      dedupeKey: j.dedupeKey,
      dueAt: j.dueAt,
      payload: j.payload,
      status: 'pending',
      attempts: 0,
      createdAt: now,
    }));
    const inserted = await tx
      .insert(scheduledJobs)
      .values(rows)
      .onConflictDoNothing({ target: [scheduledJobs.orgId, scheduledJobs.dedupeKey] })
      .returning({ id: scheduledJobs.id });
    created += inserted.length;
  }
  return created;
}

/** Cancels pending jobs by their keys (the appointment they were about was cancelled, say). Answers how many. */
export async function cancelJobs(
  tx: Database,
  orgId: string,
  dedupeKeys: readonly string[],
  now: Date,
): Promise<number> {
  if (dedupeKeys.length === 0) return 0;
  const cancelled = await tx
    .update(scheduledJobs)
    .set({ status: 'cancelled', finishedAt: now })
    .where(
      and(
        eq(scheduledJobs.orgId, orgId),
        inArray(scheduledJobs.dedupeKey, [...dedupeKeys]),
        eq(scheduledJobs.status, 'pending'),
      ),
    )
    .returning({ id: scheduledJobs.id });
  return cancelled.length;
}

export interface RunOptions {
  handlers: Readonly<Record<string, JobHandler>>;
  now: () => Date;
  /** Jobs claimed per transaction. */
  batchSize?: number;
  /** Stop after this many batches (default: until nothing is due). */
  maxBatches?: number;
  retry?: RetryPolicy;
}

export interface RunReport {
  done: number;
  /** Failed attempts that will be tried again. */
  retried: number;
  /** Jobs that failed their last attempt, or whose kind has no handler. */
  failed: number;
  batches: number;
}

interface DueRow {
  org_id: string;
  id: string;
  kind: string;
  due_at: Date | string;
  payload: Record<string, unknown>;
  attempts: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An array literal of uuids read back from the table (checked, so they need no quoting). */
function uuidArray(ids: readonly string[]): string {
  if (!ids.every((id) => UUID.test(id))) throw new Error('uuidArray takes uuids only');
  return `'{${ids.join(',')}}'`;
}

/** The name of an error, with its SQLSTATE when the database raised it: never its message. */
function errorLabel(err: unknown): string {
  if (!(err instanceof Error)) return 'Error';
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.length > 0 ? `${err.name} (${code})` : err.name;
}

/** Runs the jobs due by `now()`, batch by batch, until none is due (or `maxBatches`). */
export async function runDueJobs(db: Database, options: RunOptions): Promise<RunReport> {
  const batchSize = options.batchSize ?? 100;
  const retry = options.retry ?? DEFAULT_RETRY;
  const report: RunReport = { done: 0, retried: 0, failed: 0, batches: 0 };
  while (report.batches < (options.maxBatches ?? Number.POSITIVE_INFINITY)) {
    const now = options.now();
    const claimed = await db.transaction(async (tx) => {
      const due = await queryRows<DueRow>(
        tx,
        sql`select org_id, id, kind, due_at, payload, attempts from scheduled_jobs
             where status = 'pending' and due_at <= ${now.toISOString()}::timestamptz
             order by due_at limit ${batchSize}
               for update skip locked`,
      );
      const done: DueRow[] = [];
      for (const row of due) {
        const attempt = row.attempts + 1;
        const key = and(eq(scheduledJobs.orgId, row.org_id), eq(scheduledJobs.id, row.id));
        const handler = options.handlers[row.kind];
        if (!handler) {
          await tx
            .update(scheduledJobs)
            .set({
              status: 'failed',
              attempts: attempt,
              lastError: 'No handler for this kind',
              finishedAt: now,
            })
            .where(key);
          report.failed += 1;
          continue;
        }
        const job: JobContext = {
          orgId: row.org_id,
          jobId: row.id,
          kind: row.kind,
          dueAt: new Date(row.due_at),
          attempt,
          now,
        };
        try {
          await tx.transaction((sp) => handler(sp, row.payload, job));
          done.push(row);
          report.done += 1;
        } catch (err) {
          const last = attempt >= retry.maxAttempts;
          await tx
            .update(scheduledJobs)
            .set(
              last
                ? { status: 'failed', attempts: attempt, lastError: errorLabel(err), finishedAt: now }
                : { attempts: attempt, lastError: errorLabel(err), dueAt: retryAt(now, attempt, retry) },
            )
            .where(key);
          if (last) report.failed += 1;
          else report.retried += 1;
        }
      }
      // The jobs done, marked in one statement (still in the transaction that holds their effects).
      if (done.length > 0) {
        await tx.execute(sql`update scheduled_jobs j set status = 'done', attempts = j.attempts + 1,
                                    finished_at = ${now.toISOString()}::timestamptz
                               from unnest(${sql.raw(uuidArray(done.map((d) => d.org_id)))}::uuid[],
                                           ${sql.raw(uuidArray(done.map((d) => d.id)))}::uuid[]) as d(org_id, id)
                              where j.org_id = d.org_id and j.id = d.id`);
      }
      return due.length;
    });
    if (claimed === 0) break;
    report.batches += 1;
  }
  return report;
}

export interface JobRunner {
  stop(): Promise<void>;
}

/**
 * Runs due jobs in the background: straight on while batches come back full, otherwise every `intervalMs`.
 * `stop` waits for the batch in progress. A failed run (the database away) is reported and tried again.
 */
export function startJobRunner(
  db: Database,
  options: RunOptions & { intervalMs?: number; onError?: (err: unknown) => void },
): JobRunner {
  const interval = options.intervalMs ?? 1_000;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const tick = () => {
    timer = null;
    if (stopped) return;
    running = runDueJobs(db, { ...options, maxBatches: 1 })
      .then((r) => r.batches > 0)
      .catch((err: unknown) => {
        options.onError?.(err);
        return false;
      })
      .then((more) => {
        running = null;
        if (!stopped) {
          timer = setTimeout(tick, more ? 0 : interval);
          timer.unref();
        }
      });
  };
  timer = setTimeout(tick, 0);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
