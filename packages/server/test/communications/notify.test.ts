/**
 * Delivery through GOV.UK Notify: temporary failures retried with back-off and delivered exactly once, an
 * unknown outcome adopted by reference (never sent again), a permanent failure making a task, statuses asked
 * after; and the real notifications-node-client against a local stand-in for api.notifications.service.gov.uk.
 */
import { createHmac } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { communications, tasks } from '../../src/db/schema';
import { systemContext } from '../../src/auth/principal';
import { queueCommunications } from '../../src/features/communications/outbox';
import { refreshNotifyStatuses } from '../../src/features/communications/delivery';
import { NotifySender, notifyClientFor } from '../../src/features/communications/senders';
import { senderFor } from '../../src/features/communications/runner';
import { loadConfig } from '../../src/config';
import { ENGINES } from '../support/db';
import { createHarness, type Harness } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';
import { FakeNotify, closeAll, deliver, lettersDir, patientWith } from './support';

const NOW = '2026-11-23T09:00:00Z';
const SERVICE_ID = '11111111-2222-4333-8444-555555555555';
const SECRET = '66666666-7777-4888-9999-000000000000';
const API_KEY = `test_key-${SERVICE_ID}-${SECRET}`;
const SMS_TEMPLATE = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

describe.each(ENGINES)('delivery through GOV.UK Notify on %s', (engine) => {
  let h: Harness;
  let clinic: TestClinic;
  let dir: string;

  beforeAll(async () => {
    h = await createHarness(engine);
    clinic = await createTestClinic(h, 999_310_000);
    dir = lettersDir();
    await closeAll(h);
  });
  afterAll(() => h.close());

  /** A validation-removal letter or a partial-booking SMS for a new patient (no appointment needed). */
  async function queueOne(channel: 'letter' | 'sms') {
    const { patientId, pathwayId } = await patientWith(h, clinic, {});
    const [id] = await h.db.db.transaction((tx) =>
      queueCommunications(tx, systemContext(h.fixture.orgId, h.clock.now()), [
        {
          patientId,
          pathwayId,
          kind: channel === 'sms' ? 'partial-booking-invitation' : 'validation-removal',
          channel,
          dedupeKey: `t:${patientId}:${channel}`,
        },
      ]),
    );
    return { id: id!, patientId };
  }
  const row = async (id: string) =>
    (await h.db.db.select().from(communications).where(eq(communications.id, id)))[0]!;
  const sender = (fake: FakeNotify) =>
    new NotifySender(fake.api(), { fallbackTemplates: { sms: SMS_TEMPLATE } });

  it('retries a temporary failure with back-off, then delivers it exactly once', async () => {
    h.clock.set(NOW);
    const fake = new FakeNotify();
    fake.plan = [503, 429, 'ok'];
    const { id } = await queueOne('sms');
    expect(await deliver(h, dir, sender(fake))).toMatchObject({ retried: 1, sent: 0 });
    expect(await row(id)).toMatchObject({
      status: 'temporary-failure',
      attempts: 1,
      lastError: 'notify-503',
      sendAfter: new Date('2026-11-23T09:01:00Z'),
    });
    // Not before its time.
    expect(await deliver(h, dir, sender(fake))).toMatchObject({ retried: 0, sent: 0 });
    h.clock.set('2026-11-23T09:01:00Z');
    expect(await deliver(h, dir, sender(fake))).toMatchObject({ retried: 1 });
    // The back-off doubles.
    expect((await row(id)).sendAfter).toEqual(new Date('2026-11-23T09:03:00Z'));
    h.clock.set('2026-11-23T09:03:00Z');
    expect(await deliver(h, dir, sender(fake))).toMatchObject({ sent: 1 });
    const done = await row(id);
    expect(done).toMatchObject({ status: 'sending', attempts: 3, provider: 'notify', lastError: null });
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]).toMatchObject({
      type: 'sms',
      reference: id,
      to: '07700 900123',
      templateId: SMS_TEMPLATE,
    });
    expect(done.providerRef).toBe(fake.sent[0]!.id);
    // Each retry asked Notify first whether it already had the message.
    expect(fake.lookups).toEqual([id, id]);
    // Delivered, as Notify later says.
    fake.statuses.set(done.providerRef!, 'delivered');
    expect(await refreshNotifyStatuses(h.db.db, { now: h.clock.now, client: fake.api() })).toEqual({
      checked: 1,
      changed: 1,
    });
    expect(await row(id)).toMatchObject({ status: 'delivered' });
    h.clock.set('2026-11-24T09:00:00Z');
    expect(await deliver(h, dir, sender(fake))).toMatchObject({ sent: 0 });
    expect(fake.sent).toHaveLength(1);
  });

  it('adopts the notification Notify already has when an attempt’s answer was lost, sending nothing again', async () => {
    h.clock.set(NOW);
    const fake = new FakeNotify();
    fake.plan = ['lost'];
    const { id } = await queueOne('letter');
    expect(await deliver(h, dir, sender(fake))).toMatchObject({ retried: 1 });
    expect(await row(id)).toMatchObject({ status: 'temporary-failure', lastError: 'unknown-outcome' });
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]!.pdf!.subarray(0, 5).toString()).toBe('%PDF-');
    h.clock.set('2026-11-23T09:01:00Z');
    expect(await deliver(h, dir, sender(fake))).toMatchObject({ sent: 1 });
    expect(fake.sent).toHaveLength(1);
    expect(await row(id)).toMatchObject({ status: 'sending', providerRef: fake.sent[0]!.id, attempts: 2 });
    // A letter accepted for printing is sent.
    fake.statuses.set(fake.sent[0]!.id, 'received');
    await refreshNotifyStatuses(h.db.db, { now: h.clock.now, client: fake.api() });
    expect(await row(id)).toMatchObject({ status: 'sent' });
  });

  it('re-sends nothing after a crash between sending and recording: the lease ends and Notify is asked', async () => {
    h.clock.set(NOW);
    const fake = new FakeNotify();
    const { id } = await queueOne('sms');
    // Sent by a runner that stopped before it recorded the answer: leased, attempt counted, outcome unknown.
    await fake.api().sendSms(SMS_TEMPLATE, '07700 900123', { reference: id });
    await h.db.db
      .update(communications)
      .set({ attempts: 1, lastError: 'in-progress', sendAfter: new Date('2026-11-23T09:10:00Z') })
      .where(eq(communications.id, id));
    expect(await deliver(h, dir, sender(fake))).toMatchObject({ sent: 0 });
    h.clock.set('2026-11-23T09:10:00Z');
    expect(await deliver(h, dir, sender(fake))).toMatchObject({ sent: 1 });
    expect(fake.sent).toHaveLength(1);
    expect(await row(id)).toMatchObject({ status: 'sending', providerRef: fake.sent[0]!.id });
  });

  it('records a permanent failure and makes a task for the booking team', async () => {
    h.clock.set(NOW);
    const fake = new FakeNotify();
    fake.plan = [400];
    const { id, patientId } = await queueOne('sms');
    expect(await deliver(h, dir, sender(fake))).toMatchObject({ failed: 1 });
    expect(await row(id)).toMatchObject({
      status: 'permanent-failure',
      lastError: 'notify-400',
      attempts: 1,
    });
    const found = await h.db.db
      .select()
      .from(tasks)
      .where(and(eq(tasks.orgId, h.fixture.orgId), eq(tasks.dedupeKey, `letter-failed:${id}`)));
    expect(found).toEqual([
      expect.objectContaining({ type: 'letter-failed', team: 'booking-110', patientId }),
    ]);
    expect(JSON.stringify(found[0]!.detail)).not.toContain('07700');
  });

  it('gives up after 8 temporary failures as a technical failure, with a task', async () => {
    h.clock.set(NOW);
    const fake = new FakeNotify();
    fake.plan = [500, 500, 500, 500, 500, 500, 500, 500, 500];
    const { id } = await queueOne('sms');
    for (let i = 0; i < 8; i++) {
      await deliver(h, dir, sender(fake));
      h.clock.advance(7 * 3_600_000);
    }
    expect(await row(id)).toMatchObject({
      status: 'technical-failure',
      attempts: 8,
      lastError: 'gave up: notify-500',
    });
    expect(fake.sent).toHaveLength(0);
  });

  it('chooses Notify when NOTIFY_API_KEY is set, the outbox otherwise', () => {
    expect(senderFor(loadConfig({})).sender.provider).toBe('outbox');
    expect(senderFor(loadConfig({ NOTIFY_API_KEY: API_KEY })).sender.provider).toBe('notify');
    expect(() => loadConfig({ NOTIFY_API_KEY: 'short' })).toThrow(/not a GOV.UK Notify API key/);
  });
});

describe('the real notifications-node-client against a stand-in Notify', () => {
  const seen: { method: string; url: string; auth: string | undefined; body: unknown }[] = [];
  const stub = Fastify();
  let base = '';

  beforeAll(async () => {
    stub.post('/v2/notifications/sms', async (req, reply) => {
      seen.push({ method: 'POST', url: req.url, auth: req.headers.authorization, body: req.body });
      return reply.code(201).send({ id: '99999999-9999-4999-8999-999999999999', reference: 'x' });
    });
    stub.post('/v2/notifications/letter', async (req, reply) => {
      seen.push({ method: 'POST', url: req.url, auth: req.headers.authorization, body: req.body });
      return reply
        .code(400)
        .send({ errors: [{ error: 'ValidationError', message: 'address is wrong' }], status_code: 400 });
    });
    stub.get('/v2/notifications', async (req) => {
      seen.push({ method: 'GET', url: req.url, auth: req.headers.authorization, body: null });
      return { notifications: [], links: { current: '' } };
    });
    base = await stub.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => stub.close());

  const verify = (auth: string | undefined) => {
    const [header, payload, signature] = auth!.replace(/^Bearer /, '').split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ typ: 'JWT', alg: 'HS256' });
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    expect(claims.iss).toBe(SERVICE_ID);
    expect(Math.abs(claims.iat - Date.now() / 1000)).toBeLessThan(30);
    expect(createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url')).toBe(signature);
  };

  it('sends an SMS with a signed token, our reference and the personalisation; a 400 is permanent', async () => {
    const sender = new NotifySender(notifyClientFor(API_KEY, base));
    const id = '12345678-1234-4234-8234-123456789012';
    const outcome = await sender.send({
      id,
      kind: 'appointment-reminder',
      channel: 'sms',
      to: '07700 900123',
      subject: null,
      body: 'Reminder',
      personalisation: { 'appointment date': 'Monday 21 December 2026' },
      notifyTemplateId: SMS_TEMPLATE,
      pdf: null,
      previousAttempts: 1,
    });
    expect(outcome).toEqual({ status: 'sending', providerRef: '99999999-9999-4999-8999-999999999999' });
    // Asked for the reference first (an attempt was on record), then sent.
    expect(seen.map((s) => `${s.method} ${s.url.split('?')[0]}`)).toEqual([
      'GET /v2/notifications',
      'POST /v2/notifications/sms',
    ]);
    expect(seen[0]!.url).toContain(`reference=${id}`);
    expect(seen[1]!.body).toEqual({
      template_id: SMS_TEMPLATE,
      phone_number: '07700 900123',
      personalisation: { 'appointment date': 'Monday 21 December 2026' },
      reference: id,
    });
    for (const s of seen) verify(s.auth);

    const letter = await sender.send({
      id,
      kind: 'validation-removal',
      channel: 'letter',
      to: null,
      subject: 'x',
      body: 'x',
      personalisation: {},
      notifyTemplateId: null,
      pdf: Buffer.from('%PDF-1.3 test'),
      previousAttempts: 0,
    });
    expect(letter).toEqual({ status: 'permanent-failure', error: 'notify-400' });
    expect(seen[2]!.body).toEqual({
      reference: id,
      content: Buffer.from('%PDF-1.3 test').toString('base64'),
    });
  });

  it('counts no answer (nothing listening) as a temporary failure of unknown outcome', async () => {
    const sender = new NotifySender(notifyClientFor(API_KEY, 'http://127.0.0.1:1'));
    const outcome = await sender.send({
      id: '12345678-1234-4234-8234-123456789013',
      kind: 'appointment-reminder',
      channel: 'sms',
      to: '07700 900123',
      subject: null,
      body: 'x',
      personalisation: {},
      notifyTemplateId: SMS_TEMPLATE,
      pdf: null,
      previousAttempts: 0,
    });
    expect(outcome).toEqual({ status: 'temporary-failure', error: 'unknown-outcome' });
  });
});
