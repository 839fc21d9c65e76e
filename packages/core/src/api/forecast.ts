/**
 * The breach forecast over the REST API (issue 7): `GET /api/v1/forecast` (the summary week by week and per
 * specialty), `GET /api/v1/forecast/potential-breaches` (one page of the pathways likely to pass their next
 * threshold) and `POST /api/v1/forecast/what-if` (the forecast with places added or removed, before and after).
 * Types only: the server's TypeBox schemas say the same in the OpenAPI description.
 */
import type { PotentialBreachReason } from '../capacity/results';
import type { SlotType } from '../clinics/types';
import type { RttPriority } from '../rtt/status-codes';

/** The thresholds the forecast counts, in weeks. */
export type ForecastThresholdKey = '18' | '52' | '65' | '78';
/** One figure for each threshold: 18, 52, 65 and 78 weeks. */
export type ForecastByThreshold = Record<ForecastThresholdKey, number>;

/** A mean over the simulation runs and its standard deviation. */
export interface ForecastSpread {
  mean: number;
  sd: number;
}

/** The DNA and hospital-cancellation rates a forecast used, and where they came from. */
export interface ForecastRates {
  /** Did not attend: share of the appointments that went ahead. */
  dna: number;
  /** Cancelled by the hospital: share of the appointments due. */
  cancellation: number;
  source: 'specialty' | 'organisation' | 'default';
  /** Appointments due in the last 26 weeks the rates were counted from (0 for the defaults). */
  appointments: number;
}

export interface ForecastWeek {
  /** 0 is the seven days from today. */
  week: number;
  weekStart: string;
  weekEnd: string;
  /** The day after the week, when the list is counted. */
  countedOn: string;
  seen: ForecastSpread;
  /** Open pathways counted on `countedOn` (the list size). */
  waiting: ForecastSpread;
  over18: ForecastSpread;
  over52: ForecastSpread;
  arrivals: number;
  unusedPlaces: number;
  dna: number;
  cancelled: number;
}

/** The totals of a forecast, for the organisation or a scenario. */
export interface ForecastTotals {
  pathways: number;
  /** Pathways over each threshold today. */
  alreadyOver: ForecastByThreshold;
  /** Expected number of the others that pass each threshold within the horizon. */
  expectedBreaches: ForecastByThreshold;
  expectedSeen: number;
  /** Mean open pathways (new referrals included) counted after the last week. */
  listSizeAtHorizon: number;
  over18AtHorizon: number;
}

export interface SpecialtyForecast {
  code: string;
  name: string;
  /** The specialty's directorate, e.g. "Surgery"; null when not set. */
  directorate: string | null;
  pathways: number;
  alreadyOver: ForecastByThreshold;
  expectedBreaches: ForecastByThreshold;
  expectedSeen: number;
  potentialBreaches: number;
  freePlaces: number;
  demandPerWeek: number;
  rates: ForecastRates;
}

/** The figures of the specialties of one directorate, added up. */
export interface DirectorateForecast {
  /** The directorate, exactly as the specialties have it; null for the specialties with none. */
  name: string | null;
  expectedBreaches: ForecastByThreshold;
  potentialBreaches: number;
}

/** `GET /api/v1/forecast`. */
export interface ForecastView {
  asOf: string;
  weeks: number;
  runs: number;
  seed: number;
  /** The specialty forecast alone, or null for the organisation. */
  specialty: string | null;
  computedAt: string;
  rates: ForecastRates;
  bookedInThePast: number;
  leftOut: number;
  totals: ForecastTotals & { potentialBreaches: number };
  weekly: ForecastWeek[];
  specialties: SpecialtyForecast[];
  /** Per directorate of the specialties above, by name (null, the specialties with none, last). */
  directorates: DirectorateForecast[];
}

export interface ForecastQuery {
  specialty?: string | undefined;
  weeks?: number | undefined;
  runs?: number | undefined;
}

export interface PotentialBreachRow {
  pathwayId: string;
  patient: { id: string; name: string; nhsNumber: string };
  /** The pathway's specialty and its directorate (null when not set). */
  specialty: { code: string; name: string; directorate: string | null };
  priority: RttPriority;
  clockStart: string;
  /** The next threshold (18, 52, 65 or 78 weeks) not yet passed today. */
  thresholdWeeks: number;
  breachDate: string;
  /** Days from today to the breach date. */
  leadDays: number;
  /** Probability of passing `thresholdWeeks` before being seen. */
  probability: number;
  passing: ForecastByThreshold;
  projectedSeen: string | null;
  seenWithinHorizon: number;
  booked: string | null;
  reason: PotentialBreachReason;
  reasonText: string;
}

/** `GET /api/v1/forecast/potential-breaches`. */
export interface PotentialBreachPage {
  asOf: string;
  weeks: number;
  runs: number;
  computedAt: string;
  total: number;
  limit: number;
  offset: number;
  rows: PotentialBreachRow[];
}

export interface PotentialBreachQuery extends ForecastQuery {
  reason?: PotentialBreachReason | undefined;
  /** Only the pathways of specialties in this directorate (its exact name). */
  directorate?: string | undefined;
  limit: number;
  offset: number;
}

/** Places added (or, negative, removed) each week of a specialty's slots of one type. */
export interface ForecastAdjustment {
  specialty: string;
  slotType: SlotType;
  placesPerWeek: number;
  /** First week changed (default 0: from today). */
  fromWeek?: number | undefined;
  /** Week after the last one changed (default: the horizon). */
  toWeek?: number | undefined;
}

/** What a what-if does to a clinic: take its sessions away (leave, say), or add another session like it each week. */
export const CLINIC_CHANGES = ['remove', 'add'] as const;
export type ClinicChangeKind = (typeof CLINIC_CHANGES)[number];

export interface ClinicChange {
  /** The clinic (template) id. */
  clinicId: string;
  change: ClinicChangeKind;
  fromWeek?: number | undefined;
  toWeek?: number | undefined;
}

/** `POST /api/v1/forecast/what-if`'s body: at least one adjustment or clinic change. */
export interface WhatIfBody {
  adjustments?: ForecastAdjustment[] | undefined;
  clinics?: ClinicChange[] | undefined;
  weeks?: number | undefined;
  runs?: number | undefined;
}

/** A clinic change as the what-if applied it. */
export interface ClinicChangeView {
  clinicId: string;
  name: string;
  specialty: string;
  change: ClinicChangeKind;
  fromWeek: number;
  toWeek: number;
  /** Places taken away (remove: its free places in those weeks) or added (add: its usual places a week × weeks). */
  places: number;
  /** remove: appointments already booked into it in those weeks, which the what-if leaves booked. */
  bookedKept: number;
}

export interface SpecialtyScenario {
  expectedBreaches: ForecastByThreshold;
  expectedSeen: number;
  freePlaces: number;
}

/** `POST /api/v1/forecast/what-if`'s answer. */
export interface WhatIfView {
  asOf: string;
  weeks: number;
  runs: number;
  seed: number;
  computedAt: string;
  /** Every change in places, the clinics' included (a removed clinic's, week by week). */
  adjustments: Required<ForecastAdjustment>[];
  clinics: ClinicChangeView[];
  before: ForecastTotals;
  after: ForecastTotals;
  change: {
    expectedBreaches: ForecastByThreshold;
    expectedSeen: number;
    listSizeAtHorizon: number;
    over18AtHorizon: number;
  };
  specialties: { code: string; name: string; before: SpecialtyScenario; after: SpecialtyScenario }[];
}
