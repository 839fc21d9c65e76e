/**
 * Reception: a day's clinic sessions at a site, and what happens at the desk — the patient checks in
 * (arrived), is seen (attended), or, once the session is over, did not attend.
 *
 * The attendance itself is always recorded by the booking service (`booking/outcome.ts` `recordAttendance`):
 * its state rules (each step once: a second try is a 409), its audit row, the RTT status a missed first
 * appointment records and the access policy after a DNA (`booking/dna.ts`) all run exactly as they do for the
 * attendance endpoint. Reception adds the desk's own rules on top:
 *
 * - RECEPTION-check-in-on-the-day: a patient checks in on the day of their appointment, not before or after.
 * - RECEPTION-seen-on-the-day: a patient is seen on the day of their appointment, not before it.
 * - RECEPTION-dna-before-start: nobody is marked as not attending before their appointment has started.
 * - RECEPTION-dna-before-session-end: "mark the rest as did not attend" waits until the session has ended.
 *
 * Whether a missed appointment had been clearly communicated (which decides what a first DNA does to the
 * clock, §1.4 rule 5e) is taken from the outbox: a booking, move or reminder message to the patient that was
 * sent or delivered. A message still queued or that failed is no evidence (EX-RTT-08).
 */
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import {
  londonDateOfEpochMilliseconds,
  parsePlainDate,
  type DeskAction,
  type ReceptionAppointment,
  type ReceptionClinic,
  type ReceptionDay,
  type ReceptionQuery,
  type ReceptionSession,
  type ReceptionSite,
  type ReceptionStatus,
  type SessionDnaInput,
  type SessionDnaResult,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import {
  appointments,
  clinicTemplates,
  clinicians,
  communications,
  locations,
  patients,
  slots,
  supportRequests,
} from '../../db/schema';
import { actorOf, writeAuditForMany } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError, invalid, notFound } from '../../errors';
import { londonToday } from '../../clock';
import { recordAttendance } from '../booking/outcome';

/** The appointment's stored status as the desk sees it. */
export function receptionStatus(status: string): ReceptionStatus {
  switch (status) {
    case 'booked':
      return 'booked';
    case 'arrived':
      return 'arrived';
    case 'attended':
      return 'seen';
    case 'dna':
      return 'dna';
    default:
      // cancelled, cancelled-on-day, displaced (the clinic was cancelled)
      return 'cancelled';
  }
}

/** Messages to the patient that show the appointment was communicated, once sent or delivered. */
const EVIDENCE_KINDS = ['appointment-booked', 'appointment-moved', 'appointment-reminder'];
const EVIDENCE_STATUSES = ['sent', 'delivered'];

/** Each site once, by code, with its name, in name order. */
async function sitesOf(db: Database, orgId: string) {
  const rows = await db
    .select({ code: locations.siteCode, name: locations.site })
    .from(locations)
    .where(eq(locations.orgId, orgId))
    .orderBy(asc(locations.site), asc(locations.siteCode));
  const seen = new Map<string, string>();
  for (const r of rows) if (!seen.has(r.code)) seen.set(r.code, r.name);
  return [...seen].map(([code, name]) => ({ code, name }));
}

const patientName = (p: { givenName: string; familyName: string }) => `${p.familyName}, ${p.givenName}`;

/** The reception rows of these appointments (any order). */
async function appointmentRows(
  db: Database,
  orgId: string,
  where: ReturnType<typeof and>,
): Promise<(ReceptionAppointment & { slotId: string })[]> {
  const rows = await db
    .select({
      id: appointments.id,
      slotId: appointments.slotId,
      startsAt: appointments.startsAt,
      endsAt: appointments.endsAt,
      slotType: appointments.slotType,
      status: appointments.status,
      patientId: patients.id,
      givenName: patients.givenName,
      familyName: patients.familyName,
      nhsNumber: patients.nhsNumber,
      interpreterLanguage: patients.interpreterLanguage,
      transportEligible: patients.transportEligible,
      communicationNeeds: patients.communicationNeeds,
    })
    .from(appointments)
    .innerJoin(patients, and(eq(patients.orgId, appointments.orgId), eq(patients.id, appointments.patientId)))
    .where(and(eq(appointments.orgId, orgId), where));
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const requests = await db
    .select({
      appointmentId: supportRequests.appointmentId,
      kind: supportRequests.kind,
      language: supportRequests.language,
    })
    .from(supportRequests)
    .where(
      and(
        eq(supportRequests.orgId, orgId),
        inArray(supportRequests.appointmentId, ids),
        ne(supportRequests.status, 'cancelled'),
      ),
    );
  const evidence = await db
    .selectDistinct({ appointmentId: communications.appointmentId })
    .from(communications)
    .where(
      and(
        eq(communications.orgId, orgId),
        inArray(communications.appointmentId, ids),
        eq(communications.recipient, 'patient'),
        inArray(communications.kind, EVIDENCE_KINDS),
        inArray(communications.status, EVIDENCE_STATUSES),
      ),
    );
  const communicated = new Set(evidence.map((e) => e.appointmentId));
  return rows.map((r) => {
    const own = requests.filter((q) => q.appointmentId === r.id);
    const interpreter = own.find((q) => q.kind === 'interpreter');
    return {
      id: r.id,
      slotId: r.slotId,
      startsAt: r.startsAt.toISOString(),
      endsAt: r.endsAt.toISOString(),
      slotType: r.slotType,
      status: receptionStatus(r.status),
      appointmentStatus: r.status,
      patient: { id: r.patientId, name: patientName(r), nhsNumber: r.nhsNumber },
      needs: {
        interpreter: interpreter?.language ?? r.interpreterLanguage ?? null,
        transport: own.some((q) => q.kind === 'transport') || r.transportEligible,
        communication: r.communicationNeeds,
      },
      communicated: communicated.has(r.id),
    };
  });
}

const byTime = (a: ReceptionAppointment, b: ReceptionAppointment) =>
  a.startsAt.localeCompare(b.startsAt) ||
  a.patient.name.localeCompare(b.patient.name) ||
  a.id.localeCompare(b.id);

function checkDate(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw invalid('/query/date', 'Enter the date as YYYY-MM-DD');
  try {
    return parsePlainDate(date).toString();
  } catch {
    throw invalid('/query/date', 'Enter a real date, as YYYY-MM-DD');
  }
}

/** The day's clinic sessions (see the module comment), each patient listed audited as a read. */
export async function receptionDay(
  db: Database,
  ctx: RequestContext,
  q: ReceptionQuery,
): Promise<ReceptionDay> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  const date = q.date === undefined ? today : checkDate(q.date);
  return db.transaction(async (tx) => {
    const sites = await sitesOf(tx, orgId);
    const site = q.site === undefined || q.site === '' ? null : q.site;
    if (site !== null && !sites.some((s) => s.code === site)) {
      throw invalid('/query/site', 'Choose one of the sites listed');
    }
    const slotRows = await tx
      .select({
        id: slots.id,
        templateId: slots.templateId,
        sessionIndex: slots.sessionIndex,
        startsAt: slots.startsAt,
        endsAt: slots.endsAt,
        status: slots.status,
        clinicName: clinicTemplates.name,
        serviceName: clinicTemplates.serviceName,
        specialtyCode: clinicTemplates.specialtyCode,
        siteCode: locations.siteCode,
        siteName: locations.site,
        locationName: locations.name,
        clinicianTitle: clinicians.title,
        clinicianGiven: clinicians.givenName,
        clinicianFamily: clinicians.familyName,
      })
      .from(slots)
      .innerJoin(
        clinicTemplates,
        and(eq(clinicTemplates.orgId, slots.orgId), eq(clinicTemplates.id, slots.templateId)),
      )
      .innerJoin(locations, and(eq(locations.orgId, slots.orgId), eq(locations.id, slots.locationId)))
      .leftJoin(clinicians, and(eq(clinicians.orgId, slots.orgId), eq(clinicians.id, slots.clinicianId)))
      .where(
        and(
          eq(slots.orgId, orgId),
          eq(slots.sessionDate, date),
          ne(slots.status, 'removed'),
          site === null ? undefined : eq(locations.siteCode, site),
        ),
      );
    const slotIds = slotRows.map((s) => s.id);
    const rows =
      slotIds.length === 0 ? [] : await appointmentRows(tx, orgId, inArray(appointments.slotId, slotIds));
    const bySlot = new Map<string, ReceptionAppointment[]>();
    for (const { slotId, ...r } of rows) bySlot.set(slotId, [...(bySlot.get(slotId) ?? []), r]);

    const siteMap = new Map<string, ReceptionSite>();
    const clinicMap = new Map<string, ReceptionClinic>();
    const sessionMap = new Map<string, ReceptionSession>();
    for (const s of slotRows) {
      let siteGroup = siteMap.get(s.siteCode);
      if (!siteGroup) {
        siteGroup = { code: s.siteCode, name: s.siteName, clinics: [] };
        siteMap.set(s.siteCode, siteGroup);
      }
      const clinicKey = `${s.siteCode}/${s.templateId}`;
      let clinic = clinicMap.get(clinicKey);
      if (!clinic) {
        const clinician =
          s.clinicianFamily === null
            ? null
            : [s.clinicianTitle, s.clinicianGiven, s.clinicianFamily].filter(Boolean).join(' ');
        clinic = {
          id: s.templateId,
          name: s.clinicName,
          clinician: clinician ?? s.serviceName,
          location: s.locationName,
          specialtyCode: s.specialtyCode,
          sessions: [],
        };
        clinicMap.set(clinicKey, clinic);
        siteGroup.clinics.push(clinic);
      }
      const sessionKey = `${clinicKey}/${s.sessionIndex}`;
      let session = sessionMap.get(sessionKey);
      if (!session) {
        session = {
          index: s.sessionIndex,
          startsAt: s.startsAt.toISOString(),
          endsAt: s.endsAt.toISOString(),
          ended: false,
          cancelled: true,
          appointments: [],
        };
        sessionMap.set(sessionKey, session);
        clinic.sessions.push(session);
      }
      if (s.startsAt.toISOString() < session.startsAt) session.startsAt = s.startsAt.toISOString();
      if (s.endsAt.toISOString() > session.endsAt) session.endsAt = s.endsAt.toISOString();
      if (s.status !== 'cancelled') session.cancelled = false;
      session.appointments.push(...(bySlot.get(s.id) ?? []));
    }
    const groups = [...siteMap.values()].sort(
      (a, b) => a.name.localeCompare(b.name) || a.code.localeCompare(b.code),
    );
    for (const g of groups) {
      g.clinics.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
      for (const c of g.clinics) {
        c.sessions.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.index - b.index);
        for (const session of c.sessions) {
          session.ended = new Date(session.endsAt).getTime() <= ctx.now.getTime();
          session.appointments.sort(byTime);
        }
      }
    }
    await writeAuditForMany(
      tx,
      actorOf(ctx),
      'Reception.read',
      'Appointment',
      rows.map((r) => ({ resourceId: r.id, patientId: r.patient.id })),
    );
    return { date, today, site, sites, groups };
  });
}

/** "14:30", in London. */
const LONDON_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const londonTime = (epochMilliseconds: number): string => LONDON_TIME.format(new Date(epochMilliseconds));

function rule(ruleId: string, message: string, field = '/params/id'): AppError {
  return new AppError('booking_rule_violation', message, { rule: ruleId, errors: [{ field, message }] });
}

async function appointmentOf(tx: Database, orgId: string, id: string) {
  const [a] = await tx
    .select({ id: appointments.id, startsAt: appointments.startsAt, status: appointments.status })
    .from(appointments)
    .where(and(eq(appointments.orgId, orgId), eq(appointments.id, id)))
    .for('update');
  if (!a) throw notFound('Appointment');
  return a;
}

async function rowOf(tx: Database, orgId: string, id: string): Promise<ReceptionAppointment> {
  const [row] = await appointmentRows(tx, orgId, eq(appointments.id, id));
  if (!row) throw notFound('Appointment');
  const { slotId: _slotId, ...rest } = row;
  return rest;
}

/** Refuses a second recording plainly (409) before the desk's own day rules, as the booking service would. */
function once(status: string, wanted: 'arrived' | 'attended' | 'dna', allowedFrom: readonly string[]) {
  if (!allowedFrom.includes(status)) {
    const said: Record<string, string> = {
      arrived: 'has already checked in',
      attended: 'has already been seen',
      dna: 'is already marked as did not attend',
    };
    const what = said[status] ?? `is ${status}`;
    const verb = { arrived: 'checked in', attended: 'marked as seen', dna: 'marked as did not attend' }[
      wanted
    ];
    throw new AppError('conflict', `This patient ${what}: the appointment cannot be ${verb}`);
  }
}

/** One patient at the desk: check in, seen or did not attend, through the booking service. */
export async function recordAtDesk(
  db: Database,
  ctx: RequestContext,
  id: string,
  action: DeskAction,
): Promise<ReceptionAppointment> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  return db.transaction(async (tx) => {
    const a = await appointmentOf(tx, orgId, id);
    const day = londonDateOfEpochMilliseconds(a.startsAt.getTime());
    if (action === 'check-in') {
      once(a.status, 'arrived', ['booked']);
      if (day !== today) {
        throw rule(
          'RECEPTION-check-in-on-the-day',
          `The appointment is on ${day}: a patient checks in on the day of their appointment`,
        );
      }
      await recordAttendance(tx, ctx, id, { status: 'arrived' });
    } else if (action === 'seen') {
      once(a.status, 'attended', ['booked', 'arrived']);
      if (day > today) {
        throw rule(
          'RECEPTION-seen-on-the-day',
          `The appointment is on ${day}: a patient is marked as seen on or after the day of their appointment`,
        );
      }
      await recordAttendance(tx, ctx, id, { status: 'attended' });
    } else {
      once(a.status, 'dna', ['booked']);
      if (a.startsAt.getTime() > ctx.now.getTime()) {
        throw rule(
          'RECEPTION-dna-before-start',
          'This appointment has not started yet: a patient can only be marked as did not attend once their appointment time has passed',
        );
      }
      await recordAttendance(tx, ctx, id, {
        status: 'dna',
        appointmentCommunicated: await wasCommunicated(tx, orgId, id),
      });
    }
    return rowOf(tx, orgId, id);
  });
}

async function wasCommunicated(tx: Database, orgId: string, appointmentId: string): Promise<boolean> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(communications)
    .where(
      and(
        eq(communications.orgId, orgId),
        eq(communications.appointmentId, appointmentId),
        eq(communications.recipient, 'patient'),
        inArray(communications.kind, EVIDENCE_KINDS),
        inArray(communications.status, EVIDENCE_STATUSES),
      ),
    );
  return (row?.n ?? 0) > 0;
}

/**
 * The end of a session: everyone still booked (not checked in, not seen) did not attend. Only once the
 * session's last slot has ended; all of them or none, each through the booking service (the DNA policy runs
 * for each). Nobody left to mark: nothing changes and `marked` is empty.
 */
export async function markSessionDna(
  db: Database,
  ctx: RequestContext,
  input: SessionDnaInput,
): Promise<SessionDnaResult> {
  const orgId = ctx.principal.orgId;
  const date = (() => {
    try {
      return parsePlainDate(input.date).toString();
    } catch {
      throw invalid('/body/date', 'Enter a real date, as YYYY-MM-DD');
    }
  })();
  return db.transaction(async (tx) => {
    const sessionSlots = await tx
      .select({ id: slots.id, endsAt: slots.endsAt })
      .from(slots)
      .where(
        and(
          eq(slots.orgId, orgId),
          eq(slots.templateId, input.clinicId),
          eq(slots.sessionDate, date),
          eq(slots.sessionIndex, input.sessionIndex),
          ne(slots.status, 'removed'),
        ),
      );
    if (sessionSlots.length === 0) throw notFound('Clinic session');
    const endsAt = Math.max(...sessionSlots.map((s) => s.endsAt.getTime()));
    if (endsAt > ctx.now.getTime()) {
      throw rule(
        'RECEPTION-dna-before-session-end',
        `This session has not ended yet (it ends at ${londonTime(endsAt)}): mark the remaining patients as did not attend once it has`,
        '/body/sessionIndex',
      );
    }
    // Lock the session's waiting appointments first, in a fixed order, so a check-in at the same moment
    // either lands before (and the patient is not marked) or waits for this to finish (and gets a 409).
    const waiting = await tx
      .select({ id: appointments.id })
      .from(appointments)
      .where(
        and(
          eq(appointments.orgId, orgId),
          inArray(
            appointments.slotId,
            sessionSlots.map((s) => s.id),
          ),
          eq(appointments.status, 'booked'),
        ),
      )
      .orderBy(asc(appointments.id))
      .for('update');
    const marked: ReceptionAppointment[] = [];
    for (const { id } of waiting) {
      await recordAttendance(tx, ctx, id, {
        status: 'dna',
        appointmentCommunicated: await wasCommunicated(tx, orgId, id),
      });
      marked.push(await rowOf(tx, orgId, id));
    }
    marked.sort(byTime);
    return { clinicId: input.clinicId, date, sessionIndex: input.sessionIndex, marked };
  });
}
