/**
 * Automatic allocation over the API: a small specialty whose plan can be worked out by hand (two-week-wait and
 * urgent patients into the earliest suitable slots, a patient unavailable over the early slots booked after,
 * minimum notice kept, procedure pathways only into procedure slots), applying it (exactly the planned
 * appointments, slot counts, one letter and one audit row each, a second apply refused), a plan gone stale
 * (nothing booked), bad input (nothing written), roles, and two applies of one plan at once.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client';
import {
  allocationPlans,
  appointments,
  auditLog,
  communications,
  patientUnavailability,
  slots,
} from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';

/** Monday 23 November 2026, 09:00 London. With 7 days' notice the first usable day is Monday 30 November. */
const NOW = '2026-11-23T09:00:00Z';
const OUT_OF_TURN = 'Automatic allocation: booked to minimise breaches';

interface Assignment {
  pathwayId: string;
  patient: { id: string; nhsNumber: string; name: string };
  slot: { id: string; type: string; startsAt: string; date: string };
  clinic: { name: string };
  noticeDays: number;
  reasonableOffer: boolean;
  outOfTurn: boolean;
  breachesAvoided: string[];
}

interface Plan {
  id: string;
  status: string;
  fromDate: string;
  toDate: string;
  summary: {
    counts: { patients: number; booked: number; unassigned: number; places: number; slots: number };
    breachesBefore: Record<string, number>;
    breachesAfter: Record<string, number>;
    stillBreaching: { reason: string; text: string; count: number }[];
    unassigned: { reason: string; count: number }[];
  };
  assignments: { offset: number; limit: number; total: number; items: Assignment[] };
  stillBreaching: {
    total: number;
    items: { pathwayId: string; booked: boolean; reason: string; reasonText: string; breaches: string[] }[];
  };
}

describe.each(ENGINES)('automatic allocation on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinic: TestClinic;

  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = await h.signIn('booking-clerk');
    clinic = await createTestClinic(h, 999_300_000);
  });
  afterAll(() => h.close());

  // Each test starts from an empty orthopaedic list with no free slots, so it controls the whole plan.
  beforeEach(async () => {
    h.clock.set(NOW);
    const orgId = h.fixture.orgId;
    await h.db.db.execute(
      sql`update pathways set status = 'closed', rtt_running = false where org_id = ${orgId}`,
    );
    await h.db.db.execute(sql`update slots set status = 'cancelled' where org_id = ${orgId}`);
    await h.db.db.execute(
      sql`update allocation_plans set status = 'discarded' where org_id = ${orgId} and status = 'proposed'`,
    );
  });

  const post = (url: string, payload: object = {}, session = clerk) =>
    h.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: session.write, payload });
  const get = (url: string, session = clerk) =>
    h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: session.read });
  const makePlan = async (body: object = {}) => {
    const res = await post('/allocation-plans', { specialtyCode: '110', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<Plan>();
  };
  const bookedOf = async (ids: string[]) =>
    new Map(
      (await h.db.db.select().from(slots).where(inArray(slots.id, ids))).map(
        (s) => [s.id, s.booked] as const,
      ),
    );
  const count = async (table: 'appointments' | 'communications' | 'allocation_plans' | 'audit_log') => {
    const [row] = await queryRows<{ n: number }>(
      h.db.db,
      sql`select count(*)::int as n from ${sql.identifier(table)} where org_id = ${h.fixture.orgId}`,
    );
    return Number(row!.n);
  };
  const unavailable = (patientId: string, fromDate: string, toDate: string) =>
    h.db.db.insert(patientUnavailability).values({
      orgId: h.fixture.orgId,
      id: randomUUID(),
      patientId,
      fromDate,
      toDate,
      reason: 'Holiday',
      recordedBy: 'test',
      recordedAt: new Date(NOW),
    });

  /** The specialty worked out by hand (see each line), with the plan it must give. */
  async function smallSpecialty() {
    const s = {
      // Under the 7 days' minimum notice: the two-week-wait patient would want it, but it is not used.
      tooSoon: await clinic.addSlot('2026-11-26T10:00:00Z', { slotType: 'two-week-wait' }),
      twoWeek: await clinic.addSlot('2026-12-01T09:00:00Z', { slotType: 'two-week-wait' }),
      urgent: await clinic.addSlot('2026-12-01T10:00:00Z', { slotType: 'urgent-new' }),
      new1: await clinic.addSlot('2026-12-02T09:00:00Z'),
      procedure: await clinic.addSlot('2026-12-03T09:00:00Z', { slotType: 'procedure', capacity: 2 }),
      new2: await clinic.addSlot('2026-12-15T09:00:00Z'),
      new3: await clinic.addSlot('2026-12-22T09:00:00Z'),
    };
    const p = {
      twoWeekWait: await clinic.addPathway({
        priority: 'two-week-wait',
        referralReceivedDate: '2026-11-20',
        clockStartDate: '2026-11-20',
        rttPeriodStart: '2026-11-20',
      }),
      urgent: await clinic.addPathway({
        priority: 'urgent',
        referralReceivedDate: '2026-11-20',
        clockStartDate: '2026-11-20',
        rttPeriodStart: '2026-11-20',
      }),
      // First routine patient in turn (already past 18 weeks), away until 16 December: only the 22nd suits.
      away: await clinic.addPathway({
        referralReceivedDate: '2026-06-01',
        clockStartDate: '2026-06-01',
        rttPeriodStart: '2026-06-01',
      }),
      // Breaches 18 weeks on 5 December: only the 2 December slot avoids it.
      nearBreach: await clinic.addPathway({
        referralReceivedDate: '2026-08-01',
        clockStartDate: '2026-08-01',
        rttPeriodStart: '2026-08-01',
      }),
      routine: await clinic.addPathway(),
      procedure: await clinic.addPathway({
        clinicType: 'procedure',
        referralReceivedDate: '2026-09-01',
        clockStartDate: '2026-09-01',
        rttPeriodStart: '2026-09-01',
      }),
      // Last in turn: no new slot is left for them, and the free procedure place is not for them.
      last: await clinic.addPathway({
        referralReceivedDate: '2026-10-15',
        clockStartDate: '2026-10-15',
        rttPeriodStart: '2026-10-15',
      }),
    };
    await unavailable(p.away.patientId, '2026-11-30', '2026-12-16');
    // A removed period no longer counts.
    await h.db.db.insert(patientUnavailability).values({
      orgId: h.fixture.orgId,
      id: randomUUID(),
      patientId: p.routine.patientId,
      fromDate: '2026-11-30',
      toDate: '2027-01-31',
      reason: 'Removed',
      recordedBy: 'test',
      recordedAt: new Date(NOW),
      removedBy: 'test',
      removedAt: new Date(NOW),
    });
    const expected = new Map([
      [p.twoWeekWait.pathwayId, s.twoWeek],
      [p.urgent.pathwayId, s.urgent],
      [p.nearBreach.pathwayId, s.new1],
      [p.procedure.pathwayId, s.procedure],
      [p.routine.pathwayId, s.new2],
      [p.away.pathwayId, s.new3],
    ]);
    return { s, p, expected };
  }

  it('plans the small specialty as worked out by hand, and shows it before anything is booked', async () => {
    const { s, p, expected } = await smallSpecialty();
    const auditBefore = await count('audit_log');
    const plan = await makePlan();
    expect(plan).toMatchObject({ status: 'proposed', fromDate: '2026-11-23', toDate: '2027-01-03' });
    expect(plan.summary.counts).toMatchObject({ patients: 7, booked: 6, unassigned: 1, slots: 6, places: 7 });
    const got = new Map(plan.assignments.items.map((a) => [a.pathwayId, a.slot.id]));
    expect(got).toEqual(expected);
    // In date order: the two-week wait first, at 9am on 1 December, then the urgent patient at 10am.
    expect(plan.assignments.items.slice(0, 2).map((a) => a.pathwayId)).toEqual([
      p.twoWeekWait.pathwayId,
      p.urgent.pathwayId,
    ]);
    expect(got.has(p.last.pathwayId)).toBe(false);
    expect([...got.values()]).not.toContain(s.tooSoon);
    const first = plan.assignments.items[0]!;
    expect(first).toMatchObject({
      slot: { type: 'two-week-wait', startsAt: '2026-12-01T09:00:00.000Z', date: '2026-12-01' },
      clinic: { name: 'Ms Surgeon knee clinic' },
      noticeDays: 8,
      reasonableOffer: false,
    });
    expect(first.patient.nhsNumber).toMatch(/^\d{10}$/);
    expect(first.patient.name).toMatch(/^Patient\d+, Test$/);
    expect(first.breachesAvoided).toContain('priority-target');
    const near = plan.assignments.items.find((a) => a.pathwayId === p.nearBreach.pathwayId)!;
    expect(near.breachesAvoided).toEqual(['18-week']);
    const away = plan.assignments.items.find((a) => a.pathwayId === p.away.pathwayId)!;
    expect(away).toMatchObject({ noticeDays: 29, reasonableOffer: true });
    // Left unbooked, two patients breach 18 weeks by 3 January (away and near-breach); with the plan, one.
    expect(plan.summary.breachesBefore['18-week']).toBe(2);
    expect(plan.summary.breachesAfter['18-week']).toBe(1);
    expect(plan.summary.breachesBefore['priority-target']).toBe(2);
    expect(plan.summary.breachesAfter['priority-target']).toBe(0);
    // The patient away over the early slots is past 18 weeks already: that is why they still breach.
    expect(plan.stillBreaching.items).toEqual([
      expect.objectContaining({
        pathwayId: p.away.pathwayId,
        booked: true,
        reason: 'already-breached',
        breaches: ['18-week'],
      }),
    ]);
    expect(plan.stillBreaching.items[0]!.reasonText).toMatch(/^Already past the breach date/);
    expect(plan.summary.unassigned.find((u) => u.reason === 'capacity')!.count).toBe(1);
    // Nothing is booked yet; every patient on the list is audited as read for the plan.
    expect(await bookedOf(Object.values(s))).toEqual(new Map(Object.values(s).map((id) => [id, 0])));
    const audited = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'AllocationPlan.create'), eq(auditLog.resourceType, 'Pathway')));
    expect(new Set(audited.map((a) => a.resourceId))).toEqual(
      new Set(Object.values(p).map((x) => x.pathwayId)),
    );
    expect(await count('audit_log')).toBeGreaterThan(auditBefore);

    // Read back a page at a time; the list shows the plan.
    const page = await get(`/allocation-plans/${plan.id}?offset=2&limit=2`);
    expect(page.statusCode, page.body).toBe(200);
    expect(page.json().assignments).toMatchObject({ offset: 2, limit: 2, total: 6 });
    expect(page.json().assignments.items.map((a: Assignment) => a.pathwayId)).toEqual(
      plan.assignments.items.slice(2, 4).map((a) => a.pathwayId),
    );
    const list = await get('/allocation-plans?specialty=110');
    expect(list.json().plans[0]).toMatchObject({ id: plan.id, status: 'proposed', patients: 7, booked: 6 });
  });

  it('applies the plan: exactly the planned appointments, slot counts, a letter and an audit row each', async () => {
    const { s, expected } = await smallSpecialty();
    const plan = await makePlan();
    const res = await post(`/allocation-plans/${plan.id}/apply`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'applied',
      appointmentsBooked: 6,
      lettersQueued: 6,
      slotsUsed: 6,
    });

    const made = await h.db.db
      .select()
      .from(appointments)
      .where(inArray(appointments.pathwayId, [...expected.keys()]));
    expect(new Map(made.map((a) => [a.pathwayId, a.slotId]))).toEqual(expected);
    for (const a of made) {
      const planned = plan.assignments.items.find((x) => x.pathwayId === a.pathwayId)!;
      expect(a).toMatchObject({
        status: 'booked',
        offeredOn: '2026-11-23',
        noticeDays: planned.noticeDays,
        reasonableOffer: planned.reasonableOffer,
        outOfTurnReason: planned.outOfTurn ? OUT_OF_TURN : null,
        bookedBy: h.fixture.users['booking-clerk'].id,
      });
    }
    const booked = await bookedOf(Object.values(s));
    expect(booked).toEqual(
      new Map([
        [s.tooSoon, 0],
        [s.twoWeek, 1],
        [s.urgent, 1],
        [s.new1, 1],
        [s.procedure, 1],
        [s.new2, 1],
        [s.new3, 1],
      ]),
    );
    const letters = await h.db.db
      .select()
      .from(communications)
      .where(
        inArray(
          communications.appointmentId,
          made.map((a) => a.id),
        ),
      );
    expect(letters).toHaveLength(6);
    expect(letters.every((l) => l.kind === 'appointment-booked' && l.status === 'queued')).toBe(true);
    expect(new Set(letters.map((l) => l.appointmentId))).toEqual(new Set(made.map((a) => a.id)));
    const audited = await h.db.db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.action, 'Appointment.book'),
          inArray(
            auditLog.resourceId,
            made.map((a) => a.id),
          ),
        ),
      );
    expect(new Map(audited.map((a) => [a.resourceId, a.patientId]))).toEqual(
      new Map(made.map((a) => [a.id, a.patientId])),
    );
    const [stored] = await h.db.db.select().from(allocationPlans).where(eq(allocationPlans.id, plan.id));
    expect(stored).toMatchObject({ status: 'applied', decidedBy: h.fixture.users['booking-clerk'].id });

    // Once applied, it cannot be applied (or discarded) again, and nothing more is booked.
    const before = await count('appointments');
    const again = await post(`/allocation-plans/${plan.id}/apply`);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'conflict' });
    expect(again.json().detail).toMatch(/already been applied/);
    expect((await post(`/allocation-plans/${plan.id}/discard`)).statusCode).toBe(409);
    expect(await count('appointments')).toBe(before);
    // The patients now booked are off the waiting list: a new plan has nobody to book but the last.
    const next = await makePlan();
    expect(next.summary.counts).toMatchObject({ patients: 1, booked: 0 });
  });

  it('books nothing from a plan gone stale, says how many appointments are stale, and keeps it proposed', async () => {
    const a = await clinic.addSlot('2026-12-21T09:00:00Z');
    const b = await clinic.addSlot('2026-12-21T10:00:00Z');
    const first = await clinic.addPathway({ rttPeriodStart: '2026-08-10', clockStartDate: '2026-08-10' });
    const second = await clinic.addPathway();
    const plan = await makePlan();
    expect(plan.summary.counts.booked).toBe(2);
    // Someone books one of the plan's slots by hand for another patient (written as a booking writes it, so
    // this test does not depend on the booking route).
    const other = await clinic.addPathway({ rttPeriodStart: '2026-11-01', clockStartDate: '2026-11-01' });
    await h.db.db.execute(sql`update slots set booked = booked + 1 where id = ${a}`);
    await h.db.db.insert(appointments).values({
      orgId: h.fixture.orgId,
      id: randomUUID(),
      slotId: a,
      pathwayId: other.pathwayId,
      patientId: other.patientId,
      startsAt: new Date('2026-12-21T09:00:00Z'),
      endsAt: new Date('2026-12-21T09:20:00Z'),
      slotType: 'new',
      status: 'booked',
      offeredOn: '2026-11-23',
      noticeDays: 28,
      reasonableOffer: true,
      outOfTurnReason: 'Only date the patient can attend',
      bookedBy: h.fixture.users['booking-clerk'].id,
      bookedAt: new Date(NOW),
    });
    const appointmentsBefore = await count('appointments');
    const lettersBefore = await count('communications');

    const res = await post(`/allocation-plans/${plan.id}/apply`);
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'conflict',
      staleAssignments: 1,
      totalAssignments: 2,
      stale: { slotFull: 1 },
    });
    expect(res.json().detail).toMatch(
      /^1 of the 2 planned appointments can no longer be booked.*Make a new plan/,
    );
    expect(await count('appointments')).toBe(appointmentsBefore);
    expect(await count('communications')).toBe(lettersBefore);
    expect(await bookedOf([a, b])).toEqual(
      new Map([
        [a, 1],
        [b, 0],
      ]),
    );
    const [stored] = await h.db.db.select().from(allocationPlans).where(eq(allocationPlans.id, plan.id));
    expect(stored!.status).toBe('proposed');

    // A new plan books what is left (the second patient's pathway has closed meanwhile).
    await h.db.db.execute(sql`update pathways set status = 'closed' where id = ${second.pathwayId}`);
    const next = await makePlan();
    expect(next.assignments.items.map((x) => [x.pathwayId, x.slot.id])).toEqual([[first.pathwayId, b]]);
    const applied = await post(`/allocation-plans/${next.id}/apply`);
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json().appointmentsBooked).toBe(1);
  });

  it('only the newest proposed plan of a specialty can be applied, and a plan can be discarded', async () => {
    await clinic.addSlot('2026-12-21T11:00:00Z');
    await clinic.addPathway();
    const older = await makePlan();
    const newer = await makePlan();
    const res = await post(`/allocation-plans/${older.id}/apply`);
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toMatch(/newer plan/);
    const discarded = await post(`/allocation-plans/${newer.id}/discard`);
    expect(discarded.statusCode, discarded.body).toBe(200);
    expect(discarded.json().status).toBe('discarded');
    expect((await post(`/allocation-plans/${newer.id}/apply`)).statusCode).toBe(409);
    expect((await get(`/allocation-plans/${newer.id}`)).json().status).toBe('discarded');
  });

  it('refuses bad input with the field named, and writes nothing', async () => {
    const plansBefore = await count('allocation_plans');
    const auditBefore = await count('audit_log');
    const cases: [object, string][] = [
      [{ specialtyCode: '999' }, '/body/specialtyCode'],
      [{ specialtyCode: '110', weeks: 0 }, '/body/weeks'],
      [{ specialtyCode: '110', weeks: 27 }, '/body/weeks'],
      [{ specialtyCode: '110', minNoticeDays: -1 }, '/body/minNoticeDays'],
      [{ specialtyCode: '110', weeks: 1, minNoticeDays: 7 }, '/body/minNoticeDays'],
      [{ specialtyCode: '110', fromDate: '2026-11-22' }, '/body/fromDate'],
      [{ specialtyCode: '110', fromDate: '23/11/2026' }, '/body/fromDate'],
      [{}, '/body/specialtyCode'],
    ];
    for (const [body, field] of cases) {
      const res = await post('/allocation-plans', body);
      expect(res.statusCode, `${JSON.stringify(body)} ${res.body}`).toBe(400);
      expect(res.json().code).toBe('validation_failed');
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const unknown = randomUUID();
    expect((await get(`/allocation-plans/${unknown}`)).statusCode).toBe(404);
    expect((await post(`/allocation-plans/${unknown}/apply`)).statusCode).toBe(404);
    expect((await post(`/allocation-plans/${unknown}/discard`)).statusCode).toBe(404);
    expect((await get('/allocation-plans/not-a-uuid')).statusCode).toBe(400);
    expect((await get(`/allocation-plans/${unknown}?limit=0`)).statusCode).toBe(400);
    expect(await count('allocation_plans')).toBe(plansBefore);
    expect(await count('audit_log')).toBe(auditBefore);
  });

  it('refuses roles without booking rights, writing nothing', async () => {
    await clinic.addSlot('2026-12-21T12:00:00Z');
    await clinic.addPathway();
    const plan = await makePlan();
    for (const role of ['flow-coordinator', 'service-manager', 'care-coordinator', 'admin'] as const) {
      const s = await h.signIn(role);
      const made = await post('/allocation-plans', { specialtyCode: '110' }, s);
      expect(made.statusCode, role).toBe(403);
      expect((await post(`/allocation-plans/${plan.id}/apply`, {}, s)).statusCode, role).toBe(403);
      expect((await post(`/allocation-plans/${plan.id}/discard`, {}, s)).statusCode, role).toBe(403);
    }
    // A service manager may look at plans (Appointment.read); a flow coordinator may not.
    const manager = await h.signIn('service-manager');
    expect((await get(`/allocation-plans/${plan.id}`, manager)).statusCode).toBe(200);
    const flow = await h.signIn('flow-coordinator');
    expect((await get(`/allocation-plans/${plan.id}`, flow)).statusCode).toBe(403);
    expect((await get('/allocation-plans', flow)).statusCode).toBe(403);
    const [stored] = await h.db.db.select().from(allocationPlans).where(eq(allocationPlans.id, plan.id));
    expect(stored!.status).toBe('proposed');
  });

  it('applies a plan sent twice at once exactly once', async () => {
    const slotIds = [
      await clinic.addSlot('2026-12-28T09:00:00Z', { capacity: 3 }),
      await clinic.addSlot('2026-12-28T10:00:00Z', { capacity: 3 }),
    ];
    for (let i = 0; i < 6; i++) await clinic.addPathway();
    const plan = await makePlan();
    expect(plan.summary.counts.booked).toBe(6);
    const before = await count('appointments');
    const answers = await Promise.all([
      post(`/allocation-plans/${plan.id}/apply`),
      post(`/allocation-plans/${plan.id}/apply`),
    ]);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(await count('appointments')).toBe(before + 6);
    expect(await bookedOf(slotIds)).toEqual(new Map(slotIds.map((id) => [id, 3])));
  });
});
