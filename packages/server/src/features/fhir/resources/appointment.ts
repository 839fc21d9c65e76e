/**
 * Appointment (UKCore-Appointment): read, search (patient, date, status, slot), book and cancel, through the
 * same booking service as /api/v1 (`features/booking/service.ts`), so every rule holds on both APIs: the slot's
 * specialty and type, book in turn, one booked appointment per pathway, no overlap, the conditional update
 * that never over-books, the letter and the audit row.
 *
 * - `POST /Appointment` books one free slot: a Patient participant, `slot` (one), `status=booked`, and the
 *   referral as `basedOn` (ServiceRequest) when the patient has more than one open pathway in the slot's
 *   specialty. A slot taken meanwhile is a 409 (DUPLICATE_REJECTED, as GP Connect, nhs-domain.md §7.2). An
 *   `Idempotency-Key` header makes a retry book once.
 * - `PUT` or `PATCH` (JSON Patch) with `If-Match` cancels: `status` to `cancelled` and a `cancelationReason`
 *   (`pat…` codes: the patient; any other: the hospital); a stale version is a 412, changing anything else a
 *   422 (EX-GPC-06), an appointment that has started cannot be cancelled here.
 */
import { and, asc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import jsonPatch, { type Operation } from 'fast-json-patch';
import type { Appointment, AppointmentParticipant, CodeableConcept } from 'fhir/r4';
import type { FastifyRequest } from 'fastify';
import { appointments, pathways, referrals, slots } from '../../../db/schema';
import type { Database } from '../../../db/client';
import type { RequestContext } from '../../../auth/principal';
import { AppError } from '../../../errors';
import { bookInTx, cancelAppointmentInTx, type CancelledBy } from '../../booking/service';
import { idempotencyKeyOf, idempotent, requestHash } from '../../booking/idempotency';
import type { FhirResourceModule, WriteResult } from '../module';
import { FhirError, fhirInvalid, fromAppError } from '../outcome';
import { EXTENSIONS, PROFILES, idFromReference, metaOf, ref } from '../resource';
import { instantRange, type SearchParams } from '../search';
import { specialtyConcept } from './schedule';
import { slotTypeConcept } from './slot';
import { readAudited, referenceFilter, searchAudited } from './shared';

/** Our extension for the reason a patient is booked ahead of others due first (book in turn). */
export const OUT_OF_TURN_EXTENSION = 'https://pathflow.dev/StructureDefinition/out-of-turn-reason';
const CANCELLATION_REASONS = 'http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason';

const columns = {
  id: appointments.id,
  orgId: appointments.orgId,
  slotId: appointments.slotId,
  pathwayId: appointments.pathwayId,
  patientId: appointments.patientId,
  startsAt: appointments.startsAt,
  endsAt: appointments.endsAt,
  slotType: appointments.slotType,
  status: appointments.status,
  cancelledBy: appointments.cancelledBy,
  cancelReason: appointments.cancelReason,
  bookedAt: appointments.bookedAt,
  outOfTurnReason: appointments.outOfTurnReason,
  versionId: appointments.versionId,
  lastUpdated: appointments.lastUpdated,
  clinicianId: slots.clinicianId,
  locationId: slots.locationId,
  specialtyCode: pathways.specialtyCode,
  referralId: pathways.referralId,
};

const STATUS: Record<string, Appointment['status']> = {
  booked: 'booked',
  arrived: 'arrived',
  attended: 'fulfilled',
  dna: 'noshow',
  cancelled: 'cancelled',
  'cancelled-on-day': 'cancelled',
  rescheduled: 'cancelled',
  displaced: 'cancelled',
};

/** The FHIR statuses a search may ask for, and ours behind each. */
const OUR_STATUSES: Record<string, string[]> = Object.entries(STATUS).reduce<Record<string, string[]>>(
  (acc, [ours, fhir]) => ({ ...acc, [fhir]: [...(acc[fhir] ?? []), ours] }),
  {},
);
const FHIR_STATUSES = [
  'proposed',
  'pending',
  'booked',
  'arrived',
  'fulfilled',
  'cancelled',
  'noshow',
  'entered-in-error',
  'checked-in',
  'waitlist',
];

function cancellationOf(row: Row): CodeableConcept | undefined {
  const coding = (code: 'pat' | 'prov', display: string) => ({ system: CANCELLATION_REASONS, code, display });
  if (row.status === 'displaced') {
    return {
      coding: [coding('prov', 'Provider')],
      text: 'The clinic was cancelled or changed: the patient is to be rebooked',
    };
  }
  if (row.status === 'rescheduled') {
    return {
      coding: [row.cancelledBy === 'patient' ? coding('pat', 'Patient') : coding('prov', 'Provider')],
      text: `Moved to another appointment${row.cancelReason ? `: ${row.cancelReason}` : ''}`,
    };
  }
  if (row.cancelledBy === null) return undefined;
  return {
    coding: [row.cancelledBy === 'patient' ? coding('pat', 'Patient') : coding('prov', 'Provider')],
    ...(row.cancelReason ? { text: row.cancelReason } : {}),
  };
}

export function appointmentResource(row: Row): Appointment {
  const participant: AppointmentParticipant[] = [
    { actor: ref('Patient', row.patientId), required: 'required', status: 'accepted' },
    { actor: ref('Location', row.locationId), required: 'required', status: 'accepted' },
  ];
  if (row.clinicianId) {
    participant.push({
      actor: ref('Practitioner', row.clinicianId),
      required: 'required',
      status: 'accepted',
    });
  }
  const cancelationReason = cancellationOf(row);
  const extension: NonNullable<Appointment['extension']> = [
    { url: EXTENSIONS.bookingOrganization, valueReference: ref('Organization', row.orgId) },
    { url: EXTENSIONS.deliveryChannel, valueCode: 'In-person' },
  ];
  if (row.outOfTurnReason) extension.push({ url: OUT_OF_TURN_EXTENSION, valueString: row.outOfTurnReason });
  return {
    resourceType: 'Appointment',
    id: row.id,
    meta: metaOf('Appointment', row),
    extension,
    status: STATUS[row.status] ?? 'booked',
    ...(cancelationReason ? { cancelationReason } : {}),
    serviceType: [slotTypeConcept(row.slotType)],
    specialty: [specialtyConcept(row.specialtyCode, null)],
    ...(row.referralId ? { basedOn: [ref('ServiceRequest', row.referralId)] } : {}),
    start: row.startsAt.toISOString(),
    end: row.endsAt.toISOString(),
    minutesDuration: Math.round((row.endsAt.getTime() - row.startsAt.getTime()) / 60_000),
    slot: [ref('Slot', row.slotId)],
    created: row.bookedAt.toISOString(),
    participant,
  };
}

function selectAppointments(db: Database, orgId: string, where: SQL[]) {
  return db
    .select(columns)
    .from(appointments)
    .innerJoin(slots, and(eq(slots.orgId, appointments.orgId), eq(slots.id, appointments.slotId)))
    .innerJoin(pathways, and(eq(pathways.orgId, appointments.orgId), eq(pathways.id, appointments.pathwayId)))
    .where(and(eq(appointments.orgId, orgId), ...where));
}

type Row = Awaited<ReturnType<typeof selectAppointments>>[number];

async function appointmentRow(db: Database, orgId: string, id: string): Promise<Row | undefined> {
  const [row] = await selectAppointments(db, orgId, [eq(appointments.id, id)]);
  return row;
}

function searchFilter(params: SearchParams): SQL[] {
  const where: SQL[] = [
    ...referenceFilter(params, ['patient', 'actor'], 'Patient', appointments.patientId),
    ...referenceFilter(params, ['slot'], 'Slot', appointments.slotId),
  ];
  const statuses = params.tokens('status');
  if (statuses.length > 0) {
    const ours = statuses.flatMap((t) => {
      if (!FHIR_STATUSES.includes(t.code)) {
        throw fhirInvalid('status', `status must be one of: ${FHIR_STATUSES.join(', ')}`);
      }
      return OUR_STATUSES[t.code] ?? [];
    });
    where.push(ours.length === 0 ? sql`false` : inArray(appointments.status, ours));
  }
  const range = instantRange('date', params.dates('date'));
  if (range.from !== undefined) where.push(gte(appointments.startsAt, new Date(range.from)));
  if (range.to !== undefined) where.push(lt(appointments.startsAt, new Date(range.to)));
  return where;
}

// ---------------------------------------------------------------------------------------------- booking

interface BookingRequest {
  patientId: string;
  slotId: string;
  referralId: string | null;
  outOfTurnReason: string | undefined;
  start: string | undefined;
  end: string | undefined;
}

/** Elements a booking may not carry: what the booking service does not keep is refused, not silently dropped. */
const NOT_KEPT = [
  'description',
  'comment',
  'reasonCode',
  'reasonReference',
  'priority',
  'patientInstruction',
];

/** Reads a booking from the resource, naming the element at fault. */
function bookingOf(body: Record<string, unknown>): BookingRequest {
  const a = body as unknown as Appointment;
  if (a.status !== 'booked') {
    throw fhirInvalid(
      'Appointment.status',
      'Appointment.status must be "booked" to book a slot',
      a.status ? 'value' : 'required',
    );
  }
  for (const element of NOT_KEPT) {
    if (element in body) {
      throw new FhirError(422, {
        code: 'not-supported',
        diagnostics: `Appointment.${element} is not kept by this server: leave it out`,
        expression: [`Appointment.${element}`],
      });
    }
  }
  if (!Array.isArray(a.slot) || a.slot.length === 0) {
    throw fhirInvalid('Appointment.slot', 'Appointment.slot must reference the Slot to book', 'required');
  }
  if (a.slot.length > 1) {
    throw new FhirError(422, {
      code: 'not-supported',
      diagnostics: 'Book one slot per appointment: Appointment.slot must hold one Slot',
      expression: ['Appointment.slot'],
    });
  }
  const slotId = idFromReference(a.slot[0], 'Slot', 'Appointment.slot[0]');
  if (!Array.isArray(a.participant) || a.participant.length === 0) {
    throw fhirInvalid(
      'Appointment.participant',
      'Appointment.participant must include the Patient',
      'required',
    );
  }
  const patients = a.participant
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => typeof p?.actor?.reference === 'string' && /(^|\/)Patient\//.test(p.actor.reference));
  if (patients.length !== 1) {
    throw fhirInvalid(
      'Appointment.participant',
      patients.length === 0
        ? 'Appointment.participant must include one participant whose actor is the Patient'
        : 'Appointment.participant may include only one Patient',
      patients.length === 0 ? 'required' : 'invalid',
    );
  }
  const { p, i } = patients[0]!;
  const patientId = idFromReference(p.actor, 'Patient', `Appointment.participant[${i}].actor`);
  let referralId: string | null = null;
  if (a.basedOn !== undefined) {
    if (!Array.isArray(a.basedOn) || a.basedOn.length !== 1) {
      throw fhirInvalid(
        'Appointment.basedOn',
        'Appointment.basedOn must hold one ServiceRequest (the referral)',
      );
    }
    referralId = idFromReference(a.basedOn[0], 'ServiceRequest', 'Appointment.basedOn[0]');
  }
  const extensions = Array.isArray(a.extension) ? a.extension : [];
  const outOfTurn = extensions.find((e) => e?.url === OUT_OF_TURN_EXTENSION);
  if (outOfTurn && (typeof outOfTurn.valueString !== 'string' || outOfTurn.valueString.trim() === '')) {
    throw fhirInvalid(
      `Appointment.extension('${OUT_OF_TURN_EXTENSION}')`,
      'The out-of-turn reason needs its words in valueString',
    );
  }
  return {
    patientId,
    slotId,
    referralId,
    outOfTurnReason: outOfTurn?.valueString?.trim(),
    start: typeof a.start === 'string' ? a.start : undefined,
    end: typeof a.end === 'string' ? a.end : undefined,
  };
}

const unprocessable = (
  expression: string,
  diagnostics: string,
  code: 'not-found' | 'business-rule' = 'business-rule',
) => new FhirError(422, { code, diagnostics, expression: [expression] });

/** The pathway the booking is for: the referral's, or the patient's one open pathway in the slot's specialty. */
async function pathwayFor(tx: Database, orgId: string, b: BookingRequest): Promise<string> {
  const [slot] = await tx
    .select({ startsAt: slots.startsAt, endsAt: slots.endsAt, specialtyCode: slots.specialtyCode })
    .from(slots)
    .where(and(eq(slots.orgId, orgId), eq(slots.id, b.slotId)));
  if (!slot) throw unprocessable('Appointment.slot[0]', `Slot/${b.slotId} does not exist`, 'not-found');
  if (b.start !== undefined && Date.parse(b.start) !== slot.startsAt.getTime()) {
    throw fhirInvalid(
      'Appointment.start',
      `Appointment.start must be the slot's start, ${slot.startsAt.toISOString()}`,
    );
  }
  if (b.end !== undefined && Date.parse(b.end) !== slot.endsAt.getTime()) {
    throw fhirInvalid(
      'Appointment.end',
      `Appointment.end must be the slot's end, ${slot.endsAt.toISOString()}`,
    );
  }
  if (b.referralId !== null) {
    const [referral] = await tx
      .select({ patientId: referrals.patientId, pathwayId: referrals.pathwayId })
      .from(referrals)
      .where(and(eq(referrals.orgId, orgId), eq(referrals.id, b.referralId)));
    if (!referral) {
      throw unprocessable(
        'Appointment.basedOn[0]',
        `ServiceRequest/${b.referralId} does not exist`,
        'not-found',
      );
    }
    if (referral.patientId !== b.patientId) {
      throw unprocessable(
        'Appointment.basedOn[0]',
        'The ServiceRequest is for another patient than the participant',
      );
    }
    if (referral.pathwayId === null) {
      throw unprocessable(
        'Appointment.basedOn[0]',
        'The referral has no pathway to book for (it was not accepted)',
      );
    }
    return referral.pathwayId;
  }
  const open = await tx
    .select({
      id: pathways.id,
      // The table named in full: drizzle writes a one-table select's columns bare, which inside the subquery
      // would mean the appointment's own org_id and id.
      booked: sql<boolean>`exists (select 1 from appointments a where a.org_id = "pathways"."org_id"
        and a.pathway_id = "pathways"."id" and a.status = 'booked')`,
    })
    .from(pathways)
    .where(
      and(
        eq(pathways.orgId, orgId),
        eq(pathways.patientId, b.patientId),
        eq(pathways.status, 'open'),
        eq(pathways.specialtyCode, slot.specialtyCode),
      ),
    )
    .orderBy(asc(pathways.clockStartDate), asc(pathways.id));
  const unbooked = open.filter((p) => !p.booked);
  if (open.length === 1) return open[0]!.id;
  if (unbooked.length === 1) return unbooked[0]!.id;
  if (open.length === 0) {
    throw unprocessable(
      'Appointment.participant',
      `The patient has no open pathway in specialty ${slot.specialtyCode}, the slot's: refer them first (POST /ServiceRequest)`,
    );
  }
  throw unprocessable(
    'Appointment.basedOn',
    `The patient has ${open.length} open pathways in specialty ${slot.specialtyCode}: say which referral this is for with basedOn (ServiceRequest/<id>)`,
  );
}

/** Where a booking service's field error points, in the Appointment. */
const bookingExpression = (field: string): string | undefined =>
  ({
    '/body/slotId': 'Appointment.slot[0]',
    '/body/pathwayId': 'Appointment.basedOn[0]',
    '/body/outOfTurnReason': `Appointment.extension('${OUT_OF_TURN_EXTENSION}')`,
    '/body/holdId': 'Appointment.slot[0]',
  })[field];

function rethrow(err: unknown): never {
  if (err instanceof AppError) {
    const fhir = fromAppError(err, bookingExpression);
    if (
      err.code === 'booking_rule_violation' &&
      err.errors?.some((e) => e.field === '/body/outOfTurnReason')
    ) {
      fhir.issues.push({
        code: 'business-rule',
        severity: 'information',
        diagnostics: `To book out of turn, give the reason in an extension with url ${OUT_OF_TURN_EXTENSION} (valueString)`,
      });
    }
    throw fhir;
  }
  throw err;
}

async function book(
  db: Database,
  ctx: RequestContext,
  body: Record<string, unknown>,
  request: FastifyRequest,
): Promise<WriteResult> {
  const b = bookingOf(body);
  const orgId = ctx.principal.orgId;
  let key: string | undefined;
  try {
    key = idempotencyKeyOf(request.headers['idempotency-key']);
  } catch {
    throw fhirInvalid(
      'Idempotency-Key',
      'Idempotency-Key must be 8 to 100 letters, digits, dots, colons, hyphens or underscores',
    );
  }
  const hash = requestHash('POST', '/fhir/R4/Appointment', body);
  const answer = await idempotent(db, ctx, key, hash, async (tx) => {
    const pathwayId = await pathwayFor(tx, orgId, b);
    let id: string;
    try {
      id = (await bookInTx(tx, ctx, { slotId: b.slotId, pathwayId, outOfTurnReason: b.outOfTurnReason })).id;
    } catch (err) {
      rethrow(err);
    }
    const row = await appointmentRow(tx, orgId, id);
    return { status: 201, body: appointmentResource(row!) };
  }).catch(rethrow);
  return { status: answer.status as 201, resource: answer.body as WriteResult['resource'] };
}

// ---------------------------------------------------------------------------------------------- cancelling

/** Key-sorted JSON, to compare two resources element by element. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** What may differ between the stored appointment and the one sent: its status and cancellation reason only. */
const CHANGEABLE = new Set(['meta', 'text', 'status', 'cancelationReason']);

function cancellationAsked(
  current: Appointment,
  proposed: Record<string, unknown>,
): { by: CancelledBy; reason: string } | null {
  const keys = new Set([...Object.keys(current), ...Object.keys(proposed)]);
  for (const k of keys) {
    if (CHANGEABLE.has(k)) continue;
    if (canonical((current as unknown as Record<string, unknown>)[k]) !== canonical(proposed[k])) {
      throw new FhirError(422, {
        code: 'business-rule',
        diagnostics: `Only a cancellation can be made here (status and cancelationReason): Appointment.${k} cannot change`,
        expression: [`Appointment.${k}`],
      });
    }
  }
  if (proposed.status === current.status) return null;
  if (proposed.status !== 'cancelled') {
    throw new FhirError(422, {
      code: 'business-rule',
      diagnostics: `Appointment.status can change only to "cancelled" here, not to ${JSON.stringify(proposed.status ?? null)}`,
      expression: ['Appointment.status'],
    });
  }
  const reason = proposed.cancelationReason as CodeableConcept | undefined;
  const coding = reason?.coding?.[0];
  if (!reason || (!coding?.code && !reason.text?.trim())) {
    throw fhirInvalid(
      'Appointment.cancelationReason',
      `Say why it is cancelled in Appointment.cancelationReason (${CANCELLATION_REASONS}: pat for the patient, prov for the hospital, and the words in text)`,
      'required',
    );
  }
  const by: CancelledBy = coding?.code?.startsWith('pat') ? 'patient' : 'hospital';
  const words =
    reason.text?.trim() ||
    coding?.display?.trim() ||
    (by === 'patient' ? 'Cancelled by the patient' : 'Cancelled by the hospital');
  if (words.length > 500) {
    throw fhirInvalid(
      'Appointment.cancelationReason.text',
      'The cancellation reason may be at most 500 characters',
    );
  }
  return { by, reason: words };
}

async function change(
  db: Database,
  ctx: RequestContext,
  id: string,
  version: number,
  propose: (current: Appointment) => Record<string, unknown>,
): Promise<WriteResult> {
  const orgId = ctx.principal.orgId;
  return db.transaction(async (tx) => {
    const [locked] = await tx
      .select({ id: appointments.id })
      .from(appointments)
      .where(and(eq(appointments.orgId, orgId), eq(appointments.id, id)))
      .for('update');
    const row = locked ? await appointmentRow(tx, orgId, id) : undefined;
    if (!row) throw new FhirError(404, { code: 'not-found', diagnostics: `Appointment/${id} was not found` });
    if (row.versionId !== version) {
      throw new FhirError(412, {
        code: 'conflict',
        diagnostics: `Appointment/${id} has changed since you read it (it is at version ${row.versionId}, not ${version}): read it again`,
        expression: ['If-Match'],
      });
    }
    const current = appointmentResource(row);
    const asked = cancellationAsked(current, propose(current));
    if (asked === null) return { status: 200, resource: current as WriteResult['resource'] };
    if (row.startsAt.getTime() <= ctx.now.getTime()) {
      throw new FhirError(422, {
        code: 'business-rule',
        diagnostics: 'This appointment has already started: record what happened instead of cancelling it',
        expression: ['Appointment.status'],
      });
    }
    try {
      await cancelAppointmentInTx(tx, ctx, id, asked);
    } catch (err) {
      rethrow(err);
    }
    return {
      status: 200,
      resource: appointmentResource((await appointmentRow(tx, orgId, id))!) as WriteResult['resource'],
    };
  });
}

function applyPatch(current: Appointment, operations: unknown[]): Record<string, unknown> {
  const document = structuredClone(current) as unknown as Record<string, unknown>;
  const problem = jsonPatch.validate(operations as Operation[], document);
  if (problem) {
    throw new FhirError(400, {
      code: 'invalid',
      diagnostics: `The JSON Patch cannot be applied: ${problem.message.split('\n')[0]}`,
      expression: [`operation[${problem.index ?? 0}]`],
    });
  }
  return jsonPatch.applyPatch(document, operations as Operation[], false, true).newDocument;
}

export const appointmentModule: FhirResourceModule = {
  type: 'Appointment',
  profile: PROFILES.Appointment,
  read: 'Appointment.read',
  write: 'Appointment.write',
  documentation: 'Outpatient appointments. Every appointment returned is recorded in the audit log.',
  documentationOfWrites:
    'Create books one free Slot for the Patient participant (basedOn the ServiceRequest when the patient has several open pathways in its specialty; an Idempotency-Key header makes a retry book once); a slot taken meanwhile is 409. Update (PUT) and patch (JSON Patch) cancel it only: status to cancelled with a cancelationReason, with If-Match (412 when stale).',
  searchParams: [
    { name: 'patient', type: 'reference', documentation: 'Patient/<id>' },
    { name: 'actor', type: 'reference', documentation: 'Patient/<id> (as patient)' },
    {
      name: 'date',
      type: 'date',
      documentation: 'When it starts (eq, ge, gt, le, lt; dates are London days)',
    },
    { name: 'status', type: 'token', documentation: 'booked, arrived, fulfilled, noshow or cancelled' },
    { name: 'slot', type: 'reference', documentation: 'Slot/<id>' },
  ],

  readById: (db, ctx, id) =>
    readAudited(
      db,
      ctx,
      'Appointment',
      (tx) => appointmentRow(tx, ctx.principal.orgId, id),
      (row) => row.patientId,
      appointmentResource,
    ),

  search(db, ctx, params) {
    const where = searchFilter(params);
    return searchAudited(
      db,
      ctx,
      'Appointment',
      params,
      (tx) =>
        selectAppointments(tx, ctx.principal.orgId, where)
          .orderBy(asc(appointments.startsAt), asc(appointments.id))
          .limit(params.count + 1)
          .offset(params.offset),
      (row) => row.patientId,
      appointmentResource,
    );
  },

  create: book,
  update: (db, ctx, id, body, version) => change(db, ctx, id, version, () => body),
  patch: (db, ctx, id, operations, version) =>
    change(db, ctx, id, version, (current) => applyPatch(current, operations)),
};
