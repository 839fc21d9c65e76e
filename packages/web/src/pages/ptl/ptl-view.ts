/**
 * What the patient tracking list shows, kept in the page's query string so that a view can be bookmarked and
 * the back button works: `?specialty=110&consultant=<id>&priority=urgent&weeks=over-52&breachBy=2027-01-31&
 * status=not-booked&validation=due&sort=weeks-waited&page=2`. Anything not understood falls back to its
 * default rather than failing. A saved view holds the API's query string instead (`queryFromView`), turned
 * back into a view with `viewFromQuery`.
 */
import {
  PTL_SORTS,
  PTL_STATUSES,
  RTT_PRIORITIES,
  type PtlQuery,
  type PtlSort,
  type PtlStatus,
  type RttPriority,
} from '@pathflow/core';

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

export const STATUS_LABELS: Record<PtlStatus, string> = {
  'not-booked': 'Not booked',
  booked: 'Booked',
  'on-hold': 'On hold (patient unavailable today)',
};

export const VALIDATION_CHOICES = {
  due: { label: 'Due or overdue', validationDue: true },
  'not-due': { label: 'Not due', validationDue: false },
} as const;
export type ValidationChoice = keyof typeof VALIDATION_CHOICES;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface PtlView {
  /** Specialty code, or '' for every specialty. */
  specialty: string;
  /** Consultant (clinician id), or '' for any. */
  consultant: string;
  priority: RttPriority | '';
  weeks: WeekBand | '';
  /** Only pathways whose 18-week breach date is on or before this day (YYYY-MM-DD), or ''. */
  breachBy: string;
  status: PtlStatus | '';
  validation: ValidationChoice | '';
  sort: PtlSort;
  /** 1-based. */
  page: number;
}

function isRealDate(iso: string): boolean {
  if (!ISO_DATE.test(iso)) return false;
  const date = new Date(`${iso}T12:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso;
}

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((v) => v === value);
}

export function viewFromSearch(search: URLSearchParams): PtlView {
  const page = Number(search.get('page'));
  const specialty = search.get('specialty') ?? '';
  const consultant = search.get('consultant') ?? '';
  const breachBy = search.get('breachBy') ?? '';
  return {
    specialty: /^[A-Za-z0-9]{1,10}$/.test(specialty) ? specialty : '',
    consultant: UUID.test(consultant) ? consultant.toLowerCase() : '',
    priority: oneOf(RTT_PRIORITIES, search.get('priority')) ?? '',
    weeks: oneOf(Object.keys(WEEK_BANDS) as WeekBand[], search.get('weeks')) ?? '',
    breachBy: isRealDate(breachBy) ? breachBy : '',
    status: oneOf(PTL_STATUSES, search.get('status')) ?? '',
    validation: oneOf(Object.keys(VALIDATION_CHOICES) as ValidationChoice[], search.get('validation')) ?? '',
    sort: oneOf(PTL_SORTS, search.get('sort')) ?? DEFAULT_SORT,
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** The page's query string for a view, leaving out defaults so that the plain address is the default view. */
export function searchFromView(view: PtlView): string {
  const params = new URLSearchParams();
  if (view.specialty) params.set('specialty', view.specialty);
  if (view.consultant) params.set('consultant', view.consultant);
  if (view.priority) params.set('priority', view.priority);
  if (view.weeks) params.set('weeks', view.weeks);
  if (view.breachBy) params.set('breachBy', view.breachBy);
  if (view.status) params.set('status', view.status);
  if (view.validation) params.set('validation', view.validation);
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
  if (view.consultant) query.clinicianId = view.consultant;
  if (view.priority) query.priority = view.priority;
  if (band) query.minWeeks = band.minWeeks;
  if (band?.maxWeeks !== undefined) query.maxWeeks = band.maxWeeks;
  if (view.breachBy) query.breachBy = view.breachBy;
  if (view.status) query.status = view.status;
  if (view.validation) query.validationDue = VALIDATION_CHOICES[view.validation].validationDue;
  return query;
}

/**
 * The view a saved view's query string (the API's filters, as `queryFromView` writes them) stands for, on its
 * first page; null when this page cannot show it exactly (weeks waited that are not one of its bands, say).
 */
export function viewFromQuery(text: string): PtlView | null {
  const q = new URLSearchParams(text);
  const known = new Set([
    'specialty',
    'clinicianId',
    'priority',
    'minWeeks',
    'maxWeeks',
    'breachBy',
    'status',
    'validationDue',
    'sort',
  ]);
  for (const key of q.keys()) if (!known.has(key)) return null;
  const min = q.get('minWeeks');
  const max = q.get('maxWeeks');
  let weeks: WeekBand | '' = '';
  if (min !== null || max !== null) {
    const band = (Object.keys(WEEK_BANDS) as WeekBand[]).find((b) => {
      const w = WEEK_BANDS[b];
      return (
        String(w.minWeeks) === min && (w.maxWeeks === undefined ? max === null : String(w.maxWeeks) === max)
      );
    });
    if (!band) return null;
    weeks = band;
  }
  const due = q.get('validationDue');
  const validation: ValidationChoice | '' = due === 'true' ? 'due' : due === 'false' ? 'not-due' : '';
  if (due !== null && !validation) return null;
  const params = new URLSearchParams();
  for (const [from, to] of [
    ['specialty', 'specialty'],
    ['clinicianId', 'consultant'],
    ['priority', 'priority'],
    ['breachBy', 'breachBy'],
    ['status', 'status'],
    ['sort', 'sort'],
  ] as const) {
    const value = q.get(from);
    if (value !== null) params.set(to, value);
  }
  const view = { ...viewFromSearch(params), weeks, validation, page: 1 };
  // Anything the address would drop was not understood: the view cannot be shown as saved.
  const again = new URLSearchParams(text);
  again.delete('sort');
  const shown = new URLSearchParams(
    Object.entries(queryFromView(view)).map(([k, v]) => [k, String(v)] as [string, string]),
  );
  shown.delete('sort');
  const sorted = (p: URLSearchParams) =>
    [...p]
      .map(([k, v]) => `${k}=${v}`)
      .sort()
      .join('&');
  return sorted(again) === sorted(shown) ? view : null;
}
