/**
 * The partial-booking list over the API (§2.1, §2.6): added → invited the policy's weeks before the due date →
 * no reply in 14 days → one reminder → no reply → a task for the booking team; the patient stays on the list and no
 * clock changes. A reply or a booking stops the chain; "no longer needed" asks a clinician to confirm, never
 * removes. The jobs are run with `runDueJobs` after moving the test clock.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditLog,
  communications,
  partialBookings,
  pathways,
  patients,
  rttEvents,
  scheduledJobs,
  tasks,
} from '../../src/db/schema';
import { queryRows } from '../../src/db/client';
import { runDueJobs } from '../../src/jobs/scheduler';
import { jobHandlers } from '../../src/jobs/handlers';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';

const NOW = '2026-11-23T09:00:00Z';
/** 09:00 London on a winter day is 09:00 UTC. */
const nine = (date: string) => `${date}T09:00:00Z`;

describe.each(ENGINES)('partial booking on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinic: TestClinic;
  let phoneSeq = 200;

  beforeAll(async () => {
    h = await createHarness(engine, { PATHFLOW_SIGN_IN_RATE_LIMIT: '1000' });
    clinic = await createTestClinic(h, 999_420_000);
  });
  afterAll(() => h.close());

  const at = async (iso: string) => {
    h.clock.set(iso);
    clerk = await h.signIn('booking-clerk');
  };
  const post = (url: string, payload: object, as: Session = clerk) =>
    h.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: as.write, payload });
  const get = (url: string, as: Session = clerk) =>
    h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: as.read });
  const runJobs = () => runDueJobs(h.db.db, { handlers: jobHandlers(), now: h.clock.now });
  const entry = async (id: string) =>
    (await h.db.db.select().from(partialBookings).where(eq(partialBookings.id, id)))[0]!;
  const messages = (id: string) =>
    h.db.db
      .select()
      .from(communications)
      .where(sql`${communications.detail}->>'partialBookingId' = ${id}`)
      .orderBy(communications.createdAt, communications.channel);
  const tasksOf = (id: string) =>
    h.db.db
      .select()
      .from(tasks)
      .where(sql`${tasks.detail}->>'partialBookingId' = ${id}`)
      .orderBy(tasks.createdAt);
  const count = async (table: string) =>
    (
      await queryRows<{ n: number }>(
        h.db.db,
        sql`select count(*)::int as n from ${sql.identifier(table)} where org_id = ${h.fixture.orgId}`,
      )
    )[0]!.n;
  const writes = () =>
    Promise.all(['partial_bookings', 'scheduled_jobs', 'tasks', 'communications'].map(count));

  /** A patient with an open pathway and a UK mobile (so the invitation also goes by SMS). */
  async function patientWithPathway(specialtyCode = '110') {
    const p = await clinic.addPathway({ specialtyCode });
    await h.db.db
      .update(patients)
      .set({ phone: `07700 900${(phoneSeq += 1)}` })
      .where(eq(patients.id, p.patientId));
    return p;
  }

  async function add(pathwayId: string, dueDate: string, latestDate?: string) {
    const res = await post('/partial-bookings', {
      pathwayId,
      dueDate,
      ...(latestDate ? { latestDate } : {}),
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string; inviteOn: string; status: string; nextStep: string; nextStepOn: string }>();
  }

  it('runs the whole chain: invite → no reply → reminder → no reply → a task; stays on the list, no clock change', async () => {
    await at(NOW);
    const p = await patientWithPathway();
    const created = await add(p.pathwayId, '2027-03-01', '2027-03-15');
    expect(created).toMatchObject({
      status: 'waiting',
      inviteOn: '2027-01-18',
      nextStep: 'invite',
      nextStepOn: '2027-01-18',
      dueDate: '2027-03-01',
      latestDate: '2027-03-15',
      pathwayId: p.pathwayId,
      specialtyCode: '110',
      patient: { id: p.patientId },
    });
    const [job] = await h.db.db
      .select()
      .from(scheduledJobs)
      .where(
        and(
          eq(scheduledJobs.kind, 'partial-booking.invite'),
          sql`${scheduledJobs.payload}->>'partialBookingId' = ${created.id}`,
        ),
      );
    expect(job).toMatchObject({ status: 'pending', dueAt: new Date(nine('2027-01-18')) });
    const eventsBefore = await h.db.db.select().from(rttEvents).where(eq(rttEvents.pathwayId, p.pathwayId));

    // The day before: nothing happens.
    await at('2027-01-17T09:00:00Z');
    await runJobs();
    expect((await entry(created.id)).status).toBe('waiting');

    // Invitation day: a letter and an SMS; 14 days to reply.
    await at(nine('2027-01-18'));
    await runJobs();
    expect(await entry(created.id)).toMatchObject({
      status: 'invited',
      invitedOn: '2027-01-18',
      replyBy: '2027-02-01',
    });
    let msgs = await messages(created.id);
    expect(msgs.map((m) => [m.kind, m.channel, m.recipient])).toEqual([
      ['partial-booking-invitation', 'letter', 'patient'],
      ['partial-booking-invitation', 'sms', 'patient'],
    ]);
    expect(msgs[0]!.detail).toMatchObject({ dueDate: '2027-03-01', replyBy: '2027-02-01' });
    const list = await get('/partial-bookings?specialty=110&status=invited');
    expect(list.json().rows.find((r: { id: string }) => r.id === created.id)).toMatchObject({
      nextStep: 'remind',
      nextStepOn: '2027-02-01',
    });

    // No reply by the reply-by day: one reminder.
    await at(nine('2027-02-01'));
    await runJobs();
    expect(await entry(created.id)).toMatchObject({ status: 'reminded', remindedOn: '2027-02-01' });
    msgs = await messages(created.id);
    expect(msgs.filter((m) => m.kind === 'partial-booking-reminder').map((m) => m.channel)).toEqual([
      'letter',
      'sms',
    ]);
    expect(await tasksOf(created.id)).toHaveLength(0);

    // Still no reply a week later: a task for the booking team, the patient stays on the list.
    await at(nine('2027-02-08'));
    await runJobs();
    expect((await entry(created.id)).status).toBe('follow-up');
    const made = await tasksOf(created.id);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({
      type: 'partial-booking-follow-up',
      team: 'booking-110',
      role: 'booking-clerk',
      status: 'open',
      patientId: p.patientId,
      pathwayId: p.pathwayId,
    });
    const [pathway] = await h.db.db.select().from(pathways).where(eq(pathways.id, p.pathwayId));
    expect(pathway).toMatchObject({ status: 'open', rttRunning: true });
    expect(await h.db.db.select().from(rttEvents).where(eq(rttEvents.pathwayId, p.pathwayId))).toEqual(
      eventsBefore,
    );
    const open = await get('/partial-bookings?specialty=110');
    expect(open.json().rows.find((r: { id: string }) => r.id === created.id)).toMatchObject({
      status: 'follow-up',
      nextStep: 'work-task',
    });

    // Running the jobs again, or later, changes nothing: each step happened once.
    const before = await writes();
    await at(nine('2027-03-01'));
    await runJobs();
    expect(await writes()).toEqual(before);
    expect((await messages(created.id)).length).toBe(4);

    // The patient calls back: the reply closes the follow-up task.
    const replied = await post(`/partial-bookings/${created.id}/reply`, { reply: 'will-book' });
    expect(replied.statusCode, replied.body).toBe(200);
    expect(replied.json().entry).toMatchObject({
      status: 'replied',
      repliedOn: '2027-03-01',
      nextStep: 'book',
    });
    expect((await tasksOf(created.id))[0]).toMatchObject({ status: 'cancelled', outcome: 'patient-replied' });
  });

  it('a reply stops the chain: no reminder, no task', async () => {
    await at(NOW);
    const p = await patientWithPathway('120');
    const created = await add(p.pathwayId, '2027-03-01');
    await at(nine('2027-01-18'));
    await runJobs();
    expect((await entry(created.id)).status).toBe('invited');
    await at('2027-01-20T11:00:00Z');
    const res = await post(`/partial-bookings/${created.id}/reply`, { reply: 'will-book' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      entry: expect.objectContaining({ status: 'replied', repliedOn: '2027-01-20' }),
      taskIds: [],
    });
    for (const day of ['2027-02-01', '2027-02-08', '2027-02-15']) {
      await at(nine(day));
      await runJobs();
    }
    expect((await entry(created.id)).status).toBe('replied');
    expect((await messages(created.id)).map((m) => m.kind)).toEqual([
      'partial-booking-invitation',
      'partial-booking-invitation',
    ]);
    expect(await tasksOf(created.id)).toHaveLength(0);
  });

  it('"no longer needed": a clinician confirms the removal; the patient stays on the list meanwhile', async () => {
    await at(NOW);
    const p = await patientWithPathway();
    const created = await add(p.pathwayId, '2027-02-01');
    const res = await post(`/partial-bookings/${created.id}/reply`, { reply: 'no-longer-needed' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().entry).toMatchObject({ status: 'replied', nextStep: 'confirm-removal' });
    expect(res.json().taskIds).toHaveLength(1);
    const [task] = await tasksOf(created.id);
    expect(task).toMatchObject({
      id: res.json().taskIds[0],
      type: 'confirm-removal',
      team: 'clinical-110',
      role: 'clinician',
    });
    const [pathway] = await h.db.db.select().from(pathways).where(eq(pathways.id, p.pathwayId));
    expect(pathway).toMatchObject({ status: 'open', rttRunning: true });
    // The invitation chain does not run for an entry that has a reply.
    await at(nine('2026-12-21'));
    await runJobs();
    expect((await entry(created.id)).status).toBe('replied');
    expect(await messages(created.id)).toHaveLength(0);
  });

  it('postpone with a new due date: invited again nearer it; a delay over 6 weeks goes to clinical review', async () => {
    await at(NOW);
    const p = await patientWithPathway();
    const created = await add(p.pathwayId, '2027-02-01');
    expect(created.inviteOn).toBe('2026-12-21');
    const res = await post(`/partial-bookings/${created.id}/reply`, {
      reply: 'postpone',
      dueDate: '2027-04-05',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().entry).toMatchObject({
      status: 'waiting',
      dueDate: '2027-04-05',
      inviteOn: '2027-02-22',
    });
    const [review] = await tasksOf(created.id);
    expect(review).toMatchObject({ type: 'clinical-review', team: 'clinical-110' });
    expect(review!.detail).toMatchObject({ delayDays: 63, rule: 'ACC-2.3-delay-over-6-weeks' });
    // The first invitation's day passes without one; the new one goes on its day.
    await at(nine('2026-12-21'));
    await runJobs();
    expect((await entry(created.id)).status).toBe('waiting');
    await at(nine('2027-02-22'));
    await runJobs();
    expect(await entry(created.id)).toMatchObject({
      status: 'invited',
      invitedOn: '2027-02-22',
      replyBy: '2027-03-08',
    });
    // A short postponement has no review.
    await at(NOW);
    const q = await patientWithPathway();
    const short = await add(q.pathwayId, '2027-02-01');
    const s = await post(`/partial-bookings/${short.id}/reply`, { reply: 'postpone', dueDate: '2027-03-01' });
    expect(s.json().taskIds).toEqual([]);
  });

  it('a booking stops the chain, marked through the API or found by the job', async () => {
    await at(NOW);
    const p = await patientWithPathway();
    const created = await add(p.pathwayId, '2027-03-01');
    const slotId = await clinic.addSlot('2027-03-01T10:00:00Z');
    const booked = await post('/appointments', {
      slotId,
      pathwayId: p.pathwayId,
      outOfTurnReason: 'Test set-up',
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const wrong = await post(`/partial-bookings/${created.id}/booked`, { appointmentId: created.id });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors[0].field).toBe('/body/appointmentId');
    const res = await post(`/partial-bookings/${created.id}/booked`, { appointmentId: booked.json().id });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'booked', nextStep: 'none' });
    // Again: the same answer.
    const again = await post(`/partial-bookings/${created.id}/booked`, { appointmentId: booked.json().id });
    expect(again.statusCode).toBe(200);
    await at(nine('2027-01-18'));
    await runJobs();
    expect((await entry(created.id)).status).toBe('booked');
    expect(await messages(created.id)).toHaveLength(0);
    const reply = await post(`/partial-bookings/${created.id}/reply`, { reply: 'will-book' });
    expect(reply.statusCode).toBe(409);

    // Booked the usual way, nobody said: the invitation job finds it and stops.
    await at(NOW);
    const q = await patientWithPathway();
    const other = await add(q.pathwayId, '2027-03-08');
    const slot2 = await clinic.addSlot('2027-03-08T10:00:00Z');
    expect(
      (await post('/appointments', { slotId: slot2, pathwayId: q.pathwayId, outOfTurnReason: 'Test set-up' }))
        .statusCode,
    ).toBe(201);
    await at(nine('2027-01-25'));
    await runJobs();
    expect((await entry(other.id)).status).toBe('booked');
    expect(await messages(other.id)).toHaveLength(0);
  });

  it('refuses bad input with a clear 4xx and writes nothing', async () => {
    await at(NOW);
    const p = await patientWithPathway();
    await add(p.pathwayId, '2027-03-01');
    const [closed] = await h.db.db
      .select({ id: pathways.id })
      .from(pathways)
      .where(and(eq(pathways.orgId, h.fixture.orgId), eq(pathways.status, 'closed')));
    const before = await writes();
    const cases: [object, number, string?][] = [
      [{ pathwayId: p.pathwayId, dueDate: '2027-04-01' }, 409],
      [{ pathwayId: closed!.id, dueDate: '2027-04-01' }, 409],
      [{ pathwayId: h.fixture.pathways.bobEnt, dueDate: '2026-11-22' }, 400, '/body/dueDate'],
      [
        { pathwayId: h.fixture.pathways.bobEnt, dueDate: '2027-04-01', latestDate: '2027-03-01' },
        400,
        '/body/latestDate',
      ],
      [{ pathwayId: h.fixture.pathways.bobEnt, dueDate: '2027-02-30' }, 400],
      [{ pathwayId: h.fixture.pathways.bobEnt }, 400],
      [{ pathwayId: 'not-a-uuid', dueDate: '2027-04-01' }, 400],
      [{ pathwayId: h.fixture.pathways.bobEnt, dueDate: '2027-04-01', colour: 'red' }, 400],
      [{ pathwayId: '00000000-0000-4000-8000-000000000000', dueDate: '2027-04-01' }, 404],
    ];
    for (const [payload, status, field] of cases) {
      const res = await post('/partial-bookings', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      if (field) expect(res.json().errors[0].field).toBe(field);
    }
    const created = (await get('/partial-bookings?specialty=110')).json().rows[0].id as string;
    for (const [payload, status] of [
      [{ reply: 'maybe' }, 400],
      [{ reply: 'will-book', dueDate: '2027-05-01' }, 400],
      [{ reply: 'postpone', dueDate: '2026-01-01' }, 400],
      [{}, 400],
    ] as const) {
      const res = await post(`/partial-bookings/${created}/reply`, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
    }
    expect(
      (await post('/partial-bookings/00000000-0000-4000-8000-000000000000/reply', { reply: 'will-book' }))
        .statusCode,
    ).toBe(404);
    expect((await get('/partial-bookings?status=lost')).statusCode).toBe(400);
    expect(await writes()).toEqual(before);
  });

  it('lists with filters, earliest due first, each read audited', async () => {
    await at(NOW);
    const a = await patientWithPathway('120');
    const b = await patientWithPathway('120');
    const later = await add(a.pathwayId, '2027-06-01');
    const sooner = await add(b.pathwayId, '2027-05-01');
    const res = await get('/partial-bookings?specialty=120&status=waiting');
    expect(res.statusCode, res.body).toBe(200);
    const ids = res.json().rows.map((r: { id: string }) => r.id);
    expect(ids.indexOf(sooner.id)).toBeLessThan(ids.indexOf(later.id));
    expect(
      res
        .json()
        .rows.every(
          (r: { specialtyCode: string; status: string }) =>
            r.specialtyCode === '120' && r.status === 'waiting',
        ),
    ).toBe(true);
    expect(res.json().rows[0].patient).toMatchObject({
      nhsNumber: expect.any(String),
      name: expect.stringContaining(', '),
    });
    const audited = await h.db.db
      .select({ id: auditLog.resourceId })
      .from(auditLog)
      .where(
        and(eq(auditLog.action, 'PartialBooking.read'), inArray(auditLog.resourceId, [later.id, sooner.id])),
      );
    expect(audited.length).toBeGreaterThanOrEqual(2);
    // A role without waiting-list access is refused.
    const flow = await h.signIn('flow-coordinator');
    expect((await get('/partial-bookings', flow)).statusCode).toBe(403);
  });
});
