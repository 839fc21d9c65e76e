/**
 * Cancelling and reducing clinic sessions over the API: with six weeks' notice the session's slots are
 * cancelled at once, its appointments cancelled by the hospital and the patients rebooked automatically into
 * the earliest suitable slots (patients already cancelled once by the hospital first, then by priority and
 * breach date); a patient who cannot be rebooked by the 18-week breach date is escalated; a reduction keeps
 * the first N slots; with less notice nothing changes until a service manager approves; bad input writes
 * nothing. A preview (of a cancellation, or of a request waiting for approval) shows exactly what applying
 * then does, and changes nothing but its own audit rows.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client';
import {
  appointments,
  auditLog,
  clinicChangeRequests,
  communications,
  type pathways,
} from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { clinicChangeSuite, newSlots } from '../support/clinic';

const NOW = '2026-11-23T09:00:00Z';
const REASON = 'Consultant on annual leave';

/** Monday 09:00–10:00 London (GMT in winter), three 20-minute new-patient slots. */
const mondayMorning = {
  effectiveFrom: '2026-11-23',
  recurrence: { kind: 'weekly' },
  sessions: [
    {
      weekday: 1,
      start: '09:00',
      end: '10:00',
      slots: newSlots([0, 20, 40]),
    },
  ],
};

interface SlotJson {
  id: string;
  sessionDate: string;
  startsAt: string;
  booked: number;
  status: string;
}

interface Rebooked {
  appointmentId: string;
  replacesId: string;
  pathwayId: string;
  from: string;
  to: string;
  breachDate: string | null;
  letter: string;
  communicationId: string;
}

describe.each(ENGINES)('clinic cancellation on %s', (engine) => {
  const suite = clinicChangeSuite(engine, NOW, {
    tag: 'CC',
    registrationPrefix: 'C90000',
    clinicName: 'Knee clinic',
    nhsBase: 999_300_000,
    layout: mondayMorning,
  });
  const { post, get, builders } = suite;
  const createClinic = builders.createClinic;
  const addPathway = async (clinicianId: string, over: Partial<typeof pathways.$inferInsert> = {}) =>
    (await builders.addPathway(clinicianId, over)).pathwayId;

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
  const bookedOn = async (pathwayId: string) =>
    suite.h.db.db
      .select()
      .from(appointments)
      .where(and(eq(appointments.pathwayId, pathwayId), eq(appointments.status, 'booked')));
  const auditRows = (action: string, resourceIds: string[]) =>
    suite.h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, action), inArray(auditLog.resourceId, resourceIds)));

  it('cancels a session with notice and rebooks its patients in order into the earliest suitable slots', async () => {
    const clinic = await createClinic();
    const early = await addPathway(clinic.clinicianId, {
      clockStartDate: '2026-09-01',
      rttPeriodStart: '2026-09-01',
      referralReceivedDate: '2026-09-01',
    });
    const urgent = await addPathway(clinic.clinicianId, {
      priority: 'urgent',
      clockStartDate: '2026-10-15',
      rttPeriodStart: '2026-10-15',
    });
    const cancelledOnce = await addPathway(clinic.clinicianId, {
      clockStartDate: '2026-10-20',
      rttPeriodStart: '2026-10-20',
    });
    const other = await addPathway(clinic.clinicianId);

    // The patient cancelled once already by the hospital (7 December, freeing that slot again).
    const dec7 = await slotsOn(clinic.id, '2026-12-07');
    const first = await book(dec7[0]!.id, cancelledOnce);
    const cancelled = await post(`/appointments/${first}/cancel`, {
      by: 'hospital',
      reason: 'Theatre overrun',
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    // The first slot of 30 November is taken by someone else.
    const nov30 = await slotsOn(clinic.id, '2026-11-30');
    await book(nov30[0]!.id, other);

    const jan11 = await slotsOn(clinic.id, '2027-01-11');
    const old = {
      early: await book(jan11[0]!.id, early),
      urgent: await book(jan11[1]!.id, urgent),
      cancelledOnce: await book(jan11[2]!.id, cancelledOnce),
    };

    const res = await post(`/clinics/${clinic.id}/sessions/cancel`, { date: '2027-01-11', reason: REASON });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<{ status: string; rebooked: Rebooked[]; escalated: unknown[] }>();
    expect(body).toMatchObject({
      status: 'applied',
      sessionDate: '2027-01-11',
      cancelledSlots: 3,
      keptSlots: 0,
      cancelledAppointments: 3,
      escalated: [],
    });
    // Cancelled once by the hospital first, then urgent before routine.
    expect(body.rebooked.map((r) => [r.pathwayId, r.replacesId, r.from, r.to, r.letter])).toEqual([
      [cancelledOnce, old.cancelledOnce, jan11[2]!.startsAt, nov30[1]!.startsAt, 'rebooking-confirmation'],
      [urgent, old.urgent, jan11[1]!.startsAt, nov30[2]!.startsAt, 'rebooking-confirmation'],
      [early, old.early, jan11[0]!.startsAt, dec7[0]!.startsAt, 'rebooking-confirmation'],
    ]);
    expect(body.rebooked.map((r) => r.breachDate)).toEqual(['2027-02-24', '2027-02-19', '2027-01-06']);

    // The old appointments: cancelled by the hospital with the reason; the session's slots cancelled and empty.
    for (const id of Object.values(old)) {
      expect(await appointment(id)).toMatchObject({
        status: 'cancelled',
        cancelledBy: 'hospital',
        cancelReason: REASON,
      });
    }
    expect((await slotsOn(clinic.id, '2027-01-11')).map((s) => [s.status, s.booked])).toEqual([
      ['cancelled', 0],
      ['cancelled', 0],
      ['cancelled', 0],
    ]);
    expect((await slotsOn(clinic.id, '2026-11-30')).map((s) => s.booked)).toEqual([1, 1, 1]);
    expect((await slotsOn(clinic.id, '2026-12-07')).map((s) => s.booked)).toEqual([1, 0, 0]);
    // The new appointments replace the old ones, booked out of turn with the reason.
    for (const r of body.rebooked) {
      const [now] = await bookedOn(r.pathwayId);
      expect(now).toMatchObject({
        id: r.appointmentId,
        replacesId: r.replacesId,
        outOfTurnReason: 'Rebooked after clinic cancellation',
      });
    }

    // Audited: the cancellation, each appointment cancelled and rebooked.
    const [session] = await auditRows('ClinicSession.cancel', [clinic.id]);
    expect(session!.detail).toMatchObject({
      sessionDate: '2027-01-11',
      cancelledSlots: 3,
      cancelledAppointments: 3,
      rebooked: 3,
      escalated: 0,
      requestId: null,
    });
    expect(await auditRows('Appointment.cancel', Object.values(old))).toHaveLength(3);
    const rebookRows = await auditRows(
      'Appointment.rebook',
      body.rebooked.map((r) => r.appointmentId),
    );
    expect(rebookRows).toHaveLength(3);
    expect(rebookRows[0]!.detail).toMatchObject({ templateId: clinic.id, letter: 'rebooking-confirmation' });

    // One letter for each patient moved: 'appointment-moved' about the new appointment, no cancellation letter.
    const letters = await suite.h.db.db
      .select()
      .from(communications)
      .where(
        and(
          inArray(communications.appointmentId, [
            ...Object.values(old),
            ...body.rebooked.map((r) => r.appointmentId),
          ]),
          inArray(communications.kind, ['appointment-moved', 'appointment-cancelled']),
        ),
      );
    expect(letters.map((l) => [l.kind, l.appointmentId, l.id]).sort()).toEqual(
      body.rebooked.map((r) => ['appointment-moved', r.appointmentId, r.communicationId]).sort(),
    );
  });

  it('reduces a session to its first slots and escalates a patient whose breach date cannot be met', async () => {
    const clinic = await createClinic();
    const keeper = await addPathway(clinic.clinicianId);
    // Clock start 25 July: breach date 29 November, before the first free slot (30 November).
    const breacher = await addPathway(clinic.clinicianId, {
      clockStartDate: '2026-07-25',
      rttPeriodStart: '2026-07-25',
      referralReceivedDate: '2026-07-25',
    });
    const movable = await addPathway(clinic.clinicianId);
    const jan18 = await slotsOn(clinic.id, '2027-01-18');
    const kept = await book(jan18[0]!.id, keeper);
    const late = await book(jan18[1]!.id, breacher);
    const moved = await book(jan18[2]!.id, movable);

    const res = await post(`/clinics/${clinic.id}/sessions/cancel`, {
      date: '2027-01-18',
      reason: REASON,
      keepSlots: 1,
    });
    expect(res.statusCode, res.body).toBe(201);
    const nov30 = await slotsOn(clinic.id, '2026-11-30');
    expect(res.json()).toMatchObject({
      status: 'applied',
      cancelledSlots: 2,
      keptSlots: 1,
      cancelledAppointments: 2,
      rebooked: [{ pathwayId: movable, replacesId: moved, to: nov30[0]!.startsAt }],
      escalated: [{ appointmentId: late, pathwayId: breacher, breachDate: '2026-11-29' }],
    });
    expect(res.json().escalated[0].reason).toMatch(/after the 18-week breach date \(2026-11-29\)/);

    expect((await slotsOn(clinic.id, '2027-01-18')).map((s) => [s.status, s.booked])).toEqual([
      ['open', 1],
      ['cancelled', 0],
      ['cancelled', 0],
    ]);
    expect((await appointment(kept)).status).toBe('booked');
    expect(await appointment(late)).toMatchObject({ status: 'cancelled', cancelledBy: 'hospital' });
    expect(await bookedOn(breacher)).toHaveLength(0);

    const escalations = await get(`/clinics/${clinic.id}/escalations`, suite.manager);
    expect(escalations.statusCode, escalations.body).toBe(200);
    expect(escalations.json().escalations).toEqual([
      expect.objectContaining({
        appointmentId: late,
        pathwayId: breacher,
        breachDate: '2026-11-29',
        cause: 'session-cancelled',
        bookedSince: false,
      }),
    ]);
    const [escalated] = await auditRows('Appointment.escalated', [late]);
    expect(escalated!.detail).toMatchObject({ templateId: clinic.id, escalatedTo: 'service-manager' });
  });

  it('with less than six weeks’ notice changes nothing until a service suite.manager approves', async () => {
    const clinic = await createClinic();
    const a = await addPathway(clinic.clinicianId, {
      clockStartDate: '2026-09-15',
      rttPeriodStart: '2026-09-15',
    });
    const b = await addPathway(clinic.clinicianId);
    const c = await addPathway(clinic.clinicianId);
    const dec14 = await slotsOn(clinic.id, '2026-12-14');
    const kept = await book(dec14[0]!.id, c);
    const oldA = await book(dec14[1]!.id, a);
    const oldB = await book(dec14[2]!.id, b);

    const res = await post(`/clinics/${clinic.id}/sessions/cancel`, {
      date: '2026-12-14',
      reason: REASON,
      keepSlots: 1,
    });
    expect(res.statusCode, res.body).toBe(202);
    const { requestId } = res.json<{ requestId: string }>();
    expect(res.json()).toMatchObject({ status: 'pending-approval', firstAffectedDate: '2026-12-14' });
    expect(await slotsOn(clinic.id, '2026-12-14')).toEqual(dec14.map((s) => ({ ...s, booked: 1 })));
    for (const id of [kept, oldA, oldB]) expect((await appointment(id)).status).toBe('booked');
    const [stored] = await suite.h.db.db
      .select()
      .from(clinicChangeRequests)
      .where(eq(clinicChangeRequests.id, requestId));
    expect(stored).toMatchObject({
      kind: 'cancel-session',
      sessionDate: '2026-12-14',
      version: null,
      reason: REASON,
      status: 'requested',
    });
    const worklist = await get('/clinic-change-requests?status=requested', suite.manager);
    expect(worklist.json().requests).toContainEqual(
      expect.objectContaining({ id: requestId, kind: 'cancel-session', sessionDate: '2026-12-14' }),
    );

    const byClerk = await post(`/clinic-change-requests/${requestId}/decision`, {
      approve: true,
      reason: 'Ok',
    });
    expect(byClerk.statusCode).toBe(403);

    const approved = await post(
      `/clinic-change-requests/${requestId}/decision`,
      { approve: true, reason: 'Leave agreed with the clinical lead' },
      suite.manager,
    );
    expect(approved.statusCode, approved.body).toBe(200);
    const nov30 = await slotsOn(clinic.id, '2026-11-30');
    expect(approved.json()).toMatchObject({
      request: { status: 'approved', kind: 'cancel-session' },
      applied: null,
      cancellation: {
        sessionDate: '2026-12-14',
        cancelledSlots: 2,
        keptSlots: 1,
        cancelledAppointments: 2,
        rebooked: [
          { pathwayId: a, replacesId: oldA, to: nov30[0]!.startsAt },
          { pathwayId: b, replacesId: oldB, to: nov30[1]!.startsAt },
        ],
        escalated: [],
      },
    });
    expect((await slotsOn(clinic.id, '2026-12-14')).map((s) => [s.status, s.booked])).toEqual([
      ['open', 1],
      ['cancelled', 0],
      ['cancelled', 0],
    ]);
    expect(await appointment(oldA)).toMatchObject({
      status: 'cancelled',
      cancelledBy: 'hospital',
      cancelReason: REASON,
    });
    const [session] = await auditRows('ClinicSession.cancel', [clinic.id]);
    expect(session!.detail).toMatchObject({ requestId, keepSlots: 1 });
    expect(await auditRows('ClinicChange.approve', [requestId])).toHaveLength(1);

    const again = await post(
      `/clinic-change-requests/${requestId}/decision`,
      { approve: true, reason: 'Twice' },
      suite.manager,
    );
    expect(again.statusCode).toBe(409);
  });

  it('leaves the session as it was when a service suite.manager rejects the request', async () => {
    const clinic = await createClinic();
    const p = await addPathway(clinic.clinicianId);
    const dec7 = await slotsOn(clinic.id, '2026-12-07');
    const id = await book(dec7[0]!.id, p);
    const res = await post(`/clinics/${clinic.id}/sessions/cancel`, { date: '2026-12-07', reason: REASON });
    expect(res.statusCode, res.body).toBe(202);
    const rejected = await post(
      `/clinic-change-requests/${res.json().requestId}/decision`,
      { approve: false, reason: 'Find cover instead' },
      suite.manager,
    );
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({
      request: { status: 'rejected' },
      applied: null,
      cancellation: null,
    });
    expect((await slotsOn(clinic.id, '2026-12-07')).map((s) => s.status)).toEqual(['open', 'open', 'open']);
    expect((await appointment(id)).status).toBe('booked');
  });

  it('refuses bad input and changes nothing', async () => {
    const clinic = await createClinic();
    const p = await addPathway(clinic.clinicianId);
    const jan25 = await slotsOn(clinic.id, '2027-01-25');
    const id = await book(jan25[0]!.id, p);
    const counts = async () =>
      (
        await queryRows<{ audit: number; requests: number; cancelled: number }>(
          suite.h.db.db,
          sql`select (select count(*)::int from audit_log where action like 'ClinicSession.%') as audit,
                     (select count(*)::int from clinic_change_requests) as requests,
                     (select count(*)::int from slots where status = 'cancelled') as cancelled`,
        )
      )[0]!;
    const before = await counts();
    const url = `/clinics/${clinic.id}/sessions/cancel`;
    const cases: [string, object, number, string | null][] = [
      [`/clinics/${randomUUID()}/sessions/cancel`, { date: '2027-01-25', reason: REASON }, 404, null],
      [url, { date: '2027-01-26', reason: REASON }, 400, '/body/date'],
      [url, { date: '2026-11-16', reason: REASON }, 400, '/body/date'],
      [url, { date: '2026-12-01', reason: REASON }, 400, '/body/date'],
      [url, { date: '2027-01-25', reason: REASON, keepSlots: 3 }, 400, '/body/keepSlots'],
      [url, { date: '2027-01-25', reason: REASON, sessionIndex: 1 }, 400, '/body/sessionIndex'],
      [url, { date: '2027-01-25' }, 400, '/body/reason'],
      [url, { date: '25/01/2027', reason: REASON }, 400, '/body/date'],
      [url, { date: '2027-01-25', reason: REASON, colour: 'red' }, 400, '/body/colour'],
    ];
    for (const [target, payload, status, field] of cases) {
      const res = await post(target, payload);
      expect(res.statusCode, `${JSON.stringify(payload)} ${res.body}`).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      if (field) expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const past = await post(url, { date: '2026-11-16', reason: REASON });
    expect(past.json().detail).toMatch(/is in the past/);
    expect(await counts()).toEqual(before);
    expect((await slotsOn(clinic.id, '2027-01-25')).map((s) => s.status)).toEqual(['open', 'open', 'open']);
    expect((await appointment(id)).status).toBe('booked');
    // A clinician may not cancel clinics (Clinic.write); unknown clinic for the escalation list.
    const asClinician = await suite.h.signIn('clinician');
    const refused = await post(url, { date: '2027-01-25', reason: REASON }, asClinician);
    expect(refused.statusCode).toBe(403);
    expect((await get(`/clinics/${randomUUID()}/escalations`)).statusCode).toBe(404);
  });

  interface PreviewPatient {
    appointmentId: string;
    pathwayId: string;
    patientId: string;
    givenName: string;
    familyName: string;
    nhsNumber: string;
    current: { startsAt: string; endsAt: string; clinicName: string };
    breachDate: string | null;
    outcome: string;
    proposed: {
      slotId: string;
      startsAt: string;
      sessionDate: string;
      clinicId: string;
      clinicName: string;
      clinician: string | null;
      location: string;
    } | null;
    escalationReason: string | null;
    letter: string | null;
  }
  interface Preview {
    needsApproval: boolean;
    cancelledSlots: number;
    keptSlots: number;
    cancelledAppointments: number;
    patients: PreviewPatient[];
  }

  /** Everything a change could touch, as one digest per table, and the audit rows counted. */
  const TRACKED = [
    'slots',
    'slot_holds',
    'appointments',
    'communications',
    'tasks',
    'task_events',
    'support_requests',
    'scheduled_jobs',
    'clinic_change_requests',
    'clinic_template_versions',
    'short_notice_offers',
    'short_notice_candidates',
    'pathways',
    'rtt_events',
  ] as const;
  const snapshot = async () => {
    const digests: Record<string, string | null> = {};
    for (const table of TRACKED) {
      const [row] = await queryRows<{ digest: string | null }>(
        suite.h.db.db,
        sql`select md5(string_agg(t::text, ',' order by t::text)) as digest from ${sql.identifier(table)} t`,
      );
      digests[table] = row!.digest;
    }
    const [audit] = await queryRows<{ n: number }>(
      suite.h.db.db,
      sql`select count(*)::int as n from audit_log`,
    );
    return { digests, audit: audit!.n };
  };
  const lettersAbout = (ids: string[]) =>
    suite.h.db.db
      .select()
      .from(communications)
      .where(
        and(
          inArray(communications.appointmentId, ids),
          inArray(communications.kind, ['appointment-moved', 'appointment-cancelled']),
        ),
      );

  it('previews a cancellation exactly as applying then does it, and the preview changes nothing', async () => {
    const clinic = await createClinic();
    // Clock start 1 September: breach date 6 January, rebooked into the earliest slot.
    const early = await addPathway(clinic.clinicianId, {
      clockStartDate: '2026-09-01',
      rttPeriodStart: '2026-09-01',
      referralReceivedDate: '2026-09-01',
    });
    const routine = await addPathway(clinic.clinicianId);
    // Clock start 25 July: breach date 29 November, before the first free slot: escalated.
    const breacher = await addPathway(clinic.clinicianId, {
      clockStartDate: '2026-07-25',
      rttPeriodStart: '2026-07-25',
      referralReceivedDate: '2026-07-25',
    });
    const other = await addPathway(clinic.clinicianId);
    const nov30 = await slotsOn(clinic.id, '2026-11-30');
    await book(nov30[0]!.id, other);
    const feb1 = await slotsOn(clinic.id, '2027-02-01');
    const old = {
      early: await book(feb1[0]!.id, early),
      routine: await book(feb1[1]!.id, routine),
      breacher: await book(feb1[2]!.id, breacher),
    };
    const body = { date: '2027-02-01', reason: REASON };

    const before = await snapshot();
    const res = await post(`/clinics/${clinic.id}/sessions/cancel/preview`, body);
    expect(res.statusCode, res.body).toBe(200);
    const preview = res.json<Preview>();
    expect(preview).toMatchObject({
      needsApproval: false,
      sessionDate: '2027-02-01',
      sessionIndex: null,
      cancelledSlots: 3,
      keptSlots: 0,
      cancelledAppointments: 3,
    });
    // In appointment order: each patient with their proposal and letter.
    expect(
      preview.patients.map((p) => [
        p.appointmentId,
        p.pathwayId,
        p.outcome,
        p.proposed?.slotId ?? null,
        p.letter,
      ]),
    ).toEqual([
      [old.early, early, 'rebooked', nov30[1]!.id, 'appointment-moved'],
      [old.routine, routine, 'rebooked', nov30[2]!.id, 'appointment-moved'],
      [old.breacher, breacher, 'escalated', null, 'appointment-cancelled'],
    ]);
    const [first, , third] = preview.patients;
    expect(first).toMatchObject({
      familyName: expect.stringMatching(/^Patient\d+$/),
      nhsNumber: expect.stringMatching(/^\d{10}$/),
      current: { startsAt: feb1[0]!.startsAt, clinicName: expect.stringMatching(/^Knee clinic/) },
      breachDate: '2027-01-06',
      proposed: {
        startsAt: nov30[1]!.startsAt,
        sessionDate: '2026-11-30',
        clinicId: clinic.id,
        clinician: expect.stringMatching(/^Dr Test Clinician\d+$/),
        location: 'Outpatients A',
      },
      escalationReason: null,
    });
    expect(third!.escalationReason).toMatch(/after the 18-week breach date \(2026-11-29\)/);

    // Nothing changed but the read's audit rows: one for the clinic, one per patient shown.
    const after = await snapshot();
    expect(after.digests).toEqual(before.digests);
    expect(after.audit).toBe(before.audit + 4);
    const reads = await auditRows('ClinicChange.preview', [clinic.id, ...Object.values(old)]);
    expect(
      reads
        .map((r) => r.patientId)
        .filter(Boolean)
        .sort(),
    ).toEqual(preview.patients.map((p) => p.patientId).sort());
    expect(await auditRows('ClinicSession.cancel', [clinic.id])).toHaveLength(0);
    expect(await auditRows('Appointment.escalated', [old.breacher])).toHaveLength(0);

    // A second preview proposes the same (the first left nothing behind).
    const again = await post(`/clinics/${clinic.id}/sessions/cancel/preview`, body);
    expect(again.json<Preview>().patients).toEqual(preview.patients);

    // Applying does what the preview said.
    const applied = await post(`/clinics/${clinic.id}/sessions/cancel`, body);
    expect(applied.statusCode, applied.body).toBe(201);
    const result = applied.json<{ rebooked: Rebooked[]; escalated: { appointmentId: string }[] }>();
    const displaced = [
      ...result.rebooked.map((r) => r.replacesId),
      ...result.escalated.map((e) => e.appointmentId),
    ];
    expect(displaced.sort()).toEqual(preview.patients.map((p) => p.appointmentId).sort());
    for (const p of preview.patients) {
      const moved = result.rebooked.find((r) => r.replacesId === p.appointmentId);
      if (p.outcome === 'rebooked') {
        expect(moved, p.appointmentId).toBeDefined();
        expect(moved!.to).toBe(p.proposed!.startsAt);
        expect((await appointment(moved!.appointmentId)).slotId).toBe(p.proposed!.slotId);
        const letters = await lettersAbout([p.appointmentId, moved!.appointmentId]);
        expect(letters.map((l) => l.kind)).toEqual([p.letter]);
      } else {
        expect(moved).toBeUndefined();
        expect(result.escalated.map((e) => e.appointmentId)).toContain(p.appointmentId);
        const letters = await lettersAbout([p.appointmentId]);
        expect(letters.map((l) => l.kind)).toEqual([p.letter]);
      }
    }

    // Once applied there is nothing left to preview.
    const gone = await post(`/clinics/${clinic.id}/sessions/cancel/preview`, body);
    expect(gone.statusCode).toBe(400);
    expect(gone.json().errors.map((e: { field: string }) => e.field)).toEqual(['/body/date']);
  });

  it('previews a short-notice cancellation, and the request waiting for approval, as approving then does it', async () => {
    const clinic = await createClinic();
    const a = await addPathway(clinic.clinicianId, {
      clockStartDate: '2026-09-15',
      rttPeriodStart: '2026-09-15',
    });
    const b = await addPathway(clinic.clinicianId);
    const c = await addPathway(clinic.clinicianId);
    const dec21 = await slotsOn(clinic.id, '2026-12-21');
    const kept = await book(dec21[0]!.id, c);
    const oldA = await book(dec21[1]!.id, a);
    const oldB = await book(dec21[2]!.id, b);
    const body = { date: '2026-12-21', reason: REASON, keepSlots: 1 };
    const nov30 = await slotsOn(clinic.id, '2026-11-30');

    const res = await post(`/clinics/${clinic.id}/sessions/cancel/preview`, body);
    expect(res.statusCode, res.body).toBe(200);
    const preview = res.json<Preview>();
    expect(preview).toMatchObject({
      needsApproval: true,
      cancelledSlots: 2,
      keptSlots: 1,
      cancelledAppointments: 2,
    });
    expect(preview.patients.map((p) => [p.appointmentId, p.outcome, p.proposed?.slotId])).toEqual([
      [oldA, 'rebooked', nov30[0]!.id],
      [oldB, 'rebooked', nov30[1]!.id],
    ]);

    const sent = await post(`/clinics/${clinic.id}/sessions/cancel`, body);
    expect(sent.statusCode, sent.body).toBe(202);
    const { requestId } = sent.json<{ requestId: string }>();

    // The service manager sees the same proposals before deciding; a booking clerk may not.
    const before = await snapshot();
    const url = `/clinic-change-requests/${requestId}/preview`;
    expect((await get(url)).statusCode).toBe(403);
    const forManager = await get(url, suite.manager);
    expect(forManager.statusCode, forManager.body).toBe(200);
    const requestPreview = forManager.json<{
      request: { id: string; status: string };
      cancellation: object;
      version: null;
      patients: PreviewPatient[];
    }>();
    expect(requestPreview).toMatchObject({
      request: { id: requestId, status: 'requested', kind: 'cancel-session' },
      cancellation: { sessionDate: '2026-12-21', cancelledSlots: 2, keptSlots: 1, cancelledAppointments: 2 },
      version: null,
    });
    expect(requestPreview.patients).toEqual(preview.patients);
    const after = await snapshot();
    expect(after.digests).toEqual(before.digests);
    // The refusal of the clerk, and the manager's read (the clinic and two patients).
    expect(after.audit).toBe(before.audit + 1 + 3);
    for (const id of [kept, oldA, oldB]) expect((await appointment(id)).status).toBe('booked');

    const approved = await post(
      `/clinic-change-requests/${requestId}/decision`,
      { approve: true, reason: 'Leave agreed' },
      suite.manager,
    );
    expect(approved.statusCode, approved.body).toBe(200);
    const cancellation = approved.json<{ cancellation: { rebooked: Rebooked[]; escalated: unknown[] } }>()
      .cancellation;
    expect(cancellation.escalated).toEqual([]);
    expect(cancellation.rebooked.map((r) => [r.replacesId, r.to])).toEqual(
      requestPreview.patients.map((p) => [p.appointmentId, p.proposed!.startsAt]),
    );
    for (const [i, r] of cancellation.rebooked.entries()) {
      expect((await appointment(r.appointmentId)).slotId).toBe(requestPreview.patients[i]!.proposed!.slotId);
    }
    // Decided: there is nothing left to preview.
    const decided = await get(url, suite.manager);
    expect(decided.statusCode).toBe(409);
    expect((await get(`/clinic-change-requests/${randomUUID()}/preview`, suite.manager)).statusCode).toBe(
      404,
    );
  });

  it('refuses a preview of bad input as applying would, and writes nothing', async () => {
    const clinic = await createClinic();
    const before = await snapshot();
    const url = `/clinics/${clinic.id}/sessions/cancel/preview`;
    const cases: [string, object, number, string | null][] = [
      [`/clinics/${randomUUID()}/sessions/cancel/preview`, { date: '2027-01-25', reason: REASON }, 404, null],
      [url, { date: '2027-01-26', reason: REASON }, 400, '/body/date'],
      [url, { date: '2026-11-16', reason: REASON }, 400, '/body/date'],
      [url, { date: '2027-01-25', reason: REASON, keepSlots: 3 }, 400, '/body/keepSlots'],
      [url, { date: '2027-01-25', reason: REASON, sessionIndex: 1 }, 400, '/body/sessionIndex'],
      [url, { date: '2027-01-25' }, 400, '/body/reason'],
    ];
    for (const [target, payload, status, field] of cases) {
      const res = await post(target, payload);
      expect(res.statusCode, `${JSON.stringify(payload)} ${res.body}`).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      if (field) expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await snapshot()).toEqual(before);
    const asClinician = await suite.h.signIn('clinician');
    const refused = await post(url, { date: '2027-01-25', reason: REASON }, asClinician);
    expect(refused.statusCode).toBe(403);
  });
});
