/**
 * Benchmark: the FHIR R4 API (`/fhir/R4`) over HTTP on PostgreSQL, beside the HTTP ceiling of this machine.
 *
 * In a database of its own (dropped afterwards): 25 specialties, 450 clinic templates (FHIR Schedules) and
 * 765,000 slots over 20 weeks of weekdays (17 twenty-minute slots a clinic a day), made with generate_series as
 * `bench/slot-search.ts` makes them: most of the next weeks booked, fewer further out, 1% held, 3% cancelled or
 * removed, 5% group slots; 6,300 synthetic patients (NHS numbers from the 999 range), each with one open
 * routine pathway in the specialty of one free `new` slot of its own; then vacuum analyze and a checkpoint.
 * The real app (buildApp + listen, no seed, a machine client per scope) then answers 32 concurrent keep-alive
 * clients run by a load generator in a child process (node:http, as light as Node allows), so the server's
 * event loop serves requests only. Every figure is measured in this run, on this machine:
 *
 * 1. FHIR Slot search, bearer token of scope `system/Slot.read`: up to 20,000 requests (after 500 to warm up)
 *    `GET /fhir/R4/Slot?schedule=Schedule/<id>&status=free&start=ge<Monday>&start=lt<Monday+7>&_count=20`,
 *    each for a random schedule and week (a seeded generator, so every run asks the same), for at most 15 s.
 *    A searchset Bundle of up to 20 Slots, soonest first: the token check (cached by the server for 2 s), the
 *    query, the resources and the Bundle's JSON.
 * 2. FHIR Appointment create, bearer token of scope `system/Appointment.write`: 6,000 requests (after 300 to
 *    warm up) `POST /fhir/R4/Appointment` (application/fhir+json) `{resourceType:'Appointment',
 *    status:'booked', slot:[Slot/<id>], participant:[Patient/<id>], extension:[out-of-turn reason]}`, each a
 *    distinct free slot and a distinct patient whose one open pathway is in the slot's specialty, for at most
 *    15 s. The whole booking transaction of `/api/v1/appointments` (locks, slot-type, overlap and
 *    one-appointment checks, the conditional capacity update, the appointment, its audit row and its letter)
 *    plus the FHIR side: finding the patient's pathway and reading back the Appointment. The out-of-turn
 *    extension (`https://pathflow.dev/StructureDefinition/out-of-turn-reason`, "Benchmark") is sent, as
 *    booking.ts sends its `outOfTurnReason`, so 32 concurrent bookings in one specialty are not refused as out
 *    of turn: the book-in-turn query is therefore not part of this figure. Every answer must be 201 (the
 *    warm-up's too); afterwards every slot is checked for over-booking, and every slot asked for against the
 *    places the fill booked plus its appointments. The participant carries `status: accepted` (1..1 in R4).
 *
 * For both: requests per second, p50/p95/p99 latency as the clients saw it, SQL round trips per request
 * (queries the server process sent, BEGIN and COMMIT included), and the CPU each request cost the server
 * process, the PostgreSQL client backends serving it (from /proc) and the load generator; the answers' size;
 * and the PostgreSQL plan (explain analyze) of the Slot query the server sent for the first search.
 *
 * Anchors, measured in the same run by the same generator with 32 clients: a bare `node:http` server in this
 * process answering `{"status":"ok"}` (the HTTP ceiling here: run before and after the app's runs, the better
 * taken), and the app's `GET /health/live` (Fastify with the app's hooks, no database); up to 100,000 and
 * 50,000 requests, at most 5 s each, after 2,000 to warm up. Printed beside them: the published figures of
 * planning-and-data.md §4. Ratios are our throughput ÷ the bare-HTTP ceiling measured here. Goals: Slot
 * search ≥ 2,000/s with p99 ≤ 20 ms; Appointment create ≥ 1,000/s with p99 ≤ 50 ms; each printed as met or
 * not met. Never fails because a machine is slow.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, createServer, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { nhsNumberFromStem } from '../packages/core/src';
import { createClient } from '../packages/server/src/auth/clients';
import type { Database } from '../packages/server/src/db/client';
import { pathways, patients } from '../packages/server/src/db/schema';
import { seedFixture } from '../packages/server/test/support/fixtures';
import { inScratch, listenWithToken, percentiles, scratchServer, type ServerDatabase } from './support';

const CLIENTS = 32;
const POOL_SIZE = 16;
const TEMPLATES = 450;
const CLINICIANS = 300;
const LOCATIONS = 20;
const WEEKS = 20;
const SLOTS_A_DAY = 17;
const SLOTS = TEMPLATES * WEEKS * 5 * SLOTS_A_DAY;
const SEARCHES = 20_000;
const SEARCH_WARM_UP = 500;
const CREATES = 6_000;
const CREATE_WARM_UP = 300;
const BARE_REQUESTS = 100_000;
const HEALTH_REQUESTS = 50_000;
const ANCHOR_WARM_UP = 2_000;
/** The most any one measured run may take; throughput is what was done in the time taken. */
const ANCHOR_SECONDS = 5;
const RUN_SECONDS = 15;
const GOALS = {
  search: { perSecond: 2000, p99: 20 },
  create: { perSecond: 1000, p99: 50 },
};
/** A Monday morning in London: the app's clock, and the first day of slots. */
const NOW = new Date('2026-11-23T08:00:00Z');
const FIRST_DAY = '2026-11-23';
const OUT_OF_TURN = 'https://pathflow.dev/StructureDefinition/out-of-turn-reason';
/** 25 treatment function codes; the fixture already has 110 and 120. */
const SPECIALTIES = [
  '110', '120', '100', '101', '102', '103', '104', '105', '106', '107', '108', '130', '140',
  '144', '145', '160', '300', '301', '320', '330', '340', '400', '410', '420', '502',
]; // prettier-ignore

// ------------------------------------------------------------------------------------- the load generator

interface Job {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

interface ClientOrder {
  base: string;
  /** Bearer token, or none (the anchors). */
  token: string | null;
  contentType?: string;
  /** Request i is jobs[i % jobs.length]. */
  jobs: Job[];
  count: number;
  clients: number;
  /** No request is started after this many seconds. */
  maxSeconds: number;
}

interface ClientRun {
  seconds: number;
  done: number;
  latencies: number[];
  statuses: [number, number][];
  bytes: number;
  /** CPU milliseconds (user + system) the clients used. */
  cpuMs: number;
}

/** One request over a keep-alive agent with node:http (fetch would cost the generator several times the CPU). */
function send(
  agent: Agent,
  url: URL,
  job: Job,
  headers: OutgoingHttpHeaders,
): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: job.method,
        agent,
        headers:
          job.body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(job.body) },
      },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(job.body);
  });
}

/** `clients` concurrent keep-alive clients working through the order, each one request at a time. */
async function runClients(order: ClientOrder): Promise<ClientRun> {
  let next = 0;
  let bytes = 0;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const agent = new Agent({ keepAlive: true, maxSockets: order.clients });
  const headers: OutgoingHttpHeaders = {
    ...(order.token === null ? {} : { authorization: `Bearer ${order.token}` }),
    ...(order.contentType === undefined ? {} : { 'content-type': order.contentType }),
  };
  const urls = order.jobs.map((j) => new URL(j.path, order.base));
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + order.maxSeconds * 1000;
  await Promise.all(
    Array.from({ length: order.clients }, async () => {
      for (let i = next++; i < order.count && performance.now() < deadline; i = next++) {
        const k = i % order.jobs.length;
        const t = performance.now();
        const r = await send(agent, urls[k]!, order.jobs[k]!, headers);
        latencies.push(performance.now() - t);
        bytes += r.bytes;
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  return {
    seconds,
    done: latencies.length,
    latencies,
    statuses: [...statuses],
    bytes,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

const CLIENT_ENV = 'PATHFLOW_BENCH_FHIR_CLIENT';

// The load generator's side: this module, forked, runs one order from the parent and answers with its figures.
if (process.env[CLIENT_ENV] === '1' && process.send) {
  process.once('message', (order: ClientOrder) => {
    void runClients(order).then((run) => {
      process.send!(run, () => process.exit(0));
    });
  });
}

/** Runs the clients in a child process of their own, waiting for their figures. */
async function runLoad(order: ClientOrder): Promise<ClientRun> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: process.execArgv,
    env: { ...process.env, [CLIENT_ENV]: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<ClientRun>((resolve, reject) => {
    child.once('message', (run) => resolve(run as ClientRun));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the load generator exited with ${code}`)));
    child.send(order);
  });
}

// ------------------------------------------------------------------------------------- measuring the server

/** Each query this process sends to PostgreSQL (a round trip; BEGIN and COMMIT included) until `stop`. */
function watchQueries(keep?: RegExp): {
  stop: () => { count: number; kept: { text: string; values: unknown[] }[] };
} {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  let count = 0;
  const kept: { text: string; values: unknown[] }[] = [];
  proto.query = function (this: unknown, ...args: unknown[]) {
    count++;
    if (keep) {
      const [a, b] = args as [unknown, unknown];
      const text = typeof a === 'string' ? a : (a as { text?: string } | null)?.text;
      const values = typeof a === 'string' ? b : ((a as { values?: unknown } | null)?.values ?? b);
      if (typeof text === 'string' && keep.test(text)) {
        kept.push({ text, values: Array.isArray(values) ? values : [] });
      }
    }
    return original.apply(this, args);
  };
  return {
    stop: () => {
      proto.query = original;
      return { count, kept };
    },
  };
}

/** CPU milliseconds (user + system) used so far by these processes, read from /proc; null where unreadable. */
function cpuMsOf(pids: number[]): number | null {
  try {
    let ticks = 0;
    for (const pid of pids) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks * 10; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

interface Measured {
  run: ClientRun;
  perSecond: number;
  roundTrips: number;
  serverMs: number;
  pgMs: number | null;
}

/** A warm-up order, then the measured one, counting the server's queries and CPU during the measured one. */
async function measure(
  order: ClientOrder,
  warmUp: ClientOrder | null,
  backends: () => Promise<number[]>,
): Promise<Measured> {
  if (warmUp) await runLoad(warmUp);
  const pids = await backends();
  const queries = watchQueries();
  const cpuBefore = process.cpuUsage();
  const pgBefore = cpuMsOf(pids);
  const run = await runLoad(order);
  const cpu = process.cpuUsage(cpuBefore);
  const pgAfter = cpuMsOf(pids);
  const n = Math.max(run.done, 1);
  return {
    run,
    perSecond: run.done / run.seconds,
    roundTrips: queries.stop().count / n,
    serverMs: (cpu.user + cpu.system) / 1000 / n,
    pgMs: pgBefore === null || pgAfter === null ? null : (pgAfter - pgBefore) / n,
  };
}

// ------------------------------------------------------------------------------------- the data

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

/** Reference data and the slots, all in SQL on one connection (setseed makes the shape repeatable). */
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
  // Template t is in specialty t % 25; four in five are a clinician's (of the same specialty), the rest a service.
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
     select $1, id, 'Bench clinic ' || lpad(n::text, 3, '0'), clinician_id,
            case when clinician_id is null then 'Service ' || n end, location_id, specialty_code, 'bench'
       from bench_templates`,
    [orgId],
  );
  await client.query(`create index on bench_templates (n)`);
  await client.query('select setseed(0.2026)');
  // Slot g is template g % TEMPLATES's k-th: 17 a weekday (9 from 09:00, 8 from 13:30, 20 minutes each),
  // weekdays from FIRST_DAY for WEEKS weeks. Booked: 92% of the first week's places falling to 30% at the last
  // week; 2% cancelled, 1% removed; 5% group slots.
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
       from (select g, random() as t, random() as b, random() as c, random() as s
               from generate_series(0, ${SLOTS - 1}) g) r
       join bench_templates t on t.n = r.g % ${TEMPLATES}
       cross join lateral (select (r.g / ${TEMPLATES}) / ${SLOTS_A_DAY} as n,
                                  (r.g / ${TEMPLATES}) % ${SLOTS_A_DAY} as k) p
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
  await client.query(
    `update slots set held = 1 where org_id = $1 and status = 'open' and booked < capacity and random() < 0.01`,
    [orgId],
  );
}

function nhsNumbers(n: number): string[] {
  const out: string[] = [];
  for (let stem = 999_400_000; out.length < n; stem++) {
    const nhs = nhsNumberFromStem(String(stem));
    if (nhs) out.push(nhs);
  }
  return out;
}

interface Booking {
  slotId: string;
  /** The places the fill booked in it (a group slot may have some). */
  bookedBefore: number;
  patientId: string;
}

/**
 * For each of `n` free `new` slots spread over the whole table (a seeded sample), a patient of its own with one
 * open routine pathway in the slot's specialty.
 */
async function bookingsFor(client: pg.Client, db: Database, orgId: string, odsCode: string, n: number) {
  await client.query('select setseed(0.1123)');
  const free = (
    await client.query<{ id: string; specialty: string; booked: number }>(
      `select id, specialty_code as specialty, booked from slots
        where org_id = $1 and status = 'open' and slot_type = 'new' and held = 0 and booked < capacity
        order by random() limit $2`,
      [orgId, n],
    )
  ).rows;
  const numbers = nhsNumbers(free.length);
  const patientRows = numbers.map((nhsNumber, i) => ({
    orgId,
    id: randomUUID(),
    nhsNumber,
    mrn: `BENCH${i}`,
    givenName: 'Bench',
    familyName: `Patient${i}`,
    dateOfBirth: '1970-01-01',
    sex: 'female',
    addressLine1: '1 Road',
    town: 'Leeds',
    postcode: 'LS1 1AA',
  }));
  const pathwayRows = patientRows.map((p, i) => ({
    orgId,
    id: randomUUID(),
    patientId: p.id,
    ppid: `XT1BENCH${String(i).padStart(8, '0')}`,
    ppidIssuer: odsCode,
    specialtyCode: free[i]!.specialty,
    source: 'gp-paper',
    priority: 'routine',
    referralReceivedDate: '2026-10-01',
    clockStartDate: '2026-10-01',
    status: 'open',
    rttRunning: true,
    rttPeriodStart: '2026-10-01',
  }));
  for (let i = 0; i < patientRows.length; i += 1000) {
    await db.insert(patients).values(patientRows.slice(i, i + 1000));
    await db.insert(pathways).values(pathwayRows.slice(i, i + 1000));
  }
  return free.map((s, i): Booking => ({
    slotId: s.id,
    bookedBefore: s.booked,
    patientId: patientRows[i]!.id,
  }));
}

/** A bearer token from `POST /oauth2/token` for a new booking-clerk machine client, of exactly `scope`. */
async function scopedToken(db: Database, orgId: string, base: string, scope: string): Promise<string> {
  const { clientId, clientSecret } = await createClient(db, {
    orgId,
    name: `bench ${scope}`,
    role: 'booking-clerk',
  });
  const res = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      scope,
    }),
  });
  const body = (await res.json()) as { access_token?: string; error_description?: string };
  if (!res.ok || !body.access_token) {
    throw new Error(`no token for ${scope}: ${res.status} ${body.error_description ?? ''}`);
  }
  return body.access_token;
}

// ------------------------------------------------------------------------------------- the benchmark

/** A bare node:http server on a loopback port answering a small JSON body: the HTTP ceiling here. */
async function bareServer(): Promise<{ base: string; close: () => Promise<void> }> {
  const body = JSON.stringify({ status: 'ok' });
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
const codesOf = (run: ClientRun) => run.statuses.map(([s, n]) => `${n}×${s}`).join(', ');

function throughputLine(label: string, m: Measured): string {
  const l = percentiles(m.run.latencies);
  return `${label}: ${m.perSecond.toFixed(0)}/s, p50 ${ms(l.p50)} ms, p95 ${ms(l.p95)} ms, p99 ${ms(l.p99)} ms (${m.run.done.toLocaleString('en-GB')} in ${m.run.seconds.toFixed(1)} s; ${codesOf(m.run)})`;
}

function costLine(m: Measured): string {
  return `per request: ${m.roundTrips.toFixed(1)} SQL round trips; CPU: server process ${m.serverMs.toFixed(2)} ms, PostgreSQL backends ${m.pgMs === null ? 'not readable here' : `${m.pgMs.toFixed(2)} ms`}, load generator ${(m.run.cpuMs / Math.max(m.run.done, 1)).toFixed(2)} ms; ${(m.run.bytes / Math.max(m.run.done, 1) / 1024).toFixed(1)} KiB answered`;
}

function goalLine(m: Measured, bare: Measured, goal: { perSecond: number; p99: number }): string {
  const p99 = percentiles(m.run.latencies).p99;
  const met = m.perSecond >= goal.perSecond && p99 <= goal.p99;
  return `÷ bare-HTTP ceiling ${(m.perSecond / bare.perSecond).toFixed(3)} | goal ≥ ${goal.perSecond.toLocaleString('en-GB')}/s with p99 ≤ ${goal.p99} ms: ${met ? 'met' : 'not met'}`;
}

export async function runFhirBench(): Promise<void> {
  const server = await scratchServer(POOL_SIZE);
  if (typeof server === 'string') {
    process.stdout.write(`fhir: ${server}\n`);
    return;
  }
  await inScratch(server, benchOn);
}

async function benchOn(handle: ServerDatabase): Promise<void> {
  const began = performance.now();
  const client = new pg.Client({ connectionString: handle.url.toString() });
  try {
    await handle.migrate();
    const db = handle.db;
    const fixture = await seedFixture(db);
    const orgId = fixture.orgId;
    await client.connect();
    const filling = performance.now();
    await fill(client, orgId);
    const bookings = await bookingsFor(client, db, orgId, fixture.odsCode, CREATES + CREATE_WARM_UP);
    await client.query('vacuum analyze');
    // Written out now, so that no measured run pays for evicting the fill's dirty pages (where allowed).
    await client.query('checkpoint').catch(() => undefined);
    const fillSeconds = (performance.now() - filling) / 1000;
    const counts = (
      await client.query<{ slots: number; free: number }>(
        `select count(*)::int as slots,
                count(*) filter (where status = 'open' and booked + held < capacity)::int as free
           from slots where org_id = $1`,
        [orgId],
      )
    ).rows[0]!;
    const schedules = (
      await client.query<{ id: string }>(
        `select id from clinic_templates where org_id = $1 and created_by = 'bench' order by name`,
        [orgId],
      )
    ).rows.map((r) => r.id);

    const rand = random(20261123);
    const searchJobs = Array.from({ length: SEARCH_WARM_UP + SEARCHES }, (): Job => {
      const schedule = schedules[Math.floor(rand() * schedules.length)]!;
      const from = addDaysIso(FIRST_DAY, 7 * Math.floor(rand() * WEEKS));
      return {
        method: 'GET',
        path: `/fhir/R4/Slot?schedule=Schedule/${schedule}&status=free&start=ge${from}&start=lt${addDaysIso(from, 7)}&_count=20`,
      };
    });
    const createJobs = bookings.map((b): Job => ({
      method: 'POST',
      path: '/fhir/R4/Appointment',
      body: JSON.stringify({
        resourceType: 'Appointment',
        extension: [{ url: OUT_OF_TURN, valueString: 'Benchmark' }],
        status: 'booked',
        slot: [{ reference: `Slot/${b.slotId}` }],
        participant: [{ actor: { reference: `Patient/${b.patientId}` }, status: 'accepted' }],
      }),
    }));

    const bare = await bareServer();
    const { app, base } = await listenWithToken(handle, orgId, () => NOW);
    try {
      const slotToken = await scopedToken(db, orgId, base, 'system/Slot.read');
      const appointmentToken = await scopedToken(db, orgId, base, 'system/Appointment.write');
      // The PostgreSQL backends serving the app's pool, when the server runs on this machine: their CPU is read.
      const backends = async () =>
        (
          await client.query<{ pid: number }>(
            `select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`,
          )
        ).rows.map((r) => r.pid);
      const noBackends = async () => [];
      const order = (o: Omit<ClientOrder, 'clients'>): ClientOrder => ({ ...o, clients: CLIENTS });

      // One search and what it answered, with the SQL the server ran for it (for its plan).
      const watched = watchQueries(/from "slots"/);
      const sample = await fetch(`${base}${searchJobs[0]!.path}`, {
        headers: { authorization: `Bearer ${slotToken}` },
      });
      const bundle = (await sample.json()) as {
        resourceType?: string;
        entry?: {
          resource?: { resourceType?: string; status?: string; schedule?: { reference?: string } };
        }[];
      };
      const slotSql = watched.stop().kept[0];
      const scheduleAsked = /schedule=([^&]+)/.exec(searchJobs[0]!.path)![1];
      const sampleOk =
        sample.status === 200 &&
        bundle.resourceType === 'Bundle' &&
        (bundle.entry ?? []).every(
          (e) =>
            e.resource?.resourceType === 'Slot' &&
            e.resource.status === 'free' &&
            e.resource.schedule?.reference === scheduleAsked,
        );
      let planLines: string[] = ['the Slot query was not seen'];
      if (slotSql) {
        const plan = await client.query<{ 'QUERY PLAN': string }>(
          `explain (analyze, buffers) ${slotSql.text}`,
          slotSql.values,
        );
        planLines = plan.rows.map((r) => r['QUERY PLAN']);
      }

      // The ceiling is measured before and after the app's runs, and the better taken: other work on a shared
      // machine lowers it more often than not.
      const bareOrder = (count: number) =>
        order({
          base: bare.base,
          token: null,
          jobs: [{ method: 'GET', path: '/' }],
          count,
          maxSeconds: ANCHOR_SECONDS,
        });
      const bareBefore = await measure(bareOrder(BARE_REQUESTS), bareOrder(ANCHOR_WARM_UP), noBackends);
      const healthRun = await measure(
        order({
          base,
          token: null,
          jobs: [{ method: 'GET', path: '/health/live' }],
          count: HEALTH_REQUESTS,
          maxSeconds: ANCHOR_SECONDS,
        }),
        order({
          base,
          token: null,
          jobs: [{ method: 'GET', path: '/health/live' }],
          count: ANCHOR_WARM_UP,
          maxSeconds: ANCHOR_SECONDS,
        }),
        noBackends,
      );
      const searchRun = await measure(
        order({
          base,
          token: slotToken,
          jobs: searchJobs.slice(SEARCH_WARM_UP),
          count: SEARCHES,
          maxSeconds: RUN_SECONDS,
        }),
        order({
          base,
          token: slotToken,
          jobs: searchJobs.slice(0, SEARCH_WARM_UP),
          count: SEARCH_WARM_UP,
          maxSeconds: RUN_SECONDS,
        }),
        backends,
      );
      const createWarmUp = await runLoad(
        order({
          base,
          token: appointmentToken,
          contentType: 'application/fhir+json',
          jobs: createJobs.slice(0, CREATE_WARM_UP),
          count: CREATE_WARM_UP,
          maxSeconds: RUN_SECONDS,
        }),
      );
      const createRun = await measure(
        order({
          base,
          token: appointmentToken,
          contentType: 'application/fhir+json',
          jobs: createJobs.slice(CREATE_WARM_UP),
          count: CREATES,
          maxSeconds: RUN_SECONDS,
        }),
        null,
        backends,
      );
      const bareAfter = await measure(bareOrder(BARE_REQUESTS), bareOrder(ANCHOR_WARM_UP), noBackends);
      await bare.close();
      const bareRun = bareAfter.perSecond > bareBefore.perSecond ? bareAfter : bareBefore;
      const all201 =
        createWarmUp.statuses.every(([s]) => s === 201) && createRun.run.statuses.every(([s]) => s === 201);
      // Over capacity: any slot. Mismatched: a slot asked for whose places are not those the fill booked plus
      // its booked appointments (the fill books places without appointments).
      const check = (
        await client.query<{ over: number; mismatched: number; appointments: number }>(
          `with asked as (select * from unnest($2::uuid[], $3::int[]) as a(slot_id, before)),
                made as (select slot_id, count(*)::int as n from appointments
                          where org_id = $1 and status = 'booked' group by slot_id)
           select (select count(*) from slots where org_id = $1 and booked > capacity)::int as over,
                  (select count(*) from asked
                     join slots s on s.org_id = $1 and s.id = asked.slot_id
                     left join made on made.slot_id = asked.slot_id
                    where s.booked <> asked.before + coalesce(made.n, 0))::int as mismatched,
                  (select coalesce(sum(n), 0) from made)::int as appointments`,
          [orgId, bookings.map((b) => b.slotId), bookings.map((b) => b.bookedBefore)],
        )
      ).rows[0]!;

      const hl = percentiles(healthRun.run.latencies);
      const br = percentiles(bareRun.run.latencies);
      const scanLines = planLines
        .filter((l) => /Scan|Sort|Limit|Execution Time/.test(l))
        .map((l) => l.trim());
      const lines = [
        `fhir (postgres): ${counts.slots.toLocaleString('en-GB')} slots (${counts.free.toLocaleString('en-GB')} with a free place), ${schedules.length} schedules, ${SPECIALTIES.length} specialties, ${WEEKS} weeks, ${bookings.length.toLocaleString('en-GB')} patients with one open pathway each; made and analysed in ${fillSeconds.toFixed(1)} s; ${CLIENTS} concurrent keep-alive clients in a load-generator process, server pool ${POOL_SIZE}`,
        `    GET /fhir/R4/Slot?schedule&status=free&start=ge&start=lt (a week)&_count=20, scope system/Slot.read`,
        `      ${throughputLine('searches', searchRun)}`,
        `      ${goalLine(searchRun, bareRun, GOALS.search)}`,
        `      ${costLine(searchRun)}`,
        `      a sample search: ${sampleOk ? `200, a Bundle of ${bundle.entry?.length ?? 0} free Slots of the schedule asked` : `NOT AS EXPECTED (${sample.status})`}; plan: ${scanLines.join(' | ')}`,
        `    POST /fhir/R4/Appointment (distinct free slots and patients, out-of-turn extension), scope system/Appointment.write`,
        `      ${throughputLine('creates', createRun)}`,
        `      ${goalLine(createRun, bareRun, GOALS.create)}`,
        `      ${costLine(createRun)}`,
        `      answers: ${all201 ? 'every one 201' : `NOT ALL 201 (warm-up ${codesOf(createWarmUp)}; measured ${codesOf(createRun.run)})`}; afterwards ${check.over} slots over capacity, ${check.mismatched} of the slots asked for whose places differ from the fill's plus their appointments, ${check.appointments.toLocaleString('en-GB')} appointments booked`,
        `    anchors, measured here by the same generator with ${CLIENTS} clients:`,
        `      bare node:http, small JSON: ${bareRun.perSecond.toFixed(0)} req/s, p50 ${ms(br.p50)} ms, p99 ${ms(br.p99)} ms (the ceiling: the better of ${bareBefore.perSecond.toFixed(0)} before and ${bareAfter.perSecond.toFixed(0)} req/s after the app's runs; load generator ${(bareRun.run.cpuMs / Math.max(bareRun.run.done, 1)).toFixed(3)} ms CPU a request)`,
        `      GET /health/live (the app, no database): ${healthRun.perSecond.toFixed(0)} req/s, p50 ${ms(hl.p50)} ms, p99 ${ms(hl.p99)} ms | ÷ bare-HTTP ceiling ${(healthRun.perSecond / bareRun.perSecond).toFixed(3)}`,
        `    published (planning-and-data.md §4, other machines):`,
        `      a TypeScript FHIR platform: ~500 req/s create + read + search mix, p50 100 ms, p99 392 ms (three 4-vCPU servers)`,
        `      a Java FHIR server: ~2,000 Patient searches/s, p99 < 5 ms`,
        `      bare Node http on a 2-core machine: ~30,000 req/s, p50 1 ms, p99 5 ms`,
        `    (the whole benchmark took ${((performance.now() - began) / 1000).toFixed(0)} s)`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      await app.close();
      await bare.close().catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

if (
  process.env[CLIENT_ENV] !== '1' &&
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(process.argv[1]).href
) {
  runFhirBench().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
