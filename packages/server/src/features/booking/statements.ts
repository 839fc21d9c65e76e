/**
 * The booking's SQL: the statement that locks the pathway and patient and reads the slot, and the statement that
 * checks the rules that read other appointments and — only when they all pass — takes the place and writes the
 * appointment, its audit row and its letter. Both run as named prepared statements (`queryPrepared`); their
 * parameters are listed by name in `BOOK_PARAMS`. See `bookInTx` in `service.ts` for why there are two.
 */
import { randomUUID } from 'node:crypto';
import { getTableColumns } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { pathways, slots } from '../../db/schema';
import { AUDIT_ROW_COLUMNS } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import type { QueuedCommunication } from '../communications/outbox';

type SlotRow = typeof slots.$inferSelect;
type PathwayRow = typeof pathways.$inferSelect;

/** A table's columns, and a row of it read back from `<alias><i>` output names with Drizzle's own mapping. */
function rowReader<T>(table: PgTable, alias: string) {
  const columns: [string, PgColumn][] = Object.entries(getTableColumns(table));
  return {
    select: columns.map(([, c], i) => `${alias}."${c.name}" as ${alias}${i}`).join(', '),
    read: (raw: Record<string, unknown>): T =>
      Object.fromEntries(
        columns.map(([key, c], i) => {
          const v = raw[`${alias}${i}`];
          return [key, v === null || v === undefined ? null : c.mapFromDriverValue(v)];
        }),
      ) as T,
  };
}

export const pathwayReader = rowReader<PathwayRow>(pathways, 'p');
export const slotReader = rowReader<SlotRow>(slots, 's');

/**
 * Locks the pathway and then its patient (the order every booking takes) and reads the slot, in one statement,
 * with what the patient needs booked alongside an appointment (interpreter, transport).
 */
export const LOCK_FOR_BOOKING = `select ${pathwayReader.select}, ${slotReader.select},
       pt.interpreter_language as "ptInterpreter", pt.transport_eligible as "ptTransport",
       pt.communication_needs as "ptNeeds"
  from pathways p
  join patients pt on pt.org_id = p.org_id and pt.id = p.patient_id
  left join slots s on s.org_id = p.org_id and s.id = $3
 where p.org_id = $1 and p.id = $2
   for update of p, pt`;

/** The columns of a letter in the outbox, as `queueCommunications` writes them, with their SQL types. */
const LETTER_COLUMNS = [
  ['org_id', 'uuid'],
  ['id', 'uuid'],
  ['patient_id', 'uuid'],
  ['pathway_id', 'uuid'],
  ['appointment_id', 'uuid'],
  ['kind', 'text'],
  ['channel', 'text'],
  ['status', 'text'],
  ['detail', 'jsonb'],
  ['created_by', 'text'],
  ['created_at', 'timestamptz'],
] as const;

/** The same row as `queueCommunications` writes for `letter`, in the order of `LETTER_COLUMNS`. */
export function letterValues(ctx: RequestContext, letter: QueuedCommunication): (string | null)[] {
  return [
    ctx.principal.orgId,
    randomUUID(),
    letter.patientId,
    letter.pathwayId ?? null,
    letter.appointmentId ?? null,
    letter.kind,
    letter.channel ?? 'letter',
    'queued',
    letter.detail === undefined ? null : JSON.stringify(letter.detail),
    ctx.principal.id,
    ctx.now.toISOString(),
  ];
}

/** The booking statement's parameters, by name: `$n` is the n-th. */
export const BOOK_PARAMS = [
  'org',
  'pathway',
  'patient',
  'slot',
  'except',
  'starts',
  'ends',
  'fitsFirst',
  'fitsFollowUp',
  'inTurn',
  'hold',
  'now',
  'id',
  'slotType',
  'today',
  'notice',
  'reasonable',
  'reason',
  'bookedBy',
] as const;
export type BookParam = (typeof BOOK_PARAMS)[number];
const $ = (name: BookParam): string => `$${BOOK_PARAMS.indexOf(name) + 1}`;
/** `select $a::t, $b::u, …` over parameters numbered from `from`, one per column. */
const selectParams = (columns: readonly (readonly [string, string])[], from: number): string =>
  columns.map(([, type], i) => `$${from + i}::${type}`).join(', ');
const AUDIT_FROM = BOOK_PARAMS.length + 1;
const LETTER_FROM = AUDIT_FROM + AUDIT_ROW_COLUMNS.length;

/** A free place: one conditional update, so concurrent bookings can never over-book the slot. */
const TAKE_FREE_PLACE = `
  taken as (
    update slots set booked = booked + 1
     where org_id = ${$('org')} and id = ${$('slot')} and status = 'open' and booked + held < capacity
       and (select ok from go)
    returning id),
  hold as (select null::uuid as id where ${$('hold')}::uuid is not null and false)`;

/** The hold's place: the hold is used (if still active and for this slot and pathway), then counted as booked. */
const TAKE_HELD_PLACE = `
  hold as (
    update slot_holds set status = 'booked'
     where org_id = ${$('org')} and id = ${$('hold')}::uuid and slot_id = ${$('slot')} and pathway_id = ${$('pathway')}
       and status = 'active' and expires_at > ${$('now')}::timestamptz and (select ok from go)
    returning id),
  taken as (
    update slots set held = held - 1, booked = booked + 1
     where org_id = ${$('org')} and id = ${$('slot')} and exists (select 1 from hold)
    returning id)`;

/**
 * The booking, after the locks: the rules that read other appointments, then — only when they all pass — the
 * place, the appointment, its audit row and its letter. Answers with what the rules found, for the refusal.
 */
const bookingStatement = (takePlace: string): string => `
with chk as (
  select
    exists (select 1 from appointments a where a.org_id = ${$('org')} and a.pathway_id = ${$('pathway')}
             and a.status = 'attended') as seen,
    exists (select 1 from appointments a where a.org_id = ${$('org')} and a.pathway_id = ${$('pathway')}
             and a.status = 'booked' and a.id is distinct from ${$('except')}::uuid) as "pathwayBooked",
    exists (select 1 from appointments a where a.org_id = ${$('org')} and a.patient_id = ${$('patient')}
             and a.status = 'booked' and a.starts_at < ${$('ends')}::timestamptz
             and a.ends_at > ${$('starts')}::timestamptz and a.id is distinct from ${$('except')}::uuid) as clash),
go as (
  select (case when seen then ${$('fitsFollowUp')}::boolean else ${$('fitsFirst')}::boolean end)
         and not "pathwayBooked" and not clash and (seen or ${$('inTurn')}::boolean) as ok
    from chk),
${takePlace},
appt as (
  insert into appointments (org_id, id, slot_id, pathway_id, patient_id, starts_at, ends_at, slot_type, status,
                            offered_on, notice_days, reasonable_offer, out_of_turn_reason, replaces_id,
                            booked_by, booked_at)
  select ${$('org')}::uuid, ${$('id')}::uuid, ${$('slot')}::uuid, ${$('pathway')}::uuid, ${$('patient')}::uuid,
         ${$('starts')}::timestamptz, ${$('ends')}::timestamptz, ${$('slotType')}::text, 'booked', ${$('today')}::date,
         ${$('notice')}::int, ${$('reasonable')}::boolean, ${$('reason')}::text, ${$('except')}::uuid,
         ${$('bookedBy')}::text, ${$('now')}::timestamptz
    from taken
  returning id),
audited as (
  insert into audit_log (${AUDIT_ROW_COLUMNS.map(([c]) => c).join(', ')})
  select ${selectParams(AUDIT_ROW_COLUMNS, AUDIT_FROM)} from appt),
lettered as (
  insert into communications (${LETTER_COLUMNS.map(([c]) => c).join(', ')})
  select ${selectParams(LETTER_COLUMNS, LETTER_FROM)} from appt)
select seen, "pathwayBooked", clash, (select count(*) from taken)::int as taken,
       (select count(*) from hold)::int as "holdUsed"
  from chk`;

export const BOOK_FREE = bookingStatement(TAKE_FREE_PLACE);
export const BOOK_HELD = bookingStatement(TAKE_HELD_PLACE);

export interface BookingChecks {
  /** The patient has attended an appointment on this pathway: this one is a follow-up. */
  seen: boolean;
  pathwayBooked: boolean;
  clash: boolean;
  /** Rows written by the update of the slot (0 or 1), and by using the hold (0 or 1). */
  taken: number;
  holdUsed: number;
}
