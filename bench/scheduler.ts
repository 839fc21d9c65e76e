/**
 * Benchmark: the durable scheduler's lag under a backlog. 100,000 jobs fall due over one minute that has just
 * passed; one runner (batches of 200) works through them, each job writing one audit row in its own savepoint,
 * as real work would. Prints jobs per second and the lag (finished − due: the median and the worst), on
 * PostgreSQL and on embedded PGlite.
 *
 * Anchor, in the same run on the same database: the same 100,000 audit rows and "done" marks written by two
 * set-based SQL statements, the least any runner could cost. Never fails because a machine is slow.
 */
import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { Database, DatabaseHandle } from '../packages/server/src/db/client';
import { queryRows } from '../packages/server/src/db/client';
import { writeAudit } from '../packages/server/src/audit/audit';
import { runDueJobs, scheduleJobs, type JobHandler } from '../packages/server/src/jobs/scheduler';
import { inScratch, scratchFolders, scratchServer } from './support';

const JOBS = 100_000;
const BATCH = 200;

const handler: JobHandler = async (tx, payload, job) => {
  await writeAudit(
    tx,
    { orgId: job.orgId, actorType: 'system', actorId: 'scheduler', actorRole: 'system', at: job.now },
    [{ action: 'Bench.job', resourceType: 'Job', resourceId: String(payload.ref) }],
  );
};

async function backlog(db: Database, orgId: string, now: Date): Promise<void> {
  const jobs = Array.from({ length: JOBS }, (_, i) => ({
    kind: 'bench',
    dedupeKey: `bench-${i}`,
    dueAt: new Date(now.getTime() - 60_000 + Math.floor((i * 60_000) / JOBS)),
    payload: { ref: `bench-${i}` },
  }));
  await db.transaction((tx) => scheduleJobs(tx, orgId, jobs, now));
}

async function measure(engine: string, handle: DatabaseHandle): Promise<string[]> {
  await handle.migrate();
  const db = handle.db;
  const orgId = randomUUID();
  await backlog(db, orgId, new Date());
  await db.execute(sql`analyze scheduled_jobs`);
  const started = performance.now();
  // The real clock: lag is how long after its due time each job was done.
  const report = await runDueJobs(db, {
    handlers: { bench: handler },
    now: () => new Date(),
    batchSize: BATCH,
  });
  const seconds = (performance.now() - started) / 1000;
  const [lag] = await queryRows<{ p50: number; max: number }>(
    db,
    sql`select percentile_cont(0.5) within group (order by extract(epoch from finished_at - due_at))::float8 as p50,
               max(extract(epoch from finished_at - due_at))::float8 as max
          from scheduled_jobs where org_id = ${orgId} and status = 'done'`,
  );

  // Anchor: the same rows written set-based, on a second backlog.
  const anchorOrg = randomUUID();
  await backlog(db, anchorOrg, new Date());
  const anchorStarted = performance.now();
  await db.transaction(async (tx) => {
    await tx.execute(sql`insert into audit_log (org_id, at, actor_type, actor_id, actor_role, action, resource_type, resource_id, outcome)
      select org_id, now(), 'system', 'scheduler', 'system', 'Bench.job', 'Job', payload->>'ref', 'success'
        from scheduled_jobs where org_id = ${anchorOrg} and status = 'pending'`);
    await tx.execute(
      sql`update scheduled_jobs set status = 'done', attempts = 1, finished_at = now() where org_id = ${anchorOrg} and status = 'pending'`,
    );
  });
  const anchorSeconds = (performance.now() - anchorStarted) / 1000;
  return [
    `scheduler (${engine}): a backlog of ${JOBS.toLocaleString('en-GB')} due jobs, one runner, batches of ${BATCH}, one audit row per job`,
    `    ${report.done.toLocaleString('en-GB')} done in ${seconds.toFixed(1)} s = ${(report.done / seconds).toFixed(0)} jobs/s; lag (finished − due) median ${lag!.p50.toFixed(1)} s, worst ${lag!.max.toFixed(1)} s`,
    `      anchor, the same rows written by two set-based statements: ${anchorSeconds.toFixed(2)} s | ours / anchor ${(seconds / anchorSeconds).toFixed(1)}×`,
  ];
}

export async function runSchedulerBench(engines: readonly string[] = ['postgres', 'pglite']): Promise<void> {
  if (engines.includes('postgres')) {
    const server = await scratchServer(4);
    if (typeof server === 'string') process.stdout.write(`scheduler (postgres): ${server}\n`);
    else process.stdout.write(`${(await inScratch(server, (h) => measure('postgres', h))).join('\n')}\n`);
  }
  if (engines.includes('pglite')) {
    const folders = scratchFolders('pathflow-bench-scheduler-');
    process.stdout.write(`${(await inScratch(folders, (h) => measure('pglite', h))).join('\n')}\n`);
  }
}
