/** A pathway's RTT events: recorded through the API, checked by the RTT engine, kept in the clock projection. */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client';
import { auditLog, pathways } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';

describe.each(ENGINES)('pathway RTT events on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let pathwayId: (patient: 'alice' | 'bob', specialty: string) => Promise<string>;
  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = await h.signIn('booking-clerk');
    pathwayId = async (patient, specialty) => {
      const [row] = await h.db.db
        .select({ id: pathways.id })
        .from(pathways)
        .where(
          and(
            eq(pathways.patientId, h.fixture.patients[patient]),
            eq(pathways.specialtyCode, specialty),
            eq(pathways.status, 'open'),
          ),
        );
      return row!.id;
    };
  });
  afterAll(() => h.close());

  const post = (id: string, body: object, s: Session = clerk) =>
    h.app.inject({
      method: 'POST',
      url: `/api/v1/pathways/${id}/rtt-events`,
      headers: s.write,
      payload: body,
    });
  const projection = async (id: string) =>
    (
      await queryRows<{ rtt_running: boolean; rtt_period_start: string | null }>(
        h.db.db,
        sql`select rtt_running, rtt_period_start::text from pathways where id = ${id}`,
      )
    )[0];

  it('shows a pathway with its running clock, and audits the read', async () => {
    const id = await pathwayId('alice', '110');
    const res = await h.app.inject({ method: 'GET', url: `/api/v1/pathways/${id}`, headers: clerk.read });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      clockStart: '2026-09-01',
      events: [],
      rtt: {
        periods: [{ start: '2026-09-01', end: null, endCode: null, nullified: false }],
        current: { running: true, start: '2026-09-01', daysWaited: 83, weekBand: 12, over18Weeks: false },
      },
    });
    const rows = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'Pathway.read'), eq(auditLog.resourceId, id)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ patientId: h.fixture.patients.alice, actorRole: 'booking-clerk' });
  });

  it('shows the cancer and diagnostic timers beside the RTT clock', async () => {
    const id = await pathwayId('alice', '110');
    const requested = await h.app.inject({
      method: 'POST',
      url: `/api/v1/pathways/${id}/diagnostic-requests`,
      headers: clerk.write,
      payload: { test: 'mri', route: 'request', requestedOn: '2026-10-12' },
    });
    expect(requested.statusCode, requested.body).toBe(201);
    const res = await h.app.inject({ method: 'GET', url: `/api/v1/pathways/${id}`, headers: clerk.read });
    expect(res.statusCode).toBe(200);
    const { timers } = res.json();
    // A routine pathway: no cancer clock; one MRI request waiting 42 days on 23 November: six weeks or more.
    expect(timers).toMatchObject({ asOf: '2026-11-23', cancer: { route: null, clocks: [] } });
    expect(timers.diagnostics).toMatchObject([
      { test: 'mri', clockStart: '2026-10-12', wait: { days: 42, sixWeeksOrMore: true, status: 'waiting' } },
    ]);
  });

  it('stops the clock on treatment, updates the projection, and audits the write', async () => {
    const id = await pathwayId('bob', '110');
    const res = await post(id, { date: '2026-11-20', code: '30', note: 'Day-case arthroscopy' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().rtt.current).toEqual({
      running: false,
      start: null,
      daysWaited: null,
      weekBand: null,
      over18Weeks: false,
      breachDates: null,
    });
    expect(res.json().events).toMatchObject([
      { date: '2026-11-20', code: '30', origin: 'manual', note: 'Day-case arthroscopy' },
    ]);
    expect(await projection(id)).toEqual({ rtt_running: false, rtt_period_start: null });
    const audited = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'RttEvent.create'), eq(auditLog.resourceId, id)));
    expect(audited).toHaveLength(1);
    expect(audited[0]!.patientId).toBe(h.fixture.patients.bob);
  });

  it('refuses an event that breaks a rule with a 422 naming the rule, and stores nothing', async () => {
    const id = await pathwayId('bob', '110');
    const res = await post(id, { date: '2026-11-21', code: '20' });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      code: 'rtt_rule_violation',
      rule: '§1.6/after-treatment',
      errors: [{ field: '/body/code' }],
    });
    const detail = await h.app.inject({ method: 'GET', url: `/api/v1/pathways/${id}`, headers: clerk.read });
    expect(detail.json().events).toHaveLength(1);
  });

  it('refuses a backdated event that would make an existing one illegal, pointing at its date', async () => {
    const id = await pathwayId('bob', '110');
    const res = await post(id, { date: '2026-10-01', code: '30' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ rule: '§1.6/after-treatment', errors: [{ field: '/body/date' }] });
    expect(res.json().detail).toMatch(/already on the pathway/);
  });

  it('refuses bad input with 400s naming the field, and an unknown pathway with 404', async () => {
    const id = await pathwayId('bob', '120');
    const cases: [object, string][] = [
      [{ date: '2026-11-30', code: '20' }, '/body/date'],
      [{ date: '2026-02-30', code: '20' }, '/body/date'],
      [{ date: '2026-11-01', code: '77' }, '/body/code'],
      [{ date: '2026-11-01' }, '/body/code'],
      [{ date: '2026-11-01', code: '20', colour: 'red' }, '/body/colour'],
    ];
    for (const [body, field] of cases) {
      const res = await post(id, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const missing = await post('00000000-0000-4000-8000-000000000000', { date: '2026-11-01', code: '20' });
    expect(missing.statusCode).toBe(404);
    expect(await projection(id)).toEqual({ rtt_running: true, rtt_period_start: '2026-09-01' });
  });

  it('lets a clinician record a decision but not a service manager', async () => {
    const id = await pathwayId('bob', '120');
    const manager = await h.signIn('service-manager');
    expect((await post(id, { date: '2026-11-02', code: '20' }, manager)).statusCode).toBe(403);
    const clinician = await h.signIn('clinician');
    expect((await post(id, { date: '2026-11-02', code: '20' }, clinician)).statusCode).toBe(201);
  });

  if (engine === 'postgres') {
    it('applies two simultaneous treatments one after the other: one is stored, the other refused', async () => {
      const id = await pathwayId('alice', '110');
      const [a, b] = await Promise.all([
        post(id, { date: '2026-11-22', code: '30' }),
        post(id, { date: '2026-11-22', code: '30' }),
      ]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([201, 422]);
      const detail = await h.app.inject({
        method: 'GET',
        url: `/api/v1/pathways/${id}`,
        headers: clerk.read,
      });
      expect(detail.json().events).toHaveLength(1);
    });
  }
});
