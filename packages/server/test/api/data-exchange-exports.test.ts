/**
 * Data exchange exports over the API: the appointments and the activity of a date range, as CSV (BOM,
 * RFC 4180, formulas defused) and Excel (real dates), by London days; range and specialty errors; every row
 * exported audited with its patient.
 */
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNhsNumber } from '@pathflow/core';
import { queryRows } from '../../src/db/client';
import { appointments, patients, pathways, rttEvents } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';
import { eq } from 'drizzle-orm';

type Row = Record<string, string>;

const APPOINTMENT_HEADERS = [
  'Date',
  'Time',
  'Clinic',
  'Location',
  'Consultant',
  'Specialty code',
  'Specialty',
  'Slot type',
  'Status',
  'Cancelled by',
  'Cancelled on',
  'Cancellation reason',
  'Outcome',
  'NHS number',
  'Patient',
  'Date of birth',
  'PPID',
  'Priority',
  'Booked on',
  'Notice (days)',
  'Reasonable offer',
];

const ACTIVITY_HEADERS = [
  'Date',
  'Activity',
  'NHS number',
  'Patient',
  'Date of birth',
  'Specialty code',
  'Specialty',
  'PPID',
  'Clinic',
  'Time',
  'Appointment status',
  'Cancelled on',
  'Outcome',
  'RTT status',
  'RTT status description',
];

interface Person {
  patientId: string;
  pathwayId: string;
  nhsNumber: string;
  name: string;
  ppid: string;
}

describe.each(ENGINES)('data exchange exports on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinic: TestClinic;
  const people: Person[] = [];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = await h.signIn('booking-clerk');
    clinic = await createTestClinic(h, 999_300_000);
    for (let i = 0; i < 3; i++) {
      const { patientId, pathwayId } = await clinic.addPathway();
      const [p] = await h.db.db.select().from(patients).where(eq(patients.id, patientId));
      const [w] = await h.db.db.select().from(pathways).where(eq(pathways.id, pathwayId));
      people.push({
        patientId,
        pathwayId,
        nhsNumber: p!.nhsNumber,
        name: `${p!.familyName}, ${p!.givenName}`,
        ppid: w!.ppid,
      });
    }
    const appointment = async (
      key: string,
      who: Person,
      startsAt: string,
      over: Partial<typeof appointments.$inferInsert> = {},
    ) => {
      const slotId = await clinic.addSlot(startsAt);
      const id = randomUUID();
      const start = new Date(startsAt);
      await h.db.db.insert(appointments).values({
        orgId: h.fixture.orgId,
        id,
        slotId,
        pathwayId: who.pathwayId,
        patientId: who.patientId,
        startsAt: start,
        endsAt: new Date(start.getTime() + 20 * 60_000),
        slotType: 'new',
        status: 'booked',
        offeredOn: '2026-10-01',
        noticeDays: 32,
        reasonableOffer: true,
        bookedBy: 'test',
        bookedAt: new Date('2026-10-01T10:00:00Z'),
        ...over,
      });
      ids[key] = id;
    };
    const [p1, p2, p3] = people as [Person, Person, Person];
    await appointment('attended', p1, '2026-11-02T09:30:00Z', { status: 'attended', outcome: 'follow-up' });
    await appointment('dna', p2, '2026-11-03T10:00:00Z', { status: 'dna' });
    await appointment('byPatient', p3, '2026-11-04T11:00:00Z', {
      status: 'cancelled',
      cancelledBy: 'patient',
      cancelReason: '=HYPERLINK("http://evil.example")',
      cancelledAt: new Date('2026-10-30T12:00:00Z'),
    });
    await appointment('byHospital', p1, '2026-11-05T09:00:00Z', {
      status: 'cancelled',
      cancelledBy: 'hospital',
      cancelReason: 'Clinic cancelled',
      cancelledAt: new Date('2026-11-01T08:00:00Z'),
    });
    await appointment('notRecorded', p2, '2026-11-20T09:00:00Z');
    await appointment('future', p3, '2026-11-27T09:00:00Z');
    // 23:30 UTC on 30 November is still 30 November in London (GMT).
    await appointment('lastDay', p1, '2026-11-30T23:30:00Z');
    await appointment('december', p2, '2026-12-01T00:30:00Z');
    // In British Summer Time: 23:30 UTC on 30 September is 00:30 on 1 October in London.
    await appointment('october', p3, '2026-09-30T23:30:00Z', { status: 'attended' });
    await appointment('bst', p1, '2026-10-20T08:30:00Z', { status: 'attended' });

    const event = (who: Person, date: string, code: string, seq = 1) => ({
      orgId: h.fixture.orgId,
      id: randomUUID(),
      pathwayId: who.pathwayId,
      eventDate: date,
      seq,
      code,
      origin: 'clinic-outcome',
      recordedBy: 'test',
      recordedAt: new Date(`${date}T12:00:00Z`),
    });
    await h.db.db
      .insert(rttEvents)
      .values([event(p1, '2026-11-02', '20'), event(p2, '2026-11-02', '30'), event(p3, '2026-10-15', '32')]);
  });
  afterAll(() => h.close());

  const get = (url: string, s: Session = clerk) =>
    h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: s.read });
  const csvRows = (payload: Buffer): Row[] => parse<Row>(payload, { bom: true, columns: true });
  const audited = (requestId: unknown, action: string) =>
    queryRows<{ resource_type: string; resource_id: string; patient_id: string }>(
      h.db.db,
      sql`select resource_type, resource_id, patient_id from audit_log
           where request_id = ${String(requestId)} and action = ${action} order by id`,
    );

  describe('appointments', () => {
    it('exports a range as CSV: every status, in time order, London times, formulas defused, each row audited', async () => {
      const res = await get('/exchange/appointments?from=2026-11-01&to=2026-11-30');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(
        'attachment; filename="appointments-2026-11-01-to-2026-11-30.csv"',
      );
      expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(res.body.split('\r\n')[0]).toBe(`\uFEFF${APPOINTMENT_HEADERS.join(',')}`);
      const rows = csvRows(res.rawPayload);
      expect(rows.map((r) => [r.Date, r.Time, r.Status])).toEqual([
        ['2026-11-02', '09:30', 'Attended'],
        ['2026-11-03', '10:00', 'Did not attend'],
        ['2026-11-04', '11:00', 'Cancelled'],
        ['2026-11-05', '09:00', 'Cancelled'],
        ['2026-11-20', '09:00', 'Booked'],
        ['2026-11-27', '09:00', 'Booked'],
        ['2026-11-30', '23:30', 'Booked'],
      ]);
      const [p1, , p3] = people as [Person, Person, Person];
      expect(rows[0]).toEqual({
        Date: '2026-11-02',
        Time: '09:30',
        Clinic: 'Ms Surgeon knee clinic',
        Location: 'Outpatients A, Test General',
        Consultant: 'Ms Ada Surgeon',
        'Specialty code': '110',
        Specialty: 'Trauma and orthopaedics',
        'Slot type': 'New',
        Status: 'Attended',
        'Cancelled by': '',
        'Cancelled on': '',
        'Cancellation reason': '',
        Outcome: 'Follow-up',
        'NHS number': formatNhsNumber(p1.nhsNumber),
        Patient: p1.name,
        'Date of birth': '1960-05-05',
        PPID: p1.ppid,
        Priority: 'Routine',
        'Booked on': '2026-10-01',
        'Notice (days)': '32',
        'Reasonable offer': 'Yes',
      });
      expect(rows[2]).toMatchObject({
        'Cancelled by': 'Patient',
        'Cancelled on': '2026-10-30',
        'Cancellation reason': `'=HYPERLINK("http://evil.example")`,
        Patient: p3.name,
      });
      const audit = await audited(res.headers['x-request-id'], 'Appointment.export');
      expect(audit).toHaveLength(7);
      expect(audit.every((a) => a.resource_type === 'Appointment')).toBe(true);
      expect(audit.map((a) => a.resource_id)).toContain(ids.attended);
      expect(audit.find((a) => a.resource_id === ids.attended)?.patient_id).toBe(p1.patientId);
    });

    it('counts days in London time, in British Summer Time too', async () => {
      const rows = csvRows((await get('/exchange/appointments?from=2026-10-01&to=2026-10-31')).rawPayload);
      expect(rows.map((r) => [r.Date, r.Time])).toEqual([
        ['2026-10-01', '00:30'],
        ['2026-10-20', '09:30'],
      ]);
      const one = csvRows((await get('/exchange/appointments?from=2026-12-01&to=2026-12-01')).rawPayload);
      expect(one.map((r) => [r.Date, r.Time])).toEqual([['2026-12-01', '00:30']]);
    });

    it('exports an Excel workbook with real dates, and filters by specialty', async () => {
      const res = await get('/exchange/appointments?from=2026-11-01&to=2026-11-30&format=xlsx');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe(
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      );
      expect(res.headers['content-disposition']).toBe(
        'attachment; filename="appointments-2026-11-01-to-2026-11-30.xlsx"',
      );
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      const sheet = workbook.getWorksheet('Appointments')!;
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(sheet.getRow(1).values).toEqual([undefined, ...APPOINTMENT_HEADERS]);
      expect(sheet.rowCount).toBe(8);
      const date = sheet.getRow(2).getCell(1).value;
      expect(date).toBeInstanceOf(Date);
      expect((date as Date).toISOString()).toBe('2026-11-02T00:00:00.000Z');
      expect(sheet.getRow(2).getCell(1).numFmt).toBe('dd/mm/yyyy');
      // Text is stored as text: never evaluated, so no guard is needed.
      expect(sheet.getRow(4).getCell(12).value).toBe('=HYPERLINK("http://evil.example")');
      expect(sheet.getRow(2).getCell(20).value).toBe(32);

      const ent = await get('/exchange/appointments?from=2026-11-01&to=2026-11-30&specialty=120');
      expect(ent.statusCode).toBe(200);
      expect(ent.body).toBe(`\uFEFF${APPOINTMENT_HEADERS.join(',')}\r\n`);
      expect(await audited(ent.headers['x-request-id'], 'Appointment.export')).toEqual([]);
    });

    it('refuses a wrong range or specialty with a 400 naming the parameter, and exports nothing', async () => {
      const cases: [string, string, RegExp][] = [
        ['from=2026-11-30&to=2026-11-01', '/query/to', /must be the same as or after the start date/],
        ['from=2025-11-22&to=2026-11-23', '/query/to', /cover 367 days: an export covers 366 days at most/],
        ['from=2026-11-01&to=2026-11-30&specialty=999', '/query/specialty', /Specialty 999 is not one of/],
        ['from=2026-13-01&to=2026-11-30', '/query/from', /./],
        ['from=2026-11-01', '/query/to', /./],
        ['from=2026-11-01&to=2026-11-30&format=pdf', '/query/format', /./],
      ];
      for (const [query, field, message] of cases) {
        const res = await get(`/exchange/appointments?${query}`);
        expect(res.statusCode, query).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().code).toBe('validation_failed');
        expect(res.json().errors[0].field, query).toBe(field);
        expect(res.json().errors[0].message, query).toMatch(message);
        expect(await audited(res.headers['x-request-id'], 'Appointment.export')).toEqual([]);
      }
      // A full leap year is allowed.
      expect((await get('/exchange/appointments?from=2024-01-01&to=2024-12-31')).statusCode).toBe(200);
    });
  });

  describe('activity', () => {
    it('exports attendances, DNAs, cancellations, missing attendances and clock stops by date, each audited', async () => {
      const res = await get('/exchange/activity?from=2026-11-01&to=2026-11-30');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-disposition']).toBe(
        'attachment; filename="activity-2026-11-01-to-2026-11-30.csv"',
      );
      expect(res.body.split('\r\n')[0]).toBe(`\uFEFF${ACTIVITY_HEADERS.join(',')}`);
      const rows = csvRows(res.rawPayload);
      const [p1, p2, p3] = people as [Person, Person, Person];
      expect(
        rows.map((r) => [
          r.Date,
          r.Activity,
          r['NHS number'],
          r['Appointment status'],
          r.Outcome,
          r['RTT status'],
        ]),
      ).toEqual([
        ['2026-11-02', 'Attended', formatNhsNumber(p1.nhsNumber), 'Attended', 'Follow-up', ''],
        ['2026-11-02', 'RTT clock stop', formatNhsNumber(p2.nhsNumber), '', '', '30'],
        ['2026-11-03', 'Did not attend', formatNhsNumber(p2.nhsNumber), 'Did not attend', '', ''],
        ['2026-11-04', 'Cancelled by patient', formatNhsNumber(p3.nhsNumber), 'Cancelled', '', ''],
        ['2026-11-05', 'Cancelled by hospital', formatNhsNumber(p1.nhsNumber), 'Cancelled', '', ''],
        ['2026-11-20', 'Attendance not recorded', formatNhsNumber(p2.nhsNumber), 'Booked', '', ''],
      ]);
      expect(rows[1]).toMatchObject({
        Patient: p2.name,
        'Specialty code': '110',
        PPID: p2.ppid,
        Clinic: '',
        'RTT status description': expect.stringMatching(/treatment/i),
      });
      expect(rows[3]).toMatchObject({
        Clinic: 'Ms Surgeon knee clinic',
        Time: '11:00',
        'Cancelled on': '2026-10-30',
      });
      const audit = await audited(res.headers['x-request-id'], 'Activity.export');
      expect(
        audit
          .filter((a) => a.resource_type === 'Appointment')
          .map((a) => a.resource_id)
          .sort(),
      ).toEqual([ids.attended, ids.dna, ids.byPatient, ids.byHospital, ids.notRecorded].sort());
      expect(audit.filter((a) => a.resource_type === 'Pathway')).toEqual([
        { resource_type: 'Pathway', resource_id: p2.pathwayId, patient_id: p2.patientId },
      ]);
    });

    it('exports a workbook with the activity and a summary of counts', async () => {
      const res = await get('/exchange/activity?from=2026-10-01&to=2026-11-30&format=xlsx');
      expect(res.statusCode, res.body).toBe(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      expect(workbook.worksheets.map((s) => s.name)).toEqual(['Activity', 'Summary']);
      const activity = workbook.getWorksheet('Activity')!;
      expect(activity.getRow(1).values).toEqual([undefined, ...ACTIVITY_HEADERS]);
      // October: two attendances and a clock stop (32); November: six rows.
      expect(activity.rowCount).toBe(1 + 3 + 6);
      expect(activity.getRow(2).getCell(1).value).toEqual(new Date('2026-10-01T00:00:00Z'));
      const summary = workbook.getWorksheet('Summary')!;
      const counts = Object.fromEntries(
        summary.getRows(2, summary.rowCount - 1)!.map((r) => [r.getCell(1).value, r.getCell(2).value]),
      );
      expect(counts).toEqual({
        Attended: 3,
        'Did not attend': 1,
        'Cancelled by patient': 1,
        'Cancelled by hospital': 1,
        'Attendance not recorded': 1,
        'RTT clock stop': 2,
      });
    });

    it('refuses a wrong range, and roles without the waiting list', async () => {
      const res = await get('/exchange/activity?from=2026-11-02&to=2026-11-01');
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].field).toBe('/query/to');
      const flow = await h.signIn('flow-coordinator');
      expect((await get('/exchange/activity?from=2026-11-01&to=2026-11-02', flow)).statusCode).toBe(403);
      expect((await get('/exchange/appointments?from=2026-11-01&to=2026-11-02', flow)).statusCode).toBe(403);
    });
  });
});
