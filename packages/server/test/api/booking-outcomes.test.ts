/**
 * After the appointment: attendance (a missed first appointment and the clock) and the clinic outcome, each
 * recording its RTT status through the engine; the follow-up and admitted waiting lists.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { admittedListEntries, followUps, pathways, rttEvents } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';

describe.each(ENGINES)('appointment outcomes on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinician: Session;
  let clinic: TestClinic;
  beforeAll(async () => {
    // Each test moves the clock a week on and signs in again: more sign-ins than the per-minute limit.
    h = await createHarness(engine, { PATHFLOW_SIGN_IN_RATE_LIMIT: '1000' });
    clerk = await h.signIn('booking-clerk');
    clinician = await h.signIn('clinician');
    clinic = await createTestClinic(h, 999_300_000);
    await h.db.db.execute(
      sql`update pathways set status = 'closed', rtt_running = false where org_id = ${h.fixture.orgId}`,
    );
  });
  afterAll(() => h.close());
  beforeEach(() => h.clock.set('2026-11-23T09:00:00Z'));

  const post = (url: string, payload: object, s: Session = clerk) =>
    h.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: s.write, payload });
  const events = (pathwayId: string) =>
    h.db.db.select().from(rttEvents).where(eq(rttEvents.pathwayId, pathwayId));
  const pathwayRow = async (id: string) =>
    (await h.db.db.select().from(pathways).where(eq(pathways.id, id)))[0]!;

  /** Books a pathway into a slot on 30 November 2026 at 09:00, then moves the clock to that afternoon. */
  const bookAndArrive = async (over: Parameters<TestClinic['addPathway']>[0] = {}, slotType = 'new') => {
    h.clock.set('2026-11-23T09:00:00Z');
    clerk = await h.signIn('booking-clerk');
    const { pathwayId } = await clinic.addPathway(over);
    const slotId = await clinic.addSlot('2026-11-30T09:00:00Z', { capacity: 20, slotType });
    const booked = await post('/appointments', { slotId, pathwayId, outOfTurnReason: 'Test' });
    expect(booked.statusCode, booked.body).toBe(201);
    h.clock.set('2026-11-30T14:00:00Z');
    clerk = await h.signIn('booking-clerk');
    clinician = await h.signIn('clinician');
    return { pathwayId, appointmentId: booked.json().id as string };
  };

  it('refuses attendance before the appointment day', async () => {
    const { pathwayId } = await clinic.addPathway();
    const slotId = await clinic.addSlot('2026-12-14T09:00:00Z', { capacity: 20 });
    const booked = await post('/appointments', { slotId, pathwayId, outOfTurnReason: 'Test' });
    const res = await post(`/appointments/${booked.json().id}/attendance`, { status: 'attended' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('/body/status');
  });

  it('refuses a did-not-attend before the appointment has started, and changes nothing', async () => {
    const { pathwayId, appointmentId } = await bookAndArrive();
    h.clock.set('2026-11-30T08:59:00Z');
    clerk = await h.signIn('booking-clerk');
    const early = await post(`/appointments/${appointmentId}/attendance`, {
      status: 'dna',
      appointmentCommunicated: true,
    });
    expect(early.statusCode).toBe(422);
    expect(early.json()).toMatchObject({
      code: 'booking_rule_violation',
      rule: 'RECEPTION-dna-before-start',
      errors: [{ field: '/body/status' }],
    });
    expect(await events(pathwayId)).toEqual([]);
    // Arriving early is fine: the patient is at the desk before their time.
    const arrived = await post(`/appointments/${appointmentId}/attendance`, { status: 'arrived' });
    expect(arrived.statusCode, arrived.body).toBe(200);
  });

  it('a missed first appointment that was communicated nullifies the clock (33)', async () => {
    const { pathwayId, appointmentId } = await bookAndArrive();
    const missing = await post(`/appointments/${appointmentId}/attendance`, { status: 'dna' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0].field).toBe('/body/appointmentCommunicated');
    const res = await post(`/appointments/${appointmentId}/attendance`, {
      status: 'dna',
      appointmentCommunicated: true,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('dna');
    expect(await events(pathwayId)).toMatchObject([
      { code: '33', eventDate: '2026-11-30', appointmentCommunicated: true, origin: 'appointment' },
    ]);
    expect((await pathwayRow(pathwayId)).rttRunning).toBe(false);
    const again = await post(`/appointments/${appointmentId}/attendance`, { status: 'attended' });
    expect(again.statusCode).toBe(409);
  });

  it('a missed two-week-wait first appointment keeps the clock running', async () => {
    const { pathwayId, appointmentId } = await bookAndArrive({ priority: 'two-week-wait' }, 'two-week-wait');
    const res = await post(`/appointments/${appointmentId}/attendance`, {
      status: 'dna',
      appointmentCommunicated: true,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await events(pathwayId)).toMatchObject([{ code: '33' }]);
    expect((await pathwayRow(pathwayId)).rttRunning).toBe(true);
  });

  it('follow-up in 6 weeks records 20 and puts the patient on the follow-up list', async () => {
    const { pathwayId, appointmentId } = await bookAndArrive();
    expect((await post(`/appointments/${appointmentId}/attendance`, { status: 'attended' })).statusCode).toBe(
      200,
    );
    const missing = await post(`/appointments/${appointmentId}/outcome`, { outcome: 'follow-up' }, clinician);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0].field).toBe('/body/followUpWeeks');
    const res = await post(
      `/appointments/${appointmentId}/outcome`,
      { outcome: 'follow-up', followUpWeeks: 6 },
      clinician,
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      rttCode: '20',
      followUp: { dueDate: '2027-01-11', slotType: 'follow-up' },
      pathwayClosed: false,
    });
    const [entry] = await h.db.db.select().from(followUps).where(eq(followUps.pathwayId, pathwayId));
    expect(entry).toMatchObject({ dueDate: '2027-01-11', status: 'waiting', specialtyCode: '110' });
    expect((await pathwayRow(pathwayId)).rttRunning).toBe(true);
    const twice = await post(`/appointments/${appointmentId}/outcome`, { outcome: 'discharge' }, clinician);
    expect(twice.statusCode).toBe(409);
  });

  it('a decision to admit records 20 and adds the patient to the admitted list with its target date', async () => {
    const { pathwayId, appointmentId } = await bookAndArrive();
    await post(`/appointments/${appointmentId}/attendance`, { status: 'attended' });
    const res = await post(
      `/appointments/${appointmentId}/outcome`,
      { outcome: 'add-to-admitted-list', admittedPriority: 'P2', procedure: 'Knee arthroscopy' },
      clinician,
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().admittedListEntry).toMatchObject({ priority: 'P2', dueBy: '2026-12-28' });
    const [entry] = await h.db.db
      .select()
      .from(admittedListEntries)
      .where(eq(admittedListEntries.pathwayId, pathwayId));
    expect(entry).toMatchObject({ priority: 'P2', procedure: 'Knee arthroscopy', decidedOn: '2026-11-30' });
  });

  it('treatment started stops the clock (30); discharge stops it (34) and closes the pathway', async () => {
    const treated = await bookAndArrive();
    await post(`/appointments/${treated.appointmentId}/attendance`, { status: 'attended' });
    const t = await post(
      `/appointments/${treated.appointmentId}/outcome`,
      { outcome: 'treatment-started' },
      clinician,
    );
    expect(t.json().rttCode).toBe('30');
    expect((await pathwayRow(treated.pathwayId)).rttRunning).toBe(false);

    const discharged = await bookAndArrive();
    await post(`/appointments/${discharged.appointmentId}/attendance`, { status: 'arrived' });
    await post(`/appointments/${discharged.appointmentId}/attendance`, { status: 'attended' });
    const d = await post(
      `/appointments/${discharged.appointmentId}/outcome`,
      { outcome: 'discharge' },
      clinician,
    );
    expect(d.json()).toMatchObject({ rttCode: '34', pathwayClosed: true });
    expect(await pathwayRow(discharged.pathwayId)).toMatchObject({ status: 'closed', rttRunning: false });
  });

  it('active monitoring started by the patient records 31', async () => {
    const { appointmentId } = await bookAndArrive();
    await post(`/appointments/${appointmentId}/attendance`, { status: 'attended' });
    const res = await post(
      `/appointments/${appointmentId}/outcome`,
      { outcome: 'active-monitoring', activeMonitoringBy: 'patient' },
      clinician,
    );
    expect(res.json().rttCode).toBe('31');
  });

  it('needs an attended appointment for an outcome, and refuses roles that cannot record one', async () => {
    const { appointmentId } = await bookAndArrive();
    const early = await post(`/appointments/${appointmentId}/outcome`, { outcome: 'discharge' }, clinician);
    expect(early.statusCode).toBe(409);
    const manager = await h.signIn('service-manager');
    const refused = await post(`/appointments/${appointmentId}/outcome`, { outcome: 'discharge' }, manager);
    expect(refused.statusCode).toBe(403);
  });
});
