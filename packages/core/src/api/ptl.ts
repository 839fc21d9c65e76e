/**
 * The patient tracking list (PTL) over the REST API: `GET /api/v1/ptl`, `GET /api/v1/ptl/summary` and
 * `GET /api/v1/ptl/export`. Every derived value (days, weeks, band, breach dates) is computed from the clock
 * when asked, never stored.
 */
import type { RttPriority } from '../rtt';

export const PTL_SORTS = ['breach-date', 'weeks-waited', 'priority'] as const;
/** breach-date: earliest breach first; weeks-waited: longest wait first; priority: two-week-wait, urgent, routine, then longest wait. */
export type PtlSort = (typeof PTL_SORTS)[number];

export interface PtlQuery {
  specialty?: string;
  clinicianId?: string;
  priority?: RttPriority;
  /** Completed weeks waited, inclusive bounds. */
  minWeeks?: number;
  maxWeeks?: number;
  /** Only pathways whose 18-week breach date is on or before this date (YYYY-MM-DD). */
  breachBy?: string;
  sort?: PtlSort;
  limit?: number;
  offset?: number;
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
