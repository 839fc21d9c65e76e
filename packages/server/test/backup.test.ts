import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDatabase, restoreDatabase, BackupError } from '../src/backup';
import { backupTables } from '../src/backup/tables';
import { writeAudit } from '../src/audit/audit';
import { createClient, issueToken } from '../src/auth/clients';
import { createSession } from '../src/auth/sessions';
import type { Database, Engine } from '../src/db/client';
import { auditLog, locations, organisations, patients } from '../src/db/schema';
import { ENGINES, TEST_DATABASE_URL, createTestDatabase, type TestDatabase } from './support/db';
import { seedFixture, type Fixture } from './support/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'pathflow-backup-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tempFile = (name = 'backup') => join(dir, `${name}-${++n}.ndjson.gz`);

/** Each table's content as one digest, independent of engine, time zone and collation. */
async function digests(db: Database): Promise<Record<string, { rows: number; md5: string }>> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local time zone 'UTC'`);
    const out: Record<string, { rows: number; md5: string }> = {};
    for (const { name } of backupTables()) {
      const result: unknown = await tx.execute(
        sql`select count(*)::int as rows,
                   coalesce(md5(string_agg(j, E'\n' order by j collate "C")), '') as md5
              from (select row_to_json(t)::text as j from ${sql.identifier(name)} t) r`,
      );
      out[name] = (result as { rows: Array<{ rows: number; md5: string }> }).rows[0]!;
    }
    return out;
  });
}

/** The fixture, plus rows that exercise awkward values: arrays, jsonb, newlines, unicode, many audit rows. */
async function populate(db: Database): Promise<Fixture> {
  const fixture = await seedFixture(db);
  const actor = { orgId: fixture.orgId, actorType: 'system' as const, actorId: 'test', actorRole: 'system' };
  for (let i = 0; i < 23; i++) {
    await writeAudit(db, { ...actor, at: new Date(Date.UTC(2026, 10, 23, 9, 0, i, 123)) }, [
      {
        action: 'patient.read',
        resourceType: 'Patient',
        resourceId: fixture.patients.alice,
        patientId: fixture.patients.alice,
        detail: {
          i,
          nested: { list: [1, 2.5, 'three', null, true] },
          text: 'line one\nline "two"\t✓ Ōtautahi',
        },
      },
    ]);
  }
  await db.insert(patients).values({
    orgId: fixture.orgId,
    id: randomUUID(),
    nhsNumber: '9990000034',
    mrn: 'T0003',
    givenName: 'Siân',
    familyName: "O'Brien-Ñúñez 🙂",
    dateOfBirth: '2001-02-28',
    sex: 'female',
    addressLine1: 'Flat 2\nThe "Old" Mill',
    addressLine2: 'Back\\slash Lane',
    town: 'Llanfair',
    postcode: 'LL61 5UJ',
    communicationNeeds: ['large-print', 'bsl', 'with, comma', 'with "quote"'],
    interpreterLanguage: 'cym',
    transportEligible: true,
  });
  await db.insert(locations).values({
    orgId: fixture.orgId,
    id: randomUUID(),
    siteCode: 'RXX01',
    name: 'Outpatients',
    site: 'Main site',
    addressLine: '1 Hospital Road',
    postcode: 'LS1 3EX',
  });
  await createSession(
    db,
    { orgId: fixture.orgId, id: fixture.users.admin.id },
    new Date('2026-11-23T09:00:00.123456Z'),
    {
      idleMinutes: 30,
      maxHours: 12,
    },
  );
  const client = await createClient(db, { orgId: fixture.orgId, name: 'EPR feed', role: 'booking-clerk' });
  await issueToken(
    db,
    { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret },
    new Date('2026-11-23T09:00:00Z'),
    3600,
  );
  // Microseconds must survive (PGlite's clock has only milliseconds, so set one explicitly).
  await db.execute(sql`update patients set created_at = '2026-01-02 03:04:05.678901+00' where mrn = 'T0001'`);
  return fixture;
}

async function expectRefusal(promise: Promise<unknown>, message: RegExp): Promise<void> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BackupError);
  expect((err as Error).message).toMatch(message);
}

const total = (tables: Record<string, number>) => Object.values(tables).reduce((a, b) => a + b, 0);

describe.each(ENGINES)('backup and restore on %s', (engine) => {
  let source: TestDatabase;
  let file: string;
  let before: Awaited<ReturnType<typeof digests>>;
  const opened: TestDatabase[] = [];
  const fresh = async (e: Engine = engine) => {
    const db = await createTestDatabase(e);
    opened.push(db);
    return db;
  };

  beforeAll(async () => {
    source = await fresh();
    await populate(source.db);
    before = await digests(source.db);
    file = tempFile(engine);
  });
  afterAll(async () => {
    for (const db of opened) await db.dispose();
  });

  it('backs up every table in dependency order, paging through large tables', async () => {
    const result = await backupDatabase(source, file, { pageSize: 7 });
    expect(result.bytes).toBe(statSync(file).size);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Object.keys(result.tables).sort()).toEqual(
      backupTables()
        .map((t) => t.name)
        .sort(),
    );
    for (const [name, digest] of Object.entries(before)) expect(result.tables[name]).toBe(digest.rows);
    expect(result.tables.audit_log).toBe(23);

    const lines = gunzipSync(readFileSync(file)).toString('utf8').trimEnd().split('\n');
    const header = JSON.parse(lines[0]!) as {
      format: string;
      version: number;
      engine: string;
      migrations: unknown[];
      tables: Array<{ name: string }>;
    };
    expect(header).toMatchObject({ format: 'pathflow-backup', version: 1, engine });
    expect(header.migrations.length).toBeGreaterThanOrEqual(2);
    const order = header.tables.map((t) => t.name);
    expect(order.indexOf('organisations')).toBeLessThan(order.indexOf('staff_users'));
    expect(order.indexOf('staff_users')).toBeLessThan(order.indexOf('sessions'));
    expect(order.indexOf('patients')).toBeLessThan(order.indexOf('pathways'));
    expect(order.indexOf('specialties')).toBeLessThan(order.indexOf('clinicians'));
    expect(order.indexOf('clinicians')).toBeLessThan(order.indexOf('pathways'));
    expect(JSON.parse(lines.at(-1)!)).toEqual({
      end: 'pathflow-backup',
      tables: order.length,
      rows: total(result.tables),
    });
    expect(lines.length).toBe(1 + order.length + total(result.tables) + 1);
  });

  it('restores into a fresh database with identical content, and new audit rows carry on from the restored ids', async () => {
    const target = await fresh();
    const result = await restoreDatabase(target, file, { batchSize: 5 });
    expect(result.tables.audit_log).toBe(23);
    expect(await digests(target.db)).toEqual(before);

    const restoredIds = (await target.db.select({ id: auditLog.id }).from(auditLog)).map((r) => r.id);
    const [org] = await target.db.select({ orgId: organisations.orgId }).from(organisations);
    await writeAudit(
      target.db,
      { orgId: org!.orgId, actorType: 'system', actorId: 'test', actorRole: 'system' },
      [{ action: 'after.restore', resourceType: 'Test' }],
    );
    const [added] = await target.db
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(eq(auditLog.action, 'after.restore'));
    expect(added!.id).toBe(Math.max(...restoredIds) + 1);
  });

  it('refuses a database that is not empty, changing nothing', async () => {
    const target = await fresh();
    await seedFixture(target.db, 'XT9');
    const digest = await digests(target.db);
    await expectRefusal(
      restoreDatabase(target, file),
      /not empty \(.*organisations.*\).*Nothing was changed/,
    );
    expect(await digests(target.db)).toEqual(digest);
  });

  it('refuses files that are not backups, or are damaged, and leaves the target empty', async () => {
    const target = await fresh();
    const empty = await digests(target.db);

    const text = tempFile('text');
    writeFileSync(text, 'hello, this is not a backup\n');
    await expectRefusal(
      restoreDatabase(target, text),
      /is not a Pathflow backup \(it is not a gzip-compressed file\)/,
    );

    const otherGzip = tempFile('other');
    writeFileSync(otherGzip, gzipSync('{"some":"json"}\n{"more":1}\n'));
    await expectRefusal(restoreDatabase(target, otherGzip), /is not a Pathflow backup\.$/);

    const missing = join(dir, 'no-such-file.gz');
    await expectRefusal(restoreDatabase(target, missing), /Could not read/);

    const original = readFileSync(file);
    const truncated = tempFile('truncated');
    writeFileSync(truncated, original.subarray(0, Math.floor(original.length * 0.7)));
    await expectRefusal(restoreDatabase(target, truncated), /damaged or incomplete.*Nothing was restored/);

    // Lines lost from the middle: the row count no longer adds up.
    const lines = gunzipSync(original).toString('utf8').split('\n');
    const auditSection = lines.findIndex((l) => l.startsWith('{"table":"audit_log"'));
    const cut = tempFile('cut');
    writeFileSync(
      cut,
      gzipSync([...lines.slice(0, auditSection + 3), ...lines.slice(auditSection + 5)].join('\n')),
    );
    await expectRefusal(restoreDatabase(target, cut), /damaged.*Nothing was restored/);

    // A row that the database cannot take (an id that is not a uuid): rolled back, no values in the message.
    const bad = tempFile('bad-row');
    const patientSection = lines.findIndex((l) => l.startsWith('{"table":"patients"'));
    const broken = [...lines];
    broken[patientSection + 1] = broken[patientSection + 1]!.replace(
      /"id":"[^"]+"/,
      '"id":"SECRET-not-a-uuid"',
    );
    writeFileSync(bad, gzipSync(broken.join('\n')));
    const err = (await restoreDatabase(target, bad).then(
      () => null,
      (e: unknown) => e,
    )) as Error;
    expect(err).toBeInstanceOf(BackupError);
    expect(err.message).toMatch(/Could not restore table patients \(SQLSTATE 22P02\).*Nothing was restored/);
    expect(err.message).not.toContain('SECRET');

    expect(await digests(target.db)).toEqual(empty);
  });

  it('refuses a backup from a newer Pathflow (format or migrations) or with a different history', async () => {
    const target = await fresh();
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
    const header = JSON.parse(lines[0]!) as {
      version: number;
      migrations: Array<{ tag: string | null; createdAt: number; hash: string }>;
    };
    const withHeader = (h: unknown) => {
      const f = tempFile('edited');
      writeFileSync(f, gzipSync([JSON.stringify(h), ...lines.slice(1)].join('\n')));
      return f;
    };
    await expectRefusal(
      restoreDatabase(target, withHeader({ ...header, version: 2 })),
      /newer version of Pathflow \(backup format 2/,
    );
    const newer = [...header.migrations, { tag: '9999_future', createdAt: 4_102_444_800_000, hash: 'x' }];
    await expectRefusal(
      restoreDatabase(target, withHeader({ ...header, migrations: newer })),
      /newer version of Pathflow \(its database was at migration 9999_future.*Upgrade Pathflow/,
    );
    await expectRefusal(
      restoreDatabase(target, withHeader({ ...header, migrations: header.migrations.slice(0, -1) })),
      /older version of Pathflow/,
    );
    const other = header.migrations.map((m, i) => (i === 0 ? { ...m, createdAt: m.createdAt + 1 } : m));
    await expectRefusal(
      restoreDatabase(target, withHeader({ ...header, migrations: other })),
      /does not match this version/,
    );
  });

  it('refuses an unmigrated target', async () => {
    const target = await createTestDatabase(engine, { migrate: false });
    opened.push(target);
    await expectRefusal(restoreDatabase(target, file), /has not been migrated/);
  });
});

// Defined only when a PostgreSQL server is there to move to (nothing is reported as skipped otherwise).
if (TEST_DATABASE_URL)
  describe('moving a trust between engines', () => {
    const opened: TestDatabase[] = [];
    afterAll(async () => {
      for (const db of opened) await db.dispose();
    });
    const open = async (engine: Engine) => {
      const db = await createTestDatabase(engine);
      opened.push(db);
      return db;
    };

    it('PGlite → PostgreSQL → PGlite keeps every row exactly', async () => {
      const pglite = await open('pglite');
      await populate(pglite.db);
      const original = await digests(pglite.db);

      const first = tempFile('from-pglite');
      await backupDatabase(pglite, first);
      const postgres = await open('postgres');
      await restoreDatabase(postgres, first);
      expect(await digests(postgres.db)).toEqual(original);

      const second = tempFile('from-postgres');
      await backupDatabase(postgres, second);
      const back = await open('pglite');
      await restoreDatabase(back, second);
      expect(await digests(back.db)).toEqual(original);
    });
  });
