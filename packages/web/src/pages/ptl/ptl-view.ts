/**
 * What the patient tracking list shows, kept in the page's query string so that a view can be bookmarked and
 * the back button works: `?specialty=110&priority=urgent&weeks=over-52&sort=weeks-waited&page=2`. Anything
 * not understood falls back to its default rather than failing.
 */
import { PTL_SORTS, RTT_PRIORITIES, type PtlQuery, type PtlSort, type RttPriority } from '@pathflow/core';

export const PAGE_SIZE = 50;

export const PRIORITY_LABELS: Record<RttPriority, string> = {
  'two-week-wait': 'Two-week wait',
  urgent: 'Urgent',
  routine: 'Routine',
};

/** Weeks waited bands, in completed weeks (inclusive bounds), as the API's minWeeks and maxWeeks take them. */
export const WEEK_BANDS = {
  'up-to-18': { label: 'Up to 18 weeks', minWeeks: 0, maxWeeks: 17 },
  '18-to-52': { label: '18 to 52 weeks', minWeeks: 18, maxWeeks: 51 },
  'over-52': { label: 'Over 52 weeks', minWeeks: 52, maxWeeks: undefined },
  'over-65': { label: 'Over 65 weeks', minWeeks: 65, maxWeeks: undefined },
  'over-78': { label: 'Over 78 weeks', minWeeks: 78, maxWeeks: undefined },
} as const satisfies Record<string, { label: string; minWeeks: number; maxWeeks: number | undefined }>;

export type WeekBand = keyof typeof WEEK_BANDS;

export const SORT_LABELS: Record<PtlSort, string> = {
  'breach-date': 'Earliest breach date first',
  'weeks-waited': 'Longest wait first',
  priority: 'Priority, then longest wait',
};

export const DEFAULT_SORT: PtlSort = 'breach-date';

export interface PtlView {
  /** Specialty code, or '' for every specialty. */
  specialty: string;
  priority: RttPriority | '';
  weeks: WeekBand | '';
  sort: PtlSort;
  /** 1-based. */
  page: number;
}

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((v) => v === value);
}

export function viewFromSearch(search: URLSearchParams): PtlView {
  const page = Number(search.get('page'));
  const specialty = search.get('specialty') ?? '';
  return {
    specialty: /^[A-Za-z0-9]{1,10}$/.test(specialty) ? specialty : '',
    priority: oneOf(RTT_PRIORITIES, search.get('priority')) ?? '',
    weeks: oneOf(Object.keys(WEEK_BANDS) as WeekBand[], search.get('weeks')) ?? '',
    sort: oneOf(PTL_SORTS, search.get('sort')) ?? DEFAULT_SORT,
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** The page's query string for a view, leaving out defaults so that the plain address is the default view. */
export function searchFromView(view: PtlView): string {
  const params = new URLSearchParams();
  if (view.specialty) params.set('specialty', view.specialty);
  if (view.priority) params.set('priority', view.priority);
  if (view.weeks) params.set('weeks', view.weeks);
  if (view.sort !== DEFAULT_SORT) params.set('sort', view.sort);
  if (view.page > 1) params.set('page', String(view.page));
  const search = params.toString();
  return search ? `?${search}` : '';
}

/** The filters and sort order of a view, as the API takes them (without paging). */
export function queryFromView(view: PtlView): Omit<PtlQuery, 'limit' | 'offset'> {
  const band = view.weeks ? WEEK_BANDS[view.weeks] : undefined;
  const query: Omit<PtlQuery, 'limit' | 'offset'> = { sort: view.sort };
  if (view.specialty) query.specialty = view.specialty;
  if (view.priority) query.priority = view.priority;
  if (band) query.minWeeks = band.minWeeks;
  if (band?.maxWeeks !== undefined) query.maxWeeks = band.maxWeeks;
  return query;
}
