/**
 * The weekly waiting-list pack (issue 7, part 4) as plain data: per specialty and for the trust, the open
 * pathways with a running clock, the number and share within 18 weeks and the long waits (over 52, 65 and 78
 * completed weeks), the breach forecast over 26 weeks with its top risks, the sessions of the next two weeks that
 * are under-booked, and each specialty's queue indicators (load, pressure).
 *
 * Every figure comes from an existing service, so the pack always agrees with the screens it summarises:
 * the waits from the PTL summary (`ptlSummary`), the forecast from `runForecast` (and `forecastView`), the
 * under-booked sessions from `utilisationFlags` and the indicators from `weeklyCapacityReport`. Nothing here
 * runs SQL of its own except reading the organisation's name and the top risks' patients (`patientsOf`).
 *
 * The change since last week compares with the stored pack of the latest earlier week (`./store.ts`, kept by the
 * weekly schedule, `./jobs.ts`); it is null when no earlier week has one.
 *
 * The day: the services count to the day of their context's clock. For today the real clock is used; for
 * another day (`--date`) noon UTC of that day (always that calendar day in London). Bookings and slots are read
 * as they are now, so a pack for a past day is not what it would have shown on that day.
 */
import { eq } from 'drizzle-orm';
import {
  epochDayToIso,
  POTENTIAL_BREACH_REASONS,
  type PotentialBreachReason,
  type RttPriority,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { organisations } from '../../db/schema';
import { systemContext, type RequestContext } from '../../auth/principal';
import { londonToday } from '../../clock';
import { ptlSummary } from '../ptl/service';
import { MAX_WEEKS, runForecast } from '../forecast/service';
import { forecastView, patientsOf } from '../forecast/requests';
import { REASON_TEXT, type ByThreshold, type DirectorateForecast } from '../forecast/view';
import { utilisationFlags } from '../utilisation/service';
import { weeklyCapacityReport } from '../capacity/service';
import { packChange, type PackChange } from './change';
import { packBefore } from './store';
import { weeklyEscalations, type Escalation } from './escalations';

/** Simulation runs of the pack's forecast (tests pass fewer). */
export const WEEKLY_PACK_RUNS = 200;
/** The forecast looks as far ahead as slots are kept. */
export const WEEKLY_PACK_FORECAST_WEEKS = MAX_WEEKS;
/** Potential breaches listed as top risks. */
export const TOP_RISKS = 20;
/** Under-booked sessions are looked for this many days ahead (today included). */
export const UNDER_BOOKED_DAYS = 14;

export interface WeeklyPackOptions {
  /** The clock (default: now). */
  now?: Date | undefined;
  runs?: number | undefined;
  /** Threads for the forecast's runs (see `runForecast`). */
  workers?: number | undefined;
  /** The context the services run in (default: the system acting for the organisation). */
  ctx?: RequestContext | undefined;
}

export interface WaitCounts {
  /** Open pathways with a running clock. */
  total: number;
  within18: number;
  /** within18 / total, as a fraction (0.5 is 50 %); null for an empty list. */
  fractionWithin18: number | null;
  over18: number;
  over52: number;
  over65: number;
  over78: number;
}

export interface CapacityFigures {
  /** Referrals added per week (mean of the last complete weeks). */
  demand: number | null;
  /** Patients leaving the list per week. */
  capacity: number | null;
  /** The complete weeks demand and capacity are the means of. */
  weeksCounted: number;
  /** demand / capacity. */
  load: number | null;
  /** Mean wait against the target's. */
  pressure: number | null;
  meanWaitWeeks: number | null;
}

export interface PackSpecialty extends WaitCounts {
  code: string;
  name: string;
  /** The directorate that manages it; null when none is recorded. */
  directorate: string | null;
  /** Expected number passing each threshold within the forecast (those already over it not counted). */
  expectedBreaches: ByThreshold;
  potentialBreaches: number;
  /** The potential breaches by their reason. */
  breachReasons: Record<PotentialBreachReason, number>;
  underBookedSessions: number;
  capacity: CapacityFigures;
}

export interface TopRisk {
  pathwayId: string;
  patientId: string;
  /** "Family, Given". */
  name: string;
  nhsNumber: string;
  specialty: { code: string; name: string; directorate: string | null };
  priority: RttPriority;
  thresholdWeeks: number;
  breachDate: string;
  leadDays: number;
  /** Share of runs passing the threshold (0 to 1). */
  probability: number;
  reason: PotentialBreachReason;
  reasonText: string;
}

export interface UnderBookedSession {
  date: string;
  startsAt: string;
  clinic: string;
  clinician: string | null;
  specialty: { code: string; name: string } | null;
  places: number;
  booked: number;
  /** booked / places, as a fraction; null when there are no places. */
  fractionBooked: number | null;
}

export interface PackForecastWeek {
  week: number;
  weekStart: string;
  weekEnd: string;
  /** Expected on the list, and over 18 and 52 weeks, at the week's end. */
  waiting: number;
  over18: number;
  over52: number;
  seen: number;
}

export interface WeeklyPack {
  organisation: { odsCode: string; name: string };
  asOf: string;
  generatedAt: string;
  trust: WaitCounts & {
    expectedBreaches: ByThreshold;
    alreadyOver: ByThreshold;
    potentialBreaches: number;
    underBookedSessions: number;
  };
  specialties: PackSpecialty[];
  /** The breach forecast per directorate (null: specialties with none recorded). */
  directorates: DirectorateForecast[];
  forecast: {
    runs: number;
    weeks: number;
    computedAt: string;
    weekly: PackForecastWeek[];
  };
  topRisks: TopRisk[];
  underBooked: { from: string; to: string; threshold: number; sessions: UnderBookedSession[] };
  /** The change since the stored pack of the latest earlier week; null when there is none. */
  changeSinceLastWeek: PackChange | null;
  /** What a service manager must act on, per specialty (`./escalations.ts`). */
  escalations: Escalation[];
}

const zero = (): ByThreshold => ({ '18': 0, '52': 0, '65': 0, '78': 0 });
const noReasons = () =>
  Object.fromEntries(POTENTIAL_BREACH_REASONS.map((r) => [r, 0])) as Record<PotentialBreachReason, number>;

function waitCounts(c: {
  total: number;
  within18: number;
  over52: number;
  over65: number;
  over78: number;
}): WaitCounts {
  return {
    total: c.total,
    within18: c.within18,
    fractionWithin18: c.total === 0 ? null : c.within18 / c.total,
    over18: c.total - c.within18,
    over52: c.over52,
    over65: c.over65,
    over78: c.over78,
  };
}

/** The clock of a pack for `asOf`: now for today, otherwise noon UTC of that day (that day in London). */
export function packClock(asOf: string, now: Date): Date {
  return londonToday(now) === asOf ? now : new Date(`${asOf}T12:00:00Z`);
}

/** Top risks first: the highest chance, then the shortest lead time, then the earliest breach. */
const byRisk = (
  a: { probability: number; leadDays: number; breachDay: number },
  b: { probability: number; leadDays: number; breachDay: number },
) => b.probability - a.probability || a.leadDays - b.leadDays || a.breachDay - b.breachDay;

/**
 * The pack of `orgId` as of `asOf` (YYYY-MM-DD). Reads the top risks' patients: the caller audits what it
 * hands on (see `./service.ts`).
 */
export async function buildWeeklyPack(
  db: Database,
  orgId: string,
  asOf: string,
  options: WeeklyPackOptions = {},
): Promise<WeeklyPack> {
  const now = packClock(asOf, options.now ?? new Date());
  const ctx: RequestContext = options.ctx
    ? { ...options.ctx, now: packClock(asOf, options.ctx.now) }
    : systemContext(orgId, now, 'weekly-pack');
  const [org] = await db
    .select({ odsCode: organisations.odsCode, name: organisations.name })
    .from(organisations)
    .where(eq(organisations.orgId, orgId));
  if (!org) throw new Error(`No organisation ${orgId}`);

  const summary = await ptlSummary(db, ctx);
  const run = await runForecast(db, orgId, asOf, {
    runs: options.runs ?? WEEKLY_PACK_RUNS,
    horizonWeeks: WEEKLY_PACK_FORECAST_WEEKS,
    now: ctx.now,
    workers: options.workers,
  });
  const view = forecastView(run);
  const flags = await utilisationFlags(db, ctx, { days: UNDER_BOOKED_DAYS });
  const capacity = await weeklyCapacityReport(db, ctx, {});

  const forecastOf = new Map(view.specialties.map((s) => [s.code, s]));
  const capacityOf = new Map(capacity.specialties.map((s) => [s.code, s.indicators]));
  const underBookedOf = new Map<string, number>();
  for (const s of flags.sessions) {
    const code = s.specialty?.code;
    if (code !== undefined) underBookedOf.set(code, (underBookedOf.get(code) ?? 0) + 1);
  }

  const reasonsOf = new Map<string, Record<PotentialBreachReason, number>>();
  for (const b of run.breaches) {
    let counts = reasonsOf.get(b.specialtyCode);
    if (!counts) reasonsOf.set(b.specialtyCode, (counts = noReasons()));
    counts[b.reason] += 1;
  }

  const specialties: PackSpecialty[] = summary.specialties.map((s) => {
    const f = forecastOf.get(s.code);
    const c = capacityOf.get(s.code);
    return {
      code: s.code,
      name: s.name,
      directorate: run.specialtyDirectorates.get(s.code) ?? null,
      ...waitCounts(s),
      expectedBreaches: f ? { ...f.expectedBreaches } : zero(),
      potentialBreaches: f?.potentialBreaches ?? 0,
      breachReasons: reasonsOf.get(s.code) ?? noReasons(),
      underBookedSessions: underBookedOf.get(s.code) ?? 0,
      capacity: {
        demand: c?.demand ?? null,
        capacity: c?.capacity ?? null,
        weeksCounted: c?.weeksCounted ?? 0,
        load: c?.load ?? null,
        pressure: c?.pressure ?? null,
        meanWaitWeeks: c?.meanWaitWeeks ?? null,
      },
    };
  });

  const risks = [...run.breaches].sort(byRisk).slice(0, TOP_RISKS);
  const people = await patientsOf(
    db,
    orgId,
    risks.map((b) => b.pathwayId),
  );
  const topRisks: TopRisk[] = [];
  for (const b of risks) {
    const p = people.get(b.pathwayId);
    if (!p) continue;
    topRisks.push({
      pathwayId: b.pathwayId,
      patientId: p.id,
      name: p.name,
      nhsNumber: p.nhsNumber,
      specialty: {
        code: b.specialtyCode,
        name: run.specialtyNames.get(b.specialtyCode) ?? b.specialtyCode,
        directorate: run.specialtyDirectorates.get(b.specialtyCode) ?? null,
      },
      priority: b.priority,
      thresholdWeeks: b.weeks,
      breachDate: epochDayToIso(b.breachDay),
      leadDays: b.leadDays,
      probability: b.probability,
      reason: b.reason,
      reasonText: REASON_TEXT[b.reason],
    });
  }

  const pack: WeeklyPack = {
    organisation: { odsCode: org.odsCode, name: org.name },
    asOf: summary.asOf,
    generatedAt: (options.now ?? new Date()).toISOString(),
    trust: {
      ...waitCounts(summary.trust),
      expectedBreaches: { ...view.totals.expectedBreaches },
      alreadyOver: { ...view.totals.alreadyOver },
      potentialBreaches: view.totals.potentialBreaches,
      underBookedSessions: flags.sessions.length,
    },
    specialties,
    directorates: view.directorates,
    forecast: {
      runs: view.runs,
      weeks: view.weeks,
      computedAt: view.computedAt,
      weekly: view.weekly.map((w) => ({
        week: w.week,
        weekStart: w.weekStart,
        weekEnd: w.weekEnd,
        waiting: w.waiting.mean,
        over18: w.over18.mean,
        over52: w.over52.mean,
        seen: w.seen.mean,
      })),
    },
    topRisks,
    underBooked: {
      from: flags.from,
      to: flags.to,
      threshold: flags.threshold,
      sessions: flags.sessions.map((s) => ({
        date: s.session?.date ?? s.firstDate,
        startsAt: s.session?.startsAt ?? `${s.firstDate}T00:00:00.000Z`,
        clinic: s.clinic?.name ?? '',
        clinician: s.clinic?.clinician ?? null,
        specialty: s.specialty,
        places: s.ahead.places,
        booked: s.ahead.booked,
        fractionBooked: s.ahead.places > 0 ? s.ahead.booked / s.ahead.places : null,
      })),
    },
    changeSinceLastWeek: null,
    escalations: [],
  };
  const previous = await packBefore(db, orgId, pack.asOf);
  if (previous) pack.changeSinceLastWeek = packChange(previous, pack);
  pack.escalations = weeklyEscalations(pack);
  return pack;
}
