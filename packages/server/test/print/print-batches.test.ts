/**
 * Print and post over the API: a batch of the day's letters in postcode order, its merged PDF (pages = the
 * letters' own pages) and CSV manifest (no NHS number, formula cells defused), collection marking the letters
 * sent, the audit rows, and bad input (a future date, unknown ids, collecting twice, nothing to print) answered
 * with a clear 4xx that writes nothing.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointments, auditLog, communications, patients, printBatches } from '../../src/db/schema';
import { renderLetterPdf } from '../../src/features/communications/letter-pdf';
import { letterContentFromRow } from '../../src/features/print-batches/letter-content';
import { lettersDirOf } from '../../src/features/print-batches/service';
import { MANIFEST_COLUMNS } from '../../src/features/print-batches/manifest';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';
import { insertAwaitingLetter, pdfPages, pdfText, requirePoppler } from './support';

/** RFC 4180 rows (quoted fields with doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

describe.each(ENGINES)('print batches on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinic: TestClinic;
  let dataDir: string;
  let lettersDir: string;

  beforeAll(async () => {
    requirePoppler();
    dataDir = mkdtempSync(join(tmpdir(), 'pathflow-print-'));
    h = await createHarness(engine, { PATHFLOW_DATA_DIR: dataDir });
    lettersDir = lettersDirOf(h.config);
    clerk = await h.signIn('booking-clerk');
    clinic = await createTestClinic(h, 999_600_000);
  });
  afterAll(async () => {
    await h.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (url: string, payload?: object) =>
    h.app.inject({ method: 'POST', url, headers: clerk.write, ...(payload ? { payload } : {}) });
  const get = (url: string) => h.app.inject({ method: 'GET', url, headers: clerk.read });
  const batchFiles = () => {
    const dir = join(lettersDir, 'batches');
    return existsSync(dir) ? readdirSync(dir).sort() : [];
  };
  const batchRows = () => h.db.db.select().from(printBatches).where(eq(printBatches.orgId, h.fixture.orgId));

  /** A patient with an address; a letter for them waiting to be printed, its PDF written as delivery writes it. */
  async function patientAt(postcode: string, over: Partial<typeof patients.$inferInsert> = {}) {
    const { patientId, pathwayId } = await clinic.addPathway();
    await h.db.db
      .update(patients)
      .set({ postcode, ...over })
      .where(and(eq(patients.orgId, h.fixture.orgId), eq(patients.id, patientId)));
    return { patientId, pathwayId };
  }

  async function letterFor(
    p: { patientId: string; pathwayId: string },
    createdAt: string,
    format: 'standard' | 'large-print' | 'easy-read' | 'braille' = 'standard',
    withAppointment = false,
  ): Promise<{ id: string; pages: number }> {
    let appointmentId: string | null = null;
    if (withAppointment) {
      const startsAt = '2026-12-14T10:30:00Z';
      const slotId = await clinic.addSlot(startsAt);
      appointmentId = randomUUID();
      await h.db.db.insert(appointments).values({
        orgId: h.fixture.orgId,
        id: appointmentId,
        slotId,
        pathwayId: p.pathwayId,
        patientId: p.patientId,
        startsAt: new Date(startsAt),
        endsAt: new Date('2026-12-14T10:50:00Z'),
        slotType: 'new',
        status: 'booked',
        offeredOn: '2026-11-20',
        noticeDays: 24,
        reasonableOffer: true,
        bookedBy: 'test',
        bookedAt: new Date('2026-11-20T10:00:00Z'),
      });
    }
    const id = await insertAwaitingLetter(h.db.db, h.fixture.orgId, p.patientId, {
      createdAt: new Date(createdAt),
      format,
      pathwayId: p.pathwayId,
      appointmentId,
    });
    const [row] = await h.db.db.select().from(communications).where(eq(communications.id, id));
    const pdf = await renderLetterPdf(await letterContentFromRow(h.db.db, h.fixture.orgId, row!));
    const file = join(createdAt.slice(0, 10), `${id}.pdf`);
    mkdirSync(join(lettersDir, createdAt.slice(0, 10)), { recursive: true });
    writeFileSync(join(lettersDir, file), pdf);
    await h.db.db.update(communications).set({ letterFile: file }).where(eq(communications.id, id));
    return { id, pages: pdfPages(pdf) };
  }

  it('with no letters waiting answers 409 and writes nothing', async () => {
    const res = await post('/api/v1/print-batches', {});
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({ code: 'conflict' });
    expect(res.json().detail).toMatch(/no letters waiting to be printed/);
    expect(batchFiles()).toEqual([]);
    expect(await batchRows()).toHaveLength(0);
  });

  it('refuses a date in the future, or not a date, naming /body/date, and writes nothing', async () => {
    const future = await post('/api/v1/print-batches', { date: '2026-11-24' });
    expect(future.statusCode, future.body).toBe(400);
    expect(future.json().errors).toEqual([expect.objectContaining({ field: '/body/date' })]);
    expect(future.json().detail).toMatch(/today \(2026-11-23\) or earlier/);
    const bad = await post('/api/v1/print-batches', { date: '23/11/2026' });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(JSON.stringify(bad.json().errors)).toContain('/body/date');
    const extra = await post('/api/v1/print-batches', { date: '2026-11-23', letters: 3 });
    expect(extra.statusCode, extra.body).toBe(400);
    expect(batchFiles()).toEqual([]);
    expect(await batchRows()).toHaveLength(0);
  });

  it('answers 404 for an unknown batch and 400 for an id that is not a UUID', async () => {
    const unknown = randomUUID();
    for (const path of ['', '/letters.pdf', '/manifest.csv']) {
      const res = await get(`/api/v1/print-batches/${unknown}${path}`);
      expect(res.statusCode, path).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await post(`/api/v1/print-batches/${unknown}/collected`)).statusCode).toBe(404);
    expect((await get('/api/v1/print-batches/not-a-uuid')).statusCode).toBe(400);
    expect((await post('/api/v1/print-batches/not-a-uuid/collected')).statusCode).toBe(400);
  });

  it("makes a batch of a day's letters in postcode order: merged PDF, manifest, letters marked; then collection sends them", async () => {
    h.clock.set('2026-11-23T09:00:00Z');
    const leeds2 = await patientAt('LS2 9JT', { addressLine1: '=1+2, Flat "A"', addressLine2: 'Hyde Park' });
    const leeds1 = await patientAt('LS1 3EX', {
      givenName: '-Dash',
      title: 'Mx',
      interpreterLanguage: 'Polish',
    });
    const bradford = await patientAt('BD1 1AA', { givenName: '@Sam' });
    const aLeeds2 = await letterFor(leeds2, '2026-11-22T23:59:00Z', 'standard', true);
    const aLeeds1Easy = await letterFor(leeds1, '2026-11-21T12:00:00Z', 'easy-read', true);
    const aLeeds1Large = await letterFor(leeds1, '2026-11-20T12:00:00Z', 'large-print');
    const aBradford = await letterFor(bradford, '2026-11-20T08:00:00Z', 'braille', true);
    // Not in the batch: made the next day, already in a batch, not waiting, and another channel.
    const nextDay = await letterFor(leeds2, '2026-11-23T08:00:00Z');
    const queued = await insertAwaitingLetter(h.db.db, h.fixture.orgId, leeds2.patientId, {
      createdAt: new Date('2026-11-20T08:00:00Z'),
      status: 'queued',
    });

    const res = await post('/api/v1/print-batches', { date: '2026-11-22' });
    expect(res.statusCode, res.body).toBe(201);
    const batch = res.json();
    expect(batch).toMatchObject({
      date: '2026-11-22',
      letterCount: 4,
      status: 'ready',
      collectedAt: null,
      collectedBy: null,
    });

    const leeds1Pair = [aLeeds1Easy, aLeeds1Large].sort((x, y) => (x.id < y.id ? -1 : 1));
    const order = [aBradford, ...leeds1Pair, aLeeds2];

    const rows = await h.db.db.select().from(communications).where(eq(communications.orgId, h.fixture.orgId));
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const l of order)
      expect(byId.get(l.id)).toMatchObject({ printBatchId: batch.id, status: 'awaiting-print' });
    expect(byId.get(nextDay.id)?.printBatchId).toBeNull();
    expect(byId.get(queued)?.printBatchId).toBeNull();

    // Files under <letters>/batches/<date>-<id>.pdf|.csv, and the row pointing at them.
    expect(batchFiles()).toEqual([`2026-11-22-${batch.id}.csv`, `2026-11-22-${batch.id}.pdf`]);
    const [stored] = await batchRows();
    expect(stored).toMatchObject({ pdfFile: join('batches', `2026-11-22-${batch.id}.pdf`), letterCount: 4 });

    // The merged PDF: each letter on its own pages, as many as its own PDF had, in manifest order.
    const pdf = await get(`/api/v1/print-batches/${batch.id}/letters.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toMatch(/^attachment; filename="print-batch-2026-11-22-/);
    const merged = pdf.rawPayload;
    const totalPages = order.reduce((n, l) => n + l.pages, 0);
    expect(pdfPages(merged)).toBe(totalPages);
    expect(totalPages).toBeGreaterThan(4); // large print and easy read take more than one page
    const pageTexts = pdfText(merged);
    let first = 0;
    const expectedNames = ['@Sam', '-Dash', '-Dash', 'Test Patient'];
    order.forEach((l, i) => {
      expect(pageTexts[first], `letter ${i + 1}`).toContain(`Page 1 of ${l.pages}`);
      expect(pageTexts[first]).toContain(expectedNames[i]!);
      expect(pageTexts[first + l.pages - 1]).toContain(`Page ${l.pages} of ${l.pages}`);
      first += l.pages;
    });
    expect(pageTexts[0]).toContain('BRAILLE');
    // A letter rebuilt from its row: the rendered text, the patient's address, the appointment from the database.
    const last = pageTexts.slice(totalPages - aLeeds2.pages).join('\n');
    for (const expected of [
      'Test Trust XT1',
      'Trauma and orthopaedics outpatients',
      'Hyde Park',
      'LS2 9JT',
      '22 November 2026',
      'Hospital number',
      'Your appointment is booked',
      'Dear Alice Example',
      'Monday 14 December 2026',
      '10:30am',
      'Outpatients A, Test General, 1 Hospital Road, LS1 3EX',
      'Ms Ada Surgeon',
      'Before your appointment',
      'If you need to change or cancel',
    ]) {
      expect(last).toContain(expected);
    }
    expect(last).toMatch(/NHS number: \d{3} \d{3} \d{4}/);

    // The manifest.
    const csv = await get(`/api/v1/print-batches/${batch.id}/manifest.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    const text = csv.rawPayload.toString('utf8').slice(1);
    const [header, ...lines] = parseCsv(text);
    expect(header).toEqual([...MANIFEST_COLUMNS]);
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => l[0])).toEqual(['1', '2', '3', '4']);
    expect(lines.map((l) => l[1])).toEqual(order.map((l) => l.id));
    expect(lines.map((l) => l[3])).toEqual(order.map((l) => String(l.pages)));
    expect(lines.map((l) => l[10])).toEqual(['BD1 1AA', 'LS1 3EX', 'LS1 3EX', 'LS2 9JT']);
    const [sam, , , leeds] = lines;
    expect(sam![2]).toBe('braille');
    expect(sam![4]).toMatch(/^'@Sam Patient\d+$/);
    expect(sam![11]).toContain('Braille');
    // Only a cell that starts like a formula gets the quote.
    expect(lines[1]![4]).toMatch(/^Mx -Dash Patient\d+$/);
    expect(lines.filter((l) => l[11]!.includes('Interpreter language: Polish'))).toHaveLength(2);
    expect(leeds![5]).toBe(`'=1+2, Flat "A"`);
    expect(leeds![6]).toBe('Hyde Park');
    expect(leeds![7]).toBe('Leeds');
    expect(leeds![8]).toBe('');
    // The raw text quotes the comma-and-quote cell.
    expect(text).toContain(`"'=1+2, Flat ""A"""`);
    // Never an NHS number.
    const nhsNumbers = (
      await h.db.db
        .select({ n: patients.nhsNumber })
        .from(patients)
        .where(inArray(patients.id, [leeds1.patientId, leeds2.patientId, bradford.patientId]))
    ).map((p) => p.n);
    for (const n of nhsNumbers) {
      expect(text).not.toContain(n);
      expect(text).not.toContain(`${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`);
    }

    // Listed and read back.
    expect((await get(`/api/v1/print-batches/${batch.id}`)).json()).toEqual(batch);

    // A second batch (today's): the next day's letter; the list is newest first.
    h.clock.set('2026-11-23T10:00:00Z');
    clerk = await h.signIn('booking-clerk'); // sessions lapse after 30 idle minutes
    const second = await post('/api/v1/print-batches');
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json()).toMatchObject({ date: '2026-11-23', letterCount: 1 });
    const list = await get('/api/v1/print-batches');
    expect(list.json().batches.map((b: { id: string }) => b.id)).toEqual([second.json().id, batch.id]);

    // Collected: its letters are sent, at the request's time; the other batch's letter is not.
    h.clock.set('2026-11-23T15:00:00Z');
    clerk = await h.signIn('booking-clerk'); // sessions lapse after 30 idle minutes
    const collected = await post(`/api/v1/print-batches/${batch.id}/collected`);
    expect(collected.statusCode, collected.body).toBe(200);
    expect(collected.json()).toMatchObject({
      id: batch.id,
      status: 'collected',
      collectedAt: '2026-11-23T15:00:00.000Z',
    });
    const after = await h.db.db
      .select()
      .from(communications)
      .where(inArray(communications.id, [...order.map((l) => l.id), nextDay.id]));
    for (const r of after) {
      if (r.id === nextDay.id) expect(r.status).toBe('awaiting-print');
      else {
        expect(r.status).toBe('sent');
        expect(r.sentAt?.toISOString()).toBe('2026-11-23T15:00:00.000Z');
        expect(r.statusAt?.toISOString()).toBe('2026-11-23T15:00:00.000Z');
      }
    }

    // Collecting twice: 409, nothing changes.
    h.clock.set('2026-11-23T16:00:00Z');
    clerk = await h.signIn('booking-clerk'); // sessions lapse after 30 idle minutes
    const twice = await post(`/api/v1/print-batches/${batch.id}/collected`);
    expect(twice.statusCode, twice.body).toBe(409);
    expect(twice.json().code).toBe('conflict');
    const [again] = await h.db.db.select().from(printBatches).where(eq(printBatches.id, batch.id));
    expect(again!.collectedAt?.toISOString()).toBe('2026-11-23T15:00:00.000Z');

    // Nothing left to print: 409, no new files.
    const files = batchFiles();
    const none = await post('/api/v1/print-batches', {});
    expect(none.statusCode).toBe(409);
    expect(batchFiles()).toEqual(files);
    expect(await batchRows()).toHaveLength(2);

    // Audited with counts only.
    const audits = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, h.fixture.orgId), eq(auditLog.resourceType, 'PrintBatch')));
    const of = (action: string) => audits.filter((a) => a.action === action && a.resourceId === batch.id);
    expect(of('PrintBatch.create')).toHaveLength(1);
    expect(of('PrintBatch.create')[0]!.detail).toMatchObject({
      letterCount: 4,
      pages: totalPages,
      braille: 1,
    });
    expect(of('PrintBatch.download-pdf')).toHaveLength(1);
    expect(of('PrintBatch.download-manifest')).toHaveLength(1);
    expect(of('PrintBatch.collect')).toHaveLength(1);
    expect(of('PrintBatch.collect')[0]!.detail).toEqual({ letterCount: 4, sent: 4 });
    const letterAudits = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, h.fixture.orgId), eq(auditLog.action, 'PrintBatch.letter-sent')));
    expect(letterAudits.map((a) => a.resourceId).sort()).toEqual(order.map((l) => l.id).sort());
    expect(JSON.stringify(audits)).not.toContain('Dash');
    const downloads = await h.db.db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.orgId, h.fixture.orgId),
          eq(auditLog.action, 'PrintBatch.download-pdf'),
          eq(auditLog.resourceType, 'Communication'),
        ),
      );
    expect(downloads.map((a) => a.patientId).sort()).toEqual(
      [bradford, leeds1, leeds1, leeds2].map((p) => p.patientId).sort(),
    );
  });

  it('takes letters by their London day: in summer, 23:30 UTC is the next day', async () => {
    const p = await patientAt('LS6 2AA');
    const late = await letterFor(p, '2026-06-30T22:30:00Z'); // 23:30 BST, 30 June
    const nextDay = await letterFor(p, '2026-06-30T23:30:00Z'); // 00:30 BST, 1 July
    const res = await post('/api/v1/print-batches', { date: '2026-06-30' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ date: '2026-06-30', letterCount: 1 });
    const rows = await h.db.db
      .select({ id: communications.id, batch: communications.printBatchId })
      .from(communications)
      .where(inArray(communications.id, [late.id, nextDay.id]));
    expect(new Map(rows.map((r) => [r.id, r.batch]))).toEqual(
      new Map([
        [late.id, res.json().id],
        [nextDay.id, null],
      ]),
    );
  });

  it('lets readers list and download but not make or collect batches', async () => {
    const manager = await h.signIn('service-manager');
    const list = await h.app.inject({ method: 'GET', url: '/api/v1/print-batches', headers: manager.read });
    expect(list.statusCode).toBe(200);
    const make = await h.app.inject({
      method: 'POST',
      url: '/api/v1/print-batches',
      headers: manager.write,
      payload: {},
    });
    expect(make.statusCode).toBe(403);
  });
});
