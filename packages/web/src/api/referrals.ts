/**
 * Typed calls to the referral intake endpoints, `/api/v1/referrals`. The shapes follow the server's OpenAPI
 * description (`GET /api/v1/openapi.json`); the values they hold come from `@pathflow/core`'s referral rules.
 */
import type {
  ClinicType,
  DuplicateKind,
  ReferralField,
  ReferralPriority,
  ReferralSource,
  TriageKind,
} from '@pathflow/core';
import { api } from './client';

const BASE = '/api/v1/referrals';

/** A referral as received, with its patient and its triage outcome. */
export interface Referral {
  id: string;
  patientId: string;
  /** 10 digits. */
  nhsNumber: string;
  /** "Alice Example". */
  patientName: string;
  source: ReferralSource;
  ubrn: string | null;
  ersConversionDate: string | null;
  asiWorklistDate: string | null;
  /** YYYY-MM-DD. */
  receivedDate: string;
  originalClockStart: string | null;
  specialtyCode: string;
  priority: ReferralPriority;
  referrerName: string | null;
  referrerOrgCode: string | null;
  /** YYYY-MM-DD: where the RTT clock started. */
  clockStart: string;
  clockStartRule: string;
  triage: {
    kind: TriageKind;
    priority: ReferralPriority | null;
    clinicType: ClinicType | null;
    reason: string | null;
    note: string | null;
    triagedBy: string | null;
    triagedAt: string | null;
  };
  pathwayId: string | null;
  importId: string | null;
  createdBy: string;
  createdAt: string;
}

export interface ReferralList {
  total: number;
  referrals: Referral[];
}

export interface ReferralQuery {
  triage?: TriageKind;
  specialty?: string;
  limit?: number;
  offset?: number;
}

/** One problem in a file: its spreadsheet row (1 is the header row), the column as headed in the file. */
export interface ImportProblem {
  row: number;
  column: string | null;
  field: ReferralField | null;
  message: string;
}

/** A row that may duplicate an earlier row of the file or a referral already held. */
export interface ImportDuplicate {
  row: number;
  kind: DuplicateKind;
  withRow?: number;
  existing?: boolean;
  column: string | null;
  /** Confirmed as a separate referral (its row was in `allowDuplicateRows`), so it does not block the import. */
  allowed: boolean;
  message: string;
}

/** What the report of every spreadsheet import (referrals, an e-RS worklist, a PTL extract) begins with. */
export interface ImportReportHead {
  importId: string | null;
  fileName: string;
  sheet: string | null;
  dryRun: boolean;
  /** True only when every row was imported. */
  imported: boolean;
  rows: number;
  importedRows: number;
}

/** What the server found in a file: from a dry run, an import, or an import it refused. */
export interface ImportReport extends ImportReportHead {
  summary: {
    rows: number;
    rowsWithProblems: number;
    problems: number;
    blockingDuplicates: number;
    /** One sentence for the person importing, e.g. "All 12 referrals can be imported." */
    message: string;
  };
  problems: ImportProblem[];
  duplicates: ImportDuplicate[];
  /** The heading, as written in the file, of each field found. */
  columns: Partial<Record<ReferralField, string>>;
  ignoredColumns: string[];
}

export interface ImportRequest {
  fileName: string;
  /** The file's bytes in base64. */
  content: string;
  sheet?: string;
  dryRun?: boolean;
  /** Rows a person has checked and confirmed as separate referrals. */
  allowDuplicateRows?: number[];
}

export interface ImportHistoryItem {
  id: string;
  fileName: string;
  rows: number;
  outcome: 'imported' | 'refused';
  problems: number;
  importedBy: string;
  createdAt: string;
}

export type TriageDecisionKind = Exclude<TriageKind, 'pending'>;

export interface TriageRequest {
  kind: TriageDecisionKind;
  priority?: ReferralPriority;
  clinicType?: ClinicType;
  reason?: string;
  note?: string;
}

/** The largest file the server takes (5 MB). */
export const MAX_IMPORT_FILE_BYTES = 5 * 1024 * 1024;

/** The query string for a referrals request, leaving out anything not set. */
function referralSearch(query: ReferralQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query) as [string, string | number | undefined][]) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return params.toString();
}

export const getReferrals = (query: ReferralQuery, signal?: AbortSignal) =>
  api.get<ReferralList>(`${BASE}?${referralSearch(query)}`, { signal });

export const getReferral = (id: string, signal?: AbortSignal) =>
  api.get<Referral>(`${BASE}/${encodeURIComponent(id)}`, { signal });

export const triageReferral = (id: string, body: TriageRequest) =>
  api.post<Referral>(`${BASE}/${encodeURIComponent(id)}/triage`, body);

/** A dry run answers 200 and an import 201, both with the report; a refused import throws 422 `import_refused`. */
export const importReferrals = (body: ImportRequest) => api.post<ImportReport>(`${BASE}/imports`, body);

export const getImports = (limit: number, signal?: AbortSignal) =>
  api
    .get<{ imports: ImportHistoryItem[] }>(`${BASE}/imports?limit=${limit}`, { signal })
    .then((answer) => answer.imports);

/** The report in a 422 `import_refused` problem (its extension member `report`), if that is what this is. */
export function refusedReport(body: Readonly<Record<string, unknown>> | undefined): ImportReport | null {
  const report = body?.report;
  if (typeof report !== 'object' || report === null) return null;
  const r = report as Partial<ImportReport>;
  return Array.isArray(r.problems) && Array.isArray(r.duplicates) && typeof r.summary === 'object'
    ? (report as ImportReport)
    : null;
}

/** The file's bytes, base64-encoded, as the import endpoint takes them. */
export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const chunks: string[] = [];
  // String.fromCharCode takes its bytes as arguments: a few thousand at a time keeps within the stack.
  for (let i = 0; i < bytes.length; i += 0x2000) {
    chunks.push(String.fromCharCode(...bytes.subarray(i, i + 0x2000)));
  }
  return btoa(chunks.join(''));
}
