/**
 * Benchmark: seeding the large synthetic trust (600,000 patients, 300,000 pathways) on PGlite (a folder on disk)
 * and on PostgreSQL, each beside its anchor measured in the same run on the same engine: the engine's own
 * server-side bulk insert (INSERT … SELECT FROM generate_series) of as many rows of the same shapes into copies of
 * the patients and pathways tables with the same keys, indexes and foreign keys. That is the ceiling for getting
 * rows of these shapes into that engine with no client involved at all.
 *
 * Prints figures, never fails on a slow machine.
 */
import { Presets, SingleBar } from 'cli-progress';
import { sql } from 'drizzle-orm';
import { type DatabaseHandle, type Engine } from '../packages/server/src/db/client';
import { plannedCounts, seedTrust, type SeedSize, type SeedSummary } from '../packages/server/src/seed';
import { inScratch, scratchFolders, scratchServer } from './support';

const SEED = 1;

export interface PhaseFigure {
  phase: string;
  rows: number;
  seconds: number;
}

export interface EngineFigures {
  engine: Engine;
  location: string;
  demo: SeedSummary;
  large: SeedSummary;
  phases: PhaseFigure[];
  peakRssMb: number;
  anchor: Anchor;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');
const totalRows = (s: SeedSummary) => Object.values(s.counts).reduce((a, b) => a + b, 0);

/** Seeds one size with a progress bar on stderr, timing each phase. */
async function seedWithProgress(
  handle: DatabaseHandle,
  size: SeedSize,
  label: string,
): Promise<{ summary: SeedSummary; phases: PhaseFigure[]; peakRssMb: number }> {
  const planned = plannedCounts(size);
  const total = Object.values(planned).reduce((a, b) => a + b, 0);
  const bar =
    size === 'large'
      ? new SingleBar(
          {
            format: ` ${label} {phase} [{bar}] {percentage}% | {value}/{total} rows | {duration_formatted} elapsed, ETA {eta_formatted}`,
            hideCursor: true,
            etaBuffer: 40,
            fps: 5,
          },
          Presets.shades_classic,
        )
      : undefined;
  bar?.start(total, 0, { phase: 'starting'.padEnd(13) });
  const phases: PhaseFigure[] = [];
  const finished = new Map<string, number>();
  let current: { phase: string; started: number } | undefined;
  let peakRss = process.memoryUsage().rss;
  const summary = await seedTrust(handle, {
    size,
    seed: SEED,
    onProgress: (p) => {
      const now = performance.now();
      if (current?.phase !== p.phase) current = { phase: p.phase, started: now };
      if (p.done === p.total && !finished.has(p.phase)) {
        finished.set(p.phase, p.done);
        phases.push({ phase: p.phase, rows: p.done, seconds: (now - current.started) / 1000 });
      }
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      const before = [...finished.entries()]
        .filter(([phase]) => phase !== p.phase)
        .reduce((s, [, n]) => s + n, 0);
      bar?.update(before + p.done, { phase: p.phase.padEnd(13) });
    },
  });
  bar?.update(total, { phase: 'done'.padEnd(13) });
  bar?.stop();
  return { summary, phases, peakRssMb: peakRss / 1e6 };
}

interface Timed {
  rows: number;
  seconds: number;
}

export interface Anchor {
  patients: Timed;
  pathways: Timed;
}

/**
 * The anchor: server-side bulk inserts (INSERT … SELECT FROM generate_series) of as many patient-shaped and
 * pathway-shaped rows as the large seed writes, into copies of those tables with the same columns, primary keys,
 * unique indexes, indexes and (for pathways) foreign keys, with random uuids and scattered unique keys like ours
 * (g ↦ g·a mod p, p prime, is a permutation: unique keys that arrive out of order).
 */
async function measureAnchor(handle: DatabaseHandle, patients: number, pathways: number): Promise<Anchor> {
  const { db } = handle;
  const timed = async (rows: number, statement: ReturnType<typeof sql>): Promise<Timed> => {
    const started = performance.now();
    await db.execute(statement);
    return { rows, seconds: (performance.now() - started) / 1000 };
  };
  await db.execute(sql`DROP TABLE IF EXISTS bench_anchor_pathways`);
  await db.execute(sql`DROP TABLE IF EXISTS bench_anchor_patients`);
  await db.execute(
    sql`CREATE TABLE bench_anchor_patients (LIKE patients INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`,
  );
  await db.execute(sql`CREATE TABLE bench_anchor_pathways (
    LIKE pathways INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES,
    FOREIGN KEY (org_id, patient_id) REFERENCES patients (org_id, id),
    FOREIGN KEY (org_id, specialty_code) REFERENCES specialties (org_id, code),
    FOREIGN KEY (org_id, clinician_id) REFERENCES clinicians (org_id, id))`);
  const patientRows = await timed(
    patients,
    sql`INSERT INTO bench_anchor_patients (org_id, id, nhs_number, mrn, title, given_name, family_name, date_of_birth,
          sex, address_line1, address_line2, town, postcode, phone, email, gp_practice_code, interpreter_language,
          communication_needs, transport_eligible, created_at)
        SELECT '00000000-0000-4000-8000-000000000001'::uuid, gen_random_uuid(),
          (9990000000 + (g::bigint * 7919) % 1000003)::text, 'PF' || lpad(((g::bigint * 48271) % 100000007)::text, 9, '0'),
          'Mrs', 'Given' || (g % 997), 'Family' || (g % 1009), date '1940-01-01' + (g % 30000),
          CASE WHEN g % 2 = 0 THEN 'female' ELSE 'male' END, (g % 240) || ' Church Road',
          CASE WHEN g % 3 = 0 THEN 'Old Town' END, 'Pathflow', 'PF' || (g % 9 + 1) || ' ' || (g % 10) || 'AB',
          '07700 900' || lpad((g % 1000)::text, 3, '0'),
          CASE WHEN g % 2 = 0 THEN 'given.family' || (g % 100) || '@example.com' END,
          'P8' || lpad((g % 9999)::text, 4, '0'), NULL, '{}'::text[], g % 17 = 0,
          timestamptz '2015-01-01 09:00Z' + (g % 4000) * interval '1 day'
        FROM generate_series(1, ${patients}::int) AS g`,
  );
  // Pathways reference real patients (in storage order, so their ids arrive in random order), specialties and
  // clinicians, as ours do; the lookup tables are read once, outside the timed insert's per-row work.
  const pathwayRows = await timed(
    pathways,
    sql`WITH p AS (SELECT org_id, id, row_number() OVER () AS g FROM patients),
             s AS (SELECT array_agg(code ORDER BY code) AS codes FROM specialties),
             c AS (SELECT array_agg(id ORDER BY id) AS ids FROM clinicians)
        INSERT INTO bench_anchor_pathways (org_id, id, patient_id, ppid, ppid_issuer, specialty_code, clinician_id,
          source, priority, referral_received_date, clock_start_date, status, closed_date, created_at)
        SELECT p.org_id, gen_random_uuid(), p.id, 'ANC' || lpad(((g::bigint * 48271) % 10000000019)::text, 11, '0'), 'ANC',
          s.codes[g % cardinality(s.codes) + 1],
          CASE WHEN g % 10 < 7 THEN c.ids[g % cardinality(c.ids) + 1] END,
          'ers', 'routine', date '2026-01-01' + (g % 300)::int, date '2026-01-01' + (g % 300)::int,
          CASE WHEN g % 6 = 0 THEN 'closed' ELSE 'open' END,
          CASE WHEN g % 6 = 0 THEN date '2026-11-01' END, timestamptz '2026-01-01 09:00Z' + (g % 300) * interval '1 day'
        FROM p, s, c
        WHERE p.g <= ${pathways}::int`,
  );
  await db.execute(sql`DROP TABLE bench_anchor_pathways`);
  await db.execute(sql`DROP TABLE bench_anchor_patients`);
  return { patients: patientRows, pathways: pathwayRows };
}

async function benchOn(handle: DatabaseHandle, fresh: () => Promise<DatabaseHandle>): Promise<EngineFigures> {
  const label = handle.engine.padEnd(8);
  // The demo seed in its own database (the generator refuses to seed an organisation twice).
  const demoHandle = await fresh();
  let demo: SeedSummary;
  try {
    await demoHandle.migrate();
    demo = (await seedWithProgress(demoHandle, 'demo', label)).summary;
  } finally {
    await demoHandle.close();
  }
  await handle.migrate();
  const { summary: large, phases, peakRssMb } = await seedWithProgress(handle, 'large', label);
  process.stderr.write(
    ` ${label} measuring the anchor (the same engine inserting the same rows server-side)...\n`,
  );
  const anchor = await measureAnchor(handle, large.counts.patients, large.counts.pathways);
  return { engine: handle.engine, location: handle.location, demo, large, phases, peakRssMb, anchor };
}

function benchPglite(): Promise<EngineFigures> {
  return inScratch(scratchFolders('pathflow-bench-'), benchOn);
}

async function benchPostgres(): Promise<EngineFigures | string> {
  const server = await scratchServer(2);
  return typeof server === 'string' ? server : inScratch(server, benchOn);
}

function report(f: EngineFigures): string[] {
  const rows = totalRows(f.large);
  const ours = f.large.rowsPerSecond;
  const { patients, pathways } = f.anchor;
  const anchorRate = (patients.rows + pathways.rows) / (patients.seconds + pathways.seconds);
  const lines = [
    `seed large (${f.engine}): ${fmt(rows)} rows in ${f.large.seconds.toFixed(1)} s = ${fmt(ours)} rows/s` +
      ` | anchor generate_series insert ${fmt(anchorRate)} rows/s | ratio ${(ours / anchorRate).toFixed(3)}`,
  ];
  for (const p of f.phases.filter((x) => x.rows >= 10_000)) {
    const rate = p.rows / p.seconds;
    const anchor = p.phase === 'patients' ? patients : p.phase === 'pathways' ? pathways : undefined;
    const anchorText = anchor
      ? ` | anchor ${fmt(anchor.rows / anchor.seconds).padStart(7)} rows/s (${anchor.seconds.toFixed(1)} s) | ratio ${(rate / (anchor.rows / anchor.seconds)).toFixed(3)}`
      : '';
    lines.push(
      `    ${p.phase.padEnd(9)} ${fmt(p.rows).padStart(9)} rows in ${p.seconds.toFixed(1).padStart(5)} s = ${fmt(rate).padStart(7)} rows/s${anchorText}`,
    );
  }
  lines.push(
    `    peak resident memory of the bench process during the seed: ${fmt(f.peakRssMb)} MB` +
      (f.engine === 'pglite' ? ' (PGlite runs the database inside this process)' : ''),
    `seed demo  (${f.engine}): ${fmt(totalRows(f.demo))} rows in ${f.demo.seconds.toFixed(2)} s = ${fmt(f.demo.rowsPerSecond)} rows/s`,
  );
  return lines;
}

export async function runSeedLargeBench(): Promise<void> {
  // PostgreSQL first: PGlite's memory stays with the process after it closes and would inflate the figure.
  const server = await benchPostgres();
  const local = await benchPglite();
  const out = [...report(local)];
  if (typeof server === 'string') out.push(`seed large (postgres): ${server}`);
  else out.push(...report(server));
  process.stdout.write(
    [
      '',
      'Synthetic trust seed (seed 1). Ours: generated in Node, written with batched unnest inserts in one transaction.',
      'Anchor: the same engine inserting as many rows of the same shapes server-side (INSERT ... SELECT FROM',
      'generate_series) into copies of patients and pathways with the same keys, indexes and foreign keys.',
      ...out,
      '',
    ].join('\n') + '\n',
  );
}
