/**
 * Rebooking displaced patients after a clinic change, in the same transaction as the change: a new version
 * applied with notice (or approved by a service manager) rebooks each patient whose slot left the template
 * into the earliest suitable slot (already cancelled once by the hospital first, then by priority and breach
 * date), never on a date inside their stated unavailability, and escalates those who cannot be rebooked by
 * their breach date; every patient a clinic change or session cancellation moves or cancels gets one letter;
 * a session cancellation request keeps its session index and `keepSlots` in its `detail`.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  appointments,
  auditLog,
  clinicChangeRequests,
  communications,
  patientUnavailability,
} from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { clinicChangeSuite, newSlots } from '../support/clinic';

const NOW = '2026-11-23T09:00:00Z';
const REASON = 'Consultant on annual leave';

const threeSlots = newSlots([0, 20, 40]);
/** Monday 09:00–10:00 London, three 20-minute new-patient slots. */
const mondayMorning = {
  effectiveFrom: '2026-11-23',
  recurrence: { kind: 'weekly' },
  sessions: [{ weekday: 1, start: '09:00', end: '10:00', slots: threeSlots }],
};
/** The clinic moves to Tuesdays from `effectiveFrom`: every Monday slot from then leaves the template. */
const toTuesdays = (effectiveFrom: string) => ({
  effectiveFrom,
  recurrence: { kind: 'weekly' },
  sessions: [{ weekday: 2, start: '09:00', end: '10:00', slots: threeSlots }],
  reason: 'Consultant job plan change',
});

interface SlotJson {
  id: string;
  sessionDate: string;
  startsAt: string;
  status: string;
}
interface Rebooked {
  appointmentId: string;
  replacesId: string;
  pathwayId: string;
  to: string;
  communicationId: string;
}
interface Escalated {
  appointmentId: string;
  pathwayId: string;
  reason: string;
  communicationId: string;
}

describe.each(ENGINES)('rebooking after clinic changes on %s', (engine) => {
  const suite = clinicChangeSuite(engine, NOW, {
    tag: 'RB',
    registrationPrefix: 'C80000',
    clinicName: 'Hip clinic',
    nhsBase: 999_400_000,
    layout: mondayMorning,
  });
  const { post, get, builders } = suite;
  const createClinic = builders.createClinic;
  const addPathway = builders.addPathway;
  const unavailable = async (patientId: string, fromDate: string, toDate: string, removed = false) => {
    await suite.h.db.db.insert(patientUnavailability).values({
      orgId: suite.h.fixture.orgId,
      id: randomUUID(),
      patientId,
      fromDate,
      toDate,
      reason: 'Holiday',
      recordedBy: 'test',
      recordedAt: new Date(NOW),
      ...(removed ? { removedBy: 'test', removedAt: new Date(NOW) } : {}),
    });
  };

  const slotsOn = async (clinicId: string, date: string) => {
    const res = await get(`/clinics/${clinicId}/slots?from=${date}&to=${date}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ slots: SlotJson[] }>().slots;
  };
  const book = async (slotId: string, pathwayId: string): Promise<string> => {
    const res = await post('/appointments', { slotId, pathwayId, outOfTurnReason: 'Test booking' });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string }>().id;
  };
  const appointment = async (id: string) =>
    (await suite.h.db.db.select().from(appointments).where(eq(appointments.id, id)))[0]!;
  /** The letters about moved or cancelled appointments queued for a patient. */
  const lettersFor = (patientId: string) =>
    suite.h.db.db
      .select()
      .from(communications)
      .where(
        and(
          eq(communications.patientId, patientId),
          inArray(communications.kind, ['appointment-moved', 'appointment-cancelled']),
        ),
      );

  it('rebooks the patients a version with notice displaces, in order, around their unavailability', async () => {
    const clinic = await createClinic();
    const cancelledOnce = await addPathway(clinic.clinicianId, {
      clockStartDate: '2026-10-20',
      rttPeriodStart: '2026-10-20',
    });
    const urgent = await addPathway(clinic.clinicianId, {
      priority: 'urgent',
      clockStartDate: '2026-10-15',
      rttPeriodStart: '2026-10-15',
    });
    const early = await addPathway(clinic.clinicianId, {
      clockStartDate: '2026-09-01',
      rttPeriodStart: '2026-09-01',
      referralReceivedDate: '2026-09-01',
    });
    // Breach date 29 November 2026: before the first free slot.
    const breacher = await addPathway(clinic.clinicianId, {
      clockStartDate: '2026-07-25',
      rttPeriodStart: '2026-07-25',
      referralReceivedDate: '2026-07-25',
    });
    const away = await addPathway(clinic.clinicianId);
    const other = await addPathway(clinic.clinicianId);
    // Away on 30 November and 7 December; an unavailability on 14 December was taken back (removed).
    await unavailable(away.patientId, '2026-11-28', '2026-12-08');
    await unavailable(away.patientId, '2026-12-14', '2026-12-14', true);

    const dec7 = await slotsOn(clinic.id, '2026-12-07');
    const first = await book(dec7[0]!.id, cancelledOnce.pathwayId);
    const cancelled = await post(`/appointments/${first}/cancel`, { by: 'hospital', reason: 'Overrun' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const nov30 = await slotsOn(clinic.id, '2026-11-30');
    await book(nov30[0]!.id, other.pathwayId);
    const dec14 = await slotsOn(clinic.id, '2026-12-14');

    const jan11 = await slotsOn(clinic.id, '2027-01-11');
    const jan18 = await slotsOn(clinic.id, '2027-01-18');
    const old = {
      early: await book(jan11[0]!.id, early.pathwayId),
      urgent: await book(jan11[1]!.id, urgent.pathwayId),
      cancelledOnce: await book(jan11[2]!.id, cancelledOnce.pathwayId),
      breacher: await book(jan18[0]!.id, breacher.pathwayId),
      away: await book(jan18[1]!.id, away.pathwayId),
    };

    // 49 days' notice: applied now.
    const res = await post(`/clinics/${clinic.id}/versions`, toTuesdays('2027-01-11'));
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<{ rebooked: Rebooked[]; escalated: Escalated[] }>();
    expect(res.json()).toMatchObject({ status: 'active', version: 2, displacedAppointments: 5 });
    // Cancelled once first, urgent next, then routine by breach date; away skips 30 November and 7 December.
    expect(body.rebooked.map((r) => [r.pathwayId, r.replacesId, r.to])).toEqual([
      [cancelledOnce.pathwayId, old.cancelledOnce, nov30[1]!.startsAt],
      [urgent.pathwayId, old.urgent, nov30[2]!.startsAt],
      [early.pathwayId, old.early, dec7[0]!.startsAt],
      [away.pathwayId, old.away, dec14[0]!.startsAt],
    ]);
    expect(body.escalated).toEqual([
      expect.objectContaining({ appointmentId: old.breacher, pathwayId: breacher.pathwayId }),
    ]);
    expect(body.escalated[0]!.reason).toMatch(/after the 18-week breach date \(2026-11-29\)/);

    // The old appointments stay 'displaced' (their slots removed); the new ones replace them.
    for (const id of Object.values(old)) expect((await appointment(id)).status).toBe('displaced');
    for (const r of body.rebooked) {
      expect(await appointment(r.appointmentId)).toMatchObject({
        status: 'booked',
        replacesId: r.replacesId,
        outOfTurnReason: 'Rebooked after a clinic change',
      });
    }
    expect((await slotsOn(clinic.id, '2027-01-11')).map((s) => s.status)).toEqual([
      'removed',
      'removed',
      'removed',
    ]);

    // One letter each: moved for the rebooked, cancelled for the escalated.
    for (const [p, r] of [
      [cancelledOnce, body.rebooked[0]!],
      [urgent, body.rebooked[1]!],
      [early, body.rebooked[2]!],
      [away, body.rebooked[3]!],
    ] as const) {
      // The earlier cancellation by hand had its own letter; the change adds exactly one.
      const letters = (await lettersFor(p.patientId)).filter((l) => l.appointmentId !== first);
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({
        id: r.communicationId,
        kind: 'appointment-moved',
        channel: 'letter',
        status: 'queued',
        appointmentId: r.appointmentId,
        pathwayId: p.pathwayId,
      });
      expect(letters[0]!.detail).toMatchObject({ cause: 'version-change', replacesId: r.replacesId });
    }
    const breacherLetters = await lettersFor(breacher.patientId);
    expect(breacherLetters.map((l) => [l.id, l.kind, l.appointmentId])).toEqual([
      [body.escalated[0]!.communicationId, 'appointment-cancelled', old.breacher],
    ]);
    expect(await lettersFor(other.patientId)).toHaveLength(0);

    // The escalation is on the clinic's list for the service suite.manager, and the change is audited.
    const escalations = await get(`/clinics/${clinic.id}/escalations`, suite.manager);
    expect(escalations.json().escalations).toEqual([
      expect.objectContaining({ appointmentId: old.breacher, cause: 'version-change', bookedSince: false }),
    ]);
    const [applied] = await suite.h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'ClinicVersion.apply'), eq(auditLog.resourceId, clinic.id)));
    expect(applied!.detail).toMatchObject({ displacedAppointments: 5, rebooked: 4, escalated: 1 });
  });

  it('rebooks when a service suite.manager approves a version with short notice, not before', async () => {
    const clinic = await createClinic();
    const p = await addPathway(clinic.clinicianId);
    const dec7 = await slotsOn(clinic.id, '2026-12-07');
    const oldId = await book(dec7[0]!.id, p.pathwayId);
    const res = await post(`/clinics/${clinic.id}/versions`, toTuesdays('2026-12-07'));
    expect(res.statusCode, res.body).toBe(202);
    expect((await appointment(oldId)).status).toBe('booked');
    expect(await lettersFor(p.patientId)).toHaveLength(0);

    const decided = await post(
      `/clinic-change-requests/${res.json().requestId}/decision`,
      { approve: true, reason: 'Agreed with the clinical lead' },
      suite.manager,
    );
    expect(decided.statusCode, decided.body).toBe(200);
    const nov30 = await slotsOn(clinic.id, '2026-11-30');
    expect(decided.json().applied).toMatchObject({
      version: 2,
      displacedAppointments: 1,
      rebooked: [{ pathwayId: p.pathwayId, replacesId: oldId, to: nov30[0]!.startsAt }],
      escalated: [],
    });
    expect((await appointment(oldId)).status).toBe('displaced');
    expect((await lettersFor(p.patientId)).map((l) => l.kind)).toEqual(['appointment-moved']);
  });

  it('queues one letter per patient for a session cancellation, and never rebooks into unavailable dates', async () => {
    const clinic = await createClinic();
    const moved = await addPathway(clinic.clinicianId);
    // Away from tomorrow until after the breach date (5 February 2027): cannot be rebooked in time.
    const away = await addPathway(clinic.clinicianId);
    await unavailable(away.patientId, '2026-11-24', '2027-03-01');
    const kept = await addPathway(clinic.clinicianId);
    const jan25 = await slotsOn(clinic.id, '2027-01-25');
    const keptId = await book(jan25[0]!.id, kept.pathwayId);
    const movedOld = await book(jan25[1]!.id, moved.pathwayId);
    const awayOld = await book(jan25[2]!.id, away.pathwayId);

    const res = await post(`/clinics/${clinic.id}/sessions/cancel`, {
      date: '2027-01-25',
      reason: REASON,
      keepSlots: 1,
    });
    expect(res.statusCode, res.body).toBe(201);
    const nov30 = await slotsOn(clinic.id, '2026-11-30');
    expect(res.json()).toMatchObject({
      cancelledAppointments: 2,
      rebooked: [{ pathwayId: moved.pathwayId, replacesId: movedOld, to: nov30[0]!.startsAt }],
      escalated: [{ appointmentId: awayOld, pathwayId: away.pathwayId, breachDate: '2027-02-05' }],
    });
    // Its earliest slot outside the unavailability is 8 March.
    expect(res.json().escalated[0].reason).toMatch(/earliest suitable slot \(2027-03-08\)/);

    const movedLetters = await lettersFor(moved.patientId);
    expect(movedLetters.map((l) => [l.id, l.kind, l.appointmentId])).toEqual([
      [res.json().rebooked[0].communicationId, 'appointment-moved', res.json().rebooked[0].appointmentId],
    ]);
    expect(movedLetters[0]!.detail).toMatchObject({ cause: 'session-cancelled', replacesId: movedOld });
    const awayLetters = await lettersFor(away.patientId);
    expect(awayLetters.map((l) => [l.id, l.kind, l.appointmentId])).toEqual([
      [res.json().escalated[0].communicationId, 'appointment-cancelled', awayOld],
    ]);
    // The patient whose slot was kept hears nothing.
    expect(await lettersFor(kept.patientId)).toHaveLength(0);
    expect((await appointment(keptId)).status).toBe('booked');
  });

  it('keeps a cancellation request’s session index and slots to keep in its detail, and applies them', async () => {
    const clinic = await createClinic();
    const p = await addPathway(clinic.clinicianId);
    const q = await addPathway(clinic.clinicianId);
    const dec14 = await slotsOn(clinic.id, '2026-12-14');
    const pOld = await book(dec14[1]!.id, p.pathwayId);
    const qOld = await book(dec14[2]!.id, q.pathwayId);
    const res = await post(`/clinics/${clinic.id}/sessions/cancel`, {
      date: '2026-12-14',
      sessionIndex: 0,
      reason: REASON,
      keepSlots: 1,
    });
    expect(res.statusCode, res.body).toBe(202);
    const { requestId } = res.json<{ requestId: string }>();
    const [stored] = await suite.h.db.db
      .select()
      .from(clinicChangeRequests)
      .where(eq(clinicChangeRequests.id, requestId));
    expect(stored!.detail).toEqual({ sessionIndex: 0, keepSlots: 1 });

    // The approval reads the request's detail (not the audit row): keep two slots instead.
    await suite.h.db.db
      .update(clinicChangeRequests)
      .set({ detail: { sessionIndex: 0, keepSlots: 2 } })
      .where(eq(clinicChangeRequests.id, requestId));
    const approved = await post(
      `/clinic-change-requests/${requestId}/decision`,
      { approve: true, reason: 'Agreed' },
      suite.manager,
    );
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().cancellation).toMatchObject({
      sessionIndex: 0,
      keptSlots: 2,
      cancelledSlots: 1,
      cancelledAppointments: 1,
      rebooked: [{ pathwayId: q.pathwayId, replacesId: qOld }],
    });
    expect((await slotsOn(clinic.id, '2026-12-14')).map((s) => s.status)).toEqual([
      'open',
      'open',
      'cancelled',
    ]);
    expect((await appointment(pOld)).status).toBe('booked');
    expect((await lettersFor(q.patientId)).map((l) => l.kind)).toEqual(['appointment-moved']);
    expect(await lettersFor(p.patientId)).toHaveLength(0);
  });

  it('refuses to guess what a cancellation request without its detail cancels', async () => {
    const clinic = await createClinic();
    const res = await post(`/clinics/${clinic.id}/sessions/cancel`, {
      date: '2026-12-21',
      reason: REASON,
      keepSlots: 2,
    });
    expect(res.statusCode, res.body).toBe(202);
    const { requestId } = res.json<{ requestId: string }>();
    await suite.h.db.db
      .update(clinicChangeRequests)
      .set({ detail: null })
      .where(eq(clinicChangeRequests.id, requestId));
    const approved = await post(
      `/clinic-change-requests/${requestId}/decision`,
      { approve: true, reason: 'Agreed' },
      suite.manager,
    );
    expect(approved.statusCode, approved.body).toBe(409);
    expect((await slotsOn(clinic.id, '2026-12-21')).map((s) => s.status)).toEqual(['open', 'open', 'open']);
    const [request] = await suite.h.db.db
      .select()
      .from(clinicChangeRequests)
      .where(eq(clinicChangeRequests.id, requestId));
    expect(request!.status).toBe('requested');
  });
});
