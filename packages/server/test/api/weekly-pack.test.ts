/**
 * The weekly waiting-list pack over the API: the workbook read back with exceljs (sheets, headers, formats) and
 * its figures against `GET /ptl/summary`'s; the PDF read back with pdftotext (title, trust total, no patient
 * names); the audit rows of each download; text that looks like a formula defused.
 *
 * The list: the fixture's pathways plus pathways of trauma and orthopaedics whose clocks started 10 to 560 days
 * ago (so some are over 18, 52, 65 and 78 weeks) and a few empty new-patient slots this week and next (so
 * their sessions are under-booked).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, count, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epochDayToIso, isoToEpochDay, type PtlSummary } from '@pathflow/core';
import { auditLog, clinicTemplates } from '../../src/db/schema';
import { clearForecastCache } from '../../src/features/forecast/service';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic } from '../support/clinic';
import { requirePoppler } from '../print/support';

/** Monday 23 November 2026, 09:00 (London is on UTC in winter). */
const NOW = '2026-11-23T09:00:00Z';
const TODAY = '2026-11-23';
const daysAgo = (n: number) => epochDayToIso(isoToEpochDay(TODAY) - n);
const SHEETS = [
  'Summary',
  'Specialties',
  'Directorates',
  'Change since last week',
  'Top risks',
  'Under-booked clinics',
  'Forecast',
];

async function readWorkbook(body: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  return wb;
}

const headers = (sheet: ExcelJS.Worksheet, row = 1): string[] =>
  (sheet.getRow(row).values as unknown[]).slice(1).map((v) => String(v));

/** Data rows (after the header at `top`) as objects keyed by header. */
function rowsOf(sheet: ExcelJS.Worksheet, top = 1): Record<string, unknown>[] {
  const head = headers(sheet, top);
  const out: Record<string, unknown>[] = [];
  for (let r = top + 1; r <= sheet.rowCount; r++) {
    const values = sheet.getRow(r).values as unknown[];
    if (values.length === 0) continue;
    out.push(Object.fromEntries(head.map((h, i) => [h, values[i + 1] ?? null])));
  }
  return out;
}

describe.each(ENGINES)('the weekly pack on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let summary: PtlSummary;
  const dir = mkdtempSync(join(tmpdir(), 'pathflow-weekly-pack-'));
  const get = (url: string) => h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: clerk.read });

  const auditCount = async (action: string, resourceType: string) => {
    const [row] = await h.db.db
      .select({ n: count() })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.orgId, h.fixture.orgId),
          eq(auditLog.action, action),
          eq(auditLog.resourceType, resourceType),
        ),
      );
    return Number(row?.n ?? 0);
  };

  beforeAll(async () => {
    requirePoppler();
    clearForecastCache();
    h = await createHarness(engine);
    h.clock.set(NOW);
    clerk = await h.signIn('booking-clerk');
    const clinic = await createTestClinic(h, 999_610_000);
    for (const days of [10, 60, 100, 120, 125, 130, 200, 370, 380, 460, 550, 560]) {
      const start = daysAgo(days);
      await clinic.addPathway({ clockStartDate: start, rttPeriodStart: start, referralReceivedDate: start });
    }
    for (const offset of [1, 2, 8]) {
      await clinic.addSlot(`${epochDayToIso(isoToEpochDay(TODAY) + offset)}T10:00:00Z`);
    }
    // A clinic name a spreadsheet would take for a formula.
    await h.db.db
      .update(clinicTemplates)
      .set({ name: '=HYPERLINK("x")' })
      .where(eq(clinicTemplates.id, clinic.templateId));
    const res = await get('/ptl/summary');
    expect(res.statusCode, res.body).toBe(200);
    summary = res.json<PtlSummary>();
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('downloads a workbook whose figures are the PTL summary, the forecast and the utilisation flags', async () => {
    const filesBefore = await auditCount('WeeklyPack.download-xlsx', 'WeeklyPack');
    const patientsBefore = await auditCount('WeeklyPack.download-xlsx', 'Pathway');
    const res = await get('/reports/weekly.xlsx?runs=20');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toMatch(
      new RegExp(`^attachment; filename="weekly-pack-[A-Z0-9]+-${TODAY}\\.xlsx"$`),
    );
    expect(res.headers['cache-control']).toBe('no-store');

    const wb = await readWorkbook(res.rawPayload);
    expect(wb.worksheets.map((s) => s.name)).toEqual(SHEETS);

    // Both fixture specialties are in the Surgery directorate: its row holds every potential breach.
    const directorates = rowsOf(wb.getWorksheet('Directorates')!);
    expect(directorates.map((d) => d.Directorate)).toEqual(['Surgery']);
    const topRows = rowsOf(wb.getWorksheet('Top risks')!);
    expect(topRows.length).toBeGreaterThan(0);
    expect(directorates[0]!['Potential breaches']).toBeGreaterThanOrEqual(topRows.length);
    expect(new Set(topRows.map((r) => r.Directorate))).toEqual(new Set(['Surgery']));

    // Summary: the headline figures are the trust's, and % within 18 weeks is within / total.
    const sheet = wb.getWorksheet('Summary')!;
    expect(sheet.getCell('A1').value).toBe('Weekly waiting list pack');
    const headline = new Map<string, ExcelJS.Cell>();
    for (let r = 5; r <= 17; r++) headline.set(sheet.getCell(r, 1).text, sheet.getCell(r, 2));
    const t = summary.trust;
    expect(t.total).toBeGreaterThan(12);
    expect(headline.get('Waiting (open pathways, clock running)')?.value).toBe(t.total);
    expect(headline.get('Within 18 weeks')?.value).toBe(t.within18);
    expect(headline.get('% within 18 weeks')?.value).toBeCloseTo(t.within18 / t.total, 12);
    expect(headline.get('% within 18 weeks')?.numFmt).toBe('0.0%');
    expect(headline.get('Over 52 weeks')?.value).toBe(t.over52);
    expect(headline.get('Over 65 weeks')?.value).toBe(t.over65);
    expect(headline.get('Over 78 weeks')?.value).toBe(t.over78);
    expect(t.over78).toBeGreaterThan(0);

    // The Summary's table: one row per specialty of the summary, then the trust total.
    const top = 19;
    expect(headers(sheet, top)).toEqual([
      'Specialty',
      'Code',
      'Waiting (total)',
      'Within 18 weeks',
      '% within 18 weeks',
      'Over 52 weeks',
      'Over 65 weeks',
      'Over 78 weeks',
    ]);
    expect(sheet.getRow(top).font?.bold).toBe(true);
    const table = rowsOf(sheet, top);
    expect(table).toHaveLength(summary.specialties.length + 1);
    expect(table.at(-1)).toMatchObject({ Specialty: 'Trust total', 'Waiting (total)': t.total });

    // Specialties: every figure of each specialty as the summary has it.
    const spec = wb.getWorksheet('Specialties')!;
    expect(spec.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(headers(spec)).toEqual(
      expect.arrayContaining([
        'Expected 18-week breaches (26 weeks)',
        'Load',
        'Pressure',
        'Potential breaches',
      ]),
    );
    const specRows = rowsOf(spec);
    expect(specRows.map((r) => r.Code)).toEqual(summary.specialties.map((s) => s.code));
    for (const s of summary.specialties) {
      const row = specRows.find((r) => r.Code === s.code)!;
      expect(row['Waiting (total)'], s.code).toBe(s.total);
      expect(row['Within 18 weeks'], s.code).toBe(s.within18);
      expect(row['Over 52 weeks'], s.code).toBe(s.over52);
      expect(row['Over 65 weeks'], s.code).toBe(s.over65);
      expect(row['Over 78 weeks'], s.code).toBe(s.over78);
      if (s.total === 0) expect(row['% within 18 weeks']).toBeNull();
      else expect(row['% within 18 weeks']).toBeCloseTo(s.within18 / s.total, 12);
    }
    const sum = (k: string) => specRows.reduce((a, r) => a + Number(r[k]), 0);
    expect(sum('Waiting (total)')).toBe(t.total);

    // Top risks: named, NHS numbers 3-3-4, breach dates as real dates, chances as percentages.
    const risks = wb.getWorksheet('Top risks')!;
    expect(headers(risks)).toEqual([
      'Patient',
      'NHS number',
      'Specialty',
      'Directorate',
      'Threshold (weeks)',
      'Breach date',
      'Lead time (days)',
      'Chance of breach',
      'Reason',
    ]);
    const riskRows = rowsOf(risks);
    expect(riskRows.length).toBeGreaterThan(0);
    expect(riskRows.length).toBeLessThanOrEqual(20);
    for (const r of riskRows) {
      expect(String(r['NHS number'])).toMatch(/^\d{3} \d{3} \d{4}$/);
      expect(r['Breach date']).toBeInstanceOf(Date);
      expect(Number(r['Chance of breach'])).toBeGreaterThanOrEqual(0);
      expect(Number(r['Chance of breach'])).toBeLessThanOrEqual(1);
      expect(String(r.Reason)).toMatch(/^[A-Z][a-z]/);
    }
    expect(risks.getCell('H2').numFmt).toBe('0.0%');
    expect(risks.getCell('F2').numFmt).toBe('dd/mm/yyyy');
    // Highest chance first.
    const chances = riskRows.map((r) => Number(r['Chance of breach']));
    expect(chances).toEqual([...chances].sort((a, b) => b - a));

    // Under-booked clinics: the empty sessions of the next two weeks (the third slot is on day 8: still in).
    const under = rowsOf(wb.getWorksheet('Under-booked clinics')!);
    expect(under).toHaveLength(3);
    for (const u of under) {
      expect(u.Clinic).toBe(`'=HYPERLINK("x")`);
      expect(u['% booked']).toBe(0);
      expect(u.Date).toBeInstanceOf(Date);
    }

    // Forecast: 26 weeks.
    const weeks = rowsOf(wb.getWorksheet('Forecast')!);
    expect(weeks).toHaveLength(26);
    expect(weeks[0]!['Week starts']).toEqual(new Date(`${TODAY}T00:00:00Z`));

    // One audit row for the file, one per patient it names.
    expect(await auditCount('WeeklyPack.download-xlsx', 'WeeklyPack')).toBe(filesBefore + 1);
    expect(await auditCount('WeeklyPack.download-xlsx', 'Pathway')).toBe(patientsBefore + riskRows.length);
  });

  it('draws data bars in the key columns in place of charts', async () => {
    const res = await get('/reports/weekly.xlsx?runs=20');
    expect(res.statusCode, res.body).toBe(200);
    const wb = await readWorkbook(res.rawPayload);
    const spec = wb.getWorksheet('Specialties')! as ExcelJS.Worksheet & {
      conditionalFormattings?: { ref: string; rules: { type: string }[] }[];
    };
    const bars = (spec.conditionalFormattings ?? []).filter((c) => c.rules.some((r) => r.type === 'dataBar'));
    expect(bars.length).toBeGreaterThan(0);
  });

  it('downloads a PDF summary with the title and trust total, naming no patient', async () => {
    const before = await auditCount('WeeklyPack.download-pdf', 'WeeklyPack');
    const res = await get('/reports/weekly.pdf?runs=20');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toMatch(
      new RegExp(`^attachment; filename="weekly-pack-[A-Z0-9]+-${TODAY}\\.pdf"$`),
    );
    expect(res.headers['cache-control']).toBe('no-store');
    const pdf = res.rawPayload;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const file = join(dir, 'pack.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Weekly waiting list pack');
    expect(text).toContain('23 November 2026');
    expect(text).toContain('Trust total');
    // The table's total row: the trust's total and share within 18 weeks, as the summary counts them.
    const t = summary.trust;
    const share = ((t.within18 / t.total) * 100).toFixed(1);
    expect(text).toMatch(new RegExp(`Trust total\\s+${t.total.toLocaleString('en-GB')}\\s+${share}%`));
    // Initials and NHS numbers only: the workbook's names are not in it.
    const wb = await readWorkbook((await get('/reports/weekly.xlsx?runs=20')).rawPayload);
    const names = rowsOf(wb.getWorksheet('Top risks')!).map((r) => String(r.Patient));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(text).not.toContain(name.split(',')[0]!);
    const firstNhs = String(rowsOf(wb.getWorksheet('Top risks')!)[0]!['NHS number']);
    expect(text).toContain(firstNhs);
    expect(await auditCount('WeeklyPack.download-pdf', 'WeeklyPack')).toBe(before + 1);
  });

  it('refuses a bad number of runs', async () => {
    const res = await get('/reports/weekly.pdf?runs=0');
    expect(res.statusCode).toBe(400);
  });
});
