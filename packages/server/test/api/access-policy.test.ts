/**
 * The access policy's versions over the API (§8.4): the settings in force today and every version; a new version
 * from today or later, merged over the version in force on its date, checked setting by setting (each problem
 * named with its path); one version per day; audited. `accessPolicyOn` reads stored versions over the defaults.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { DEFAULT_ACCESS_POLICY } from '@pathflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessPolicyVersions, auditLog } from '../../src/db/schema';
import { queryRows } from '../../src/db/client';
import { accessPolicyOn } from '../../src/features/access-policy/service';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';

const NOW = '2026-11-23T09:00:00Z';

describe.each(ENGINES)('access policy on %s', (engine) => {
  let h: Harness;
  let manager: Session;

  beforeAll(async () => {
    h = await createHarness(engine, { PATHFLOW_SIGN_IN_RATE_LIMIT: '1000' });
    manager = await h.signIn('service-manager');
  });
  afterAll(() => h.close());

  const at = async (iso: string) => {
    h.clock.set(iso);
    manager = await h.signIn('service-manager');
  };
  const read = () => h.app.inject({ method: 'GET', url: '/api/v1/access-policy', headers: manager.read });
  const add = (payload: unknown, as: Session = manager) =>
    h.app.inject({
      method: 'POST',
      url: '/api/v1/access-policy/versions',
      headers: as.write,
      payload: payload as object,
    });
  const versions = async () =>
    (
      await queryRows<{ n: number }>(
        h.db.db,
        sql`select count(*)::int as n from access_policy_versions where org_id = ${h.fixture.orgId}`,
      )
    )[0]!.n;

  it('with no version, the national defaults are in force', async () => {
    await at(NOW);
    const res = await read();
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      asOf: '2026-11-23',
      inForce: { versionId: null, effectiveFrom: null, settings: DEFAULT_ACCESS_POLICY },
      defaults: DEFAULT_ACCESS_POLICY,
      versions: [],
    });
    expect(await accessPolicyOn(h.db.db, h.fixture.orgId, '2026-11-23')).toEqual(DEFAULT_ACCESS_POLICY);
  });

  it('refuses bad input with every problem named, and writes nothing', async () => {
    await at(NOW);
    const before = await versions();
    const past = await add({ effectiveFrom: '2026-11-22', settings: {} });
    expect(past.statusCode).toBe(400);
    expect(past.json().errors).toEqual([
      { field: '/body/effectiveFrom', message: expect.stringMatching(/past/) },
    ]);

    const bad = await add({
      effectiveFrom: '2026-12-01',
      settings: {
        partialBooking: { replyWindowDays: 7, inviteWeeksBeforeDue: 'six' },
        hospitalCancellation: { operationRebookWithinDays: 35 },
        wards: { beds: 3 },
        communications: { reminderDaysBefore: [7, 7] },
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().code).toBe('validation_failed');
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(
      [
        '/body/settings/partialBooking/replyWindowDays',
        '/body/settings/partialBooking/inviteWeeksBeforeDue',
        '/body/settings/hospitalCancellation/operationRebookWithinDays',
        '/body/settings/wards',
        '/body/settings/communications/reminderDaysBefore/1',
      ].sort(),
    );

    for (const payload of [
      { effectiveFrom: '2026-12-01' },
      { effectiveFrom: '2026-12-01', settings: 5 },
      { effectiveFrom: '2026-02-30', settings: {} },
      { effectiveFrom: '2026-12-01', settings: {}, colour: 'red' },
      { effectiveFrom: '2026-12-01', settings: { pifu: 'long' } },
    ]) {
      const res = await add(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect(await versions()).toBe(before);
  });

  it('only service managers add versions', async () => {
    await at(NOW);
    const clerk = await h.signIn('booking-clerk');
    const res = await add({ effectiveFrom: '2026-12-01', settings: {} }, clerk);
    expect(res.statusCode).toBe(403);
    const read = await h.app.inject({ method: 'GET', url: '/api/v1/access-policy', headers: clerk.read });
    expect(read.statusCode).toBe(200);
  });

  it('adds versions from today and later, merged over the version in force on their date; one per day; audited', async () => {
    await at(NOW);
    const today = await add({
      effectiveFrom: '2026-11-23',
      settings: { partialBooking: { inviteWeeksBeforeDue: 4 } },
      note: 'Local policy v2 §4.1',
    });
    expect(today.statusCode, today.body).toBe(201);
    const v1 = today.json();
    expect(v1.settings.partialBooking).toEqual({
      ...DEFAULT_ACCESS_POLICY.partialBooking,
      inviteWeeksBeforeDue: 4,
    });
    expect(v1).toMatchObject({
      effectiveFrom: '2026-11-23',
      note: 'Local policy v2 §4.1',
      createdBy: h.fixture.users['service-manager'].id,
    });

    const future = await add({
      effectiveFrom: '2027-01-04',
      settings: { partialBooking: { replyWindowDays: 21 } },
    });
    expect(future.statusCode, future.body).toBe(201);
    // Merged over the version in force on 2027-01-04 (v1), not over the defaults.
    expect(future.json().settings.partialBooking).toEqual({
      ...DEFAULT_ACCESS_POLICY.partialBooking,
      inviteWeeksBeforeDue: 4,
      replyWindowDays: 21,
    });

    const again = await add({ effectiveFrom: '2027-01-04', settings: {} });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('conflict');

    const now = (await read()).json();
    expect(now.inForce).toMatchObject({ versionId: v1.id, effectiveFrom: '2026-11-23' });
    expect(now.inForce.settings.partialBooking.replyWindowDays).toBe(14);
    expect(now.versions.map((v: { effectiveFrom: string }) => v.effectiveFrom)).toEqual([
      '2027-01-04',
      '2026-11-23',
    ]);

    expect(
      (await accessPolicyOn(h.db.db, h.fixture.orgId, '2027-01-03')).partialBooking.replyWindowDays,
    ).toBe(14);
    expect(
      (await accessPolicyOn(h.db.db, h.fixture.orgId, '2027-01-04')).partialBooking.replyWindowDays,
    ).toBe(21);

    await at('2027-01-04T09:00:00Z');
    const later = (await read()).json();
    expect(later.inForce).toMatchObject({ versionId: future.json().id, effectiveFrom: '2027-01-04' });

    const audited = await h.db.db
      .select({ id: auditLog.resourceId, actor: auditLog.actorId })
      .from(auditLog)
      .where(and(eq(auditLog.orgId, h.fixture.orgId), eq(auditLog.action, 'AccessPolicy.create')));
    expect(audited.map((a) => a.id).sort()).toEqual([v1.id, future.json().id].sort());
  });

  it('reads a stored version written before a setting existed over the defaults', async () => {
    await at(NOW);
    await h.db.db.insert(accessPolicyVersions).values({
      orgId: h.fixture.orgId,
      id: randomUUID(),
      effectiveFrom: '2030-01-01',
      settings: { partialBooking: { replyWindowDays: 28 }, retired: { x: 1 } },
      createdBy: 'test',
    });
    const s = await accessPolicyOn(h.db.db, h.fixture.orgId, '2030-06-01');
    expect(s.partialBooking.replyWindowDays).toBe(28);
    expect(s.partialBooking.reminders).toBe(DEFAULT_ACCESS_POLICY.partialBooking.reminders);
    expect(s.pifu).toEqual(DEFAULT_ACCESS_POLICY.pifu);
    expect('retired' in s).toBe(false);
  });
});
