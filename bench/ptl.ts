/**
 * Benchmark: the patient tracking list on the large synthetic trust (250,000 open pathways), through the whole
 * API (`app.inject()`, signed in as a booking clerk: session check, validation, query, derived values, audit
 * rows, serialisation), on PostgreSQL and on PGlite. Beside it, the anchor measured in the same run: the same
 * SQL sent straight through the driver, so the ratio shows what the API adds to the database's own time.
 *
 * Then each filter of the list (consultant, priority, weeks band, breach date, booking status, validation due,
 * a combination), each page with its count, beside the same anchor. So that the status and validation filters
 * have something to find, the benchmark first gives the seeded list some activity (the seed books nothing): a
 * booked appointment for about one pathway in six, validations and contacts on about half, and one patient in
 * twenty-five unavailable today.
 *
 * Prints figures beside the targets (page p95 ≤ 30 ms, each filter p95 ≤ 300 ms, summary p95 ≤ 300 ms on
 * PostgreSQL); never fails on a slow machine. `PATHFLOW_BENCH_ENGINES=postgres` (or `pglite`) measures one
 * engine only.
 */
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { buildApp } from '../packages/server/src/app';
import { loadConfig } from '../packages/server/src/config';
import { SESSION_COOKIE } from '../packages/server/src/auth/sessions';
import { queryRows, type DatabaseHandle } from '../packages/server/src/db/client';
import { DEFAULT_SEED_TODAY, DEMO_PASSWORD, seedTrust } from '../packages/server/src/seed';
import { epochDayToIso, isoToEpochDay, type PtlQuery } from '@pathflow/core';
import { ptlAsOf, ptlPageStatements, ptlSummaryQuery } from '../packages/server/src/features/ptl/service';
import { inScratch, percentiles, scratchFolders, scratchServer, type Percentiles } from './support';

const SEED = 1;
const PAGE_REQUESTS = 200;
const SUMMARY_REQUESTS = 20;
const WARM_UP = 10;
const PAGE_LIMIT = 100;
const TARGET_PAGE_P95_MS = 30;
const TARGET_SUMMARY_P95_MS = 300;
const FILTER_REQUESTS = 60;
const TARGET_FILTER_P95_MS = 300;

interface FilterFigures {
  label: string;
  query: string;
  total: number;
  api: Percentiles;
  rawPageAndCount: Percentiles;
}

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
  activity: { booked: number; validated: number; unavailable: number };
  filters: FilterFigures[];
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
  const activity = await addActivity(handle, seeded.orgId, DEFAULT_SEED_TODAY);
  // seedTrust vacuums and analyzes at its end; repeated here (after the activity) so the figures never depend on that.
  await handle.db.execute(sql`vacuum analyze`);

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

    // Each filter: through the API (page and count, audit, serialisation), then the same SQL through the driver.
    const [consultant] = await queryRows<{ id: string }>(
      handle.db,
      sql`select clinician_id as id from pathways
           where org_id = ${seeded.orgId} and status = 'open' and rtt_running and clinician_id is not null
           group by clinician_id order by count(*) desc limit 1`,
    );
    const breachBy = epochDayToIso(isoToEpochDay(asOf) + 28);
    const cases: { label: string; query: Omit<PtlQuery, 'limit' | 'offset'> }[] = [
      { label: 'whole list', query: {} },
      { label: 'consultant', query: { clinicianId: consultant?.id } },
      { label: 'priority urgent', query: { priority: 'urgent' } },
      { label: 'weeks 18 to 51', query: { minWeeks: 18, maxWeeks: 51 } },
      { label: `breaches by ${breachBy}`, query: { breachBy } },
      { label: 'status not-booked', query: { status: 'not-booked' } },
      { label: 'status booked', query: { status: 'booked' } },
      { label: 'status on-hold', query: { status: 'on-hold' } },
      { label: 'validation due', query: { validationDue: true } },
      {
        label: 'specialty + not-booked + validation due + priority sort',
        query: { specialty: largest.code, status: 'not-booked', validationDue: true, sort: 'priority' },
      },
    ];
    process.stderr.write(` ${label} measuring GET /api/v1/ptl with each filter...\n`);
    const filters: FilterFigures[] = [];
    for (const c of cases) {
      const query = { sort: 'breach-date' as const, ...c.query };
      const search = new URLSearchParams(
        Object.entries(query).map(([k, v]) => [k, String(v)] as [string, string]),
      ).toString();
      let total = 0;
      const api = await time(FILTER_REQUESTS, async (i) => {
        const res = await app.inject({
          method: 'GET',
          url: `/api/v1/ptl?${search}&limit=${PAGE_LIMIT}&offset=${offsetOf(i)}`,
          headers,
        });
        if (res.statusCode !== 200)
          throw new Error(`GET /api/v1/ptl?${search}: ${res.statusCode} ${res.body}`);
        total = res.json<{ total: number }>().total;
      });
      const raw = await time(FILTER_REQUESTS, async (i) => {
        const s = ptlPageStatements(handle.db, seeded.orgId, asOf, {
          ...query,
          limit: PAGE_LIMIT,
          offset: offsetOf(i),
        });
        await driver.query(s.page.sql, s.page.params);
        await driver.query(s.count.sql, s.count.params);
      });
      filters.push({
        label: c.label,
        query: search,
        total,
        api: percentiles(api),
        rawPageAndCount: percentiles(raw),
      });
    }
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
      activity,
      filters,
    };
  } finally {
    await app.close();
  }
}

/**
 * Activity the seed does not make, so that the booking-status and validation filters have something to find:
 * booked appointments (in free slots, their counts kept), validations and contacts, and patients unavailable
 * today. Deterministic: chosen by the pathways' and patients' order.
 */
export async function addActivity(
  handle: DatabaseHandle,
  orgId: string,
  today: string,
): Promise<PtlFigures['activity']> {
  const db = handle.db;
  await db.execute(sql`
    with p as (select id, patient_id, row_number() over (order by id) as rn from pathways
                where org_id = ${orgId} and status = 'open' and rtt_running),
         s as (select id, starts_at, ends_at, slot_type, row_number() over (order by starts_at, id) as rn
                 from slots where org_id = ${orgId} and status = 'open' and booked + held < capacity
                  and starts_at > ${today}::date + 1),
         picked as (select p.id as pathway_id, p.patient_id, row_number() over (order by p.rn) as k
                      from p where p.rn % 6 = 0)
    insert into appointments (org_id, id, slot_id, pathway_id, patient_id, starts_at, ends_at, slot_type,
                              status, offered_on, notice_days, reasonable_offer, booked_by, booked_at)
    select ${orgId}, gen_random_uuid(), s.id, picked.pathway_id, picked.patient_id, s.starts_at, s.ends_at,
           s.slot_type, 'booked', ${today}, 21, true, 'bench', now()
      from picked join s on s.rn = picked.k`);
  await db.execute(sql`
    update slots set booked = booked + 1
     where org_id = ${orgId} and id in (select slot_id from appointments where org_id = ${orgId} and booked_by = 'bench')`);
  await db.execute(sql`
    update pathways set
      last_validated_on = case abs(hashtext(id::text)) % 4
        when 0 then least(rtt_period_start + 90, ${today}::date) when 1 then least(rtt_period_start + 190, ${today}::date)
        else null end,
      last_contact_on = case abs(hashtext(id::text || 'contact')) % 3
        when 0 then ${today}::date - (abs(hashtext(id::text)) % 120) else null end
     where org_id = ${orgId} and status = 'open' and rtt_running`);
  await db.execute(sql`
    insert into patient_unavailability (org_id, id, patient_id, from_date, to_date, reason, recorded_by, recorded_at)
    select ${orgId}, gen_random_uuid(), id, ${today}::date - 2, ${today}::date + 12, 'Holiday', 'bench', now()
      from (select id, row_number() over (order by id) as rn from patients where org_id = ${orgId}) q
     where rn % 25 = 0`);
  const [counts] = await queryRows<PtlFigures['activity']>(
    db,
    sql`select (select count(*)::int from appointments where org_id = ${orgId} and status = 'booked') as booked,
               (select count(*)::int from pathways where org_id = ${orgId} and last_validated_on is not null) as validated,
               (select count(*)::int from patient_unavailability where org_id = ${orgId}) as unavailable`,
  );
  return counts!;
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
    `    filters (activity added: ${f.activity.booked.toLocaleString('en-GB')} booked appointments, ${f.activity.validated.toLocaleString('en-GB')} pathways validated, ${f.activity.unavailable.toLocaleString('en-GB')} patients unavailable today), GET /api/v1/ptl ×${FILTER_REQUESTS} each, limit ${PAGE_LIMIT}, offsets 0–${9 * PAGE_LIMIT}; anchor = page + count through the driver:`,
    ...f.filters.map(
      (x) =>
        `      ${x.label.padEnd(56)} ${x.total.toLocaleString('en-GB').padStart(8)} rows: p50 ${ms(x.api.p50)}, p95 ${ms(x.api.p95)}${target(x.api.p95, TARGET_FILTER_P95_MS)} | anchor p50 ${ms(x.rawPageAndCount.p50)}, p95 ${ms(x.rawPageAndCount.p95)} | API / anchor at p95 ${ratio(x.api, x.rawPageAndCount)}×`,
    ),
  ];
}

/**
 * The engines to measure: PATHFLOW_BENCH_ENGINES, a comma-separated list of `postgres` and `pglite` (both when
 * unset or empty).
 */
function benchEngines(): { postgres: boolean; pglite: boolean } {
  const listed = (process.env.PATHFLOW_BENCH_ENGINES ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const unknown = listed.filter((e) => e !== 'postgres' && e !== 'pglite');
  if (unknown.length > 0) {
    throw new Error(`PATHFLOW_BENCH_ENGINES: unknown engine ${unknown.join(', ')} (postgres, pglite)`);
  }
  const all = listed.length === 0;
  return { postgres: all || listed.includes('postgres'), pglite: all || listed.includes('pglite') };
}

export async function runPtlBench(): Promise<void> {
  const engines = benchEngines();
  // PostgreSQL first: PGlite's memory stays with the process after it closes.
  const server = engines.postgres ? await benchPostgres() : undefined;
  const local = engines.pglite ? await benchPglite() : undefined;
  const out = local ? [...report(local)] : [];
  if (typeof server === 'string') out.push(`ptl (postgres): ${server}`);
  else if (server) out.push(...report(server));
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
