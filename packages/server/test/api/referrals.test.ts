/**
 * Referral intake over the API: one referral, triage and its effect on the clock, and bulk imports of CSV and
 * Excel files that import every row or none.
 */
import ExcelJS from 'exceljs';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nhsNumberFromStem } from '@pathflow/core';
import { queryRows } from '../../src/db/client';
import { auditLog, pathways, referralImports, rttEvents } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';

const ALICE = '9990000018';
const BOB = '9990000026';
/** A valid test-range NHS number that no fixture patient has. */
const NOBODY = nhsNumberFromStem('999000009')!;

const gpReferral = (over: object = {}) => ({
  nhsNumber: ALICE,
  source: 'gp-paper',
  receivedDate: '2026-11-16',
  specialtyCode: '120',
  priority: 'routine',
  referrerName: 'Dr A Practitioner',
  referrerOrgCode: 'B86001',
  ...over,
});

const HEADER = [
  'NHS number',
  'Referral source',
  'UBRN',
  'UBRN conversion date',
  'Received date',
  'Specialty code',
  'Priority',
  'Referrer',
  'Triage outcome',
  'Rejection reason',
];

const csv = (rows: string[][], header = HEADER): string =>
  [header, ...rows]
    .map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','))
    .join('\r\n');

const b64 = (text: string | Buffer): string => Buffer.from(text).toString('base64');

describe.each(ENGINES)('referral intake on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinician: Session;
  let manager: Session;
  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = await h.signIn('booking-clerk');
    clinician = await h.signIn('clinician');
    manager = await h.signIn('service-manager');
  });
  afterAll(() => h.close());
  beforeEach(() => h.clock.set('2026-11-23T09:00:00Z'));

  const post = (url: string, payload: object, s: Session = clerk) =>
    h.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: s.write, payload });
  const get = (url: string, s: Session = clerk) =>
    h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: s.read });
  const count = async (table: 'referrals' | 'pathways' | 'referral_imports') =>
    (
      await queryRows<{ n: number }>(h.db.db, sql`select count(*)::int as n from ${sql.identifier(table)}`)
    )[0]!.n;

  describe('one referral', () => {
    it('opens a pathway whose clock starts on the day a GP letter was received, and audits it', async () => {
      const res = await post('/referrals', gpReferral());
      expect(res.statusCode, res.body).toBe(201);
      const referral = res.json();
      expect(res.headers.location).toBe(`/api/v1/referrals/${referral.id}`);
      expect(referral).toMatchObject({
        nhsNumber: ALICE,
        patientName: 'Alice Example',
        source: 'gp-paper',
        clockStart: '2026-11-16',
        triage: { kind: 'pending', triagedBy: null },
        importId: null,
      });
      const pathway = await get(`/pathways/${referral.pathwayId}`);
      expect(pathway.json()).toMatchObject({
        patientId: h.fixture.patients.alice,
        specialtyCode: '120',
        priority: 'routine',
        clockStart: '2026-11-16',
        status: 'open',
        rtt: { current: { running: true, start: '2026-11-16', daysWaited: 7 } },
      });
      expect(pathway.json().ppid).toMatch(/^XT1R\d{14}$/);
      const audited = await h.db.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'Referral.create'), eq(auditLog.resourceId, referral.id)));
      expect(audited).toHaveLength(1);
      expect(audited[0]!.patientId).toBe(h.fixture.patients.alice);
    });

    it('starts an e-RS clock on the UBRN conversion date and uses the UBRN as the pathway id', async () => {
      const res = await post(
        '/referrals',
        gpReferral({
          nhsNumber: BOB,
          source: 'e-rs',
          ubrn: '1234 5678 9012',
          ersConversionDate: '2026-11-10',
          receivedDate: '2026-11-12',
          specialtyCode: '110',
          referrerOrgCode: null,
        }),
      );
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({
        ubrn: '123456789012',
        clockStart: '2026-11-10',
        clockStartRule: 'S3',
      });
      const pathway = await get(`/pathways/${res.json().pathwayId}`);
      expect(pathway.json().ppid).toBe('123456789012');
    });

    it('reports every problem at once, each naming its field, and stores nothing', async () => {
      const before = await count('referrals');
      const res = await post('/referrals', {
        nhsNumber: '999 000 0019',
        source: 'gp-paper',
        receivedDate: '2026-12-25',
        specialtyCode: '999',
        priority: 'routine',
      });
      expect(res.statusCode).toBe(400);
      const fields = res.json().errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(
        expect.arrayContaining([
          '/body/nhsNumber',
          '/body/receivedDate',
          '/body/specialtyCode',
          '/body/referrerName',
        ]),
      );
      expect(await count('referrals')).toBe(before);
    });

    it('refuses a referral for a patient who is not registered', async () => {
      const res = await post('/referrals', gpReferral({ nhsNumber: NOBODY }));
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([
        {
          field: '/body/nhsNumber',
          message: expect.stringMatching(/No patient with NHS number .* is registered/),
        },
      ]);
    });

    it('refuses a self-referral to a specialty that does not take them, naming the field', async () => {
      const res = await post('/referrals', gpReferral({ source: 'self-referral', referrerName: null }));
      expect(res.statusCode).toBe(400);
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain('/body/source');
    });

    it('reports a possible duplicate (same patient and specialty within 28 days) and stores it only once confirmed', async () => {
      // Alice's orthopaedic pathway was received on 1 September 2026.
      const body = gpReferral({ specialtyCode: '110', receivedDate: '2026-09-15' });
      const before = await count('referrals');
      const res = await post('/referrals', body);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({
        code: 'possible_duplicate',
        duplicates: [{ kind: 'patient-specialty', message: expect.stringContaining('1 Sep 2026') }],
        errors: [{ field: '/body/nhsNumber' }],
      });
      expect(await count('referrals')).toBe(before);
      const confirmed = await post('/referrals', { ...body, confirmedNotDuplicate: true });
      expect(confirmed.statusCode, confirmed.body).toBe(201);
    });

    it('reports a UBRN already held', async () => {
      const res = await post(
        '/referrals',
        gpReferral({
          source: 'e-rs',
          ubrn: '123456789012',
          ersConversionDate: '2026-11-18',
          receivedDate: null,
          referrerOrgCode: null,
        }),
      );
      expect(res.statusCode).toBe(409);
      expect(res.json().duplicates).toEqual([
        { kind: 'ubrn', message: 'A referral with UBRN 123456789012 is already held' },
      ]);
    });

    it('refuses unknown fields and wrong types before the rules run', async () => {
      const res = await post('/referrals', { ...gpReferral(), colour: 'red', priority: 'soonish' });
      expect(res.statusCode).toBe(400);
      const fields = res.json().errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['/body/colour', '/body/priority']));
    });
  });

  describe('triage', () => {
    const pending = async (over: object = {}) => {
      const res = await post(
        '/referrals',
        gpReferral({ nhsNumber: BOB, receivedDate: '2026-11-20', ...over }),
      );
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string; pathwayId: string }>();
    };

    it('lists pending referrals as the triage worklist', async () => {
      const { id } = await pending({
        specialtyCode: '110',
        receivedDate: '2026-11-02',
        confirmedNotDuplicate: true,
      });
      const res = await get('/referrals?triage=pending&specialty=110', clinician);
      expect(res.statusCode).toBe(200);
      expect(res.json().referrals.map((r: { id: string }) => r.id)).toContain(id);
      expect(
        res.json().referrals.every((r: { triage: { kind: string } }) => r.triage.kind === 'pending'),
      ).toBe(true);
    });

    it('accepting sets the pathway priority and clinic type; the clock runs on', async () => {
      const { id, pathwayId } = await pending({ receivedDate: '2026-10-20', confirmedNotDuplicate: true });
      const res = await post(
        `/referrals/${id}/triage`,
        { kind: 'accepted', priority: 'urgent', clinicType: 'urgent-new' },
        clinician,
      );
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().triage).toMatchObject({
        kind: 'accepted',
        priority: 'urgent',
        clinicType: 'urgent-new',
      });
      const [row] = await h.db.db.select().from(pathways).where(eq(pathways.id, pathwayId));
      expect(row).toMatchObject({
        priority: 'urgent',
        clinicType: 'urgent-new',
        status: 'open',
        rttRunning: true,
      });
      const again = await post(
        `/referrals/${id}/triage`,
        { kind: 'rejected', reason: 'Changed mind' },
        clinician,
      );
      expect(again.statusCode).toBe(409);
    });

    it('rejecting stops the clock today with status 34 and closes the pathway', async () => {
      const { id, pathwayId } = await pending({ receivedDate: '2026-10-05', confirmedNotDuplicate: true });
      const res = await post(
        `/referrals/${id}/triage`,
        { kind: 'rejected', reason: 'Needs GP management first' },
        clinician,
      );
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().triage).toMatchObject({ kind: 'rejected', reason: 'Needs GP management first' });
      const events = await h.db.db.select().from(rttEvents).where(eq(rttEvents.pathwayId, pathwayId));
      expect(events).toMatchObject([
        { eventDate: '2026-11-23', code: '34', clinicianDecision: true, origin: 'referral' },
      ]);
      const [row] = await h.db.db.select().from(pathways).where(eq(pathways.id, pathwayId));
      expect(row).toMatchObject({ status: 'closed', closedDate: '2026-11-23', rttRunning: false });
      const ptl = await get('/ptl?specialty=120&limit=500');
      expect(ptl.json().rows.map((r: { pathwayId: string }) => r.pathwayId)).not.toContain(pathwayId);
    });

    it('advice and guidance also returns the referral with its clock stopped', async () => {
      const { id, pathwayId } = await pending({ receivedDate: '2026-09-30', confirmedNotDuplicate: true });
      const res = await post(
        `/referrals/${id}/triage`,
        { kind: 'advice-and-guidance', note: 'Trial of topical steroid' },
        clinician,
      );
      expect(res.statusCode, res.body).toBe(200);
      const [row] = await h.db.db.select().from(pathways).where(eq(pathways.id, pathwayId));
      expect(row!.status).toBe('closed');
    });

    it('refuses a rejection without a reason, naming the field, and changes nothing', async () => {
      const { id } = await pending({ receivedDate: '2026-10-12', confirmedNotDuplicate: true });
      const res = await post(`/referrals/${id}/triage`, { kind: 'rejected' }, clinician);
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ field: '/body/reason', message: expect.any(String) }]);
      expect((await get(`/referrals/${id}`)).json().triage.kind).toBe('pending');
    });

    it('answers 404 for an unknown referral', async () => {
      const res = await post(
        '/referrals/00000000-0000-4000-8000-000000000000/triage',
        { kind: 'accepted' },
        clinician,
      );
      expect(res.statusCode).toBe(404);
    });
  });

  describe('bulk import', () => {
    const goodRows = [
      [BOB, 'GP letter', '', '', '03/11/2026', '110', 'Routine', 'Dr B Practitioner', '', ''],
      [ALICE, 'e-RS', '5555 6666 7777', '04/11/2026', '', '120', '2WW', 'Dr C Practitioner', '', ''],
      [
        BOB,
        'GP letter',
        '',
        '',
        '2026-11-05',
        '120',
        'Urgent',
        'Dr B Practitioner',
        'Rejected',
        'Not for ENT',
      ],
    ];
    const importFile = (body: object, s: Session = clerk) => post('/referrals/imports', body, s);

    it('checks a file in a dry run without writing anything', async () => {
      const before = await Promise.all([count('referrals'), count('referral_imports')]);
      const res = await importFile({
        fileName: 'referrals.csv',
        content: b64(csv(goodRows)),
        dryRun: true,
        allowDuplicateRows: [2, 3, 4],
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        dryRun: true,
        imported: false,
        importId: null,
        rows: 3,
        problems: [],
      });
      expect(await Promise.all([count('referrals'), count('referral_imports')])).toEqual(before);
    });

    it('refuses the whole file when any row has a problem, naming each row and column', async () => {
      const before = await count('referrals');
      const rows = [
        goodRows[0]!,
        ['999 000 0019', 'GP letter', '', '', '06/11/2026', '110', 'Routine', 'Dr B', '', ''],
        [NOBODY, 'GP letter', '', '', '31/02/2026', '777', 'Soon-ish', 'Dr B', '', ''],
      ];
      const res = await importFile({ fileName: 'bad.csv', content: b64(csv(rows)) });
      expect(res.statusCode, res.body).toBe(422);
      const body = res.json();
      expect(body.code).toBe('import_refused');
      expect(body.detail).toMatch(/^No referrals will be imported/);
      const where = body.report.problems.map(
        (p: { row: number; column: string | null }) => `${p.row}:${p.column}`,
      );
      expect(where).toEqual(
        expect.arrayContaining(['3:NHS number', '4:NHS number', '4:Received date', '4:Priority']),
      );
      expect(body.report).toMatchObject({ imported: false, importedRows: 0 });
      expect(await count('referrals')).toBe(before);
      const [refused] = await h.db.db
        .select()
        .from(referralImports)
        .where(and(eq(referralImports.id, body.report.importId)));
      expect(refused).toMatchObject({ fileName: 'bad.csv', outcome: 'refused', rows: 3 });
    });

    it('blocks possible duplicates within the file unless a person confirms them', async () => {
      const rows = [
        [ALICE, 'GP letter', '', '', '09/11/2026', '110', 'Routine', 'Dr D', '', ''],
        [ALICE, 'GP letter', '', '', '10/11/2026', '110', 'Routine', 'Dr D', '', ''],
      ];
      const blocked = await importFile({ fileName: 'dupes.csv', content: b64(csv(rows)) });
      expect(blocked.statusCode).toBe(422);
      expect(blocked.json().report.duplicates).toMatchObject([
        { row: 3, kind: 'patient-specialty', withRow: 2, column: 'NHS number', allowed: false },
      ]);
      const allowed = await importFile({
        fileName: 'dupes.csv',
        content: b64(csv(rows)),
        allowDuplicateRows: [3],
        duplicateWindowDays: 0,
      });
      expect(allowed.statusCode, allowed.body).toBe(201);
    });

    it('imports every row of a good file in one go, with triage outcomes applied', async () => {
      const before = await count('referrals');
      const res = await importFile({
        fileName: 'good.csv',
        content: b64(csv(goodRows)),
        allowDuplicateRows: [2, 3, 4],
      });
      expect(res.statusCode, res.body).toBe(201);
      const report = res.json();
      expect(report).toMatchObject({
        imported: true,
        importedRows: 3,
        rows: 3,
        summary: { message: 'All 3 referrals were imported.' },
      });
      expect(await count('referrals')).toBe(before + 3);
      const listed = await get(`/referrals?importId=${report.importId}`);
      const byRow = listed.json().referrals as {
        source: string;
        clockStart: string;
        priority: string;
        triage: { kind: string };
        pathwayId: string;
      }[];
      expect(byRow.map((r) => [r.source, r.clockStart, r.priority, r.triage.kind])).toEqual([
        ['gp-paper', '2026-11-03', 'routine', 'pending'],
        ['e-rs', '2026-11-04', 'two-week-wait', 'pending'],
        ['gp-paper', '2026-11-05', 'urgent', 'rejected'],
      ]);
      const [rejected] = await h.db.db.select().from(pathways).where(eq(pathways.id, byRow[2]!.pathwayId));
      expect(rejected!.status).toBe('closed');
      const imports = await get('/referrals/imports');
      expect(imports.json().imports[0]).toMatchObject({ id: report.importId, outcome: 'imported', rows: 3 });
    });

    it('reads an Excel workbook with its own column names through a mapping', async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('Referrals');
      sheet.addRow(['NHS No', 'How referred', 'Date received', 'TFC', 'Urgency', 'Referred by', 'Notes']);
      sheet.addRow([
        BOB,
        'consultant to consultant',
        new Date(Date.UTC(2026, 10, 18)),
        '110',
        'routine',
        'Mr E Surgeon',
        'ignored',
      ]);
      sheet.getCell('C2').numFmt = 'dd/mm/yyyy';
      const content = Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
      const mapping = {
        nhsNumber: 'NHS No',
        source: 'How referred',
        receivedDate: 'Date received',
        specialtyCode: 'TFC',
        priority: 'Urgency',
        referrerName: 'Referred by',
      };
      const res = await importFile({ fileName: 'referrals.xlsx', content, mapping, allowDuplicateRows: [2] });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({
        sheet: 'Referrals',
        importedRows: 1,
        ignoredColumns: ['Notes'],
        columns: { nhsNumber: 'NHS No' },
      });
      const listed = await get(`/referrals?importId=${res.json().importId}`);
      expect(listed.json().referrals[0]).toMatchObject({
        source: 'consultant-to-consultant',
        receivedDate: '2026-11-18',
      });
    });

    it('names a missing column once, on the header row', async () => {
      const res = await importFile({
        fileName: 'short.csv',
        content: b64(csv([[BOB, 'GP letter']], ['NHS number', 'Referral source'])),
      });
      expect(res.statusCode).toBe(422);
      const header = res.json().report.problems.filter((p: { row: number }) => p.row === 1);
      expect(header.map((p: { field: string }) => p.field)).toEqual(
        expect.arrayContaining(['receivedDate', 'specialtyCode', 'priority', 'referrerName']),
      );
    });

    it('refuses a file that is not a table it can read, naming the field', async () => {
      const xls = await importFile({ fileName: 'old.xls', content: b64('not really') });
      expect(xls.statusCode).toBe(400);
      expect(xls.json().errors).toEqual([
        { field: '/body/fileName', message: expect.stringContaining('.xls') },
      ]);
      const notBase64 = await importFile({ fileName: 'a.csv', content: '%%%' });
      expect(notBase64.statusCode).toBe(400);
      expect(notBase64.json().errors[0].field).toBe('/body/content');
      const badMapping = await importFile({
        fileName: 'a.csv',
        content: b64('x'),
        mapping: { colour: 'Red' },
      });
      expect(badMapping.statusCode).toBe(400);
      expect(badMapping.json().errors[0].field).toBe('/body/mapping/colour');
    });
  });

  describe('permissions', () => {
    it('lets a service manager read referrals but not enter them', async () => {
      expect((await get('/referrals', manager)).statusCode).toBe(200);
      expect((await post('/referrals', gpReferral(), manager)).statusCode).toBe(403);
      expect(
        (await post('/referrals/imports', { fileName: 'a.csv', content: b64('x') }, manager)).statusCode,
      ).toBe(403);
    });

    it('keeps referrals from roles that do not work with them', async () => {
      const flow = await h.signIn('flow-coordinator');
      expect((await get('/referrals', flow)).statusCode).toBe(403);
      const admin = await h.signIn('admin');
      expect((await get('/referrals/imports', admin)).statusCode).toBe(403);
    });

    it('needs a signed-in member of staff', async () => {
      const res = await h.app.inject({ method: 'GET', url: '/api/v1/referrals' });
      expect(res.statusCode).toBe(401);
    });
  });
});
