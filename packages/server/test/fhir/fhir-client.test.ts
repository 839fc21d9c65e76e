/**
 * A published FHIR client (fhir-kit-client) against the running server over HTTP, with a machine client's
 * token holding only the SMART scopes it needs: it finds a patient by NHS number, searches free slots (paging
 * with its own nextPage), books one, reads it back, cancels it with If-Match, and is refused the slot that was
 * taken meanwhile.
 */
import { Client } from 'fhir-kit-client';
import type { Appointment, Bundle, OperationOutcome, Patient, Slot } from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/db';
import { createHarness, type Harness } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';
import { expectValidFhir } from '../support/fhir';

const SCOPES = 'system/Patient.read system/Slot.read system/Appointment.read system/Appointment.write';

/** What fhir-kit-client throws for an HTTP error: the response's status and its body. */
async function refusal(promise: Promise<unknown>): Promise<{ status: number; body: OperationOutcome }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { response?: { status?: number; data?: unknown }; status?: number; body?: unknown };
    return {
      status: e.response?.status ?? e.status ?? 0,
      body: (e.response?.data ?? e.body) as OperationOutcome,
    };
  }
  throw new Error('The request was not refused');
}

describe.each(ENGINES)('a FHIR client over HTTP on %s', (engine) => {
  let h: Harness;
  let clinic: TestClinic;
  let client: Client;
  let patient: { patientId: string; pathwayId: string };

  beforeAll(async () => {
    h = await createHarness(engine);
    clinic = await createTestClinic(h, 999_890_000);
    for (const hour of ['09', '10', '11']) await clinic.addSlot(`2026-12-21T${hour}:00:00.000Z`);
    patient = await clinic.addPathway({ clockStartDate: '2025-01-01', rttPeriodStart: '2025-01-01' });
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    client = new Client({ baseUrl: `${address}/fhir/R4` });
    client.bearerToken = await h.token('booking-clerk', SCOPES);
  });
  afterAll(() => h.close());

  it('reads the CapabilityStatement', async () => {
    const cs = (await client.capabilityStatement()) as unknown as { fhirVersion: string };
    expect(cs.fhirVersion).toBe('4.0.1');
  });

  it('finds the patient by NHS number', async () => {
    const [row] = await h.db.db.query.patients.findMany({
      where: (p, { eq }) => eq(p.id, patient.patientId),
    });
    const bundle = (await client.search({
      resourceType: 'Patient',
      searchParams: { identifier: `https://fhir.nhs.uk/Id/nhs-number|${row!.nhsNumber}` },
    })) as unknown as Bundle;
    expect(bundle.entry).toHaveLength(1);
    expect((bundle.entry![0]!.resource as Patient).id).toBe(patient.patientId);
    expectValidFhir(bundle);
  });

  it('searches free slots page by page, books one, reads it back and cancels it', async () => {
    const firstPage = await client.search({
      resourceType: 'Slot',
      searchParams: {
        schedule: `Schedule/${clinic.templateId}`,
        status: 'free',
        start: ['ge2026-12-21', 'lt2026-12-22'],
        _count: 2,
      },
    });
    const first = firstPage as unknown as Bundle;
    expect(first.entry).toHaveLength(2);
    const second = (await client.nextPage({ bundle: firstPage as never })) as unknown as Bundle;
    expect(second.entry).toHaveLength(1);
    const slot = first.entry![0]!.resource as Slot;
    expect(slot.status).toBe('free');

    const created = await client.create({
      resourceType: 'Appointment',
      body: {
        resourceType: 'Appointment',
        status: 'booked',
        slot: [{ reference: `Slot/${slot.id}` }],
        participant: [{ actor: { reference: `Patient/${patient.patientId}` }, status: 'accepted' }],
      },
    });
    const booked = created as unknown as Appointment;
    expect(booked.status).toBe('booked');
    expect(Client.httpFor(created).response?.status).toBe(201);
    expect(Client.httpFor(created).response?.headers.get('location')).toContain(`/Appointment/${booked.id}`);

    const readBack = await client.read({ resourceType: 'Appointment', id: booked.id! });
    const read = readBack as unknown as Appointment;
    expect(read).toEqual(booked);
    const etag = Client.httpFor(readBack).response!.headers.get('etag')!;

    const cancelled = (await client.update({
      resourceType: 'Appointment',
      id: booked.id!,
      body: {
        ...read,
        status: 'cancelled',
        cancelationReason: {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason', code: 'pat' },
          ],
          text: 'Patient asked to cancel',
        },
      },
      options: { headers: { 'If-Match': etag } },
    })) as unknown as Appointment;
    expect(cancelled.status).toBe('cancelled');
    expectValidFhir(cancelled);
    const freeAgain = (await client.read({ resourceType: 'Slot', id: slot.id! })) as unknown as Slot;
    expect(freeAgain.status).toBe('free');
  });

  it('is refused with 409 DUPLICATE_REJECTED a slot that was taken meanwhile', async () => {
    const slots = (await client.search({
      resourceType: 'Slot',
      searchParams: {
        schedule: `Schedule/${clinic.templateId}`,
        status: 'free',
        start: 'ge2026-12-21T10:30:00Z',
      },
    })) as unknown as Bundle;
    const slot = slots.entry![0]!.resource as Slot;
    const other = await clinic.addPathway({ clockStartDate: '2024-12-01', rttPeriodStart: '2024-12-01' });
    const book = (patientId: string) =>
      client.create({
        resourceType: 'Appointment',
        body: {
          resourceType: 'Appointment',
          status: 'booked',
          slot: [{ reference: `Slot/${slot.id}` }],
          participant: [{ actor: { reference: `Patient/${patientId}` } }],
        },
      });
    await book(other.patientId);
    const { status, body } = await refusal(book(patient.patientId));
    expect(status).toBe(409);
    expect(body.issue[0]!.details!.coding![0]!.code).toBe('DUPLICATE_REJECTED');
  });
});
