/**
 * Booking transactions over the API: hold, book, cancel, reschedule; the rules (slot type, notice, one
 * appointment per pathway, no overlapping appointments, book in turn); Idempotency-Key; and capacity under
 * concurrent load, enforced by PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client';
import { auditLog, pathways, slots } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';

const NOW = '2026-11-23T09:00:00Z';

describe.each(ENGINES)('booking on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinic: TestClinic;
  const addSlot: TestClinic['addSlot'] = (startsAt, over) => clinic.addSlot(startsAt, over);
  const addPathway: TestClinic['addPathway'] = (over) => clinic.addPathway(over);

  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = await h.signIn('booking-clerk');
    clinic = await createTestClinic(h);
    // The fixture's routine orthopaedic pathways (Alice and Bob, from 1 September) wait ahead of ours:
    // close them so each test controls who is in turn.
    await h.db.db.execute(
      sql`update pathways set status = 'closed', rtt_running = false where org_id = ${h.fixture.orgId}`,
    );
  });
  afterAll(() => h.close());

  const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
    h.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: { ...clerk.write, ...headers }, payload });
  const get = (url: string) => h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: clerk.read });
  const slotRow = async (id: string) => (await h.db.db.select().from(slots).where(eq(slots.id, id)))[0]!;
  const closeAll = () =>
    h.db.db.execute(
      sql`update pathways set status = 'closed', rtt_running = false where org_id = ${h.fixture.orgId}`,
    );

  it('books the patient in turn, recording the notice and that the offer is reasonable, and audits it', async () => {
    h.clock.set(NOW);
    const slotId = await addSlot('2026-12-21T09:00:00Z');
    const first = await addPathway({ rttPeriodStart: '2026-08-01', clockStartDate: '2026-08-01' });
    await addPathway();
    const inTurn = await get(`/slots/${slotId}/in-turn`);
    expect(inTurn.statusCode, inTurn.body).toBe(200);
    expect(inTurn.json().patients[0]).toMatchObject({ pathwayId: first.pathwayId, breachDate: '2026-12-06' });
    const res = await post('/appointments', { slotId, pathwayId: first.pathwayId });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      status: 'booked',
      noticeDays: 28,
      reasonableOffer: true,
      outOfTurnReason: null,
    });
    expect(await slotRow(slotId)).toMatchObject({ booked: 1, held: 0 });
    // The PTL shows the booked appointment, and attending it as the next action.
    const ptl = await get('/ptl?specialty=110&limit=500');
    const row = ptl.json().rows.find((r: { pathwayId: string }) => r.pathwayId === first.pathwayId);
    expect(row).toMatchObject({
      appointment: { start: '2026-12-21T09:00:00.000Z', clinic: 'Ms Surgeon knee clinic' },
      nextAction: { label: 'Attend appointment', due: '2026-12-21' },
    });
    const audited = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'Appointment.create'), eq(auditLog.resourceId, res.json().id)));
    expect(audited[0]!.patientId).toBe(first.patientId);
    // Full now, and the pathway already has its appointment.
    const again = await post('/appointments', { slotId, pathwayId: (await addPathway()).pathwayId });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('slot_unavailable');
    const twice = await post('/appointments', {
      slotId: await addSlot('2026-12-22T09:00:00Z'),
      pathwayId: first.pathwayId,
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().errors[0].field).toBe('/body/pathwayId');
    await closeAll();
  });

  it('records short notice as not a reasonable offer', async () => {
    const slotId = await addSlot('2026-11-30T10:00:00Z');
    const { pathwayId } = await addPathway();
    const res = await post('/appointments', { slotId, pathwayId });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ noticeDays: 7, reasonableOffer: false });
    await closeAll();
  });

  it('needs a reason to book out of turn, and keeps it', async () => {
    const slotId = await addSlot('2026-12-28T09:00:00Z');
    await addPathway({ priority: 'urgent' });
    const routine = await addPathway({ rttPeriodStart: '2026-06-01', clockStartDate: '2026-06-01' });
    const refused = await post('/appointments', { slotId, pathwayId: routine.pathwayId });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      code: 'booking_rule_violation',
      errors: [{ field: '/body/outOfTurnReason' }],
    });
    expect(refused.json().detail).toMatch(/^1 patient is due to be booked before this one/);
    expect((await slotRow(slotId)).booked).toBe(0);
    const ok = await post('/appointments', {
      slotId,
      pathwayId: routine.pathwayId,
      outOfTurnReason: 'Only date the patient can attend',
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().outOfTurnReason).toBe('Only date the patient can attend');
    await closeAll();
  });

  it('refuses the wrong slot type, a past slot, a cancelled clinic and unknown records, writing nothing', async () => {
    const { pathwayId } = await addPathway();
    const followUp = await addSlot('2026-12-21T10:00:00Z', { slotType: 'follow-up' });
    const past = await addSlot('2026-11-20T10:00:00Z');
    const cancelled = await addSlot('2026-12-21T11:00:00Z', { status: 'cancelled' });
    const cases: [object, number, string, string][] = [
      [{ slotId: followUp, pathwayId }, 422, 'booking_rule_violation', '/body/slotId'],
      [{ slotId: past, pathwayId }, 422, 'booking_rule_violation', '/body/slotId'],
      [{ slotId: cancelled, pathwayId }, 409, 'slot_unavailable', '/body/slotId'],
      [{ slotId: randomUUID(), pathwayId }, 404, 'not_found', ''],
      [{ slotId: followUp, pathwayId: randomUUID() }, 404, 'not_found', ''],
      [{ slotId: 'not-a-slot', pathwayId }, 400, 'validation_failed', '/body/slotId'],
      [{ slotId: followUp, pathwayId, colour: 'red' }, 400, 'validation_failed', '/body/colour'],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await post('/appointments', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(res.json().code).toBe(code);
      if (field) expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const [{ n }] = (await queryRows<{ n: number }>(
      h.db.db,
      sql`select count(*)::int as n from appointments where pathway_id = ${pathwayId}`,
    )) as [{ n: number }];
    expect(n).toBe(0);
    const urgentSlot = await addSlot('2026-12-21T12:00:00Z', { slotType: 'two-week-wait' });
    const wrong = await post('/appointments', { slotId: urgentSlot, pathwayId });
    expect(wrong.json().detail).toMatch(/does not suit this routine first appointment: use a new slot/);
    await closeAll();
  });

  it('never books a patient into two overlapping appointments', async () => {
    const a = await addPathway();
    const second = randomUUID();
    await h.db.db.insert(pathways).values({
      orgId: h.fixture.orgId,
      id: second,
      patientId: a.patientId,
      ppid: `XT1OVERLAP${randomUUID().slice(0, 8)}`,
      ppidIssuer: h.fixture.odsCode,
      specialtyCode: '110',
      source: 'gp-paper',
      priority: 'routine',
      referralReceivedDate: '2026-10-02',
      clockStartDate: '2026-10-02',
      status: 'open',
      rttRunning: true,
      rttPeriodStart: '2026-10-02',
    });
    const s1 = await addSlot('2027-01-04T09:00:00Z');
    const s2 = await addSlot('2027-01-04T09:10:00Z', { clinicianId: null });
    expect((await post('/appointments', { slotId: s1, pathwayId: a.pathwayId })).statusCode).toBe(201);
    const clash = await post('/appointments', { slotId: s2, pathwayId: second });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().detail).toMatch(/already has an appointment at that time/);
    await closeAll();
  });

  it('holds a place for a few minutes; the hold books, and an expired hold frees its place', async () => {
    h.clock.set(NOW);
    const slotId = await addSlot('2027-01-05T09:00:00Z');
    const a = await addPathway({ rttPeriodStart: '2026-07-01', clockStartDate: '2026-07-01' });
    const b = await addPathway();
    const hold = await post(`/slots/${slotId}/holds`, { pathwayId: a.pathwayId, minutes: 5 });
    expect(hold.statusCode, hold.body).toBe(201);
    expect(hold.json().expiresAt).toBe('2026-11-23T09:05:00.000Z');
    expect(await slotRow(slotId)).toMatchObject({ booked: 0, held: 1 });
    const blocked = await post('/appointments', { slotId, pathwayId: b.pathwayId, outOfTurnReason: 'Test' });
    expect(blocked.statusCode).toBe(409);
    h.clock.advance(6 * 60_000);
    const late = await post('/appointments', { slotId, pathwayId: a.pathwayId, holdId: hold.json().id });
    expect(late.statusCode).toBe(422);
    expect(late.json().errors[0].field).toBe('/body/holdId');
    const freed = await post('/appointments', { slotId, pathwayId: b.pathwayId, outOfTurnReason: 'Test' });
    expect(freed.statusCode, freed.body).toBe(201);
    expect(await slotRow(slotId)).toMatchObject({ booked: 1, held: 0 });

    const other = await addSlot('2027-01-06T09:00:00Z');
    const held = await post(`/slots/${other}/holds`, { pathwayId: a.pathwayId });
    const booked = await post('/appointments', {
      slotId: other,
      pathwayId: a.pathwayId,
      holdId: held.json().id,
    });
    expect(booked.statusCode, booked.body).toBe(201);
    expect(await slotRow(other)).toMatchObject({ booked: 1, held: 0 });
    h.clock.set(NOW);
    await closeAll();
  });

  it('cancels by the patient or the hospital with a reason, freeing the place', async () => {
    const slotId = await addSlot('2027-01-07T09:00:00Z');
    const { pathwayId } = await addPathway();
    const booked = await post('/appointments', { slotId, pathwayId });
    const id = booked.json().id as string;
    const bad = await post(`/appointments/${id}/cancel`, { by: 'someone', reason: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['/body/by', '/body/reason']),
    );
    const res = await post(`/appointments/${id}/cancel`, { by: 'patient', reason: 'On holiday' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'cancelled',
      cancelledBy: 'patient',
      cancelReason: 'On holiday',
    });
    expect((await slotRow(slotId)).booked).toBe(0);
    expect((await post(`/appointments/${id}/cancel`, { by: 'patient', reason: 'Again' })).statusCode).toBe(
      409,
    );
    await closeAll();
  });

  it('reschedules in one go: the new slot booked, the old one freed', async () => {
    const from = await addSlot('2027-01-11T09:00:00Z');
    const to = await addSlot('2027-01-18T09:00:00Z');
    const { pathwayId } = await addPathway();
    const booked = await post('/appointments', { slotId: from, pathwayId });
    const res = await post(`/appointments/${booked.json().id}/reschedule`, {
      slotId: to,
      by: 'hospital',
      reason: 'Clinician on leave',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ slotId: to, replacesId: booked.json().id, status: 'booked' });
    expect((await slotRow(from)).booked).toBe(0);
    expect((await slotRow(to)).booked).toBe(1);
    const old = await get(`/appointments/${booked.json().id}`);
    expect(old.json()).toMatchObject({ status: 'rescheduled', cancelledBy: 'hospital' });
    await closeAll();
  });

  it('books once for a retried request with the same Idempotency-Key', async () => {
    const slotId = await addSlot('2027-01-12T09:00:00Z', { capacity: 3 });
    const { pathwayId } = await addPathway();
    const key = randomUUID();
    const first = await post('/appointments', { slotId, pathwayId }, { 'idempotency-key': key });
    const retry = await post('/appointments', { slotId, pathwayId }, { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect((await slotRow(slotId)).booked).toBe(1);
    const other = await post(
      '/appointments',
      { slotId, pathwayId: (await addPathway()).pathwayId },
      { 'idempotency-key': key },
    );
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency_key_reused');
    const badKey = await post('/appointments', { slotId, pathwayId }, { 'idempotency-key': 'short' });
    expect(badKey.statusCode).toBe(400);
    expect(badKey.json().errors[0].field).toBe('/headers/idempotency-key');
    await closeAll();
  });

  it('lets PostgreSQL refuse more bookings than places, whatever the code does', async () => {
    const slotId = await addSlot('2027-01-13T09:00:00Z', { capacity: 2 });
    await expect(h.db.db.execute(sql`update slots set booked = 3 where id = ${slotId}`)).rejects.toThrow();
    expect((await slotRow(slotId)).booked).toBe(0);
  });

  it('fires 50 bookings at one slot at once: exactly one succeeds and 49 get a clear 409', async () => {
    const slotId = await addSlot('2027-01-14T09:00:00Z');
    const people = await Promise.all(Array.from({ length: 50 }, () => addPathway()));
    const results = await Promise.all(
      people.map(({ pathwayId }) =>
        post('/appointments', { slotId, pathwayId, outOfTurnReason: 'Load test' }),
      ),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(49);
    for (const r of results.filter((x) => x.statusCode === 409))
      expect(r.json().code).toBe('slot_unavailable');
    expect((await slotRow(slotId)).booked).toBe(1);
    await closeAll();
  });

  it('never over-books under many concurrent clients booking many slots', async () => {
    const slotIds = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        addSlot(`2027-02-0${1 + (i % 5)}T${String(9 + Math.floor(i / 5)).padStart(2, '0')}:00:00Z`, {
          capacity: 1 + (i % 3),
        }),
      ),
    );
    const people = await Promise.all(Array.from({ length: 60 }, () => addPathway()));
    // A seeded shuffle: each person tries three slots in turn until one books.
    let state = 42;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    await Promise.all(
      people.map(async ({ pathwayId }) => {
        for (let t = 0; t < 3; t++) {
          const slotId = slotIds[Math.floor(next() * slotIds.length)]!;
          const res = await post('/appointments', { slotId, pathwayId, outOfTurnReason: 'Load test' });
          if (res.statusCode === 201) return;
          expect([409], res.body).toContain(res.statusCode);
        }
      }),
    );
    const counts = await queryRows<{ id: string; capacity: number; booked: number; appointments: number }>(
      h.db.db,
      sql`select s.id, s.capacity, s.booked,
                 (select count(*)::int from appointments a where a.slot_id = s.id and a.status = 'booked') as appointments
            from slots s where s.id in (${sql.join(
              slotIds.map((id) => sql`${id}::uuid`),
              sql`, `,
            )})`,
    );
    for (const c of counts) {
      expect(c.booked).toBeLessThanOrEqual(c.capacity);
      expect(c.appointments).toBe(c.booked);
    }
    const total = counts.reduce((n, c) => n + c.booked, 0);
    expect(total).toBeGreaterThan(0);
    const [{ n }] = (await queryRows<{ n: number }>(
      h.db.db,
      sql`select count(*)::int as n from appointments where status = 'booked' and slot_id in (${sql.join(
        slotIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`,
    )) as [{ n: number }];
    expect(n).toBe(total);
  });
});
