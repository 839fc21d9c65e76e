/**
 * The synthetic trust's clinics: a weekly clinic template for every clinician (one or two sessions a week),
 * and at the large size the specialties' team clinics (registrars and specialist nurses, booked as service
 * clinics), each with version 1 active from the seed's today and its slots over the rolling horizon.
 *
 * Templates go through core's `validateClinicTemplate` and slots come from core's `generateSlots`, so they are
 * the same shapes `POST /api/v1/clinics` makes. Choices (documented so they can be questioned):
 * - Sessions are 3½ hours on weekdays at London wall-clock times between 08:30 and 17:00 (so no session ever
 *   meets a clock change). First appointments fill the first two hours, a 15-minute break follows, then
 *   follow-ups fill the rest. Slot lengths are the specialty's (20 or 30 minutes for a first appointment,
 *   15 or 20 for a follow-up); capacity is 1.
 * - How many sessions and slots a clinic has depends only on the specialty and the clinic's position, never on
 *   the seed or the day, so `plannedCounts` knows the exact number of slots in advance: weekly sessions over a
 *   horizon of whole weeks meet each weekday exactly DEFAULT_HORIZON_WEEKS times. The seed picks the weekdays,
 *   times and location.
 * - Which first-appointment slots a session offers follows who is waiting (core `firstAppointmentCandidates`,
 *   the rule booking in turn uses): a two-week-wait slot only in a specialty that takes suspected-cancer
 *   referrals and has such a patient waiting whom this clinic may see (the pathway names no clinician, or
 *   this one), an urgent-new slot when an urgent or two-week-wait patient is waiting, new slots when an urgent
 *   or routine patient is. So every first-appointment slot suits somebody on the list. Follow-up slots are for
 *   patients once seen. No procedure slots: no seeded pathway is triaged to a procedure clinic.
 * - All slots are free (nothing is booked by the seed).
 */
import { sql } from 'drizzle-orm';
import {
  DEFAULT_HORIZON_WEEKS,
  firstAppointmentCandidates,
  generateSlots,
  slotHorizon,
  validateClinicTemplate,
  type ClinicTemplate,
  type GeneratedSlot,
  type RttPriority,
  type SlotType,
  type TemplateSession,
  type TemplateSlot,
  type Weekday,
} from '@pathflow/core';
import { queryRows, type Database } from '../db/client';
import type { clinicTemplateVersions } from '../db/schema';
import type { BulkColumn, CellValue } from './bulk-insert';
import { Random } from './random';
import { SPECIALTIES, type SpecialtyProfile } from './specialties';
import { STREAM } from './streams';
import { allocateBySpecialty } from './workforce';

export const CLINIC_TEMPLATE_COLUMNS: readonly BulkColumn[] = [
  { name: 'org_id', kind: 'uuid' },
  { name: 'id', kind: 'uuid' },
  { name: 'name', kind: 'text' },
  { name: 'clinician_id', kind: 'uuid' },
  { name: 'service_name', kind: 'text' },
  { name: 'location_id', kind: 'uuid' },
  { name: 'specialty_code', kind: 'text' },
  { name: 'created_by', kind: 'text' },
  { name: 'created_at', kind: 'timestamptz' },
];

export const SLOT_COLUMNS: readonly BulkColumn[] = [
  { name: 'org_id', kind: 'uuid' },
  { name: 'id', kind: 'uuid' },
  { name: 'template_id', kind: 'uuid' },
  { name: 'key', kind: 'text' },
  { name: 'session_date', kind: 'date' },
  { name: 'session_index', kind: 'integer' },
  { name: 'starts_at', kind: 'timestamptz' },
  { name: 'ends_at', kind: 'timestamptz' },
  { name: 'slot_type', kind: 'text' },
  { name: 'capacity', kind: 'integer' },
  { name: 'status', kind: 'text' },
  { name: 'specialty_code', kind: 'text' },
  { name: 'clinician_id', kind: 'uuid' },
  { name: 'location_id', kind: 'uuid' },
];

/** Who created the seeded templates and versions (as `created_by`; the seed has no signed-in user). */
export const SEED_ACTOR = 'seed';

/** Slot lengths in minutes: a first appointment and a follow-up. */
interface ClinicStyle {
  readonly first: number;
  readonly followUp: number;
}

const DEFAULT_STYLE: ClinicStyle = { first: 30, followUp: 15 };
/** Specialties whose clinics run shorter first appointments or longer follow-ups than the default. */
const STYLES: Readonly<Record<string, ClinicStyle>> = {
  '110': { first: 20, followUp: 15 },
  '120': { first: 20, followUp: 15 },
  '130': { first: 20, followUp: 15 },
  '330': { first: 20, followUp: 15 },
  '400': { first: 30, followUp: 20 },
  '420': { first: 30, followUp: 20 },
  '430': { first: 30, followUp: 20 },
  '800': { first: 30, followUp: 20 },
};

const SESSION_MINUTES = 210;
const FIRST_BLOCK_MINUTES = 120;
const FOLLOW_UPS_FROM = 135;

const styleOf = (code: string): ClinicStyle => STYLES[code] ?? DEFAULT_STYLE;
const firstSlots = (style: ClinicStyle) => Math.floor(FIRST_BLOCK_MINUTES / style.first);
const followUpSlots = (style: ClinicStyle) =>
  Math.floor((SESSION_MINUTES - FOLLOW_UPS_FROM) / style.followUp);
const slotsPerSession = (code: string) => firstSlots(styleOf(code)) + followUpSlots(styleOf(code));

/** Session times on the London wall clock, each 3½ hours. */
const WINDOWS: readonly { start: string; end: string }[] = [
  { start: '08:30', end: '12:00' },
  { start: '09:00', end: '12:30' },
  { start: '13:00', end: '16:30' },
  { start: '13:30', end: '17:00' },
];
const TEAM_WINDOWS = [WINDOWS[1]!, WINDOWS[3]!];
const WEEKDAYS: readonly Weekday[] = [1, 2, 3, 4, 5];

/** Departments (by name) where each specialty holds its clinics, when the trust has them. */
const DEPARTMENTS: Readonly<Record<string, readonly string[]>> = {
  '100': ['Main Outpatients', 'Day Surgery Outpatients', 'Outpatients East'],
  '101': ['Urology Outpatients', 'Main Outpatients'],
  '103': ['Breast Unit'],
  '104': ['Main Outpatients', 'Endoscopy Outpatients'],
  '110': ['Fracture Clinic', 'Orthopaedic Outpatients'],
  '120': ['ENT and Audiology Outpatients'],
  '130': ['Eye Clinic', 'Eye Clinic Kingsmoor'],
  '140': ['Day Surgery Outpatients', 'Main Outpatients'],
  '170': ['Cardiac Investigations Unit'],
  '300': ['Main Outpatients', 'Community Outpatients'],
  '301': ['Endoscopy Outpatients', 'Main Outpatients'],
  '302': ['Main Outpatients', 'Outpatients East'],
  '320': ['Cardiac Investigations Unit'],
  '330': ['Dermatology Outpatients'],
  '340': ['Respiratory Clinic', 'Main Outpatients'],
  '400': ['Main Outpatients', 'Kingsmoor Outpatients'],
  '410': ['Rheumatology Outpatients'],
  '420': ["Children's Outpatients"],
  '430': ['Elderly Care Day Unit', 'Community Outpatients'],
  '502': ["Women's Health Unit"],
};
const GENERAL_DEPARTMENTS = [
  'Main Outpatients',
  'Outpatients East',
  'Kingsmoor Outpatients',
  'Community Outpatients',
];

/** One clinic's shape: what it is and how many sessions it runs a week (known without the seed). */
export interface ClinicShape {
  specialty: SpecialtyProfile;
  /** The clinician's position in the specialty's list, or null for a team clinic. */
  clinicianIndex: number | null;
  /** For a team clinic, its number within the specialty (1, 2 …). */
  teamNumber: number | null;
  sessions: number;
}

/**
 * Every clinic the trust runs, in a fixed order: each specialty's clinicians (in the order they were
 * generated), then its team clinics. Three clinicians in four run two sessions a week, the others one; a team
 * clinic runs every weekday morning and afternoon.
 */
export function clinicShapes(
  cliniciansPerSpecialty: ReadonlyMap<string, number>,
  teamClinics: number,
): ClinicShape[] {
  const teams = teamClinics > 0 ? allocateBySpecialty(teamClinics, 0) : new Map<string, number>();
  const shapes: ClinicShape[] = [];
  let clinician = 0;
  for (const specialty of SPECIALTIES) {
    for (let k = 0; k < (cliniciansPerSpecialty.get(specialty.code) ?? 0); k++, clinician++) {
      shapes.push({ specialty, clinicianIndex: k, teamNumber: null, sessions: clinician % 4 === 3 ? 1 : 2 });
    }
    for (let t = 1; t <= (teams.get(specialty.code) ?? 0); t++) {
      shapes.push({
        specialty,
        clinicianIndex: null,
        teamNumber: t,
        sessions: WEEKDAYS.length * TEAM_WINDOWS.length,
      });
    }
  }
  return shapes;
}

/** Rows the clinics will have, exactly. */
export function plannedClinicCounts(shapes: readonly ClinicShape[]): {
  clinic_templates: number;
  clinic_template_versions: number;
  slots: number;
} {
  const weekly = shapes.reduce((n, s) => n + s.sessions * slotsPerSession(s.specialty.code), 0);
  return {
    clinic_templates: shapes.length,
    clinic_template_versions: shapes.length,
    slots: weekly * DEFAULT_HORIZON_WEEKS,
  };
}

/** Open pathways waiting for a first appointment, counted by specialty, named clinician and priority. */
export class WaitingList {
  private readonly counts = new Map<string, number>();

  add(specialtyCode: string, clinicianId: string | null, priority: string, n: number): void {
    const key = `${specialtyCode}|${clinicianId ?? ''}|${priority}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
    const any = `${specialtyCode}|*|${priority}`;
    this.counts.set(any, (this.counts.get(any) ?? 0) + n);
  }

  /** Patients a clinic may see: those naming no clinician or this one; for a team clinic, everybody. */
  count(specialtyCode: string, clinicianId: string | null, priority: RttPriority): number {
    const get = (who: string) => this.counts.get(`${specialtyCode}|${who}|${priority}`) ?? 0;
    return clinicianId === null ? get('*') : get('') + get(clinicianId);
  }

  /** Whether a slot of this type, in this clinic, suits somebody waiting (follow-ups: patients once seen). */
  suits(slotType: SlotType, specialtyCode: string, clinicianId: string | null): boolean {
    const candidates = firstAppointmentCandidates(slotType);
    // No seeded pathway is triaged to a procedure clinic, so procedure-only slots suit nobody yet.
    if (candidates === null) return true;
    if (candidates.procedureOnly) return false;
    return candidates.priorities.some((p) => this.count(specialtyCode, clinicianId, p) > 0);
  }

  /** Reads the waiting list the seed has just written. */
  static async load(db: Database, orgId: string): Promise<WaitingList> {
    const rows = await queryRows<{
      specialty_code: string;
      clinician_id: string | null;
      priority: string;
      n: number;
    }>(
      db,
      sql`select specialty_code, clinician_id, priority, count(*)::int as n
            from pathways
           where org_id = ${orgId} and status = 'open' and rtt_running
             and clinic_type is distinct from 'procedure'
           group by specialty_code, clinician_id, priority`,
    );
    const list = new WaitingList();
    for (const r of rows) list.add(r.specialty_code, r.clinician_id, r.priority, r.n);
    return list;
  }
}

/** A seeded clinician, as the clinics need one (from the `CLINICIAN_COLUMNS` row). */
interface ClinicianRef {
  id: string;
  title: string;
  familyName: string;
}

export interface SeedClinic {
  id: string;
  name: string;
  clinicianId: string | null;
  serviceName: string | null;
  locationId: string;
  specialtyCode: string;
  template: ClinicTemplate;
}

type VersionRow = typeof clinicTemplateVersions.$inferInsert;

export interface ClinicInputs {
  seed: number;
  orgId: string;
  /** The seed's today (YYYY-MM-DD): version 1 is effective from it and the horizon starts on it. */
  today: string;
  /** When the templates were created (ISO instant). */
  asOf: string;
  /** Rows in `CLINICIAN_COLUMNS` order. */
  clinicianRows: readonly CellValue[][];
  /** Rows in `LOCATION_COLUMNS` order. */
  locationRows: readonly CellValue[][];
  teamClinics: number;
  waiting: WaitingList;
}

/** Builds the trust's clinic templates (small: kept in memory) and streams their slots. */
export class ClinicFactory {
  readonly clinics: SeedClinic[];
  readonly plannedSlots: number;
  private readonly horizonTo: string;

  constructor(private readonly inputs: ClinicInputs) {
    const bySpecialty = new Map<string, ClinicianRef[]>();
    for (const row of inputs.clinicianRows) {
      const code = String(row[6]);
      const list = bySpecialty.get(code) ?? [];
      list.push({ id: String(row[1]), title: String(row[3]), familyName: String(row[5]) });
      bySpecialty.set(code, list);
    }
    const locations = new Map(inputs.locationRows.map((r) => [String(r[3]), String(r[1])]));
    const shapes = clinicShapes(
      new Map([...bySpecialty].map(([code, list]) => [code, list.length])),
      inputs.teamClinics,
    );
    this.plannedSlots = plannedClinicCounts(shapes).slots;
    this.horizonTo = slotHorizon(inputs.today).to;
    const rng = new Random(inputs.seed);
    this.clinics = shapes.map((shape, index) => {
      rng.reseed(inputs.seed, STREAM.clinics, index);
      const clinician =
        shape.clinicianIndex === null ? null : bySpecialty.get(shape.specialty.code)![shape.clinicianIndex]!;
      return this.clinic(rng, shape, clinician, locations);
    });
  }

  private clinic(
    rng: Random,
    shape: ClinicShape,
    clinician: ClinicianRef | null,
    locations: ReadonlyMap<string, string>,
  ): SeedClinic {
    const { specialty } = shape;
    const id = rng.uuid();
    const preferred = (DEPARTMENTS[specialty.code] ?? []).filter((d) => locations.has(d));
    const departments =
      preferred.length > 0 ? preferred : GENERAL_DEPARTMENTS.filter((d) => locations.has(d));
    if (departments.length === 0)
      throw new Error('The trust has no outpatient department to hold clinics in');
    const locationId = locations.get(rng.pick(departments))!;

    const sessions: TemplateSession[] = [];
    if (clinician === null) {
      for (const weekday of WEEKDAYS) {
        for (const w of TEAM_WINDOWS) sessions.push(this.session(weekday, w, specialty, null));
      }
    } else {
      const days = [...WEEKDAYS];
      const chosen: Weekday[] = [];
      for (let i = 0; i < shape.sessions; i++) chosen.push(days.splice(rng.int(days.length), 1)[0]!);
      chosen.sort((a, b) => a - b);
      for (const weekday of chosen) {
        sessions.push(this.session(weekday, rng.pick(WINDOWS), specialty, clinician.id));
      }
    }

    const clinicianId = clinician?.id ?? null;
    const serviceName =
      clinician === null ? `${specialty.name} registrar and specialist nurse clinics` : null;
    const result = validateClinicTemplate({
      clinicianId,
      ...(serviceName === null ? {} : { serviceName }),
      locationId,
      specialtyCode: specialty.code,
      effectiveFrom: this.inputs.today,
      effectiveTo: null,
      recurrence: { kind: 'weekly' },
      sessions,
    });
    if (!result.ok) {
      // A bug in this generator, never bad input: say exactly what core refused.
      throw new Error(
        `Seeded clinic template is not valid: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      );
    }
    const name =
      clinician === null
        ? `${specialty.name} team clinic ${shape.teamNumber!}`
        : `${specialty.name} clinic (${clinician.title} ${clinician.familyName})`;
    return {
      id,
      name,
      clinicianId,
      serviceName,
      locationId,
      specialtyCode: specialty.code,
      template: result.template,
    };
  }

  /** One session: first appointments (by who is waiting), a break, then follow-ups. */
  private session(
    weekday: Weekday,
    window: { start: string; end: string },
    specialty: SpecialtyProfile,
    clinicianId: string | null,
  ): TemplateSession {
    const style = styleOf(specialty.code);
    const suits = (type: SlotType) => this.inputs.waiting.suits(type, specialty.code, clinicianId);
    const urgentTypes: SlotType[] = [];
    if (specialty.cancerWeight > 0 && suits('two-week-wait')) urgentTypes.push('two-week-wait');
    if (suits('urgent-new')) urgentTypes.push('urgent-new');
    const filler: SlotType = suits('new') ? 'new' : (urgentTypes.at(-1) ?? 'follow-up');
    const slots: TemplateSlot[] = [];
    for (let i = 0; i < firstSlots(style); i++) {
      slots.push({
        offsetMinutes: i * style.first,
        durationMinutes: style.first,
        slotType: urgentTypes[i] ?? filler,
        capacity: 1,
      });
    }
    for (let i = 0; i < followUpSlots(style); i++) {
      slots.push({
        offsetMinutes: FOLLOW_UPS_FROM + i * style.followUp,
        durationMinutes: style.followUp,
        slotType: 'follow-up',
        capacity: 1,
      });
    }
    return { weekday, start: window.start, end: window.end, slots };
  }

  templateRows(): CellValue[][] {
    const { orgId, asOf } = this.inputs;
    return this.clinics.map((c) => [
      orgId,
      c.id,
      c.name,
      c.clinicianId,
      c.serviceName,
      c.locationId,
      c.specialtyCode,
      SEED_ACTOR,
      asOf,
    ]);
  }

  /** Version 1 of each template, active from today (JSON columns: written through Drizzle, not in bulk). */
  versionRows(): VersionRow[] {
    const { orgId, asOf } = this.inputs;
    return this.clinics.map((c) => ({
      orgId,
      templateId: c.id,
      version: 1,
      effectiveFrom: c.template.effectiveFrom,
      effectiveTo: c.template.effectiveTo,
      recurrence: c.template.recurrence,
      sessions: c.template.sessions,
      status: 'active',
      createdBy: SEED_ACTOR,
      createdAt: new Date(asOf),
    }));
  }

  /** Every slot, template by template; slot uuids come from the template's own stream, so they are the seed's. */
  *slotRows(): Generator<CellValue[]> {
    const { seed, orgId, today } = this.inputs;
    const rng = new Random(seed);
    for (let index = 0; index < this.clinics.length; index++) {
      const c = this.clinics[index]!;
      rng.reseed(seed, STREAM.slots, index);
      const generated: GeneratedSlot[] = generateSlots(
        { ...c.template, templateId: c.id, version: 1 },
        { from: today, to: this.horizonTo },
      );
      for (const g of generated) {
        yield [
          orgId,
          rng.uuid(),
          c.id,
          g.key,
          g.date,
          g.sessionIndex,
          g.startsAt,
          g.endsAt,
          g.slotType,
          g.capacity,
          'open',
          c.specialtyCode,
          c.clinicianId,
          c.locationId,
        ];
      }
    }
  }
}
