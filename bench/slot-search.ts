/**
 * Benchmark: the free-slot search over HTTP on PostgreSQL. In a database of its own (dropped afterwards):
 * 1,000,000 slots across 25 specialties and 450 clinic templates over 26 weeks, made with generate_series,
 * with realistic fractions booked (most of the next weeks, fewer further out), held, cancelled and removed;
 * then vacuum analyze. The real app (buildApp + listen) answers `GET /api/v1/slots` for a machine client
 * (bearer token, keep-alive): 600 searches one after another, each for a random specialty over 6 weeks from a
 * random start date, after 50 to warm up.
 *
 * Anchors, in the same run on the same server: the same SQL run directly through pg with the same parameters
 * (the database's share), and a GET /health/live round trip (the HTTP floor). Prints p50/p95/p99 for each, the
 * ratios, and the plan PostgreSQL chose (it must use slots_free_idx). Goal: p95 ≤ 20 ms. Never fails because a
 * machine is slow.
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { freeSlotsQuery, searchWindow } from '../packages/server/src/features/slots/service';
import { seedFixture } from '../packages/server/test/support/fixtures';
import { inScratch, listenWithToken, percentiles, scratchServer } from './support';
import type { Percentiles, ServerDatabase } from './support';

const SLOTS = 1_000_000;
const TEMPLATES = 450;
const CLINICIANS = 300;
const LOCATIONS = 20;
const WEEKS = 26;
const WARM_UP = 50;
const REQUESTS = 600;
const WINDOW_DAYS = 42;
const TARGET_P95_MS = 20;
/** A Monday morning in London: the app's clock, and the first day of slots. */
const NOW = new Date('2026-11-23T08:00:00Z');
const FIRST_DAY = '2026-11-23';
/** 25 treatment function codes; the fixture already has 110 and 120. */
const SPECIALTIES = [
  '110', '120', '100', '101', '102', '103', '104', '105', '106', '107', '108', '130', '140',
  '144', '145', '160', '300', '301', '320', '330', '340', '400', '410', '420', '502',
]; // prettier-ignore

const fmt = (s: Percentiles) =>
  `p50 ${s.p50.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms`;

/** A small seeded generator (mulberry32), so every run asks the same questions. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const addDaysIso = (iso: string, days: number): string =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Reference data and the million slots, all in SQL on one connection (setseed makes it repeatable). */
async function fill(client: pg.Client, orgId: string): Promise<void> {
  const others = SPECIALTIES.filter((c) => c !== '110' && c !== '120');
  await client.query(
    `insert into specialties (org_id, code, name) select $1, c, 'Specialty ' || c from unnest($2::text[]) c`,
    [orgId, others],
  );
  await client.query(
    `insert into locations (org_id, id, site_code, name, site, address_line, postcode)
     select $1, gen_random_uuid(), 'XB' || lpad(g::text, 3, '0'), 'Outpatients ' || g, 'Bench General',
            g || ' Hospital Road', 'LS1 3EX'
       from generate_series(1, ${LOCATIONS}) g`,
    [orgId],
  );
  await client.query(
    `create temporary table bench_clinicians as
       select g as n, gen_random_uuid() as id, ($1::text[])[g % 25 + 1] as specialty_code
         from generate_series(0, ${CLINICIANS - 1}) g`,
    [SPECIALTIES],
  );
  await client.query(
    `insert into clinicians (org_id, id, registration_code, title, given_name, family_name, specialty_code, grade)
     select $1, id, 'B' || lpad(n::text, 7, '0'), 'Dr', 'Bench', 'Clinician' || n, specialty_code, 'consultant'
       from bench_clinicians`,
    [orgId],
  );
  // Template t is in specialty t % 25; four in five are a clinician's (of the same specialty: 300 is a
  // multiple of 25), the rest a named service.
  await client.query(
    `create temporary table bench_templates as
       select g as n, gen_random_uuid() as id, ($2::text[])[g % 25 + 1] as specialty_code,
              case when g % 5 <> 0 then (select id from bench_clinicians c where c.n = g % ${CLINICIANS}) end
                as clinician_id,
              (select id from locations l where l.org_id = $1 order by l.site_code offset g % ${LOCATIONS} limit 1)
                as location_id
         from generate_series(0, ${TEMPLATES - 1}) g`,
    [orgId, SPECIALTIES],
  );
  await client.query(
    `insert into clinic_templates (org_id, id, name, clinician_id, service_name, location_id, specialty_code, created_by)
     select $1, id, 'Bench clinic ' || n, clinician_id,
            case when clinician_id is null then 'Service ' || n end, location_id, specialty_code, 'bench'
       from bench_templates`,
    [orgId],
  );
  await client.query(`create index on bench_templates (n)`);
  await client.query('select setseed(0.2026)');
  // Slot g is template g % 450's k-th (k = g / 450): 17 a weekday (9 in the morning from 09:00, 8 in the
  // afternoon from 13:30, 20 minutes each), weekdays from FIRST_DAY for 26 weeks. Booked: 92% of the first
  // week's places falling to 30% at 26 weeks; a few held; 2% cancelled, 1% removed; 5% group slots.
  await client.query(
    `insert into slots (org_id, id, template_id, key, session_date, session_index, starts_at, ends_at, slot_type,
                        capacity, booked, held, status, specialty_code, clinician_id, location_id)
     select $1, gen_random_uuid(), t.id, t.id || '/v1/' || d.day || '/' || d.session || '/' || d.i,
            d.day, d.session, d.starts_at, d.starts_at + interval '20 minutes',
            case when r.t < 0.60 then 'new' when r.t < 0.85 then 'follow-up' when r.t < 0.93 then 'urgent-new'
                 when r.t < 0.97 then 'two-week-wait' else 'procedure' end,
            c.capacity,
            case when s.status <> 'open' then 0
                 when r.b < 0.92 - 0.62 * d.n / ${WEEKS * 5} then c.capacity
                 when c.capacity > 1 then floor(r.b * c.capacity)::int else 0 end as booked,
            0, s.status, t.specialty_code, t.clinician_id, t.location_id
       -- The random numbers are drawn in the scan of the series, once a row (a lateral subquery not
       -- referring to the row would be run once for them all).
       from (select g, random() as t, random() as b, random() as c, random() as s
               from generate_series(0, ${SLOTS - 1}) g) r
       join bench_templates t on t.n = r.g % ${TEMPLATES}
       cross join lateral (select (r.g / ${TEMPLATES}) / 17 as n, (r.g / ${TEMPLATES}) % 17 as k) p
       cross join lateral (
         select ($2::date + (p.n / 5) * 7 + p.n % 5) as day,
                case when p.k < 9 then 0 else 1 end as session,
                case when p.k < 9 then p.k else p.k - 9 end as i,
                (($2::date + (p.n / 5) * 7 + p.n % 5)
                   + case when p.k < 9 then time '09:00' + p.k * interval '20 minutes'
                          else time '13:30' + (p.k - 9) * interval '20 minutes' end)
                  at time zone 'Europe/London' as starts_at, p.n
       ) d
       cross join lateral (select case when r.c < 0.95 then 1 else 2 + floor(r.c * 100)::int % 3 end as capacity) c
       cross join lateral (select case when r.s < 0.02 then 'cancelled' when r.s < 0.03 then 'removed'
                                       else 'open' end as status) s`,
    [orgId, FIRST_DAY],
  );
  // A few places held (not over capacity).
  await client.query(
    `update slots set held = 1 where org_id = $1 and status = 'open' and booked < capacity and random() < 0.01`,
    [orgId],
  );
}

export async function runSlotSearchBench(): Promise<void> {
  const server = await scratchServer(8);
  if (typeof server === 'string') {
    process.stdout.write(`slot search: ${server}\n`);
    return;
  }
  await inScratch(server, benchOn);
}

/** Fills a database of its own, then measures the searches and their anchors. */
async function benchOn(handle: ServerDatabase): Promise<void> {
  const client = new pg.Client({ connectionString: handle.url.toString() });
  try {
    await handle.migrate();
    const fixture = await seedFixture(handle.db);
    const orgId = fixture.orgId;
    await client.connect();
    const filling = performance.now();
    await fill(client, orgId);
    await client.query('vacuum analyze');
    const fillSeconds = (performance.now() - filling) / 1000;
    const counts = (
      await client.query<{
        slots: number;
        free: number;
        cancelled: number;
        specialties: number;
        templates: number;
      }>(
        `select count(*)::int as slots,
                count(*) filter (where status = 'open' and booked + held < capacity)::int as free,
                count(*) filter (where status <> 'open')::int as cancelled,
                count(distinct specialty_code)::int as specialties, count(distinct template_id)::int as templates
           from slots where org_id = $1`,
        [orgId],
      )
    ).rows[0]!;

    const rand = random(20261123);
    const questions = Array.from({ length: WARM_UP + REQUESTS }, () => {
      const specialty = SPECIALTIES[Math.floor(rand() * SPECIALTIES.length)]!;
      const from = addDaysIso(FIRST_DAY, Math.floor(rand() * (WEEKS * 7 - WINDOW_DAYS)));
      return { specialty, from, to: addDaysIso(from, WINDOW_DAYS) };
    });
    // The service's own query, as SQL text and parameters for the direct anchor and EXPLAIN.
    const sqlOf = (q: (typeof questions)[number]) =>
      freeSlotsQuery(handle.db, orgId, q.specialty, searchWindow(NOW, q), {}, 51).toSQL();

    const plan = await client.query<{ 'QUERY PLAN': string }>(
      `explain (analyze, buffers) ${sqlOf(questions[0]!).sql}`,
      sqlOf(questions[0]!).params,
    );
    const planText = plan.rows.map((r) => r['QUERY PLAN']);
    const usesIndex = planText.some((l) => /slots_free_idx/.test(l));
    const scanLine = planText.find((l) => /slots_free_idx|Seq Scan on slots/.test(l))?.trim() ?? '?';

    const { app, base, token } = await listenWithToken(handle, orgId, () => NOW);
    try {
      const headers = { authorization: `Bearer ${token}` };

      const statuses = new Map<number, number>();
      let returned = 0;
      const searchOnce = async (q: (typeof questions)[number]) => {
        const started = performance.now();
        const res = await fetch(
          `${base}/api/v1/slots?specialty=${q.specialty}&from=${q.from}&to=${q.to}&limit=50`,
          { headers },
        );
        const body = (await res.json()) as { slots?: unknown[] };
        const ms = performance.now() - started;
        return { ms, status: res.status, n: body.slots?.length ?? 0 };
      };
      const direct = async (q: (typeof questions)[number]) => {
        const { sql, params } = sqlOf(q);
        const started = performance.now();
        await client.query(sql, params);
        return performance.now() - started;
      };
      const health = async () => {
        const started = performance.now();
        const res = await fetch(`${base}/health/live`);
        await res.arrayBuffer();
        return performance.now() - started;
      };

      for (const q of questions.slice(0, WARM_UP)) {
        await searchOnce(q);
        await direct(q);
        await health();
      }
      // Interleaved, so each anchor sees the same machine load as the searches.
      const ours: number[] = [];
      const sqlMs: number[] = [];
      const healthMs: number[] = [];
      for (const q of questions.slice(WARM_UP)) {
        const r = await searchOnce(q);
        ours.push(r.ms);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        returned += r.n;
        sqlMs.push(await direct(q));
        healthMs.push(await health());
      }
      const o = percentiles(ours);
      const s = percentiles(sqlMs);
      const hl = percentiles(healthMs);
      const codes = [...statuses].map(([st, n]) => `${n}×${st}`).join(', ');
      const lines = [
        `slot search (postgres): ${counts.slots.toLocaleString('en-GB')} slots (${counts.free.toLocaleString('en-GB')} with a free place, ${counts.cancelled.toLocaleString('en-GB')} cancelled or removed), ${counts.specialties} specialties, ${counts.templates} clinics, ${WEEKS} weeks; made and analysed in ${fillSeconds.toFixed(1)} s`,
        `    plan: ${usesIndex ? 'uses slots_free_idx' : 'DOES NOT use slots_free_idx'} — ${scanLine}`,
        `    GET /api/v1/slots, ${REQUESTS} searches of 6 weeks (random specialty and start, limit 50; ${codes}; ${(returned / REQUESTS).toFixed(1)} slots a search): ${fmt(o)}` +
          ` | goal p95 ≤ ${TARGET_P95_MS} ms: ${o.p95 <= TARGET_P95_MS ? 'met' : 'MISSED'}`,
        `      anchor, the same SQL through pg directly: ${fmt(s)} | ours / anchor at p95 ${(o.p95 / s.p95).toFixed(2)}`,
        `      anchor, GET /health/live round trip: ${fmt(hl)} | ours / anchor at p95 ${(o.p95 / hl.p95).toFixed(2)}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      await app.close();
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runSlotSearchBench().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
