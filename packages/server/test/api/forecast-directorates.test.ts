/**
 * The breach forecast per directorate (issue 7: the potential breaches list per directorate), on a small trust:
 *
 * - the fixture's 110 and 120 (Surgery): three open pathways from 1 September 2026 and no slots at all, so all
 *   three pass 18 weeks on 5 January 2027 (no capacity);
 * - 502 (Women's and children's): ten routine patients (clock starts 1 to 10 August 2026) and two new-patient
 *   places a week, so at least the seventh to tenth are seen after their breach dates (as in forecast.test.ts;
 *   with no history here the published DNA and cancellation rates push some more past theirs);
 * - 503, with no directorate: one patient triaged to a procedure clinic with no procedure slots.
 *
 * The summary gives each specialty's directorate and the totals per directorate; the potential-breaches list
 * filters by directorate (its exact name) and each row names its specialty's directorate; an unknown directorate
 * is a 400 naming /query/directorate that lists no patient (no audit row).
 */
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoToEpochDay, type ForecastView, type PotentialBreachPage } from '@pathflow/core';
import { auditLog, specialties } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';

const NOW = '2026-11-23T09:00:00Z';
const TODAY = '2026-11-23';
const WOMEN = "Women's and children's";
const day = (iso: string) => isoToEpochDay(iso);
const iso = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);

interface ProblemBody {
  code: string;
  errors?: { field: string; message: string }[];
}

describe.each(ENGINES)('the breach forecast per directorate on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinic: TestClinic;
  const waiting: { pathwayId: string; patientId: string }[] = [];
  let procedure: { pathwayId: string; patientId: string };

  const get = (url: string) => h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: clerk.read });
  const breaches = async (query: string): Promise<PotentialBreachPage> => {
    const res = await get(`/forecast/potential-breaches?runs=20${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<PotentialBreachPage>();
  };
  const orgId = () => h.fixture.orgId;
  const auditRows = async () =>
    (await h.db.db.select({ n: count() }).from(auditLog).where(eq(auditLog.orgId, orgId())))[0]!.n;

  beforeAll(async () => {
    h = await createHarness(engine);
    h.clock.set(NOW);
    clerk = await h.signIn('booking-clerk');
    clinic = await createTestClinic(h, 999_560_000);
    await h.db.db.insert(specialties).values([
      { orgId: orgId(), code: '502', name: 'Gynaecology', directorate: WOMEN },
      { orgId: orgId(), code: '503', name: 'Gynaecological oncology' },
    ]);
    for (let i = 0; i < 10; i++) {
      const start = iso(day('2026-08-01') + i);
      waiting.push(
        await clinic.addPathway({
          specialtyCode: '502',
          clockStartDate: start,
          rttPeriodStart: start,
          referralReceivedDate: start,
        }),
      );
    }
    for (let w = 0; w < 26; w++) {
      for (const offset of [1, 3]) {
        await clinic.addSlot(`${iso(day(TODAY) + 7 * w + offset)}T10:00:00Z`, { specialtyCode: '502' });
      }
      await clinic.addSlot(`${iso(day(TODAY) + 7 * w + 2)}T10:00:00Z`, { specialtyCode: '503' });
    }
    procedure = await clinic.addPathway({
      specialtyCode: '503',
      clinicType: 'procedure',
      clockStartDate: '2026-08-20',
      rttPeriodStart: '2026-08-20',
      referralReceivedDate: '2026-08-20',
    });
  });
  afterAll(() => h?.close());

  it("gives each specialty's directorate and the breaches added up per directorate", async () => {
    const res = await get('/forecast?runs=20');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<ForecastView>();
    const directorateOf = Object.fromEntries(body.specialties.map((s) => [s.code, s.directorate]));
    expect(directorateOf).toEqual({ '110': 'Surgery', '120': 'Surgery', '502': WOMEN, '503': null });
    const of = (code: string) => body.specialties.find((s) => s.code === code)!;
    expect(of('110').potentialBreaches).toBe(2);
    expect(of('120').potentialBreaches).toBe(1);
    const gynaecology = of('502').potentialBreaches;
    expect(gynaecology).toBeGreaterThanOrEqual(4);
    expect(of('503').potentialBreaches).toBe(1);

    expect(body.directorates.map((d) => d.name)).toEqual(['Surgery', WOMEN, null]);
    const [surgery, women, none] = body.directorates;
    expect(surgery!.potentialBreaches).toBe(3);
    for (const k of ['18', '52', '65', '78'] as const) {
      expect(surgery!.expectedBreaches[k]).toBeCloseTo(
        of('110').expectedBreaches[k] + of('120').expectedBreaches[k],
        9,
      );
    }
    expect(surgery!.expectedBreaches['18']).toBeCloseTo(3, 9);
    expect(women).toEqual({
      name: WOMEN,
      expectedBreaches: of('502').expectedBreaches,
      potentialBreaches: gynaecology,
    });
    expect(none).toEqual({ name: null, expectedBreaches: of('503').expectedBreaches, potentialBreaches: 1 });
    expect(body.directorates.reduce((n, d) => n + d.potentialBreaches, 0)).toBe(
      body.totals.potentialBreaches,
    );

    // One specialty alone: its directorate only.
    const alone = (await get('/forecast?specialty=502&runs=20')).json<ForecastView>();
    expect(alone.directorates).toEqual([
      {
        name: WOMEN,
        expectedBreaches: alone.specialties[0]!.expectedBreaches,
        potentialBreaches: alone.specialties[0]!.potentialBreaches,
      },
    ]);
  });

  it("lists one directorate's potential breaches, each row naming its specialty's directorate", async () => {
    const all = await breaches('');
    const gynaecology = all.rows.filter((r) => r.specialty.code === '502');
    expect(gynaecology.length).toBeGreaterThanOrEqual(4);
    expect(all.total).toBe(4 + gynaecology.length);
    const directorateOf = Object.fromEntries(
      all.rows.map((r) => [r.specialty.code, r.specialty.directorate]),
    );
    expect(directorateOf).toEqual({ '110': 'Surgery', '120': 'Surgery', '502': WOMEN, '503': null });

    const women = await breaches(`&directorate=${encodeURIComponent(WOMEN)}`);
    expect(women.total).toBe(gynaecology.length);
    expect(women.rows.map((r) => r.pathwayId)).toEqual(gynaecology.map((r) => r.pathwayId));
    // The last four in turn are among them.
    expect(women.rows.map((r) => r.pathwayId)).toEqual(
      expect.arrayContaining(waiting.slice(6).map((p) => p.pathwayId)),
    );
    expect(women.rows[0]!.specialty).toEqual({ code: '502', name: 'Gynaecology', directorate: WOMEN });

    const surgery = await breaches('&directorate=Surgery');
    expect(surgery.total).toBe(3);
    expect(surgery.rows.map((r) => r.pathwayId).sort()).toEqual(
      [
        h.fixture.pathways.aliceOrthopaedics,
        h.fixture.pathways.bobOrthopaedics,
        h.fixture.pathways.bobEnt,
      ].sort(),
    );
    expect(new Set(surgery.rows.map((r) => r.specialty.directorate))).toEqual(new Set(['Surgery']));
    // The same pathways, in the same order, as the whole list has them.
    expect(surgery.rows.map((r) => r.pathwayId)).toEqual(
      all.rows.filter((r) => r.specialty.directorate === 'Surgery').map((r) => r.pathwayId),
    );
    expect(all.rows.find((r) => r.pathwayId === procedure.pathwayId)!.specialty.directorate).toBeNull();

    // With the reason and the page too.
    const page = await breaches('&directorate=Surgery&reason=no-capacity&limit=2&offset=1');
    expect(page.total).toBe(3);
    expect(page.rows.map((r) => r.pathwayId)).toEqual(surgery.rows.slice(1, 3).map((r) => r.pathwayId));
    // With a specialty outside it: nothing.
    expect((await breaches('&specialty=502&directorate=Surgery')).total).toBe(0);
  });

  it('answers an unknown directorate with a 400 naming it, and lists no patient', async () => {
    const before = await auditRows();
    for (const name of ['Nonsense', 'surgery', "Women's"]) {
      const res = await get(`/forecast/potential-breaches?directorate=${encodeURIComponent(name)}`);
      expect(res.statusCode, res.body).toBe(400);
      const body = res.json<ProblemBody>();
      expect(body.code).toBe('validation_failed');
      expect(body.errors!.map((e) => e.field)).toEqual(['/query/directorate']);
      const logged = await h.db.db
        .select({ n: count() })
        .from(auditLog)
        .where(
          and(eq(auditLog.orgId, orgId()), eq(auditLog.requestId, res.headers['x-request-id'] as string)),
        );
      expect(logged[0]!.n).toBe(0);
    }
    const empty = await get('/forecast/potential-breaches?directorate=');
    expect(empty.statusCode, empty.body).toBe(400);
    expect(empty.json<ProblemBody>().errors!.map((e) => e.field)).toContain('/query/directorate');
    expect(await auditRows()).toBe(before);
  });
});
