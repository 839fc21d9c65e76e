/**
 * Clinic template types (issue "Clinic templates, slots and the booking engine", part 1).
 *
 * A clinic template version says when a clinician's (or a service's) clinic runs at a location: how often
 * (`recurrence`), on which weekdays and at which London wall-clock times (`sessions`), and how each session
 * is cut into bookable slots. Versions are immutable once published: a change is a new version, with its
 * own `effectiveFrom`, that supersedes the previous one from that date.
 */

/**
 * What a slot may be booked for. `urgent-new` is an urgent first appointment, `two-week-wait` an urgent
 * suspected cancer (or breast symptomatic) first appointment, `procedure` includes straight-to-test.
 */
export const SLOT_TYPES = ['new', 'follow-up', 'urgent-new', 'two-week-wait', 'procedure'] as const;
export type SlotType = (typeof SLOT_TYPES)[number];

/** Plain names, for messages and screens. */
export const SLOT_TYPE_NAMES = {
  new: 'new',
  'follow-up': 'follow-up',
  'urgent-new': 'urgent new',
  'two-week-wait': 'two-week wait',
  procedure: 'procedure',
} as const satisfies Record<SlotType, string>;

/** ISO weekday: 1 = Monday … 7 = Sunday (the same numbering as Temporal's `dayOfWeek`). */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * Which occurrence of the session's weekday in the month: 1 = the first (days 1–7), 2 = the second
 * (days 8–14), … 5 = the fifth (days 29–31, so not every month has one), 'last' = the last in the month
 * (the fourth or the fifth).
 */
export const WEEKS_OF_MONTH = [1, 2, 3, 4, 5, 'last'] as const;
export type WeekOfMonth = (typeof WEEKS_OF_MONTH)[number];

/**
 * How often the template's sessions run.
 * - `weekly`: every week.
 * - `every-n-weeks`: every `n`th week, counted in Monday-to-Sunday weeks from the week that contains
 *   `anchorDate` (which need not be a session day, and may be before or after `effectiveFrom`).
 * - `weeks-of-month`: on the given occurrences of the session's weekday in each month.
 */
export type Recurrence =
  | { kind: 'weekly' }
  | { kind: 'every-n-weeks'; n: number; anchorDate: string }
  | { kind: 'weeks-of-month'; weeks: WeekOfMonth[] };
export type RecurrenceKind = Recurrence['kind'];
export const RECURRENCE_KINDS = [
  'weekly',
  'every-n-weeks',
  'weeks-of-month',
] as const satisfies readonly RecurrenceKind[];

/** One bookable slot in a session's layout. */
export interface TemplateSlot {
  /** Whole minutes from the start of the session to the start of the slot (0 = at the session start). */
  offsetMinutes: number;
  /** Whole minutes, 5 to 480. */
  durationMinutes: number;
  slotType: SlotType;
  /** Patients the slot takes at once (1 for an ordinary slot; more for a group or a shared list). */
  capacity: number;
}

/** One session: a weekday and London wall-clock start and end ('HH:MM', 24-hour, same calendar day). */
export interface TemplateSession {
  weekday: Weekday;
  start: string;
  end: string;
  slots: TemplateSlot[];
}

/** A clinic template version, as validated by `validateClinicTemplate`. */
export interface ClinicTemplate {
  /** The clinician whose clinic this is, or null for a service clinic (then `serviceName` is required). */
  clinicianId: string | null;
  serviceName?: string;
  locationId: string;
  /** Treatment function code, three digits (e.g. '110' trauma and orthopaedics). */
  specialtyCode: string;
  /** First date the version applies (YYYY-MM-DD). */
  effectiveFrom: string;
  /** Last date the version applies (YYYY-MM-DD, inclusive), or null for open-ended. */
  effectiveTo: string | null;
  recurrence: Recurrence;
  sessions: TemplateSession[];
}

/** A stored template version: the template plus its identity, which goes into every slot key. */
export interface ClinicTemplateVersion extends ClinicTemplate {
  templateId: string;
  /** 1, 2, 3 … */
  version: number;
}

/** One problem with a template. `path` is slash-separated, e.g. 'sessions/0/slots/2/durationMinutes'. */
export interface TemplateError {
  path: string;
  message: string;
}

export type TemplateValidation =
  { ok: true; template: ClinicTemplate } | { ok: false; errors: TemplateError[] };
