import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { generateSlots, parseSlotKey, type GeneratedSlot } from './generate-slots';
import { regenerateSlots, type ExistingSlot } from './regenerate-slots';
import {
  SLOT_TYPES,
  WEEKS_OF_MONTH,
  type ClinicTemplateVersion,
  type Recurrence,
  type TemplateSession,
  type TemplateSlot,
} from './types';
import { validateClinicTemplate } from './validate-template';

const MINUTE = 60_000;
const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const ms = (iso: string) => Date.parse(iso);

/** A session that is valid by construction: slots laid end to end with gaps, inside one day. */
const session = (weekday: number) =>
  fc
    .record({
      // Half the sessions start in the small hours, so that the clock changes are hit often.
      start: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 1200 })),
      slots: fc.array(
        fc.record({
          gap: fc.integer({ min: 0, max: 30 }),
          duration: fc.integer({ min: 5, max: 120 }),
          slotType: fc.constantFrom(...SLOT_TYPES),
          capacity: fc.integer({ min: 1, max: 3 }),
        }),
        { minLength: 1, maxLength: 12 },
      ),
      tail: fc.integer({ min: 0, max: 30 }),
    })
    .map(({ start, slots, tail }): TemplateSession => {
      let offset = 0;
      const laid: TemplateSlot[] = [];
      for (const s of slots) {
        const from = offset + s.gap;
        if (start + from + s.duration > 1439) break;
        laid.push({
          offsetMinutes: from,
          durationMinutes: s.duration,
          slotType: s.slotType,
          capacity: s.capacity,
        });
        offset = from + s.duration;
      }
      if (laid.length === 0)
        laid.push({ offsetMinutes: 0, durationMinutes: 5, slotType: 'new', capacity: 1 });
      const end = Math.min(1439, start + Math.max(offset, 5) + tail);
      return {
        weekday: weekday as TemplateSession['weekday'],
        start: hhmm(start),
        end: hhmm(end),
        slots: laid,
      };
    });

const isoDate = (from: string, maxDays: number) =>
  fc.integer({ min: 0, max: maxDays }).map((d) => Temporal.PlainDate.from(from).add({ days: d }).toString());

const recurrence: fc.Arbitrary<Recurrence> = fc.oneof(
  fc.constant<Recurrence>({ kind: 'weekly' }),
  fc
    .record({ n: fc.integer({ min: 1, max: 4 }), anchorDate: isoDate('2024-01-01', 2500) })
    .map(({ n, anchorDate }): Recurrence => ({ kind: 'every-n-weeks', n, anchorDate })),
  fc
    .subarray([...WEEKS_OF_MONTH], { minLength: 1 })
    .map((weeks): Recurrence => ({ kind: 'weeks-of-month', weeks })),
);

const template = (version: number) =>
  fc
    .record({
      // One session per weekday (so sessions never overlap), Sundays favoured: both clock changes are Sundays.
      weekdays: fc.uniqueArray(fc.oneof(fc.constant(7), fc.integer({ min: 1, max: 7 })), {
        minLength: 1,
        maxLength: 3,
      }),
      recurrence,
      effectiveFrom: isoDate('2023-06-01', 2700),
      length: fc.option(fc.integer({ min: 0, max: 900 }), { nil: null }),
    })
    .chain(({ weekdays, recurrence, effectiveFrom, length }) =>
      fc.tuple(...weekdays.map(session)).map((sessions): ClinicTemplateVersion => ({
        templateId: 'tpl-p',
        version,
        clinicianId: 'cons-1',
        locationId: 'loc-1',
        specialtyCode: '110',
        effectiveFrom,
        effectiveTo:
          length === null ? null : Temporal.PlainDate.from(effectiveFrom).add({ days: length }).toString(),
        recurrence,
        sessions,
      })),
    );

/** Windows around the last Sundays of March and October 2024–2030, and some ordinary ones. */
const range = fc
  .record({
    year: fc.integer({ min: 2024, max: 2030 }),
    month: fc.constantFrom(3, 10, 7, 1),
    startDay: fc.integer({ min: 10, max: 28 }),
    days: fc.integer({ min: 0, max: 40 }),
  })
  .map(({ year, month, startDay, days }) => {
    const from = Temporal.PlainDate.from({ year, month, day: startDay });
    return { from: from.toString(), to: from.add({ days }).toString() };
  });

/**
 * An independent oracle for the London wall clock → UTC rule. London changes at 01:00 UTC: on the spring
 * day the clock jumps from 01:00 GMT to 02:00 BST, on the autumn day from 02:00 BST back to 01:00 GMT. The
 * rule: a time that does not exist moves forward to the change, a repeated time takes the BST instant.
 * Returns minutes after UTC midnight of the date (negative for the previous UTC day).
 */
function oracle(date: string, wall: number): number {
  const d = Temporal.PlainDate.from(date);
  const offset = (zdt: Temporal.ZonedDateTime) => zdt.offsetNanoseconds / 60e9;
  const before = offset(d.toZonedDateTime('Europe/London'));
  const after = offset(d.add({ days: 1 }).toZonedDateTime('Europe/London').subtract({ minutes: 1 }));
  if (before === after) return wall - before;
  if (before === 0 && after === 60) return wall < 60 ? wall : wall < 120 ? 60 : wall - 60;
  if (before === 60 && after === 0) return wall < 120 ? wall - 60 : wall;
  throw new Error(`unexpected offsets on ${date}`);
}
const utcMidnight = (date: string) => ms(`${date}T00:00:00Z`);
const isChangeDay = (date: string) => oracle(date, 0) !== oracle(date, 180) - 180;

describe('generateSlots properties', () => {
  it('slots never overlap, lie inside their session, last exactly their duration, and follow the wall-clock rule', () => {
    let generatedTotal = 0;
    let onChangeDays = 0;
    fc.assert(
      fc.property(template(1), range, (t, r) => {
        expect(validateClinicTemplate(t).ok).toBe(true);
        const slots = generateSlots(t, r);
        generatedTotal += slots.length;
        onChangeDays += slots.filter((s) => isChangeDay(s.date)).length;

        // Keys are unique and say what the slot is.
        expect(new Set(slots.map((s) => s.key)).size).toBe(slots.length);
        for (const s of slots) {
          expect(parseSlotKey(s.key)).toEqual({
            templateId: s.templateId,
            version: s.version,
            date: s.date,
            sessionIndex: s.sessionIndex,
            slotIndex: s.slotIndex,
          });
          expect(s.date >= r.from && s.date <= r.to && s.date >= t.effectiveFrom).toBe(true);
          if (t.effectiveTo !== null) expect(s.date <= t.effectiveTo).toBe(true);
          expect(Temporal.PlainDate.from(s.date).dayOfWeek).toBe(t.sessions[s.sessionIndex]!.weekday);
        }

        // In start order, and no two slots on a date overlap (within a session or across sessions).
        for (let i = 1; i < slots.length; i++) {
          expect(ms(slots[i]!.startsAt)).toBeGreaterThanOrEqual(ms(slots[i - 1]!.endsAt));
        }

        const bySession = new Map<string, GeneratedSlot[]>();
        for (const s of slots) {
          const k = `${s.date}/${s.sessionIndex}`;
          bySession.set(k, [...(bySession.get(k) ?? []), s]);
        }
        for (const group of bySession.values()) {
          const { date, sessionIndex } = group[0]!;
          const session = t.sessions[sessionIndex]!;
          const [sh, sm] = session.start.split(':').map(Number) as [number, number];
          const [eh, em] = session.end.split(':').map(Number) as [number, number];
          const start = sh * 60 + sm;
          const midnight = utcMidnight(date);
          const expected = session.slots.flatMap((slot, slotIndex) => {
            const wallStart = start + slot.offsetMinutes;
            const startMin = oracle(date, wallStart);
            // A slot is generated only when it keeps its whole length (the spring gap drops the others).
            if (oracle(date, wallStart + slot.durationMinutes) - startMin < slot.durationMinutes) return [];
            return [
              { slotIndex, startMs: midnight + startMin * MINUTE, durationMinutes: slot.durationMinutes },
            ];
          });
          expect(
            group.map((s) => ({
              slotIndex: s.slotIndex,
              startMs: ms(s.startsAt),
              durationMinutes: s.durationMinutes,
            })),
          ).toEqual(expected.sort((a, b) => a.startMs - b.startMs));
          const sessionStart = midnight + oracle(date, start) * MINUTE;
          const sessionEnd = midnight + oracle(date, eh * 60 + em) * MINUTE;
          for (const s of group) {
            expect(ms(s.sessionStartsAt)).toBe(sessionStart);
            expect(ms(s.sessionEndsAt)).toBe(sessionEnd);
            // Inside the session, and exactly durationMinutes long, even across a clock change.
            expect(ms(s.startsAt)).toBeGreaterThanOrEqual(sessionStart);
            expect(ms(s.endsAt)).toBeLessThanOrEqual(sessionEnd);
            expect(ms(s.endsAt) - ms(s.startsAt)).toBe(s.durationMinutes * MINUTE);
            const templateSlot = session.slots[s.slotIndex]!;
            expect(s.slotType).toBe(templateSlot.slotType);
            expect(s.capacity).toBe(templateSlot.capacity);
            // The London clock at startsAt reads localStart.
            const shown = Temporal.Instant.from(s.startsAt).toZonedDateTimeISO('Europe/London');
            expect(s.localStart).toBe(hhmm(shown.hour * 60 + shown.minute));
            if (!isChangeDay(date)) {
              expect(s.localStart).toBe(hhmm(start + templateSlot.offsetMinutes));
              expect(s.localEnd).toBe(
                hhmm(start + templateSlot.offsetMinutes + templateSlot.durationMinutes),
              );
            }
          }
        }

        // Weekly templates: a session on every matching date that keeps at least one slot.
        if (t.recurrence.kind === 'weekly') {
          for (let d = Temporal.PlainDate.from(r.from); d.toString() <= r.to; d = d.add({ days: 1 })) {
            const date = d.toString();
            if (date < t.effectiveFrom || (t.effectiveTo !== null && date > t.effectiveTo)) continue;
            t.sessions.forEach((s, sessionIndex) => {
              if (s.weekday !== d.dayOfWeek || isChangeDay(date)) return;
              expect(bySession.get(`${date}/${sessionIndex}`)?.length).toBe(s.slots.length);
            });
          }
        }
      }),
      { numRuns: 400 },
    );
    // The runs were not vacuous: plenty of slots, some of them on the days the clocks change.
    expect(generatedTotal).toBeGreaterThan(300);
    expect(onChangeDays).toBeGreaterThan(5);
  });
});

describe('regenerateSlots properties', () => {
  const bookings = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 200, maxLength: 200 });
  /** Version 2: unrelated, the same layout again, every capacity cut to 1, or one session moved 10 minutes. */
  const versions = fc
    .tuple(template(1), template(2), fc.integer({ min: 0, max: 3 }))
    .map(([t1, other, how]) => {
      const same: ClinicTemplateVersion = { ...t1, version: 2 };
      const t2: ClinicTemplateVersion[] = [
        other,
        same,
        {
          ...same,
          sessions: t1.sessions.map((s) => ({ ...s, slots: s.slots.map((x) => ({ ...x, capacity: 1 })) })),
        },
        {
          ...same,
          sessions: t1.sessions.map((s, i) => {
            const [h, m] = s.start.split(':').map(Number) as [number, number];
            const [eh, em] = s.end.split(':').map(Number) as [number, number];
            const shift = i === 0 && eh * 60 + em + 10 <= 1439 ? 10 : 0;
            return { ...s, start: hhmm(h * 60 + m + shift), end: hhmm(eh * 60 + em + shift) };
          }),
        },
      ];
      return [t1, t2[how]!] as const;
    });

  it('booked slots are never removed, every slot is accounted for once, and applying the result is stable', () => {
    const seen = { keptWithNewKey: 0, displaced: 0, capacityReduced: 0, removed: 0, created: 0 };
    fc.assert(
      fc.property(versions, range, bookings, ([t1, t2], r, booked) => {
        const before = generateSlots(t1, r);
        const existing: (ExistingSlot & { id: number })[] = before.map((g, i) => ({
          id: i,
          key: g.key,
          startsAt: g.startsAt,
          endsAt: g.endsAt,
          slotType: g.slotType,
          capacity: g.capacity,
          // Over-booking is allowed in the stored data here; it shows up as capacity-reduced.
          booked: booked[i % booked.length]! % (g.capacity + 2),
        }));
        const generated = generateSlots(t2, r);
        const result = regenerateSlots({ existing, generated });
        seen.keptWithNewKey += result.keep.filter((k) => k.changes.includes('key')).length;
        seen.displaced += result.displaced.filter((d) => d.reason !== 'capacity-reduced').length;
        seen.capacityReduced += result.displaced.filter((d) => d.reason === 'capacity-reduced').length;
        seen.removed += result.remove.length;
        seen.created += result.create.length;

        const fully = result.displaced.filter((d) => d.reason !== 'capacity-reduced');
        const accounted = [
          ...result.keep.map((k) => k.existing.id),
          ...result.remove.map((s) => s.id),
          ...fully.map((d) => d.slot.id),
        ].sort((a, b) => a - b);
        expect(accounted).toEqual(existing.map((e) => e.id));
        expect(
          [...result.keep.map((k) => k.generated.key), ...result.create.map((g) => g.key)].sort(),
        ).toEqual(generated.map((g) => g.key).sort());
        for (const s of result.remove) expect(s.booked).toBe(0);
        for (const d of fully) expect(d.appointments).toBe(d.slot.booked);
        for (const k of result.keep) {
          expect(ms(k.existing.startsAt)).toBe(ms(k.generated.startsAt));
          expect(ms(k.existing.endsAt)).toBe(ms(k.generated.endsAt));
          expect(k.existing.slotType).toBe(k.generated.slotType);
          const excess = result.displaced.find(
            (d) => d.reason === 'capacity-reduced' && d.slot.id === k.existing.id,
          );
          expect(excess?.appointments ?? 0).toBe(Math.max(0, k.existing.booked - k.generated.capacity));
        }

        // Apply it: kept slots take the new key and capacity, created slots are stored empty, displaced
        // slots are detached. Regenerating again then finds nothing to do beyond the over-bookings.
        const applied: (ExistingSlot & { id: number })[] = [
          ...result.keep.map((k) => ({
            ...k.existing,
            key: k.generated.key,
            capacity: k.generated.capacity,
          })),
          ...result.create.map((g, i) => ({
            id: 10_000 + i,
            key: g.key,
            startsAt: g.startsAt,
            endsAt: g.endsAt,
            slotType: g.slotType,
            capacity: g.capacity,
            booked: 0,
          })),
        ];
        const again = regenerateSlots({ existing: applied, generated });
        expect(again.create).toEqual([]);
        expect(again.remove).toEqual([]);
        expect(again.keep.every((k) => k.changes.length === 0)).toBe(true);
        expect(again.displaced.map((d) => [d.slot.id, d.appointments])).toEqual(
          result.displaced
            .filter((d) => d.reason === 'capacity-reduced')
            .map((d) => [d.slot.id, d.appointments]),
        );
      }),
      { numRuns: 200 },
    );
    // Every outcome was exercised.
    for (const count of Object.values(seen)) expect(count).toBeGreaterThan(5);
  });
});
