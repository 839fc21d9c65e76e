/**
 * Synthetic referral-to-treatment pathways, open and closed.
 *
 * Waits follow the exponential model of a stressed list (planning-and-data.md §1): if a share p is seen within
 * 18 weeks, waits are exponential with rate λ = −ln(1 − p)/18 per week. A little mixing makes the shape match
 * the national list rather than the pure model: half the routine waits are spread evenly over 30 weeks (the
 * pure exponential has too many very recent referrals: its median is 14.3 weeks where the published one is
 * 14.6), urgent referrals wait on a faster exponential, two-week-wait (suspected cancer) referrals under six
 * weeks, each specialty's waits are stretched by its pressure, and half of the waits beyond a year are pulled
 * back below it (trusts treat their longest waiters first). Result, as nationally in mid-2024: about 58 %
 * within 18 weeks, median about 14.6 weeks, about 3 % beyond 52 weeks, nobody beyond 78.
 */
import { isoDate, isoInstant, ageInYears } from './dates';
import type { PatientCore, PatientFactory } from './patients';
import { DecimalPermutation, Random, WeightedPicker } from './random';
import { SPECIALTIES, type SpecialtyProfile } from './specialties';
import { STREAM } from './streams';
import type { BulkColumn, CellValue } from './bulk-insert';

export const PATHWAY_COLUMNS: readonly BulkColumn[] = [
  { name: 'org_id', kind: 'uuid' },
  { name: 'id', kind: 'uuid' },
  { name: 'patient_id', kind: 'uuid' },
  { name: 'ppid', kind: 'text' },
  { name: 'ppid_issuer', kind: 'text' },
  { name: 'specialty_code', kind: 'text' },
  { name: 'clinician_id', kind: 'uuid' },
  { name: 'source', kind: 'text' },
  { name: 'priority', kind: 'text' },
  { name: 'referral_received_date', kind: 'date' },
  { name: 'clock_start_date', kind: 'date' },
  { name: 'status', kind: 'text' },
  { name: 'closed_date', kind: 'date' },
  { name: 'rtt_running', kind: 'boolean' },
  { name: 'rtt_period_start', kind: 'date' },
  { name: 'created_at', kind: 'timestamptz' },
];

export type PathwayPriority = 'routine' | 'urgent' | 'two-week-wait';
export type PathwaySource =
  'gp-referral' | 'ers' | 'consultant-to-consultant' | 'self-referral' | 'inter-provider-transfer';

const PRIORITIES: readonly (readonly [PathwayPriority, number])[] = [
  ['routine', 80],
  ['urgent', 15],
  ['two-week-wait', 5],
];

const SOURCES: readonly (readonly [PathwaySource, number])[] = [
  ['ers', 55],
  ['gp-referral', 24],
  ['consultant-to-consultant', 11],
  ['inter-provider-transfer', 6],
  ['self-referral', 4],
];

const CANCER_SOURCES: readonly (readonly [PathwaySource, number])[] = [
  ['ers', 85],
  ['gp-referral', 12],
  ['consultant-to-consultant', 3],
];

/**
 * Calibrated (by simulation over the priority and specialty mix) so that the open list has about 58 % within
 * 18 weeks, a median near 14.6 weeks and about 3 % beyond 52 weeks, as nationally in mid-2024.
 */
export const WAIT_MODEL = {
  /** Share of routine waits drawn uniformly over 0–30 weeks (a list that is seen roughly in turn). */
  routineUniformShare: 0.5,
  routineUniformWeeks: 30,
  /** The exponential component of routine waits: share within 18 weeks, giving λ = −ln(1 − p)/18. */
  routineWithin18: 0.49,
  urgentWithin18: 0.75,
  twoWeekWaitMaxWeeks: 6,
  /** Of the waits drawn beyond 52 weeks, the share pulled back into 36–52 weeks (long waiters treated first). */
  longWaitPullBack: 0.5,
  maxWeeks: 78,
} as const;

/** An open pathway's wait so far, in weeks; `pressure` stretches (above 1) or shrinks the specialty's waits. */
export function drawOpenWaitWeeks(rng: Random, priority: PathwayPriority, pressure: number): number {
  if (priority === 'two-week-wait') return rng.float() * WAIT_MODEL.twoWeekWaitMaxWeeks;
  let weeks: number;
  if (priority === 'routine' && rng.chance(WAIT_MODEL.routineUniformShare)) {
    weeks = rng.float() * WAIT_MODEL.routineUniformWeeks * pressure;
  } else {
    const p = priority === 'urgent' ? WAIT_MODEL.urgentWithin18 : WAIT_MODEL.routineWithin18;
    weeks = rng.exponential(-Math.log(1 - p) / 18 / pressure);
  }
  if (weeks > 52 && rng.chance(WAIT_MODEL.longWaitPullBack)) weeks = 36 + rng.float() * 16;
  if (weeks > WAIT_MODEL.maxWeeks) weeks = 52 + rng.float() * (WAIT_MODEL.maxWeeks - 52);
  return weeks;
}

function accepts(specialty: SpecialtyProfile, patient: PatientCore, age: number, rng: Random): boolean {
  if (age < specialty.minAge || age > specialty.maxAge) return false;
  if (patient.sex === 'male') return rng.chance(specialty.maleAcceptance);
  if (patient.sex === 'female') return rng.chance(specialty.femaleAcceptance);
  return true;
}

export interface PathwayPlan {
  open: number;
  closed: number;
  patients: number;
}

export class PathwayFactory {
  private readonly rng: Random;
  private readonly priorities = new WeightedPicker(PRIORITIES);
  private readonly sources = new WeightedPicker(SOURCES);
  private readonly cancerSources = new WeightedPicker(CANCER_SOURCES);
  private readonly specialties = new WeightedPicker(SPECIALTIES.map((s) => [s, s.listWeight] as const));
  private readonly cancerSpecialties = new WeightedPicker(
    SPECIALTIES.map((s) => [s, s.cancerWeight] as const),
  );
  private readonly ppids: DecimalPermutation;
  readonly total: number;

  constructor(
    private readonly seed: number,
    private readonly orgId: string,
    private readonly odsCode: string,
    private readonly todayDay: number,
    private readonly plan: PathwayPlan,
    private readonly patients: PatientFactory,
    private readonly clinicians: ReadonlyMap<string, readonly string[]>,
  ) {
    this.rng = new Random(seed);
    this.ppids = new DecimalPermutation(new Random(seed, STREAM.ppids), 10);
    this.total = plan.open + plan.closed;
  }

  /** Closed pathways are spread evenly among the open ones: pathway j is closed when the running share steps up. */
  isClosed(j: number): boolean {
    const { closed } = this.plan;
    return Math.floor(((j + 1) * closed) / this.total) > Math.floor((j * closed) / this.total);
  }

  row(j: number): CellValue[] {
    const rng = this.rng.reseed(this.seed, STREAM.pathways, j);
    const id = rng.uuid();
    const closed = this.isClosed(j);
    const priority = this.priorities.pick(rng);
    const specialty = (priority === 'two-week-wait' ? this.cancerSpecialties : this.specialties).pick(rng);

    // A patient this specialty would see: rejection sampling on age and sex, re-deriving candidates by index.
    let patient = this.patients.core(rng.int(this.plan.patients));
    for (let tries = 0; tries < 200; tries++) {
      if (accepts(specialty, patient, ageInYears(patient.birthDay, this.todayDay), rng)) break;
      patient = this.patients.core(rng.int(this.plan.patients));
    }

    const source = (priority === 'two-week-wait' ? this.cancerSources : this.sources).pick(rng);
    const consultants = this.clinicians.get(specialty.code) ?? [];
    const clinicianId =
      consultants.length > 0 && rng.chance(closed ? 0.9 : 0.7) ? rng.pick(consultants) : null;

    // A clock cannot start before the patient was born.
    const earliest = patient.birthDay;
    let clockStart: number;
    let closedDay: number | null = null;
    if (closed) {
      clockStart = Math.max(earliest, this.todayDay - rng.between(14, 730));
      const duration =
        priority === 'two-week-wait'
          ? rng.between(7, 62)
          : Math.ceil(rng.exponential(1 / 13) * 7 * specialty.pressure);
      closedDay = clockStart + Math.min(this.todayDay - clockStart, Math.max(1, duration));
    } else {
      clockStart = Math.max(
        earliest,
        this.todayDay - Math.floor(drawOpenWaitWeeks(rng, priority, specialty.pressure) * 7),
      );
    }
    // A transferred patient's clock started at the first provider; the referral reached us some weeks later.
    const referralReceived =
      source === 'inter-provider-transfer'
        ? Math.min(closedDay ?? this.todayDay, clockStart + rng.between(7, 56))
        : clockStart;

    return [
      this.orgId,
      id,
      patient.id,
      `${this.odsCode}${String(this.ppids.at(j)).padStart(10, '0')}`,
      this.odsCode,
      specialty.code,
      clinicianId,
      source,
      priority,
      isoDate(referralReceived),
      isoDate(clockStart),
      closed ? 'closed' : 'open',
      closedDay === null ? null : isoDate(closedDay),
      // The RTT projection: a closed pathway's clock stopped with treatment (its event is added after the insert).
      !closed,
      closed ? null : isoDate(clockStart),
      isoInstant(referralReceived, 480 + rng.int(540)),
    ];
  }
}
