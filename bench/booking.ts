/**
 * Benchmark: booking throughput over HTTP on PostgreSQL. The real server listens on a loopback port; 32
 * concurrent clients (machine-client bearer tokens, keep-alive) each book distinct free slots for distinct
 * pathways through `POST /api/v1/appointments` — the whole transaction: pathway and patient locks, slot-type,
 * overlap and one-appointment checks, the conditional capacity update, the appointment, its audit row and its
 * letter. Afterwards every slot is checked for over-booking.
 *
 * The clients run in a child process (a load generator of their own, as real clients would be), so the server's
 * event loop serves requests only; `PATHFLOW_BENCH_IN_PROCESS=1` runs them on the server's event loop instead,
 * as this benchmark did at first. Besides bookings per second and latency it prints the CPU each booking cost
 * the server process and the PostgreSQL backends serving it, and the SQL round trips per booking: figures that
 * vary less than throughput on a shared machine.
 *
 * Anchor, in the same run on the same server: pgbench with 32 clients running the bare equivalent
 * transaction (update a slot's count, insert an appointment, insert an audit row). Prints both, the ratio,
 * and our p50/p99 latency. Never fails because a machine is slow.
 */
import { execFileSync, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request as httpRequest } from 'node:http';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { nhsNumberFromStem } from '../packages/core/src';
import { queryRows } from '../packages/server/src/db/client';
import { clinicTemplates, locations, pathways, patients, slots } from '../packages/server/src/db/schema';
import { seedFixture } from '../packages/server/test/support/fixtures';
import { inScratch, listenWithToken, percentiles, scratchServer } from './support';

const CLIENTS = 32;
const BOOKINGS = 6000;
const WARM_UP = 200;
const PGBENCH_SECONDS = 10;
const TARGET_PER_SECOND = 1500;
const TARGET_P99_MS = 50;

async function insertChunks<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += 1000) await insert(rows.slice(i, i + 1000));
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
  pathwayId: string;
}

interface ClientRun {
  seconds: number;
  latencies: number[];
  statuses: [number, number][];
  /** CPU milliseconds (user + system) the clients used. */
  cpuMs: number;
}

/**
 * One POST over a keep-alive agent with node:http: a load generator as light as Node allows (fetch costs the
 * clients' process several times the CPU, and on a small machine that CPU is the server's and PostgreSQL's).
 */
function post(agent: Agent, url: URL, token: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** `clients` concurrent keep-alive clients working through `jobs`, each booking one at a time. */
async function runClients(base: string, token: string, jobs: Booking[], clients: number): Promise<ClientRun> {
  let next = 0;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const url = new URL('/api/v1/appointments', base);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < jobs.length; i = next++) {
        const t = performance.now();
        const status = await post(
          agent,
          url,
          token,
          JSON.stringify({ ...jobs[i], outOfTurnReason: 'Benchmark' }),
        );
        latencies.push(performance.now() - t);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  return { seconds, latencies, statuses: [...statuses], cpuMs: (cpu.user + cpu.system) / 1000 };
}

interface ClientOrder {
  base: string;
  token: string;
  jobs: Booking[];
  clients: number;
}

const CLIENT_ENV = 'PATHFLOW_BENCH_BOOKING_CLIENT';

// The load generator's side: this module, forked, runs one order from the parent and answers with its figures.
if (process.env[CLIENT_ENV] === '1' && process.send) {
  process.once('message', (order: ClientOrder) => {
    void runClients(order.base, order.token, order.jobs, order.clients).then((run) => {
      process.send!(run, () => process.exit(0));
    });
  });
}

/** Runs the clients in a child process (or in this one when asked), waiting for their figures. */
async function runLoad(order: ClientOrder, inProcess: boolean): Promise<ClientRun> {
  if (inProcess) return runClients(order.base, order.token, order.jobs, order.clients);
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

/**
 * Counts the queries this process sends to PostgreSQL (each one a round trip, BEGIN and COMMIT included) until
 * `stop`: the server's, when the clients run in their own process.
 */
function countQueries(): { stop: () => number } {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  let n = 0;
  proto.query = function (this: unknown, ...args: unknown[]) {
    n++;
    return original.apply(this, args);
  };
  return {
    stop: () => {
      proto.query = original;
      return n;
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

/** pgbench's transactions per second for the bare booking transaction, or a reason it could not run. */
function pgbenchAnchor(url: URL): number | string {
  const dir = mkdtempSync(join(tmpdir(), 'pathflow-pgbench-'));
  try {
    const script = join(dir, 'book.sql');
    writeFileSync(
      script,
      [
        '\\set i random(1, 100000)',
        'BEGIN;',
        'UPDATE bench_slots SET booked = booked + 1 WHERE id = :i AND booked < capacity;',
        "INSERT INTO bench_appointments (slot_id, pathway_id, status, at) VALUES (:i, :i, 'booked', now());",
        "INSERT INTO bench_audit (action, resource_id, at) VALUES ('Appointment.create', :i, now());",
        'END;',
        '',
      ].join('\n'),
    );
    const out = execFileSync(
      'pgbench',
      [
        '-n',
        '-c',
        String(CLIENTS),
        '-j',
        '2',
        '-T',
        String(PGBENCH_SECONDS),
        '-f',
        script,
        '-h',
        url.hostname,
        '-p',
        url.port || '5432',
        '-U',
        decodeURIComponent(url.username || 'postgres'),
        url.pathname.slice(1),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(out);
    return tps ? Number(tps[1]) : `pgbench printed no tps: ${out.slice(-200)}`;
  } catch (e) {
    return `pgbench did not run (${(e as Error).message.split('\n')[0]})`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runBookingBench(): Promise<void> {
  const server = await scratchServer(16);
  if (typeof server === 'string') {
    process.stdout.write(`booking: ${server}\n`);
    return;
  }
  // A database of its own, seeded with free slots and open pathways; then the bookings over HTTP.
  await inScratch(server, async (handle) => {
    await handle.migrate();
    const db = handle.db;
    const fixture = await seedFixture(db);
    const orgId = fixture.orgId;
    const locationId = randomUUID();
    await db.insert(locations).values({
      orgId,
      id: locationId,
      siteCode: 'XT101',
      name: 'Outpatients',
      site: 'Bench General',
      addressLine: '1 Road',
      postcode: 'LS1 3EX',
    });
    const templateId = randomUUID();
    await db.insert(clinicTemplates).values({
      orgId,
      id: templateId,
      name: 'Bench clinic',
      serviceName: 'Bench',
      locationId,
      specialtyCode: '120',
      createdBy: 'bench',
    });
    const total = BOOKINGS + WARM_UP;
    const numbers = nhsNumbers(total);
    const slotRows = Array.from({ length: total }, (_, i) => {
      const startsAt = new Date(Date.UTC(2027, 0, 4, 9) + i * 20 * 60_000);
      return {
        orgId,
        id: randomUUID(),
        templateId,
        key: `${templateId}/v1/bench/0/${i}`,
        sessionDate: startsAt.toISOString().slice(0, 10),
        sessionIndex: 0,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 20 * 60_000),
        slotType: 'new',
        capacity: 1,
        status: 'open',
        specialtyCode: '120',
        locationId,
      };
    });
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
      ppidIssuer: fixture.odsCode,
      specialtyCode: '120',
      source: 'gp-paper',
      priority: 'routine',
      referralReceivedDate: '2026-10-01',
      clockStartDate: '2026-10-01',
      status: 'open',
      rttRunning: true,
      rttPeriodStart: '2026-10-01',
    }));
    await insertChunks(slotRows, (c) => db.insert(slots).values(c));
    await insertChunks(patientRows, (c) => db.insert(patients).values(c));
    await insertChunks(pathwayRows, (c) => db.insert(pathways).values(c));
    await db.execute(sql`vacuum analyze`);

    const now = () => new Date('2026-11-23T09:00:00Z');
    const { app, base, token } = await listenWithToken(handle, orgId, now);
    try {
      const inProcess = process.env.PATHFLOW_BENCH_IN_PROCESS === '1';
      const jobs = slotRows.map((slot, i) => ({ slotId: slot.id, pathwayId: pathwayRows[i]!.id }));
      await runLoad({ base, token, jobs: jobs.slice(0, WARM_UP), clients: CLIENTS }, inProcess);
      // The PostgreSQL backends serving the pool, when the server runs on this machine: their CPU is read too.
      const backends = (
        await queryRows<{ pid: number }>(
          db,
          sql`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
            and backend_type = 'client backend'`,
        )
      ).map((r) => r.pid);
      const queries = countQueries();
      const cpuBefore = process.cpuUsage();
      const pgBefore = cpuMsOf(backends);
      const run = await runLoad({ base, token, jobs: jobs.slice(WARM_UP), clients: CLIENTS }, inProcess);
      const cpu = process.cpuUsage(cpuBefore);
      const roundTrips = queries.stop() / BOOKINGS;
      const pgAfter = cpuMsOf(backends);
      const serverMs = (cpu.user + cpu.system) / 1000 / BOOKINGS;
      const pgMs = pgBefore === null || pgAfter === null ? null : (pgAfter - pgBefore) / BOOKINGS;
      const latency = percentiles(run.latencies);
      const perSecond = BOOKINGS / run.seconds;
      const [check] = await queryRows<{ over: number; mismatched: number; booked: number }>(
        db,
        sql`select count(*) filter (where booked > capacity)::int as over,
                   count(*) filter (where booked <> (select count(*) from appointments a
                     where a.org_id = s.org_id and a.slot_id = s.id and a.status = 'booked'))::int as mismatched,
                   sum(booked)::int as booked
              from slots s where s.org_id = ${orgId}`,
      );
      await db.execute(
        sql`create table bench_slots (id int primary key, booked int not null, capacity int not null)`,
      );
      await db.execute(
        sql`create table bench_appointments (id bigint generated always as identity primary key, slot_id int not null, pathway_id int not null, status text not null, at timestamptz not null)`,
      );
      await db.execute(
        sql`create table bench_audit (id bigint generated always as identity primary key, action text not null, resource_id int, at timestamptz not null)`,
      );
      await db.execute(
        sql`insert into bench_slots select g, 0, 1000000000 from generate_series(1, 100000) g`,
      );
      const anchor = pgbenchAnchor(handle.url);
      const codes = run.statuses.map(([s, n]) => `${n}×${s}`).join(', ');
      const lines = [
        `booking (postgres): ${BOOKINGS} bookings of distinct slots by ${CLIENTS} concurrent HTTP clients ${inProcess ? 'on the server’s event loop' : 'in a load-generator process'} (${codes})`,
        `    POST /api/v1/appointments: ${perSecond.toFixed(0)} bookings/s, p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms` +
          ` | target ≥ ${TARGET_PER_SECOND}/s with p99 ≤ ${TARGET_P99_MS} ms: ${perSecond >= TARGET_PER_SECOND && latency.p99 <= TARGET_P99_MS ? 'met' : 'MISSED'}`,
        typeof anchor === 'number'
          ? `      anchor, pgbench ${CLIENTS} clients × ${PGBENCH_SECONDS} s of the bare transaction (update slot, insert appointment, insert audit): ${anchor.toFixed(0)} tps | ours / anchor ${(perSecond / anchor).toFixed(2)}`
          : `      anchor: ${anchor}`,
        `    per booking: ${roundTrips.toFixed(1)} SQL round trips; CPU: server process ${serverMs.toFixed(2)} ms (${(cpu.system / 1000 / BOOKINGS).toFixed(2)} in the kernel)${inProcess ? ' with the clients' : ''}, PostgreSQL backends ${pgMs === null ? 'not readable here' : `${pgMs.toFixed(2)} ms`}${inProcess ? '' : `, load generator ${(run.cpuMs / BOOKINGS).toFixed(2)} ms`}`,
        `    afterwards: ${check?.over ?? '?'} slots over capacity, ${check?.mismatched ?? '?'} slots whose count differs from their appointments, ${check?.booked ?? '?'} places booked`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      await app.close();
    }
  });
}
