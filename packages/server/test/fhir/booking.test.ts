/**
 * Booking over FHIR: Slot search (schedule, start ranges, status, service-type, _include=Slot:schedule, paging),
 * booking a free slot with POST /Appointment (201, Location, ETag; 409 DUPLICATE_REJECTED when it was taken,
 * EX-GPC-04), errors naming the element with nothing written, cancelling with PUT or JSON Patch and If-Match
 * (412 when stale, 428 without, 422 when anything else changes: EX-GPC-06), Appointment search and its audit.
 * Every resource returned is validated against the FHIR R4 definitions.
 */
import { randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import type { Appointment, Bundle, OperationOutcome, Schedule, Slot } from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointments, auditLog, pathways } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { createHarness, type Harness } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';
import { FHIR_JSON, bearer, expectValidFhir, fhirGet } from '../support/fhir';

/** Slots from 1 to 20 December 2026 (the clock is 23 November): at least 21 days' notice, all in the future. */
const day = (d: number, hour = 9, minute = 0) =>
  `2026-12-${String(d).padStart(2, '0')}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00.000Z`;

describe.each(ENGINES)('booking over FHIR on %s', (engine) => {
  let h: Harness;
  let clinic: TestClinic;
  let clerk: Record<string, string>;
  let n = 0;

  /** A patient first in turn: each new pathway's clock started a day before the last one's. */
  const patientFirstInTurn = () => {
    n += 1;
    const start = new Date(Date.UTC(2025, 10, 1) - n * 86_400_000).toISOString().slice(0, 10);
    return clinic.addPathway({ clockStartDate: start, referralReceivedDate: start, rttPeriodStart: start });
  };

  const post = (body: unknown, headers: Record<string, string> = clerk) =>
    h.app.inject({
      method: 'POST',
      url: '/fhir/R4/Appointment',
      headers: { ...headers, 'content-type': FHIR_JSON, accept: FHIR_JSON },
      payload: JSON.stringify(body),
    });

  const booking = (patientId: string, slotId: string, over: Partial<Appointment> = {}): Appointment => ({
    resourceType: 'Appointment',
    status: 'booked',
    slot: [{ reference: `Slot/${slotId}` }],
    participant: [{ actor: { reference: `Patient/${patientId}` }, status: 'accepted' }],
    ...over,
  });

  const appointmentCount = async () =>
    (
      await h.db.db.select({ n: count() }).from(appointments).where(eq(appointments.orgId, h.fixture.orgId))
    )[0]!.n;

  beforeAll(async () => {
    h = await createHarness(engine);
    clinic = await createTestClinic(h, 999_880_000);
    clerk = bearer(await h.token('booking-clerk'));
  });
  afterAll(() => h.close());

  it('finds free slots by schedule and start range, with their Schedule included, valid R4', async () => {
    const inside = await clinic.addSlot(day(7, 9));
    const later = await clinic.addSlot(day(7, 10));
    await clinic.addSlot(day(15, 9)); // outside the range
    const { res, body } = await fhirGet(
      h,
      `/Slot?schedule=Schedule/${clinic.templateId}&start=ge2026-12-07&start=lt2026-12-08&status=free&_include=Slot:schedule`,
      clerk,
    );
    expect(res.statusCode, res.body).toBe(200);
    const bundle = body as Bundle;
    const matches = bundle.entry!.filter((e) => e.search?.mode === 'match').map((e) => e.resource as Slot);
    expect(matches.map((s) => s.id)).toEqual([inside, later]);
    expect(matches[0]).toMatchObject({
      status: 'free',
      schedule: { reference: `Schedule/${clinic.templateId}` },
      start: day(7, 9),
      meta: { profile: ['https://fhir.hl7.org.uk/StructureDefinition/UKCore-Slot'] },
    });
    const included = bundle
      .entry!.filter((e) => e.search?.mode === 'include')
      .map((e) => e.resource as Schedule);
    expect(included.map((s) => s.id)).toEqual([clinic.templateId]);
    expect(included[0]!.actor.map((a) => a.reference)).toContain(`Practitioner/${clinic.consultant}`);
    expect(bundle.total).toBe(2);
    expectValidFhir(bundle);
  });

  it('reads start with le and gt as whole London days, and pages with _count', async () => {
    const a = await clinic.addSlot(day(9, 8));
    const b = await clinic.addSlot(day(9, 11));
    const c = await clinic.addSlot(day(10, 8));
    const q = `/Slot?schedule=${clinic.templateId}&start=gt2026-12-08&start=le2026-12-10`;
    const all = (await fhirGet(h, q, clerk)).body as Bundle;
    expect(all.entry!.map((e) => e.resource!.id)).toEqual([a, b, c]);
    const first = (await fhirGet(h, `${q}&_count=2`, clerk)).body as Bundle;
    expect(first.entry!.map((e) => e.resource!.id)).toEqual([a, b]);
    expect(first.total).toBeUndefined();
    const next = first.link!.find((l) => l.relation === 'next')!.url;
    const second = (await fhirGet(h, next.slice(next.indexOf('/fhir/R4') + 8), clerk)).body as Bundle;
    expect(second.entry!.map((e) => e.resource!.id)).toEqual([c]);
    expect(second.total).toBe(3);
  });

  it('filters by service-type (slot type or specialty) and refuses a bad status or date, naming it', async () => {
    const followUp = await clinic.addSlot(day(11, 9), { slotType: 'follow-up' });
    const byType = (
      await fhirGet(
        h,
        `/Slot?schedule=${clinic.templateId}&start=ge2026-12-11&start=lt2026-12-12&service-type=https://pathflow.dev/CodeSystem/slot-type|follow-up`,
        clerk,
      )
    ).body as Bundle;
    expect(byType.entry!.map((e) => e.resource!.id)).toEqual([followUp]);
    expect((byType.entry![0]!.resource as Slot).appointmentType!.coding![0]!.code).toBe('FOLLOWUP');
    const otherSpecialty = (
      await fhirGet(
        h,
        `/Slot?start=ge2026-12-11&start=lt2026-12-12&service-type=https://fhir.hl7.org.uk/CodeSystem/UKCore-PracticeSettingCode|120`,
        clerk,
      )
    ).body as Bundle;
    expect(otherSpecialty.entry).toEqual([]);
    for (const [q, param] of [
      ['status=taken', 'status'],
      ['start=ge2026-02-30', 'start'],
      ['start=ne2026-12-01', 'start'],
      ['_include=Slot:location', '_include'],
    ] as const) {
      const { res, body } = await fhirGet(h, `/Slot?${q}`, clerk);
      expect(res.statusCode, q).toBe(400);
      expect((body as OperationOutcome).issue[0]!.expression, q).toEqual([param]);
    }
  });

  it('books a free slot: 201 with Location and ETag, reads it back, and the slot is busy', async () => {
    const slot = await clinic.addSlot(day(14, 9));
    const { patientId, pathwayId } = await patientFirstInTurn();
    const res = await post(booking(patientId, slot, { start: day(14, 9) }));
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json<Appointment>();
    expect(created).toMatchObject({
      status: 'booked',
      start: day(14, 9),
      slot: [{ reference: `Slot/${slot}` }],
    });
    expect(res.headers.location).toMatch(new RegExp(`/fhir/R4/Appointment/${created.id}/_history/1$`));
    expect(res.headers.etag).toBe('W/"1"');
    expectValidFhir(created);
    const [stored] = await h.db.db.select().from(appointments).where(eq(appointments.id, created.id!));
    expect(stored).toMatchObject({ pathwayId, patientId, status: 'booked' });

    const read = await fhirGet(h, `/Appointment/${created.id}`, clerk);
    expect(read.res.statusCode).toBe(200);
    expect(read.body).toEqual(created);
    const slotNow = (await fhirGet(h, `/Slot/${slot}`, clerk)).body as Slot;
    expect(slotNow.status).toBe('busy');
    expect(Number(slotNow.meta!.versionId)).toBeGreaterThan(1);
  });

  it('answers 409 DUPLICATE_REJECTED when the slot was taken meanwhile (EX-GPC-04), writing nothing', async () => {
    const slot = await clinic.addSlot(day(14, 10));
    // Each new patient is due before the last: the later one books first, and the other is then first in turn.
    const other = await patientFirstInTurn();
    const winner = await patientFirstInTurn();
    expect((await post(booking(winner.patientId, slot))).statusCode).toBe(201);
    const before = await appointmentCount();
    const res = await post(booking(other.patientId, slot));
    expect(res.statusCode, res.body).toBe(409);
    const outcome = res.json<OperationOutcome>();
    expect(outcome.issue[0]).toMatchObject({
      code: 'conflict',
      details: { coding: [{ code: 'DUPLICATE_REJECTED' }] },
    });
    expect(outcome.issue[0]!.expression).toEqual(['Appointment.slot[0]']);
    expectValidFhir(outcome);
    expect(await appointmentCount()).toBe(before);
  });

  it('refuses a bad booking naming the element, and writes nothing', async () => {
    const slot = await clinic.addSlot(day(15, 11));
    const { patientId } = await patientFirstInTurn();
    const before = await appointmentCount();
    const cases: [unknown, number, string][] = [
      [{ ...booking(patientId, slot), status: 'proposed' }, 400, 'Appointment.status'],
      [{ ...booking(patientId, slot), slot: [] }, 400, 'Appointment.slot'],
      [{ ...booking(patientId, slot), participant: [] }, 400, 'Appointment.participant'],
      [booking(patientId, '00000000-0000-4000-8000-000000000000'), 422, 'Appointment.slot[0]'],
      [booking('00000000-0000-4000-8000-000000000001', slot), 422, 'Appointment.participant'],
      [booking(patientId, slot, { start: day(15, 12) }), 400, 'Appointment.start'],
      [booking(patientId, slot, { description: 'Knee review' }), 422, 'Appointment.description'],
      [{ ...booking(patientId, slot), resourceType: 'Slot' }, 400, 'resourceType'],
    ];
    for (const [body, status, expression] of cases) {
      const res = await post(body);
      expect(res.statusCode, `${expression}: ${res.body}`).toBe(status);
      const outcome = res.json<OperationOutcome>();
      expect(
        outcome.issue.flatMap((i) => i.expression ?? []),
        expression,
      ).toContain(expression);
      expectValidFhir(outcome);
    }
    const broken = await h.app.inject({
      method: 'POST',
      url: '/fhir/R4/Appointment',
      headers: { ...clerk, 'content-type': FHIR_JSON },
      payload: '{"resourceType":',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().resourceType).toBe('OperationOutcome');
    expect(await appointmentCount()).toBe(before);
  });

  it('explains booking out of turn and books with the reason in its extension', async () => {
    const slot = await clinic.addSlot(day(16, 9));
    const late = await clinic.addPathway({ clockStartDate: '2026-11-01', rttPeriodStart: '2026-11-01' });
    const refused = await post(booking(late.patientId, slot));
    expect(refused.statusCode, refused.body).toBe(422);
    const outcome = refused.json<OperationOutcome>();
    expect(outcome.issue[0]!.code).toBe('business-rule');
    expect(JSON.stringify(outcome)).toContain('out-of-turn-reason');
    const ext = [
      {
        url: 'https://pathflow.dev/StructureDefinition/out-of-turn-reason',
        valueString: 'Clinically urgent',
      },
    ];
    const res = await post(booking(late.patientId, slot, { extension: ext }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<Appointment>().extension).toContainEqual(ext[0]);
  });

  it('books the one pathway of two in the specialty that has no appointment yet, or asks for basedOn', async () => {
    const { patientId, pathwayId: first } = await patientFirstInTurn();
    const already = await clinic.addSlot(day(16, 11));
    expect((await post(booking(patientId, already))).statusCode).toBe(201);
    // A second open orthopaedic pathway for the same patient, due even earlier.
    const second = randomUUID();
    await h.db.db.insert(pathways).values({
      orgId: h.fixture.orgId,
      id: second,
      patientId,
      ppid: `XT1FHIR2ND${n}`,
      ppidIssuer: h.fixture.odsCode,
      specialtyCode: '110',
      source: 'gp-referral',
      priority: 'routine',
      referralReceivedDate: '2024-01-01',
      clockStartDate: '2024-01-01',
      status: 'open',
      rttRunning: true,
      rttPeriodStart: '2024-01-01',
    });
    const slot = await clinic.addSlot(day(16, 12));
    const res = await post(booking(patientId, slot));
    expect(res.statusCode, res.body).toBe(201);
    const [row] = await h.db.db
      .select()
      .from(appointments)
      .where(eq(appointments.id, res.json<Appointment>().id!));
    expect(row!.pathwayId).toBe(second);
    expect(row!.pathwayId).not.toBe(first);
    // Now both are booked: which one is meant must be said.
    const third = await clinic.addSlot(day(16, 13));
    const unclear = await post(booking(patientId, third));
    expect(unclear.statusCode).toBe(422);
    expect(unclear.json<OperationOutcome>().issue[0]!.expression).toEqual(['Appointment.basedOn']);
  });

  it('books once for a repeated Idempotency-Key', async () => {
    const slot = await clinic.addSlot(day(16, 10));
    const { patientId } = await patientFirstInTurn();
    const headers = { ...clerk, 'idempotency-key': `fhir-${patientId}` };
    const a = await post(booking(patientId, slot), headers);
    const b = await post(booking(patientId, slot), headers);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(b.json().id).toBe(a.json().id);
  });

  async function booked(hour: number): Promise<Appointment> {
    const slot = await clinic.addSlot(day(17, hour));
    const { patientId } = await patientFirstInTurn();
    const res = await post(booking(patientId, slot));
    expect(res.statusCode, res.body).toBe(201);
    return res.json<Appointment>();
  }

  const put = (a: Appointment, ifMatch: string | undefined, headers = clerk) =>
    h.app.inject({
      method: 'PUT',
      url: `/fhir/R4/Appointment/${a.id}`,
      headers: { ...headers, 'content-type': FHIR_JSON, ...(ifMatch ? { 'if-match': ifMatch } : {}) },
      payload: JSON.stringify(a),
    });

  const cancelled = (a: Appointment): Appointment => ({
    ...a,
    status: 'cancelled',
    cancelationReason: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason', code: 'pat' },
      ],
      text: 'Patient is on holiday',
    },
  });

  it('cancels with PUT and If-Match: the place goes back, a stale version is 412, none is 428', async () => {
    const a = await booked(9);
    expect((await put(cancelled(a), undefined)).statusCode).toBe(428);
    const stale = await put(cancelled(a), 'W/"7"');
    expect(stale.statusCode).toBe(412);
    expect(stale.json<OperationOutcome>().issue[0]!.code).toBe('conflict');
    const res = await put(cancelled(a), 'W/"1"');
    expect(res.statusCode, res.body).toBe(200);
    const after = res.json<Appointment>();
    expect(after.status).toBe('cancelled');
    expect(after.cancelationReason).toMatchObject({
      coding: [{ code: 'pat' }],
      text: 'Patient is on holiday',
    });
    expect(res.headers.etag).toBe('W/"2"');
    expectValidFhir(after);
    const [row] = await h.db.db.select().from(appointments).where(eq(appointments.id, a.id!));
    expect(row).toMatchObject({
      status: 'cancelled',
      cancelledBy: 'patient',
      cancelReason: 'Patient is on holiday',
    });
    expect(
      ((await fhirGet(h, `/Slot/${a.slot![0]!.reference!.split('/')[1]}`, clerk)).body as Slot).status,
    ).toBe('free');
    // The old version again: stale now.
    expect((await put(cancelled(a), 'W/"1"')).statusCode).toBe(412);
  });

  it('refuses a cancellation that changes anything else (EX-GPC-06), or lacks a reason, changing nothing', async () => {
    const a = await booked(10);
    const changed = await put({ ...cancelled(a), start: day(17, 11) }, 'W/"1"');
    expect(changed.statusCode).toBe(422);
    expect(changed.json<OperationOutcome>().issue[0]!.expression).toEqual(['Appointment.start']);
    const noReason = await put({ ...a, status: 'cancelled' }, 'W/"1"');
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json<OperationOutcome>().issue[0]!.expression).toEqual(['Appointment.cancelationReason']);
    const other = await put({ ...a, status: 'noshow' }, 'W/"1"');
    expect(other.statusCode).toBe(422);
    const [row] = await h.db.db.select().from(appointments).where(eq(appointments.id, a.id!));
    expect(row!.status).toBe('booked');
    expect(row!.versionId).toBe(1);
  });

  it('cancels with a JSON Patch and If-Match', async () => {
    const a = await booked(11);
    const res = await h.app.inject({
      method: 'PATCH',
      url: `/fhir/R4/Appointment/${a.id}`,
      headers: { ...clerk, 'content-type': 'application/json-patch+json', 'if-match': 'W/"1"' },
      payload: JSON.stringify([
        { op: 'replace', path: '/status', value: 'cancelled' },
        {
          op: 'add',
          path: '/cancelationReason',
          value: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason',
                code: 'prov',
              },
            ],
            text: 'Consultant on leave',
          },
        },
      ]),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'cancelled',
      cancelationReason: { coding: [{ code: 'prov' }] },
    });
    const [row] = await h.db.db.select().from(appointments).where(eq(appointments.id, a.id!));
    expect(row).toMatchObject({ status: 'cancelled', cancelledBy: 'hospital' });
    const badPatch = await h.app.inject({
      method: 'PATCH',
      url: `/fhir/R4/Appointment/${a.id}`,
      headers: { ...clerk, 'content-type': 'application/json-patch+json', 'if-match': 'W/"2"' },
      payload: JSON.stringify([{ op: 'move', from: '/nothing', path: '/status' }]),
    });
    expect(badPatch.statusCode).toBe(400);
  });

  it("searches a patient's appointments by date and status, auditing each", async () => {
    const a = await booked(12);
    const patient = a.participant[0]!.actor!.reference!;
    const { res, body } = await fhirGet(
      h,
      `/Appointment?patient=${patient}&date=ge2026-12-17&date=lt2026-12-18&status=booked`,
      clerk,
    );
    expect(res.statusCode, res.body).toBe(200);
    expect((body as Bundle).entry!.map((e) => e.resource!.id)).toEqual([a.id]);
    expectValidFhir(body);
    const none = (await fhirGet(h, `/Appointment?patient=${patient}&status=cancelled`, clerk)).body as Bundle;
    expect(none.entry).toEqual([]);
    const audited = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'Appointment.search'), eq(auditLog.resourceId, a.id!)));
    expect(audited).toHaveLength(1);
    const bad = await fhirGet(h, `/Appointment?status=lost`, clerk);
    expect((bad.body as OperationOutcome).issue[0]!.expression).toEqual(['status']);
  });

  it('needs Appointment.write to book, and a session must send its CSRF header', async () => {
    const slot = await clinic.addSlot(day(18, 9));
    const { patientId } = await patientFirstInTurn();
    const manager = bearer(await h.token('service-manager'));
    const refused = await post(booking(patientId, slot), manager);
    expect(refused.statusCode).toBe(403);
    const session = await h.signIn('booking-clerk');
    const noCsrf = await post(booking(patientId, slot), { cookie: session.read.cookie! });
    expect(noCsrf.statusCode).toBe(403);
    expect((await post(booking(patientId, slot), session.write)).statusCode).toBe(201);
  });
});
