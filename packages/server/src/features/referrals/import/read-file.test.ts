import { describe, it, expect } from 'vitest';
import ExcelJS from 'exceljs';
import {
  ImportFileError,
  MAX_IMPORT_FILE_BYTES,
  MAX_IMPORT_ROWS,
  columnLetter,
  declaredUnpackedSize,
  excelCellText,
  excelSerialToIso,
  isDateFormat,
  numberText,
  readReferralFile,
  type ImportFileErrorCode,
} from './read-file';

const BOM = '\uFEFF';

function csv(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

async function xlsx(build: (workbook: ExcelJS.Workbook) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function refusal(promise: Promise<unknown>): Promise<{ code: ImportFileErrorCode; message: string }> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ImportFileError);
    const { code, message } = error as ImportFileError;
    return { code, message };
  }
  throw new Error('expected an ImportFileError');
}

describe('readReferralFile: CSV', () => {
  it('reads UTF-8 with a BOM, CRLF, quoted commas, quotes and line breaks, and trims cells', async () => {
    const file = csv(
      `${BOM}NHS number,Referrer,Priority,Notes\r\n` +
        ` 943 476 5919 ,"Patel, Dr A","Routine",plain\r\n` +
        `9990000018,"Dr ""Bob"" Jones",urgent,"two\r\nlines"\r\n`,
    );
    expect(await readReferralFile(file, 'referrals.csv')).toEqual({
      header: ['NHS number', 'Referrer', 'Priority', 'Notes'],
      rows: [
        ['943 476 5919', 'Patel, Dr A', 'Routine', 'plain'],
        ['9990000018', 'Dr "Bob" Jones', 'urgent', 'two\r\nlines'],
      ],
      rowNumbers: [2, 3],
      headerRow: 1,
    });
  });

  it('reads LF without a BOM; skips blank lines and keeps the row numbers a spreadsheet shows', async () => {
    const file = csv('\nNHS number,Priority,,\n9434765919,routine\n\n,\n9990000018,urgent,,\n');
    expect(await readReferralFile(file, 'REFERRALS.CSV')).toEqual({
      header: ['NHS number', 'Priority'],
      rows: [
        ['9434765919', 'routine'],
        ['9990000018', 'urgent'],
      ],
      rowNumbers: [3, 6],
      headerRow: 2,
    });
  });

  it('keeps accented letters, symbols and a quote inside an unquoted value', async () => {
    const { rows } = await readReferralFile(csv('Referrer,Note\nDr Zoë O"Brien,£5 – 2" lesion\n'), 'a.csv');
    expect(rows).toEqual([['Dr Zoë O"Brien', '£5 – 2" lesion']]);
  });

  it.each<[string, Buffer, ImportFileErrorCode, RegExp]>([
    ['not UTF-8 (Windows-1252)', Buffer.from('Referrer\nDr Zo\xeb\n', 'latin1'), 'not-utf8', /CSV UTF-8/],
    ['a quote not closed', csv('A,B\n1,"2\n'), 'unreadable-file', /quoted value is not closed \(line \d+\)/],
    [
      'text after a closing quote',
      csv('A,B\n"x"y,2\n'),
      'unreadable-file',
      /quote mark is in the wrong place/,
    ],
    ['only blank lines', csv(`${BOM}\r\n\r\n , \r\n`), 'empty-file', /^The file is empty$/],
    ['a header and no rows', csv('NHS number,Priority\n'), 'no-rows', /no referrals below it/],
    [
      'no header (data in row 1)',
      csv('9434765919,routine\n'),
      'no-header',
      /cell A1 holds a number or a date/,
    ],
    ['no header (a date in row 1)', csv('Dr A,06/01/2025\n'), 'no-header', /cell B1/],
    [
      'a value in an unnamed column',
      csv('A,B\n1,2\n1,2,3\n'),
      'unnamed-column',
      /Cell C3 has a value, but column C has no name/,
    ],
    [
      'an Excel workbook named .csv',
      Buffer.from('PK\u0003\u0004rest', 'latin1'),
      'unreadable-file',
      /\.xlsx/,
    ],
  ])('refuses %s', async (_name, file, code, message) => {
    const error = await refusal(readReferralFile(file, 'referrals.csv'));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it(`refuses more than ${MAX_IMPORT_ROWS.toLocaleString('en-GB')} rows, and takes exactly that many`, async () => {
    const lines = (n: number): string => `A\n${'x\n'.repeat(n)}`;
    expect((await readReferralFile(csv(lines(MAX_IMPORT_ROWS)), 'a.csv')).rows).toHaveLength(MAX_IMPORT_ROWS);
    const error = await refusal(readReferralFile(csv(lines(MAX_IMPORT_ROWS + 1)), 'a.csv'));
    expect(error).toEqual({
      code: 'too-many-rows',
      message: 'The file has 20,001 rows below the header: import at most 20,000 at a time',
    });
  });
});

describe('readReferralFile: Excel', () => {
  const header = ['NHS number', 'UBRN', 'Received date', 'Specialty code', 'Referrer'];

  it('turns dates, numbers, formulas and rich text into the text a person sees', async () => {
    const file = await xlsx((wb) => {
      const ws = wb.addWorksheet('Referrals');
      ws.addRow(header);
      // A numeric NHS number, a UBRN with leading zeros kept by its format, a real Excel date.
      ws.addRow([9434765919, 70000, new Date(Date.UTC(2025, 0, 6)), 110, '  Dr A  ']);
      ws.getCell('B2').numFmt = '000000000000';
      // A date serial with a custom format exceljs does not know; a formula; rich text.
      ws.addRow([{ formula: '9990000000+18', result: 9990000018 }, null, 45663, '101', null]);
      ws.getCell('C3').numFmt = '[$-en-GB]dd" of "mmmm yyyy;@';
      ws.getCell('E3').value = { richText: [{ text: 'Dr ' }, { font: { bold: true }, text: 'B' }] };
    });
    expect(await readReferralFile(file, 'Referrals.xlsx')).toEqual({
      header,
      rows: [
        ['9434765919', '000000070000', '2025-01-06', '110', 'Dr A'],
        ['9990000018', '', '2025-01-06', '101', 'Dr B'],
      ],
      rowNumbers: [2, 3],
      headerRow: 1,
      sheet: 'Referrals',
    });
  });

  it('reads a date by its UTC parts, whatever the server time zone (late evening UTC, read in UTC+14)', async () => {
    const zone = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati'; // UTC+14: local parts would be the next day
    try {
      const file = await xlsx((wb) => {
        const ws = wb.addWorksheet('S');
        ws.addRow(['Received date']);
        ws.addRow([new Date(Date.UTC(2025, 6, 6, 23, 30))]);
      });
      expect((await readReferralFile(file, 'a.xlsx')).rows).toEqual([['2025-07-06']]);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('skips blank rows and keeps spreadsheet row numbers; the header may start lower down', async () => {
    const file = await xlsx((wb) => {
      const ws = wb.addWorksheet('S');
      ws.getCell('A3').value = 'NHS number';
      ws.getCell('B3').value = 'Priority';
      ws.getCell('A4').value = 9434765919;
      ws.getCell('B4').value = 'Routine';
      ws.getCell('A6').value = '9990000018';
      ws.getCell('B6').value = '2WW';
      ws.getCell('A7').value = '   ';
    });
    expect(await readReferralFile(file, 'a.xlsx')).toMatchObject({
      headerRow: 3,
      rowNumbers: [4, 6],
      rows: [
        ['9434765919', 'Routine'],
        ['9990000018', '2WW'],
      ],
    });
  });

  it('reads the sheet asked for, else the first visible one', async () => {
    const file = await xlsx((wb) => {
      const hidden = wb.addWorksheet('Lookups');
      hidden.state = 'hidden';
      hidden.addRow(['Code']);
      hidden.addRow(['110']);
      const main = wb.addWorksheet('Referrals');
      main.addRow(['NHS number']);
      main.addRow(['9434765919']);
      const other = wb.addWorksheet('March');
      other.addRow(['NHS number']);
      other.addRow(['9990000018']);
    });
    expect(await readReferralFile(file, 'a.xlsx')).toMatchObject({
      sheet: 'Referrals',
      rows: [['9434765919']],
    });
    expect(await readReferralFile(file, 'a.xlsx', { sheet: 'march' })).toMatchObject({
      sheet: 'March',
      rows: [['9990000018']],
    });
    expect(await refusal(readReferralFile(file, 'a.xlsx', { sheet: 'April' }))).toEqual({
      code: 'sheet-not-found',
      message: "The workbook has no sheet called 'April'. Its sheets are: Lookups, Referrals, March",
    });
  });

  it('refuses a numeric first row (no header) and a value in an unnamed column', async () => {
    const noHeader = await xlsx((wb) =>
      wb.addWorksheet('S').addRow([9434765919, new Date(Date.UTC(2025, 0, 6))]),
    );
    expect((await refusal(readReferralFile(noHeader, 'a.xlsx'))).code).toBe('no-header');
    const unnamed = await xlsx((wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['NHS number']);
      ws.addRow(['9434765919', 'stray']);
    });
    expect(await refusal(readReferralFile(unnamed, 'a.xlsx'))).toEqual({
      code: 'unnamed-column',
      message: 'Cell B2 has a value, but column B has no name in the header row. Name the column or clear it',
    });
  });

  it('refuses too many rows', async () => {
    const file = await xlsx((wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['A']);
      for (let i = 0; i < 5; i++) ws.addRow([i]);
    });
    expect((await refusal(readReferralFile(file, 'a.xlsx', { maxRows: 4 }))).code).toBe('too-many-rows');
    expect((await readReferralFile(file, 'a.xlsx', { maxRows: 5 })).rows).toHaveLength(5);
  });

  it('refuses a workbook that unpacks too large (zip bomb guard), including a forged ZIP64 size', async () => {
    const file = await xlsx((wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['A']);
      ws.addRow(['x']);
    });
    const size = declaredUnpackedSize(file);
    expect(size).toBeGreaterThan(1000);
    expect((await refusal(readReferralFile(file, 'a.xlsx', { maxUnpackedBytes: 1000 }))).code).toBe(
      'file-too-large',
    );
    // Forge the first central-directory entry's unpacked size to 0xFFFFFFFF (ZIP64).
    const forged = Buffer.from(file);
    const entry = forged.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    forged.writeUInt32LE(0xffffffff, entry + 24);
    expect(declaredUnpackedSize(forged)).toBe(Infinity);
    expect((await refusal(readReferralFile(forged, 'a.xlsx'))).code).toBe('file-too-large');
  });

  it.each<[string, Buffer, RegExp]>([
    ['random bytes', Buffer.from('not a workbook at all'), /could not be read as an Excel workbook/],
    ['a broken zip', Buffer.from('PK\u0003\u0004broken', 'latin1'), /could not be read as an Excel workbook/],
    [
      'a password-protected or .xls file',
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      /password-protected or in the old Excel 97-2003 format/,
    ],
  ])('refuses %s', async (_name, file, message) => {
    const error = await refusal(readReferralFile(file, 'a.xlsx'));
    expect(error.code).toBe('unreadable-file');
    expect(error.message).toMatch(message);
  });
});

describe('readReferralFile: refusals before reading', () => {
  it.each<[string, string, Buffer, ImportFileErrorCode, string]>([
    [
      'another extension',
      'referrals.txt',
      csv('A\n1\n'),
      'unsupported-file-type',
      'The file must be a CSV file (.csv) or an Excel workbook (.xlsx)',
    ],
    [
      'no extension',
      'referrals',
      csv('A\n1\n'),
      'unsupported-file-type',
      'The file must be a CSV file (.csv) or an Excel workbook (.xlsx)',
    ],
    [
      'an old .xls workbook',
      'referrals.xls',
      csv('A\n1\n'),
      'unsupported-file-type',
      'The file is in the old Excel 97-2003 format (.xls). Save it as an Excel Workbook (.xlsx) or as CSV UTF-8',
    ],
    ['an empty CSV', 'referrals.csv', Buffer.alloc(0), 'empty-file', 'The file is empty'],
    ['an empty workbook file', 'referrals.xlsx', Buffer.alloc(0), 'empty-file', 'The file is empty'],
    [
      'a file over 5 MB',
      'referrals.csv',
      Buffer.alloc(MAX_IMPORT_FILE_BYTES + 1, 'a'),
      'file-too-large',
      'The file is 5.1 MB: it must be 5 MB or smaller. Import it in parts',
    ],
  ])('refuses %s', async (_name, fileName, file, code, message) => {
    expect(await refusal(readReferralFile(file, fileName))).toEqual({ code, message });
  });

  it('accepts a file of exactly 5 MB', async () => {
    const head = 'Notes\n';
    const file = csv(head + 'x'.repeat(MAX_IMPORT_FILE_BYTES - head.length));
    expect(file.length).toBe(MAX_IMPORT_FILE_BYTES);
    expect((await readReferralFile(file, 'a.csv')).rows).toHaveLength(1);
  });
});

describe('cell conversion helpers', () => {
  it.each([
    [9434765919, '9434765919'],
    [1e-7, '0.0000001'],
    [1e21, '1000000000000000000000'],
    [110, '110'],
    [2.5, '2.5'],
    [-3, '-3'],
  ])('numberText(%d) = %s', (value, text) => {
    expect(numberText(value)).toBe(text);
  });

  it.each([
    [45663, false, '2025-01-06'],
    [45663.99, false, '2025-01-06'],
    [44201, true, '2025-01-06'],
    [36526, false, '2000-01-01'],
  ])('excelSerialToIso(%d, 1904: %s) = %s', (serial, date1904, iso) => {
    expect(excelSerialToIso(serial, date1904)).toBe(iso);
  });

  it.each([
    ['dd/mm/yyyy', true],
    ['d-mmm-yy', true],
    ['mmmm', true],
    ['[$-en-GB]d mmmm yyyy;@', true],
    ['h:mm', false],
    ['mm:ss', false],
    ['General', false],
    ['0.00', false],
    ['"Day "0', false],
    ['[Red]0', false],
    ['000000000000', false],
  ])('isDateFormat(%j) = %s', (format, isDate) => {
    expect(isDateFormat(format)).toBe(isDate);
  });

  it.each<[string, unknown, string | undefined, string]>([
    ['null', null, undefined, ''],
    ['a boolean', true, undefined, 'TRUE'],
    ['a hyperlink', { text: 'Dr A', hyperlink: 'mailto:a@nhs.net' }, undefined, 'Dr A'],
    ['an error', { error: '#N/A' }, undefined, '#N/A'],
    ['a formula without a result', { formula: 'A1' }, undefined, ''],
    [
      'a shared formula with a date result',
      { sharedFormula: 'A1', result: new Date(Date.UTC(2025, 0, 6)) },
      undefined,
      '2025-01-06',
    ],
    ['an NHS number formatted 3 3 4', 9434765919, '000 000 0000', '9434765919'],
    ['a UBRN with leading zeros', 70000, '000000000000', '000000070000'],
    ['an invalid date', new Date(Number.NaN), undefined, 'invalid date'],
  ])('excelCellText: %s', (_name, value, numFmt, text) => {
    expect(excelCellText(value, numFmt, false)).toBe(text);
  });

  it.each([
    [0, 'A'],
    [25, 'Z'],
    [26, 'AA'],
    [701, 'ZZ'],
    [702, 'AAA'],
  ])('columnLetter(%d) = %s', (index, letter) => {
    expect(columnLetter(index)).toBe(letter);
  });
});
