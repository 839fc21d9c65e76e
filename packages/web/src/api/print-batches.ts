/**
 * Typed calls to the print batch endpoints, `/api/v1/print-batches`: a day's letters for the print-and-post
 * provider. The shapes follow the server's OpenAPI description (`GET /api/v1/openapi.json`).
 */
import { api } from './client';

const BASE = '/api/v1/print-batches';
const id = (value: string) => encodeURIComponent(value);

export interface PrintBatch {
  id: string;
  /** YYYY-MM-DD: the letters made on or before this London date. */
  date: string;
  status: 'ready' | 'collected';
  letterCount: number;
  createdBy: string;
  createdAt: string;
  collectedBy: string | null;
  collectedAt: string | null;
}

/** `date` defaults to today in London. A 409 means no letters are waiting to be printed. */
export const makePrintBatch = (date?: string) => api.post<PrintBatch>(BASE, date ? { date } : {});

export const getPrintBatches = (signal?: AbortSignal) =>
  api.get<{ batches: PrintBatch[] }>(BASE, { signal }).then((answer) => answer.batches);

export const getPrintBatch = (batchId: string, signal?: AbortSignal) =>
  api.get<PrintBatch>(`${BASE}/${id(batchId)}`, { signal });

export const markCollected = (batchId: string) => api.post<PrintBatch>(`${BASE}/${id(batchId)}/collected`);

/** Plain links: the browser sends the session cookie, and the server answers with a download. */
export const lettersPdfUrl = (batchId: string) => `${BASE}/${id(batchId)}/letters.pdf`;
export const manifestCsvUrl = (batchId: string) => `${BASE}/${id(batchId)}/manifest.csv`;
