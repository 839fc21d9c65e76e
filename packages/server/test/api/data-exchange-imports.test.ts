/**
 * Data exchange imports over the API: an e-RS worklist export through the bulk referral import (e-RS preset,
 * conversion and ASI dates as the clock start), and a PTL extract from another PAS as open pathways with their
 * patients: dry runs, all-or-nothing refusals naming row and column, mappings, matching registered patients,
 * and the audit trail.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNhsNumber, nhsNumberFromStem } from '@pathflow/core';
import { queryRows } from '../../src/db/client';
import { auditLog, pathways, patients, referralImports, referrals } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../fixtures/exchange/${name}`, import.meta.url)));

const ALICE = '9990000018';
const BOB = '9990000026';

/** A valid test-range NHS number of its own for each stem (9 digits). */
function nhs(stem: number): string {
  for (let s = stem; ; s++) {
    const n = nhsNumberFromStem(String(s));
    if (n) return n;
  }
}

const csv = (rows: string[][]): string =>
  rows
    .map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','))
    .join('\r\n');
const b64 = (text: string | Buffer): string => Buffer.from(text).toString('base64');

interface Problem {
  row: number;
  column: string | null;
  field: string | null;
  message: string;
}
const where = (problems: Problem[]) => problems.map((p) => `${p.row}:${p.column}:${p.message}`);

const ERS_HEADER = [
  'UBRN',
  'NHS No.',
  'Patient Name',
  'Date of Birth',
  'Priority',
  'Specialty',
  'Referring Clinician',
  'Referring Organisation',
  'Date Converted',
  'Date added to worklist',
];

const PTL_HEADER = [
  'NHS number',
  'Patient name',
  'Date of birth',
  'Sex',
  'Postcode',
  'Specialty',
  'Priority',
  'Clock start',
  'Referral received date',
  'PPID',
];

describe.each(ENGINES)('data exchange imports on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let leader: Session;
  let clinician: Session;
  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = await h.signIn('booking-clerk');
    leader = await h.signIn('team-leader');
    clinician = await h.signIn('clinician');
  });
  afterAll(() => h.close());

  const post = (url: string, payload: object, s: Session = clerk) =>
    h.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: s.write, payload });
  const count = async (table: 'referrals' | 'pathways' | 'patients' | 'referral_imports' | 'audit_log') =>
    (
      await queryRows<{ n: number }>(h.db.db, sql`select count(*)::int as n from ${sql.identifier(table)}`)
    )[0]!.n;
  const counts = async () => ({
    referrals: await count('referrals'),
    pathways: await count('pathways'),
    patients: await count('patients'),
  });
  const auditOf = (action: string) =>
    h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, h.fixture.orgId), eq(auditLog.action, action)));

  describe('e-RS worklists', () => {
    const ers = (body: object, s: Session = clerk) => post('/exchange/ers-worklist', body, s);
    const worklist = fixture('ers-worklist.csv');

    it('checks a worklist in a dry run through the e-RS preset, writing nothing', async () => {
      const before = { ...(await counts()), imports: await count('referral_imports') };
      const res = await ers({ fileName: 'Referrals for Review.csv', content: b64(worklist), dryRun: true });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        importId: null,
        dryRun: true,
        imported: false,
        rows: 2,
        problems: [],
        duplicates: [],
        summary: { message: 'All 2 referrals can be imported.' },
        columns: {
          ubrn: 'UBRN',
          nhsNumber: 'NHS No.',
          dateOfBirth: 'Date of Birth',
          ersConversionDate: 'Date Converted',
          asiWorklistDate: 'Date added to worklist',
          specialtyCode: 'Specialty',
          referrerOrgCode: 'Referring Organisation',
        },
        ignoredColumns: ['Patient Name', 'Clinic Type', 'Service Name'],
      });
      // The columns Pathflow adds (source, a missing received date) are not the worklist's.
      expect(Object.keys(res.json().columns)).not.toContain('source');
      expect(Object.keys(res.json().columns)).not.toContain('receivedDate');
      expect({ ...(await counts()), imports: await count('referral_imports') }).toEqual(before);
    });

    it('imports the worklist as e-RS referrals whose clocks start on the conversion or ASI date', async () => {
      const before = await counts();
      const res = await ers({ fileName: 'Referrals for Review.csv', content: b64(worklist) });
      expect(res.statusCode, res.body).toBe(201);
      const report = res.json();
      expect(report).toMatchObject({
        imported: true,
        importedRows: 2,
        summary: { message: 'All 2 referrals were imported.' },
      });
      expect(await counts()).toEqual({
        ...before,
        referrals: before.referrals + 2,
        pathways: before.pathways + 2,
      });

      const stored = await h.db.db.select().from(referrals).where(eq(referrals.importId, report.importId));
      const byUbrn = new Map(stored.map((r) => [r.ubrn, r]));
      expect(byUbrn.get('000123456789')).toMatchObject({
        source: 'e-rs',
        patientId: h.fixture.patients.alice,
        ersConversionDate: '2026-11-02',
        asiWorklistDate: null,
        receivedDate: '2026-11-02',
        clockStart: '2026-11-02',
        clockStartRule: 'S3',
        specialtyCode: '110',
        priority: 'routine',
        referrerName: 'Dr A Practitioner',
        referrerOrgCode: 'B86001',
        triageKind: 'pending',
      });
      // Converted on 12 November, on the ASI worklist from 10 November: the earlier date starts the clock.
      expect(byUbrn.get('000123456790')).toMatchObject({
        patientId: h.fixture.patients.bob,
        ersConversionDate: '2026-11-12',
        asiWorklistDate: '2026-11-10',
        clockStart: '2026-11-10',
        specialtyCode: '120',
        priority: 'two-week-wait',
      });
      const opened = await h.db.db
        .select()
        .from(pathways)
        .where(
          inArray(
            pathways.id,
            stored.map((r) => r.pathwayId!),
          ),
        );
      expect(
        opened.map((p) => [p.ppid, p.clockStartDate, p.rttRunning, p.rttPeriodStart, p.source]).sort(),
      ).toEqual([
        ['000123456789', '2026-11-02', true, '2026-11-02', 'e-rs'],
        ['000123456790', '2026-11-10', true, '2026-11-10', 'e-rs'],
      ]);
      const [history] = await h.db.db
        .select()
        .from(referralImports)
        .where(eq(referralImports.id, report.importId));
      expect(history).toMatchObject({ fileName: 'Referrals for Review.csv', outcome: 'imported', rows: 2 });
      const audited = (await auditOf('Referral.create')).filter((a) =>
        stored.some((r) => r.id === a.resourceId),
      );
      expect(audited.map((a) => a.patientId).sort()).toEqual(
        [h.fixture.patients.alice, h.fixture.patients.bob].sort(),
      );
    });

    it('refuses the same worklist again, naming each UBRN already held, and writes nothing', async () => {
      const before = await counts();
      const res = await ers({ fileName: 'again.csv', content: b64(worklist) });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().code).toBe('import_refused');
      expect(res.json().report.duplicates).toMatchObject([
        { row: 2, kind: 'ubrn', existing: true, column: 'UBRN', allowed: false },
        { row: 3, kind: 'ubrn', existing: true, column: 'UBRN', allowed: false },
      ]);
      expect(await counts()).toEqual(before);
      const [refused] = await h.db.db
        .select()
        .from(referralImports)
        .where(eq(referralImports.id, res.json().report.importId));
      expect(refused).toMatchObject({ fileName: 'again.csv', outcome: 'refused' });
    });

    it('refuses a worklist with a bad row, naming row and column, and imports none of it', async () => {
      const before = await counts();
      const nobody = nhs(999100001);
      const file = csv([
        ERS_HEADER,
        [
          '000200000001',
          ALICE,
          'EXAMPLE, Alice',
          '31-Jan-1970',
          'Urgent',
          '120',
          'Dr C',
          'B86001',
          '15-Nov-2026',
          '',
        ],
        [
          '000200000002',
          BOB,
          'SAMPLE, Bob',
          '16-Jun-1985',
          'Routine',
          'Ophthalmology',
          'Dr C',
          'B86001',
          '',
          '',
        ],
        [
          '000200000003',
          nobody,
          'NOBODY, Ann',
          '01-Jan-1990',
          'Routine',
          '110',
          'Dr C',
          'B86001',
          '01-Dec-2026',
          '',
        ],
      ]);
      const res = await ers({ fileName: 'bad worklist.csv', content: b64(file) });
      expect(res.statusCode, res.body).toBe(422);
      const report = res.json().report;
      expect(where(report.problems)).toEqual([
        '3:Date of Birth:Date of birth does not match the patient registered with NHS number 999 000 0026: check the NHS number and the date of birth',
        '3:Date Converted:Enter the UBRN conversion date or the ASI worklist date for an e-RS referral',
        "3:Specialty:Specialty 'Ophthalmology' (treatment function 130) is not one of your organisation's specialties",
        `4:NHS No.:No patient with NHS number ${formatNhsNumber(nobody)} is registered: register the patient first`,
        '4:Date Converted:UBRN conversion date must be today or in the past',
      ]);
      expect(report.summary.message).toBe(
        'No referrals will be imported: there are 5 problems in 2 rows. Correct the file and import it again.',
      );
      expect(await counts()).toEqual(before);
    });

    it('reads other headings through a mapping, and an Excel workbook’s sheet', async () => {
      const workbook = new ExcelJS.Workbook();
      workbook.addWorksheet('Notes').addRow(['Downloaded from e-RS']);
      const sheet = workbook.addWorksheet('ASI');
      sheet.addRow(['Booking ref', 'Patient NHS', 'Urgency', 'TFC', 'Clinician', 'Deferred to us']);
      sheet.addRow(['000300000001', BOB, 'Routine', '110', 'Dr D', new Date(Date.UTC(2026, 10, 16))]);
      sheet.getCell('F2').numFmt = 'dd/mm/yyyy';
      const content = Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
      const mapping = {
        ubrn: 'Booking ref',
        nhsNumber: 'patient nhs',
        priority: 'Urgency',
        specialtyCode: 'TFC',
        referrerName: 'Clinician',
        asiWorklistDate: 'Deferred to us',
      };
      const res = await ers({ fileName: 'asi.xlsx', content, sheet: 'ASI', mapping });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ sheet: 'ASI', importedRows: 1, columns: { ubrn: 'Booking ref' } });
      const [stored] = await h.db.db.select().from(referrals).where(eq(referrals.ubrn, '000300000001'));
      expect(stored).toMatchObject({
        asiWorklistDate: '2026-11-16',
        clockStart: '2026-11-16',
        receivedDate: '2026-11-16',
      });
      const unknown = await ers({ fileName: 'a.csv', content: b64('x'), mapping: { source: 'Source' } });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().errors[0].field).toBe('/body/mapping/source');
    });

    it('says plainly when the file cannot be read, naming the field', async () => {
      const xls = await ers({ fileName: 'worklist.xls', content: b64('x') });
      expect(xls.statusCode).toBe(400);
      expect(xls.json().errors).toEqual([
        { field: '/body/fileName', message: expect.stringContaining('.xls') },
      ]);
      const empty = await ers({ fileName: 'worklist.csv', content: b64(ERS_HEADER.join(',')) });
      expect(empty.statusCode).toBe(400);
      expect(empty.json().errors).toEqual([
        { field: '/body/content', message: 'The file has a header row but no referrals below it' },
      ]);
      expect((await ers({ fileName: 'a.csv', content: '%%%' })).json().errors[0].field).toBe('/body/content');
    });
  });

  describe('PTL extracts', () => {
    const ptl = (body: object, s: Session = clerk) => post('/exchange/ptl-extract', body, s);
    const extract = fixture('ptl-extract.csv');
    const NINA = '9990000034';
    const NED = '9990000042';

    it('checks an extract in a dry run: who will be registered, who is matched, nothing written', async () => {
      const before = { ...(await counts()), audit: (await auditOf('PtlImport.create')).length };
      const res = await ptl({ fileName: 'ptl.csv', content: b64(extract), dryRun: true });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        importId: null,
        dryRun: true,
        imported: false,
        rows: 3,
        importedRows: 0,
        problems: [],
        summary: {
          rows: 3,
          problems: 0,
          newPatients: 2,
          registeredPatients: 1,
          booked: 1,
          message:
            'All 3 pathways can be imported. 2 patients are not registered yet and will be registered.',
        },
        columns: { nhsNumber: 'NHS number', ppid: 'PPID', consultantCode: 'Consultant code' },
        ignoredColumns: [],
        toBook: [
          { row: 3, ppid: 'RXX000000000002', ppidIssuer: 'XT1', bookedDate: '2026-12-07', pathwayId: null },
        ],
      });
      expect({ ...(await counts()), audit: (await auditOf('PtlImport.create')).length }).toEqual(before);
    });

    it('imports every row: registers new patients, matches registered ones, opens running clocks, audits', async () => {
      const before = await counts();
      const alice = (
        await h.db.db.select().from(patients).where(eq(patients.id, h.fixture.patients.alice))
      )[0]!;
      const res = await ptl({ fileName: 'ptl.csv', content: b64(extract) }, leader);
      expect(res.statusCode, res.body).toBe(201);
      const report = res.json();
      expect(report).toMatchObject({
        imported: true,
        importedRows: 3,
        summary: { message: 'All 3 pathways were imported. 2 patients were registered.' },
      });
      expect(await counts()).toEqual({
        ...before,
        patients: before.patients + 2,
        pathways: before.pathways + 3,
      });

      const made = await h.db.db
        .select()
        .from(patients)
        .where(inArray(patients.nhsNumber, [NINA, NED]));
      const nina = made.find((p) => p.nhsNumber === NINA)!;
      const ned = made.find((p) => p.nhsNumber === NED)!;
      expect(nina).toMatchObject({
        mrn: 'OLD0034',
        familyName: 'NEWMAN',
        givenName: 'Nina',
        dateOfBirth: '1981-03-02',
        sex: 'female',
        addressLine1: '2 New Street',
        town: 'Leeds',
        postcode: 'LS2 7AA',
      });
      expect(ned).toMatchObject({ mrn: 'OLD0042', sex: 'male', addressLine1: '', town: '', postcode: '' });
      // The registered patient is matched, never changed.
      expect((await h.db.db.select().from(patients).where(eq(patients.id, alice.id)))[0]).toEqual(alice);

      const opened = await h.db.db
        .select()
        .from(pathways)
        .where(and(eq(pathways.orgId, h.fixture.orgId), eq(pathways.source, 'ptl-import')));
      const byPpid = new Map(opened.map((p) => [p.ppid, p]));
      expect(byPpid.get('RXX000000000001')).toMatchObject({
        patientId: nina.id,
        ppidIssuer: 'XT1',
        specialtyCode: '110',
        priority: 'routine',
        clockStartDate: '2026-06-01',
        referralReceivedDate: '2026-05-28',
        status: 'open',
        rttRunning: true,
        rttPeriodStart: '2026-06-01',
        referralId: null,
      });
      expect(byPpid.get('RXX000000000001')!.clinicianId).not.toBeNull();
      expect(byPpid.get('RXX000000000002')).toMatchObject({
        patientId: ned.id,
        specialtyCode: '120',
        priority: 'urgent',
        clinicianId: null,
      });
      expect(byPpid.get('RXX000000000003')).toMatchObject({
        patientId: alice.id,
        priority: 'two-week-wait',
        clockStartDate: '2026-10-20',
        rttPeriodStart: '2026-10-20',
      });
      expect(report.toBook).toEqual([
        {
          row: 3,
          ppid: 'RXX000000000002',
          ppidIssuer: 'XT1',
          bookedDate: '2026-12-07',
          pathwayId: byPpid.get('RXX000000000002')!.id,
        },
      ]);

      // The pathway reads as the RTT engine sees it: a clock running from the clock start, on the PTL.
      const detail = await h.app.inject({
        method: 'GET',
        url: `/api/v1/pathways/${byPpid.get('RXX000000000001')!.id}`,
        headers: clerk.read,
      });
      expect(detail.json().rtt.current).toMatchObject({ running: true, start: '2026-06-01' });
      const list = await h.app.inject({
        method: 'GET',
        url: '/api/v1/ptl?specialty=110&limit=500',
        headers: clerk.read,
      });
      expect(list.json().rows.map((r: { ppid: string }) => r.ppid)).toContain('RXX000000000001');

      const created = await auditOf('Patient.create');
      expect(created.filter((a) => a.patientId === nina.id || a.patientId === ned.id)).toHaveLength(2);
      const openedIds = new Set(opened.map((p) => p.id));
      const pathwaysAudited = (await auditOf('Pathway.create')).filter((a) => openedIds.has(a.resourceId!));
      expect(pathwaysAudited.map((a) => a.patientId).sort()).toEqual([alice.id, ned.id, nina.id].sort());
      const [record] = (await auditOf('PtlImport.create')).filter((a) => a.resourceId === report.importId);
      expect(record).toMatchObject({
        resourceType: 'PtlImport',
        patientId: null,
        outcome: 'success',
        actorRole: 'team-leader',
        detail: {
          rows: 3,
          pathways: 3,
          patientsRegistered: 2,
          patientsMatched: 1,
          toBook: 1,
          problems: 0,
          rowsWithProblems: 0,
        },
      });
    });

    it('refuses the same extract again (PPIDs held), records the refusal and writes nothing', async () => {
      const before = await counts();
      const res = await ptl({ fileName: 'ptl.csv', content: b64(extract) });
      expect(res.statusCode, res.body).toBe(422);
      const report = res.json().report;
      expect(where(report.problems)).toEqual([
        '2:PPID:A pathway with PPID RXX000000000001 (issuer XT1) is already held: it may have been imported before',
        '3:PPID:A pathway with PPID RXX000000000002 (issuer XT1) is already held: it may have been imported before',
        '4:PPID:A pathway with PPID RXX000000000003 (issuer XT1) is already held: it may have been imported before',
      ]);
      expect(await counts()).toEqual(before);
      const [refused] = (await auditOf('PtlImport.refused')).filter((a) => a.resourceId === report.importId);
      expect(refused).toMatchObject({ outcome: 'failure', detail: { rows: 3, pathways: 0, problems: 3 } });
    });

    it('refuses an extract with a bad row, naming row and column, and registers no one', async () => {
      const before = await counts();
      const good = nhs(999100011);
      const file = csv([
        PTL_HEADER,
        [good, 'GOOD, Gail', '01/01/1990', 'F', '', '110', 'Routine', '01/09/2026', '', 'RXX000000000010'],
        [BOB, 'SAMPLE, Bob', '16/06/1985', 'M', '', '110', 'Routine', '01/09/2026', '', 'RXX000000000011'],
        [
          '999 000 0019',
          'BAD, Bill',
          '01/01/1990',
          'M',
          'LS1',
          '777',
          'Soon-ish',
          '01/12/2026',
          '',
          'RXX-11',
        ],
      ]);
      const res = await ptl({ fileName: 'bad ptl.csv', content: b64(file) });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().code).toBe('import_refused');
      expect(where(res.json().report.problems)).toEqual([
        '3:Date of birth:Date of birth does not match the patient registered with NHS number 999 000 0026: check the NHS number and the date of birth (an import never changes a registered patient)',
        '4:NHS number:NHS number is not valid (check digit does not match)',
        "4:Specialty:Specialty code 777 is not one of your organisation's specialties",
        "4:Priority:Priority 'Soon-ish' is not recognised: use routine, urgent or two-week wait (2WW)",
        '4:Clock start:Clock start must be today or in the past',
        '4:PPID:PPID must be 1 to 20 letters and numbers',
      ]);
      expect(await counts()).toEqual(before);
      expect(await h.db.db.select().from(patients).where(eq(patients.nhsNumber, good))).toEqual([]);
    });

    it('reads other headings through a mapping, and an Excel workbook with real dates', async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('Waiting list');
      sheet.addRow([
        'NHS',
        'Surname',
        'Forename',
        'Born',
        'Gender',
        'Spec',
        'Prio',
        'RTT Start',
        'Pathway No',
        'Org',
      ]);
      const mappedNhs = nhs(999100021);
      sheet.addRow([
        Number(mappedNhs),
        'Mapped',
        'Mary',
        new Date(Date.UTC(1975, 4, 6)),
        '2',
        'Trauma & Orthopaedics',
        '2',
        new Date(Date.UTC(2026, 6, 1)),
        'PAS 0000 0001',
        'rxx01',
      ]);
      for (const cell of ['D2', 'H2']) sheet.getCell(cell).numFmt = 'dd/mm/yyyy';
      const content = Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
      const mapping = {
        nhsNumber: 'NHS',
        familyName: 'Surname',
        givenName: 'Forename',
        dateOfBirth: 'Born',
        sex: 'Gender',
        specialtyCode: 'Spec',
        priority: 'Prio',
        clockStart: 'RTT Start',
        ppid: 'Pathway No',
        ppidIssuer: 'Org',
      };
      const res = await ptl({ fileName: 'waiting list.xlsx', content, mapping });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({
        sheet: 'Waiting list',
        importedRows: 1,
        columns: { ppid: 'Pathway No' },
      });
      const [made] = await h.db.db.select().from(patients).where(eq(patients.nhsNumber, mappedNhs));
      expect(made).toMatchObject({
        familyName: 'Mapped',
        givenName: 'Mary',
        dateOfBirth: '1975-05-06',
        sex: 'female',
      });
      expect(made!.mrn).toMatch(/^PF\d{8}$/);
      const [opened] = await h.db.db.select().from(pathways).where(eq(pathways.patientId, made!.id));
      expect(opened).toMatchObject({
        ppid: 'PAS00000001',
        ppidIssuer: 'RXX01',
        specialtyCode: '110',
        priority: 'urgent',
        clockStartDate: '2026-07-01',
        referralReceivedDate: '2026-07-01',
      });
    });

    it('names missing columns once on the header row', async () => {
      const res = await ptl({
        fileName: 'short.csv',
        content: b64(
          csv([
            ['NHS number', 'PPID'],
            [nhs(999100031), 'RXX000000000020'],
          ]),
        ),
        dryRun: true,
      });
      expect(res.statusCode, res.body).toBe(200);
      const problems: Problem[] = res.json().problems;
      expect(problems.every((p: Problem) => p.row === 1)).toBe(true);
      expect(problems.map((p: Problem) => p.field)).toEqual([
        'patientName',
        'dateOfBirth',
        'sex',
        'specialtyCode',
        'priority',
        'clockStart',
      ]);
    });

    it('is for roles that register patients and write pathways', async () => {
      const res = await ptl({ fileName: 'ptl.csv', content: b64(extract), dryRun: true }, clinician);
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('forbidden');
      const xls = await ptl({ fileName: 'ptl.xls', content: b64('x') });
      expect(xls.json().errors[0].field).toBe('/body/fileName');
    });
  });
});
