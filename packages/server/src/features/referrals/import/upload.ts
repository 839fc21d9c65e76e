/**
 * What every spreadsheet import shares (the bulk referral import, the e-RS worklist and PTL extract imports):
 * the file sent as base64, read with the referral import's reader (`read-file.ts`: CSV or Excel, 5 MB and
 * 20,000 rows at most, header found, blank rows skipped), a file that cannot be read as a table answered 400
 * naming the part of the request at fault, the head of the report and the 422 `import_refused` refusal.
 */
import { AppError, invalid } from '../../../errors';
import {
  ImportFileError,
  readReferralFile,
  type ImportFileErrorCode,
  type ReferralFileContents,
} from './read-file';

/** Which part of the request a file problem points at. */
const FILE_ERROR_FIELD: Record<ImportFileErrorCode, string> = {
  'unsupported-file-type': '/body/fileName',
  'sheet-not-found': '/body/sheet',
  'empty-file': '/body/content',
  'file-too-large': '/body/content',
  'too-many-rows': '/body/content',
  'not-utf8': '/body/content',
  'unreadable-file': '/body/content',
  'no-header': '/body/content',
  'no-rows': '/body/content',
  'unnamed-column': '/body/content',
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The file's bytes from the request's base64 `content` (whitespace allowed), or a 400 naming it. */
export function decodeContent(content: string): Buffer {
  const compact = content.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 === 1) {
    throw invalid('/body/content', 'content must be the file encoded in base64');
  }
  return Buffer.from(compact, 'base64');
}

/** An import request's body with its file decoded: `content` as bytes (see `decodeContent`). */
export function decodedBody<B extends { content: string }>(
  body: B,
): Omit<B, 'content'> & { content: Buffer } {
  const { content, ...rest } = body;
  return { ...rest, content: decodeContent(content) };
}

/**
 * Reads the file as a table, or throws `validation_failed` (400) naming the part of the request at fault.
 * `rowsAre` names what its rows hold ('referrals', 'pathways') for the message when it has a header and
 * nothing below it.
 */
export async function readUpload(
  content: Buffer,
  fileName: string,
  sheet: string | undefined,
  rowsAre: string,
): Promise<ReferralFileContents> {
  try {
    return await readReferralFile(content, fileName, sheet === undefined ? {} : { sheet });
  } catch (err) {
    if (!(err instanceof ImportFileError)) throw err;
    const message =
      err.code === 'no-rows' ? `The file has a header row but no ${rowsAre} below it` : err.message;
    throw new AppError('validation_failed', `${message}. Nothing was imported.`, {
      errors: [{ field: FILE_ERROR_FIELD[err.code], message }],
    });
  }
}

/** What every import's report begins with. */
export interface UploadReportHead {
  /** The stored import, when the file was imported (or refused and recorded); null for a dry run. */
  importId: string | null;
  fileName: string;
  sheet: string | null;
  dryRun: boolean;
  /** True only when every row was imported. */
  imported: boolean;
  rows: number;
  importedRows: number;
}

/** The head of the report of a file of `rows` rows, `valid` of them valid, every row right or not (`ok`). */
export function reportHead(o: {
  importId: string | null;
  fileName: string;
  sheet: string | undefined;
  dryRun: boolean;
  ok: boolean;
  rows: number;
  valid: number;
}): UploadReportHead {
  const imported = !o.dryRun && o.ok;
  return {
    importId: o.importId,
    fileName: o.fileName,
    sheet: o.sheet ?? null,
    dryRun: o.dryRun,
    imported,
    rows: o.rows,
    importedRows: imported ? o.valid : 0,
  };
}

/** The report, unless it is of a real import that was refused: then 422 `import_refused` carrying it. */
export function unlessRefused<R extends UploadReportHead & { summary: { message: string } }>(report: R): R {
  if (!report.dryRun && !report.imported) {
    throw new AppError('import_refused', report.summary.message, { extensions: { report } });
  }
  return report;
}
