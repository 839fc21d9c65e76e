/**
 * Benchmark: the patient tracking list on the large synthetic trust (250,000 open pathways), through the whole
 * API (`app.inject()`, signed in as a booking clerk: session check, validation, query, derived values, audit
 * rows, serialisation), on PostgreSQL and on PGlite. Beside it, the anchor measured in the same run: the same
 * SQL sent straight through the driver, so the ratio shows what the API adds to the database's own time.
 *
 * Prints figures beside the targets (page p95 ≤ 30 ms, summary p95 ≤ 300 ms on PostgreSQL); never fails on a
 * slow machine.
 */
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { buildApp } from '../packages/server/src/app';
import { loadConfig } from '../packages/server/src/config';
import { SESSION_COOKIE } from '../packages/server/src/auth/sessions';
import { queryRows, type DatabaseHandle } from '../packages/server/src/db/client';
import { DEFAULT_SEED_TODAY, DEMO_PASSWORD, seedTrust } from '../packages/server/src/seed';
import { ptlAsOf, ptlPageStatements, ptlSummaryQuery } from '../packages/server/src/features/ptl/service';
import { inScratch, percentiles, scratchFolders, scratchServer, type Percentiles } from './support';

const SEED = 1;
const PAGE_REQUESTS = 200;
const SUMMARY_REQUESTS = 20;
const WARM_UP = 10;
const PAGE_LIMIT = 100;
const TARGET_PAGE_P95_MS = 30;
const TARGET_SUMMARY_P95_MS = 300;

interface PtlFigures {
  engine: string;
  seedSeconds: number;
  specialty: string;
  specialtyPathways: number;
  page: Percentiles;
  summary: Percentiles;
  rawPage: Percentiles;
  rawPageAndCount: Percentiles;
  rawSummary: Percentiles;
}

async function time(n: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  for (let i = 0; i < WARM_UP; i++) await fn(i);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await fn(i);
    out.push(performance.now() - started);
  }
  return out;
}

/** The driver under drizzle (a pg Pool or a PGlite instance): both answer `query(text, params)`. */
interface RawClient {
  query(text: string, params: unknown[]): Promise<unknown>;
}
const driverOf = (handle: DatabaseHandle): RawClient =>
  (handle.db as unknown as { $client: RawClient }).$client;

async function benchOn(handle: DatabaseHandle): Promise<PtlFigures> {
  const label = handle.engine.padEnd(8);
  await handle.migrate();
  process.stderr.write(` ${label} seeding the large trust (seed ${SEED})...\n`);
  const seeded = await seedTrust(handle, { size: 'large', seed: SEED, today: DEFAULT_SEED_TODAY });
  // seedTrust vacuums and analyzes at its end; repeated here so the figures never depend on that.
  await handle.db.execute(sql`vacuum analyze pathways`);

  const now = new Date(`${DEFAULT_SEED_TODAY}T10:00:00Z`);
  const app = await buildApp({ handle, config: loadConfig({ PATHFLOW_SEED: 'none' }), now: () => now });
  await app.ready();
  try {
    const signIn = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { username: 'booking-clerk', password: DEMO_PASSWORD },
    });
    const cookie = signIn.cookies.find((c) => c.name === SESSION_COOKIE);
    if (signIn.statusCode !== 200 || !cookie) throw new Error(`sign-in failed: ${signIn.body}`);
    const headers = { cookie: `${SESSION_COOKIE}=${cookie.value}` };

    const [largest] = await queryRows<{ code: string; n: number }>(
      handle.db,
      sql`select specialty_code as code, count(*)::int as n from pathways
           where org_id = ${seeded.orgId} and status = 'open' and rtt_running
           group by specialty_code order by n desc limit 1`,
    );
    if (!largest) throw new Error('the seed has no open pathways');
    const offsetOf = (i: number) => (i % 10) * PAGE_LIMIT;

    process.stderr.write(` ${label} measuring GET /api/v1/ptl and /api/v1/ptl/summary...\n`);
    const page = await time(PAGE_REQUESTS, async (i) => {
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/ptl?specialty=${largest.code}&sort=breach-date&limit=${PAGE_LIMIT}&offset=${offsetOf(i)}`,
        headers,
      });
      if (res.statusCode !== 200) throw new Error(`GET /api/v1/ptl: ${res.statusCode} ${res.body}`);
    });
    const summary = await time(SUMMARY_REQUESTS, async () => {
      const res = await app.inject({ method: 'GET', url: '/api/v1/ptl/summary', headers });
      if (res.statusCode !== 200) throw new Error(`GET /api/v1/ptl/summary: ${res.statusCode} ${res.body}`);
    });

    // The anchor: the same statements, straight through the driver.
    const driver = driverOf(handle);
    const asOf = ptlAsOf(now);
    const statements = (i: number) =>
      ptlPageStatements(handle.db, seeded.orgId, asOf, {
        specialty: largest.code,
        sort: 'breach-date',
        limit: PAGE_LIMIT,
        offset: offsetOf(i),
      });
    const rawPage = await time(PAGE_REQUESTS, async (i) => {
      const s = statements(i).page;
      await driver.query(s.sql, s.params);
    });
    const rawPageAndCount = await time(PAGE_REQUESTS, async (i) => {
      const s = statements(i);
      await driver.query(s.page.sql, s.page.params);
      await driver.query(s.count.sql, s.count.params);
    });
    const summaryStatement = new PgDialect().sqlToQuery(ptlSummaryQuery(seeded.orgId, asOf));
    const rawSummary = await time(SUMMARY_REQUESTS, async () => {
      await driver.query(summaryStatement.sql, summaryStatement.params);
    });
    return {
      engine: handle.engine,
      seedSeconds: seeded.seconds,
      specialty: largest.code,
      specialtyPathways: largest.n,
      page: percentiles(page),
      summary: percentiles(summary),
      rawPage: percentiles(rawPage),
      rawPageAndCount: percentiles(rawPageAndCount),
      rawSummary: percentiles(rawSummary),
    };
  } finally {
    await app.close();
  }
}

function benchPglite(): Promise<PtlFigures> {
  return inScratch(scratchFolders('pathflow-bench-ptl-'), benchOn);
}

async function benchPostgres(): Promise<PtlFigures | string> {
  const server = await scratchServer(5);
  return typeof server === 'string' ? server : inScratch(server, benchOn);
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
const ratio = (api: Percentiles, raw: Percentiles) => (raw.p95 > 0 ? (api.p95 / raw.p95).toFixed(1) : 'n/a');

function report(f: PtlFigures): string[] {
  const target = (p95: number, limit: number) =>
    f.engine === 'postgres' ? ` | target p95 ≤ ${limit} ms: ${p95 <= limit ? 'met' : 'MISSED'}` : '';
  return [
    `ptl (${f.engine}): large trust seeded in ${f.seedSeconds.toFixed(1)} s; page = specialty ${f.specialty} (${f.specialtyPathways.toLocaleString('en-GB')} open pathways), sort breach-date, limit ${PAGE_LIMIT}, offsets 0–${9 * PAGE_LIMIT}`,
    `    GET /api/v1/ptl         ×${PAGE_REQUESTS}: p50 ${ms(f.page.p50)}, p95 ${ms(f.page.p95)}${target(f.page.p95, TARGET_PAGE_P95_MS)}`,
    `      anchor, same SQL through the driver: page p50 ${ms(f.rawPage.p50)}, p95 ${ms(f.rawPage.p95)}; page + count p50 ${ms(f.rawPageAndCount.p50)}, p95 ${ms(f.rawPageAndCount.p95)} | API / (page + count) at p95 ${ratio(f.page, f.rawPageAndCount)}×`,
    `    GET /api/v1/ptl/summary ×${SUMMARY_REQUESTS}: p50 ${ms(f.summary.p50)}, p95 ${ms(f.summary.p95)}${target(f.summary.p95, TARGET_SUMMARY_P95_MS)}`,
    `      anchor, same aggregate through the driver: p50 ${ms(f.rawSummary.p50)}, p95 ${ms(f.rawSummary.p95)} | API / anchor at p95 ${ratio(f.summary, f.rawSummary)}×`,
  ];
}

export async function runPtlBench(): Promise<void> {
  // PostgreSQL first: PGlite's memory stays with the process after it closes.
  const server = await benchPostgres();
  const local = await benchPglite();
  const out = [...report(local)];
  if (typeof server === 'string') out.push(`ptl (postgres): ${server}`);
  else out.push(...report(server));
  process.stdout.write(
    [
      '',
      `PTL on the large synthetic trust (seed ${SEED}), through app.inject() as a signed-in booking clerk,`,
      'each request including its session check, audit rows and serialisation. Anchor: the same SQL sent',
      'straight through the driver in the same run.',
      ...out,
      '',
    ].join('\n') + '\n',
  );
}
