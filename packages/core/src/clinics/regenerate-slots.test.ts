import { describe, it, expect } from 'vitest';
import { Temporal } from 'temporal-polyfill';
import { generateSlots, type GeneratedSlot } from './generate-slots';
import { regenerateSlots, type ExistingSlot } from './regenerate-slots';
import type { ClinicTemplateVersion, TemplateSlot } from './types';

const slot = (
  offsetMinutes: number,
  durationMinutes: number,
  slotType: TemplateSlot['slotType'] = 'new',
  capacity = 1,
): TemplateSlot => ({ offsetMinutes, durationMinutes, slotType, capacity });

/** Mondays 09:00–10:00: 09:00 new, 09:20 new, 09:40 follow-up. */
function v1(overrides: Partial<ClinicTemplateVersion> = {}): ClinicTemplateVersion {
  return {
    templateId: 'tpl-1',
    version: 1,
    clinicianId: 'cons-1',
    locationId: 'loc-1',
    specialtyCode: '110',
    effectiveFrom: '2026-01-01',
    effectiveTo: null,
    recurrence: { kind: 'weekly' },
    sessions: [
      {
        weekday: 1,
        start: '09:00',
        end: '10:00',
        slots: [slot(0, 20), slot(20, 20), slot(40, 20, 'follow-up')],
      },
    ],
    ...overrides,
  };
}

const RANGE = { from: '2026-01-05', to: '2026-01-12' }; // two Mondays

interface StoredSlot extends ExistingSlot {
  id: number;
}

/** Stored copies of generated slots, with bookings by key (0 when not given). */
function stored(generated: GeneratedSlot[], booked: Record<string, number> = {}): StoredSlot[] {
  return generated.map((g, i) => ({
    id: 100 + i,
    key: g.key,
    startsAt: g.startsAt,
    endsAt: g.endsAt,
    slotType: g.slotType,
    capacity: g.capacity,
    booked: booked[g.key] ?? 0,
  }));
}

const keys = (slots: { key: string }[]) => slots.map((s) => s.key).sort();

/** Invariants every regeneration keeps, whatever the change. */
function checkPartition(
  existing: StoredSlot[],
  generated: GeneratedSlot[],
  r: ReturnType<typeof regenerateSlots<StoredSlot>>,
) {
  const kept = r.keep.map((k) => k.existing.key);
  const fullyDisplaced = r.displaced.filter((d) => d.reason !== 'capacity-reduced').map((d) => d.slot.key);
  expect([...kept, ...r.remove.map((s) => s.key), ...fullyDisplaced].sort()).toEqual(keys(existing));
  expect([...r.keep.map((k) => k.generated.key), ...r.create.map((s) => s.key)].sort()).toEqual(
    keys(generated),
  );
  for (const s of r.remove) expect(s.booked).toBe(0);
  for (const d of r.displaced) expect(d.slot.booked).toBeGreaterThan(0);
  for (const k of r.keep) {
    expect(k.existing.startsAt === k.generated.startsAt && k.existing.slotType === k.generated.slotType).toBe(
      true,
    );
  }
}

describe('regenerateSlots', () => {
  it('regenerating an unchanged version keeps every slot and changes nothing', () => {
    const generated = generateSlots(v1(), RANGE);
    const existing = stored(generated, { [generated[0]!.key]: 1, [generated[4]!.key]: 1 });
    const r = regenerateSlots({ existing, generated });
    expect(r.create).toEqual([]);
    expect(r.remove).toEqual([]);
    expect(r.displaced).toEqual([]);
    expect(r.keep).toHaveLength(6);
    expect(r.keep.every((k) => k.changes.length === 0)).toBe(true);
    // The caller's own rows come back as they were (ids and all).
    expect(r.keep.map((k) => k.existing)).toEqual(existing);
    checkPartition(existing, generated, r);
  });

  it('a session moved later: free slots removed, booked slots displaced (never removed), new slots created', () => {
    const before = generateSlots(v1(), RANGE);
    const booked = before.find((s) => s.date === '2026-01-05' && s.slotIndex === 1)!;
    const existing = stored(before, { [booked.key]: 1 });
    const v2 = v1({ version: 2, sessions: [{ ...v1().sessions[0]!, start: '09:30', end: '10:30' }] });
    const generated = generateSlots(v2, RANGE);
    const r = regenerateSlots({ existing, generated });

    expect(r.keep).toEqual([]);
    expect(keys(r.create)).toEqual(keys(generated));
    expect(keys(r.remove)).toEqual(keys(before.filter((s) => s.key !== booked.key)));
    expect(r.displaced).toEqual([
      {
        slot: existing.find((s) => s.key === booked.key)!,
        reason: 'time-changed',
        appointments: 1,
        replacement: generated.find((s) => s.key === 'tpl-1/v2/2026-01-05/0/1')!,
        message: 'The slot now runs from 09:50 to 10:10 on 2026-01-05: 1 appointment needs rebooking',
      },
    ]);
    checkPartition(existing, generated, r);
  });

  it('a new version with the same times carries booked and free slots over under the new keys', () => {
    const before = generateSlots(v1(), RANGE);
    const existing = stored(before, { [before[0]!.key]: 1 });
    // Version 2 adds a fourth slot in the hour after and raises the follow-up capacity to 2.
    const v2 = v1({
      version: 2,
      sessions: [
        {
          weekday: 1,
          start: '09:00',
          end: '11:00',
          slots: [slot(0, 20), slot(20, 20), slot(40, 20, 'follow-up', 2), slot(60, 30)],
        },
      ],
    });
    const generated = generateSlots(v2, RANGE);
    const r = regenerateSlots({ existing, generated });

    expect(r.remove).toEqual([]);
    expect(r.displaced).toEqual([]);
    expect(keys(r.create)).toEqual(['tpl-1/v2/2026-01-05/0/3', 'tpl-1/v2/2026-01-12/0/3']);
    expect(r.keep.map((k) => [k.existing.key, k.generated.key, k.changes])).toEqual([
      ['tpl-1/v1/2026-01-05/0/0', 'tpl-1/v2/2026-01-05/0/0', ['key']],
      ['tpl-1/v1/2026-01-05/0/1', 'tpl-1/v2/2026-01-05/0/1', ['key']],
      ['tpl-1/v1/2026-01-05/0/2', 'tpl-1/v2/2026-01-05/0/2', ['key', 'capacity']],
      ['tpl-1/v1/2026-01-12/0/0', 'tpl-1/v2/2026-01-12/0/0', ['key']],
      ['tpl-1/v1/2026-01-12/0/1', 'tpl-1/v2/2026-01-12/0/1', ['key']],
      ['tpl-1/v1/2026-01-12/0/2', 'tpl-1/v2/2026-01-12/0/2', ['key', 'capacity']],
    ]);
    checkPartition(existing, generated, r);
  });

  it('matches by time when a new slot shifts the slot indices', () => {
    const before = generateSlots(v1(), { from: '2026-01-05', to: '2026-01-05' });
    const existing = stored(before, { [before[2]!.key]: 1 }); // the 09:40 follow-up is booked
    // Version 2 starts at 08:40 with an urgent slot: the old slots are now indices 1, 2 and 3.
    const v2 = v1({
      version: 2,
      sessions: [
        {
          weekday: 1,
          start: '08:40',
          end: '10:00',
          slots: [slot(0, 20, 'urgent-new'), slot(20, 20), slot(40, 20), slot(60, 20, 'follow-up')],
        },
      ],
    });
    const generated = generateSlots(v2, { from: '2026-01-05', to: '2026-01-05' });
    const r = regenerateSlots({ existing, generated });
    expect(r.keep.map((k) => [k.existing.key, k.generated.key])).toEqual([
      ['tpl-1/v1/2026-01-05/0/0', 'tpl-1/v2/2026-01-05/0/1'],
      ['tpl-1/v1/2026-01-05/0/1', 'tpl-1/v2/2026-01-05/0/2'],
      ['tpl-1/v1/2026-01-05/0/2', 'tpl-1/v2/2026-01-05/0/3'],
    ]);
    expect(keys(r.create)).toEqual(['tpl-1/v2/2026-01-05/0/0']);
    checkPartition(existing, generated, r);
  });

  it('a slot type change: the booked slot is displaced, the free one replaced', () => {
    const before = generateSlots(v1(), RANGE);
    const mon5 = before.filter((s) => s.date === '2026-01-05');
    const existing = stored(before, { [mon5[2]!.key]: 1 });
    const v2 = v1({
      version: 2,
      sessions: [{ ...v1().sessions[0]!, slots: [slot(0, 20), slot(20, 20), slot(40, 20, 'two-week-wait')] }],
    });
    const generated = generateSlots(v2, RANGE);
    const r = regenerateSlots({ existing, generated });
    expect(r.displaced).toEqual([
      {
        slot: existing.find((s) => s.key === mon5[2]!.key)!,
        reason: 'type-changed',
        appointments: 1,
        replacement: generated.find((s) => s.key === 'tpl-1/v2/2026-01-05/0/2')!,
        message:
          'The slot is now for two-week wait appointments, not follow-up: 1 appointment needs rebooking',
      },
    ]);
    expect(keys(r.remove)).toEqual(['tpl-1/v1/2026-01-12/0/2']);
    expect(keys(r.create)).toEqual(['tpl-1/v2/2026-01-05/0/2', 'tpl-1/v2/2026-01-12/0/2']);
    expect(r.keep).toHaveLength(4);
    checkPartition(existing, generated, r);
  });

  it('capacity below the bookings: the slot and its bookings stay, the excess is displaced', () => {
    const group = v1({
      sessions: [{ weekday: 1, start: '09:00', end: '10:00', slots: [slot(0, 60, 'follow-up', 6)] }],
    });
    const before = generateSlots(group, RANGE);
    const existing = stored(before, { [before[0]!.key]: 5, [before[1]!.key]: 2 });
    const v2 = v1({
      ...group,
      version: 2,
      sessions: [{ weekday: 1, start: '09:00', end: '10:00', slots: [slot(0, 60, 'follow-up', 3)] }],
    });
    const generated = generateSlots(v2, RANGE);
    const r = regenerateSlots({ existing, generated });
    expect(r.keep.map((k) => [k.existing.key, k.generated.capacity, k.changes])).toEqual([
      ['tpl-1/v1/2026-01-05/0/0', 3, ['key', 'capacity']],
      ['tpl-1/v1/2026-01-12/0/0', 3, ['key', 'capacity']],
    ]);
    expect(r.displaced).toEqual([
      {
        slot: existing[0],
        reason: 'capacity-reduced',
        appointments: 2,
        replacement: generated[0],
        message: 'The slot now takes 3 patients but has 5 booked: 2 appointments need rebooking',
      },
    ]);
    expect(r.remove).toEqual([]);
    expect(r.create).toEqual([]);
    checkPartition(existing, generated, r);
  });

  it('capacity exactly equal to the bookings displaces nothing; capacity 1 with 2 booked displaces 1', () => {
    const group = v1({
      sessions: [{ weekday: 1, start: '09:00', end: '10:00', slots: [slot(0, 60, 'follow-up', 4)] }],
    });
    const before = generateSlots(group, { from: '2026-01-05', to: '2026-01-05' });
    const v2 = (capacity: number) =>
      generateSlots(
        v1({
          version: 2,
          sessions: [
            { weekday: 1, start: '09:00', end: '10:00', slots: [slot(0, 60, 'follow-up', capacity)] },
          ],
        }),
        {
          from: '2026-01-05',
          to: '2026-01-05',
        },
      );
    expect(
      regenerateSlots({ existing: stored(before, { [before[0]!.key]: 2 }), generated: v2(2) }).displaced,
    ).toEqual([]);
    const r = regenerateSlots({ existing: stored(before, { [before[0]!.key]: 2 }), generated: v2(1) });
    expect(r.displaced.map((d) => [d.reason, d.appointments, d.message])).toEqual([
      ['capacity-reduced', 1, 'The slot now takes 1 patient but has 2 booked: 1 appointment needs rebooking'],
    ]);
  });

  it('a cancelled date or session: booked slots displaced as slot-removed, with no replacement', () => {
    const before = generateSlots(v1(), RANGE);
    const existing = stored(before, { [before[3]!.key]: 2 });
    const ended = v1({ version: 2, effectiveTo: '2026-01-11' }); // no longer runs on 12 January
    const generated = generateSlots(ended, RANGE);
    const r = regenerateSlots({ existing, generated });
    expect(r.displaced).toEqual([
      {
        slot: existing[3],
        reason: 'slot-removed',
        appointments: 2,
        replacement: null,
        message: 'The clinic template no longer has this slot: 2 appointments need rebooking',
      },
    ]);
    expect(keys(r.remove)).toEqual(['tpl-1/v1/2026-01-12/0/1', 'tpl-1/v1/2026-01-12/0/2']);
    expect(r.keep).toHaveLength(3);
    expect(r.create).toEqual([]);
    checkPartition(existing, generated, r);
  });

  it('nothing generated: free slots removed, booked ones displaced', () => {
    const before = generateSlots(v1(), RANGE);
    const existing = stored(before, { [before[1]!.key]: 1 });
    const r = regenerateSlots({ existing, generated: [] });
    expect(r.remove).toHaveLength(5);
    expect(r.displaced.map((d) => [d.slot.key, d.reason])).toEqual([[before[1]!.key, 'slot-removed']]);
  });

  it('nothing stored: every generated slot is created', () => {
    const generated = generateSlots(v1(), RANGE);
    expect(regenerateSlots({ existing: [], generated })).toEqual({
      create: generated,
      remove: [],
      keep: [],
      displaced: [],
    });
  });

  it('reads instants written with milliseconds or an offset', () => {
    const generated = generateSlots(v1(), { from: '2026-07-06', to: '2026-07-06' });
    const existing = stored(generated).map((s, i) => ({
      ...s,
      startsAt:
        i === 0
          ? s.startsAt.replace('Z', '.000Z')
          : Temporal.Instant.from(s.startsAt)
              .toZonedDateTimeISO('Europe/London')
              .toString({ timeZoneName: 'never' }),
    }));
    const r = regenerateSlots({ existing, generated });
    expect(r.keep).toHaveLength(3);
  });

  it('does not carry a slot over to another template with the same times', () => {
    const before = generateSlots(v1(), { from: '2026-01-05', to: '2026-01-05' });
    const other = generateSlots(v1({ templateId: 'tpl-2' }), { from: '2026-01-05', to: '2026-01-05' });
    const r = regenerateSlots({ existing: stored(before, { [before[0]!.key]: 1 }), generated: other });
    expect(r.keep).toEqual([]);
    expect(r.displaced.map((d) => d.reason)).toEqual(['slot-removed']);
    expect(r.create).toHaveLength(3);
  });

  it('a slot whose key was not made by slotKey only matches by its exact key', () => {
    const generated = generateSlots(v1(), { from: '2026-01-05', to: '2026-01-05' });
    const existing = stored(generated, {}).map((s, i) =>
      i === 0 ? { ...s, key: 'legacy-123', booked: 1 } : s,
    );
    const r = regenerateSlots({ existing, generated });
    expect(r.displaced.map((d) => [d.slot.key, d.reason])).toEqual([['legacy-123', 'slot-removed']]);
    expect(keys(r.create)).toEqual([generated[0]!.key]);
  });

  it('the same key with another time (a version edited in place): free removed and re-created, booked displaced', () => {
    const generated = generateSlots(v1(), { from: '2026-01-05', to: '2026-01-05' });
    const moved = (s: StoredSlot): StoredSlot => ({
      ...s,
      startsAt: s.startsAt.replace('T09:', 'T08:'),
      endsAt: s.endsAt.replace('T09:', 'T08:').replace('T10:', 'T09:'),
    });
    const existing = stored(generated, { [generated[0]!.key]: 1 }).map(moved);
    const r = regenerateSlots({ existing, generated });
    expect(r.displaced.map((d) => [d.slot.key, d.reason, d.replacement?.key])).toEqual([
      [generated[0]!.key, 'time-changed', generated[0]!.key],
    ]);
    expect(keys(r.remove)).toEqual(keys(generated.slice(1)));
    expect(keys(r.create)).toEqual(keys(generated));
  });

  it('matches a booked slot before a free duplicate of it', () => {
    const generated = generateSlots(v1(), { from: '2026-01-05', to: '2026-01-05' });
    const [first] = stored(generated);
    const free = { ...first!, id: 1, key: 'tpl-1/v8/2026-01-05/0/0', booked: 0 };
    const bookedCopy = { ...first!, id: 2, key: 'tpl-1/v9/2026-01-05/0/0', booked: 1 };
    const r = regenerateSlots({ existing: [free, bookedCopy], generated: [generated[0]!] });
    expect(r.keep.map((k) => k.existing.id)).toEqual([2]);
    expect(r.remove.map((s) => s.id)).toEqual([1]);
  });

  it('refuses repeated keys, bad booking counts and unreadable instants', () => {
    const generated = generateSlots(v1(), { from: '2026-01-05', to: '2026-01-05' });
    const existing = stored(generated);
    expect(() => regenerateSlots({ existing: [...existing, existing[0]!], generated })).toThrow(
      /repeat the key/,
    );
    expect(() => regenerateSlots({ existing, generated: [...generated, generated[0]!] })).toThrow(
      /repeat the key/,
    );
    expect(() => regenerateSlots({ existing: [{ ...existing[0]!, booked: -1 }], generated })).toThrow(
      RangeError,
    );
    expect(() => regenerateSlots({ existing: [{ ...existing[0]!, booked: 0.5 }], generated })).toThrow(
      RangeError,
    );
    expect(() => regenerateSlots({ existing: [{ ...existing[0]!, startsAt: 'Monday' }], generated })).toThrow(
      /not an ISO instant/,
    );
    expect(() =>
      regenerateSlots({ existing: [{ ...existing[0]!, startsAt: '2026-02-30T09:00:00Z' }], generated }),
    ).toThrow(/not an ISO instant/);
  });
});
