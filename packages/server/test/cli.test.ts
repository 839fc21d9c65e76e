/** The `pathflow` command, run as a person would run it: a child process with only environment variables. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { openDatabase } from '../src/db/client';
import {
  auditLog,
  clinicTemplates,
  clinicTemplateVersions,
  locations,
  organisations,
  slots,
} from '../src/db/schema';
import { ENGINES, createServerDatabase } from './support/db';
import { newSlots } from './support/clinic';

const BIN = fileURLToPath(new URL('../bin/pathflow.mjs', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

// Each test runs the command several times, each run starting tsx: allow for a loaded machine.
describe.each(ENGINES)('pathflow command on %s', { timeout: 120_000 }, (engine) => {
  let env: NodeJS.ProcessEnv;
  let cleanup: () => Promise<void>;
  const dir = mkdtempSync(join(tmpdir(), 'pathflow-cli-'));

  const run = (args: string[], input?: string) =>
    new Promise<Run>((resolve) => {
      const child = execFile(
        process.execPath,
        [BIN, ...args],
        { env, timeout: 120_000 },
        (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin?.end(input ?? '');
    });

  beforeAll(async () => {
    const { DATABASE_URL: _d, TEST_DATABASE_URL: _t, ...base } = process.env;
    env = { ...base, PATHFLOW_DATA_DIR: join(dir, 'data'), NODE_NO_WARNINGS: '1' };
    cleanup = async () => undefined;
    if (engine === 'postgres') {
      const created = await createServerDatabase();
      env.DATABASE_URL = created.url;
      cleanup = created.drop;
    }
  });
  afterAll(async () => {
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('explains itself with --help, for every command', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    for (const cmd of ['start', 'migrate', 'seed', 'user', 'client', 'slots', 'backup', 'restore'])
      expect(top.stdout).toContain(cmd);
    for (const args of [
      ['start'],
      ['migrate'],
      ['seed'],
      ['user', 'add'],
      ['client', 'add'],
      ['slots', 'extend'],
      ['backup'],
      ['restore'],
    ]) {
      const res = await run([...args, '--help']);
      expect(res.code, args.join(' ')).toBe(0);
      expect(res.stdout).toMatch(/^Usage: pathflow /);
    }
  });

  it('migrates, seeds the demo trust, adds staff and a machine client', async () => {
    expect((await run(['migrate'])).stdout).toMatch(/Database migrated/);
    const seeded = await run(['seed', '--size', 'demo', '--seed', '7']);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toMatch(/Seeded XPF \(demo, seed 7\)/);

    const user = await run(
      [
        'user',
        'add',
        '--username',
        'Jane.Smith',
        '--name',
        'Jane Smith',
        '--role',
        'team-leader',
        '--password-stdin',
      ],
      'A-long-password-1\n',
    );
    expect(user.code, user.stderr).toBe(0);
    expect(user.stdout).toContain('Added jane.smith (team-leader)');

    const client = await run(['client', 'add', '--name', 'e-RS', '--role', 'booking-clerk', '--json']);
    expect(client.code, client.stderr).toBe(0);
    const creds = JSON.parse(client.stdout) as { client_id: string; client_secret: string };
    expect(Object.keys(creds).sort()).toEqual(['client_id', 'client_secret']);

    // Only a hash of the secret is kept.
    const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.PATHFLOW_DATA_DIR });
    const rows = await handle.db.query.oauthClients.findMany();
    await handle.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.secretHash).not.toContain(creds.client_secret);
    expect(JSON.stringify(rows)).not.toContain(creds.client_secret);
  });

  it('extends the clinics to the rolling horizon, adding nothing the second time', async () => {
    // A clinic written straight into the database with no slots yet: Mondays 09:00–10:00, three slots.
    const templateId = randomUUID();
    let handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.PATHFLOW_DATA_DIR });
    const [org] = await handle.db.select().from(organisations).where(eq(organisations.odsCode, 'XPF'));
    const locationId = randomUUID();
    await handle.db.insert(locations).values({
      orgId: org!.orgId,
      id: locationId,
      siteCode: 'XPF99',
      name: 'CLI test outpatients',
      site: 'CLI test site',
      addressLine: '1 Test Road',
      postcode: 'LS1 3EX',
    });
    await handle.db.insert(clinicTemplates).values({
      orgId: org!.orgId,
      id: templateId,
      name: 'CLI test clinic',
      clinicianId: null,
      serviceName: 'Physiotherapy',
      locationId,
      specialtyCode: '110',
      createdBy: 'test',
    });
    await handle.db.insert(clinicTemplateVersions).values({
      orgId: org!.orgId,
      templateId,
      version: 1,
      effectiveFrom: '2026-01-05',
      effectiveTo: null,
      recurrence: { kind: 'weekly' },
      sessions: [
        {
          weekday: 1,
          start: '09:00',
          end: '10:00',
          slots: newSlots([0, 20, 40]),
        },
      ],
      status: 'active',
      createdBy: 'test',
    });
    await handle.close();

    const first = await run(['slots', 'extend']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /^XPF: slots extended to \d{4}-\d{2}-\d{2} for [\d,]+ clinics?, [\d,]+ slots? created\.$/m,
    );
    const second = await run(['slots', 'extend', '--org', 'xpf']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^XPF: .* 0 slots created\.$/m);
    const unknown = await run(['slots', 'extend', '--org', 'NOPE']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No organisation has ODS code NOPE/);

    handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.PATHFLOW_DATA_DIR });
    const [stored] = await handle.db
      .select({ n: sql<number>`count(*)::int`, mondays: sql<number>`count(distinct session_date)::int` })
      .from(slots)
      .where(eq(slots.templateId, templateId));
    const audited = await handle.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'Clinic.slotsExtended'), eq(auditLog.resourceId, templateId)));
    await handle.close();
    // Any 26 weeks from today hold 26 Mondays.
    expect(stored).toEqual({ n: 78, mondays: 26 });
    expect(audited.map((a) => [a.actorType, a.actorId, (a.detail as { created: number }).created])).toEqual([
      ['system', 'pathflow-cli', 78],
      ['system', 'pathflow-cli', 0],
    ]);
  });

  it('refuses bad input with a clear message and a non-zero exit', async () => {
    const role = await run(
      ['user', 'add', '--username', 'x1', '--name', 'X', '--role', 'wizard', '--password-stdin'],
      'A-long-password-1',
    );
    expect(role.code).not.toBe(0);
    expect(role.stderr).toMatch(/wizard/);
    const short = await run(
      ['user', 'add', '--username', 'bob.b', '--name', 'Bob', '--role', 'clinician', '--password-stdin'],
      'short',
    );
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/Password must be at least 12 characters/);
    const dup = await run(
      ['user', 'add', '--username', 'jane.smith', '--name', 'J', '--role', 'clinician', '--password-stdin'],
      'A-long-password-1',
    );
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
    const size = await run(['seed', '--size', 'huge']);
    expect(size.code).not.toBe(0);
    expect(size.stderr).toMatch(/huge/);
  });

  it('backs up and restores into another, empty database', async () => {
    const file = join(dir, `backup-${engine}.ndjson.gz`);
    const backup = await run(['backup', '--file', file]);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/Backed up [\d,]+ rows/);
    const refused = await run(['restore', '--file', file]);
    expect(refused.code).toBe(1);
    const target = { ...env, PATHFLOW_DATA_DIR: join(dir, 'restored'), DATABASE_URL: '' };
    const saved = env;
    env = target;
    const restored = await run(['restore', '--file', file]);
    env = saved;
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/Restored [\d,]+ rows/);
  });
});
