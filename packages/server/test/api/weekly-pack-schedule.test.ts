/**
 * The weekly pack on its schedule: produced once a week after Monday 07:00 London (not before, never twice),
 * stored, compared with last week's, escalated to service managers as tasks and messages; the stored packs
 * listed and downloaded again; the messages read in the app and sent by email.
 *
 * The list: trauma and orthopaedics pathways whose clocks started 10 to 500 days ago (some over 52 weeks, so the
 * forecast expects 52-week breaches), with no clinic ahead (no capacity of the right slot type).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, count, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epochDayToIso, isoToEpochDay, type PtlSummary } from '@pathflow/core';
import { auditLog, staffMessages, staffUsers, tasks, weeklyPacks } from '../../src/db/schema';
import { clearForecastCache } from '../../src/features/forecast/service';
import { produceDueWeeklyPacks } from '../../src/features/weekly-pack/schedule';
import { deliverDueStaffMessages } from '../../src/features/staff-messages/service';
import {
  OutboxSender,
  type MessageSender,
  type OutgoingMessage,
} from '../../src/features/communications/senders';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';
import { requirePoppler } from '../print/support';

const MONDAY = '2026-11-23';
const NEXT_MONDAY = '2026-11-30';
const daysBefore = (day: string, n: number) => epochDayToIso(isoToEpochDay(day) - n);
const RUNS = 20;

async function readWorkbook(body: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  return wb;
}

interface StoredList {
  packs: { id: string; weekStart: string; asOf: string; createdBy: string; runs: number }[];
}
interface Messages {
  unread: number;
  messages: {
    id: string;
    subject: string;
    body: string;
    link: string | null;
    status: string;
    readAt: string | null;
  }[];
}

describe.each(ENGINES)('the weekly pack on its schedule on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let manager: Session;
  let clinic: TestClinic;
  const dir = mkdtempSync(join(tmpdir(), 'pathflow-weekly-schedule-'));
  const get = (s: Session, url: string) =>
    h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: s.read });
  const produce = () => produceDueWeeklyPacks(h.db.db, h.clock.now(), { runs: RUNS, workers: 1 });
  const countOf = async (table: typeof tasks | typeof staffMessages | typeof weeklyPacks) => {
    const [row] = await h.db.db.select({ n: count() }).from(table).where(eq(table.orgId, h.fixture.orgId));
    return Number(row?.n ?? 0);
  };
  const summary = async () => (await get(clerk, '/ptl/summary')).json<PtlSummary>();
  let firstSummary: PtlSummary;

  beforeAll(async () => {
    requirePoppler();
    clearForecastCache();
    h = await createHarness(engine);
    h.clock.set(`${MONDAY}T09:00:00Z`);
    clerk = await h.signIn('booking-clerk');
    manager = await h.signIn('service-manager');
    clinic = await createTestClinic(h, 999_620_000);
    for (const days of [10, 60, 120, 200, 300, 350, 358, 362, 420, 500]) {
      const start = daysBefore(MONDAY, days);
      await clinic.addPathway({ clockStartDate: start, rttPeriodStart: start, referralReceivedDate: start });
    }
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('produces nothing before Monday 07:00 London', async () => {
    h.clock.set(`${MONDAY}T06:59:00Z`);
    expect(await produce()).toEqual([]);
    expect(await countOf(weeklyPacks)).toBe(0);
  });

  it('produces, stores and escalates the week’s pack once, after Monday 07:00', async () => {
    h.clock.set(`${MONDAY}T07:00:00Z`);
    firstSummary = await summary();
    const produced = await produce();
    expect(produced).toHaveLength(1);
    const [p] = produced;
    expect(p!.asOf).toBe(MONDAY);
    // Trauma and orthopaedics' long waits, and the fixture's ear, nose and throat patients with no clinic.
    expect(p!.escalations).toBe(2);
    expect(p!.tasks).toBe(2);
    // The fixture's one service manager works every team: one message for both.
    expect(p!.messages).toBe(1);

    // The escalation task is on trauma and orthopaedics' management queue, with the reasons as codes.
    const [task] = await h.db.db
      .select()
      .from(tasks)
      .where(and(eq(tasks.orgId, h.fixture.orgId), eq(tasks.dedupeKey, `weekly-pack:${MONDAY}:110`)));
    expect(task).toMatchObject({
      team: 'management-110',
      role: 'service-manager',
      status: 'open',
      patientId: null,
    });
    const detail = task!.detail as { rule: string; weekStart: string; reasons: string[]; expected52: number };
    expect(detail.rule).toBe('WEEKLY-PACK-escalation');
    expect(detail.weekStart).toBe(MONDAY);
    expect(detail.reasons).toContain('forecast-52-weeks');
    expect(detail.reasons).toContain('no-capacity');
    expect(detail.expected52).toBeGreaterThanOrEqual(1);

    // Run again the same week (a second server, a restart): nothing more.
    h.clock.set(`${MONDAY}T15:00:00Z`);
    expect(await produce()).toEqual([]);
    expect(await countOf(weeklyPacks)).toBe(1);
    expect(await countOf(tasks)).toBe(2);
    expect(await countOf(staffMessages)).toBe(1);

    // Storing it is audited for each patient it names.
    const [audited] = await h.db.db
      .select({ n: count() })
      .from(auditLog)
      .where(and(eq(auditLog.orgId, h.fixture.orgId), eq(auditLog.action, 'WeeklyPack.stored')));
    expect(Number(audited!.n)).toBeGreaterThan(1);
  });

  it('lists the stored pack, and downloads it again as it was, with nothing yet to compare', async () => {
    // The clock has moved since signing in: sign in again.
    clerk = await h.signIn('booking-clerk');
    const list = await get(clerk, '/reports/weekly-packs');
    expect(list.statusCode, list.body).toBe(200);
    const { packs } = list.json<StoredList>();
    expect(packs).toHaveLength(1);
    expect(packs[0]).toMatchObject({ weekStart: MONDAY, asOf: MONDAY, createdBy: 'weekly-pack', runs: RUNS });

    const res = await get(clerk, `/reports/weekly-packs/${packs[0]!.id}.xlsx`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-disposition']).toContain(`-${MONDAY}.xlsx`);
    const wb = await readWorkbook(res.rawPayload);
    expect(wb.getWorksheet('Summary')!.getCell('B5').value).toBe(firstSummary.trust.total);
    expect(wb.getWorksheet('Change since last week')!.getCell('A1').text).toContain(
      'No earlier weekly pack is stored yet',
    );
    const specialties = wb.getWorksheet('Specialties')!;
    const header = (specialties.getRow(1).values as unknown[]).map(String);
    const col = header.indexOf('Escalated to the service manager');
    expect(col).toBeGreaterThan(0);
    const rows = specialties.getSheetValues().slice(2) as unknown[][];
    const orthopaedics = rows.find((r) => r[1] === 'Trauma and orthopaedics')!;
    expect(String(orthopaedics[col])).toContain('expected to pass 52 weeks');
    const ent = rows.find((r) => r[1] === 'Ear, nose and throat')!;
    expect(String(ent[col])).toContain('no clinic of the right type');

    expect(
      (await get(clerk, '/reports/weekly-packs/00000000-0000-4000-8000-000000000000.pdf')).statusCode,
    ).toBe(404);
    const bad = await get(clerk, '/reports/weekly-packs/not-a-uuid.pdf');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('/params/id');
  });

  it('next week compares with the stored pack and escalates the rise in long waits', async () => {
    // Two more patients over 52 weeks join the list during the week.
    for (const days of [380, 390]) {
      const start = daysBefore(NEXT_MONDAY, days);
      await clinic.addPathway({ clockStartDate: start, rttPeriodStart: start, referralReceivedDate: start });
    }
    h.clock.set(`${NEXT_MONDAY}T08:00:00Z`);
    // A week on, sessions have ended: sign in again.
    clerk = await h.signIn('booking-clerk');
    manager = await h.signIn('service-manager');
    clearForecastCache();
    const second = await summary();
    const produced = await produce();
    expect(produced).toHaveLength(1);
    expect(produced[0]!.asOf).toBe(NEXT_MONDAY);

    const { packs } = (await get(clerk, '/reports/weekly-packs')).json<StoredList>();
    expect(packs.map((p) => p.weekStart)).toEqual([NEXT_MONDAY, MONDAY]);

    const res = await get(clerk, `/reports/weekly-packs/${packs[0]!.id}.xlsx`);
    const wb = await readWorkbook(res.rawPayload);
    // Headline changes in column C: this week's figures less last week's.
    const sheet = wb.getWorksheet('Summary')!;
    expect(sheet.getCell('C4').value).toBe('Change since last week');
    expect(sheet.getCell('C5').value).toBe(second.trust.total - firstSummary.trust.total);
    expect(sheet.getCell('C8').value).toBe(second.trust.over52 - firstSummary.trust.over52);
    expect(second.trust.over52 - firstSummary.trust.over52).toBeGreaterThanOrEqual(2);
    expect(sheet.getCell('B17').text).toBe('Compared with the pack of 23 November 2026');
    const change = wb.getWorksheet('Change since last week')!;
    expect((change.getRow(1).values as unknown[]).slice(1)).toContain('Change over 52 weeks');
    const changeHeader = (change.getRow(1).values as unknown[]).map(String);
    const changeRows = change.getSheetValues().slice(2) as unknown[][];
    const orthopaedics = changeRows.find((r) => r[1] === 'Trauma and orthopaedics')!;
    const before = firstSummary.specialties.find((x) => x.code === '110')!;
    const after = second.specialties.find((x) => x.code === '110')!;
    expect(orthopaedics[changeHeader.indexOf('Change in waiting')]).toBe(after.total - before.total);
    expect(orthopaedics[changeHeader.indexOf('Change over 52 weeks')]).toBe(after.over52 - before.over52);
    expect(changeRows.at(-1)![1]).toBe('Trust total');

    const [task] = await h.db.db
      .select({ detail: tasks.detail })
      .from(tasks)
      .where(and(eq(tasks.orgId, h.fixture.orgId), eq(tasks.dedupeKey, `weekly-pack:${NEXT_MONDAY}:110`)));
    expect((task!.detail as { reasons: string[] }).reasons).toContain('long-waits-rising');

    // The PDF says what it compares with.
    const pdf = await get(clerk, `/reports/weekly-packs/${packs[0]!.id}.pdf`);
    expect(pdf.statusCode).toBe(200);
    const file = join(dir, 'week2.pdf');
    writeFileSync(file, pdf.rawPayload);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Changes are since the pack of 23 November 2026');
    expect(text).toContain('Escalated to service managers');
  });

  it('gives the service manager their messages in the app, each week once, and marks them read', async () => {
    const res = await get(manager, '/me/messages');
    expect(res.statusCode, res.body).toBe(200);
    const mine = res.json<Messages>();
    expect(mine.unread).toBe(2);
    expect(mine.messages).toHaveLength(2);
    const [latest] = mine.messages;
    expect(latest!.subject).toBe('Weekly waiting-list pack: 2 specialties need action');
    expect(latest!.body).toContain('The waiting-list pack of 2026-11-30 for Test Trust XT1 found:');
    expect(latest!.body).toMatch(
      /^- Trauma and orthopaedics: .*more patients? waiting over 52 weeks than last week/m,
    );
    expect(latest!.body).toMatch(/^- Ear, nose and throat: .*no clinic of the right type/m);
    expect(latest!.link).toBe('/tasks');
    // No patient is named in a message.
    expect(latest!.body).not.toMatch(/Patient\d/);

    // Nobody else sees them; a machine client has none.
    expect((await get(clerk, '/me/messages')).json<Messages>()).toEqual({ unread: 0, messages: [] });
    const token = await h.token('service-manager');
    const client = await h.app.inject({
      method: 'GET',
      url: '/api/v1/me/messages',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(client.statusCode).toBe(403);

    const post = (s: Session, payload: object) =>
      h.app.inject({ method: 'POST', url: '/api/v1/me/messages/read', headers: s.write, payload });
    // Someone else's id changes nothing.
    expect((await post(clerk, { ids: [latest!.id] })).json()).toEqual({ marked: 0, unread: 0 });
    const bad = await post(manager, { ids: ['x'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toMatch(/^\/body\/ids/);
    expect((await post(manager, { ids: [latest!.id] })).json()).toEqual({ marked: 1, unread: 1 });
    expect((await post(manager, { ids: [latest!.id] })).json()).toEqual({ marked: 0, unread: 1 });
    expect((await post(manager, {})).json()).toEqual({ marked: 1, unread: 0 });
  });

  it('emails the messages of staff who have an address, once, and keeps the rest in the app', async () => {
    // The manager has no email address: kept in the app only.
    const now = h.clock.now();
    const outbox = await deliverDueStaffMessages(h.db.db, { now, sender: new OutboxSender() });
    expect(outbox).toEqual({ sent: 0, notSent: 2, retried: 0, failed: 0 });

    // Given an address, a new message goes by email: a failed attempt is tried again, telling the sender so.
    await h.db.db
      .update(staffUsers)
      .set({ email: 'manager@example.nhs.uk' })
      .where(
        and(eq(staffUsers.orgId, h.fixture.orgId), eq(staffUsers.id, h.fixture.users['service-manager'].id)),
      );
    await h.db.db.insert(staffMessages).values({
      orgId: h.fixture.orgId,
      id: '00000000-0000-4000-8000-0000000000aa',
      staffId: h.fixture.users['service-manager'].id,
      kind: 'weekly-pack-escalation',
      subject: 'Test subject',
      body: 'Test body',
      status: 'queued',
      dedupeKey: 'test:email',
      createdAt: now,
    });
    const sent: OutgoingMessage[] = [];
    let fail = true;
    const flaky: MessageSender = {
      provider: 'notify',
      send: (m) => {
        sent.push(m);
        if (fail) return Promise.resolve({ status: 'temporary-failure', error: 'unknown-outcome' });
        return Promise.resolve({ status: 'sending', providerRef: 'notify-1' });
      },
    };
    expect(await deliverDueStaffMessages(h.db.db, { now, sender: flaky })).toMatchObject({ retried: 1 });
    // Not due again until the back-off has passed.
    expect(await deliverDueStaffMessages(h.db.db, { now, sender: flaky })).toMatchObject({
      sent: 0,
      retried: 0,
    });
    fail = false;
    const later = new Date(now.getTime() + 3_600_000);
    expect(await deliverDueStaffMessages(h.db.db, { now: later, sender: flaky })).toMatchObject({ sent: 1 });
    expect(sent.map((m) => [m.channel, m.to, m.previousAttempts])).toEqual([
      ['email', 'manager@example.nhs.uk', 0],
      ['email', 'manager@example.nhs.uk', 1],
    ]);
    const [row] = await h.db.db
      .select({ status: staffMessages.status, providerRef: staffMessages.providerRef })
      .from(staffMessages)
      .where(eq(staffMessages.dedupeKey, 'test:email'));
    expect(row).toEqual({ status: 'sent', providerRef: 'notify-1' });
    // Sent is sent: nothing goes again.
    expect(await deliverDueStaffMessages(h.db.db, { now: later, sender: flaky })).toMatchObject({ sent: 0 });
    expect(sent).toHaveLength(2);
  });
});
