/**
 * The synthetic trust on every engine: deterministic for a seed, different for another, realistic in shape
 * (valid test-range NHS numbers, communication needs at national shares, the national wait distribution) and
 * never seeded twice. Demo size only, so each seed loads in a second or two.
 */
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, isTestRangeNhsNumber, validateNhsNumber } from '@pathflow/core';
import { queryRows, type Database } from '../../src/db/client';
import { verifyPassword } from '../../src/auth/secrets';
import {
  DEFAULT_SEED_TODAY,
  DEMO_ORG_ODS,
  DEMO_PASSWORD,
  SEED_PLANS,
  isDatabaseEmpty,
  plannedCounts,
  seedTrust,
  type SeedProgress,
  type SeedSummary,
  type SeedTable,
} from '../../src/seed';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/db';

const rows = queryRows;

async function one<T>(db: Database, query: SQL): Promise<T> {
  const [row] = await rows<T>(db, query);
  if (row === undefined) throw new Error('Expected a row');
  return row;
}

const TABLES: readonly SeedTable[] = [
  'organisations',
  'staff_users',
  'specialties',
  'clinicians',
  'locations',
  'patients',
  'pathways',
  'clinic_templates',
  'clinic_template_versions',
  'slots',
];

/** An md5 over every row of each table, in a fixed order (password hashes left out: their salt is random). */
async function fingerprint(db: Database): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    const row =
      table === 'staff_users'
        ? sql`(t.org_id, t.id, t.username, t.display_name, t.email, t.role, t.active, t.created_at)::text`
        : // last_updated is when the row was written (the database's clock, for the FHIR API's meta): not seeded.
          sql`(to_jsonb(t) - 'last_updated')::text`;
    const { h } = await one<{ h: string }>(
      db,
      sql`select md5(coalesce(string_agg(r, E'\n' order by r), '')) as h from (select ${row} as r from ${sql.identifier(table)} t) s`,
    );
    out[table] = h;
  }
  return out;
}

const share = (part: number, whole: number) => part / whole;

describe.each(ENGINES)('synthetic trust on %s', (engine) => {
  let a: TestDatabase;
  let b: TestDatabase;
  let c: TestDatabase;
  let summary: SeedSummary;
  let wasEmpty: boolean;
  const progress: SeedProgress[] = [];

  beforeAll(async () => {
    [a, b, c] = await Promise.all([
      createTestDatabase(engine),
      createTestDatabase(engine),
      createTestDatabase(engine),
    ]);
    wasEmpty = await isDatabaseEmpty(a.db);
    summary = await seedTrust(a, { size: 'demo', seed: 1234, onProgress: (p) => progress.push(p) });
    await seedTrust(b, { size: 'demo', seed: 1234 });
    await seedTrust(c, { size: 'demo', seed: 99, today: '2025-06-30' });
  });
  afterAll(async () => {
    await Promise.all([a?.dispose(), b?.dispose(), c?.dispose()]);
  });

  it('gives identical data, uuids included, for the same seed', async () => {
    const [fa, fb] = await Promise.all([fingerprint(a.db), fingerprint(b.db)]);
    expect(fb).toEqual(fa);
    const ids = await rows<{ id: string }>(a.db, sql`select id from patients order by id limit 5`);
    const again = await rows<{ id: string }>(b.db, sql`select id from patients order by id limit 5`);
    expect(again).toEqual(ids);
  });

  it('gives different data for a different seed', async () => {
    const [fa, fc] = await Promise.all([fingerprint(a.db), fingerprint(c.db)]);
    for (const table of [
      'organisations',
      'staff_users',
      'clinicians',
      'patients',
      'pathways',
      'clinic_templates',
      'slots',
    ]) {
      expect(fc[table], table).not.toBe(fa[table]);
    }
    const shared = await one<{ n: number }>(
      c.db,
      sql`select count(*)::int as n from patients where id in (${sql.join(
        (await rows<{ id: string }>(a.db, sql`select id from patients limit 200`)).map(
          (r) => sql`${r.id}::uuid`,
        ),
        sql`, `,
      )})`,
    );
    expect(shared.n).toBe(0);
  });

  it('reports what it wrote, with progress per phase', async () => {
    const plan = SEED_PLANS.demo;
    expect(summary.odsCode).toBe(DEMO_ORG_ODS);
    expect(summary.counts).toEqual(plannedCounts('demo'));
    for (const table of TABLES) {
      const { n } = await one<{ n: number }>(
        a.db,
        sql`select count(*)::int as n from ${sql.identifier(table)}`,
      );
      expect(n, table).toBe(summary.counts[table]);
    }
    expect(summary.counts.patients).toBe(plan.patients);
    expect(summary.counts.pathways).toBe(plan.openPathways + plan.closedPathways);
    expect(summary.counts.specialties).toBeGreaterThanOrEqual(20);
    expect(summary.counts.clinicians).toBe(plan.clinicians);
    expect(summary.counts.locations).toBeGreaterThanOrEqual(10);
    expect(summary.seconds).toBeGreaterThan(0);
    expect(summary.rowsPerSecond).toBeGreaterThan(0);
    const last = (phase: string) => progress.filter((p) => p.phase === phase).at(-1);
    expect(last('patients')).toEqual({ phase: 'patients', done: plan.patients, total: plan.patients });
    expect(last('pathways')).toMatchObject({ phase: 'pathways', done: summary.counts.pathways });
  });

  it('creates one organisation and one demo account per role, with the demo password', async () => {
    expect(wasEmpty).toBe(true);
    expect(await isDatabaseEmpty(a.db)).toBe(false);
    const orgs = await rows<{ org_id: string; ods_code: string; name: string }>(
      a.db,
      sql`select * from organisations`,
    );
    expect(orgs).toEqual([
      expect.objectContaining({
        org_id: summary.orgId,
        ods_code: 'XPF',
        name: 'Pathflow Demo Hospitals NHS Trust',
      }),
    ]);
    const staff = await rows<{ username: string; role: string; display_name: string; password_hash: string }>(
      a.db,
      sql`select username, role, display_name, password_hash from staff_users order by username`,
    );
    expect(staff.map((s) => s.role).sort()).toEqual([...ROLES].sort());
    for (const s of staff) {
      expect(s.username).toBe(s.role);
      expect(s.display_name).toMatch(/^Demo [A-Z]/);
    }
    expect(staff.find((s) => s.role === 'booking-clerk')?.display_name).toBe('Demo Booking Clerk');
    expect(await verifyPassword(staff[0]!.password_hash, DEMO_PASSWORD)).toBe(true);
    expect(summary.demoAccounts).toHaveLength(ROLES.length);
    expect(summary.demoAccounts.every((d) => d.password === DEMO_PASSWORD)).toBe(true);
  });

  it('refuses to seed a database that already has the demo organisation', async () => {
    await expect(seedTrust(a, { size: 'demo', seed: 5 })).rejects.toThrow(/ODS code XPF already exists/);
    const { n } = await one<{ n: number }>(a.db, sql`select count(*)::int as n from patients`);
    expect(n).toBe(SEED_PLANS.demo.patients);
  });

  it('gives every patient a unique, valid NHS number from the test range and a unique hospital number', async () => {
    const patients = await rows<{ nhs_number: string; mrn: string }>(
      a.db,
      sql`select nhs_number, mrn from patients`,
    );
    for (const p of patients) {
      expect(validateNhsNumber(p.nhs_number), p.nhs_number).toEqual({ valid: true, value: p.nhs_number });
      expect(isTestRangeNhsNumber(p.nhs_number), p.nhs_number).toBe(true);
      expect(p.mrn).toMatch(/^PF\d{8}$/);
    }
    expect(new Set(patients.map((p) => p.nhs_number)).size).toBe(patients.length);
    expect(new Set(patients.map((p) => p.mrn)).size).toBe(patients.length);
  });

  it('uses only reserved contact details: drama phone numbers, example domains, synthetic postcodes', async () => {
    const patients = await rows<{
      phone: string | null;
      email: string | null;
      postcode: string;
      gp_practice_code: string | null;
      sex: string;
      date_of_birth: string;
    }>(a.db, sql`select phone, email, postcode, gp_practice_code, sex, date_of_birth::text from patients`);
    for (const p of patients) {
      if (p.phone !== null) expect(p.phone).toMatch(/^(07700 900\d{3}|0113 496 0\d{3})$/);
      if (p.email !== null) expect(p.email).toMatch(/^[a-z]+\.[a-z]+\d*@example\.(com|org|net)$/);
      expect(p.postcode).toMatch(/^(PF|RV|NX|EW|KM|MB|OH|FD|SX)\d [0-9][ABDEFGHJLNPQRSTUWXYZ]{2}$/);
      if (p.gp_practice_code !== null) expect(p.gp_practice_code).toMatch(/^[A-Z]\d{5}$/);
      expect(['female', 'male', 'other', 'unknown']).toContain(p.sex);
      expect(p.date_of_birth < DEFAULT_SEED_TODAY).toBe(true);
    }
    const n = patients.length;
    expect(share(patients.filter((p) => p.phone !== null).length, n)).toBeGreaterThan(0.8);
    expect(share(patients.filter((p) => p.email !== null).length, n)).toBeGreaterThan(0.3);
    // Skewed older, as elective lists are.
    const ages = patients.map(
      (p) => Number(DEFAULT_SEED_TODAY.slice(0, 4)) - Number(p.date_of_birth.slice(0, 4)),
    );
    const over60 = share(ages.filter((x) => x >= 60).length, n);
    expect(over60).toBeGreaterThan(0.3);
    expect(over60).toBeLessThan(0.5);
    expect(ages.some((x) => x < 16)).toBe(true);
  });

  it('records communication needs at realistic shares', async () => {
    const s = await one<{
      n: number;
      interpreter: number;
      large_print: number;
      easy_read: number;
      bsl: number;
      braille: number;
      transport: number;
      languages: number;
    }>(
      a.db,
      sql`select count(*)::int as n,
                 count(interpreter_language)::int as interpreter,
                 count(*) filter (where 'large-print' = any(communication_needs))::int as large_print,
                 count(*) filter (where 'easy-read' = any(communication_needs))::int as easy_read,
                 count(*) filter (where 'bsl' = any(communication_needs))::int as bsl,
                 count(*) filter (where 'braille' = any(communication_needs))::int as braille,
                 count(*) filter (where transport_eligible)::int as transport,
                 count(distinct interpreter_language)::int as languages
            from patients`,
    );
    expect(share(s.interpreter, s.n)).toBeGreaterThan(0.025);
    expect(share(s.interpreter, s.n)).toBeLessThan(0.055);
    expect(s.languages).toBeGreaterThanOrEqual(6);
    expect(share(s.large_print, s.n)).toBeGreaterThan(0.01);
    expect(share(s.large_print, s.n)).toBeLessThan(0.03);
    expect(share(s.easy_read, s.n)).toBeGreaterThan(0.003);
    expect(share(s.easy_read, s.n)).toBeLessThan(0.02);
    expect(share(s.bsl, s.n)).toBeLessThan(0.01);
    expect(share(s.braille, s.n)).toBeLessThan(0.005);
    expect(share(s.transport, s.n)).toBeGreaterThan(0.04);
    expect(share(s.transport, s.n)).toBeLessThan(0.08);
    const needs = await rows<{ need: string }>(
      a.db,
      sql`select distinct unnest(communication_needs) as need from patients`,
    );
    for (const { need } of needs) expect(['large-print', 'easy-read', 'bsl', 'braille']).toContain(need);
  });

  it('has open waits shaped like the national list (58 % within 18 weeks, median about 14.6 weeks)', async () => {
    const s = await one<{ n: number; within18: number; median: number; over52: number; max: number }>(
      a.db,
      sql`select count(*)::int as n,
                 count(*) filter (where w < 126)::int as within18,
                 (percentile_cont(0.5) within group (order by w) / 7)::float8 as median,
                 count(*) filter (where w >= 364)::int as over52,
                 (max(w) / 7.0)::float8 as max
            from (select (${DEFAULT_SEED_TODAY}::date - clock_start_date) as w from pathways where status = 'open') t`,
    );
    expect(s.n).toBe(SEED_PLANS.demo.openPathways);
    expect(share(s.within18, s.n)).toBeGreaterThan(0.5);
    expect(share(s.within18, s.n)).toBeLessThan(0.66);
    expect(s.median).toBeGreaterThan(11);
    expect(s.median).toBeLessThan(18);
    expect(s.over52).toBeGreaterThan(0);
    expect(share(s.over52, s.n)).toBeLessThan(0.08);
    expect(s.max).toBeLessThanOrEqual(78);
    const twoWeek = await one<{ max: number | null }>(
      a.db,
      sql`select max(${DEFAULT_SEED_TODAY}::date - clock_start_date)::int as max from pathways where status = 'open' and priority = 'two-week-wait'`,
    );
    expect(twoWeek.max).toBeLessThanOrEqual(42);
  });

  it('builds consistent pathways', async () => {
    const mix = await rows<{ priority: string; n: number }>(
      a.db,
      sql`select priority, count(*)::int as n from pathways group by priority`,
    );
    const total = mix.reduce((s, r) => s + r.n, 0);
    const byPriority = Object.fromEntries(mix.map((r) => [r.priority, share(r.n, total)]));
    expect(byPriority.routine).toBeGreaterThan(0.74);
    expect(byPriority.urgent).toBeGreaterThan(0.1);
    expect(byPriority['two-week-wait']).toBeGreaterThan(0.02);
    const sources = await rows<{ source: string }>(a.db, sql`select distinct source from pathways`);
    for (const { source } of sources) {
      expect([
        'gp-referral',
        'ers',
        'consultant-to-consultant',
        'self-referral',
        'inter-provider-transfer',
      ]).toContain(source);
    }
    const bad = await one<Record<string, number>>(
      a.db,
      sql`select
            count(*) filter (where length(ppid) > 20 or ppid_issuer <> 'XPF')::int as ppid,
            count(*) filter (where clock_start_date > ${DEFAULT_SEED_TODAY}::date)::int as future_start,
            count(*) filter (where referral_received_date < clock_start_date or referral_received_date > ${DEFAULT_SEED_TODAY}::date)::int as referral,
            count(*) filter (where source <> 'inter-provider-transfer' and referral_received_date <> clock_start_date)::int as referral_not_start,
            count(*) filter (where status = 'open' and closed_date is not null)::int as open_closed,
            count(*) filter (where status = 'closed' and (closed_date is null or closed_date < clock_start_date or closed_date > ${DEFAULT_SEED_TODAY}::date))::int as closed_dates,
            count(*) filter (where status not in ('open', 'closed'))::int as status
          from pathways`,
    );
    expect(bad).toEqual({
      ppid: 0,
      future_start: 0,
      referral: 0,
      referral_not_start: 0,
      open_closed: 0,
      closed_dates: 0,
      status: 0,
    });
    const mismatched = await one<{
      clinician: number;
      children: number;
      gynae_men: number;
      born_later: number;
    }>(
      a.db,
      sql`select
            count(*) filter (where c.id is not null and c.specialty_code <> w.specialty_code)::int as clinician,
            count(*) filter (where w.specialty_code = '420' and p.date_of_birth <= ${DEFAULT_SEED_TODAY}::date - interval '16 years')::int as children,
            count(*) filter (where w.specialty_code = '502' and p.sex = 'male')::int as gynae_men,
            count(*) filter (where w.clock_start_date < p.date_of_birth)::int as born_later
          from pathways w
          join patients p on p.org_id = w.org_id and p.id = w.patient_id
          left join clinicians c on c.org_id = w.org_id and c.id = w.clinician_id`,
    );
    expect(mismatched).toEqual({ clinician: 0, children: 0, gynae_men: 0, born_later: 0 });
    const withClinician = await one<{ n: number }>(
      a.db,
      sql`select count(clinician_id)::int as n from pathways`,
    );
    expect(share(withClinician.n, total)).toBeGreaterThan(0.5);
  });

  it('has the largest lists in the nationally largest specialties', async () => {
    const lists = await rows<{ code: string; n: number }>(
      a.db,
      sql`select specialty_code as code, count(*)::int as n from pathways where status = 'open' group by specialty_code order by n desc, code`,
    );
    const top = lists.slice(0, 7).map((l) => l.code);
    for (const code of ['110', '130']) expect(top).toContain(code);
    const clinicians = await rows<{ registration_code: string; grade: string }>(
      a.db,
      sql`select registration_code, grade from clinicians`,
    );
    expect(new Set(clinicians.map((x) => x.registration_code)).size).toBe(clinicians.length);
    for (const x of clinicians) {
      expect(x.registration_code).toMatch(/^C\d{7}$/);
      expect(['consultant', 'specialty-doctor']).toContain(x.grade);
    }
  });

  it('counts every date from the given day, not the clock', async () => {
    const s = await one<{ latest: string; earliest: string }>(
      c.db,
      sql`select max(clock_start_date)::text as latest, min(clock_start_date)::text as earliest from pathways where status = 'open'`,
    );
    expect(s.latest <= '2025-06-30').toBe(true);
    expect(s.earliest >= '2023-12-01').toBe(true);
    // Clinics too: version 1 from that day, and slots over the 26 weeks from it.
    const clinics = await one<{ from: string; first: string; last: string; n: number }>(
      c.db,
      sql`select (select min(effective_from)::text from clinic_template_versions) as from,
                 min(session_date)::text as first, max(session_date)::text as last, count(*)::int as n
            from slots`,
    );
    expect(clinics.from).toBe('2025-06-30');
    expect(clinics.first >= '2025-06-30' && clinics.first <= '2025-07-04').toBe(true);
    expect(clinics.last <= '2025-12-28' && clinics.last >= '2025-12-22').toBe(true);
    expect(clinics.n).toBe(plannedCounts('demo').slots);
  });
});
