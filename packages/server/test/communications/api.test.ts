/**
 * The messages and templates API: list with filters (audited), one message with its rendered text, a letter's
 * PDF; templates' current versions (defaults stored as version 1), new versions used by delivery and recorded
 * on the message, bad versions refused with nothing written; a failed message sent again.
 */
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES } from '@pathflow/core';
import { auditLog, communications, communicationTemplates } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';
import { FakeNotify, book, closeAll, deliver, lettersDir, messagesFor, patientWith } from './support';
import { NotifySender } from '../../src/features/communications/senders';

const NOW = '2026-11-23T09:00:00Z';

describe.each(ENGINES)('messages and templates API on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let leader: Session;
  let clinic: TestClinic;
  let dir: string;

  beforeAll(async () => {
    dir = lettersDir();
    h = await createHarness(engine, { PATHFLOW_LETTERS_DIR: dir });
    clerk = await h.signIn('booking-clerk');
    leader = await h.signIn('team-leader');
    clinic = await createTestClinic(h, 999_320_000);
    await closeAll(h);
  });
  afterAll(() => h.close());

  const get = (url: string, as: Session = clerk) =>
    h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: as.read });
  const post = (url: string, payload: object, as: Session = leader) =>
    h.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: as.write, payload });
  const templateRows = async () =>
    Number((await h.db.db.select({ n: count() }).from(communicationTemplates))[0]!.n);

  it('lists the templates in use (the defaults as version 1), and saves a new version that delivery then uses', async () => {
    h.clock.set(NOW);
    const list = await get('/communication-templates');
    expect(list.statusCode, list.body).toBe(200);
    const templates = list.json().templates as {
      id: string;
      kind: string;
      channel: string;
      format: string;
      version: number;
      isDefault: boolean;
      fields: string[];
    }[];
    expect(templates).toHaveLength(DEFAULT_TEMPLATES.length);
    expect(templates.every((t) => t.version === 1 && t.isDefault)).toBe(true);
    const letter = templates.find(
      (t) => t.kind === 'appointment-booked' && t.channel === 'letter' && t.format === 'standard',
    )!;
    expect(letter.fields).toContain('appointment date');
    const one = await get(`/communication-templates/${letter.id}`);
    expect(one.json()).toMatchObject({ version: 1, versions: [{ id: letter.id, version: 1 }] });

    const saved = await post('/communication-templates', {
      kind: 'appointment-booked',
      channel: 'letter',
      format: 'standard',
      subject: 'Your hospital appointment',
      body: 'Dear ((patient name))\n\nPlease come ((appointment date)) at ((appointment time)). Call ((trust phone)) to change it.',
    });
    expect(saved.statusCode, saved.body).toBe(201);
    expect(saved.json()).toMatchObject({ version: 2, isDefault: false, createdBy: expect.any(String) });
    const current = (await get('/communication-templates'))
      .json()
      .templates.find((t: { id: string }) => t.id === saved.json().id);
    expect(current.version).toBe(2);

    const { patientId, pathwayId } = await patientWith(h, clinic, { phone: null, email: null });
    await book(h, clerk, clinic, pathwayId, '2026-12-21T09:00:00Z');
    await deliver(h, dir);
    const [sent] = (await messagesFor(h, patientId)).filter((r) => r.kind === 'appointment-booked');
    expect(sent).toMatchObject({
      templateId: saved.json().id,
      templateVersion: 2,
      renderedSubject: 'Your hospital appointment',
    });
    expect(sent!.renderedBody).toContain('Please come Monday 21 December 2026 at 9am.');
    await closeAll(h);
  });

  it('refuses a template with a field Pathflow cannot fill, an SMS too long, or no subject, saving nothing', async () => {
    const before = await templateRows();
    const unknown = await post('/communication-templates', {
      kind: 'pifu-discharge',
      channel: 'letter',
      format: 'standard',
      subject: 'Discharge',
      body: 'Dear ((patient name)), on ((appointment date)) you saw ((Doctor nickname)).',
    });
    expect(unknown.statusCode, unknown.body).toBe(422);
    expect(unknown.json().errors).toEqual([
      { field: '/body/body', message: expect.stringContaining('((appointment date)), ((Doctor nickname))') },
    ]);
    const long = await post('/communication-templates', {
      kind: 'appointment-reminder',
      channel: 'sms',
      format: 'standard',
      body: `Your appointment is ((appointment date)). ${'Please read this. '.repeat(30)}`,
    });
    expect(long.statusCode).toBe(422);
    expect(long.json().errors[0]).toMatchObject({
      field: '/body/body',
      message: expect.stringMatching(/parts/),
    });
    const noSubject = await post('/communication-templates', {
      kind: 'appointment-booked',
      channel: 'email',
      format: 'standard',
      body: 'Hello ((patient name))',
    });
    expect(noSubject.statusCode).toBe(422);
    expect(noSubject.json().errors[0].field).toBe('/body/subject');
    const wrongChannel = await post('/communication-templates', {
      kind: 'dna-discharge',
      channel: 'sms',
      format: 'standard',
      body: 'Hello',
    });
    expect(wrongChannel.statusCode).toBe(422);
    expect(wrongChannel.json().errors[0].field).toBe('/body/channel');
    const badKind = await post('/communication-templates', {
      kind: 'party',
      channel: 'sms',
      format: 'standard',
      body: 'x',
    });
    expect(badKind.statusCode).toBe(400);
    expect(badKind.json().errors[0].field).toBe('/body/kind');
    expect(await templateRows()).toBe(before);
    // A booking clerk cannot write templates.
    expect(
      (
        await post(
          '/communication-templates',
          { kind: 'dna-discharge', channel: 'letter', format: 'standard', subject: 'x', body: 'x' },
          clerk,
        )
      ).statusCode,
    ).toBe(403);
  });

  it('lists messages newest first with filters, shows one with what it said and its letter, each read audited', async () => {
    h.clock.set(NOW);
    const { patientId, pathwayId } = await patientWith(h, clinic, {});
    const appointmentId = await book(h, clerk, clinic, pathwayId, '2026-12-22T09:00:00Z');
    await deliver(h, dir);
    const list = await get(`/communications?patientId=${patientId}`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().total).toBe(7);
    const sms = await get(
      `/communications?appointmentId=${appointmentId}&channel=sms&kind=appointment-booked`,
    );
    expect(sms.json().messages).toEqual([
      expect.objectContaining({
        channel: 'sms',
        status: 'sent',
        hasLetter: false,
        patient: expect.objectContaining({ id: patientId }),
      }),
    ]);
    const queued = await get(`/communications?patientId=${patientId}&status=queued&limit=2`);
    expect(queued.json()).toMatchObject({ total: 4, limit: 2, offset: 0 });
    expect(queued.json().messages).toHaveLength(2);
    expect((await get(`/communications?patientId=${patientId}&from=2026-11-24`)).json().total).toBe(0);
    expect(
      (await get(`/communications?patientId=${patientId}&from=2026-11-23&to=2026-11-23`)).json().total,
    ).toBe(7);
    const bad = await get('/communications?status=lost&from=2026-13-01');
    expect(bad.statusCode).toBe(400);
    const backwards = await get('/communications?from=2026-11-23&to=2026-11-01');
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().errors[0].field).toBe('/query/to');

    const letter = (await get(`/communications?patientId=${patientId}&channel=letter`)).json().messages[0];
    expect(letter).toMatchObject({ kind: 'appointment-booked', status: 'awaiting-print', hasLetter: true });
    const one = await get(`/communications/${letter.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json().renderedBody).toContain('Tuesday 22 December 2026');
    const pdf = await get(`/communications/${letter.id}/letter.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const noLetter = await get(`/communications/${sms.json().messages[0].id}/letter.pdf`);
    expect(noLetter.statusCode).toBe(404);
    expect(noLetter.json().detail).toBe('This message is an SMS, not a letter');
    expect((await get('/communications/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);

    const audited = await h.db.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.orgId, h.fixture.orgId), eq(auditLog.resourceId, letter.id)));
    expect(audited.map((a) => a.action)).toEqual(
      expect.arrayContaining(['Communication.list', 'Communication.read', 'Communication.download-letter']),
    );
    await closeAll(h);
  });

  it('sends a failed message again when asked, and refuses one that has not failed', async () => {
    h.clock.set(NOW);
    const { patientId, pathwayId } = await patientWith(h, clinic, {});
    await book(h, clerk, clinic, pathwayId, '2026-12-23T09:00:00Z');
    const fake = new FakeNotify();
    fake.plan = [400, 400, 400];
    await deliver(
      h,
      dir,
      new NotifySender(fake.api(), {
        fallbackTemplates: {
          sms: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
          email: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeef',
        },
      }),
    );
    const failed = (await messagesFor(h, patientId)).filter((r) => r.status === 'permanent-failure');
    expect(failed.length).toBeGreaterThan(0);
    const again = await post(`/communications/${failed[0]!.id}/retry`, {}, clerk);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ status: 'queued' });
    const [row] = await h.db.db.select().from(communications).where(eq(communications.id, failed[0]!.id));
    expect(row!.status).toBe('queued');
    expect((await post(`/communications/${failed[0]!.id}/retry`, {}, clerk)).statusCode).toBe(409);
    await closeAll(h);
  });
});
