/**
 * Typed calls to the data exchange endpoints, `/api/v1/exchange`: importing an e-RS worklist (the bulk referral
 * import's report) or a PTL extract (its own report), and downloading the appointment and activity exports.
 */
import { PTL_FIELD_LABELS, type PtlField, type PtlImportSummary, type PtlProblem } from '@pathflow/core';
import { trackRequest } from '../../api/activity';
import { ApiError, api } from '../../api/client';
import type { ImportReport, ImportReportHead, ImportRequest } from '../../api/referrals';

const BASE = '/api/v1/exchange';

/** As the referral import's request; `allowDuplicateRows` is for an e-RS worklist only. */
export type UploadRequest = ImportRequest;

export interface PtlReport extends ImportReportHead {
  summary: PtlImportSummary;
  problems: PtlProblem[];
  columns: Partial<Record<PtlField, string>>;
  ignoredColumns: string[];
  /** Pathways booked in the other system: imported not booked, to book in Pathflow. */
  toBook: {
    row: number;
    ppid: string;
    ppidIssuer: string;
    bookedDate: string | null;
    pathwayId: string | null;
  }[];
}

/** A dry run answers 200, an import 201; a refused import throws 422 `import_refused` with the report. */
export const importErsWorklist = (body: UploadRequest) =>
  api.post<ImportReport>(`${BASE}/ers-worklist`, body);
export const importPtlExtract = (body: UploadRequest) => api.post<PtlReport>(`${BASE}/ptl-extract`, body);

/** The report in a 422 `import_refused` problem from the PTL import, if that is what this is. */
export function refusedPtlReport(body: Readonly<Record<string, unknown>> | undefined): PtlReport | null {
  const report = body?.report;
  if (typeof report !== 'object' || report === null) return null;
  const r = report as Partial<PtlReport>;
  return Array.isArray(r.problems) && Array.isArray(r.toBook) && typeof r.summary === 'object'
    ? (report as PtlReport)
    : null;
}

/**
 * A PTL report in the shape the referral import's report view shows: its problems (each column as headed in
 * the file, or the field's name), and no duplicates (a repeated PPID is a problem of its own).
 */
export function asImportReport(report: PtlReport): ImportReport {
  return {
    importId: report.importId,
    fileName: report.fileName,
    sheet: report.sheet,
    dryRun: report.dryRun,
    imported: report.imported,
    rows: report.rows,
    importedRows: report.importedRows,
    summary: { ...report.summary, blockingDuplicates: 0 },
    problems: report.problems.map((p) => ({
      row: p.row,
      column: p.column ?? (p.field ? PTL_FIELD_LABELS[p.field] : null),
      field: null,
      message: p.message,
    })),
    duplicates: [],
    columns: {},
    ignoredColumns: report.ignoredColumns,
  };
}

export type ExportKind = 'appointments' | 'activity';
export type ExportFormat = 'csv' | 'xlsx';

export interface ExportRange {
  from: string;
  to: string;
  specialty?: string;
}

export function exportUrl(kind: ExportKind, format: ExportFormat, range: ExportRange): string {
  const params = new URLSearchParams({ from: range.from, to: range.to });
  if (range.specialty) params.set('specialty', range.specialty);
  params.set('format', format);
  return `${BASE}/${kind}?${params.toString()}`;
}

/** The PTL download (`GET /api/v1/ptl/export`), the whole list. */
export const ptlExportUrl = (format: ExportFormat) => `/api/v1/ptl/export?format=${format}`;

function fileNameOf(response: Response, fallback: string): string {
  const disposition = response.headers.get('content-disposition') ?? '';
  return /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallback;
}

/**
 * Fetches a download and saves it as the file the server names. A refusal (a wrong range, a list too long)
 * throws `ApiError` with the server's problem, so the page can say what to change instead of saving it.
 */
export async function downloadFile(url: string, fallbackName: string): Promise<string> {
  const tracked = trackRequest();
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin', headers: { accept: '*/*' } });
  } catch {
    tracked.failed();
    throw new ApiError(0, {
      code: 'network_error',
      title: 'No connection',
      detail: 'Pathflow could not be reached. Check your connection and try again.',
    });
  }
  tracked.answered(response);
  if (!response.ok) {
    let body: Record<string, unknown> | undefined;
    try {
      body = (await response.json()) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    const errors = Array.isArray(body?.errors) ? (body.errors as { field: string; message: string }[]) : [];
    throw new ApiError(
      response.status,
      {
        code: typeof body?.code === 'string' ? body.code : `http_${response.status}`,
        title: typeof body?.title === 'string' ? body.title : 'Something went wrong',
        detail: typeof body?.detail === 'string' ? body.detail : '',
        errors,
      },
      body,
    );
  }
  const name = fileNameOf(response, fallbackName);
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // Let the browser start saving before the address is let go.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
  return name;
}
