/**
 * The seeded, deterministic synthetic trust: one organisation with demo staff accounts, specialties,
 * consultants, clinic locations, patients, referral-to-treatment pathways and clinics with their slots over
 * the rolling horizon, at demo size (loads in seconds) or at the size of a large acute trust (600,000
 * patients, 250,000 open pathways, about a million slots).
 *
 * The same seed and `today` always give the same data, uuids included (only the argon2 password hash differs,
 * as its salt is random). Generation never reads the clock or a random source: every date derives from `today`.
 * Rows are generated and written in streaming batches inside one transaction, so a failed seed leaves nothing.
 */
import { eq, sql } from 'drizzle-orm';
import type { Role } from '@pathflow/core';
import { queryRows, type Database, type DatabaseHandle } from '../db/client';
import { clinicTemplateVersions, organisations } from '../db/schema';
import { hashPassword } from '../auth/secrets';
import { BulkInserter, type BulkColumn, type CellValue } from './bulk-insert';
import {
  CLINIC_TEMPLATE_COLUMNS,
  ClinicFactory,
  SLOT_COLUMNS,
  WaitingList,
  clinicShapes,
  plannedClinicCounts,
} from './clinics';
import { epochDay, isoInstant } from './dates';
import { PATHWAY_COLUMNS, PathwayFactory } from './pathways';
import { PATIENT_COLUMNS, PatientFactory } from './patients';
import { Random } from './random';
import { SPECIALTIES } from './specialties';
import { STREAM } from './streams';
import {
  CLINICIAN_COLUMNS,
  LOCATION_COLUMNS,
  STAFF_COLUMNS,
  demoAccounts,
  generateClinicians,
  generateLocations,
  generateStaff,
} from './workforce';

export const DEMO_PASSWORD = 'Pathflow-demo-1';
export const DEMO_ORG_ODS = 'XPF';
export const DEMO_ORG_NAME = 'Pathflow Demo Hospitals NHS Trust';
/** The day the synthetic data is "as of" when the caller does not say. */
export const DEFAULT_SEED_TODAY = '2026-11-23';

export type SeedSize = 'demo' | 'large';

export interface SeedPlan {
  patients: number;
  openPathways: number;
  closedPathways: number;
  clinicians: number;
  /** Hospital sites (each with several outpatient departments). */
  sites: number;
  gpPractices: number;
  /**
   * Team clinics (registrars and specialist nurses, every weekday morning and afternoon) beside each
   * clinician's own one or two sessions a week: what brings the large trust to the outpatient capacity its list
   * needs.
   */
  teamClinics: number;
}

export const SEED_PLANS: Readonly<Record<SeedSize, Readonly<SeedPlan>>> = {
  demo: {
    patients: 2_000,
    openPathways: 1_500,
    closedPathways: 300,
    clinicians: 60,
    sites: 3,
    gpPractices: 30,
    teamClinics: 0,
  },
  large: {
    patients: 600_000,
    openPathways: 250_000,
    closedPathways: 50_000,
    clinicians: 450,
    sites: 5,
    gpPractices: 120,
    teamClinics: 320,
  },
};

export type SeedTable =
  | 'organisations'
  | 'staff_users'
  | 'specialties'
  | 'clinicians'
  | 'locations'
  | 'patients'
  | 'pathways'
  | 'rtt_events'
  | 'clinic_templates'
  | 'clinic_template_versions'
  | 'slots';

export interface SeedProgress {
  phase: string;
  done: number;
  total: number;
}

export interface SeedOptions {
  size: SeedSize;
  seed: number;
  onProgress?: ((p: SeedProgress) => void) | undefined;
  /** The day the data is "as of" (YYYY-MM-DD): waits and ages are counted to it. Default DEFAULT_SEED_TODAY. */
  today?: string | undefined;
}

export interface SeedSummary {
  orgId: string;
  odsCode: string;
  counts: Record<SeedTable, number>;
  demoAccounts: { username: string; role: Role; password: string }[];
  rowsPerSecond: number;
  seconds: number;
}

/** Rows per statement for the large tables: big enough to amortise the round trip, small enough to stream. */
const BATCH_ROWS = 5_000;
const VERSION_CHUNK = 200;
/** For the seed-independent parts of `plannedCounts`, which need an organisation id but not the real one. */
const PLACEHOLDER_ORG = '00000000-0000-4000-8000-000000000000';

/** How many rows each table will get at a size (for progress bars that show the whole seed). */
export function plannedCounts(size: SeedSize): Record<SeedTable, number> {
  const plan = SEED_PLANS[size];
  // How many clinicians each specialty has does not depend on the seed, nor do the clinics' shapes.
  const perSpecialty = generateClinicians(0, PLACEHOLDER_ORG, plan.clinicians).bySpecialty;
  const clinics = plannedClinicCounts(
    clinicShapes(new Map([...perSpecialty].map(([code, ids]) => [code, ids.length])), plan.teamClinics),
  );
  return {
    organisations: 1,
    staff_users: demoAccounts().length,
    specialties: SPECIALTIES.length,
    clinicians: plan.clinicians,
    locations: generateLocations(0, PLACEHOLDER_ORG, DEMO_ORG_ODS, plan.sites).length,
    patients: plan.patients,
    pathways: plan.openPathways + plan.closedPathways,
    rtt_events: plan.closedPathways,
    ...clinics,
  };
}

/** True when no organisation exists yet (a fresh database, ready to seed). */
export async function isDatabaseEmpty(db: Database): Promise<boolean> {
  const rows = await db.select({ orgId: organisations.orgId }).from(organisations).limit(1);
  return rows.length === 0;
}

/** An advisory lock key, so that two seeds started together on one server cannot both pass the ODS check. */
const SEED_LOCK = 727_273;

/**
 * Each closed pathway's clock stopped with first definitive treatment (code 30) on its closed date: one
 * server-side insert, with ids derived from the pathway's so the same seed gives the same rows.
 */
async function addTreatmentStops(db: Database, orgId: string): Promise<number> {
  const inserted = await queryRows<{ n: number }>(
    db,
    sql`with added as (
          insert into rtt_events (org_id, id, pathway_id, event_date, seq, code, origin, recorded_by, recorded_at)
          select org_id, md5(id::text || ':treated')::uuid, id, closed_date, 1, '30', 'seed', 'seed',
                 closed_date::timestamp at time zone 'Europe/London' + interval '12 hours'
            from pathways
           where org_id = ${orgId} and status = 'closed'
          returning 1)
        select count(*)::int as n from added`,
  );
  return inserted[0]?.n ?? 0;
}

export async function seedTrust(handle: DatabaseHandle, options: SeedOptions): Promise<SeedSummary> {
  const plan = SEED_PLANS[options.size];
  if (!plan) throw new Error(`Unknown seed size "${String(options.size)}": use demo or large`);
  const seed = options.seed;
  if (!Number.isSafeInteger(seed)) throw new Error(`The seed must be a whole number, got ${seed}`);
  const today = options.today ?? DEFAULT_SEED_TODAY;
  const todayDay = epochDay(today);
  const report = options.onProgress ?? (() => undefined);
  const odsCode = DEMO_ORG_ODS;
  const orgId = new Random(seed, STREAM.organisation).uuid();
  const asOf = isoInstant(todayDay, 7 * 60);

  const alreadySeeded = () =>
    new Error(
      `An organisation with ODS code ${odsCode} already exists: the synthetic trust has been seeded in this database already`,
    );
  const hasOrganisation = async (db: Database) =>
    (
      await db
        .select({ orgId: organisations.orgId })
        .from(organisations)
        .where(eq(organisations.odsCode, odsCode))
        .limit(1)
    ).length > 0;
  // Fail fast here; the check is repeated under a lock inside the transaction, where it counts.
  if (await hasOrganisation(handle.db)) throw alreadySeeded();

  // argon2 is deliberately slow: hash once, outside the transaction, and share the hash among the demo accounts.
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  // Timing is for the summary only; nothing generated depends on it.
  const started = performance.now();
  const counts = await handle.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${SEED_LOCK})`);
    if (await hasOrganisation(tx)) throw alreadySeeded();

    const counts = {} as Record<SeedTable, number>;
    const writeAll = async (
      table: SeedTable,
      columns: readonly BulkColumn[],
      rows: readonly CellValue[][],
    ) => {
      const inserter = new BulkInserter(table, columns);
      for (const row of rows) inserter.add(row);
      await inserter.flush(tx);
      counts[table] = rows.length;
      report({ phase: table, done: rows.length, total: rows.length });
    };

    await writeAll(
      'organisations',
      [
        { name: 'org_id', kind: 'uuid' },
        { name: 'ods_code', kind: 'text' },
        { name: 'name', kind: 'text' },
        { name: 'created_at', kind: 'timestamptz' },
      ],
      [[orgId, odsCode, DEMO_ORG_NAME, asOf]],
    );
    await writeAll('staff_users', STAFF_COLUMNS, generateStaff(seed, orgId, passwordHash, asOf));
    await writeAll(
      'specialties',
      [
        { name: 'org_id', kind: 'uuid' },
        { name: 'code', kind: 'text' },
        { name: 'name', kind: 'text' },
        { name: 'directorate', kind: 'text' },
      ],
      SPECIALTIES.map((s) => [orgId, s.code, s.name, s.directorate]),
    );
    const clinicians = generateClinicians(seed, orgId, plan.clinicians);
    await writeAll('clinicians', CLINICIAN_COLUMNS, clinicians.rows);
    const locations = generateLocations(seed, orgId, odsCode, plan.sites);
    await writeAll('locations', LOCATION_COLUMNS, locations);

    const patients = new PatientFactory(seed, orgId, todayDay, plan.gpPractices);
    counts.patients = await stream(
      tx,
      'patients',
      PATIENT_COLUMNS,
      plan.patients,
      indexed(plan.patients, (i) => patients.row(i)),
      report,
    );

    const pathways = new PathwayFactory(
      seed,
      orgId,
      odsCode,
      todayDay,
      { open: plan.openPathways, closed: plan.closedPathways, patients: plan.patients },
      patients,
      clinicians.bySpecialty,
    );
    counts.pathways = await stream(
      tx,
      'pathways',
      PATHWAY_COLUMNS,
      pathways.total,
      indexed(pathways.total, (j) => pathways.row(j)),
      report,
    );
    counts.rtt_events = await addTreatmentStops(tx, orgId);

    // Clinics last: which first-appointment slots each offers follows who is waiting for it.
    const clinics = new ClinicFactory({
      seed,
      orgId,
      today,
      asOf,
      clinicianRows: clinicians.rows,
      locationRows: locations,
      teamClinics: plan.teamClinics,
      waiting: await WaitingList.load(tx, orgId),
    });
    await writeAll('clinic_templates', CLINIC_TEMPLATE_COLUMNS, clinics.templateRows());
    // Versions hold JSON, which the bulk inserter does not write: a few hundred rows, in a few statements.
    const versions = clinics.versionRows();
    for (let i = 0; i < versions.length; i += VERSION_CHUNK) {
      await tx.insert(clinicTemplateVersions).values(versions.slice(i, i + VERSION_CHUNK));
    }
    counts.clinic_template_versions = versions.length;
    report({ phase: 'clinic_template_versions', done: versions.length, total: versions.length });
    counts.slots = await stream(tx, 'slots', SLOT_COLUMNS, clinics.plannedSlots, clinics.slotRows(), report);
    return counts;
  });
  const seconds = (performance.now() - started) / 1000;
  // After a bulk load: fresh statistics for the planner and a visibility map for index-only scans (PTL counts).
  await handle.db.execute(sql`vacuum analyze`);
  const rows = Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    orgId,
    odsCode,
    counts,
    demoAccounts: demoAccounts().map((a) => ({
      username: a.username,
      role: a.role,
      password: DEMO_PASSWORD,
    })),
    rowsPerSecond: seconds > 0 ? rows / seconds : 0,
    seconds,
  };
}

function* indexed(total: number, row: (index: number) => CellValue[]): Generator<CellValue[]> {
  for (let i = 0; i < total; i++) yield row(i);
}

/**
 * Writes rows (`total` of them expected, for progress) one batch at a time. Each batch is sent as soon as it is complete and the next one is
 * generated while the server stores it (on PostgreSQL the two overlap; PGlite runs in this thread, so there they
 * simply alternate). At most one batch is in flight, so memory stays flat whatever the size.
 */
async function stream(
  db: Database,
  table: SeedTable,
  columns: readonly BulkColumn[],
  total: number,
  rows: Iterable<CellValue[]>,
  report: (p: SeedProgress) => void,
): Promise<number> {
  const inserter = new BulkInserter(table, columns);
  let inFlight: Promise<number> | undefined;
  let done = 0;
  const send = async () => {
    if (inFlight) done += await inFlight;
    if (done > 0) report({ phase: table, done, total });
    inFlight = inserter.flush(db);
    // Handled when awaited above; this stops a failure being reported as unhandled in the meantime.
    inFlight.catch(() => undefined);
  };
  report({ phase: table, done: 0, total });
  for (const row of rows) {
    inserter.add(row);
    if (inserter.pending >= BATCH_ROWS) await send();
  }
  await send();
  if (inFlight) done += await inFlight;
  report({ phase: table, done, total });
  return done;
}
