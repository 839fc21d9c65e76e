/**
 * Issue 5's "done": a demo clinic run through 12 simulated weeks, day by day, with the scheduler and the outbox's
 * delivery running each morning as `pathflow start` runs them. Invitations (partial booking) with a reply and
 * without one, reminders, DNAs of an adult, a child and a vulnerable adult, cancellations by the patient (twice)
 * and by the hospital, a slot freed at short notice taken by SMS, a clinic session cancelled for the consultant's
 * leave with its patients rebooked. At the end every task, message, clock change — and non-change — the access
 * policy implies is asserted.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nhsNumberFromStem } from '@pathflow/core';
import {
  appointments,
  clinicians,
  communications,
  partialBookings,
  pathways,
  patients,
  rttEvents,
  supportRequests,
  tasks,
} from '../../src/db/schema';
import { runDueJobs } from '../../src/jobs/scheduler';
import { jobHandlers } from '../../src/jobs/handlers';
import { deliverDueCommunications } from '../../src/features/communications/delivery';
import { OutboxSender } from '../../src/features/communications/senders';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { addTestLocation } from '../support/clinic';

/** Monday mornings 09:00–12:00 London: nine 20-minute new-patient slots. */
const LAYOUT = {
  effectiveFrom: '2026-11-23',
  recurrence: { kind: 'weekly' },
  sessions: [
    {
      weekday: 1,
      start: '09:00',
      end: '12:00',
      slots: Array.from({ length: 9 }, (_, i) => ({
        offsetMinutes: i * 20,
        durationMinutes: 20,
        slotType: 'new',
        capacity: 1,
      })),
    },
  ],
};

const START = '2026-11-23';
const DAYS = 84;

type Who = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K';

interface Person {
  patientId: string;
  pathwayId: string;
}

describe.each(ENGINES)('twelve weeks of a clinic on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinician: Session;
  let lettersDir: string;
  let clinicId = '';
  let clinicianId = '';
  const people = {} as Record<Who, Person>;
  const appt: Record<string, string> = {};
  const partial: Record<string, string> = {};
  const sender = new OutboxSender();

  const post = (url: string, payload: object, s: Session = clerk) =>
    h.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: s.write, payload });
  const get = (url: string, s: Session = clerk) =>
    h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: s.read });
  const ok = async (res: Awaited<ReturnType<typeof post>>, status = 200) => {
    expect(res.statusCode, res.body).toBe(status);
    return res.json();
  };

  /**
   * A morning: the clock at 08:00 London (GMT in winter), due jobs run, due messages delivered. The simulation
   * runs the background work at 08:00, after each event, and at 18:00: the server runs it every few seconds.
   */
  const morning = async (date: string) => {
    h.clock.set(`${date}T08:00:00Z`);
    await work();
  };
  /** What `pathflow start` runs in the background: the scheduler, then the outbox's delivery. */
  const work = async () => {
    // Until nothing more is due: a job's messages go in the same pass, a delivered letter's reminders are queued.
    for (let i = 0; i < 5; i++) {
      const jobs = await runDueJobs(h.db.db, { handlers: jobHandlers(), now: h.clock.now });
      const sent = await deliverDueCommunications(h.db.db, { now: h.clock.now, sender, lettersDir });
      if (jobs.batches === 0 && sent.sent + sent.failed + sent.retried + sent.suppressed === 0) return;
    }
  };

  const at = async (iso: string) => {
    h.clock.set(iso);
    await work();
  };

  const slotAt = async (startsAt: string): Promise<string> => {
    const date = startsAt.slice(0, 10);
    const res = await get(`/clinics/${clinicId}/slots?from=${date}&to=${date}`);
    const slot = (await ok(res)).slots.find((s: { startsAt: string }) => s.startsAt === startsAt);
    expect(slot, `a slot at ${startsAt}`).toBeDefined();
    return slot.id as string;
  };
  const book = async (who: Who, startsAt: string, key: string = who) => {
    const res = await post('/appointments', {
      slotId: await slotAt(startsAt),
      pathwayId: people[who].pathwayId,
      outOfTurnReason: 'Simulation: booked to the plan',
    });
    appt[key] = (await ok(res, 201)).id;
    return appt[key]!;
  };

  let seq = 0;
  const addPerson = async (who: Who, values: Partial<typeof patients.$inferInsert> = {}, over = {}) => {
    seq += 1;
    let stem = 999_520_000 + seq * 13;
    let nhs: string | null = null;
    while (!(nhs = nhsNumberFromStem(String(stem)))) stem += 1;
    const patientId = randomUUID();
    await h.db.db.insert(patients).values({
      orgId: h.fixture.orgId,
      id: patientId,
      nhsNumber: nhs,
      mrn: `SIM${seq}`,
      givenName: `Sim${who}`,
      familyName: `Patient${who}`,
      dateOfBirth: '1970-03-03',
      sex: 'female',
      addressLine1: `${seq} Clinic Road`,
      town: 'Leeds',
      postcode: 'LS1 4AP',
      phone: '07700 900' + String(100 + seq),
      gpPracticeCode: 'B86001',
      ...values,
    });
    const pathwayId = randomUUID();
    await h.db.db.insert(pathways).values({
      orgId: h.fixture.orgId,
      id: pathwayId,
      patientId,
      ppid: `XT1SIM${String(seq).padStart(10, '0')}`,
      ppidIssuer: h.fixture.odsCode,
      specialtyCode: '110',
      clinicianId,
      source: 'gp-paper',
      priority: 'routine',
      referralReceivedDate: '2026-10-05',
      clockStartDate: '2026-10-05',
      status: 'open',
      rttRunning: true,
      rttPeriodStart: '2026-10-05',
      ...over,
    });
    people[who] = { patientId, pathwayId };
  };

  beforeAll(async () => {
    lettersDir = mkdtempSync(join(tmpdir(), 'pathflow-sim-'));
    // Staff stay signed in through the simulated weeks (signing in hashes a password: slow on purpose).
    h = await createHarness(engine, {
      PATHFLOW_SESSION_IDLE_MINUTES: String(200 * 24 * 60),
      PATHFLOW_SESSION_MAX_HOURS: String(200 * 24),
    });
    // Only this clinic's patients wait: the fixture's own pathways are closed.
    await h.db.db.execute(
      sql`update pathways set status = 'closed', rtt_running = false where org_id = ${h.fixture.orgId}`,
    );
    clinicianId = randomUUID();
    await h.db.db.insert(clinicians).values({
      orgId: h.fixture.orgId,
      id: clinicianId,
      registrationCode: 'C7654329',
      title: 'Ms',
      givenName: 'Anna',
      familyName: 'Surgeon',
      specialtyCode: '110',
      grade: 'consultant',
    });
    const locationId = await addTestLocation(h);
    await morning(START);
    clerk = await h.signIn('booking-clerk');
    clinician = await h.signIn('clinician');
    const clinic = await ok(
      await post('/clinics', {
        name: 'Knee clinic (simulation)',
        clinicianId,
        locationId,
        specialtyCode: '110',
        ...LAYOUT,
      }),
      201,
    );
    clinicId = clinic.id;

    await addPerson('A', { email: 'a.patient@example.com' });
    await addPerson('B');
    await addPerson('C', { dateOfBirth: '2017-06-01' });
    await addPerson('D', { vulnerabilities: ['learning-disability'] });
    await addPerson('E');
    await addPerson('F', { communicationNeeds: ['large-print'], phone: null });
    await addPerson('G', { interpreterLanguage: 'Polish' });
    await addPerson('H');
    await addPerson('I');
    await addPerson('J');
    await addPerson('K', { shortNotice: true });

    // Day 0, Monday 23 November 2026.
    await book('A', '2026-12-14T09:00:00.000Z');
    await book('B', '2026-12-14T09:20:00.000Z');
    await book('C', '2026-12-14T09:40:00.000Z');
    await book('D', '2026-12-14T10:00:00.000Z');
    await book('E', '2026-12-21T09:00:00.000Z', 'E1');
    await book('F', '2026-12-21T09:20:00.000Z');
    await book('G', '2027-01-11T09:00:00.000Z');
    await book('J', '2026-12-28T09:00:00.000Z');
    for (const who of ['H', 'I'] as const) {
      const res = await post('/partial-bookings', {
        pathwayId: people[who].pathwayId,
        dueDate: '2027-01-25',
      });
      partial[who] = (await ok(res, 201)).id;
    }

    for (let d = 1; d <= DAYS; d++) {
      const date = new Date(Date.parse(`${START}T12:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10);
      await morning(date);
      switch (date) {
        case '2026-11-30':
          // Six weeks' notice of the consultant's leave: the 11 January session is cancelled.
          await ok(
            await post(`/clinics/${clinicId}/sessions/cancel`, {
              date: '2027-01-11',
              reason: 'Consultant on annual leave',
            }),
            201,
          );
          break;
        case '2026-12-07': {
          // E cancels two weeks ahead (the place goes at short notice); the hospital cancels J's.
          await ok(await post(`/appointments/${appt.E1}/cancel`, { by: 'patient', reason: 'Work' }));
          await ok(await post(`/appointments/${appt.J}/cancel`, { by: 'hospital', reason: 'Clinician ill' }));
          await at(`${date}T08:05:00Z`);
          // K takes the freed place by replying to the SMS.
          await ok(
            await post(
              '/short-notice-offers/sms-replies',
              { phone: (await phoneOf('K'))!, text: ' yes ' },
              await machineSession(),
            ),
          );
          const [k] = await h.db.db
            .select({ id: appointments.id })
            .from(appointments)
            .where(and(eq(appointments.pathwayId, people.K.pathwayId), eq(appointments.status, 'booked')));
          expect(k, 'K was booked into the freed place').toBeDefined();
          appt.K = k!.id;
          await book('E', '2027-01-04T09:00:00.000Z', 'E2');
          break;
        }
        case '2026-12-14': {
          // Clinic day: A attends; B, C and D do not (each was sent a letter and reminders).
          await at(`${date}T12:30:00Z`);
          await ok(await post(`/appointments/${appt.A}/attendance`, { status: 'attended' }));
          for (const who of ['B', 'C', 'D'] as const) {
            await ok(
              await post(`/appointments/${appt[who]}/attendance`, {
                status: 'dna',
                appointmentCommunicated: true,
              }),
            );
          }
          // E cancels again, wanting to wait: the second cancellation goes to clinical review.
          await ok(await post(`/appointments/${appt.E2}/cancel`, { by: 'patient', reason: 'Still busy' }));
          break;
        }
        case '2026-12-15':
          // The clinician decides B should be seen again: a new clock from today (EX-RTT-07).
          await ok(await post(`/appointments/${appt.B}/dna-decision`, { decision: 'rebook' }, clinician));
          break;
        case '2026-12-16': {
          // H answers the invitation; the clerk books H into the clinic H chose.
          await ok(await post(`/partial-bookings/${partial.H}/reply`, { reply: 'will-book' }));
          const id = await book('H', '2027-01-25T09:00:00.000Z');
          await ok(await post(`/partial-bookings/${partial.H}/booked`, { appointmentId: id }));
          break;
        }
        case '2026-12-21':
          await at(`${date}T12:30:00Z`);
          await ok(await post(`/appointments/${appt.F}/attendance`, { status: 'attended' }));
          await ok(await post(`/appointments/${appt.K}/attendance`, { status: 'attended' }));
          break;
        case '2027-01-25':
          await at(`${date}T12:30:00Z`);
          await ok(await post(`/appointments/${appt.H}/attendance`, { status: 'attended' }));
          break;
      }
      // The evening's pass: what fell due during the day (reminders at 09:00, invitations, offers) has gone.
      await at(`${date}T18:00:00Z`);
    }
  }, 600_000);

  afterAll(async () => {
    await h.close();
    rmSync(lettersDir, { recursive: true, force: true });
  });

  const phoneOf = async (who: Who) =>
    (
      await h.db.db
        .select({ phone: patients.phone })
        .from(patients)
        .where(eq(patients.id, people[who].patientId))
    )[0]?.phone;
  let machine: Session | undefined;
  const machineSession = async (): Promise<Session> => {
    const token = await h.token('booking-clerk');
    machine ??= {
      cookie: '',
      csrf: '',
      read: { authorization: `Bearer ${token}` },
      write: { authorization: `Bearer ${token}` },
    };
    return {
      ...machine,
      read: { authorization: `Bearer ${token}` },
      write: { authorization: `Bearer ${token}` },
    };
  };

  const tasksOf = async (who: Who) =>
    (
      await h.db.db
        .select({ type: tasks.type, status: tasks.status, team: tasks.team })
        .from(tasks)
        .where(eq(tasks.patientId, people[who].patientId))
        .orderBy(asc(tasks.type))
    ).map((t) => `${t.type}:${t.status}@${t.team}`);
  const messagesOf = async (who: Who) =>
    h.db.db
      .select()
      .from(communications)
      .where(eq(communications.patientId, people[who].patientId))
      .orderBy(asc(communications.createdAt), asc(communications.kind));
  const codesOf = async (who: Who) =>
    (
      await h.db.db
        .select({ date: rttEvents.eventDate, code: rttEvents.code })
        .from(rttEvents)
        .where(eq(rttEvents.pathwayId, people[who].pathwayId))
        .orderBy(asc(rttEvents.eventDate))
    ).map((e) => `${e.date} ${e.code}`);
  const pathwayOf = async (who: Who) =>
    (await h.db.db.select().from(pathways).where(eq(pathways.id, people[who].pathwayId)))[0]!;

  it('makes exactly the tasks the policy asks for, on the right queues', async () => {
    expect(await tasksOf('A')).toEqual([]);
    expect(await tasksOf('B')).toEqual(['dna-decision:done@clinical-110', 'rebook:open@booking-110']);
    expect(await tasksOf('C')).toEqual(['safeguarding-review:open@clinical-110']);
    expect(await tasksOf('D')).toEqual(['safeguarding-review:open@clinical-110']);
    expect(await tasksOf('E')).toEqual(['clinical-review:open@clinical-110']);
    expect(await tasksOf('F')).toEqual([]);
    expect(await tasksOf('G')).toEqual(['book-interpreter:open@booking-110']);
    expect(await tasksOf('H')).toEqual([]);
    expect(await tasksOf('I')).toEqual(['partial-booking-follow-up:open@booking-110']);
    expect(await tasksOf('J')).toEqual(['rebook:open@booking-110']);
    expect(await tasksOf('K')).toEqual([]);
    // Nothing else: no escalations (everyone on the cancelled session was rebooked before their breach date).
    const all = await h.db.db
      .select({ n: sql<number>`count(*)::int` })
      .from(tasks)
      .where(eq(tasks.orgId, h.fixture.orgId));
    expect(all[0]!.n).toBe(8);
  });

  it('changes the clocks it should, and leaves the others alone', async () => {
    expect(await codesOf('B')).toEqual(['2026-12-14 33', '2026-12-15 10']);
    expect(await codesOf('C')).toEqual(['2026-12-14 33']);
    expect(await codesOf('D')).toEqual(['2026-12-14 33']);
    // Cancellations, a missed reply, a short-notice booking: no RTT event (§2.3, §2.4, §2.1).
    for (const who of ['E', 'G', 'I', 'J', 'K'] as const) expect(await codesOf(who), who).toEqual([]);
    // Nobody is discharged or removed: every pathway is still open, and only the nullified clocks stopped.
    for (const who of ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K'] as const) {
      const p = await pathwayOf(who);
      expect(p.status, who).toBe('open');
      expect(p.rttRunning, who).toBe(!['C', 'D'].includes(who));
    }
    expect((await pathwayOf('B')).rttPeriodStart).toBe('2026-12-15');
  });

  it('partial booking: H replied and was booked; I was invited, reminded once, then followed up, and stays on the list', async () => {
    const rows = await h.db.db
      .select()
      .from(partialBookings)
      .where(inArray(partialBookings.id, [partial.H!, partial.I!]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(partial.H!)).toMatchObject({
      status: 'booked',
      invitedOn: '2026-12-14',
      repliedOn: '2026-12-16',
    });
    expect(byId.get(partial.I!)).toMatchObject({
      status: 'follow-up',
      invitedOn: '2026-12-14',
      replyBy: '2026-12-28',
      remindedOn: '2026-12-28',
      repliedOn: null,
    });
    const kinds = (await messagesOf('I')).map((m) => `${m.kind}:${m.channel}`);
    expect(kinds.filter((k) => k.startsWith('partial-booking-invitation')).length).toBeGreaterThanOrEqual(1);
    expect(kinds.filter((k) => k === 'partial-booking-reminder:letter')).toHaveLength(1);
  });

  it('sends a confirmation for every booking, move and cancellation, and reminders only for appointments that stand', async () => {
    const summary = async (who: Who) =>
      (await messagesOf(who)).map((m) => `${m.kind}/${m.channel}/${m.format}/${m.recipient}/${m.status}`);
    const a = await summary('A');
    expect(a).toEqual(
      expect.arrayContaining([
        'appointment-booked/letter/standard/patient/awaiting-print',
        'appointment-booked/sms/standard/patient/sent',
        'appointment-booked/email/standard/patient/sent',
        'appointment-reminder/sms/standard/patient/sent',
      ]),
    );
    // Two reminders (7 and 2 days before), each sent on its day, before the appointment.
    const reminders = (await messagesOf('A')).filter(
      (m) => m.kind === 'appointment-reminder' && m.channel === 'sms',
    );
    expect(reminders.map((m) => m.sentAt?.toISOString().slice(0, 10)).sort()).toEqual([
      '2026-12-07',
      '2026-12-12',
    ]);

    // F needs large print: a large-print letter, no standard one, and no SMS (no mobile).
    const f = await messagesOf('F');
    expect(f.filter((m) => m.channel === 'letter').every((m) => m.format === 'large-print')).toBe(true);
    expect(f.some((m) => m.channel === 'sms')).toBe(false);

    // E's two cancelled appointments: a cancellation letter each, and no reminder for them ever sent.
    const e = await messagesOf('E');
    expect(e.filter((m) => m.kind === 'appointment-cancelled' && m.channel === 'letter')).toHaveLength(2);
    const sentReminders = e.filter((m) => m.kind === 'appointment-reminder' && m.sentAt !== null);
    for (const r of sentReminders) {
      const [ap] = await h.db.db.select().from(appointments).where(eq(appointments.id, r.appointmentId!));
      expect(ap!.cancelledAt!.getTime()).toBeGreaterThan(r.sentAt!.getTime());
    }
    expect(e.filter((m) => m.kind === 'appointment-reminder' && m.status === 'queued')).toEqual([]);

    // G's session was cancelled for leave: G was rebooked and told the appointment moved.
    const g = await messagesOf('G');
    expect(g.some((m) => m.kind === 'appointment-moved' && m.channel === 'letter')).toBe(true);

    // C was not brought: the GP was told. Letters never went twice for one event.
    expect(
      (await messagesOf('C')).filter((m) => m.kind === 'was-not-brought').map((m) => m.recipient),
    ).toEqual(['gp']);
    const keys = (await h.db.db.select({ k: communications.dedupeKey }).from(communications)).map((r) => r.k);
    const keyed = keys.filter((k): k is string => k !== null);
    expect(new Set(keyed).size).toBe(keyed.length);
    // Every message went, was withdrawn, or was ruled out; none is stuck.
    const stuck = await h.db.db
      .select({ kind: communications.kind, status: communications.status })
      .from(communications)
      .where(
        and(
          eq(communications.orgId, h.fixture.orgId),
          inArray(communications.status, ['queued', 'temporary-failure']),
        ),
      );
    expect(stuck.filter((m) => m.kind !== 'appointment-reminder')).toEqual([]);
  });

  it('the interpreter followed G to the rebooked appointment; the short-notice place went to K by SMS', async () => {
    const [g] = await h.db.db
      .select()
      .from(supportRequests)
      .where(eq(supportRequests.patientId, people.G.patientId));
    const [now] = await h.db.db
      .select()
      .from(appointments)
      .where(and(eq(appointments.pathwayId, people.G.pathwayId), eq(appointments.status, 'booked')));
    expect(g).toMatchObject({
      kind: 'interpreter',
      language: 'Polish',
      status: 'needed',
      appointmentId: now!.id,
    });
    expect(now!.startsAt.toISOString()).not.toBe('2027-01-11T09:00:00.000Z');
    const [k] = await h.db.db
      .select()
      .from(appointments)
      .where(eq(appointments.pathwayId, people.K.pathwayId));
    expect(k).toMatchObject({ status: 'attended', reasonableOffer: false });
    expect(k!.startsAt.toISOString()).toBe('2026-12-21T09:00:00.000Z');
    expect((await messagesOf('K')).some((m) => m.kind === 'short-notice-offer' && m.channel === 'sms')).toBe(
      true,
    );
  });

  it('prints the letters as one batch, and marks them sent when it is collected', async () => {
    await morning('2027-02-16');
    const batch = await ok(await post('/print-batches', {}), 201);
    const waiting = await h.db.db
      .select({ n: sql<number>`count(*)::int` })
      .from(communications)
      .where(and(eq(communications.orgId, h.fixture.orgId), eq(communications.printBatchId, batch.id)));
    expect(batch.letterCount).toBe(waiting[0]!.n);
    expect(batch.letterCount).toBeGreaterThan(15);
    await ok(await post(`/print-batches/${batch.id}/collected`, {}));
    const left = await h.db.db
      .select({ n: sql<number>`count(*)::int` })
      .from(communications)
      .where(and(eq(communications.orgId, h.fixture.orgId), eq(communications.status, 'awaiting-print')));
    expect(left[0]!.n).toBe(0);
  });
});
