/**
 * The dashboards' figures over the REST API: `GET /api/v1/dashboard/waiting-list` (the waiting list by weeks
 * band per specialty) and `GET /api/v1/dashboard/breach-forecast` (the 18-week breaches coming up, week by
 * week). Counts only, over open pathways with a running RTT clock, by days waited to today in London.
 */

/** The weeks bands, shortest wait first: 0–17, 18–51, 52–64, 65–77 and 78+ weeks. */
export const WAIT_BAND_KEYS = [
  'weeks0to17',
  'weeks18to51',
  'weeks52to64',
  'weeks65to77',
  'weeks78plus',
] as const;
export type WaitBandKey = (typeof WAIT_BAND_KEYS)[number];
/** Pathways in each band, and all of them (`total`). */
export type BandCounts = Record<WaitBandKey, number> & { total: number };

export interface WaitingListByBand {
  asOf: string;
  /** The bands, shortest wait first: days waited = today (London) − clock start; `toDays` null for the last. */
  bands: { key: WaitBandKey; label: string; fromDays: number; toDays: number | null }[];
  /** Every specialty of the organisation, empty ones too. */
  specialties: ({ code: string; name: string } & BandCounts)[];
  trust: BandCounts;
}

export interface BreachWeek {
  weekStart: string;
  weekEnd: string;
  /** The first day counted: the Monday, or tomorrow in the current week. */
  countedFrom: string;
  /** Pathways whose 18-week breach date falls from `countedFrom` to `weekEnd`. */
  total: number;
  /** Of those, with an appointment booked on a date before the breach date. */
  bookedBeforeBreach: number;
  /** With an appointment booked on or after the breach date. */
  bookedAfterBreach: number;
  notBooked: number;
}

export interface BreachForecast {
  asOf: string;
  weeks: BreachWeek[];
  /** Open pathways over 18 weeks now (breach date today or earlier). */
  alreadyBreached: { total: number; booked: number; notBooked: number };
}
