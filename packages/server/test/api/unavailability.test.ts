/**
 * A patient's stated unavailability: recording, listing and removing periods (kept, marked removed), the date
 * rules and bad input, the audit rows; and book in turn leaving out a patient on the dates they cannot come.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, patientUnavailability } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';

const NOW = '2026-11-23T09:00:00Z';

describe.each(ENGINES)('patient unavailability on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinic: TestClinic;

  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = await h.signIn('booking-clerk');
    clinic = await createTestClinic(h, 999_500_000);
  });
  afterAll(() => h.close());

  const url = (patientId: string) => `/api/v1/patients/${patientId}/unavailability`;
  const post = (patientId: string, payload: object) =>
    h.app.inject({ method: 'POST', url: url(patientId), headers: clerk.write, payload });
  const get = (path: string) => h.app.inject({ method: 'GET', url: path, headers: clerk.read });
  const del = (patientId: string, periodId: string) =>
    h.app.inject({ method: 'DELETE', url: `${url(patientId)}/${periodId}`, headers: clerk.write });
  const closeAll = () =>
    h.db.db.execute(
      sql`update pathways set status = 'closed', rtt_running = false where org_id = ${h.fixture.orgId}`,
    );
  const periodsOf = async (patientId: string) =>
    h.db.db
      .select()
      .from(patientUnavailability)
      .where(
        and(eq(patientUnavailability.orgId, h.fixture.orgId), eq(patientUnavailability.patientId, patientId)),
      );
  const auditOf = (action: string, patientId: string) =>
    h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, action), eq(auditLog.patientId, patientId)));

  it('records a period, lists it, and removes it keeping the row; every step audited with the patient', async () => {
    h.clock.set(NOW);
    const { patientId } = await clinic.addPathway();
    const created = await post(patientId, { from: '2026-12-01', to: '2026-12-14', reason: ' Holiday ' });
    expect(created.statusCode, created.body).toBe(201);
    const period = created.json();
    expect(period).toMatchObject({
      patientId,
      from: '2026-12-01',
      to: '2026-12-14',
      days: 14,
      reason: 'Holiday',
      recordedBy: h.fixture.users['booking-clerk'].id,
      recordedAt: '2026-11-23T09:00:00.000Z',
      removedAt: null,
    });
    // A period that has begun but not ended may be recorded; a one-day period counts as 1 day.
    const started = await post(patientId, { from: '2026-11-20', to: '2026-11-23', reason: 'In hospital' });
    expect(started.statusCode, started.body).toBe(201);
    const oneDay = await post(patientId, { from: '2027-02-01', to: '2027-02-01', reason: 'Exam' });
    expect(oneDay.json().days).toBe(1);

    const listed = await get(url(patientId));
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().periods.map((p: { from: string }) => p.from)).toEqual([
      '2026-11-20',
      '2026-12-01',
      '2027-02-01',
    ]);

    h.clock.set('2026-11-23T09:05:00Z');
    const removed = await del(patientId, period.id);
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json()).toMatchObject({
      id: period.id,
      removedBy: h.fixture.users['booking-clerk'].id,
      removedAt: '2026-11-23T09:05:00.000Z',
    });
    // Kept in the table, marked removed; left out of the list unless asked for.
    const rows = await periodsOf(patientId);
    expect(rows).toHaveLength(3);
    expect(rows.find((r) => r.id === period.id)?.removedAt?.toISOString()).toBe('2026-11-23T09:05:00.000Z');
    expect((await get(url(patientId))).json().periods).toHaveLength(2);
    const all = (await get(`${url(patientId)}?includeRemoved=true`)).json().periods;
    expect(all).toHaveLength(3);

    // Removing it again changes nothing: the first removal stands.
    h.clock.set('2026-11-23T09:10:00Z');
    const again = await del(patientId, period.id);
    expect(again.statusCode).toBe(200);
    expect(again.json().removedAt).toBe('2026-11-23T09:05:00.000Z');

    expect(await auditOf('PatientUnavailability.create', patientId)).toHaveLength(3);
    expect((await auditOf('PatientUnavailability.read', patientId)).length).toBeGreaterThanOrEqual(3);
    const removals = await auditOf('PatientUnavailability.remove', patientId);
    expect(removals.map((r) => r.resourceId)).toEqual([period.id, period.id]);
    h.clock.set(NOW);
  });

  it('refuses bad dates and bad input with a 400 naming the field, writing nothing', async () => {
    h.clock.set(NOW);
    const { patientId } = await clinic.addPathway();
    const cases: [object, string, RegExp?][] = [
      [{ from: '2026-12-10', to: '2026-12-09', reason: 'x' }, '/body/to', /same as or after the first date/],
      [{ from: '2026-11-01', to: '2026-11-22', reason: 'x' }, '/body/to', /all in the past/],
      [
        { from: '2026-12-01', to: '2027-12-01', reason: 'x' },
        '/body/to',
        /at most a year long: from 2026-12-01 the last date can be 2027-11-30/,
      ],
      [{ to: '2026-12-09', reason: 'x' }, '/body/from'],
      [{ from: '2026-12-09', reason: 'x' }, '/body/to'],
      [{ from: '2027-02-30', to: '2027-03-01', reason: 'x' }, '/body/from'],
      [{ from: '2026-12-01', to: '1 Jan 2027', reason: 'x' }, '/body/to'],
      [{ from: '2026-12-01', to: '2026-12-02', reason: '   ' }, '/body/reason'],
      [{ from: '2026-12-01', to: '2026-12-02' }, '/body/reason'],
      [{ from: '2026-12-01', to: '2026-12-02', reason: 'x', colour: 'red' }, '/body/colour'],
    ];
    for (const [body, field, detail] of cases) {
      const res = await post(patientId, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe('validation_failed');
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
      if (detail) expect(res.json().detail).toMatch(detail);
    }
    // Exactly a year is allowed (366 days over a leap day); a period may end today.
    expect(
      (await post(patientId, { from: '2027-12-01', to: '2028-11-30', reason: 'Abroad' })).statusCode,
    ).toBe(201);
    expect(
      (await post(patientId, { from: '2026-11-01', to: '2026-11-23', reason: 'Unwell' })).statusCode,
    ).toBe(201);
    expect(await periodsOf(patientId)).toHaveLength(2);

    const unknown = randomUUID();
    const missing = await post(unknown, { from: '2026-12-01', to: '2026-12-02', reason: 'x' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('not_found');
    expect(await periodsOf(unknown)).toHaveLength(0);
    expect((await get(url(unknown))).statusCode).toBe(404);
    expect((await get(url('not-a-uuid'))).json().errors[0].field).toBe('/params/id');
    expect((await get(`${url(patientId)}?colour=red`)).statusCode).toBe(400);

    // A period is removed only through its own patient.
    const other = await clinic.addPathway();
    const [mine] = await periodsOf(patientId);
    expect((await del(other.patientId, mine!.id)).statusCode).toBe(404);
    expect((await del(patientId, randomUUID())).statusCode).toBe(404);
    expect((await del(randomUUID(), mine!.id)).statusCode).toBe(404);
    expect((await periodsOf(patientId)).every((r) => r.removedAt === null)).toBe(true);
  });

  it('refuses roles without Appointment.write, and needs the CSRF header', async () => {
    const { patientId } = await clinic.addPathway();
    const manager = await h.signIn('service-manager');
    const body = { from: '2026-12-01', to: '2026-12-02', reason: 'x' };
    const refused = await h.app.inject({
      method: 'POST',
      url: url(patientId),
      headers: manager.write,
      payload: body,
    });
    expect(refused.statusCode).toBe(403);
    const noCsrf = await h.app.inject({
      method: 'POST',
      url: url(patientId),
      headers: clerk.read,
      payload: body,
    });
    expect(noCsrf.statusCode).toBe(403);
    expect((await get(url(patientId))).statusCode).toBe(200);
    const listed = await h.app.inject({ method: 'GET', url: url(patientId), headers: manager.read });
    expect(listed.statusCode).toBe(200);
    expect(await periodsOf(patientId)).toHaveLength(0);
  });

  it('book in turn leaves out a patient on dates they cannot come, and counts them again after', async () => {
    h.clock.set(NOW);
    await closeAll();
    // Waiting longest, but away 14–20 December.
    const away = await clinic.addPathway({ rttPeriodStart: '2026-07-01', clockStartDate: '2026-07-01' });
    const next = await clinic.addPathway({ rttPeriodStart: '2026-08-01', clockStartDate: '2026-08-01' });
    const later = await clinic.addPathway({ rttPeriodStart: '2026-09-01', clockStartDate: '2026-09-01' });
    const period = await post(away.patientId, { from: '2026-12-14', to: '2026-12-20', reason: 'Away' });
    expect(period.statusCode, period.body).toBe(201);

    const inside = await clinic.addSlot('2026-12-16T10:00:00Z');
    const lastDay = await clinic.addSlot('2026-12-20T10:00:00Z');
    const after = await clinic.addSlot('2026-12-21T10:00:00Z');
    const order = async (slotId: string) => {
      const res = await get(`/api/v1/slots/${slotId}/in-turn?limit=10`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().patients.map((p: { pathwayId: string }) => p.pathwayId);
    };
    expect(await order(inside)).toEqual([next.pathwayId, later.pathwayId]);
    expect(await order(lastDay)).toEqual([next.pathwayId, later.pathwayId]);
    expect(await order(after)).toEqual([away.pathwayId, next.pathwayId, later.pathwayId]);

    // The next patient who can come that day is in turn: no out-of-turn reason needed.
    const booked = await h.app.inject({
      method: 'POST',
      url: '/api/v1/appointments',
      headers: clerk.write,
      payload: { slotId: inside, pathwayId: next.pathwayId },
    });
    expect(booked.statusCode, booked.body).toBe(201);
    expect(booked.json().outOfTurnReason).toBeNull();
    // After the period the patient who was away is first again: booking someone else needs a reason.
    const outOfTurn = await h.app.inject({
      method: 'POST',
      url: '/api/v1/appointments',
      headers: clerk.write,
      payload: { slotId: after, pathwayId: later.pathwayId },
    });
    expect(outOfTurn.statusCode).toBe(422);
    expect(outOfTurn.json().errors[0].field).toBe('/body/outOfTurnReason');

    // Removing the period puts them back in turn on its dates too.
    expect((await del(away.patientId, period.json().id)).statusCode).toBe(200);
    expect(await order(lastDay)).toEqual([away.pathwayId, later.pathwayId]);
    await closeAll();
  });
});
