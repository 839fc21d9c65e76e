/**
 * Declined offers on a pathway: notice in days and whether reasonable (§1.5), the counts, the date a second
 * offer should be by (§1.4), and when active monitoring may be considered — the worked examples EX-RTT-17,
 * EX-RTT-18 and EX-ACC-03 of nhs-domain.md — and bad input refused with nothing written.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, declinedOffers, pathways, rttEvents } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';

const NOW = '2026-11-23T09:00:00Z';
/** A pathway referred in 2025, so the spec's 2025 dates are offers made after the referral. */
const IN_2025 = {
  referralReceivedDate: '2025-03-01',
  clockStartDate: '2025-03-01',
  rttPeriodStart: '2025-03-01',
};

describe.each(ENGINES)('declined offers on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinic: TestClinic;

  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = await h.signIn('booking-clerk');
    clinic = await createTestClinic(h, 999_600_000);
  });
  afterAll(() => h.close());

  const url = (pathwayId: string) => `/api/v1/pathways/${pathwayId}/declined-offers`;
  const post = (pathwayId: string, payload: object, headers = clerk.write) =>
    h.app.inject({ method: 'POST', url: url(pathwayId), headers, payload });
  const get = (pathwayId: string, headers = clerk.read) =>
    h.app.inject({ method: 'GET', url: url(pathwayId), headers });
  const rowsOf = (pathwayId: string) =>
    h.db.db
      .select()
      .from(declinedOffers)
      .where(and(eq(declinedOffers.orgId, h.fixture.orgId), eq(declinedOffers.pathwayId, pathwayId)));

  it('EX-RTT-17: two reasonable offers declined, the second within 6 weeks; active monitoring may be considered, not recorded', async () => {
    h.clock.set(NOW);
    const { pathwayId, patientId } = await clinic.addPathway(IN_2025);
    const a = await post(pathwayId, {
      offeredOn: '2025-05-01',
      offeredFor: '2025-06-02',
      reason: 'On holiday',
    });
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json()).toMatchObject({
      recorded: {
        pathwayId,
        slotId: null,
        offeredOn: '2025-05-01',
        offeredFor: '2025-06-02',
        noticeDays: 32,
        reasonableOffer: true,
        reason: 'On holiday',
        recordedBy: h.fixture.users['booking-clerk'].id,
      },
      counts: { declined: 1, declinedReasonable: 1 },
      firstDeclinedFor: '2025-06-02',
      secondOfferBy: '2025-07-14',
      secondOfferWithinSixWeeks: null,
      activeMonitoring: { mayBeConsidered: false },
    });
    const b = await post(pathwayId, {
      offeredOn: '2025-05-12',
      offeredFor: '2025-06-23',
      reason: 'Cannot get time off',
    });
    expect(b.statusCode, b.body).toBe(201);
    expect(b.json().recorded).toMatchObject({ noticeDays: 42, reasonableOffer: true });

    const listed = await get(pathwayId);
    expect(listed.statusCode, listed.body).toBe(200);
    const summary = listed.json();
    expect(summary).toMatchObject({
      pathwayId,
      counts: { declined: 2, declinedReasonable: 2 },
      firstDeclinedFor: '2025-06-02',
      secondOfferBy: '2025-07-14',
      secondOfferWithinSixWeeks: true,
      activeMonitoring: { mayBeConsidered: true },
    });
    expect(summary.offers.map((o: { offeredFor: string }) => o.offeredFor)).toEqual([
      '2025-06-02',
      '2025-06-23',
    ]);
    expect(summary.activeMonitoring.message).toMatch(/may consider active monitoring \(code 32\).*agreement/);
    // Said, never done: the clock still runs and no RTT event was written.
    const [p] = await h.db.db.select().from(pathways).where(eq(pathways.id, pathwayId));
    expect(p).toMatchObject({ status: 'open', rttRunning: true });
    expect(await h.db.db.select().from(rttEvents).where(eq(rttEvents.pathwayId, pathwayId))).toHaveLength(0);

    const audited = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.patientId, patientId), eq(auditLog.resourceType, 'DeclinedOffer')));
    expect(audited.map((r) => r.action)).toEqual(['DeclinedOffer.create', 'DeclinedOffer.create']);
    expect(audited.map((r) => r.resourceId).sort()).toEqual(
      [a.json().recorded.id, b.json().recorded.id].sort(),
    );
    const read = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.patientId, patientId), eq(auditLog.action, 'DeclinedOffer.read')));
    expect(read).toHaveLength(1);
    expect(read[0]!.resourceId).toBe(pathwayId);
  });

  it('EX-RTT-18: 21 days is reasonable, 20 days is not and does not count towards the two', async () => {
    const { pathwayId } = await clinic.addPathway(IN_2025);
    const r21 = await post(pathwayId, { offeredOn: '2025-05-01', offeredFor: '2025-05-22', reason: 'Work' });
    expect(r21.json().recorded).toMatchObject({ noticeDays: 21, reasonableOffer: true });
    const r20 = await post(pathwayId, { offeredOn: '2025-05-01', offeredFor: '2025-05-21', reason: 'Work' });
    expect(r20.json().recorded).toMatchObject({ noticeDays: 20, reasonableOffer: false });
    const summary = (await get(pathwayId)).json();
    expect(summary.counts).toEqual({ declined: 2, declinedReasonable: 1 });
    expect(summary.activeMonitoring.mayBeConsidered).toBe(false);
    expect(summary.activeMonitoring.message).toMatch(
      /declined 1 reasonable offer \(at least 21 days' notice\)/,
    );
    // Ordered by the day each offer was made, then the date offered.
    expect(summary.offers.map((o: { noticeDays: number }) => o.noticeDays)).toEqual([20, 21]);
  });

  it('EX-ACC-03: after a declined 2 June the second offer should be by 14 July; 21 July is not within 6 weeks', async () => {
    const within = await clinic.addPathway(IN_2025);
    await post(within.pathwayId, { offeredOn: '2025-05-01', offeredFor: '2025-06-02', reason: 'Holiday' });
    const onTime = await post(within.pathwayId, {
      offeredOn: '2025-06-20',
      offeredFor: '2025-07-14',
      reason: 'Childcare',
    });
    expect(onTime.json()).toMatchObject({ secondOfferBy: '2025-07-14', secondOfferWithinSixWeeks: true });
    expect(onTime.json().recorded).toMatchObject({ noticeDays: 24, reasonableOffer: true });

    const late = await clinic.addPathway(IN_2025);
    const first = await post(late.pathwayId, {
      offeredOn: '2025-05-01',
      offeredFor: '2025-06-02',
      reason: 'Holiday',
    });
    expect(first.json().secondOfferBy).toBe('2025-07-14');
    const second = await post(late.pathwayId, {
      offeredOn: '2025-06-20',
      offeredFor: '2025-07-21',
      reason: 'Childcare',
    });
    expect(second.json()).toMatchObject({
      secondOfferBy: '2025-07-14',
      secondOfferWithinSixWeeks: false,
      counts: { declined: 2, declinedReasonable: 2 },
    });
  });

  it('records an offer of one of our slots on its London date, made today by default', async () => {
    h.clock.set(NOW);
    const { pathwayId } = await clinic.addPathway();
    // 23:30 UTC on 1 June is 00:30 on 2 June in London (BST).
    const slotId = await clinic.addSlot('2027-06-01T23:30:00Z');
    const res = await post(pathwayId, { slotId, reason: 'Prefers a morning' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().recorded).toMatchObject({
      slotId,
      offeredOn: '2026-11-23',
      offeredFor: '2027-06-02',
      noticeDays: 191,
      reasonableOffer: true,
    });
    const [row] = await rowsOf(pathwayId);
    expect(row).toMatchObject({ slotId, offeredFor: '2027-06-02', noticeDays: 191, reasonableOffer: true });
    // Offered today for a week today: short notice, may be declined freely.
    const soon = await post(pathwayId, { offeredFor: '2026-11-30', reason: 'Too soon' });
    expect(soon.json().recorded).toMatchObject({
      offeredOn: '2026-11-23',
      noticeDays: 7,
      reasonableOffer: false,
    });
  });

  it('refuses bad input with a clear 4xx naming the field, and writes nothing', async () => {
    h.clock.set(NOW);
    const { pathwayId } = await clinic.addPathway();
    const closed = await clinic.addPathway({ status: 'closed', rttRunning: false, rttPeriodStart: null });
    const ent = await clinic.addPathway({ specialtyCode: '120' });
    const slotId = await clinic.addSlot('2027-01-11T10:00:00Z');
    const cases: [string, object, number, string, string | null][] = [
      [
        pathwayId,
        { offeredOn: '2026-11-20', offeredFor: '2026-11-19', reason: 'x' },
        400,
        'validation_failed',
        '/body/offeredOn',
      ],
      [
        pathwayId,
        { offeredOn: '2026-11-24', offeredFor: '2026-12-30', reason: 'x' },
        400,
        'validation_failed',
        '/body/offeredOn',
      ],
      [
        pathwayId,
        { offeredOn: '2026-09-30', offeredFor: '2026-12-30', reason: 'x' },
        400,
        'validation_failed',
        '/body/offeredOn',
      ],
      [
        pathwayId,
        { offeredFor: '2026-12-30', slotId, reason: 'x' },
        400,
        'validation_failed',
        '/body/slotId',
      ],
      [pathwayId, { reason: 'x' }, 400, 'validation_failed', '/body/offeredFor'],
      [pathwayId, { offeredFor: '2026-02-30', reason: 'x' }, 400, 'validation_failed', '/body/offeredFor'],
      [pathwayId, { offeredFor: '2026-12-30', reason: ' ' }, 400, 'validation_failed', '/body/reason'],
      [pathwayId, { offeredFor: '2026-12-30' }, 400, 'validation_failed', '/body/reason'],
      [
        pathwayId,
        { offeredFor: '2026-12-30', reason: 'x', accepted: false },
        400,
        'validation_failed',
        '/body/accepted',
      ],
      [pathwayId, { slotId: 'slot-1', reason: 'x' }, 400, 'validation_failed', '/body/slotId'],
      [pathwayId, { slotId: randomUUID(), reason: 'x' }, 404, 'not_found', '/body/slotId'],
      [ent.pathwayId, { slotId, reason: 'x' }, 422, 'booking_rule_violation', '/body/slotId'],
      [closed.pathwayId, { offeredFor: '2026-12-30', reason: 'x' }, 409, 'conflict', null],
      [randomUUID(), { offeredFor: '2026-12-30', reason: 'x' }, 404, 'not_found', null],
    ];
    for (const [id, body, status, code, field] of cases) {
      const res = await post(id, body);
      expect(res.statusCode, `${JSON.stringify(body)} ${res.body}`).toBe(status);
      expect(res.json().code).toBe(code);
      if (field) expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    // The offer made after the date offered names both dates.
    const after = await post(pathwayId, { offeredOn: '2026-11-20', offeredFor: '2026-11-19', reason: 'x' });
    expect(after.json().detail).toBe('The offer was made (2026-11-20) after the date offered (2026-11-19)');
    const closedRes = await post(closed.pathwayId, { offeredFor: '2026-12-30', reason: 'x' });
    expect(closedRes.json().detail).toMatch(/This pathway is closed/);
    for (const id of [pathwayId, closed.pathwayId, ent.pathwayId]) expect(await rowsOf(id)).toHaveLength(0);
    expect(
      await h.db.db.select().from(auditLog).where(eq(auditLog.action, 'DeclinedOffer.create')),
    ).not.toContainEqual(expect.objectContaining({ patientId: closed.patientId }));

    // Reading: unknown 404, a closed pathway's offers can still be read, a bad id is a 400.
    expect((await get(randomUUID())).statusCode).toBe(404);
    const closedRead = await get(closed.pathwayId);
    expect(closedRead.statusCode).toBe(200);
    expect(closedRead.json()).toMatchObject({
      counts: { declined: 0, declinedReasonable: 0 },
      firstDeclinedFor: null,
      secondOfferBy: null,
      activeMonitoring: { mayBeConsidered: false },
    });
    expect((await get('pathway-1')).json().errors[0].field).toBe('/params/id');
  });

  it('lets roles with Appointment.read see offers, and only Appointment.write record them', async () => {
    const { pathwayId } = await clinic.addPathway();
    const manager = await h.signIn('service-manager');
    expect((await get(pathwayId, manager.read)).statusCode).toBe(200);
    const refused = await post(pathwayId, { offeredFor: '2026-12-30', reason: 'x' }, manager.write);
    expect(refused.statusCode).toBe(403);
    const clinician = await h.signIn('clinician');
    expect(
      (await post(pathwayId, { offeredFor: '2026-12-30', reason: 'x' }, clinician.write)).statusCode,
    ).toBe(201);
    expect(await rowsOf(pathwayId)).toHaveLength(1);
  });
});
