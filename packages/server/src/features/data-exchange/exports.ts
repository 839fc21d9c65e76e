/**
 * Downloads for other systems and for reporting: the appointments of a date range (every status), and the
 * activity of a date range (attendances, did-not-attends, cancellations by the patient or the hospital,
 * appointments with no attendance recorded, each with its clinic outcome; and RTT clock stops). Dates are
 * London calendar days, both ends included; a range covers at most 366 days and an export at most 100,000
 * rows, otherwise a 400 says what to change. Each row exported is recorded in the audit log, with its patient,
 * in the same transaction as the read (as the PTL export does).
 */
import { and, asc, count, eq, gte, inArray, lt, lte } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import {
  ACTIVITY_KINDS,
  ACTIVITY_LABELS,
  ACTIVITY_STOP_CODES,
  APPOINTMENT_STATUS_LABELS,
  CLINIC_OUTCOME_LABELS,
  MAX_EXPORT_ROWS,
  addDays,
  appointmentActivity,
  checkExportRange,
  formatNhsNumber,
  labelFor,
  londonDateOfEpochMilliseconds,
  londonDayStartEpochMilliseconds,
  parsePlainDate,
  rttStatusDescription,
  type ActivityKind,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import {
  appointments,
  clinicians,
  clinicTemplates,
  locations,
  pathways,
  patients,
  rttEvents,
  slots,
  specialties,
} from '../../db/schema';
import type { RequestContext } from '../../auth/principal';
import { AppError, invalid } from '../../errors';
import { londonToday } from '../../clock';
import {
  clinicOfSlot,
  locationOfSlot,
  pathwayOfAppointment,
  slotOfAppointment,
} from '../clinics/appointment-joins';
import { auditMany } from './batches';
import { londonTime, sheetOf, type Column } from './spreadsheet';

export interface ExportRange {
  from: string;
  to: string;
  /** Treatment function code: only this specialty's clinics (appointments) or pathways (clock stops). */
  specialty?: string | undefined;
}

/** Checks the range and the specialty; a 400 naming the query parameter otherwise. */
async function checkRange(tx: Database, orgId: string, q: ExportRange): Promise<void> {
  const [problem] = checkExportRange(q.from, q.to);
  if (problem) throw invalid(`/query/${problem.field}`, problem.message);
  if (q.specialty !== undefined) {
    const [found] = await tx
      .select({ code: specialties.code })
      .from(specialties)
      .where(and(eq(specialties.orgId, orgId), eq(specialties.code, q.specialty)));
    if (!found) {
      throw invalid(
        '/query/specialty',
        `Specialty ${q.specialty} is not one of your organisation's specialties`,
      );
    }
  }
}

function tooMany(rows: number): AppError {
  const message = `The export would hold ${rows.toLocaleString('en-GB')} rows; it holds at most ${MAX_EXPORT_ROWS.toLocaleString('en-GB')}. Choose a shorter range or one specialty.`;
  return new AppError('validation_failed', message, { errors: [{ field: '/query', message }] });
}

/** The instants that bound the London days of the range: [start of `from`, start of the day after `to`). */
function instants(q: ExportRange): { start: Date; end: Date } {
  const dayAfter = addDays(parsePlainDate(q.to), 1).toString();
  return {
    start: new Date(londonDayStartEpochMilliseconds(q.from)),
    end: new Date(londonDayStartEpochMilliseconds(dayAfter)),
  };
}

const personName = (p: { familyName: string; givenName: string }) => `${p.familyName}, ${p.givenName}`;
const londonDate = (at: Date) => londonDateOfEpochMilliseconds(at.getTime());

export interface AppointmentExportRow {
  id: string;
  patientId: string;
  date: string;
  time: string;
  clinic: string;
  location: string;
  consultant: string;
  specialtyCode: string;
  specialty: string;
  slotType: string;
  status: string;
  cancelledBy: string | null;
  cancelledOn: string | null;
  cancelReason: string | null;
  outcome: string | null;
  nhsNumber: string;
  patient: string;
  dateOfBirth: string;
  ppid: string;
  priority: string;
  bookedOn: string;
  noticeDays: number;
  reasonableOffer: boolean;
}

const slotClinician = alias(clinicians, 'slot_clinician');

/** The appointments of a range, in date and time order, with clinic, patient and pathway. */
async function selectAppointments(
  tx: Database,
  orgId: string,
  q: ExportRange,
): Promise<AppointmentExportRow[]> {
  const { start, end } = instants(q);
  const where = and(
    eq(appointments.orgId, orgId),
    gte(appointments.startsAt, start),
    lt(appointments.startsAt, end),
    q.specialty === undefined ? undefined : eq(slots.specialtyCode, q.specialty),
  );
  const [total] = await tx
    .select({ n: count() })
    .from(appointments)
    .innerJoin(slots, slotOfAppointment)
    .where(where);
  if ((total?.n ?? 0) > MAX_EXPORT_ROWS) throw tooMany(total!.n);
  const rows = await tx
    .select({
      id: appointments.id,
      patientId: appointments.patientId,
      startsAt: appointments.startsAt,
      slotType: appointments.slotType,
      status: appointments.status,
      cancelledBy: appointments.cancelledBy,
      cancelledAt: appointments.cancelledAt,
      cancelReason: appointments.cancelReason,
      outcome: appointments.outcome,
      bookedAt: appointments.bookedAt,
      noticeDays: appointments.noticeDays,
      reasonableOffer: appointments.reasonableOffer,
      clinic: clinicTemplates.name,
      locationName: locations.name,
      site: locations.site,
      clinicianTitle: slotClinician.title,
      clinicianGiven: slotClinician.givenName,
      clinicianFamily: slotClinician.familyName,
      specialtyCode: slots.specialtyCode,
      specialty: specialties.name,
      nhsNumber: patients.nhsNumber,
      givenName: patients.givenName,
      familyName: patients.familyName,
      dateOfBirth: patients.dateOfBirth,
      ppid: pathways.ppid,
      priority: pathways.priority,
    })
    .from(appointments)
    .innerJoin(slots, slotOfAppointment)
    .innerJoin(clinicTemplates, clinicOfSlot)
    .innerJoin(locations, locationOfSlot)
    .leftJoin(
      slotClinician,
      and(eq(slotClinician.orgId, slots.orgId), eq(slotClinician.id, slots.clinicianId)),
    )
    .innerJoin(
      specialties,
      and(eq(specialties.orgId, slots.orgId), eq(specialties.code, slots.specialtyCode)),
    )
    .innerJoin(patients, and(eq(patients.orgId, appointments.orgId), eq(patients.id, appointments.patientId)))
    .innerJoin(pathways, pathwayOfAppointment)
    .where(where)
    .orderBy(
      asc(appointments.startsAt),
      asc(clinicTemplates.name),
      asc(patients.familyName),
      asc(appointments.id),
    )
    .limit(MAX_EXPORT_ROWS);
  return rows.map((r) => ({
    id: r.id,
    patientId: r.patientId,
    date: londonDate(r.startsAt),
    time: londonTime(r.startsAt),
    clinic: r.clinic,
    location: `${r.locationName}, ${r.site}`,
    consultant:
      r.clinicianFamily === null
        ? ''
        : `${r.clinicianTitle ?? ''} ${r.clinicianGiven ?? ''} ${r.clinicianFamily}`.trim(),
    specialtyCode: r.specialtyCode,
    specialty: r.specialty,
    slotType: r.slotType,
    status: r.status,
    cancelledBy: r.cancelledBy,
    cancelledOn: r.cancelledAt === null ? null : londonDate(r.cancelledAt),
    cancelReason: r.cancelReason,
    outcome: r.outcome,
    nhsNumber: r.nhsNumber,
    patient: personName(r),
    dateOfBirth: r.dateOfBirth,
    ppid: r.ppid,
    priority: r.priority,
    bookedOn: londonDate(r.bookedAt),
    noticeDays: r.noticeDays,
    reasonableOffer: r.reasonableOffer,
  }));
}

const PRIORITY_LABELS: Readonly<Record<string, string>> = {
  routine: 'Routine',
  urgent: 'Urgent',
  'two-week-wait': 'Two-week wait',
};
const SLOT_TYPE_LABELS: Readonly<Record<string, string>> = {
  new: 'New',
  'urgent-new': 'Urgent new',
  'two-week-wait': 'Two-week wait',
  'follow-up': 'Follow-up',
  procedure: 'Procedure',
};
const BY_LABELS: Readonly<Record<string, string>> = { patient: 'Patient', hospital: 'Hospital' };

export const APPOINTMENT_COLUMNS: readonly Column<AppointmentExportRow>[] = [
  { header: 'Date', width: 12, date: true, value: (r) => ({ date: r.date }) },
  { header: 'Time', width: 7, value: (r) => r.time },
  { header: 'Clinic', width: 28, value: (r) => r.clinic },
  { header: 'Location', width: 28, value: (r) => r.location },
  { header: 'Consultant', width: 24, value: (r) => r.consultant },
  { header: 'Specialty code', width: 10, value: (r) => r.specialtyCode },
  { header: 'Specialty', width: 26, value: (r) => r.specialty },
  { header: 'Slot type', width: 14, value: (r) => labelFor(SLOT_TYPE_LABELS, r.slotType) },
  { header: 'Status', width: 22, value: (r) => labelFor(APPOINTMENT_STATUS_LABELS, r.status) },
  { header: 'Cancelled by', width: 12, value: (r) => labelFor(BY_LABELS, r.cancelledBy) },
  {
    header: 'Cancelled on',
    width: 12,
    date: true,
    value: (r) => (r.cancelledOn ? { date: r.cancelledOn } : null),
  },
  { header: 'Cancellation reason', width: 30, value: (r) => r.cancelReason ?? '' },
  { header: 'Outcome', width: 24, value: (r) => labelFor(CLINIC_OUTCOME_LABELS, r.outcome) },
  { header: 'NHS number', width: 14, value: (r) => formatNhsNumber(r.nhsNumber) },
  { header: 'Patient', width: 26, value: (r) => r.patient },
  { header: 'Date of birth', width: 13, date: true, value: (r) => ({ date: r.dateOfBirth }) },
  { header: 'PPID', width: 22, value: (r) => r.ppid },
  { header: 'Priority', width: 14, value: (r) => labelFor(PRIORITY_LABELS, r.priority) },
  { header: 'Booked on', width: 12, date: true, value: (r) => ({ date: r.bookedOn }) },
  { header: 'Notice (days)', width: 10, value: (r) => r.noticeDays },
  { header: 'Reasonable offer', width: 10, value: (r) => (r.reasonableOffer ? 'Yes' : 'No') },
];

/** The appointments of a range (see the module comment); one audit row per appointment exported. */
export async function appointmentsExport(
  db: Database,
  ctx: RequestContext,
  q: ExportRange,
): Promise<AppointmentExportRow[]> {
  const orgId = ctx.principal.orgId;
  return db.transaction(async (tx) => {
    await checkRange(tx, orgId, q);
    const rows = await selectAppointments(tx, orgId, q);
    await auditMany(
      tx,
      ctx,
      'Appointment.export',
      'Appointment',
      rows.map((r) => ({ resourceId: r.id, patientId: r.patientId })),
    );
    return rows;
  });
}

export interface ActivityRow {
  date: string;
  kind: ActivityKind;
  patientId: string;
  /** The appointment, or for a clock stop the pathway, the row is about (for the audit). */
  resourceType: 'Appointment' | 'Pathway';
  resourceId: string;
  nhsNumber: string;
  patient: string;
  dateOfBirth: string;
  specialtyCode: string;
  specialty: string;
  ppid: string;
  clinic: string;
  time: string;
  appointmentStatus: string | null;
  cancelledOn: string | null;
  outcome: string | null;
  rttCode: string | null;
}

/** Clock stops (RTT status 30–36) recorded on a day of the range. */
async function selectClockStops(tx: Database, orgId: string, q: ExportRange): Promise<ActivityRow[]> {
  const where = and(
    eq(rttEvents.orgId, orgId),
    gte(rttEvents.eventDate, q.from),
    lte(rttEvents.eventDate, q.to),
    inArray(rttEvents.code, [...ACTIVITY_STOP_CODES]),
    q.specialty === undefined ? undefined : eq(pathways.specialtyCode, q.specialty),
  );
  const [total] = await tx
    .select({ n: count() })
    .from(rttEvents)
    .innerJoin(pathways, and(eq(pathways.orgId, rttEvents.orgId), eq(pathways.id, rttEvents.pathwayId)))
    .where(where);
  if ((total?.n ?? 0) > MAX_EXPORT_ROWS) throw tooMany(total!.n);
  const rows = await tx
    .select({
      date: rttEvents.eventDate,
      code: rttEvents.code,
      pathwayId: pathways.id,
      patientId: pathways.patientId,
      ppid: pathways.ppid,
      specialtyCode: pathways.specialtyCode,
      specialty: specialties.name,
      nhsNumber: patients.nhsNumber,
      givenName: patients.givenName,
      familyName: patients.familyName,
      dateOfBirth: patients.dateOfBirth,
    })
    .from(rttEvents)
    .innerJoin(pathways, and(eq(pathways.orgId, rttEvents.orgId), eq(pathways.id, rttEvents.pathwayId)))
    .innerJoin(patients, and(eq(patients.orgId, pathways.orgId), eq(patients.id, pathways.patientId)))
    .innerJoin(
      specialties,
      and(eq(specialties.orgId, pathways.orgId), eq(specialties.code, pathways.specialtyCode)),
    )
    .where(where)
    .orderBy(asc(rttEvents.eventDate), asc(rttEvents.seq), asc(rttEvents.id))
    .limit(MAX_EXPORT_ROWS);
  return rows.map((r) => ({
    date: r.date,
    kind: 'clock-stop' as const,
    patientId: r.patientId,
    resourceType: 'Pathway' as const,
    resourceId: r.pathwayId,
    nhsNumber: r.nhsNumber,
    patient: personName(r),
    dateOfBirth: r.dateOfBirth,
    specialtyCode: r.specialtyCode,
    specialty: r.specialty,
    ppid: r.ppid,
    clinic: '',
    time: '',
    appointmentStatus: null,
    cancelledOn: null,
    outcome: null,
    rttCode: r.code,
  }));
}

export const ACTIVITY_COLUMNS: readonly Column<ActivityRow>[] = [
  { header: 'Date', width: 12, date: true, value: (r) => ({ date: r.date }) },
  { header: 'Activity', width: 24, value: (r) => ACTIVITY_LABELS[r.kind] },
  { header: 'NHS number', width: 14, value: (r) => formatNhsNumber(r.nhsNumber) },
  { header: 'Patient', width: 26, value: (r) => r.patient },
  { header: 'Date of birth', width: 13, date: true, value: (r) => ({ date: r.dateOfBirth }) },
  { header: 'Specialty code', width: 10, value: (r) => r.specialtyCode },
  { header: 'Specialty', width: 26, value: (r) => r.specialty },
  { header: 'PPID', width: 22, value: (r) => r.ppid },
  { header: 'Clinic', width: 28, value: (r) => r.clinic },
  { header: 'Time', width: 7, value: (r) => r.time },
  {
    header: 'Appointment status',
    width: 22,
    value: (r) => labelFor(APPOINTMENT_STATUS_LABELS, r.appointmentStatus),
  },
  {
    header: 'Cancelled on',
    width: 12,
    date: true,
    value: (r) => (r.cancelledOn ? { date: r.cancelledOn } : null),
  },
  { header: 'Outcome', width: 24, value: (r) => labelFor(CLINIC_OUTCOME_LABELS, r.outcome) },
  { header: 'RTT status', width: 10, value: (r) => r.rttCode ?? '' },
  {
    header: 'RTT status description',
    width: 40,
    value: (r) => (r.rttCode === null ? '' : rttStatusDescription(r.rttCode)),
  },
];

export interface ActivityCount {
  kind: ActivityKind;
  count: number;
}

export const ACTIVITY_SUMMARY_COLUMNS: readonly Column<ActivityCount>[] = [
  { header: 'Activity', width: 28, value: (r) => ACTIVITY_LABELS[r.kind] },
  { header: 'Count', width: 10, value: (r) => r.count },
];

/**
 * The activity of a range (see the module comment): appointment activity by appointment date, then clock
 * stops by their date, in date order; with the count of each kind. One audit row per row exported.
 */
export async function activityExport(
  db: Database,
  ctx: RequestContext,
  q: ExportRange,
): Promise<{ rows: ActivityRow[]; counts: ActivityCount[] }> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  return db.transaction(async (tx) => {
    await checkRange(tx, orgId, q);
    const booked = await selectAppointments(tx, orgId, q);
    const fromAppointments: ActivityRow[] = booked.flatMap((a) => {
      const kind = appointmentActivity({ status: a.status, cancelledBy: a.cancelledBy, date: a.date }, today);
      if (kind === null) return [];
      return [
        {
          date: a.date,
          kind,
          patientId: a.patientId,
          resourceType: 'Appointment' as const,
          resourceId: a.id,
          nhsNumber: a.nhsNumber,
          patient: a.patient,
          dateOfBirth: a.dateOfBirth,
          specialtyCode: a.specialtyCode,
          specialty: a.specialty,
          ppid: a.ppid,
          clinic: a.clinic,
          time: a.time,
          appointmentStatus: a.status,
          cancelledOn: a.cancelledOn,
          outcome: a.outcome,
          rttCode: null,
        },
      ];
    });
    const stops = await selectClockStops(tx, orgId, q);
    if (fromAppointments.length + stops.length > MAX_EXPORT_ROWS) {
      throw tooMany(fromAppointments.length + stops.length);
    }
    // Stable: appointments keep their time order within a day, and clock stops come after them.
    const rows = [...fromAppointments, ...stops].sort((a, b) =>
      a.date < b.date ? -1 : a.date > b.date ? 1 : 0,
    );
    for (const type of ['Appointment', 'Pathway'] as const) {
      await auditMany(
        tx,
        ctx,
        'Activity.export',
        type,
        rows
          .filter((r) => r.resourceType === type)
          .map((r) => ({ resourceId: r.resourceId, patientId: r.patientId })),
      );
    }
    const counts = ACTIVITY_KINDS.map((kind) => ({
      kind,
      count: rows.filter((r) => r.kind === kind).length,
    }));
    return { rows, counts };
  });
}

export const appointmentsSheet = (rows: AppointmentExportRow[]) =>
  sheetOf({ name: 'Appointments', columns: APPOINTMENT_COLUMNS, rows });
export const activitySheets = (rows: ActivityRow[], counts: ActivityCount[]) => [
  sheetOf({ name: 'Activity', columns: ACTIVITY_COLUMNS, rows }),
  sheetOf({ name: 'Summary', columns: ACTIVITY_SUMMARY_COLUMNS, rows: counts }),
];
