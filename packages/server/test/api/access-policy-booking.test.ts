/**
 * The access policy where booking meets it (issue 5): interpreter and transport requests made, moved and
 * cancelled with the appointment (EX-AIS-02); the tasks a DNA makes and the clinician's decision after it
 * (§2.2, EX-ACC-04); patient and hospital cancellations (§2.3, §2.4, EX-ACC-01); hospital moves classed as a
 * postponement once, then cancellations (EX-ACC-02); two declined reasonable offers → an active-monitoring
 * decision (EX-ACC-03); a cancellation withdraws reminders and schedules the short-notice offer.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appointments,
  communications,
  pathways,
  patients,
  rttEvents,
  scheduledJobs,
  supportRequests,
  tasks,
} from '../../src/db/schema';
import { letterContentFromRow } from '../../src/features/print-batches/letter-content';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';

describe.each(ENGINES)('the access policy in booking on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinician: Session;
  let clinic: TestClinic;
  beforeAll(async () => {
    h = await createHarness(engine, { PATHFLOW_SIGN_IN_RATE_LIMIT: '1000' });
    clinic = await createTestClinic(h, 999_410_000);
    await h.db.db.execute(
      sql`update pathways set status = 'closed', rtt_running = false where org_id = ${h.fixture.orgId}`,
    );
  });
  afterAll(() => h.close());

  const at = async (iso: string) => {
    h.clock.set(iso);
    clerk = await h.signIn('booking-clerk');
    clinician = await h.signIn('clinician');
  };
  const post = (url: string, payload: object, s: Session = clerk) =>
    h.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: s.write, payload });
  const tasksOf = (where: { pathwayId?: string; appointmentId?: string }) =>
    h.db.db
      .select()
      .from(tasks)
      .where(
        where.pathwayId
          ? eq(tasks.pathwayId, where.pathwayId)
          : eq(tasks.appointmentId, where.appointmentId!),
      );
  const patientWith = async (values: Partial<typeof patients.$inferInsert>, over = {}) => {
    const p = await clinic.addPathway(over);
    await h.db.db.update(patients).set(values).where(eq(patients.id, p.patientId));
    return p;
  };
  const book = async (pathwayId: string, startsAt: string, over = {}) => {
    const slotId = await clinic.addSlot(startsAt, { capacity: 5, ...over });
    const res = await post('/appointments', { slotId, pathwayId, outOfTurnReason: 'Test' });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const requestsOf = (patientId: string) =>
    h.db.db.select().from(supportRequests).where(eq(supportRequests.patientId, patientId));

  it('EX-AIS-02: an interpreter and transport are requested, follow a move, and are cancelled with it', async () => {
    await at('2026-11-23T09:00:00Z');
    const { pathwayId, patientId } = await patientWith({
      communicationNeeds: ['bsl'],
      transportEligible: true,
    });
    const first = await book(pathwayId, '2026-12-21T10:00:00Z');
    let reqs = await requestsOf(patientId);
    expect(reqs.map((r) => [r.kind, r.status, r.language]).sort()).toEqual([
      ['interpreter', 'needed', 'British Sign Language'],
      ['transport', 'needed', null],
    ]);
    let work = await tasksOf({ appointmentId: first });
    expect(work.map((t) => [t.type, t.team, t.status]).sort()).toEqual([
      ['book-interpreter', 'booking-110', 'open'],
      ['book-transport', 'booking-110', 'open'],
    ]);
    expect(work.every((t) => t.dueDate === '2026-11-25')).toBe(true);

    // The interpreter is booked; then the hospital moves the appointment.
    const interp = reqs.find((r) => r.kind === 'interpreter')!;
    const booked = await post(`/support-requests/${interp.id}/booked`, { reference: 'INT-123' });
    expect(booked.statusCode, booked.body).toBe(200);
    expect(booked.json()).toMatchObject({ status: 'booked', reference: 'INT-123' });
    const slot2 = await clinic.addSlot('2027-01-04T10:00:00Z', { capacity: 5 });
    const moved = await post(`/appointments/${first}/reschedule`, {
      slotId: slot2,
      by: 'hospital',
      reason: 'Clinic rearranged',
    });
    expect(moved.statusCode, moved.body).toBe(201);
    const second = moved.json().id as string;
    reqs = await requestsOf(patientId);
    const live = reqs.filter((r) => r.status !== 'cancelled');
    expect(live.map((r) => [r.kind, r.appointmentId, r.status]).sort()).toEqual([
      ['interpreter', second, 'needed'],
      ['transport', second, 'needed'],
    ]);
    // The booked interpreter is to be cancelled with the supplier; transport's task moved with the appointment.
    work = await tasksOf({ pathwayId });
    expect(work.filter((t) => t.type === 'cancel-interpreter').map((t) => t.detail)).toEqual([
      expect.objectContaining({ reference: 'INT-123', rule: 'appointment-moved' }),
    ]);
    const transportTask = work.find((t) => t.type === 'book-transport')!;
    expect(transportTask.appointmentId).toBe(second);
    expect(transportTask.status).toBe('open');

    // Cancelled by the patient: open requests cancelled with their tasks.
    const cancelled = await post(`/appointments/${second}/cancel`, { by: 'patient', reason: 'Away' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    reqs = await requestsOf(patientId);
    expect(reqs.every((r) => r.status === 'cancelled')).toBe(true);
    work = await tasksOf({ pathwayId });
    expect(
      work
        .filter((t) => t.type.startsWith('book-'))
        .map((t) => [t.type, t.status])
        .sort(),
    ).toEqual([
      ['book-interpreter', 'cancelled'],
      ['book-interpreter', 'done'],
      ['book-transport', 'cancelled'],
    ]);
    const list = await h.app.inject({
      method: 'GET',
      url: `/api/v1/support-requests?patientId=${patientId}`,
      headers: clerk.read,
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().requests).toHaveLength(reqs.length);
  });

  it('completing the "book transport" task as booked books the request, with the note as its reference', async () => {
    await at('2026-11-23T09:00:00Z');
    const { pathwayId, patientId } = await patientWith({ transportEligible: true });
    const id = await book(pathwayId, '2026-12-24T10:00:00Z');
    const [t] = await tasksOf({ appointmentId: id });
    const done = await post(`/tasks/${t!.id}/complete`, { outcome: 'booked', note: 'PTS-4411' });
    expect(done.statusCode, done.body).toBe(200);
    const [r] = await requestsOf(patientId);
    expect(r).toMatchObject({ kind: 'transport', status: 'booked', reference: 'PTS-4411' });
  });

  it('no interpreter or transport for a patient who needs neither', async () => {
    await at('2026-11-23T09:00:00Z');
    const { pathwayId, patientId } = await clinic.addPathway();
    const id = await book(pathwayId, '2026-12-22T10:00:00Z');
    expect(await requestsOf(patientId)).toEqual([]);
    expect(await tasksOf({ appointmentId: id })).toEqual([]);
  });

  it('refuses to mark a cancelled request booked, and bad input, writing nothing', async () => {
    await at('2026-11-23T09:00:00Z');
    const { pathwayId, patientId } = await patientWith({ interpreterLanguage: 'Polish' });
    const id = await book(pathwayId, '2026-12-23T10:00:00Z');
    await post(`/appointments/${id}/cancel`, { by: 'hospital', reason: 'Clinician ill' });
    const [r] = await requestsOf(patientId);
    const res = await post(`/support-requests/${r!.id}/booked`, { reference: 'X' });
    expect(res.statusCode).toBe(409);
    expect((await requestsOf(patientId))[0]!.status).toBe('cancelled');
    const empty = await post(`/support-requests/${r!.id}/booked`, { reference: '' });
    expect(empty.statusCode).toBe(400);
    const missing = await post('/support-requests/00000000-0000-4000-8000-000000000000/booked', {
      reference: 'X',
    });
    expect(missing.statusCode).toBe(404);
  });

  it('a first DNA of an adult, communicated: nullified, and a clinician decides; rebook starts a new clock', async () => {
    await at('2026-11-23T09:00:00Z');
    const { pathwayId } = await clinic.addPathway();
    const id = await book(pathwayId, '2026-11-30T09:00:00Z');
    await at('2026-11-30T14:00:00Z');
    const dna = await post(`/appointments/${id}/attendance`, {
      status: 'dna',
      appointmentCommunicated: true,
    });
    expect(dna.statusCode, dna.body).toBe(200);
    const [t] = await tasksOf({ appointmentId: id });
    expect(t).toMatchObject({
      type: 'dna-decision',
      team: 'clinical-110',
      role: 'clinician',
      status: 'open',
    });
    expect(t!.detail).toMatchObject({ rule: 'ACC-2.2-first-dna', nullified: true });
    // Nobody is discharged automatically: the pathway stays open until the clinician decides.
    expect((await h.db.db.select().from(pathways).where(eq(pathways.id, pathwayId)))[0]!.status).toBe('open');
    // A booking clerk cannot make the clinical decision.
    const refused = await post(`/appointments/${id}/dna-decision`, { decision: 'rebook' });
    expect(refused.statusCode).toBe(403);
    await at('2026-12-01T10:00:00Z');
    const decided = await post(`/appointments/${id}/dna-decision`, { decision: 'rebook' }, clinician);
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({
      pathwayClosed: false,
      newClockStart: '2026-12-01',
      tasksCompleted: 1,
    });
    const codes = (await h.db.db.select().from(rttEvents).where(eq(rttEvents.pathwayId, pathwayId))).map(
      (e) => [e.eventDate, e.code],
    );
    expect(codes).toEqual(
      expect.arrayContaining([
        ['2026-11-30', '33'],
        ['2026-12-01', '10'],
      ]),
    );
    const after = await tasksOf({ pathwayId });
    expect(after.find((x) => x.type === 'dna-decision')!.status).toBe('done');
    expect(after.find((x) => x.type === 'rebook')).toMatchObject({ status: 'open', team: 'booking-110' });
  });

  it('EX-ACC-04: a child who was not brought gets a safeguarding review, the GP is told, no discharge until agreed', async () => {
    await at('2026-11-23T09:00:00Z');
    const { pathwayId, patientId } = await patientWith({ dateOfBirth: '2017-06-01' });
    const id = await book(pathwayId, '2026-11-30T09:00:00Z');
    await at('2026-11-30T14:00:00Z');
    await post(`/appointments/${id}/attendance`, { status: 'dna', appointmentCommunicated: true });
    const [t] = await tasksOf({ appointmentId: id });
    expect(t).toMatchObject({ type: 'safeguarding-review', priority: 'urgent' });
    const gp = await h.db.db
      .select()
      .from(communications)
      .where(and(eq(communications.patientId, patientId), eq(communications.kind, 'was-not-brought')));
    expect(gp.map((m) => [m.recipient, m.channel])).toEqual([['gp', 'letter']]);
    // The GP's copy is addressed to the practice, never to the child's home.
    const letter = await letterContentFromRow(h.db.db, h.fixture.orgId, gp[0]!);
    expect(letter.recipient.name).toBe('The GP practice');
    expect(letter.recipient.addressLines.join(' ')).not.toContain('Road');
    expect(letter.handling?.join(' ')).toMatch(/GP copy/);
    const early = await post(`/appointments/${id}/dna-decision`, { decision: 'discharge' }, clinician);
    expect(early.statusCode).toBe(422);
    expect(early.json().rule).toBe('ACC-2.2-safeguarding');
    expect((await h.db.db.select().from(pathways).where(eq(pathways.id, pathwayId)))[0]!.status).toBe('open');
    // The review agrees discharge (completed as the tasks API would), then the clinician discharges.
    await h.db.db
      .update(tasks)
      .set({ status: 'done', outcome: 'discharge-with-safeguarding-agreement' })
      .where(eq(tasks.id, t!.id));
    const ok = await post(`/appointments/${id}/dna-decision`, { decision: 'discharge' }, clinician);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().pathwayClosed).toBe(true);
    const letters = await h.db.db
      .select()
      .from(communications)
      .where(and(eq(communications.patientId, patientId), eq(communications.kind, 'dna-discharge')));
    expect(letters.map((m) => m.recipient).sort()).toEqual(['gp', 'patient']);
  });

  it('a vulnerable adult is treated like a child; a later DNA goes to clinical review, the clock running', async () => {
    await at('2026-11-23T09:00:00Z');
    const v = await patientWith({ vulnerabilities: ['learning-disability'] });
    const vid = await book(v.pathwayId, '2026-11-30T09:00:00Z');
    const adult = await clinic.addPathway();
    await h.db.db.insert(appointments).values({
      orgId: h.fixture.orgId,
      id: '00000000-0000-4000-8000-00000000a001',
      slotId: await clinic.addSlot('2026-11-02T09:00:00Z', { booked: 1 }),
      pathwayId: adult.pathwayId,
      patientId: adult.patientId,
      startsAt: new Date('2026-11-02T09:00:00Z'),
      endsAt: new Date('2026-11-02T09:20:00Z'),
      slotType: 'new',
      status: 'attended',
      offeredOn: '2026-10-05',
      noticeDays: 28,
      reasonableOffer: true,
      bookedBy: 'test',
      bookedAt: new Date('2026-10-05T09:00:00Z'),
    });
    const later = await book(adult.pathwayId, '2026-11-30T10:00:00Z', { slotType: 'follow-up' });
    await at('2026-11-30T14:00:00Z');
    await post(`/appointments/${vid}/attendance`, { status: 'dna', appointmentCommunicated: true });
    await post(`/appointments/${later}/attendance`, { status: 'dna', appointmentCommunicated: true });
    expect((await tasksOf({ appointmentId: vid })).map((t) => t.type)).toEqual(['safeguarding-review']);
    const [review] = await tasksOf({ appointmentId: later });
    expect(review).toMatchObject({ type: 'clinical-review' });
    expect(review!.detail).toMatchObject({ rule: 'ACC-2.2-later-dna', nullified: false });
    const p = (await h.db.db.select().from(pathways).where(eq(pathways.id, adult.pathwayId)))[0]!;
    expect(p.rttRunning).toBe(true);
  });

  it('repeated patient cancellations, or a delay over 6 weeks, go to clinical review (§2.3)', async () => {
    await at('2026-11-23T09:00:00Z');
    const { pathwayId } = await clinic.addPathway();
    const a1 = await book(pathwayId, '2026-12-28T09:00:00Z');
    await post(`/appointments/${a1}/cancel`, { by: 'patient', reason: 'Busy' });
    expect((await tasksOf({ pathwayId })).filter((t) => t.type === 'clinical-review')).toEqual([]);
    const a2 = await book(pathwayId, '2026-12-29T09:00:00Z');
    await post(`/appointments/${a2}/cancel`, { by: 'patient', reason: 'Busy again' });
    const reviews = (await tasksOf({ pathwayId })).filter((t) => t.type === 'clinical-review');
    expect(reviews).toHaveLength(1);
    expect(reviews[0]!.detail).toMatchObject({ cancellations: 2 });

    const other = await clinic.addPathway();
    const b1 = await book(other.pathwayId, '2026-12-28T10:00:00Z');
    const res = await post(`/appointments/${b1}/cancel`, {
      by: 'patient',
      reason: 'Wants to wait',
      requestedDelayDays: 60,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await tasksOf({ pathwayId: other.pathwayId })).map((t) => t.type)).toEqual(['clinical-review']);
    const bad = await post(`/appointments/${b1}/cancel`, {
      by: 'patient',
      reason: 'x',
      requestedDelayDays: -3,
    });
    expect(bad.statusCode).toBe(400);
  });

  it('EX-ACC-01: an operation cancelled by the hospital on the day must be rebooked within 28 days', async () => {
    await at('2026-11-23T07:00:00Z');
    const { pathwayId } = await clinic.addPathway({ clinicType: 'procedure' });
    const opSlot = await clinic.addSlot('2026-11-23T13:00:00Z', { capacity: 5, slotType: 'procedure' });
    const booked = await post('/appointments', { slotId: opSlot, pathwayId, outOfTurnReason: 'Test' });
    expect(booked.statusCode, booked.body).toBe(201);
    const res = await post(`/appointments/${booked.json().id}/cancel`, { by: 'hospital', reason: 'No bed' });
    expect(res.statusCode, res.body).toBe(200);
    const [t] = (await tasksOf({ pathwayId })).filter((x) => x.type === 'rebook-operation');
    expect(t).toMatchObject({ dueDate: '2026-12-21', priority: 'urgent', team: 'booking-110' });
    expect(t!.detail).toMatchObject({ rule: 'ACC-2.4-28-day', rebookBy: '2026-12-21' });
  });

  it('a hospital cancellation of a clinic appointment is rebooked first: a task on the booking queue', async () => {
    await at('2026-11-23T09:00:00Z');
    const { pathwayId } = await clinic.addPathway();
    const id = await book(pathwayId, '2026-12-30T09:00:00Z');
    await post(`/appointments/${id}/cancel`, { by: 'hospital', reason: 'Clinician on leave' });
    expect((await tasksOf({ pathwayId })).map((t) => [t.type, t.team])).toEqual([['rebook', 'booking-110']]);
  });

  it('EX-ACC-02: a hospital move to within 24 hours is a postponement once; the next move is a cancellation', async () => {
    await at('2026-11-23T09:00:00Z');
    const { pathwayId } = await clinic.addPathway();
    const id = await book(pathwayId, '2026-12-14T09:00:00Z');
    const s2 = await clinic.addSlot('2026-12-15T08:00:00Z', { capacity: 5 });
    const m1 = await post(`/appointments/${id}/reschedule`, {
      slotId: s2,
      by: 'hospital',
      reason: 'Theatre overran',
    });
    expect(m1.statusCode, m1.body).toBe(201);
    expect(m1.json().providerMove).toBe('postponement');
    const s3 = await clinic.addSlot('2026-12-15T15:00:00Z', { capacity: 5 });
    const m2 = await post(`/appointments/${m1.json().id}/reschedule`, {
      slotId: s3,
      by: 'hospital',
      reason: 'Again',
    });
    expect(m2.json().providerMove).toBe('cancellation');
    const s4 = await clinic.addSlot('2026-12-16T09:00:00Z', { capacity: 5 });
    const m3 = await post(`/appointments/${m2.json().id}/reschedule`, {
      slotId: s4,
      by: 'patient',
      reason: 'Work',
    });
    expect(m3.json().providerMove).toBeNull();
  });

  it('EX-ACC-03: two declined reasonable offers make an active-monitoring decision task', async () => {
    await at('2026-11-23T09:00:00Z');
    const { pathwayId } = await clinic.addPathway();
    const first = await post(`/pathways/${pathwayId}/declined-offers`, {
      offeredFor: '2026-12-21',
      reason: 'Holiday',
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(await tasksOf({ pathwayId })).toEqual([]);
    await post(`/pathways/${pathwayId}/declined-offers`, { offeredFor: '2026-12-28', reason: 'Work' });
    const work = await tasksOf({ pathwayId });
    expect(work.map((t) => [t.type, t.team])).toEqual([['active-monitoring-decision', 'clinical-110']]);
    expect(work[0]!.detail).toMatchObject({ secondOfferBy: '2027-02-01', declinedReasonable: 2 });
  });

  it('a cancellation withdraws queued reminders and schedules the freed slot for a short-notice offer', async () => {
    await at('2026-11-23T09:00:00Z');
    const { pathwayId, patientId } = await clinic.addPathway();
    const id = await book(pathwayId, '2026-12-02T09:00:00Z');
    await h.db.db.insert(communications).values({
      orgId: h.fixture.orgId,
      id: '00000000-0000-4000-8000-00000000c001',
      patientId,
      pathwayId,
      appointmentId: id,
      kind: 'appointment-reminder',
      channel: 'sms',
      status: 'queued',
      sendAfter: new Date('2026-11-30T09:00:00Z'),
      createdBy: 'test',
    });
    await post(`/appointments/${id}/cancel`, { by: 'patient', reason: 'Better' });
    const [reminder] = await h.db.db
      .select()
      .from(communications)
      .where(eq(communications.id, '00000000-0000-4000-8000-00000000c001'));
    expect(reminder!.status).toBe('cancelled');
    const [row] = await h.db.db.select().from(appointments).where(eq(appointments.id, id));
    const jobs = await h.db.db
      .select()
      .from(scheduledJobs)
      .where(eq(scheduledJobs.dedupeKey, `short-notice.offer:${row!.slotId}:${id}`));
    expect(jobs.map((j) => [j.kind, j.status])).toEqual([['short-notice.offer', 'pending']]);
  });
});
