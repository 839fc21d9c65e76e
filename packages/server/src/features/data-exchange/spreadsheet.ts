/**
 * Tables as downloads, the way the PTL export writes them (`features/ptl/export.ts`): CSV is RFC 4180, UTF-8
 * with a byte-order mark so Excel reads it as UTF-8, and any cell a spreadsheet would take for a formula is
 * defused with a leading quote; an Excel workbook has its header row frozen and filtered, dates as real Excel
 * dates and text stored as text (never evaluated).
 */
import ExcelJS from 'exceljs';
import { isoToEpochDay } from '@pathflow/core';
import { defuseFormula } from '../ptl/export';

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** A cell: text, a number, a calendar date (YYYY-MM-DD), or blank. */
export type Cell = string | number | { date: string } | null;

export interface Column<R> {
  header: string;
  width: number;
  /** The cells are dates (formatted dd/mm/yyyy in a workbook). */
  date?: true;
  value: (row: R) => Cell;
}

/** RFC 4180: quote a field holding a comma, quote or line break, doubling any quotes. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell);
  if (typeof cell === 'string') return defuseFormula(cell);
  return cell.date;
}

export function tableCsv<R>(columns: readonly Column<R>[], rows: readonly R[]): Buffer {
  const lines = [columns.map((c) => csvField(c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(cellText(c.value(row)))).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** An ISO date as the Date Excel shows as that calendar day (exceljs writes UTC). */
const excelDate = (iso: string): Date => new Date(isoToEpochDay(iso) * 86_400_000);

export interface Sheet<R> {
  /** 31 characters at most, without []:*?/\ (Excel's rules). */
  name: string;
  columns: readonly Column<R>[];
  rows: readonly R[];
}

function addSheet<R>(workbook: ExcelJS.Workbook, sheet: Sheet<R>): void {
  const ws = workbook.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = sheet.columns.map((c) => ({
    header: c.header,
    width: c.width,
    ...(c.date ? { style: { numFmt: 'dd/mm/yyyy' } } : {}),
  }));
  ws.getRow(1).font = { bold: true };
  for (const row of sheet.rows) {
    ws.addRow(
      sheet.columns.map((c) => {
        const cell = c.value(row);
        if (cell === null || typeof cell === 'string' || typeof cell === 'number') return cell;
        return excelDate(cell.date);
      }),
    );
  }
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: sheet.columns.length } };
}

/** A workbook of one or more sheets (the first is the one that opens). */
export async function workbookOf(...sheets: Sheet<never>[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Pathflow';
  for (const sheet of sheets) addSheet(workbook, sheet);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A sheet of rows of any type, for `workbookOf`. */
export const sheetOf = <R>(sheet: Sheet<R>): Sheet<never> => sheet as unknown as Sheet<never>;

const LONDON_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The London wall-clock time of an instant, HH:MM. */
export const londonTime = (at: Date): string => LONDON_TIME.format(at);
