/**
 * Slot (UKCore-Slot): the clinics' bookable slots. `free` while the slot is open with a place left (booked and
 * held places count), `busy` when open and full, `busy-unavailable` when its clinic was cancelled or the slot
 * removed. Search by schedule, start and end (ge, gt, le, lt, eq: London days), status, service-type (slot type
 * or specialty), specialty; `_include=Slot:schedule`. Slots hold no patient data: searches are not audited.
 */
import { and, asc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Slot } from 'fhir/r4';
import { SLOT_TYPES, SLOT_TYPE_NAMES, type SlotType } from '@pathflow/core';
import { slots } from '../../../db/schema';
import type { Database } from '../../../db/client';
import type { FhirResourceModule } from '../module';
import { fhirInvalid } from '../outcome';
import { EXTENSIONS, PROFILES, SYSTEMS, metaOf, ref } from '../resource';
import { checkIncludes, instantRange, type SearchParams } from '../search';
import { schedulesById, specialtyConcept } from './schedule';
import { pageOf, referenceFilter } from './shared';

const columns = {
  id: slots.id,
  templateId: slots.templateId,
  startsAt: slots.startsAt,
  endsAt: slots.endsAt,
  slotType: slots.slotType,
  capacity: slots.capacity,
  booked: slots.booked,
  held: slots.held,
  status: slots.status,
  specialtyCode: slots.specialtyCode,
  versionId: slots.versionId,
  lastUpdated: slots.lastUpdated,
};
type Row = Awaited<ReturnType<typeof slotRows>>[number];

export type FhirSlotStatus = Slot['status'];

export function slotStatus(row: Pick<Row, 'status' | 'booked' | 'held' | 'capacity'>): FhirSlotStatus {
  if (row.status !== 'open') return 'busy-unavailable';
  return row.booked + row.held < row.capacity ? 'free' : 'busy';
}

/** v2-0276 appointment reason codes: a follow-up slot is FOLLOWUP, every first-appointment type ROUTINE. */
const APPOINTMENT_TYPE: Record<SlotType, string> = {
  new: 'ROUTINE',
  'urgent-new': 'ROUTINE',
  'two-week-wait': 'ROUTINE',
  procedure: 'ROUTINE',
  'follow-up': 'FOLLOWUP',
};

export const slotTypeConcept = (slotType: string) => ({
  coding: [
    {
      system: SYSTEMS.slotType,
      code: slotType,
      display: SLOT_TYPE_NAMES[slotType as SlotType] ?? slotType,
    },
  ],
});

export function slotResource(row: Row): Slot {
  const free = row.capacity - row.booked - row.held;
  return {
    resourceType: 'Slot',
    id: row.id,
    meta: metaOf('Slot', row),
    extension: [{ url: EXTENSIONS.deliveryChannel, valueCode: 'In-person' }],
    serviceType: [slotTypeConcept(row.slotType)],
    specialty: [specialtyConcept(row.specialtyCode, null)],
    appointmentType: {
      coding: [
        { system: SYSTEMS.appointmentType, code: APPOINTMENT_TYPE[row.slotType as SlotType] ?? 'ROUTINE' },
      ],
    },
    schedule: ref('Schedule', row.templateId),
    status: slotStatus(row),
    start: row.startsAt.toISOString(),
    end: row.endsAt.toISOString(),
    overbooked: false,
    ...(row.capacity > 1 && row.status === 'open'
      ? { comment: `${Math.max(free, 0)} of ${row.capacity} places free` }
      : {}),
  };
}

const STATUS_WHERE: Record<string, SQL> = {
  // Literally slots_free_idx's predicate, so the planner can use it.
  free: sql`${slots.status} = 'open' and ${slots.booked} + ${slots.held} < ${slots.capacity}`,
  busy: sql`${slots.status} = 'open' and ${slots.booked} + ${slots.held} >= ${slots.capacity}`,
  'busy-unavailable': sql`${slots.status} <> 'open'`,
  'busy-tentative': sql`false`,
  'entered-in-error': sql`false`,
};

function statusFilter(params: SearchParams): SQL[] {
  const tokens = params.tokens('status');
  if (tokens.length === 0) return [];
  const parts = tokens.map((t) => {
    const where = STATUS_WHERE[t.code];
    if (!where) throw fhirInvalid('status', `status must be one of: ${Object.keys(STATUS_WHERE).join(', ')}`);
    return where;
  });
  return [parts.length === 1 ? parts[0]! : or(...parts)!];
}

function codeFilter(params: SearchParams): SQL[] {
  const out: SQL[] = [];
  const serviceTypes = params.tokens('service-type');
  if (serviceTypes.length > 0) {
    const parts = serviceTypes.map((t) => {
      if (t.system === SYSTEMS.slotType) return eq(slots.slotType, t.code);
      if (t.system === SYSTEMS.practiceSetting) return eq(slots.specialtyCode, t.code);
      if (t.system === undefined) {
        return (SLOT_TYPES as readonly string[]).includes(t.code)
          ? eq(slots.slotType, t.code)
          : eq(slots.specialtyCode, t.code);
      }
      throw fhirInvalid(
        'service-type',
        `service-type is a slot type (${SYSTEMS.slotType}: ${SLOT_TYPES.join(', ')}) or a treatment function code (${SYSTEMS.practiceSetting})`,
      );
    });
    out.push(parts.length === 1 ? parts[0]! : or(...parts)!);
  }
  const specialtiesAsked = params.tokens('specialty');
  if (specialtiesAsked.length > 0) {
    for (const t of specialtiesAsked) {
      if (t.system !== undefined && t.system !== SYSTEMS.practiceSetting) {
        throw fhirInvalid(
          'specialty',
          `specialty is coded with ${SYSTEMS.practiceSetting} (treatment function codes)`,
        );
      }
    }
    out.push(
      inArray(
        slots.specialtyCode,
        specialtiesAsked.map((t) => t.code),
      ),
    );
  }
  return out;
}

function timeFilter(params: SearchParams): SQL[] {
  const out: SQL[] = [];
  const start = instantRange('start', params.dates('start'));
  if (start.from !== undefined) out.push(gte(slots.startsAt, new Date(start.from)));
  if (start.to !== undefined) out.push(lt(slots.startsAt, new Date(start.to)));
  const end = instantRange('end', params.dates('end'));
  if (end.from !== undefined) out.push(gte(slots.endsAt, new Date(end.from)));
  if (end.to !== undefined) out.push(lt(slots.endsAt, new Date(end.to)));
  return out;
}

export async function slotRows(db: Database, orgId: string, where: SQL[], count: number, offset: number) {
  return db
    .select(columns)
    .from(slots)
    .where(and(eq(slots.orgId, orgId), ...where))
    .orderBy(asc(slots.startsAt), asc(slots.id))
    .limit(count + 1)
    .offset(offset);
}

export const slotModule: FhirResourceModule = {
  type: 'Slot',
  profile: PROFILES.Slot,
  read: 'Clinic.read',
  documentation:
    'Bookable clinic slots, soonest first. free: open with a place left; busy: full; busy-unavailable: its clinic was cancelled or the slot removed. Dates without a time are days in Europe/London.',
  includes: ['Slot:schedule'],
  searchParams: [
    { name: 'schedule', type: 'reference', documentation: 'Schedule/<id>: the clinic template' },
    {
      name: 'start',
      type: 'date',
      documentation: 'When the slot starts (eq, ge, gt, le, lt; repeat for a range)',
    },
    { name: 'end', type: 'date', documentation: 'When the slot ends (eq, ge, gt, le, lt)' },
    { name: 'status', type: 'token', documentation: 'free, busy or busy-unavailable' },
    {
      name: 'service-type',
      type: 'token',
      documentation: `The slot type (${SYSTEMS.slotType}|new, follow-up, urgent-new, two-week-wait, procedure) or the specialty (${SYSTEMS.practiceSetting}|<code>)`,
    },
    {
      name: 'specialty',
      type: 'token',
      documentation: `Treatment function code (${SYSTEMS.practiceSetting})`,
    },
  ],

  async readById(db, ctx, id) {
    const [row] = await db
      .select(columns)
      .from(slots)
      .where(and(eq(slots.orgId, ctx.principal.orgId), eq(slots.id, id)));
    return row ? slotResource(row) : null;
  },

  async search(db, ctx, params) {
    const includes = checkIncludes(params, ['Slot:schedule']);
    const where = [
      ...referenceFilter(params, ['schedule'], 'Schedule', slots.templateId),
      ...statusFilter(params),
      ...codeFilter(params),
      ...timeFilter(params),
    ];
    const rows = await slotRows(db, ctx.principal.orgId, where, params.count, params.offset);
    const page = pageOf(rows, params);
    const included =
      includes.length > 0
        ? await schedulesById(
            db,
            ctx.principal.orgId,
            page.rows.map((r) => r.templateId),
          )
        : [];
    return { matches: page.rows.map(slotResource), included, more: page.more };
  },
};
