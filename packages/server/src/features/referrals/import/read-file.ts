/**
 * Reading an uploaded referral file (CSV or Excel .xlsx) into a header and rows of trimmed strings, ready for
 * core's `mapRows`. Nothing here knows what the columns mean: values are only turned into text the way a
 * person sees them in the spreadsheet (dates as YYYY-MM-DD, numbers without exponents, leading zeros kept
 * when the cell is formatted with them). A file that cannot be read as a table is refused with an
 * `ImportFileError` whose message can be shown as it is.
 *
 * - The header is the first row that is not blank. Blank rows are skipped; `rowNumbers` keeps each row's
 *   number as the spreadsheet shows it (for CSV, the record number, blank lines included), so problems
 *   can point at the right row.
 * - CSV: UTF-8 with or without a byte order mark, commas, quoted fields (with commas, quotes, line breaks),
 *   CRLF or LF; a quote inside an unquoted value is kept. Other encodings are refused rather than guessed (Excel's plain "CSV" is Windows-1252).
 * - Excel: the sheet named in `options.sheet`, else the first visible sheet. Dates use the UTC parts of the
 *   Date exceljs gives (exceljs reads the serial as UTC), so the server's time zone never shifts a day.
 * - Limits: 5 MB, 20,000 rows below the header, 100 MB unpacked for a workbook (a zip bomb guard based on
 *   the sizes the zip declares: a forged zip can lie, so the HTTP body limit remains the first defence).
 */
import ExcelJS from 'exceljs';
import { CsvError, parse } from 'csv-parse/sync';

export const MAX_IMPORT_FILE_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 20_000;
export const MAX_UNPACKED_WORKBOOK_BYTES = 100 * 1024 * 1024;

export const IMPORT_FILE_ERROR_CODES = [
  'unsupported-file-type',
  'empty-file',
  'file-too-large',
  'too-many-rows',
  'not-utf8',
  'unreadable-file',
  'sheet-not-found',
  'no-header',
  'no-rows',
  'unnamed-column',
] as const;
export type ImportFileErrorCode = (typeof IMPORT_FILE_ERROR_CODES)[number];

/** The file as a whole cannot be imported; `message` is written for the person who uploaded it. */
export class ImportFileError extends Error {
  readonly code: ImportFileErrorCode;

  constructor(code: ImportFileErrorCode, message: string) {
    super(message);
    this.name = 'ImportFileError';
    this.code = code;
  }
}

export interface ReadFileOptions {
  /** The worksheet to read from an Excel workbook (default: the first visible one). */
  sheet?: string;
  maxBytes?: number;
  maxRows?: number;
  maxUnpackedBytes?: number;
}

export interface ReferralFileContents {
  /** The header row's cells, trimmed; blank cells at its end are dropped. */
  header: string[];
  /** Non-blank rows below the header, each exactly as long as the header, trimmed. */
  rows: string[][];
  /** The spreadsheet row number of each row (for `mapRows`' `rowNumbers`). */
  rowNumbers: number[];
  /** The spreadsheet row number of the header (for `mapRows`' `headerRow`). */
  headerRow: number;
  /** The worksheet read, for a workbook. */
  sheet?: string;
}

interface RawRow {
  number: number;
  cells: string[];
}

const ZERO_WIDTH_EDGES = /^[\s\u200B\uFEFF]+|[\s\u200B\uFEFF]+$/g;

function tidy(value: string): string {
  return value.replace(ZERO_WIDTH_EDGES, '');
}

/** 0 → A, 25 → Z, 26 → AA: the column letter a spreadsheet shows. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** Megabytes to one decimal place, rounded up (so a file just over a limit never reads as the limit). */
function megabytes(bytes: number): string {
  return `${Math.ceil((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

// A header names columns: it never consists only of digits and date or number punctuation.
const LOOKS_LIKE_DATA = /^(?=.*\d)[\d\s.,:/+-]+$/;

/** Finds the header, drops blank rows, checks the limits and shapes every row to the header's length. */
function toTable(raw: readonly RawRow[], maxRows: number, sheet?: string): ReferralFileContents {
  const rows = raw.filter((r) => r.cells.some((c) => c !== ''));
  const [first, ...data] = rows;
  if (first === undefined) throw new ImportFileError('empty-file', 'The file is empty');
  const header = [...first.cells];
  while (header.length > 0 && header[header.length - 1] === '') header.pop();

  const dataCell = header.findIndex((name) => LOOKS_LIKE_DATA.test(name));
  if (dataCell !== -1) {
    throw new ImportFileError(
      'no-header',
      `The first row must hold the column names, but cell ${columnLetter(dataCell)}${first.number} holds a number or a date. Add a header row with the column names`,
    );
  }
  if (data.length === 0) {
    throw new ImportFileError('no-rows', 'The file has a header row but no referrals below it');
  }
  if (data.length > maxRows) {
    throw new ImportFileError(
      'too-many-rows',
      `The file has ${data.length.toLocaleString('en-GB')} rows below the header: import at most ${maxRows.toLocaleString('en-GB')} at a time`,
    );
  }
  for (const row of data) {
    const stray = row.cells.findIndex((c, i) => c !== '' && (header[i] ?? '') === '');
    if (stray !== -1) {
      const column = columnLetter(stray);
      throw new ImportFileError(
        'unnamed-column',
        `Cell ${column}${row.number} has a value, but column ${column} has no name in the header row. Name the column or clear it`,
      );
    }
  }
  return {
    header,
    rows: data.map((r) => header.map((_, i) => r.cells[i] ?? '')),
    rowNumbers: data.map((r) => r.number),
    headerRow: first.number,
    ...(sheet === undefined ? {} : { sheet }),
  };
}

// ---------------------------------------------------------------------------------------------- CSV

function csvProblem(error: CsvError): string {
  const line = typeof error.lines === 'number' ? ` (line ${error.lines})` : '';
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
    return `The CSV file could not be read: a quoted value is not closed${line}`;
  }
  const misplacedQuote: readonly string[] = [
    'INVALID_OPENING_QUOTE',
    'CSV_INVALID_CLOSING_QUOTE',
    'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE',
  ];
  if (misplacedQuote.includes(error.code)) {
    return `The CSV file could not be read: a quote mark is in the wrong place${line}. Put quotes around the whole value, and double any quote inside it`;
  }
  return `The CSV file could not be read${line}`;
}

function readCsv(buffer: Buffer, maxRows: number): ReferralFileContents {
  if (buffer.subarray(0, 4).equals(Buffer.from('PK\u0003\u0004', 'latin1'))) {
    throw new ImportFileError(
      'unreadable-file',
      'The file is an Excel workbook, not CSV: upload it with its .xlsx name',
    );
  }
  let text: string;
  try {
    // Strips a UTF-8 byte order mark; throws on bytes that are not UTF-8.
    text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    throw new ImportFileError(
      'not-utf8',
      "The file is not saved as UTF-8 text. In Excel, use Save As and choose 'CSV UTF-8 (Comma delimited)'",
    );
  }
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      relax_column_count: true,
      // A quote inside an unquoted value (Dr O"Brien, a 5" lesion) is kept as it is.
      relax_quotes: true,
      skip_empty_lines: false,
      trim: true,
    });
  } catch (error) {
    if (error instanceof CsvError) throw new ImportFileError('unreadable-file', csvProblem(error));
    throw error;
  }
  // Each record is one spreadsheet row (a quoted line break does not start a new one).
  return toTable(
    records.map((cells, i) => ({ number: i + 1, cells: cells.map(tidy) })),
    maxRows,
  );
}

// -------------------------------------------------------------------------------------------- Excel

/** The total unpacked size a zip declares in its central directory; null when it is not a readable zip. */
export function declaredUnpackedSize(zip: Buffer): number | null {
  const END = 0x06054b50;
  const ENTRY = 0x02014b50;
  const lowest = Math.max(0, zip.length - 22 - 0xffff);
  for (let at = zip.length - 22; at >= lowest; at--) {
    if (zip.readUInt32LE(at) !== END) continue;
    const entries = zip.readUInt16LE(at + 10);
    if (entries === 0xffff) return Infinity; // ZIP64: more than we accept anyway
    let p = zip.readUInt32LE(at + 16);
    let total = 0;
    for (let e = 0; e < entries; e++) {
      if (p + 46 > zip.length || zip.readUInt32LE(p) !== ENTRY) return null;
      const size = zip.readUInt32LE(p + 24);
      if (size === 0xffffffff) return Infinity;
      total += size;
      p += 46 + zip.readUInt16LE(p + 28) + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
    }
    return total;
  }
  return null;
}

const NUMBER_TEXT = new Intl.NumberFormat('en-US', { useGrouping: false, maximumFractionDigits: 20 });

/** A number as plain digits, never an exponent: 9434765919 → '9434765919', 1e-7 → '0.0000001'. */
export function numberText(value: number): string {
  return Number.isFinite(value) ? NUMBER_TEXT.format(value) : String(value);
}

function isoFromUtcParts(date: Date): string {
  if (Number.isNaN(date.getTime())) return 'invalid date';
  const y = String(date.getUTCFullYear()).padStart(4, '0');
  const m = String(date.getUTCMonth() + 1).padStart(2, '0');
  const d = String(date.getUTCDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** Days from the Excel epoch (1899-12-30, or 1904-01-01) to 1970-01-01. */
const EXCEL_EPOCH_OFFSET = { 1900: 25569, 1904: 24107 } as const;

/** An Excel date serial (days, fraction = time of day) as YYYY-MM-DD. */
export function excelSerialToIso(serial: number, date1904 = false): string {
  const epochDay = Math.floor(serial) - EXCEL_EPOCH_OFFSET[date1904 ? 1904 : 1900];
  return isoFromUtcParts(new Date(epochDay * 86_400_000));
}

/**
 * True for a number format that shows a date (d, y, or m without h or s), ignoring quoted text, escaped
 * characters and [colour] or [$-locale] sections. exceljs already reads the built-in date formats as
 * Dates; this catches custom ones.
 */
export function isDateFormat(numFmt: string | undefined): boolean {
  if (numFmt === undefined) return false;
  const bare = numFmt.replace(/"[^"]*"|\\.|\[[^\]]*\]/g, '');
  return /[dy]/i.test(bare) || (/m/i.test(bare) && !/[hs]/i.test(bare));
}

/** Leading-zero formats ('000000000000', '000 000 0000'): how many digits they show. */
function zeroPadding(numFmt: string | undefined): number {
  return numFmt !== undefined && /^[0 -]+$/.test(numFmt) ? numFmt.replace(/[^0]/g, '').length : 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The text a person sees in a cell (see the module comment). */
export function excelCellText(value: unknown, numFmt: string | undefined, date1904: boolean): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return isoFromUtcParts(value);
  if (typeof value === 'number') {
    if (isDateFormat(numFmt)) return excelSerialToIso(value, date1904);
    const width = zeroPadding(numFmt);
    if (width > 0 && Number.isInteger(value) && value >= 0) return numberText(value).padStart(width, '0');
    return numberText(value);
  }
  if (isRecord(value)) {
    if (Array.isArray(value.richText)) {
      return value.richText
        .map((run: unknown) => (isRecord(run) && typeof run.text === 'string' ? run.text : ''))
        .join('');
    }
    if ('formula' in value || 'sharedFormula' in value) return excelCellText(value.result, numFmt, date1904);
    if (typeof value.error === 'string') return value.error;
    if ('hyperlink' in value) return excelCellText(value.text, numFmt, date1904);
  }
  return '';
}

async function readXlsx(
  buffer: Buffer,
  options: ReadFileOptions,
  maxRows: number,
): Promise<ReferralFileContents> {
  if (buffer.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    throw new ImportFileError(
      'unreadable-file',
      'The workbook is password-protected or in the old Excel 97-2003 format. Save it as an Excel Workbook (.xlsx) without a password',
    );
  }
  const unpacked = buffer.subarray(0, 4).equals(Buffer.from('PK\u0003\u0004', 'latin1'))
    ? declaredUnpackedSize(buffer)
    : null;
  if (unpacked === null) {
    throw new ImportFileError('unreadable-file', 'The file could not be read as an Excel workbook (.xlsx)');
  }
  const maxUnpacked = options.maxUnpackedBytes ?? MAX_UNPACKED_WORKBOOK_BYTES;
  if (unpacked > maxUnpacked) {
    throw new ImportFileError(
      'file-too-large',
      `The workbook is too large: it unpacks to more than ${megabytes(maxUnpacked)}. Import fewer rows at a time`,
    );
  }

  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares an ArrayBuffer: pass a copy of exactly the file's bytes.
    await workbook.xlsx.load(new Uint8Array(buffer).buffer);
  } catch {
    throw new ImportFileError('unreadable-file', 'The file could not be read as an Excel workbook (.xlsx)');
  }

  const sheets = workbook.worksheets;
  let worksheet: ExcelJS.Worksheet | undefined;
  if (options.sheet !== undefined) {
    const wanted = options.sheet.trim();
    worksheet =
      sheets.find((s) => s.name === wanted) ??
      sheets.find((s) => s.name.toLowerCase() === wanted.toLowerCase());
    if (worksheet === undefined) {
      throw new ImportFileError(
        'sheet-not-found',
        `The workbook has no sheet called '${wanted}'. Its sheets are: ${sheets.map((s) => s.name).join(', ')}`,
      );
    }
  } else {
    worksheet = sheets.find((s) => s.state === 'visible') ?? sheets[0];
  }
  if (worksheet === undefined) throw new ImportFileError('empty-file', 'The workbook has no sheets');

  // Cheap early refusal; the exact count (blank rows skipped) is checked again by toTable.
  if (worksheet.actualRowCount - 1 > maxRows) {
    throw new ImportFileError(
      'too-many-rows',
      `The sheet has more than ${maxRows.toLocaleString('en-GB')} rows below the header: import at most ${maxRows.toLocaleString('en-GB')} at a time`,
    );
  }

  const date1904 = workbook.properties.date1904 === true;
  const raw: RawRow[] = [];
  worksheet.eachRow({ includeEmpty: false }, (row, number) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) {
      const cell = row.getCell(c);
      cells.push(tidy(excelCellText(cell.value, cell.numFmt, date1904)));
    }
    raw.push({ number, cells });
  });
  return toTable(raw, maxRows, worksheet.name);
}

// ------------------------------------------------------------------------------------------- Entry

/**
 * Reads an uploaded `.csv` or `.xlsx` file into its header and rows (see the module comment). Throws an
 * `ImportFileError` for another file type, an empty file, a file over 5 MB or 20,000 rows, a missing
 * header, a value in an unnamed column, or a file that cannot be read.
 */
export async function readReferralFile(
  buffer: Buffer,
  fileName: string,
  options: ReadFileOptions = {},
): Promise<ReferralFileContents> {
  const name = fileName.trim().toLowerCase();
  const extension = name.includes('.') ? name.slice(name.lastIndexOf('.')) : '';
  if (extension !== '.csv' && extension !== '.xlsx') {
    throw new ImportFileError(
      'unsupported-file-type',
      extension === '.xls'
        ? 'The file is in the old Excel 97-2003 format (.xls). Save it as an Excel Workbook (.xlsx) or as CSV UTF-8'
        : 'The file must be a CSV file (.csv) or an Excel workbook (.xlsx)',
    );
  }
  if (buffer.length === 0) throw new ImportFileError('empty-file', 'The file is empty');
  const maxBytes = options.maxBytes ?? MAX_IMPORT_FILE_BYTES;
  if (buffer.length > maxBytes) {
    throw new ImportFileError(
      'file-too-large',
      `The file is ${megabytes(buffer.length)}: it must be ${megabytes(maxBytes)} or smaller. Import it in parts`,
    );
  }
  const maxRows = options.maxRows ?? MAX_IMPORT_ROWS;
  return extension === '.csv' ? readCsv(buffer, maxRows) : readXlsx(buffer, options, maxRows);
}
