/**
 * Delivery through the embedded outbox: a booking's confirmation letter fans out into the SMS, the email and the
 * reminders; accessible formats from the patient's needs; channels the needs rule out are suppressed; reminders
 * for a cancelled appointment never go; missing fields fail with the names and a task.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldsFor, MESSAGE_KINDS, isAppointmentKind } from '@pathflow/core';
import { communications, tasks } from '../../src/db/schema';
import { systemContext } from '../../src/auth/principal';
import { queueCommunications } from '../../src/features/communications/outbox';
import { fieldValues, loadBatchFacts } from '../../src/features/communications/message-data';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';
import { book, closeAll, deliver, lettersDir, messagesFor, patientWith } from './support';

const NOW = '2026-11-23T09:00:00Z';

describe.each(ENGINES)('delivery through the outbox on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinic: TestClinic;
  let dir: string;

  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = await h.signIn('booking-clerk');
    clinic = await createTestClinic(h, 999_300_000);
    dir = lettersDir();
    await closeAll(h);
  });
  afterAll(() => h.close());

  it('fans a booking letter out into its SMS, email and reminders at 7 and 2 days, each sent once', async () => {
    h.clock.set(NOW);
    const { patientId, pathwayId } = await patientWith(h, clinic, {});
    const appointmentId = await book(h, clerk, clinic, pathwayId, '2026-12-21T10:20:00Z');
    const first = await deliver(h, dir);
    expect(first).toEqual({ sent: 3, failed: 0, retried: 0, suppressed: 0 });
    const rows = await messagesFor(h, patientId);
    const summary = rows.map((r) => [r.kind, r.channel, r.status, r.sendAfter?.toISOString() ?? null]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['appointment-booked', 'letter', 'awaiting-print', null],
        ['appointment-booked', 'sms', 'sent', null],
        ['appointment-booked', 'email', 'sent', null],
        ['appointment-reminder', 'sms', 'queued', '2026-12-14T09:00:00.000Z'],
        ['appointment-reminder', 'email', 'queued', '2026-12-14T09:00:00.000Z'],
        ['appointment-reminder', 'sms', 'queued', '2026-12-19T09:00:00.000Z'],
        ['appointment-reminder', 'email', 'queued', '2026-12-19T09:00:00.000Z'],
      ]),
    );
    expect(rows).toHaveLength(7);
    const letter = rows.find((r) => r.channel === 'letter')!;
    expect(letter).toMatchObject({ format: 'standard', templateVersion: 1, provider: 'outbox', attempts: 1 });
    expect(letter.renderedSubject).toBe('Your appointment');
    expect(letter.renderedBody).toContain('Monday 21 December 2026 at 10:20am');
    expect(letter.renderedBody).toContain(
      'Ms Surgeon knee clinic, Outpatients A, Test General, 1 Hospital Road, LS1 3EX',
    );
    expect(letter.letterFile).toBe(`2026-11-23/${letter.id}.pdf`);
    expect(readFileSync(join(dir, letter.letterFile!)).subarray(0, 5).toString()).toBe('%PDF-');
    const sms = rows.find((r) => r.kind === 'appointment-booked' && r.channel === 'sms')!;
    expect(sms.dedupeKey).toBe(`appointment-booked:${appointmentId}:sms:patient`);
    expect(sms.renderedBody).toMatch(
      /^Your Trauma and orthopaedics appointment is on Monday 21 December 2026 at 10:20am/i,
    );

    // Nothing more is due; delivering again sends nothing twice.
    expect(await deliver(h, dir)).toEqual({ sent: 0, failed: 0, retried: 0, suppressed: 0 });
    // The 7-day reminders go on their morning, the 2-day ones later.
    h.clock.set('2026-12-14T09:00:00Z');
    expect(await deliver(h, dir)).toMatchObject({ sent: 2 });
    h.clock.set('2026-12-19T09:30:00Z');
    expect(await deliver(h, dir)).toMatchObject({ sent: 2 });
    expect(await deliver(h, dir)).toMatchObject({ sent: 0 });
    const after = await messagesFor(h, patientId);
    expect(after.filter((r) => r.status === 'sent')).toHaveLength(6);
    expect(after.every((r) => r.attempts <= 1)).toBe(true);
    await closeAll(h);
  });

  it('EX-AIS-01: a patient who needs large print gets a large-print letter and no standard one', async () => {
    h.clock.set(NOW);
    const { patientId, pathwayId } = await patientWith(h, clinic, {
      phone: null,
      email: null,
      needs: ['large-print'],
    });
    await book(h, clerk, clinic, pathwayId, '2026-12-22T10:00:00Z');
    await deliver(h, dir);
    const rows = await messagesFor(h, patientId);
    const booked = rows.filter((r) => r.kind === 'appointment-booked');
    expect(booked.map((r) => [r.channel, r.format, r.status])).toEqual([
      ['letter', 'large-print', 'awaiting-print'],
    ]);
    // No phone or email: the 7-day reminder goes by post; the 2-day one would arrive too late.
    expect(rows.filter((r) => r.kind === 'appointment-reminder').map((r) => r.dedupeKey)).toEqual([
      expect.stringMatching(/:7d:letter$/),
    ]);
    await closeAll(h);
  });

  it('queues no SMS for a patient who uses text relay, and suppresses one queued anyway', async () => {
    h.clock.set(NOW);
    const { patientId, pathwayId } = await patientWith(h, clinic, { needs: ['text-relay'] });
    const appointmentId = await book(h, clerk, clinic, pathwayId, '2026-12-23T10:00:00Z');
    await deliver(h, dir);
    await h.db.db.transaction((tx) =>
      queueCommunications(tx, systemContext(h.fixture.orgId, h.clock.now()), [
        {
          patientId,
          pathwayId,
          appointmentId,
          kind: 'appointment-reminder',
          channel: 'sms',
          dedupeKey: `x:${appointmentId}`,
        },
      ]),
    );
    expect(await deliver(h, dir)).toMatchObject({ suppressed: 1, sent: 0 });
    const rows = await messagesFor(h, patientId);
    expect(rows.filter((r) => r.channel === 'sms').map((r) => [r.status, r.lastError])).toEqual([
      ['suppressed', 'needs-rule-out-sms'],
    ]);
    expect(rows.filter((r) => r.channel === 'email' && r.kind === 'appointment-booked')).toHaveLength(1);
    await closeAll(h);
  });

  it('sends only email to a patient who asked for email only, and notes an interpreter in the letter', async () => {
    h.clock.set(NOW);
    const emailOnly = await patientWith(h, clinic, { needs: ['email-only'] });
    await book(h, clerk, clinic, emailOnly.pathwayId, '2026-12-28T10:00:00Z');
    await closeAll(h);
    const interpreter = await patientWith(h, clinic, {
      phone: null,
      email: null,
      interpreterLanguage: 'Polish',
    });
    await book(h, clerk, clinic, interpreter.pathwayId, '2026-12-28T11:00:00Z');
    await deliver(h, dir);
    const a = (await messagesFor(h, emailOnly.patientId)).filter((r) => r.kind === 'appointment-booked');
    expect(a.map((r) => [r.channel, r.status])).toEqual(
      expect.arrayContaining([
        ['letter', 'suppressed'],
        ['email', 'sent'],
      ]),
    );
    expect(a).toHaveLength(2);
    const [letter] = (await messagesFor(h, interpreter.patientId)).filter(
      (r) => r.kind === 'appointment-booked',
    );
    expect(letter!.renderedBody).toContain('an interpreter who speaks Polish');
    await closeAll(h);
  });

  it('never sends a reminder for an appointment that was cancelled, and confirms the cancellation', async () => {
    h.clock.set(NOW);
    const { patientId, pathwayId } = await patientWith(h, clinic, {});
    const appointmentId = await book(h, clerk, clinic, pathwayId, '2026-12-29T10:00:00Z');
    await deliver(h, dir);
    const cancel = await h.app.inject({
      method: 'POST',
      url: `/api/v1/appointments/${appointmentId}/cancel`,
      headers: clerk.write,
      payload: { by: 'patient', reason: 'Cannot come' },
    });
    expect(cancel.statusCode, cancel.body).toBe(200);
    await deliver(h, dir);
    h.clock.set('2026-12-22T09:00:00Z');
    await deliver(h, dir);
    h.clock.set('2026-12-27T09:00:00Z');
    await deliver(h, dir);
    const rows = await messagesFor(h, patientId);
    const reminders = rows.filter((r) => r.kind === 'appointment-reminder');
    expect(reminders).toHaveLength(4);
    expect(reminders.every((r) => r.status === 'cancelled' && r.sentAt === null)).toBe(true);
    expect(rows.filter((r) => r.kind === 'appointment-cancelled').map((r) => [r.channel, r.status])).toEqual(
      expect.arrayContaining([
        ['letter', 'awaiting-print'],
        ['sms', 'sent'],
        ['email', 'sent'],
      ]),
    );
    await closeAll(h);
  });

  it('confirms a move, reminds of the new appointment and never of the old one', async () => {
    h.clock.set(NOW);
    const { patientId, pathwayId } = await patientWith(h, clinic, { email: null });
    const oldId = await book(h, clerk, clinic, pathwayId, '2027-01-04T10:00:00Z');
    await deliver(h, dir);
    const slotId = await clinic.addSlot('2027-01-11T10:00:00Z');
    const moved = await h.app.inject({
      method: 'POST',
      url: `/api/v1/appointments/${oldId}/reschedule`,
      headers: clerk.write,
      payload: { slotId, by: 'patient', reason: 'Away that week' },
    });
    expect(moved.statusCode, moved.body).toBe(201);
    const newId = moved.json<{ id: string }>().id;
    await deliver(h, dir);
    for (const at of [
      '2026-12-28T09:00:00Z',
      '2027-01-02T09:00:00Z',
      '2027-01-04T09:00:00Z',
      '2027-01-09T09:00:00Z',
    ]) {
      h.clock.set(at);
      await deliver(h, dir);
    }
    const rows = await messagesFor(h, patientId);
    const line = (r: (typeof rows)[number]) => [
      r.appointmentId === oldId ? 'old' : 'new',
      r.kind,
      r.channel,
      r.status,
    ];
    expect(rows.map(line)).toEqual(
      expect.arrayContaining([
        ['new', 'appointment-moved', 'letter', 'awaiting-print'],
        ['new', 'appointment-moved', 'sms', 'sent'],
        ['new', 'appointment-reminder', 'sms', 'sent'],
      ]),
    );
    expect(
      rows.filter((r) => r.appointmentId === oldId && r.kind === 'appointment-reminder').map((r) => r.status),
    ).toEqual(['cancelled', 'cancelled']);
    expect(
      rows.filter(
        (r) => r.appointmentId === newId && r.kind === 'appointment-reminder' && r.status === 'sent',
      ),
    ).toHaveLength(2);
    await closeAll(h);
  });

  it('fails a message whose fields cannot be filled, naming them (never their values), with a task', async () => {
    h.clock.set(NOW);
    const { patientId, pathwayId } = await patientWith(h, clinic, {});
    const [id] = await h.db.db.transaction((tx) =>
      queueCommunications(tx, systemContext(h.fixture.orgId, h.clock.now()), [
        { patientId, pathwayId, kind: 'short-notice-offer', channel: 'sms', dedupeKey: `sn:${patientId}` },
      ]),
    );
    expect(await deliver(h, dir)).toMatchObject({ failed: 1 });
    const [row] = await h.db.db.select().from(communications).where(eq(communications.id, id!));
    expect(row).toMatchObject({ status: 'technical-failure' });
    expect(row!.lastError).toBe('missing fields: appointment date, appointment time, location');
    const [task] = await h.db.db
      .select()
      .from(tasks)
      .where(and(eq(tasks.orgId, h.fixture.orgId), eq(tasks.dedupeKey, `letter-failed:${id}`)));
    expect(task).toMatchObject({ type: 'letter-failed', team: 'booking-110', patientId });
  });

  it('fills every field each kind can use when the message has what it needs', async () => {
    h.clock.set(NOW);
    const { pathwayId } = await patientWith(h, clinic, { interpreterLanguage: 'Urdu' });
    const appointmentId = await book(h, clerk, clinic, pathwayId, '2026-12-30T10:00:00Z');
    const [row] = await h.db.db
      .select()
      .from(communications)
      .where(eq(communications.appointmentId, appointmentId));
    const facts = await loadBatchFacts(h.db.db, h.fixture.orgId, [row!]);
    for (const kind of MESSAGE_KINDS) {
      const values = fieldValues(facts.trustName, { ...facts.messages[0]!, row: { ...row!, kind } });
      const keys = Object.keys(values);
      for (const f of fieldsFor(kind)) expect(keys, `${kind} ((${f}))`).toContain(f.replace(/\s+/g, ''));
      if (isAppointmentKind(kind)) expect(values.interpreterlanguage).toBe('Urdu');
    }
    expect(existsSync(dir)).toBe(true);
    await closeAll(h);
  });
});
