/**
 * The rolling horizon (`extendSlotHorizon`): as the days pass each clinic gains the slots that come inside its
 * 26 weeks, exactly once, at exact Europe/London instants on the clock-change days; a slot removed by a new
 * version or cancelled with its session is never generated again; one audit row per clinic and run.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, slots } from '../../src/db/schema';
import { extendSlotHorizon } from '../../src/features/clinics/horizon';
import { nextDailyRun } from '../../src/jobs/daily';
import { ENGINES } from '../support/db';
import { addTestLocation, fixtureConsultant, newSlots } from '../support/clinic';
import { createHarness, type Harness, type Session } from '../support/app';

const NOW = '2026-11-23T09:00:00Z';

const slotsEvery = (minutes: number, count: number, durationMinutes = minutes) =>
  Array.from({ length: count }, (_, i) => ({
    offsetMinutes: i * minutes,
    durationMinutes,
    slotType: 'new',
    capacity: 1,
  }));

/** Monday 09:00–10:00 London, three 20-minute slots. */
const mondayMorning = (effectiveFrom: string) => ({
  effectiveFrom,
  recurrence: { kind: 'weekly' },
  sessions: [{ weekday: 1, start: '09:00', end: '10:00', slots: slotsEvery(20, 3) }],
});

/**
 * Sunday: a night session 00:30–03:00 in 30-minute slots (across the hour the clocks skip or repeat) and a
 * 09:00 slot.
 */
const sundays = (effectiveFrom: string) => ({
  effectiveFrom,
  recurrence: { kind: 'weekly' },
  sessions: [
    { weekday: 7, start: '00:30', end: '03:00', slots: slotsEvery(30, 5) },
    { weekday: 7, start: '09:00', end: '09:30', slots: slotsEvery(30, 1) },
  ],
});

describe.each(ENGINES)('slot horizon on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let consultant: string;
  let locationId: string;
  let seq = 0;

  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = await h.signIn('booking-clerk');
    consultant = await fixtureConsultant(h);
    locationId = await addTestLocation(h);
  });
  afterAll(() => h.close());

  const post = (url: string, payload: object) =>
    h.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: clerk.write, payload });

  /** Creates a clinic through the API as of `at` (signing in again then, so the session is fresh). */
  const createClinicAt = async (at: string, template: object) => {
    h.clock.set(at);
    clerk = await h.signIn('booking-clerk');
    seq += 1;
    const res = await post('/clinics', {
      name: `Horizon clinic ${seq}`,
      clinicianId: consultant,
      locationId,
      specialtyCode: '110',
      ...template,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string; slotsCreated: number }>();
  };
  const stored = (templateId: string) =>
    h.db.db
      .select()
      .from(slots)
      .where(eq(slots.templateId, templateId))
      .orderBy(asc(slots.startsAt), asc(slots.key));
  /** Runs the extension as of London date `today` and returns this clinic's part of it. */
  const extend = async (templateId: string, today: string) => {
    const result = await extendSlotHorizon(h.db.db, h.fixture.orgId, today, { now: h.clock.now() });
    const mine = result.clinics.find((c) => c.templateId === templateId);
    expect(mine).toBeDefined();
    return { result, mine: mine! };
  };

  it('adds exactly the week that came into the horizon, once, and never brings back removed or cancelled slots', async () => {
    const clinic = await createClinicAt(NOW, mondayMorning('2026-11-23'));
    expect(clinic.slotsCreated).toBe(78);
    // On the day it was created there is nothing to add.
    const sameDay = await extend(clinic.id, '2026-11-23');
    expect(sameDay.mine).toMatchObject({ versions: [1], generated: 78, created: 0 });
    expect(sameDay.result).toMatchObject({ today: '2026-11-23', horizonTo: '2027-05-23' });

    // A slot removed, and a whole session cancelled (with notice: applied at once).
    const before = await stored(clinic.id);
    const removed = before.find((s) => s.sessionDate === '2027-01-04')!;
    await h.db.db.update(slots).set({ status: 'removed' }).where(eq(slots.id, removed.id));
    const cancel = await post(`/clinics/${clinic.id}/sessions/cancel`, {
      date: '2027-02-01',
      reason: 'Consultant on study leave',
    });
    expect(cancel.statusCode, cancel.body).toBe(201);

    // A week on: the horizon ends on 30 May 2027, so Monday 24 May comes in (BST: 09:00 is 08:00Z).
    h.clock.set('2026-11-30T02:00:00Z');
    const week = await extend(clinic.id, '2026-11-30');
    expect(week.result.horizonTo).toBe('2027-05-30');
    expect(week.mine).toMatchObject({ generated: 78, created: 3 });
    const after = await stored(clinic.id);
    expect(after).toHaveLength(81);
    const added = after.filter((s) => !before.some((b) => b.id === s.id));
    expect(added.map((s) => [s.key, s.startsAt.toISOString(), s.endsAt.toISOString(), s.status])).toEqual([
      [`${clinic.id}/v1/2027-05-24/0/0`, '2027-05-24T08:00:00.000Z', '2027-05-24T08:20:00.000Z', 'open'],
      [`${clinic.id}/v1/2027-05-24/0/1`, '2027-05-24T08:20:00.000Z', '2027-05-24T08:40:00.000Z', 'open'],
      [`${clinic.id}/v1/2027-05-24/0/2`, '2027-05-24T08:40:00.000Z', '2027-05-24T09:00:00.000Z', 'open'],
    ]);
    expect(added.every((s) => s.clinicianId === consultant && s.locationId === locationId)).toBe(true);
    // Nothing stored was changed, and nothing removed or cancelled came back.
    const unchanged = after.filter((s) => before.some((b) => b.id === s.id));
    expect(unchanged.filter((s) => s.id !== removed.id && s.sessionDate !== '2027-02-01')).toEqual(
      before.filter((s) => s.id !== removed.id && s.sessionDate !== '2027-02-01'),
    );
    expect(after.filter((s) => s.sessionDate === '2027-01-04').map((s) => s.status)).toEqual([
      'removed',
      'open',
      'open',
    ]);
    expect(after.filter((s) => s.sessionDate === '2027-02-01').map((s) => s.status)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
    ]);

    // Again the same day: nothing.
    const again = await extend(clinic.id, '2026-11-30');
    expect(again.mine.created).toBe(0);
    expect(await stored(clinic.id)).toEqual(after);

    // One audit row per clinic and run, by the system, with the counts.
    const audited = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'Clinic.slotsExtended'), eq(auditLog.resourceId, clinic.id)))
      .orderBy(asc(auditLog.id));
    expect(audited.map((a) => (a.detail as { created: number }).created)).toEqual([0, 3, 0]);
    expect(audited[1]).toMatchObject({ actorType: 'system', resourceType: 'Clinic', patientId: null });
    expect(audited[1]!.detail).toMatchObject({
      from: '2026-11-30',
      horizonTo: '2027-05-30',
      versions: [1],
      generated: 78,
      alreadyStored: 75,
    });
    h.clock.set(NOW);
  });

  it('extends a changed clinic with its new version only, and leaves a version waiting for approval alone', async () => {
    const clinic = await createClinicAt(NOW, mondayMorning('2026-11-23'));
    // From 11 January (49 days' notice: applied now): the 09:40 slot gone, a 10:00 slot instead.
    const changed = await post(`/clinics/${clinic.id}/versions`, {
      effectiveFrom: '2027-01-11',
      recurrence: { kind: 'weekly' },
      sessions: [
        {
          weekday: 1,
          start: '09:00',
          end: '10:20',
          slots: newSlots([0, 20, 60]),
        },
      ],
      reason: 'Job plan change',
    });
    expect(changed.statusCode, changed.body).toBe(201);
    // A later change with short notice waits for approval: it must not generate anything.
    const pending = await post(`/clinics/${clinic.id}/versions`, {
      ...mondayMorning('2026-11-30'),
      reason: 'Short notice change',
    });
    expect(pending.statusCode, pending.body).toBe(202);
    const before = await stored(clinic.id);

    h.clock.set('2026-11-30T02:00:00Z');
    const { mine } = await extend(clinic.id, '2026-11-30');
    expect(mine).toMatchObject({ versions: [1, 2], created: 3 });
    const added = (await stored(clinic.id)).filter((s) => !before.some((b) => b.id === s.id));
    expect(added.map((s) => [s.key, s.startsAt.toISOString()])).toEqual([
      [`${clinic.id}/v2/2027-05-24/0/0`, '2027-05-24T08:00:00.000Z'],
      [`${clinic.id}/v2/2027-05-24/0/1`, '2027-05-24T08:20:00.000Z'],
      [`${clinic.id}/v2/2027-05-24/0/2`, '2027-05-24T09:00:00.000Z'],
    ]);
    // The 09:40 slots removed by version 2 stay removed: none of version 1's keys is generated again.
    const v1From11Jan = (await stored(clinic.id)).filter(
      (s) => s.key.includes('/v1/') && s.sessionDate >= '2027-01-11',
    );
    expect(v1From11Jan.length).toBeGreaterThan(0);
    expect(v1From11Jan.every((s) => s.status === 'removed')).toBe(true);
    h.clock.set(NOW);
  });

  it('places the slots of the spring clock-change Sunday (29 March 2026) at the right instants', async () => {
    // Created on Sunday 28 September 2025: its horizon ends on Saturday 28 March 2026.
    const clinic = await createClinicAt('2025-09-28T08:00:00Z', sundays('2025-09-28'));
    expect((await stored(clinic.id)).some((s) => s.sessionDate === '2026-03-29')).toBe(false);
    h.clock.set('2025-10-05T01:00:00Z');
    const { mine } = await extend(clinic.id, '2025-10-05');
    // 00:30 and 02:00, 02:30 (01:00 and 01:30 never happen on the clock that night) and 09:00.
    expect(mine.created).toBe(4);
    const day = (await stored(clinic.id)).filter((s) => s.sessionDate === '2026-03-29');
    expect(day.map((s) => [s.startsAt.toISOString(), s.endsAt.toISOString()])).toEqual([
      ['2026-03-29T00:30:00.000Z', '2026-03-29T01:00:00.000Z'],
      ['2026-03-29T01:00:00.000Z', '2026-03-29T01:30:00.000Z'],
      ['2026-03-29T01:30:00.000Z', '2026-03-29T02:00:00.000Z'],
      ['2026-03-29T08:00:00.000Z', '2026-03-29T08:30:00.000Z'],
    ]);
    // The Sunday before is still on GMT.
    const march22 = (await stored(clinic.id)).filter((s) => s.sessionDate === '2026-03-22');
    expect(march22.map((s) => s.startsAt.toISOString())).toEqual([
      '2026-03-22T00:30:00.000Z',
      '2026-03-22T01:00:00.000Z',
      '2026-03-22T01:30:00.000Z',
      '2026-03-22T02:00:00.000Z',
      '2026-03-22T02:30:00.000Z',
      '2026-03-22T09:00:00.000Z',
    ]);
    h.clock.set(NOW);
  });

  it('places the slots of the autumn clock-change Sunday (25 October 2026) at the right instants', async () => {
    // Created on Sunday 26 April 2026: its horizon ends on Saturday 24 October 2026.
    const clinic = await createClinicAt('2026-04-26T08:00:00Z', sundays('2026-04-26'));
    expect((await stored(clinic.id)).some((s) => s.sessionDate === '2026-10-25')).toBe(false);
    h.clock.set('2026-05-03T01:00:00Z');
    const { mine } = await extend(clinic.id, '2026-05-03');
    expect(mine.created).toBe(6);
    const day = (await stored(clinic.id)).filter((s) => s.sessionDate === '2026-10-25');
    // 00:30 and 01:00 BST; 01:30 happens twice and takes the BST instant; 02:00 and 09:00 are GMT.
    expect(day.map((s) => [s.startsAt.toISOString(), s.endsAt.toISOString()])).toEqual([
      ['2026-10-24T23:30:00.000Z', '2026-10-25T00:00:00.000Z'],
      ['2026-10-25T00:00:00.000Z', '2026-10-25T00:30:00.000Z'],
      ['2026-10-25T00:30:00.000Z', '2026-10-25T01:00:00.000Z'],
      ['2026-10-25T02:00:00.000Z', '2026-10-25T02:30:00.000Z'],
      ['2026-10-25T02:30:00.000Z', '2026-10-25T03:00:00.000Z'],
      ['2026-10-25T09:00:00.000Z', '2026-10-25T09:30:00.000Z'],
    ]);
    h.clock.set(NOW);
  });

  it('writes nothing for a clinic already at its horizon but still audits the run', async () => {
    const count = async () =>
      (
        await h.db.db
          .select({ n: sql<number>`count(*)::int` })
          .from(slots)
          .where(eq(slots.orgId, h.fixture.orgId))
      )[0]!.n;
    h.clock.set(NOW);
    const first = await extendSlotHorizon(h.db.db, h.fixture.orgId, '2026-11-23', { now: h.clock.now() });
    const slotsBefore = await count();
    const second = await extendSlotHorizon(h.db.db, h.fixture.orgId, '2026-11-23', { now: h.clock.now() });
    expect(second.created).toBe(0);
    expect(second.templates).toBe(first.templates);
    expect(await count()).toBe(slotsBefore);
  });
});

describe('daily schedule', () => {
  it('runs at 02:00 London time, the next day once 02:00 has passed, across the clock changes', () => {
    const next = (iso: string) => nextDailyRun(new Date(iso), '02:00').toISOString();
    expect(next('2026-11-23T01:59:00Z')).toBe('2026-11-23T02:00:00.000Z');
    expect(next('2026-11-23T02:00:00Z')).toBe('2026-11-24T02:00:00.000Z');
    expect(next('2026-07-01T00:30:00Z')).toBe('2026-07-01T01:00:00.000Z'); // BST
    expect(next('2026-03-28T12:00:00Z')).toBe('2026-03-29T01:00:00.000Z'); // 02:00 BST on the change day
    expect(next('2026-10-24T12:00:00Z')).toBe('2026-10-25T02:00:00.000Z'); // 02:00 GMT on the change day
  });
});
