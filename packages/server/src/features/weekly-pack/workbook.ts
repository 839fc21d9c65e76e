/**
 * The weekly pack as an Excel workbook: Summary (the trust's headline figures, with their change since last
 * week, and a table per specialty), Specialties (every figure per specialty, with the week's escalations),
 * Directorates (the breach forecast per directorate), Change since last week (per specialty), Top risks (patients named: the download is audited), Under-booked
 * clinics and Forecast (week by week).
 *
 * Every table has a bold, frozen header row, set column widths, an autofilter, real Excel dates (dd/mm/yyyy) and
 * shares as 0.0 %. exceljs cannot draw charts: the key columns carry conditional-formatting data bars instead,
 * which Excel draws inside the cells as a bar chart of the column. Text that a spreadsheet would take for a
 * formula (=, +, −, @) gets a leading quote, as the PTL's export does.
 */
import ExcelJS from 'exceljs';
import { formatNhsNumber, isoToEpochDay } from '@pathflow/core';
import { letterDate } from '../communications/letter-pdf';
import { defuseFormula } from '../ptl/export';
import type { WaitCounts, WeeklyPack } from './data';
import { escalationText } from './escalations';

export const WEEKLY_PACK_XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const NHS_BLUE = 'FF005EB8';
const DATE = 'dd/mm/yyyy';
const PERCENT = '0.0%';
const WHOLE = '#,##0';
const ONE_PLACE = '#,##0.0';
const TWO_PLACES = '0.00';

/** An ISO date as the Date Excel shows as that calendar day (exceljs writes UTC). */
const excelDate = (iso: string): Date => new Date(isoToEpochDay(iso) * 86_400_000);

type Value = string | number | Date | null;

interface Column<R> {
  header: string;
  width: number;
  numFmt?: string;
  /** Draw a data bar in this column (the chart substitute). */
  bar?: true;
  value: (r: R) => Value;
}

const text = (s: string | null | undefined): string => defuseFormula(s ?? '');

/**
 * A table from row `top` (its header) down: bold frozen header, widths, number formats, autofilter and data bars.
 * Returns the last row written.
 */
function addTable<R>(
  sheet: ExcelJS.Worksheet,
  top: number,
  columns: readonly Column<R>[],
  rows: readonly R[],
): number {
  const header = sheet.getRow(top);
  columns.forEach((c, i) => {
    header.getCell(i + 1).value = c.header;
    const col = sheet.getColumn(i + 1);
    col.width = Math.max(col.width ?? 0, c.width);
  });
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle' };
  rows.forEach((r, n) => {
    const row = sheet.getRow(top + 1 + n);
    columns.forEach((c, i) => {
      const cell = row.getCell(i + 1);
      cell.value = c.value(r);
      if (c.numFmt) cell.numFmt = c.numFmt;
    });
  });
  const last = top + Math.max(rows.length, 1);
  sheet.autoFilter = { from: { row: top, column: 1 }, to: { row: top, column: columns.length } };
  if (rows.length > 0) {
    columns.forEach((c, i) => {
      if (!c.bar) return;
      const letter = sheet.getColumn(i + 1).letter;
      const rule: ExcelJS.DataBarRuleType & { color: { argb: string } } = {
        type: 'dataBar',
        priority: i + 1,
        gradient: false,
        cfvo: [{ type: 'num', value: 0 }, { type: 'max' }],
        color: { argb: NHS_BLUE },
      };
      sheet.addConditionalFormatting({
        ref: `${letter}${top + 1}:${letter}${top + rows.length}`,
        rules: [rule],
      });
    });
  }
  return last;
}

type Specialty = WeeklyPack['specialties'][number];

/** The expected breaches per threshold over the forecast, one column each (a bar on the 18-week one). */
function expectedColumns<
  R extends { expectedBreaches: WeeklyPack['trust']['expectedBreaches'] },
>(): Column<R>[] {
  return (['18', '52', '65', '78'] as const).map((k) => ({
    header: k === '18' ? 'Expected 18-week breaches (26 weeks)' : `Expected ${k}-week breaches`,
    width: k === '18' ? 16 : 13,
    numFmt: ONE_PLACE,
    ...(k === '18' ? { bar: true as const } : {}),
    value: (r: R) => r.expectedBreaches[k],
  }));
}
type WaitRow = WaitCounts & { code: string; name: string };

const SUMMARY_COLUMNS: readonly Column<WaitRow>[] = [
  { header: 'Specialty', width: 30, value: (s) => text(s.name) },
  { header: 'Code', width: 8, value: (s) => text(s.code) },
  { header: 'Waiting (total)', width: 12, numFmt: WHOLE, bar: true, value: (s) => s.total },
  { header: 'Within 18 weeks', width: 12, numFmt: WHOLE, value: (s) => s.within18 },
  { header: '% within 18 weeks', width: 12, numFmt: PERCENT, bar: true, value: (s) => s.fractionWithin18 },
  { header: 'Over 52 weeks', width: 11, numFmt: WHOLE, bar: true, value: (s) => s.over52 },
  { header: 'Over 65 weeks', width: 11, numFmt: WHOLE, value: (s) => s.over65 },
  { header: 'Over 78 weeks', width: 11, numFmt: WHOLE, value: (s) => s.over78 },
];

const SPECIALTY_COLUMNS: readonly Column<Specialty>[] = [
  ...SUMMARY_COLUMNS,
  { header: 'Directorate', width: 22, value: (s) => text(s.directorate ?? 'None recorded') },
  { header: 'Over 18 weeks', width: 11, numFmt: WHOLE, bar: true, value: (s) => s.over18 },
  ...expectedColumns<Specialty>(),
  { header: 'Potential breaches', width: 12, numFmt: WHOLE, value: (s) => s.potentialBreaches },
  {
    header: 'Under-booked sessions (2 weeks)',
    width: 14,
    numFmt: WHOLE,
    value: (s) => s.underBookedSessions,
  },
  { header: 'Demand per week', width: 11, numFmt: ONE_PLACE, value: (s) => s.capacity.demand },
  { header: 'Capacity per week', width: 11, numFmt: ONE_PLACE, value: (s) => s.capacity.capacity },
  { header: 'Load', width: 9, numFmt: TWO_PLACES, bar: true, value: (s) => s.capacity.load },
  { header: 'Pressure', width: 9, numFmt: TWO_PLACES, bar: true, value: (s) => s.capacity.pressure },
  {
    header: 'Mean wait (weeks)',
    width: 11,
    numFmt: ONE_PLACE,
    value: (s) => s.capacity.meanWaitWeeks,
  },
];

/** The Specialties sheet's columns: every figure, then what was escalated to the service manager. */
function specialtyColumns(pack: WeeklyPack): Column<Specialty>[] {
  const escalated = new Map(pack.escalations.map((e) => [e.code, e]));
  return [
    ...SPECIALTY_COLUMNS,
    {
      header: 'Escalated to the service manager',
      width: 60,
      value: (s) => {
        const e = escalated.get(s.code);
        return e ? text(e.reasons.map((r) => escalationText(r, e.figures)).join('; ')) : '';
      },
    },
  ];
}

type DirectorateRow = WeeklyPack['directorates'][number];

const DIRECTORATE_COLUMNS: readonly Column<DirectorateRow>[] = [
  { header: 'Directorate', width: 30, value: (d) => text(d.name ?? 'None recorded') },
  ...expectedColumns<DirectorateRow>(),
  { header: 'Potential breaches', width: 12, numFmt: WHOLE, bar: true, value: (d) => d.potentialBreaches },
];

type Risk = WeeklyPack['topRisks'][number];

const RISK_COLUMNS: readonly Column<Risk>[] = [
  { header: 'Patient', width: 28, value: (r) => text(r.name) },
  { header: 'NHS number', width: 14, value: (r) => formatNhsNumber(r.nhsNumber) },
  { header: 'Specialty', width: 28, value: (r) => text(r.specialty.name) },
  { header: 'Directorate', width: 22, value: (r) => text(r.specialty.directorate ?? 'None recorded') },
  { header: 'Threshold (weeks)', width: 11, value: (r) => r.thresholdWeeks },
  { header: 'Breach date', width: 13, numFmt: DATE, value: (r) => excelDate(r.breachDate) },
  { header: 'Lead time (days)', width: 11, numFmt: WHOLE, value: (r) => r.leadDays },
  { header: 'Chance of breach', width: 11, numFmt: PERCENT, bar: true, value: (r) => r.probability },
  { header: 'Reason', width: 70, value: (r) => text(r.reasonText) },
];

type Session = WeeklyPack['underBooked']['sessions'][number];

const SESSION_COLUMNS: readonly Column<Session>[] = [
  { header: 'Date', width: 13, numFmt: DATE, value: (s) => excelDate(s.date) },
  { header: 'Clinic', width: 32, value: (s) => text(s.clinic) },
  { header: 'Consultant', width: 26, value: (s) => text(s.clinician) },
  { header: 'Specialty', width: 28, value: (s) => text(s.specialty?.name) },
  { header: 'Places', width: 9, numFmt: WHOLE, value: (s) => s.places },
  { header: 'Booked', width: 9, numFmt: WHOLE, value: (s) => s.booked },
  { header: 'Unbooked', width: 10, numFmt: WHOLE, bar: true, value: (s) => s.places - s.booked },
  { header: '% booked', width: 10, numFmt: PERCENT, value: (s) => s.fractionBooked },
];

type Week = WeeklyPack['forecast']['weekly'][number];

const WEEK_COLUMNS: readonly Column<Week>[] = [
  { header: 'Week', width: 7, value: (w) => w.week + 1 },
  { header: 'Week starts', width: 13, numFmt: DATE, value: (w) => excelDate(w.weekStart) },
  { header: 'Week ends', width: 13, numFmt: DATE, value: (w) => excelDate(w.weekEnd) },
  { header: 'Expected seen', width: 11, numFmt: ONE_PLACE, value: (w) => w.seen },
  { header: 'Expected waiting', width: 11, numFmt: ONE_PLACE, value: (w) => w.waiting },
  { header: 'Expected over 18 weeks', width: 13, numFmt: ONE_PLACE, bar: true, value: (w) => w.over18 },
  { header: 'Expected over 52 weeks', width: 13, numFmt: ONE_PLACE, bar: true, value: (w) => w.over52 },
];

/** The headline figures at the top of the Summary sheet. */
function headlines(pack: WeeklyPack): [string, Value, string?][] {
  const t = pack.trust;
  return [
    ['Waiting (open pathways, clock running)', t.total, WHOLE],
    ['Within 18 weeks', t.within18, WHOLE],
    ['% within 18 weeks', t.fractionWithin18, PERCENT],
    ['Over 52 weeks', t.over52, WHOLE],
    ['Over 65 weeks', t.over65, WHOLE],
    ['Over 78 weeks', t.over78, WHOLE],
    [
      `Expected 18-week breaches in the next ${pack.forecast.weeks} weeks`,
      t.expectedBreaches['18'],
      ONE_PLACE,
    ],
    ['Expected 52-week breaches', t.expectedBreaches['52'], ONE_PLACE],
    ['Expected 65-week breaches', t.expectedBreaches['65'], ONE_PLACE],
    ['Expected 78-week breaches', t.expectedBreaches['78'], ONE_PLACE],
    ['Potential breaches', t.potentialBreaches, WHOLE],
    [
      `Under-booked sessions (${pack.underBooked.from} to ${pack.underBooked.to})`,
      t.underBookedSessions,
      WHOLE,
    ],
    [
      'Change since last week (column C)',
      pack.changeSinceLastWeek
        ? `Compared with the pack of ${letterDate(pack.changeSinceLastWeek.comparedWith.asOf)}`
        : 'No earlier pack is stored yet: the first is produced on Monday at 07:00',
    ],
  ];
}

const SIGNED = '+#,##0;-#,##0;0';
const SIGNED_POINTS = '+0.0%;-0.0%;0.0%';

/** Each headline's change since last week (column C), in the headlines' order; null where there is none. */
function headlineChanges(pack: WeeklyPack): [Value, string][] {
  const c = pack.changeSinceLastWeek?.trust;
  if (!c) return [];
  return [
    [c.total, SIGNED],
    [c.within18, SIGNED],
    [c.fractionWithin18, SIGNED_POINTS],
    [c.over52, SIGNED],
    [c.over65, SIGNED],
    [c.over78, SIGNED],
    [null, SIGNED],
    [null, SIGNED],
    [null, SIGNED],
    [null, SIGNED],
    [c.potentialBreaches, SIGNED],
  ];
}

type Change = NonNullable<WeeklyPack['changeSinceLastWeek']>['specialties'][number];

const CHANGE_COLUMNS: readonly Column<Change>[] = [
  { header: 'Specialty', width: 30, value: (c) => text(c.name) },
  { header: 'Code', width: 8, value: (c) => text(c.code) },
  { header: 'New this week', width: 9, value: (c) => (c.new ? 'Yes' : '') },
  { header: 'Change in waiting', width: 12, numFmt: SIGNED, value: (c) => c.total },
  { header: 'Change within 18 weeks', width: 12, numFmt: SIGNED, value: (c) => c.within18 },
  {
    header: 'Change in % within 18 weeks',
    width: 14,
    numFmt: SIGNED_POINTS,
    value: (c) => c.fractionWithin18,
  },
  { header: 'Change over 52 weeks', width: 12, numFmt: SIGNED, value: (c) => c.over52 },
  { header: 'Change over 65 weeks', width: 12, numFmt: SIGNED, value: (c) => c.over65 },
  { header: 'Change over 78 weeks', width: 12, numFmt: SIGNED, value: (c) => c.over78 },
  { header: 'Change in potential breaches', width: 14, numFmt: SIGNED, value: (c) => c.potentialBreaches },
];

/** The sheet of changes per specialty, or a line saying why there are none. */
function changeSheet(sheet: ExcelJS.Worksheet, pack: WeeklyPack): void {
  const change = pack.changeSinceLastWeek;
  if (!change) {
    sheet.getCell('A1').value = 'No earlier weekly pack is stored yet, so there is nothing to compare with.';
    sheet.getColumn(1).width = 80;
    return;
  }
  const rows: Change[] = [
    ...change.specialties,
    { ...change.trust, code: '', name: 'Trust total', new: false },
  ];
  addTable(sheet, 1, CHANGE_COLUMNS, rows);
  sheet.getRow(1 + rows.length).font = { bold: true };
}

/** Rows of the Summary sheet before the per-specialty table. */
export const SUMMARY_TABLE_TOP = 19;

export async function weeklyPackWorkbook(pack: WeeklyPack): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Pathflow';
  workbook.created = new Date(pack.generatedAt);

  // Not frozen: freezing the headline figures above the table would leave little room to scroll it.
  const summary = workbook.addWorksheet('Summary');
  summary.getCell('A1').value = 'Weekly waiting list pack';
  summary.getCell('A1').font = { bold: true, size: 16 };
  summary.getCell('A2').value = text(`${pack.organisation.name} (${pack.organisation.odsCode})`);
  summary.getCell('A3').value = 'As of';
  summary.getCell('B3').value = excelDate(pack.asOf);
  summary.getCell('B3').numFmt = DATE;
  const changes = headlineChanges(pack);
  if (changes.length > 0) {
    summary.getCell('C4').value = 'Change since last week';
    summary.getCell('C4').font = { bold: true };
  }
  headlines(pack).forEach(([label, value, numFmt], i) => {
    const row = summary.getRow(5 + i);
    row.getCell(1).value = label;
    row.getCell(2).value = value;
    row.getCell(2).font = { bold: true };
    if (numFmt) row.getCell(2).numFmt = numFmt;
    const [delta, deltaFmt] = changes[i] ?? [null, ''];
    if (delta !== null) {
      row.getCell(3).value = delta;
      row.getCell(3).numFmt = deltaFmt;
    }
  });
  const totalRow: WaitRow = { ...pack.trust, code: '', name: 'Trust total' };
  addTable<WaitRow>(summary, SUMMARY_TABLE_TOP, SUMMARY_COLUMNS, [...pack.specialties, totalRow]);
  summary.getRow(SUMMARY_TABLE_TOP + pack.specialties.length + 1).font = { bold: true };
  summary.getColumn(1).width = 48;

  const sheets: [string, (s: ExcelJS.Worksheet) => void][] = [
    ['Specialties', (s) => addTable(s, 1, specialtyColumns(pack), pack.specialties)],
    ['Directorates', (s) => addTable(s, 1, DIRECTORATE_COLUMNS, pack.directorates)],
    ['Change since last week', (s) => changeSheet(s, pack)],
    ['Top risks', (s) => addTable(s, 1, RISK_COLUMNS, pack.topRisks)],
    ['Under-booked clinics', (s) => addTable(s, 1, SESSION_COLUMNS, pack.underBooked.sessions)],
    ['Forecast', (s) => addTable(s, 1, WEEK_COLUMNS, pack.forecast.weekly)],
  ];
  for (const [name, fill] of sheets) {
    fill(workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] }));
  }
  const data = await workbook.xlsx.writeBuffer();
  return Buffer.from(data);
}
