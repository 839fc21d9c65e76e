/**
 * The what-if's clinic changes: a clinic removed for some weeks (its free places go, week by week, and its booked
 * patients stay booked) or given one more session a week (its usual session's places), and bad input.
 *
 * The list: twelve trauma and orthopaedics patients whose clocks started 15 weeks ago, in turn. Clinic A has two
 * new-patient places every Monday for 26 weeks (one of them booked in week 1); clinic B has no slots.
 */
import { randomUUID } from 'node:crypto';
import { count, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epochDayToIso, isoToEpochDay } from '@pathflow/core';
import { queryRows } from '../../src/db/client';
import { appointments, clinicTemplates } from '../../src/db/schema';
import { clearForecastCache } from '../../src/features/forecast/service';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';

const TODAY = '2026-11-23';
const dayOf = (offset: number) => epochDayToIso(isoToEpochDay(TODAY) + offset);

interface ClinicView {
  clinicId: string;
  name: string;
  specialty: string;
  change: string;
  fromWeek: number;
  toWeek: number;
  places: number;
  bookedKept: number;
}

describe.each(ENGINES)('what-if clinic changes on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinic: TestClinic;
  let empty: string;
  const post = (payload: object) =>
    h.app.inject({ method: 'POST', url: '/api/v1/forecast/what-if', headers: clerk.write, payload });
  const state = async () => ({
    slots: await queryRows(
      h.db.db,
      sql`select id, capacity, booked, held, status from slots where org_id = ${h.fixture.orgId} order by id`,
    ),
    appointments: (await h.db.db.select({ n: count() }).from(appointments))[0]!.n,
    templates: (await h.db.db.select({ n: count() }).from(clinicTemplates))[0]!.n,
  });

  beforeAll(async () => {
    clearForecastCache();
    h = await createHarness(engine);
    h.clock.set(`${TODAY}T09:00:00Z`);
    clerk = await h.signIn('booking-clerk');
    clinic = await createTestClinic(h, 999_630_000);
    for (let i = 0; i < 12; i++) {
      const start = dayOf(-105 + i);
      await clinic.addPathway({ clockStartDate: start, rttPeriodStart: start, referralReceivedDate: start });
    }
    for (let w = 0; w < 26; w++) {
      await clinic.addSlot(`${dayOf(7 * w + 7)}T10:00:00Z`, { capacity: 2, booked: w === 0 ? 1 : 0 });
    }
    empty = randomUUID();
    await h.db.db.insert(clinicTemplates).values({
      orgId: h.fixture.orgId,
      id: empty,
      name: 'Ms Surgeon hand clinic',
      clinicianId: clinic.consultant,
      locationId: clinic.locationId,
      specialtyCode: '110',
      createdBy: 'test',
    });
  });
  afterAll(() => h.close());

  it('removing a clinic for four weeks takes its free places week by week, and changes nothing', async () => {
    const before = await state();
    const res = await post({
      clinics: [{ clinicId: clinic.templateId, change: 'remove', toWeek: 4 }],
      runs: 20,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{
      clinics: ClinicView[];
      adjustments: object[];
      change: { expectedBreaches: { '18': number } };
    }>();
    // Sessions fall on days 7, 14, 21, 28: weeks 1, 2, 3 and 4; weeks 0–3 hold the first three (one booked).
    expect(body.clinics).toEqual([
      {
        clinicId: clinic.templateId,
        name: 'Ms Surgeon knee clinic',
        specialty: '110',
        change: 'remove',
        fromWeek: 0,
        toWeek: 4,
        places: 1 + 2 + 2,
        bookedKept: 1,
      },
    ]);
    expect(body.adjustments).toEqual([
      { specialty: '110', slotType: 'new', placesPerWeek: -1, fromWeek: 1, toWeek: 2 },
      { specialty: '110', slotType: 'new', placesPerWeek: -2, fromWeek: 2, toWeek: 3 },
      { specialty: '110', slotType: 'new', placesPerWeek: -2, fromWeek: 3, toWeek: 4 },
    ]);
    // Fewer places before their breach dates: more patients pass 18 weeks.
    expect(body.change.expectedBreaches['18']).toBeGreaterThan(0);
    expect(await state()).toEqual(before);
  });

  it('adding a session like it each week adds its usual places, and fewer patients breach', async () => {
    const res = await post({ clinics: [{ clinicId: clinic.templateId, change: 'add' }], runs: 20 });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{
      clinics: ClinicView[];
      adjustments: object[];
      change: { expectedBreaches: { '18': number } };
    }>();
    expect(body.adjustments).toEqual([
      { specialty: '110', slotType: 'new', placesPerWeek: 2, fromWeek: 0, toWeek: 26 },
    ]);
    expect(body.clinics[0]).toMatchObject({ change: 'add', places: 2 * 26, bookedKept: 0 });
    expect(body.change.expectedBreaches['18']).toBeLessThan(0);
  });

  it('takes clinic changes and places per week together', async () => {
    const res = await post({
      adjustments: [{ specialty: '110', slotType: 'new', placesPerWeek: 1 }],
      clinics: [{ clinicId: clinic.templateId, change: 'remove', fromWeek: 25 }],
      runs: 20,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ adjustments: object[] }>().adjustments).toEqual([
      { specialty: '110', slotType: 'new', placesPerWeek: 1, fromWeek: 0, toWeek: 26 },
      { specialty: '110', slotType: 'new', placesPerWeek: -2, fromWeek: 25, toWeek: 26 },
    ]);
  });

  it('answers a bad clinic change with a 400 naming the field, changing nothing', async () => {
    const before = await state();
    const field = async (payload: object) => {
      const res = await post(payload);
      expect(res.statusCode, res.body).toBe(400);
      const body = res.json<{ code: string; errors: { field: string; message: string }[] }>();
      expect(body.code).toBe('validation_failed');
      return body.errors;
    };
    const one = (over: object) => ({ clinics: [{ clinicId: clinic.templateId, change: 'remove', ...over }] });
    expect((await field(one({ clinicId: randomUUID() })))[0]).toEqual({
      field: '/body/clinics/0/clinicId',
      message: 'There is no clinic with this id',
    });
    expect((await field(one({ clinicId: 'clinic-a' }))).map((e) => e.field)).toContain(
      '/body/clinics/0/clinicId',
    );
    expect((await field(one({ change: 'close' }))).map((e) => e.field)).toContain('/body/clinics/0/change');
    expect((await field(one({ fromWeek: 4, toWeek: 4 })))[0]!.field).toBe('/body/clinics/0/toWeek');
    expect((await field({ ...one({ fromWeek: 8 }), weeks: 8 }))[0]!.field).toBe('/body/clinics/0/fromWeek');
    const none = await field({ clinics: [{ clinicId: empty, change: 'add' }] });
    expect(none[0]).toEqual({
      field: '/body/clinics/0/clinicId',
      message:
        'Ms Surgeon hand clinic has no sessions in the next 26 weeks to copy: choose a clinic that runs',
    });
    const nothing = await field({ clinics: [{ clinicId: empty, change: 'remove' }] });
    expect(nothing[0]!.message).toBe(
      'Ms Surgeon hand clinic has no free places in weeks 0 to 25: there is nothing to remove',
    );
    expect((await field({}))[0]!.field).toBe('/body/adjustments');
    expect((await field({ clinics: [] })).map((e) => e.field)).toContain('/body/clinics');
    expect(await state()).toEqual(before);
  });
});
