/**
 * The letter preview (`POST /appointments/letter-preview`): it shows exactly what booking the pathway into the
 * slot then sends — compared, message by message, with what a real booking queued and delivery rendered and
 * laid out — for a patient with a mobile and email, one who needs large print and an interpreter and has no
 * mobile, and after the trust has written its own template; it stores nothing but its audit row; and it refuses
 * what booking would refuse, with booking's codes.
 */
import { randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appointments,
  auditLog,
  clinicTemplates,
  communicationTemplates,
  communications,
  slotHolds,
  slots,
} from '../../src/db/schema';
import { letterContentFromRow } from '../../src/features/print-batches/letter-content';
import type { LetterPreview } from '../../src/features/booking/letter-preview';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';
import { closeAll, deliver, lettersDir, messagesFor, patientWith } from '../communications/support';

const NOW = '2026-11-23T09:00:00Z';

describe.each(ENGINES)('letter preview on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinic: TestClinic;
  let dir: string;

  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = await h.signIn('booking-clerk');
    clinic = await createTestClinic(h, 999_820_000);
    dir = lettersDir();
    // Nobody else waiting: each booking here is in turn.
    await closeAll(h);
  });
  afterAll(() => h.close());

  const preview = (payload: object, as = clerk) =>
    h.app.inject({
      method: 'POST',
      url: '/api/v1/appointments/letter-preview',
      headers: as.write,
      payload,
    });
  const book = (payload: object) =>
    h.app.inject({ method: 'POST', url: '/api/v1/appointments', headers: clerk.write, payload });

  /** What the database holds that a preview must not change. */
  const footprint = async () => {
    const n = async (table: typeof communications | typeof appointments | typeof slotHolds) =>
      (await h.db.db.select({ n: count() }).from(table))[0]!.n;
    const [t] = await h.db.db.select({ n: count() }).from(communicationTemplates);
    const placed = await h.db.db.select({ id: slots.id, booked: slots.booked, held: slots.held }).from(slots);
    return {
      communications: await n(communications),
      appointments: await n(appointments),
      holds: await n(slotHolds),
      templates: t!.n,
      slots: placed.sort((a, b) => a.id.localeCompare(b.id)),
    };
  };

  /** Previews, checks nothing was stored, books, delivers, and compares the preview with what was sent. */
  const previewThenBook = async (pathwayId: string, patientId: string, startsAt: string) => {
    const slotId = await clinic.addSlot(startsAt);
    const before = await footprint();
    const res = await preview({ pathwayId, slotId });
    expect(res.statusCode, res.body).toBe(200);
    const shown = res.json<LetterPreview>();
    expect(await footprint()).toEqual(before);

    const booked = await book({ slotId, pathwayId });
    expect(booked.statusCode, booked.body).toBe(201);
    expect(booked.json()).toMatchObject({
      noticeDays: shown.noticeDays,
      reasonableOffer: shown.reasonable,
    });
    await deliver(h, dir);
    const sent = (await messagesFor(h, patientId)).filter((m) => m.kind === 'appointment-booked');
    // The same channels, in the same words.
    expect(sent.map((m) => m.channel).sort()).toEqual(shown.messages.map((m) => m.channel).sort());
    for (const m of shown.messages) {
      const row = sent.find((s) => s.channel === m.channel)!;
      expect(row.status, m.channel).not.toMatch(/failure|suppressed/);
      expect({ subject: row.renderedSubject, body: row.renderedBody, format: row.format }, m.channel).toEqual(
        {
          subject: m.subject,
          body: m.body,
          format: m.format,
        },
      );
    }
    // The letter laid out as the print batch draws it.
    const letter = sent.find((s) => s.channel === 'letter');
    if (letter) expect(shown.letter).toEqual(await letterContentFromRow(h.db.db, h.fixture.orgId, letter));
    else expect(shown.letter).toBeNull();
    return { shown, appointmentId: booked.json<{ id: string }>().id };
  };

  it('shows what booking sends: letter, SMS and email, in the words delivery renders', async () => {
    h.clock.set(NOW);
    const { pathwayId, patientId } = await patientWith(h, clinic, {});
    const { shown } = await previewThenBook(pathwayId, patientId, '2026-12-21T10:20:00Z');
    expect(shown).toMatchObject({
      kind: 'appointment-booked',
      noticeDays: 28,
      reasonable: true,
      recipient: { addressLines: ['1 Road', 'Leeds', 'LS1 1AA'] },
      notSent: [],
    });
    expect(shown.recipient.name).toMatch(/^Test Patient\d+$/);
    expect(shown.messages.map((m) => [m.channel, m.to])).toEqual([
      ['letter', null],
      ['sms', '07700 900123'],
      ['email', 'test.patient@example.com'],
    ]);
    const letter = shown.messages[0]!;
    expect(letter.subject).toBe('Your appointment');
    expect(letter.body).toContain('Monday 21 December 2026 at 10:20am');
    expect(shown.letter!.appointment).toContainEqual({ label: 'Clinician', value: 'Ms Ada Surgeon' });
  });

  it('follows the patient’s needs: large print, an interpreter, no SMS without a mobile', async () => {
    h.clock.set(NOW);
    const { pathwayId, patientId } = await patientWith(h, clinic, {
      phone: null,
      needs: ['large-print'],
      interpreterLanguage: 'Polish',
    });
    const { shown } = await previewThenBook(pathwayId, patientId, '2026-12-08T09:40:00Z');
    expect(shown).toMatchObject({ noticeDays: 15, reasonable: false });
    expect(shown.notSent).toEqual([{ channel: 'sms', reason: 'no-mobile' }]);
    expect(shown.messages.map((m) => [m.channel, m.format])).toEqual([
      ['letter', 'large-print'],
      ['email', 'standard'],
    ]);
    expect(shown.messages[0]!.body).toContain('an interpreter who speaks Polish');
    expect(shown.letter).toMatchObject({ format: 'large-print' });
    expect(shown.letter!.handling).toEqual(['Large print', 'Interpreter language: Polish']);
  });

  it('uses the template version in force, as delivery does', async () => {
    h.clock.set(NOW);
    const leader = await h.signIn('team-leader');
    const written = await h.app.inject({
      method: 'POST',
      url: '/api/v1/communication-templates',
      headers: leader.write,
      payload: {
        kind: 'appointment-booked',
        channel: 'letter',
        format: 'standard',
        subject: 'Your hospital appointment',
        body: 'Dear ((patient name))\n\nPlease come to ((clinic)) on ((appointment date)) at ((appointment time)).',
      },
    });
    expect(written.statusCode, written.body).toBe(201);
    const { pathwayId, patientId } = await patientWith(h, clinic, { email: null });
    const { shown } = await previewThenBook(pathwayId, patientId, '2027-01-11T14:00:00Z');
    expect(shown.messages[0]!.subject).toBe('Your hospital appointment');
    expect(shown.letter!.paragraphs).toEqual([
      expect.stringMatching(/^Dear Test Patient\d+$/),
      'Please come to Ms Surgeon knee clinic on Monday 11 January 2027 at 2pm.',
    ]);
  });

  it('stores no default template it reads, and is audited as a read of the patient’s record', async () => {
    // A fresh organisation's harness holds no templates until something is sent.
    const fresh = await createHarness(engine);
    try {
      const c = await createTestClinic(fresh, 999_830_000);
      const s = await fresh.signIn('booking-clerk');
      const { pathwayId, patientId } = await c.addPathway();
      const slotId = await c.addSlot('2027-01-04T09:00:00Z');
      const res = await fresh.app.inject({
        method: 'POST',
        url: '/api/v1/appointments/letter-preview',
        headers: s.write,
        payload: { pathwayId, slotId },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().messages[0].subject).toBe('Your appointment');
      expect(await fresh.db.db.select().from(communicationTemplates)).toEqual([]);
      expect(await fresh.db.db.select().from(communications)).toEqual([]);
      const rows = await fresh.db.db
        .select()
        .from(auditLog)
        .where(
          and(
            eq(auditLog.action, 'Booking.letterPreview'),
            eq(auditLog.requestId, res.headers['x-request-id'] as string),
          ),
        );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        patientId,
        resourceType: 'Patient',
        resourceId: patientId,
        actorId: fresh.fixture.users['booking-clerk'].id,
        detail: { pathwayId, slotId },
      });
    } finally {
      await fresh.close();
    }
  });

  it('refuses what booking would refuse, with the same codes', async () => {
    h.clock.set(NOW);
    const { pathwayId } = await clinic.addPathway();
    const free = await clinic.addSlot('2027-02-01T09:00:00Z');
    const full = await clinic.addSlot('2027-02-01T09:20:00Z', { booked: 1 });
    const held = await clinic.addSlot('2027-02-01T09:40:00Z', { held: 1 });
    const cancelled = await clinic.addSlot('2027-02-01T10:00:00Z', { status: 'cancelled' });
    const started = await clinic.addSlot('2026-11-23T08:50:00Z');
    const followUp = await clinic.addSlot('2027-02-01T10:20:00Z', { slotType: 'follow-up' });
    const ent = randomUUID();
    await h.db.db.insert(clinicTemplates).values({
      orgId: h.fixture.orgId,
      id: ent,
      name: 'ENT clinic',
      locationId: clinic.locationId,
      specialtyCode: '120',
      createdBy: 'test',
    });
    const entSlot = await clinic.addSlot('2027-02-02T09:00:00Z', {
      templateId: ent,
      key: `${ent}/1`,
      specialtyCode: '120',
    });
    const closed = await clinic.addPathway({ status: 'closed', rttRunning: false });
    const cases: [object, number, string, RegExp][] = [
      [{ pathwayId: randomUUID(), slotId: free }, 404, 'not_found', /Pathway/],
      [{ pathwayId, slotId: randomUUID() }, 404, 'not_found', /Slot/],
      [{ pathwayId, slotId: full }, 409, 'slot_unavailable', /fully booked/],
      [{ pathwayId, slotId: held }, 409, 'slot_unavailable', /fully booked/],
      [{ pathwayId, slotId: cancelled }, 409, 'slot_unavailable', /cancelled/],
      [{ pathwayId, slotId: started }, 422, 'booking_rule_violation', /already started/],
      [{ pathwayId, slotId: followUp }, 422, 'booking_rule_violation', /does not suit/],
      [{ pathwayId, slotId: entSlot }, 422, 'booking_rule_violation', /specialty 120/],
      [{ pathwayId: closed.pathwayId, slotId: free }, 422, 'booking_rule_violation', /closed/],
      [{ pathwayId }, 400, 'validation_failed', /slotId/],
      [{ pathwayId: 'x', slotId: free }, 400, 'validation_failed', /pathwayId/],
    ];
    for (const [payload, status, code, detail] of cases) {
      const res = await preview(payload);
      expect(res.statusCode, `${JSON.stringify(payload)} ${res.body}`).toBe(status);
      expect(res.json().code).toBe(code);
      expect(JSON.stringify(res.json())).toMatch(detail);
      // Booking answers the same.
      if (status !== 400) expect((await book(payload)).statusCode, JSON.stringify(payload)).toBe(status);
    }
    // Once the pathway is booked, a second booking is a reschedule.
    expect((await book({ pathwayId, slotId: free })).statusCode).toBe(201);
    const other = await clinic.addSlot('2027-02-03T09:00:00Z');
    const again = await preview({ pathwayId, slotId: other });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toMatch(/already has an appointment booked/);
    // For those who book: a service manager reads clinics but does not book.
    const manager = await h.signIn('service-manager');
    expect((await preview({ pathwayId, slotId: other }, manager)).statusCode).toBe(403);
  });
});
