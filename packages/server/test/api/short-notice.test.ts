/**
 * Short-notice offers (§1.5, §2.1; issue 5 deliverable 5): a slot freed inside the reasonable-notice window is
 * offered in turn to patients who can come at short notice, by SMS or a call task; a decline moves it on and is
 * never recorded against the patient; an unanswered offer expires and moves on; the first to accept is booked.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appointments,
  communications,
  declinedOffers,
  patientUnavailability,
  patients,
  shortNoticeCandidates,
  shortNoticeOffers,
  slots,
  tasks,
} from '../../src/db/schema';
import { systemContext } from '../../src/auth/principal';
import { queryRows } from '../../src/db/client';
import { runDueJobs, scheduleJobs } from '../../src/jobs/scheduler';
import { jobHandlers } from '../../src/jobs/handlers';
import { expireCandidate, offerFreedSlot } from '../../src/features/short-notice/service';
import { replyFromCallTask } from '../../src/features/short-notice/replies';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';

const NOW = '2026-11-23T09:00:00Z';
const HOUR = 3_600_000;

describe.each(ENGINES)('short-notice offers on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinic: TestClinic;
  let phoneSeq = 100;

  const closeAll = () =>
    h.db.db.execute(
      sql`update pathways set status = 'closed', rtt_running = false where org_id = ${h.fixture.orgId}`,
    );

  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = await h.signIn('booking-clerk');
    clinic = await createTestClinic(h, 999_350_000);
    // The fixture's pathways would wait ahead of ours: close them so each test controls who is in turn.
    await closeAll();
  });
  afterAll(() => h.close());

  /** Each test starts at NOW with a fresh session (an earlier test may have moved the clock past its expiry). */
  const start = async () => {
    h.clock.set(NOW);
    clerk = await h.signIn('booking-clerk');
  };
  /** Moves the clock on, signing in again (sessions time out after a while idle). */
  const advance = async (ms: number) => {
    h.clock.advance(ms);
    clerk = await h.signIn('booking-clerk');
  };
  const post = (url: string, payload: object, as: Session = clerk) =>
    h.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: as.write, payload });
  const get = (url: string) => h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: clerk.read });

  /** A waiting patient (routine orthopaedics) whose clock started on `clockStart`. */
  async function waiting(
    clockStart: string,
    opts: { shortNotice?: boolean; phone?: string | null; needs?: string[] } = {},
  ) {
    const p = await clinic.addPathway({
      rttPeriodStart: clockStart,
      clockStartDate: clockStart,
      referralReceivedDate: clockStart,
    });
    const phone = opts.phone === undefined ? `07700 900${(phoneSeq += 1)}` : opts.phone;
    await h.db.db
      .update(patients)
      .set({ shortNotice: opts.shortNotice ?? true, phone, communicationNeeds: opts.needs ?? [] })
      .where(eq(patients.id, p.patientId));
    return { ...p, phone };
  }

  const offer = (slotId: string) =>
    h.db.db.transaction((tx) => offerFreedSlot(tx, systemContext(h.fixture.orgId, h.clock.now()), slotId));
  const runJobs = () => runDueJobs(h.db.db, { handlers: jobHandlers(), now: h.clock.now });
  const candidatesOf = (offerId: string) =>
    h.db.db
      .select()
      .from(shortNoticeCandidates)
      .where(eq(shortNoticeCandidates.offerId, offerId))
      .orderBy(shortNoticeCandidates.rank);
  const offerRow = async (id: string) =>
    (await h.db.db.select().from(shortNoticeOffers).where(eq(shortNoticeOffers.id, id)))[0]!;
  const reply = (offerId: string, candidateId: string, answer: string, as: Session = clerk) =>
    post(`/short-notice-offers/${offerId}/candidates/${candidateId}/reply`, { reply: answer }, as);
  const count = async (table: string) =>
    (
      await queryRows<{ n: number }>(
        h.db.db,
        sql`select count(*)::int as n from ${sql.identifier(table)} where org_id = ${h.fixture.orgId}`,
      )
    )[0]!.n;
  const writes = () =>
    Promise.all(
      ['short_notice_offers', 'short_notice_candidates', 'communications', 'tasks', 'appointments'].map(
        count,
      ),
    );

  it('runs the whole flow: SMS decline, expiry, a call task, accepted and booked, nothing counted against anyone', async () => {
    await start();
    const slotId = await clinic.addSlot('2026-11-30T10:00:00Z');
    // Someone booked into the slot cancels: the place is free again 7 days before the appointment.
    const holder = await waiting('2026-10-20', { shortNotice: false });
    const booked = await post('/appointments', {
      slotId,
      pathwayId: holder.pathwayId,
      outOfTurnReason: 'Test set-up',
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const notWilling = await waiting('2026-06-01', { shortNotice: false });
    const first = await waiting('2026-07-01');
    const awayThatDay = await waiting('2026-07-15');
    await h.db.db.insert(patientUnavailability).values({
      orgId: h.fixture.orgId,
      id: randomUUID(),
      patientId: awayThatDay.patientId,
      fromDate: '2026-11-28',
      toDate: '2026-12-02',
      reason: 'Holiday',
      recordedBy: 'test',
      recordedAt: new Date(NOW),
    });
    const second = await waiting('2026-08-01');
    const third = await waiting('2026-08-15', { phone: null });
    const cancelled = await post(`/appointments/${booked.json().id}/cancel`, {
      by: 'patient',
      reason: 'Cannot come',
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);

    // The cancellation path schedules the offer job; the job makes the offer.
    await scheduleJobs(
      h.db.db,
      h.fixture.orgId,
      [
        {
          kind: 'short-notice.offer',
          dedupeKey: `test:${slotId}`,
          dueAt: h.clock.now(),
          payload: { slotId },
        },
      ],
      h.clock.now(),
    );
    await runJobs();
    const [made] = await h.db.db.select().from(shortNoticeOffers).where(eq(shortNoticeOffers.slotId, slotId));
    expect(made).toMatchObject({ status: 'open', appointmentId: null });
    const offerId = made!.id;
    let cands = await candidatesOf(offerId);
    // In turn, leaving out the patient who cannot come at short notice and the one away that day.
    expect(cands.map((c) => [c.pathwayId, c.channel, c.status])).toEqual([
      [first.pathwayId, 'sms', 'offered'],
      [second.pathwayId, 'sms', 'waiting'],
      [third.pathwayId, 'call', 'waiting'],
    ]);
    expect(cands.map((c) => c.pathwayId)).not.toContain(notWilling.pathwayId);
    expect(cands.map((c) => c.pathwayId)).not.toContain(awayThatDay.pathwayId);
    expect(cands[0]!.expiresAt).toEqual(new Date('2026-11-23T13:00:00Z'));
    const sms = await h.db.db
      .select()
      .from(communications)
      .where(eq(communications.dedupeKey, `short-notice-offer:${cands[0]!.id}:sms`));
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({ kind: 'short-notice-offer', channel: 'sms', patientId: first.patientId });
    expect(sms[0]!.detail).toMatchObject({ slotId, offerId, candidateId: cands[0]!.id });
    // Running the jobs again (or another freed-slot job) makes no second offer.
    expect(await offer(slotId)).toBeNull();

    // The first replies NO by SMS: the second is offered at once.
    const no = await post('/short-notice-offers/sms-replies', {
      phone: '+44 7700 ' + first.phone!.slice(-6),
      text: ' no ',
    });
    expect(no.statusCode, no.body).toBe(200);
    expect(no.json()).toMatchObject({ offerId, candidateId: cands[0]!.id, reply: 'decline' });
    cands = await candidatesOf(offerId);
    expect(cands.map((c) => c.status)).toEqual(['declined', 'offered', 'waiting']);
    // A decline at short notice is never a declined offer on the pathway.
    expect(
      await h.db.db.select().from(declinedOffers).where(eq(declinedOffers.pathwayId, first.pathwayId)),
    ).toHaveLength(0);

    // Nobody answers the second: four hours on, the expiry job moves it on to the third, by a call task.
    await advance(4 * HOUR + 60_000);
    await runJobs();
    cands = await candidatesOf(offerId);
    expect(cands.map((c) => c.status)).toEqual(['declined', 'expired', 'offered']);
    const [task] = await h.db.db.select().from(tasks).where(eq(tasks.id, cands[2]!.taskId!));
    expect(task).toMatchObject({
      type: 'short-notice-call',
      status: 'open',
      team: 'booking-110',
      dueDate: '2026-11-23',
      patientId: third.patientId,
      pathwayId: third.pathwayId,
    });
    expect(task!.detail).toMatchObject({ offerId, candidateId: cands[2]!.id });
    // Too late for the second to reply now.
    const late = await reply(offerId, cands[1]!.id, 'accept');
    expect(late.statusCode).toBe(409);

    // The clerk calls the third, who accepts: booked, the offer accepted, the task done.
    const yes = await reply(offerId, cands[2]!.id, 'accept');
    expect(yes.statusCode, yes.body).toBe(200);
    expect(yes.json()).toMatchObject({ id: offerId, status: 'accepted', currentCandidateId: null });
    const appointmentId = yes.json().appointmentId as string;
    const [appt] = await h.db.db.select().from(appointments).where(eq(appointments.id, appointmentId));
    expect(appt).toMatchObject({
      slotId,
      pathwayId: third.pathwayId,
      status: 'booked',
      noticeDays: 7,
      reasonableOffer: false,
      // The patient who could not come at short notice was ahead.
      outOfTurnReason: 'Short-notice offer accepted',
    });
    expect((await h.db.db.select().from(slots).where(eq(slots.id, slotId)))[0]).toMatchObject({ booked: 1 });
    expect((await h.db.db.select().from(tasks).where(eq(tasks.id, task!.id)))[0]).toMatchObject({
      status: 'done',
      outcome: 'accepted',
    });
    expect((await candidatesOf(offerId)).map((c) => c.status)).toEqual(['declined', 'expired', 'accepted']);
    // The expiry jobs have nothing left to do.
    await advance(6 * HOUR);
    await runJobs();
    expect((await offerRow(offerId)).status).toBe('accepted');

    // Seen by the booking team.
    const list = await get('/short-notice-offers?status=accepted');
    expect(list.statusCode, list.body).toBe(200);
    const listed = list.json().offers.find((o: { id: string }) => o.id === offerId);
    expect(listed).toMatchObject({
      status: 'accepted',
      appointmentId,
      slot: { id: slotId, startsAt: '2026-11-30T10:00:00.000Z', specialtyCode: '110' },
    });
    expect(listed.candidates[0]).toMatchObject({ rank: 1, status: 'declined', channel: 'sms' });
    expect(listed.candidates[0].nhsNumber).toMatch(/^\d{10}$/);
    const one = await get(`/short-notice-offers/${offerId}`);
    expect(one.statusCode).toBe(200);
    expect(one.json().candidates).toHaveLength(3);

    // Anyone replying now is told it is closed, and nothing is written.
    const before = await writes();
    const again = await reply(offerId, cands[0]!.id, 'accept');
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toContain('accepted');
    expect(await writes()).toEqual(before);
    await closeAll();
  });

  it('makes no offer for a slot outside the window, too soon, full, or that nobody suits', async () => {
    await start();
    await waiting('2026-07-01');
    const before = await writes();
    // 21 days on: a reasonable offer, for the ordinary booking process.
    expect(await offer(await clinic.addSlot('2026-12-14T10:00:00Z'))).toBeNull();
    // Two and a half hours away: too little time to reply.
    expect(await offer(await clinic.addSlot('2026-11-23T11:30:00Z'))).toBeNull();
    // Already full.
    expect(await offer(await clinic.addSlot('2026-11-26T10:00:00Z', { booked: 1 }))).toBeNull();
    // A follow-up slot: no first appointment suits it.
    expect(await offer(await clinic.addSlot('2026-11-26T11:00:00Z', { slotType: 'follow-up' }))).toBeNull();
    // An unknown slot.
    expect(await offer(randomUUID())).toBeNull();
    await closeAll();
    // Nobody waiting who can come at short notice.
    await waiting('2026-07-01', { shortNotice: false });
    expect(await offer(await clinic.addSlot('2026-11-26T12:00:00Z'))).toBeNull();
    expect(await writes()).toEqual(before);
    await closeAll();
  });

  it('calls patients for whom an SMS does not suit, and skips a patient with another appointment then', async () => {
    await start();
    const slotId = await clinic.addSlot('2026-11-27T10:00:00Z');
    const busy = await waiting('2026-06-01');
    // Booked elsewhere at the same time, on another pathway of theirs.
    const other = await clinic.addSlot('2026-11-27T10:10:00Z');
    const otherPathway = randomUUID();
    await h.db.db
      .execute(sql`insert into pathways (org_id, id, patient_id, ppid, ppid_issuer, specialty_code, source,
        priority, referral_received_date, clock_start_date, status, rtt_running, rtt_period_start)
      select org_id, ${otherPathway}, patient_id, 'XT1SNOTHER0001', ppid_issuer, specialty_code, source, priority,
             referral_received_date, clock_start_date, status, rtt_running, rtt_period_start
        from pathways where id = ${busy.pathwayId}`);
    const booked = await post('/appointments', {
      slotId: other,
      pathwayId: otherPathway,
      outOfTurnReason: 'Set-up',
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const relay = await waiting('2026-07-01', { needs: ['text-relay'] });
    const landline = await waiting('2026-07-02', { phone: '0113 496 0000' });
    const made = await offer(slotId);
    expect(made).not.toBeNull();
    const cands = await candidatesOf(made!.offerId);
    expect(cands.map((c) => [c.pathwayId, c.channel])).toEqual([
      [relay.pathwayId, 'call'],
      [landline.pathwayId, 'call'],
    ]);
    // Declining on the phone: the task is completed, the next is called.
    const no = await reply(made!.offerId, cands[0]!.id, 'decline');
    expect(no.statusCode, no.body).toBe(200);
    expect((await h.db.db.select().from(tasks).where(eq(tasks.id, cands[0]!.taskId!)))[0]).toMatchObject({
      status: 'done',
      outcome: 'declined',
    });
    const after = await candidatesOf(made!.offerId);
    expect(after.map((c) => c.status)).toEqual(['declined', 'offered']);
    // The last declines, recorded by completing the call task: nobody is left.
    const ctx = systemContext(h.fixture.orgId, h.clock.now());
    const [t] = await h.db.db.select().from(tasks).where(eq(tasks.id, after[1]!.taskId!));
    await h.db.db.transaction((tx) => replyFromCallTask(tx, ctx, t!, 'no-answer'));
    expect((await candidatesOf(made!.offerId)).map((c) => c.status)).toEqual(['declined', 'offered']);
    // Completed through the work queue, as a clerk would after the call.
    const done = await post(`/tasks/${t!.id}/complete`, { outcome: 'declined' });
    expect(done.statusCode, done.body).toBe(200);
    const last = await get(`/short-notice-offers/${made!.offerId}`);
    expect(last.json()).toMatchObject({ status: 'exhausted', currentCandidateId: null });
    expect(
      await h.db.db.select().from(declinedOffers).where(eq(declinedOffers.pathwayId, relay.pathwayId)),
    ).toHaveLength(0);
    await closeAll();
  });

  it('withdraws the offer when the slot is booked another way before the patient accepts', async () => {
    await start();
    const slotId = await clinic.addSlot('2026-11-28T10:00:00Z');
    const patient = await waiting('2026-07-01', { phone: null });
    const someoneElse = await waiting('2026-07-02', { shortNotice: false });
    const made = await offer(slotId);
    const [cand] = await candidatesOf(made!.offerId);
    const direct = await post('/appointments', {
      slotId,
      pathwayId: someoneElse.pathwayId,
      outOfTurnReason: 'Booked by phone',
    });
    expect(direct.statusCode, direct.body).toBe(201);
    // The clerk calls the patient, who says yes.
    const yes = await reply(made!.offerId, cand!.id, 'accept');
    expect(yes.statusCode).toBe(409);
    expect(yes.json().detail).toContain('withdrawn');
    expect((await offerRow(made!.offerId)).status).toBe('withdrawn');
    expect((await candidatesOf(made!.offerId))[0]!.status).toBe('skipped');
    const booked = await h.db.db
      .select()
      .from(appointments)
      .where(and(eq(appointments.slotId, slotId), eq(appointments.status, 'booked')));
    expect(booked.map((a) => a.pathwayId)).toEqual([someoneElse.pathwayId]);
    expect(cand!.patientId).toBe(patient.patientId);
    // The call task is closed: there is nothing left to call about.
    expect((await h.db.db.select().from(tasks).where(eq(tasks.id, cand!.taskId!)))[0]).toMatchObject({
      status: 'cancelled',
    });
    await closeAll();
  });

  it('moves on when the patient who accepts can no longer be booked, and races a direct booking fairly', async () => {
    await start();
    const slotId = await clinic.addSlot('2026-12-02T10:00:00Z');
    const first = await waiting('2026-07-01');
    const second = await waiting('2026-07-02');
    const made = await offer(slotId);
    const [c1, c2] = await candidatesOf(made!.offerId);
    // The first is booked into another slot meanwhile: their YES cannot be honoured.
    const elsewhere = await post('/appointments', {
      slotId: await clinic.addSlot('2026-12-09T10:00:00Z'),
      pathwayId: first.pathwayId,
    });
    expect(elsewhere.statusCode, elsewhere.body).toBe(201);
    const yes = await reply(made!.offerId, c1!.id, 'accept');
    expect(yes.statusCode).toBe(409);
    expect(yes.json().detail).toContain('next patient');
    expect((await candidatesOf(made!.offerId)).map((c) => c.status)).toEqual(['skipped', 'offered']);
    // The second accepts while a clerk books someone else into the slot: one of them gets it, never both.
    const other = await waiting('2026-07-03', { shortNotice: false });
    const [accepted, direct] = await Promise.all([
      reply(made!.offerId, c2!.id, 'accept'),
      post('/appointments', { slotId, pathwayId: other.pathwayId, outOfTurnReason: 'Booked by phone' }),
    ]);
    const booked = await h.db.db
      .select()
      .from(appointments)
      .where(and(eq(appointments.slotId, slotId), eq(appointments.status, 'booked')));
    expect(booked).toHaveLength(1);
    if (accepted.statusCode === 200) {
      expect(direct.statusCode).toBe(409);
      expect(booked[0]!.pathwayId).toBe(second.pathwayId);
      expect((await offerRow(made!.offerId)).status).toBe('accepted');
    } else {
      expect(accepted.statusCode).toBe(409);
      expect(direct.statusCode).toBe(201);
      expect((await offerRow(made!.offerId)).status).toBe('withdrawn');
    }
    await closeAll();
  });

  it('books once when two accepts arrive at once: one 200, one 409', async () => {
    await start();
    const slotId = await clinic.addSlot('2026-11-29T10:00:00Z');
    const patient = await waiting('2026-07-01');
    const made = await offer(slotId);
    const [cand] = await candidatesOf(made!.offerId);
    const team = await h.signIn('team-leader');
    const answers = await Promise.all([
      reply(made!.offerId, cand!.id, 'accept'),
      reply(made!.offerId, cand!.id, 'accept', team),
      post('/short-notice-offers/sms-replies', { phone: patient.phone!, text: 'YES' }),
    ]);
    const codes = answers.map((a) => a.statusCode);
    expect(
      codes.filter((c) => c === 200),
      answers.map((a) => a.body).join('\n'),
    ).toHaveLength(1);
    for (const a of answers.filter((x) => x.statusCode !== 200)) expect([404, 409]).toContain(a.statusCode);
    const booked = await h.db.db
      .select()
      .from(appointments)
      .where(and(eq(appointments.slotId, slotId), eq(appointments.status, 'booked')));
    expect(booked).toHaveLength(1);
    expect((await offerRow(made!.offerId)).status).toBe('accepted');
    await closeAll();
  });

  it('refuses bad input and replies out of turn clearly, writing nothing', async () => {
    await start();
    const slotId = await clinic.addSlot('2026-12-01T10:00:00Z');
    await waiting('2026-07-01');
    const second = await waiting('2026-07-02');
    const made = await offer(slotId);
    const [c1, c2] = await candidatesOf(made!.offerId);
    const before = await writes();
    const cases: [string, object, number, string | null][] = [
      [
        `/short-notice-offers/${made!.offerId}/candidates/${c1!.id}/reply`,
        { reply: 'maybe' },
        400,
        '/body/reply',
      ],
      [`/short-notice-offers/${made!.offerId}/candidates/${c1!.id}/reply`, {}, 400, '/body/reply'],
      [`/short-notice-offers/not-a-uuid/candidates/${c1!.id}/reply`, { reply: 'accept' }, 400, '/params/id'],
      [`/short-notice-offers/${randomUUID()}/candidates/${c1!.id}/reply`, { reply: 'accept' }, 404, null],
      [
        `/short-notice-offers/${made!.offerId}/candidates/${randomUUID()}/reply`,
        { reply: 'accept' },
        404,
        null,
      ],
      // The second has not been asked yet.
      [`/short-notice-offers/${made!.offerId}/candidates/${c2!.id}/reply`, { reply: 'accept' }, 409, null],
      ['/short-notice-offers/sms-replies', { phone: second.phone!, text: 'YES' }, 404, null],
      ['/short-notice-offers/sms-replies', { phone: '07700 900999', text: 'YES' }, 404, null],
      ['/short-notice-offers/sms-replies', { phone: 'call me', text: 'YES' }, 400, '/body/phone'],
      ['/short-notice-offers/sms-replies', { phone: second.phone!, text: 'yes please' }, 400, '/body/text'],
      ['/short-notice-offers/sms-replies', { phone: second.phone! }, 400, '/body/text'],
    ];
    for (const [url, payload, status, field] of cases) {
      const res = await post(url, payload);
      expect(res.statusCode, `${url} ${JSON.stringify(payload)} ${res.body}`).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().detail).not.toMatch(/select|insert|update|violates/i);
      if (field) expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const badList = await get('/short-notice-offers?status=closed');
    expect(badList.statusCode).toBe(400);
    expect((await get(`/short-notice-offers/${randomUUID()}`)).statusCode).toBe(404);
    // Past the first's expiry, before the job has run: refused, nothing written.
    await advance(4 * HOUR);
    const late = await reply(made!.offerId, c1!.id, 'decline');
    expect(late.statusCode).toBe(409);
    expect(late.json().detail).toContain('expired');
    expect(await writes()).toEqual(before);
    expect((await candidatesOf(made!.offerId)).map((c) => c.status)).toEqual(['offered', 'waiting']);
    // The expiry is idempotent: twice is once.
    const ctx = systemContext(h.fixture.orgId, h.clock.now());
    await h.db.db.transaction((tx) => expireCandidate(tx, ctx, made!.offerId, c1!.id));
    await h.db.db.transaction((tx) => expireCandidate(tx, ctx, made!.offerId, c1!.id));
    expect((await candidatesOf(made!.offerId)).map((c) => c.status)).toEqual(['expired', 'offered']);
    await closeAll();
  });
});
