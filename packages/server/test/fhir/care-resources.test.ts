/**
 * FHIR Task, Communication and CarePlan: the work queues' tasks, the messages sent to patients and their
 * patient-initiated follow-up plans, read and searched. Each status maps as the modules document; a message's
 * words are never served; bad parameters are refused naming the parameter; another organisation's records are
 * never seen; every record returned is audited. Every resource and Bundle received is validated against the
 * FHIR R4 definitions.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Bundle, CarePlan, Communication, OperationOutcome, Task } from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teamFor } from '@pathflow/core';
import { auditLog, communications, pifuPlans } from '../../src/db/schema';
import { systemContext } from '../../src/auth/principal';
import { createTasks } from '../../src/features/tasks/service';
import { queueCommunications } from '../../src/features/communications/outbox';
import { startPifu } from '../../src/features/pifu/service';
import { ENGINES } from '../support/db';
import type { Harness, Session } from '../support/app';
import type { Fixture } from '../support/fixtures';
import { bearer, fhirGet } from '../support/fhir';
import { createCareHarness, expectValid } from './support/care';

const TASK_TYPE = 'https://pathflow.dev/CodeSystem/task-type';
const KIND = 'https://pathflow.dev/CodeSystem/communication-kind';
const MODE = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode';

describe.each(ENGINES)('FHIR Task, Communication and CarePlan on %s', (engine) => {
  let h: Harness;
  let other: Fixture;
  let clerkToken: Record<string, string>;
  let clerk: Session;
  let clinician: Session;
  const ids = {
    openTask: '',
    claimedTask: '',
    doneTask: '',
    teamTask: '',
    otherTask: '',
    letter: '',
    text: '',
    suppressed: '',
    gpCopy: '',
    otherMessage: '',
    appointment: randomUUID(),
    activePlan: '',
    activePlanReferral: '',
    endedPlan: '',
    dischargedPlan: '',
    otherPlan: '',
  };

  const post = async (url: string, payload: object, s: Session) => {
    const res = await h.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: s.write, payload });
    expect(res.statusCode, `${url} ${res.body}`).toBeLessThan(300);
    return res.json<{ id: string; pathwayId?: string }>();
  };

  beforeAll(async () => {
    ({ h, clerkToken, clerk, clinician, other } = await createCareHarness(engine));
    const { alice, bob } = h.fixture.patients;
    const ctx = systemContext(h.fixture.orgId, h.clock.now());

    // Tasks: one open, one claimed, one completed with an outcome, one about no patient (with an appointment).
    const booking = teamFor('booking-clerk', '110');
    ids.openTask = (
      await post('/tasks', { type: 'call-patient', team: booking, patientId: alice }, clerk)
    ).id;
    ids.claimedTask = (
      await post(
        '/tasks',
        { type: 'book-interpreter', team: booking, patientId: bob, priority: 'urgent' },
        clerk,
      )
    ).id;
    await post(`/tasks/${ids.claimedTask}/claim`, {}, clerk);
    ids.doneTask = (
      await post(
        '/tasks',
        { type: 'call-patient', team: booking, patientId: alice, dueDate: '2026-11-30' },
        clerk,
      )
    ).id;
    await post(
      `/tasks/${ids.doneTask}/complete`,
      { outcome: 'spoke-to-patient', note: 'Alice will call back' },
      clerk,
    );
    [ids.teamTask] = (await createTasks(h.db.db, ctx, [
      { type: 'escalate-capacity', team: teamFor('service-manager', '110'), appointmentId: ids.appointment },
    ])) as [string];
    [ids.otherTask] = (await createTasks(h.db.db, systemContext(other.orgId, h.clock.now()), [
      { type: 'call-patient', team: booking, patientId: other.patients.alice },
    ])) as [string];

    // Messages: a letter sent, a text handed to Notify, one suppressed, a copy to the GP still queued.
    [ids.letter, ids.text, ids.suppressed, ids.gpCopy] = (await queueCommunications(h.db.db, ctx, [
      { patientId: alice, appointmentId: ids.appointment, kind: 'appointment-booked', format: 'large-print' },
      { patientId: bob, kind: 'short-notice-offer', channel: 'sms' },
      { patientId: bob, kind: 'appointment-reminder', channel: 'email' },
      { patientId: alice, kind: 'dna-discharge', recipient: 'gp' },
    ])) as [string, string, string, string];
    const set = (id: string, values: Partial<typeof communications.$inferInsert>) =>
      h.db.db.update(communications).set(values).where(eq(communications.id, id));
    await set(ids.letter, {
      status: 'sent',
      sentAt: new Date('2026-11-20T10:00:00Z'),
      renderedSubject: 'Your appointment',
      renderedBody: 'Dear Alice Example, your knee appointment is booked.',
    });
    await set(ids.text, { status: 'sent', sentAt: new Date('2026-11-21T10:00:00Z') });
    await set(ids.suppressed, { status: 'suppressed' });
    [ids.otherMessage] = (await queueCommunications(h.db.db, systemContext(other.orgId, h.clock.now()), [
      { patientId: other.patients.alice, kind: 'appointment-booked' },
    ])) as [string];

    // PIFU: an active plan on a pathway opened by a referral, one a clinician ended, one discharged.
    const referral = await post(
      '/referrals',
      {
        nhsNumber: '9990000026',
        source: 'gp-paper',
        receivedDate: '2026-10-01',
        specialtyCode: '120',
        priority: 'routine',
        referrerName: 'Dr A Practitioner',
        confirmedNotDuplicate: true,
      },
      clerk,
    );
    ids.activePlanReferral = referral.id;
    ids.activePlan = (
      await post(`/pathways/${referral.pathwayId}/pifu`, { kind: 'time-limited', months: 6 }, clinician)
    ).id;
    ids.endedPlan = (
      await post(`/pathways/${h.fixture.pathways.bobEnt}/pifu`, { kind: 'open-ended' }, clinician)
    ).id;
    await post(`/pifu/${ids.endedPlan}/requests`, {}, clerk);
    await post(`/pifu/${ids.endedPlan}/outcome`, { outcome: 'end' }, clinician);
    ids.dischargedPlan = (
      await post(
        `/pathways/${h.fixture.pathways.aliceOrthopaedics}/pifu`,
        { kind: 'time-limited', months: 3 },
        clinician,
      )
    ).id;
    await h.db.db.update(pifuPlans).set({ status: 'discharged' }).where(eq(pifuPlans.id, ids.dischargedPlan));
    ids.otherPlan = (
      await startPifu(h.db.db, systemContext(other.orgId, h.clock.now()), other.pathways.aliceOrthopaedics, {
        kind: 'open-ended',
      })
    ).id;
  });
  afterAll(() => h.close());

  const read = async <T>(path: string, headers = clerkToken): Promise<T> => {
    const { res, body } = await fhirGet(h, path, headers);
    expect(res.statusCode, `${path} ${res.body}`).toBe(200);
    expectValid(body);
    expect(res.headers.etag).toBe(`W/"${body.meta!.versionId}"`);
    return body as T;
  };
  const search = async (query: string, headers = clerkToken): Promise<string[]> => {
    const { res, body } = await fhirGet(h, query, headers);
    expect(res.statusCode, `${query} ${res.body}`).toBe(200);
    expectValid(body);
    return ((body as Bundle).entry ?? []).map((e) => e.resource!.id!);
  };
  const badParameter = async (query: string, param: string) => {
    const { res, body } = await fhirGet(h, query, clerkToken);
    expect(res.statusCode, query).toBe(400);
    expectValid(body);
    expect((body as OperationOutcome).issue[0]!.expression, query).toEqual([param]);
  };
  const audited = (action: string, resourceId: string) =>
    h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, action), eq(auditLog.resourceId, resourceId)));
  const notFound = async (path: string) => {
    const { res, body } = await fhirGet(h, path, clerkToken);
    expect(res.statusCode, path).toBe(404);
    expectValid(body);
  };

  describe('Task', () => {
    it('reads an open task as requested, with its type, patient and due date, audited', async () => {
      const task = await read<Task>(`/Task/${ids.openTask}`);
      expect(task).toMatchObject({
        meta: { versionId: '1', profile: ['https://fhir.hl7.org.uk/StructureDefinition/UKCore-Task'] },
        status: 'requested',
        intent: 'order',
        priority: 'routine',
        code: { coding: [{ system: TASK_TYPE, code: 'call-patient', display: 'Call the patient' }] },
        for: { reference: `Patient/${h.fixture.patients.alice}` },
        authoredOn: '2026-11-23T09:00:00.000Z',
        restriction: { period: { end: '2026-11-26' } },
      });
      expect(task.owner).toBeUndefined();
      const rows = await audited('Task.read', ids.openTask);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.patientId).toBe(h.fixture.patients.alice);
    });

    it('maps a claimed task to in-progress, our urgent to asap, and a completed one with its outcome code only', async () => {
      const claimed = await read<Task>(`/Task/${ids.claimedTask}`);
      expect(claimed).toMatchObject({ status: 'in-progress', priority: 'asap', meta: { versionId: '2' } });
      const done = await read<Task>(`/Task/${ids.doneTask}`);
      expect(done).toMatchObject({
        status: 'completed',
        executionPeriod: { end: '2026-11-23T09:00:00.000Z' },
        restriction: { period: { end: '2026-11-30' } },
        output: [{ valueCodeableConcept: { coding: [{ code: 'spoke-to-patient' }] } }],
      });
      expect(JSON.stringify(done)).not.toContain('call back');
      const team = await read<Task>(`/Task/${ids.teamTask}`);
      expect(team).toMatchObject({
        priority: 'urgent',
        focus: { reference: `Appointment/${ids.appointment}` },
      });
      expect(team.for).toBeUndefined();
    });

    it('searches by patient, status and code; another organisation’s tasks are not there', async () => {
      const alices = await search(`/Task?patient=Patient/${h.fixture.patients.alice}`);
      expect(alices.sort()).toEqual([ids.openTask, ids.doneTask].sort());
      expect(await search(`/Task?patient=${h.fixture.patients.alice}&status=completed`)).toEqual([
        ids.doneTask,
      ]);
      const live = await search('/Task?status=requested,in-progress');
      expect(live).toEqual(expect.arrayContaining([ids.openTask, ids.claimedTask, ids.teamTask]));
      expect(live).not.toContain(ids.doneTask);
      expect(await search('/Task?status=on-hold')).toEqual([]);
      expect(await search(`/Task?code=${TASK_TYPE}|escalate-capacity`)).toEqual([ids.teamTask]);
      expect((await search('/Task?code=call-patient')).sort()).toEqual([ids.openTask, ids.doneTask].sort());
      const all = await search('/Task?_count=500');
      // Ours, and the booking task the PIFU request made.
      expect(all).toHaveLength(5);
      expect(all).toEqual(
        expect.arrayContaining([ids.openTask, ids.claimedTask, ids.doneTask, ids.teamTask]),
      );
      expect(await search(`/Task?code=pifu-request`)).toHaveLength(1);
      expect(all).not.toContain(ids.otherTask);
      await notFound(`/Task/${ids.otherTask}`);
      expect(await audited('Task.search', ids.openTask)).not.toHaveLength(0);
      expect(await audited('Task.search', ids.otherTask)).toHaveLength(0);
      expect(await audited('Task.read', ids.otherTask)).toHaveLength(0);
    });

    it('names the parameter at fault', async () => {
      await badParameter('/Task?status=done', 'status');
      await badParameter('/Task?code=make-tea', 'code');
      await badParameter('/Task?code=https://example.org|call-patient', 'code');
      await badParameter('/Task?patient=Location/1', 'patient');
      await badParameter('/Task?_count=x', '_count');
    });
  });

  describe('Communication', () => {
    it('reads a letter sent: completed, by mail, about the appointment, never what it said; audited', async () => {
      const letter = await read<Communication>(`/Communication/${ids.letter}`);
      expect(letter).toMatchObject({
        meta: { profile: ['http://hl7.org/fhir/StructureDefinition/Communication'] },
        status: 'completed',
        statusReason: { coding: [{ code: 'sent' }] },
        category: [{ coding: [{ system: KIND, code: 'appointment-booked' }] }],
        medium: [{ coding: [{ system: MODE, code: 'MAILWRIT' }], text: 'Letter, large print' }],
        subject: { reference: `Patient/${h.fixture.patients.alice}` },
        recipient: [{ reference: `Patient/${h.fixture.patients.alice}` }],
        sender: { reference: `Organization/${h.fixture.orgId}` },
        about: [{ reference: `Appointment/${ids.appointment}` }],
        sent: '2026-11-20T10:00:00.000Z',
      });
      expect(letter.payload).toBeUndefined();
      expect(JSON.stringify(letter)).not.toMatch(/Dear|knee|Your appointment/);
      const rows = await audited('Communication.read', ids.letter);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.patientId).toBe(h.fixture.patients.alice);
    });

    it('maps a text handed to Notify to in-progress, a suppressed email to not-done, a queued GP copy to preparation', async () => {
      const text = await read<Communication>(`/Communication/${ids.text}`);
      expect(text).toMatchObject({
        status: 'in-progress',
        medium: [{ coding: [{ code: 'WRITTEN' }], text: 'Text message (SMS)' }],
      });
      const email = await read<Communication>(`/Communication/${ids.suppressed}`);
      expect(email).toMatchObject({
        status: 'not-done',
        statusReason: { coding: [{ code: 'suppressed' }] },
        medium: [{ coding: [{ code: 'EMAILWRIT' }] }],
      });
      expect(email.sent).toBeUndefined();
      const gp = await read<Communication>(`/Communication/${ids.gpCopy}`);
      expect(gp).toMatchObject({ status: 'preparation', recipient: [{ type: 'Organization' }] });
      expect(gp.statusReason).toBeUndefined();
    });

    it('searches by patient, status, date sent and kind; another organisation’s messages are not there', async () => {
      expect((await search(`/Communication?patient=Patient/${h.fixture.patients.alice}`)).sort()).toEqual(
        [ids.letter, ids.gpCopy].sort(),
      );
      expect(await search('/Communication?status=completed')).toEqual([ids.letter]);
      expect(await search('/Communication?status=in-progress')).toEqual([ids.text]);
      expect((await search('/Communication?status=not-done,preparation')).sort()).toEqual(
        [ids.suppressed, ids.gpCopy].sort(),
      );
      expect(await search('/Communication?sent=2026-11-20')).toEqual([ids.letter]);
      expect(await search('/Communication?sent=ge2026-11-21')).toEqual([ids.text]);
      expect((await search('/Communication?sent=ge2026-11-20T09:00:00Z&sent=lt2026-11-22')).sort()).toEqual(
        [ids.letter, ids.text].sort(),
      );
      expect(await search(`/Communication?category=${KIND}|short-notice-offer`)).toEqual([ids.text]);
      const all = await search('/Communication?_count=500');
      expect(all).toHaveLength(4);
      expect(all).not.toContain(ids.otherMessage);
      await notFound(`/Communication/${ids.otherMessage}`);
      const rows = await audited('Communication.search', ids.text);
      expect(rows).not.toHaveLength(0);
      expect(rows.every((r) => r.patientId === h.fixture.patients.bob)).toBe(true);
      expect(await audited('Communication.search', ids.otherMessage)).toHaveLength(0);
    });

    it('names the parameter at fault', async () => {
      await badParameter('/Communication?status=sent', 'status');
      await badParameter('/Communication?category=postcard', 'category');
      await badParameter('/Communication?category=https://example.org|appointment-booked', 'category');
      await badParameter('/Communication?sent=2026-02-30', 'sent');
      await badParameter('/Communication?sent=yesterday', 'sent');
      await badParameter('/Communication?patient=Slot/1', 'patient');
    });
  });

  describe('CarePlan', () => {
    it('reads an active time-limited plan with its window and the referral behind it, audited', async () => {
      const plan = await read<CarePlan>(`/CarePlan/${ids.activePlan}`);
      expect(plan).toMatchObject({
        meta: { versionId: '1', profile: ['http://hl7.org/fhir/StructureDefinition/CarePlan'] },
        status: 'active',
        intent: 'plan',
        title: 'Patient-initiated follow-up',
        category: [{ coding: [{ code: 'time-limited' }] }],
        subject: { reference: `Patient/${h.fixture.patients.bob}` },
        period: { start: '2026-11-23', end: '2027-05-23' },
        supportingInfo: [{ reference: `ServiceRequest/${ids.activePlanReferral}` }],
      });
      expect(plan.description).toContain('6 months');
      const rows = await audited('CarePlan.read', ids.activePlan);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.patientId).toBe(h.fixture.patients.bob);
    });

    it('maps a plan a clinician ended to revoked, and a discharged one to completed', async () => {
      const ended = await read<CarePlan>(`/CarePlan/${ids.endedPlan}`);
      expect(ended).toMatchObject({ status: 'revoked', period: { start: '2026-11-23' } });
      expect(ended.period!.end).toBeUndefined();
      expect(ended.supportingInfo).toBeUndefined();
      expect((await read<CarePlan>(`/CarePlan/${ids.dischargedPlan}`)).status).toBe('completed');
    });

    it('is read with Patient.read: a care coordinator may, a flow coordinator may not', async () => {
      const careCoordinator = bearer(await h.token('care-coordinator'));
      await read<CarePlan>(`/CarePlan/${ids.activePlan}`, careCoordinator);
      const flow = await fhirGet(h, `/CarePlan/${ids.activePlan}`, bearer(await h.token('flow-coordinator')));
      expect(flow.res.statusCode).toBe(403);
      expectValid(flow.body);
    });

    it('searches by patient and status; another organisation’s plans are not there', async () => {
      expect((await search(`/CarePlan?patient=Patient/${h.fixture.patients.bob}`)).sort()).toEqual(
        [ids.activePlan, ids.endedPlan].sort(),
      );
      expect(await search('/CarePlan?status=active')).toEqual([ids.activePlan]);
      expect((await search('/CarePlan?status=completed,revoked')).sort()).toEqual(
        [ids.endedPlan, ids.dischargedPlan].sort(),
      );
      expect(await search('/CarePlan?status=draft')).toEqual([]);
      const all = await search('/CarePlan?_count=500');
      expect(all).toHaveLength(3);
      expect(all).not.toContain(ids.otherPlan);
      await notFound(`/CarePlan/${ids.otherPlan}`);
      expect(await audited('CarePlan.search', ids.endedPlan)).not.toHaveLength(0);
      expect(await audited('CarePlan.search', ids.otherPlan)).toHaveLength(0);
    });

    it('names the parameter at fault', async () => {
      await badParameter('/CarePlan?status=ended', 'status');
      await badParameter('/CarePlan?patient=Task/1', 'patient');
      await badParameter('/CarePlan?_include=CarePlan:subject', '_include');
    });
  });
});
