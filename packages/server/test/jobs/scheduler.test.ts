/**
 * The durable scheduler on both engines: due work runs once, when due, against an injected clock; scheduling is
 * idempotent; a failed attempt leaves nothing behind and is retried with back-off; jobs outlive the process; two
 * runners on PostgreSQL share a backlog without running any job twice.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client';
import { auditLog, scheduledJobs } from '../../src/db/schema';
import { writeAudit } from '../../src/audit/audit';
import {
  cancelJobs,
  retryAt,
  runDueJobs,
  scheduleJobs,
  startJobRunner,
  type JobHandler,
} from '../../src/jobs/scheduler';
import { ENGINES, createTestDatabase, type TestDatabase } from '../support/db';

const T0 = new Date('2026-11-23T09:00:00Z');
const DAY = 86_400_000;
const at = (ms: number) => new Date(T0.getTime() + ms);

/** The handler's effect: one audit row naming the job, written in the job's transaction. */
const recordRun: JobHandler = async (tx, payload, job) => {
  await writeAudit(
    tx,
    { orgId: job.orgId, actorType: 'system', actorId: 'scheduler', actorRole: 'system', at: job.now },
    [{ action: `Test.${job.kind}`, resourceType: 'Job', resourceId: String(payload.ref) }],
  );
};

async function runsOf(db: Database, orgId: string, ref: string): Promise<number> {
  const rows = await db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(and(eq(auditLog.orgId, orgId), eq(auditLog.resourceId, ref)));
  return rows.length;
}

async function jobByKey(db: Database, orgId: string, dedupeKey: string) {
  const [row] = await db
    .select()
    .from(scheduledJobs)
    .where(and(eq(scheduledJobs.orgId, orgId), eq(scheduledJobs.dedupeKey, dedupeKey)));
  return row!;
}

describe.each(ENGINES)('durable scheduler on %s', (engine) => {
  let handle: TestDatabase;
  let db: Database;
  const orgId = randomUUID();
  beforeAll(async () => {
    handle = await createTestDatabase(engine);
    db = handle.db;
  });
  afterAll(() => handle.dispose());

  const schedule = (key: string, dueAt: Date, kind = 'remind') =>
    db.transaction((tx) =>
      scheduleJobs(tx, orgId, [{ kind, dedupeKey: key, dueAt, payload: { ref: key } }], T0),
    );

  it('runs a job when it falls due and not before, and only once', async () => {
    expect(await schedule('once', at(7 * DAY))).toBe(1);
    const handlers = { remind: recordRun };
    expect((await runDueJobs(db, { handlers, now: () => at(7 * DAY - 1) })).done).toBe(0);
    expect(await runsOf(db, orgId, 'once')).toBe(0);

    expect((await runDueJobs(db, { handlers, now: () => at(7 * DAY) })).done).toBe(1);
    expect(await runsOf(db, orgId, 'once')).toBe(1);
    expect(await jobByKey(db, orgId, 'once')).toMatchObject({
      status: 'done',
      attempts: 1,
      finishedAt: at(7 * DAY),
    });

    // Weeks later: nothing left to do.
    expect((await runDueJobs(db, { handlers, now: () => at(30 * DAY) })).done).toBe(0);
    expect(await runsOf(db, orgId, 'once')).toBe(1);
  });

  it('schedules the same event once, and never runs a cancelled job', async () => {
    expect(await schedule('same', at(DAY))).toBe(1);
    expect(await schedule('same', at(2 * DAY))).toBe(0);
    expect(await schedule('dropped', at(DAY))).toBe(1);
    expect(await db.transaction((tx) => cancelJobs(tx, orgId, ['dropped', 'no-such-key'], T0))).toBe(1);

    await runDueJobs(db, { handlers: { remind: recordRun }, now: () => at(3 * DAY) });
    expect(await runsOf(db, orgId, 'same')).toBe(1);
    expect(await runsOf(db, orgId, 'dropped')).toBe(0);
    expect((await jobByKey(db, orgId, 'same')).dueAt).toEqual(at(DAY));
    expect((await jobByKey(db, orgId, 'dropped')).status).toBe('cancelled');
  });

  it('rolls back a failed attempt and tries again after a doubling back-off', async () => {
    await schedule('flaky', at(0), 'flaky');
    // Writes its effect, then fails on the first two attempts.
    const flaky: JobHandler = async (tx, payload, job) => {
      await recordRun(tx, payload, job);
      if (job.attempt < 3) throw new Error('Notify said no for Mrs Test Patient');
    };
    const run = (ms: number) => runDueJobs(db, { handlers: { flaky }, now: () => at(ms) });

    expect(await run(0)).toMatchObject({ done: 0, retried: 1 });
    expect(await runsOf(db, orgId, 'flaky')).toBe(0);
    const first = await jobByKey(db, orgId, 'flaky');
    expect(first).toMatchObject({ status: 'pending', attempts: 1, lastError: 'Error' });
    expect(first.dueAt).toEqual(retryAt(at(0), 1));
    expect(first.dueAt).toEqual(at(60_000));

    expect(await run(59_999)).toMatchObject({ done: 0, retried: 0 });
    expect(await run(60_000)).toMatchObject({ done: 0, retried: 1 });
    expect((await jobByKey(db, orgId, 'flaky')).dueAt).toEqual(at(60_000 + 120_000));
    expect(await run(180_000)).toMatchObject({ done: 1 });
    expect(await runsOf(db, orgId, 'flaky')).toBe(1);
    // The error's message (which here names a patient) is never stored.
    expect(JSON.stringify(await jobByKey(db, orgId, 'flaky'))).not.toContain('Mrs Test');
  });

  it('marks a job failed after its last attempt, and one whose kind has no handler', async () => {
    await schedule('doomed', at(0), 'doomed');
    await schedule('orphan', at(0), 'nobody-handles-this');
    const doomed: JobHandler = () => Promise.reject(new TypeError('always'));
    const retry = { maxAttempts: 3, firstDelayMs: 1_000, maxDelayMs: 1_500 };
    let t = 0;
    let failed = 0;
    for (let i = 0; i < 5; i++, t += 2_000) {
      failed += (await runDueJobs(db, { handlers: { doomed }, now: () => at(t), retry })).failed;
    }
    expect(failed).toBe(2);
    expect(await jobByKey(db, orgId, 'doomed')).toMatchObject({
      status: 'failed',
      attempts: 3,
      lastError: 'TypeError',
    });
    expect(await jobByKey(db, orgId, 'orphan')).toMatchObject({
      status: 'failed',
      lastError: 'No handler for this kind',
    });
  });

  it('runs due work in the background until stopped, and not after', async () => {
    let clock = at(0);
    await schedule('background', at(DAY));
    const runner = startJobRunner(db, { handlers: { remind: recordRun }, now: () => clock, intervalMs: 5 });
    try {
      await new Promise((r) => setTimeout(r, 50));
      expect(await runsOf(db, orgId, 'background')).toBe(0);
      clock = at(DAY);
      await expect.poll(() => runsOf(db, orgId, 'background'), { timeout: 5_000 }).toBe(1);
    } finally {
      await runner.stop();
    }
    await schedule('after-stop', at(0));
    await new Promise((r) => setTimeout(r, 50));
    expect(await runsOf(db, orgId, 'after-stop')).toBe(0);
  });

  it('works through a backlog in batches, oldest due first', async () => {
    const orgB = randomUUID();
    const jobs = Array.from({ length: 250 }, (_, i) => ({
      kind: 'order',
      dedupeKey: `order-${i}`,
      dueAt: at(-i * 1_000),
      payload: { ref: `order-${i}` },
    }));
    await db.transaction((tx) => scheduleJobs(tx, orgB, jobs, T0));
    const seen: number[] = [];
    const order: JobHandler = (_tx, payload) => {
      seen.push(Number(String(payload.ref).slice(6)));
      return Promise.resolve();
    };
    const report = await runDueJobs(db, { handlers: { order }, now: () => T0, batchSize: 40 });
    expect(report).toMatchObject({ done: 250, batches: 7 });
    expect(seen).toEqual([...Array.from({ length: 250 }, (_, i) => 249 - i)]);
  });
});

describe('durable scheduler across a restart', () => {
  it('keeps due work in the data folder and runs it once after the process comes back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pathflow-scheduler-'));
    const orgId = randomUUID();
    try {
      const before = await openDatabase({ dataDir: dir });
      await before.migrate();
      await before.db.transaction((tx) =>
        scheduleJobs(
          tx,
          orgId,
          [{ kind: 'remind', dedupeKey: 'r1', dueAt: at(DAY), payload: { ref: 'r1' } }],
          T0,
        ),
      );
      await before.close();

      for (const expected of [1, 0]) {
        const after = await openDatabase({ dataDir: dir });
        await after.migrate();
        const report = await runDueJobs(after.db, { handlers: { remind: recordRun }, now: () => at(DAY) });
        expect(report.done).toBe(expected);
        expect(await runsOf(after.db, orgId, 'r1')).toBe(1);
        await after.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(ENGINES.includes('postgres'))('durable scheduler with two runners on postgres', () => {
  it('shares a backlog between two runners without running any job twice', async () => {
    const first = await createTestDatabase('postgres');
    const second = await openDatabase({ databaseUrl: first.url!, poolSize: 3 });
    const orgId = randomUUID();
    try {
      const jobs = Array.from({ length: 600 }, (_, i) => ({
        kind: 'remind',
        dedupeKey: `shared-${i}`,
        dueAt: at(0),
        payload: { ref: `shared-${i}` },
      }));
      await first.db.transaction((tx) => scheduleJobs(tx, orgId, jobs, T0));
      const handlers = { remind: recordRun };
      const [a, b] = await Promise.all([
        runDueJobs(first.db, { handlers, now: () => at(0), batchSize: 25 }),
        runDueJobs(second.db, { handlers, now: () => at(0), batchSize: 25 }),
      ]);
      expect(a.done + b.done).toBe(600);
      expect(a.done).toBeGreaterThan(0);
      expect(b.done).toBeGreaterThan(0);
      const rows = await first.db
        .select({ ref: auditLog.resourceId })
        .from(auditLog)
        .where(eq(auditLog.orgId, orgId));
      expect(rows).toHaveLength(600);
      expect(new Set(rows.map((r) => r.ref)).size).toBe(600);
    } finally {
      await second.close();
      await first.dispose();
    }
  });
});
