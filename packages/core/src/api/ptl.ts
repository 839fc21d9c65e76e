/**
 * The patient tracking list (PTL) over the REST API: `GET /api/v1/ptl`, `GET /api/v1/ptl/summary` and
 * `GET /api/v1/ptl/export`. Every derived value (days, weeks, band, breach dates) is computed from the clock
 * when asked, never stored.
 */
import type { RttPriority } from '../rtt';

export const PTL_SORTS = ['breach-date', 'weeks-waited', 'priority'] as const;
/** breach-date: earliest breach first; weeks-waited: longest wait first; priority: two-week-wait, urgent, routine, then longest wait. */
export type PtlSort = (typeof PTL_SORTS)[number];

/**
 * Where a pathway on the PTL stands for the booking team (a partition of the list, read on the day):
 * - booked: it has a booked appointment;
 * - not-booked: no booked appointment and the patient is not unavailable today: to book;
 * - on-hold: no booked appointment and the patient has said they are unavailable today (a recorded period of
 *   unavailability covers today), so it waits until they are available again.
 */
export const PTL_STATUSES = ['not-booked', 'booked', 'on-hold'] as const;
export type PtlStatus = (typeof PTL_STATUSES)[number];

export interface PtlQuery {
  specialty?: string;
  clinicianId?: string;
  priority?: RttPriority;
  /** Completed weeks waited, inclusive bounds. */
  minWeeks?: number;
  maxWeeks?: number;
  /** Only pathways whose 18-week breach date is on or before this date (YYYY-MM-DD). */
  breachBy?: string;
  status?: PtlStatus;
  /** true: only pathways due (or overdue) for waiting-list validation today, by core's `validationDue`. */
  validationDue?: boolean;
  sort?: PtlSort;
  limit?: number;
  offset?: number;
}

/** The PTL filters and sort a saved view holds (PtlQuery without paging), as a query string. */
export type PtlViewQuery = Omit<PtlQuery, 'limit' | 'offset'>;

/** A signed-in user's own saved PTL view: `GET/POST /api/v1/saved-views`, `DELETE /api/v1/saved-views/:id`. */
export interface SavedView {
  id: string;
  /** 1–60 characters, unique among the user's views. */
  name: string;
  /** The query string of GET /api/v1/ptl (without limit and offset), e.g. `specialty=110&status=not-booked`. */
  query: string;
  createdAt: string;
}

export interface SavedViewList {
  views: SavedView[];
}

export interface NewSavedView {
  name: string;
  query: string;
}

export interface PtlBreachDates {
  '18': string;
  '52': string;
  '65': string;
  '78': string;
  '104': string;
}

export interface PtlRow {
  pathwayId: string;
  ppid: string;
  patient: { id: string; nhsNumber: string; name: string; dateOfBirth: string };
  specialty: { code: string; name: string };
  clinician: { id: string; name: string } | null;
  priority: RttPriority;
  clockStart: string;
  daysWaited: number;
  /** Completed weeks. */
  weeksWaited: number;
  /** max(1, ceil(days / 7)), as the national returns band waits. */
  weekBand: number;
  breachDates: PtlBreachDates;
  /** What must happen next and by when: attend the booked appointment, or book the first appointment. */
  nextAction: { label: string; due: string };
  appointment: { start: string; clinic: string } | null;
  validation: { lastContact: string | null; due: boolean; dueOn: string | null };
}

export interface PtlPage {
  asOf: string;
  total: number;
  limit: number;
  offset: number;
  rows: PtlRow[];
}

export interface PtlSpecialtySummary {
  code: string;
  name: string;
  total: number;
  /** Waiting 0–18 weeks, over 18 up to 52, over 52, over 65, over 78 and over 104 weeks. */
  within18: number;
  over18to52: number;
  over52: number;
  over65: number;
  over78: number;
  over104: number;
  /** Share within 18 weeks over incomplete pathways (nullified clocks excluded), 0–100, one decimal. */
  percentWithin18: number | null;
}

export interface PtlSummary {
  asOf: string;
  specialties: PtlSpecialtySummary[];
  trust: Omit<PtlSpecialtySummary, 'code' | 'name'>;
}
