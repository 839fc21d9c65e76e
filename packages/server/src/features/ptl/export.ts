/**
 * The PTL as a download: CSV (RFC 4180, UTF-8 with a byte-order mark so Excel reads it as UTF-8, cells that a
 * spreadsheet would take for a formula defused with a leading quote) or an Excel workbook (header row frozen,
 * dates as real Excel dates, text stored as text so nothing in it is ever evaluated).
 */
import ExcelJS from 'exceljs';
import { formatNhsNumber, isoToEpochDay, weekBandLabel, type PtlRow } from '@pathflow/core';

export const PTL_EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type PtlExportFormat = (typeof PTL_EXPORT_FORMATS)[number];

export const PTL_EXPORT_CONTENT_TYPES: Record<PtlExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

type Cell = string | number | { date: string };

interface Column {
  header: string;
  width: number;
  /** The cells are dates. */
  date?: true;
  value: (r: PtlRow) => Cell;
}

const PRIORITY_LABELS: Record<PtlRow['priority'], string> = {
  'two-week-wait': 'Two-week wait',
  urgent: 'Urgent',
  routine: 'Routine',
};

export const PTL_EXPORT_COLUMNS: readonly Column[] = [
  { header: 'NHS number', width: 14, value: (r) => formatNhsNumber(r.patient.nhsNumber) },
  { header: 'Patient', width: 28, value: (r) => r.patient.name },
  { header: 'Date of birth', width: 13, date: true, value: (r) => ({ date: r.patient.dateOfBirth }) },
  { header: 'Specialty', width: 28, value: (r) => r.specialty.name },
  { header: 'Consultant', width: 26, value: (r) => r.clinician?.name ?? '' },
  { header: 'Priority', width: 14, value: (r) => PRIORITY_LABELS[r.priority] },
  { header: 'Clock start', width: 13, date: true, value: (r) => ({ date: r.clockStart }) },
  { header: 'Weeks waited', width: 13, value: (r) => r.weeksWaited },
  { header: 'Week band', width: 11, value: (r) => weekBandLabel(r.daysWaited) },
  { header: '18-week breach date', width: 19, date: true, value: (r) => ({ date: r.breachDates['18'] }) },
  { header: '52-week breach date', width: 19, date: true, value: (r) => ({ date: r.breachDates['52'] }) },
  { header: 'Next action', width: 24, value: (r) => r.nextAction.label },
  { header: 'Due', width: 13, date: true, value: (r) => ({ date: r.nextAction.due }) },
];

export function exportFilename(asOf: string, format: PtlExportFormat): string {
  return `ptl-${asOf}.${format}`;
}

/** Text a spreadsheet would evaluate as a formula gets a leading single quote (CSV injection). */
export function defuseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180: quote a field holding a comma, quote or line break, doubling any quotes. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function cellText(cell: Cell): string {
  if (typeof cell === 'number') return String(cell);
  if (typeof cell === 'string') return defuseFormula(cell);
  return cell.date;
}

export function toCsv(rows: readonly PtlRow[]): Buffer {
  const lines = [PTL_EXPORT_COLUMNS.map((c) => csvField(c.header)).join(',')];
  for (const row of rows) {
    lines.push(PTL_EXPORT_COLUMNS.map((c) => csvField(cellText(c.value(row)))).join(','));
  }
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** An ISO date as the Date Excel shows as that calendar day (exceljs writes UTC). */
const excelDate = (iso: string): Date => new Date(isoToEpochDay(iso) * 86_400_000);

export async function toXlsx(rows: readonly PtlRow[], asOf: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Pathflow';
  const sheet = workbook.addWorksheet(`PTL ${asOf}`, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = PTL_EXPORT_COLUMNS.map((c) => ({
    header: c.header,
    width: c.width,
    ...(c.date ? { style: { numFmt: 'dd/mm/yyyy' } } : {}),
  }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) {
    sheet.addRow(
      PTL_EXPORT_COLUMNS.map((c) => {
        const cell = c.value(row);
        // Text cells in a workbook are never evaluated, so they need no formula guard.
        if (typeof cell === 'number' || typeof cell === 'string') return cell;
        return excelDate(cell.date);
      }),
    );
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: PTL_EXPORT_COLUMNS.length } };
  const data = await workbook.xlsx.writeBuffer();
  return Buffer.from(data);
}
