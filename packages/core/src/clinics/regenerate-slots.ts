/**
 * Regenerating slots after a template change: what to create, what to remove, what stays and which
 * booked slots no longer fit (issue "Clinic templates, slots and the booking engine", part 2).
 *
 * The caller passes the stored slots (`existing`) of the same templates over the same dates that
 * `generated` covers: anything passed in and not generated counts as gone, so do not pass slots outside
 * the regenerated range (past slots, slots beyond the horizon) or of other templates.
 *
 * The rules:
 * 1. Booked slots (booked ≥ 1) are never removed, and their time, type and bookings are never changed.
 * 2. Matching. An existing slot is the same slot as a generated one when
 *    a. they have the same key and the same start, end and type (regenerating an unchanged version); or
 *    b. failing that, they belong to the same template (the key's template id) and have the same start,
 *       end and type: an identical slot carried over into a new version. Its key changes to the new
 *       version's key (`changes` includes 'key'); its appointments stay where they are.
 *    Booked existing slots are matched before free ones, so a free duplicate is the one removed.
 * 3. A matched slot is kept (`keep`). Its capacity follows the template (`changes` includes 'capacity'
 *    when it differs), so it takes no more bookings than the template now allows. When the new capacity
 *    is below the bookings, the bookings stay and the excess is reported in `displaced` with reason
 *    'capacity-reduced' and `appointments` = booked − capacity (the slot is both kept and displaced; the
 *    caller chooses which appointments to move).
 * 4. An unmatched free slot is removed (`remove`).
 * 5. An unmatched booked slot is displaced: it stays, with its bookings, outside the template, and all its
 *    appointments must be rebooked. Its `replacement` is the generated slot with its key, else one of the
 *    same template with its start and end (and so another type), else the one at its position (same
 *    template, date, session index and slot index, any version). The reason is 'type-changed' when the
 *    replacement has its times, 'time-changed' when it has other times, and 'slot-removed' when there is
 *    no replacement (the date, session or slot is gone).
 * 6. A generated slot that matched nothing is created (`create`).
 *
 * So every existing slot is in exactly one of keep, remove and displaced (except that a kept slot may also
 * be displaced for 'capacity-reduced'), and every generated slot is in exactly one of keep and create.
 *
 * Versions are immutable, so a changed slot normally comes back under a new key. If the same key comes back
 * with another time or type (a version edited in place, or changed time-zone rules), the free existing slot
 * is removed and the generated one created under the same key: apply `remove` before `create`. A booked
 * one is displaced while the new slot wants its key: the caller must detach the displaced slot from the
 * key (mark it displaced) before inserting.
 */
import { Temporal } from 'temporal-polyfill';
import { parseSlotKey, type GeneratedSlot, type SlotKeyParts } from './generate-slots';
import { SLOT_TYPE_NAMES, type SlotType } from './types';

/** A stored slot, as regeneration needs to see it. The caller's own fields (ids…) are passed through. */
export interface ExistingSlot {
  key: string;
  /** ISO instants; any offset or precision Temporal.Instant reads. */
  startsAt: string;
  endsAt: string;
  slotType: SlotType;
  capacity: number;
  /** Appointments booked into the slot. */
  booked: number;
}

export const DISPLACEMENT_REASONS = [
  'slot-removed',
  'time-changed',
  'type-changed',
  'capacity-reduced',
] as const;
export type DisplacementReason = (typeof DISPLACEMENT_REASONS)[number];

export type KeptSlotChange = 'key' | 'capacity';

export interface KeptSlot<E extends ExistingSlot = ExistingSlot> {
  existing: E;
  generated: GeneratedSlot;
  /** What the caller must update on the stored slot (to the generated slot's key and capacity). */
  changes: KeptSlotChange[];
}

export interface DisplacedSlot<E extends ExistingSlot = ExistingSlot> {
  slot: E;
  reason: DisplacementReason;
  /** How many of its appointments must be rebooked. */
  appointments: number;
  /** The generated slot now at this slot's key or position, when there is one (it may be in `create`). */
  replacement: GeneratedSlot | null;
  /** Plain English, for the displaced-appointments worklist and the audit trail. */
  message: string;
}

export interface SlotRegeneration<E extends ExistingSlot = ExistingSlot> {
  create: GeneratedSlot[];
  remove: E[];
  keep: KeptSlot<E>[];
  displaced: DisplacedSlot<E>[];
}

export interface RegenerateSlotsInput<E extends ExistingSlot> {
  existing: readonly E[];
  generated: readonly GeneratedSlot[];
}

/** A UTC instant written the way `generateSlots` and most databases write it. */
const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function epochMs(value: string, what: string): number {
  // Fast path for plain UTC instants (Date reads these exactly); anything else goes through Temporal.
  if (typeof value === 'string' && UTC_INSTANT.test(value)) {
    const ms = Date.parse(value);
    // Date rolls 30 February over into March; the round trip catches it (Temporal then refuses it).
    if (Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 19) === value.slice(0, 19)) return ms;
  }
  try {
    return Temporal.Instant.from(value).epochMilliseconds;
  } catch {
    throw new RangeError(`${what} ${JSON.stringify(value)} is not an ISO instant`);
  }
}

function appointmentsText(n: number): string {
  return n === 1 ? '1 appointment needs rebooking' : `${n} appointments need rebooking`;
}

function patientsText(n: number): string {
  return n === 1 ? '1 patient' : `${n} patients`;
}

/** Same template, date, session index and slot index (any version), or null for a foreign key. */
function positionOf(p: SlotKeyParts | null): string | null {
  return p === null ? null : JSON.stringify([p.templateId, p.date, p.sessionIndex, p.slotIndex]);
}

/** See the module comment for the rules. Throws a RangeError for malformed input or duplicate keys. */
export function regenerateSlots<E extends ExistingSlot>(input: RegenerateSlotsInput<E>): SlotRegeneration<E> {
  const generated = input.generated.map((slot) => ({
    slot,
    start: epochMs(slot.startsAt, `generated ${slot.key} startsAt`),
    end: epochMs(slot.endsAt, `generated ${slot.key} endsAt`),
    template: slot.templateId,
    matched: false,
  }));
  const existing = input.existing.map((slot) => {
    if (!Number.isInteger(slot.booked) || slot.booked < 0) {
      throw new RangeError(`existing ${slot.key} booked must be a whole number of 0 or more`);
    }
    const parts = parseSlotKey(slot.key);
    return {
      slot,
      start: epochMs(slot.startsAt, `existing ${slot.key} startsAt`),
      end: epochMs(slot.endsAt, `existing ${slot.key} endsAt`),
      template: parts?.templateId ?? null,
      position: positionOf(parts),
      match: null as (typeof generated)[number] | null,
    };
  });

  const byKey = new Map<string, (typeof generated)[number]>();
  const byPosition = new Map<string, (typeof generated)[number]>();
  const byTime = new Map<string, (typeof generated)[number][]>();
  const timeKey = (template: string | null, start: number, end: number) =>
    JSON.stringify([template, start, end]);
  for (const g of generated) {
    if (byKey.has(g.slot.key)) throw new RangeError(`generated slots repeat the key ${g.slot.key}`);
    byKey.set(g.slot.key, g);
    byPosition.set(positionOf(g.slot)!, g);
    const t = timeKey(g.template, g.start, g.end);
    byTime.set(t, [...(byTime.get(t) ?? []), g]);
  }
  const seenExisting = new Set<string>();
  for (const e of existing) {
    if (seenExisting.has(e.slot.key)) throw new RangeError(`existing slots repeat the key ${e.slot.key}`);
    seenExisting.add(e.slot.key);
  }

  // Rule 2a: same key, same time and type.
  for (const e of existing) {
    const g = byKey.get(e.slot.key);
    if (
      g !== undefined &&
      !g.matched &&
      g.start === e.start &&
      g.end === e.end &&
      g.slot.slotType === e.slot.slotType
    ) {
      e.match = g;
      g.matched = true;
    }
  }
  // Rule 2b: same template, time and type; booked slots first.
  const unmatched = existing.filter((e) => e.match === null && e.template !== null);
  unmatched.sort((a, b) => Number(b.slot.booked > 0) - Number(a.slot.booked > 0));
  for (const e of unmatched) {
    const g = byTime
      .get(timeKey(e.template, e.start, e.end))
      ?.find((c) => !c.matched && c.slot.slotType === e.slot.slotType);
    if (g !== undefined) {
      e.match = g;
      g.matched = true;
    }
  }

  const result: SlotRegeneration<E> = { create: [], remove: [], keep: [], displaced: [] };
  for (const e of existing) {
    const { slot } = e;
    if (e.match !== null) {
      // Rule 3.
      const g = e.match.slot;
      const changes: KeptSlotChange[] = [];
      if (g.key !== slot.key) changes.push('key');
      if (g.capacity !== slot.capacity) changes.push('capacity');
      result.keep.push({ existing: slot, generated: g, changes });
      if (slot.booked > g.capacity) {
        const excess = slot.booked - g.capacity;
        result.displaced.push({
          slot,
          reason: 'capacity-reduced',
          appointments: excess,
          replacement: g,
          message: `The slot now takes ${patientsText(g.capacity)} but has ${slot.booked} booked: ${appointmentsText(excess)}`,
        });
      }
      continue;
    }
    if (slot.booked === 0) {
      // Rule 4.
      result.remove.push(slot);
      continue;
    }
    // Rule 5.
    const position = e.position;
    const sameTimeOtherType = byTime
      .get(timeKey(e.template, e.start, e.end))
      ?.find((c) => c.slot.slotType !== slot.slotType);
    const replacement =
      byKey.get(slot.key) ?? sameTimeOtherType ?? (position === null ? undefined : byPosition.get(position));
    if (
      replacement === undefined ||
      (replacement.start === e.start &&
        replacement.end === e.end &&
        replacement.slot.slotType === slot.slotType)
    ) {
      // Nothing generated in its place (or only an identical slot already kept for a duplicate of it).
      result.displaced.push({
        slot,
        reason: 'slot-removed',
        appointments: slot.booked,
        replacement: null,
        message: `The clinic template no longer has this slot: ${appointmentsText(slot.booked)}`,
      });
    } else if (replacement.start !== e.start || replacement.end !== e.end) {
      const r = replacement.slot;
      result.displaced.push({
        slot,
        reason: 'time-changed',
        appointments: slot.booked,
        replacement: r,
        message: `The slot now runs from ${r.localStart} to ${r.localEnd} on ${r.date}: ${appointmentsText(slot.booked)}`,
      });
    } else {
      const r = replacement.slot;
      result.displaced.push({
        slot,
        reason: 'type-changed',
        appointments: slot.booked,
        replacement: r,
        message: `The slot is now for ${SLOT_TYPE_NAMES[r.slotType]} appointments, not ${SLOT_TYPE_NAMES[slot.slotType]}: ${appointmentsText(slot.booked)}`,
      });
    }
  }
  // Rule 6.
  for (const g of generated) if (!g.matched) result.create.push(g.slot);
  return result;
}
