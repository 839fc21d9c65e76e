/**
 * Typed calls to the patient tracking list endpoints, `/api/v1/ptl`, and the signed-in user's saved views of
 * it, `/api/v1/saved-views`. Shapes come from `@pathflow/core`.
 */
import type {
  NewSavedView,
  PtlPage,
  PtlQuery,
  PtlSummary,
  PtlViewQuery,
  SavedView,
  SavedViewList,
} from '@pathflow/core';
import { api, request } from './client';

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
export function ptlExportUrl(format: PtlExportFormat, query: PtlViewQuery): string {
  const params = ptlSearch({ ...query, limit: undefined, offset: undefined });
  return `${BASE}/export?${new URLSearchParams([['format', format], ...params]).toString()}`;
}

const VIEWS = '/api/v1/saved-views';

/** The signed-in user's own saved views, by name. */
export const getSavedViews = (signal?: AbortSignal) =>
  api.get<SavedViewList>(VIEWS, { signal }).then((l) => l.views);

/** Saves these filters and sort under a name (400 for a bad name, 409 for a name already used). */
export const saveView = (name: string, query: PtlViewQuery) =>
  api.post<SavedView>(VIEWS, { name, query: ptlSearch(query).toString() } satisfies NewSavedView);

export const deleteSavedView = (id: string) =>
  request<undefined>('DELETE', `${VIEWS}/${encodeURIComponent(id)}`);
