/**
 * The follow-up list over the API (§2.8): waiting follow-ups with their due date, latest clinically appropriate
 * date (LCAD) and overdue flags worked out on the day (overdue = after the LCAD, or after the due date when there
 * is none); overdue first, then most days overdue, then earliest due. Setting the LCAD; reads audited.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, followUps } from '../../src/db/schema';
import { queryRows } from '../../src/db/client';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';

const NOW = '2026-11-23T09:00:00Z';

interface Row {
  id: string;
  overdue: boolean;
  daysOverdue: number;
  pastLatest: boolean;
  dueDate: string;
  latestDate: string | null;
  slotType: string;
  specialtyCode: string;
  patient: { id: string; name: string };
}

describe.each(ENGINES)('follow-up list on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinician: Session;
  let clinic: TestClinic;
  const made: Record<string, string> = {};

  beforeAll(async () => {
    h = await createHarness(engine, { PATHFLOW_SIGN_IN_RATE_LIMIT: '1000' });
    clerk = await h.signIn('booking-clerk');
    clinician = await h.signIn('clinician');
    clinic = await createTestClinic(h, 999_640_000);
    const add = async (
      name: string,
      dueDate: string,
      latestDate: string | null,
      specialtyCode = '110',
      status = 'waiting',
    ) => {
      const p = await clinic.addPathway({ specialtyCode });
      const id = randomUUID();
      await h.db.db.insert(followUps).values({
        orgId: h.fixture.orgId,
        id,
        pathwayId: p.pathwayId,
        patientId: p.patientId,
        fromAppointmentId: randomUUID(),
        specialtyCode,
        slotType: 'follow-up',
        dueDate,
        latestDate,
        status,
        createdBy: 'test',
      });
      made[name] = id;
    };
    // Today is 2026-11-23.
    await add('notDue', '2026-12-10', '2026-12-20');
    await add('pastDueInsideLcad', '2026-11-01', '2026-11-30');
    await add('pastLcad3', '2026-10-01', '2026-11-20');
    await add('pastLcad10', '2026-11-01', '2026-11-13');
    await add('noLcadPastDue5', '2026-11-18', null);
    await add('noLcadToday', '2026-11-23', null);
    await add('otherSpecialty', '2026-10-01', null, '120');
    await add('booked', '2026-10-01', null, '110', 'booked');
  });
  afterAll(() => h.close());

  const get = async (query = '') => {
    const res = await h.app.inject({ method: 'GET', url: `/api/v1/follow-ups${query}`, headers: clerk.read });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ asOf: string; rows: Row[] }>();
  };
  const at = async (iso: string) => {
    h.clock.set(iso);
    clerk = await h.signIn('booking-clerk');
    clinician = await h.signIn('clinician');
  };
  const name = (id: string) => Object.entries(made).find(([, v]) => v === id)?.[0];

  it('lists waiting follow-ups, overdue first then most days overdue then earliest due, with flags', async () => {
    await at(NOW);
    const list = await get('?specialty=110');
    expect(list.asOf).toBe('2026-11-23');
    expect(list.rows.map((r) => name(r.id))).toEqual([
      'pastLcad10',
      'noLcadPastDue5',
      'pastLcad3',
      'pastDueInsideLcad',
      'noLcadToday',
      'notDue',
    ]);
    const by = Object.fromEntries(list.rows.map((r) => [name(r.id), r]));
    expect(by.pastLcad10).toMatchObject({
      overdue: true,
      daysOverdue: 10,
      pastLatest: true,
      slotType: 'follow-up',
    });
    expect(by.noLcadPastDue5).toMatchObject({ overdue: true, daysOverdue: 5, pastLatest: false });
    expect(by.pastDueInsideLcad).toMatchObject({ overdue: false, daysOverdue: 0, pastLatest: false });
    expect(by.noLcadToday).toMatchObject({ overdue: false, daysOverdue: 0 });
    expect(by.pastLcad10!.patient.name).toContain(', ');

    const overdue = await get('?specialty=110&overdue=true');
    expect(overdue.rows.map((r) => name(r.id))).toEqual(['pastLcad10', 'noLcadPastDue5', 'pastLcad3']);
    const notOverdue = await get('?specialty=110&overdue=false');
    expect(notOverdue.rows.every((r) => !r.overdue)).toBe(true);
    const all = await get();
    expect(all.rows.map((r) => name(r.id))).toContain('otherSpecialty');
    expect(all.rows.map((r) => name(r.id))).not.toContain('booked');

    const audited = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'FollowUp.read'), eq(auditLog.resourceId, made.pastLcad10!)));
    expect(audited.length).toBeGreaterThanOrEqual(1);
  });

  it('moves with the clock and with the policy’s allowance after the due date', async () => {
    await at('2026-11-30T09:00:00Z');
    let by = Object.fromEntries((await get('?specialty=110')).rows.map((r) => [name(r.id), r]));
    expect(by.pastDueInsideLcad).toMatchObject({ overdue: false });
    expect(by.noLcadToday).toMatchObject({ overdue: true, daysOverdue: 7 });
    await at('2026-12-01T09:00:00Z');
    by = Object.fromEntries((await get('?specialty=110')).rows.map((r) => [name(r.id), r]));
    expect(by.pastDueInsideLcad).toMatchObject({ overdue: true, daysOverdue: 1, pastLatest: true });

    // A policy allowing 14 days after the due date (no LCAD) from today.
    await at(NOW);
    const manager = await h.signIn('service-manager');
    const v = await h.app.inject({
      method: 'POST',
      url: '/api/v1/access-policy/versions',
      headers: manager.write,
      payload: { effectiveFrom: '2026-11-30', settings: { followUp: { overdueAfterDueDays: 14 } } },
    });
    expect(v.statusCode, v.body).toBe(201);
    await at('2026-11-30T09:00:00Z');
    by = Object.fromEntries((await get('?specialty=110')).rows.map((r) => [name(r.id), r]));
    expect(by.noLcadToday).toMatchObject({ overdue: false });
    expect(by.noLcadPastDue5).toMatchObject({ overdue: false });
    expect(by.pastLcad10).toMatchObject({ overdue: true, daysOverdue: 17 });
  });

  it('sets the LCAD (on or after the due date), refuses bad input and writes nothing then', async () => {
    await at(NOW);
    const post = (id: string, payload: object) =>
      h.app.inject({
        method: 'POST',
        url: `/api/v1/follow-ups/${id}/latest-date`,
        headers: clinician.write,
        payload,
      });
    const ok = await post(made.noLcadPastDue5!, { latestDate: '2026-12-05' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ latestDate: '2026-12-05', overdue: false, daysOverdue: 0 });
    const cleared = await post(made.noLcadPastDue5!, { latestDate: null });
    expect(cleared.json()).toMatchObject({ latestDate: null, overdue: true, daysOverdue: 5 });

    const snapshot = async () =>
      (
        await queryRows<{ s: string }>(
          h.db.db,
          sql`select string_agg(id::text || coalesce(latest_date::text, '-'), ',' order by id) as s from follow_ups where org_id = ${h.fixture.orgId}`,
        )
      )[0]!.s;
    const before = await snapshot();
    const cases: [string, object, number, string?][] = [
      [made.notDue!, { latestDate: '2026-12-01' }, 400, '/body/latestDate'],
      [made.notDue!, { latestDate: '2026-02-30' }, 400],
      [made.notDue!, {}, 400],
      [made.notDue!, { latestDate: '2027-01-01', note: 'x' }, 400],
      [made.booked!, { latestDate: '2027-01-01' }, 409],
      ['00000000-0000-4000-8000-000000000000', { latestDate: '2027-01-01' }, 404],
    ];
    for (const [id, payload, status, field] of cases) {
      const res = await post(id, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      if (field) expect(res.json().errors[0].field).toBe(field);
    }
    expect(await snapshot()).toBe(before);
    const bad = await h.app.inject({
      method: 'GET',
      url: '/api/v1/follow-ups?overdue=perhaps',
      headers: clerk.read,
    });
    expect(bad.statusCode).toBe(400);
  });
});
