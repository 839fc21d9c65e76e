/** Typed calls to the patient tracking list endpoints, `/api/v1/ptl`. Shapes come from `@pathflow/core`. */
import type { PtlPage, PtlQuery, PtlSummary } from '@pathflow/core';
import { api } from './client';

const BASE = '/api/v1/ptl';

export type PtlExportFormat = 'csv' | 'xlsx';

/** The query string for a PTL request, leaving out anything not set. */
export function ptlSearch(query: PtlQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query) as [string, string | number | undefined][]) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return params;
}

export const getPtl = (query: PtlQuery, signal?: AbortSignal) =>
  api.get<PtlPage>(`${BASE}?${ptlSearch(query).toString()}`, { signal });

export const getPtlSummary = (signal?: AbortSignal) => api.get<PtlSummary>(`${BASE}/summary`, { signal });

/** Where to download the list with these filters and sort order, every page of it. */
export function ptlExportUrl(format: PtlExportFormat, query: Omit<PtlQuery, 'limit' | 'offset'>): string {
  const params = ptlSearch({ ...query, limit: undefined, offset: undefined });
  return `${BASE}/export?${new URLSearchParams([['format', format], ...params]).toString()}`;
}
