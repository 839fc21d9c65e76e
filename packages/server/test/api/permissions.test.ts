/**
 * The permission matrix, route by route: each role gets what its work needs and is refused the rest, whether it
 * signs in (cookie session) or calls as a machine client (bearer token). The expectations are written out by
 * hand here, not derived from the matrix in core, so a change to the matrix has to be made twice on purpose.
 */
import { randomUUID } from 'node:crypto';
import { ROLES, nhsNumberFromStem, roleAllows, type Role } from '@pathflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appointments,
  clinicChangeRequests,
  clinicTemplateVersions,
  clinicTemplates,
  allocationPlans,
  patientUnavailability,
  clinicians,
  locations,
  slots,
  diagnosticRequests,
  pathways,
  referrals,
  validationBatches,
  validationContacts,
} from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { createHarness, type Harness } from '../support/app';
import { loadPermissionCaseSets } from './permission-cases/load';
import type { Case } from './permission-cases/types';

/**
 * Records a write may use only once (a referral to triage, a pathway for cancer events, a diagnostic request
 * to complete), made before the tests: the nth request takes the nth of each.
 */
const POOL_SIZE = 1500;
const pools = {
  pendingReferrals: [] as string[],
  pathways: [] as string[],
  requests: [] as string[],
  requestsToCancel: [] as string[],
  /** One validation batch per step of a contact, each holding every pool pathway in the state that step needs. */
  contactBatches: { send: '', remind: '', reply: '', decide: '' },
  clinicianId: '',
  /** Booking: a slot per request (all of Bob's appointments at different times), one slot for holds. */
  bookingSlots: [] as string[],
  holdSlot: '',
  appointmentsToCancel: [] as string[],
  appointmentsToMove: [] as string[],
  rescheduleSlots: [] as string[],
  appointmentsToAttend: [] as string[],
  appointmentsWithOutcome: [] as string[],
  clinicId: '',
  clinicLocationId: '',
  clinicChangeRequests: [] as string[],
  cancelClinicId: '',
  /** Automatic allocation: one plan to read, and a plan per request to apply or discard. */
  allocationPlanToRead: '',
  allocationPlansToApply: [] as string[],
  allocationPlansToDiscard: [] as string[],
  /** Periods of Bob's unavailability, one per request to remove. */
  unavailabilityPeriods: [] as string[],
};
const fromPool = (pool: string[], n: number): string => {
  const id = pool[n];
  if (id === undefined) throw new Error(`The pool holds ${POOL_SIZE} records; request ${n} needs more`);
  return id;
};

async function fillAllocationPlans(h: Harness): Promise<void> {
  const orgId = h.fixture.orgId;
  const zero = {
    '18-week': 0,
    '52-week': 0,
    '65-week': 0,
    '78-week': 0,
    '104-week': 0,
    'priority-target': 0,
  };
  const summary = {
    today: '2026-11-23',
    weeks: 2,
    minNoticeDays: 7,
    counts: {
      patients: 0,
      slots: 0,
      places: 0,
      booked: 0,
      unassigned: 0,
      reasonableOffers: 0,
      outOfTurn: 0,
      breaches: zero,
      breachesAvoided: zero,
    },
    breachesBefore: zero,
    breachesAfter: zero,
    stillBreachingByReason: { 'already-breached': 0, 'no-eligible-slot-in-time': 0, capacity: 0 },
    unassignedByReason: { 'no-eligible-slot': 0, capacity: 0 },
  };
  // Each plan in a specialty of its own, so that making one never supersedes another.
  const planRows = Array.from({ length: 2 * POOL_SIZE + 1 }, (_, i) => ({
    orgId,
    id: randomUUID(),
    specialtyCode: `PT${i}`,
    fromDate: '2026-11-23',
    toDate: '2026-12-06',
    status: 'proposed',
    summary,
    assignments: [],
    unassigned: { stillBreaching: [], unassigned: [] },
    createdBy: 'permission-test',
  }));
  for (let i = 0; i < planRows.length; i += 500) {
    await h.db.db.insert(allocationPlans).values(planRows.slice(i, i + 500));
  }
  pools.allocationPlanToRead = planRows[0]!.id;
  pools.allocationPlansToApply = planRows.slice(1, 1 + POOL_SIZE).map((r) => r.id);
  pools.allocationPlansToDiscard = planRows.slice(1 + POOL_SIZE).map((r) => r.id);
}

async function fillUnavailability(h: Harness): Promise<void> {
  const rows = Array.from({ length: POOL_SIZE }, () => ({
    orgId: h.fixture.orgId,
    id: randomUUID(),
    patientId: h.fixture.patients.bob,
    fromDate: '2027-02-01',
    toDate: '2027-02-07',
    reason: 'Permission test',
    recordedBy: 'permission-test',
    recordedAt: new Date('2026-11-20T09:00:00Z'),
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await h.db.db.insert(patientUnavailability).values(rows.slice(i, i + 500));
  }
  pools.unavailabilityPeriods = rows.map((r) => r.id);
}

async function fillPools(h: Harness): Promise<void> {
  const orgId = h.fixture.orgId;
  await fillAllocationPlans(h);
  await fillUnavailability(h);
  const patientId = h.fixture.patients.bob;
  const pathwayRows = Array.from({ length: POOL_SIZE }, (_, i) => ({
    orgId,
    id: randomUUID(),
    patientId,
    ppid: `XT1POOL${String(i).padStart(6, '0')}`,
    ppidIssuer: h.fixture.odsCode,
    specialtyCode: '120',
    source: 'gp-paper',
    priority: 'routine',
    referralReceivedDate: '2026-09-01',
    clockStartDate: '2026-09-01',
    status: 'open',
    rttRunning: true,
    rttPeriodStart: '2026-09-01',
  }));
  for (let i = 0; i < pathwayRows.length; i += 500) {
    await h.db.db.insert(pathways).values(pathwayRows.slice(i, i + 500));
  }
  pools.pathways = pathwayRows.map((p) => p.id);
  const referralRows = pathwayRows.map((p) => ({
    orgId,
    id: randomUUID(),
    patientId,
    source: 'gp-paper',
    receivedDate: '2026-09-01',
    specialtyCode: '120',
    priority: 'routine',
    referrerName: 'Dr Pool',
    clockStart: '2026-09-01',
    clockStartRule: 'S1',
    triageKind: 'pending',
    pathwayId: p.id,
    createdBy: 'test',
  }));
  for (let i = 0; i < referralRows.length; i += 500) {
    await h.db.db.insert(referrals).values(referralRows.slice(i, i + 500));
  }
  pools.pendingReferrals = referralRows.map((r) => r.id);
  const requestRows = [...pathwayRows, ...pathwayRows].map((p) => ({
    orgId,
    id: randomUUID(),
    pathwayId: p.id,
    test: 'mri',
    route: 'request',
    requestedOn: '2026-10-01',
    clockStart: '2026-10-01',
    recordedBy: 'test',
    recordedAt: new Date('2026-10-01T10:00:00Z'),
  }));
  for (let i = 0; i < requestRows.length; i += 500) {
    await h.db.db.insert(diagnosticRequests).values(requestRows.slice(i, i + 500));
  }
  pools.requests = requestRows.slice(0, POOL_SIZE).map((r) => r.id);
  pools.requestsToCancel = requestRows.slice(POOL_SIZE).map((r) => r.id);
  await fillBookingPools(h, pathwayRows);
  await fillClinicPools(h);

  // Pathways waiting long enough to be due for validation, for drawing batches.
  await h.db.db.insert(pathways).values(
    Array.from({ length: 40 }, (_, i) => ({
      ...pathwayRows[0]!,
      id: randomUUID(),
      ppid: `XT1DUE${String(i).padStart(6, '0')}`,
      specialtyCode: '110',
      referralReceivedDate: '2026-06-01',
      clockStartDate: '2026-06-01',
      rttPeriodStart: '2026-06-01',
    })),
  );
  const [clinician] = await h.db.db.select({ id: clinicians.id }).from(clinicians).limit(1);
  pools.clinicianId = clinician!.id;
  const states = {
    send: { status: 'to-contact' },
    remind: { status: 'awaiting-reply', channel: 'letter', sentOn: '2026-10-20' },
    reply: { status: 'awaiting-reply', channel: 'letter', sentOn: '2026-11-02' },
    decide: {
      status: 'replied',
      channel: 'letter',
      sentOn: '2026-11-02',
      response: 'treated-elsewhere',
      respondedOn: '2026-11-10',
    },
  } as const;
  for (const step of Object.keys(states) as (keyof typeof states)[]) {
    const batchId = randomUUID();
    await h.db.db
      .insert(validationBatches)
      .values({ orgId, id: batchId, asOf: '2026-10-01', size: POOL_SIZE, createdBy: 'test' });
    const contactRows = pathwayRows.map((p) => ({
      orgId,
      batchId,
      pathwayId: p.id,
      patientId,
      dueOn: '2026-09-01',
      reasons: ['milestone-12-weeks'],
      ...states[step],
      updatedBy: 'test',
      updatedAt: new Date('2026-10-01T10:00:00Z'),
    }));
    for (let i = 0; i < contactRows.length; i += 500) {
      await h.db.db.insert(validationContacts).values(contactRows.slice(i, i + 500));
    }
    pools.contactBatches[step] = batchId;
  }
}

/** Clinic slots and appointments for the booking routes (see `pools`). */
async function fillBookingPools(h: Harness, pathwayRows: (typeof pathways.$inferInsert)[]): Promise<void> {
  const orgId = h.fixture.orgId;
  const locationId = randomUUID();
  await h.db.db.insert(locations).values({
    orgId,
    id: locationId,
    siteCode: 'XT101',
    name: 'Outpatients',
    site: 'Test General',
    addressLine: '1 Hospital Road',
    postcode: 'LS1 3EX',
  });
  const templateId = randomUUID();
  await h.db.db.insert(clinicTemplates).values({
    orgId,
    id: templateId,
    name: 'ENT clinic',
    serviceName: 'ENT',
    locationId,
    specialtyCode: '120',
    createdBy: 'test',
  });
  let k = 0;
  const slot = (at: number, capacity = 1, booked = 0) => {
    k += 1;
    const startsAt = new Date(Date.UTC(2027, 0, 1) + at * 30 * 60_000);
    return {
      orgId,
      id: randomUUID(),
      templateId,
      key: `${templateId}/v1/pool/0/${k}`,
      sessionDate: startsAt.toISOString().slice(0, 10),
      sessionIndex: 0,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 20 * 60_000),
      slotType: 'new',
      capacity,
      booked,
      status: 'open',
      specialtyCode: '120',
      locationId,
    };
  };
  const range = Array.from({ length: POOL_SIZE }, (_, i) => i);
  const booking = range.map((i) => slot(i));
  const reschedule = range.map((i) => slot(POOL_SIZE + i));
  const cancelFrom = slot(2 * POOL_SIZE, POOL_SIZE, POOL_SIZE);
  const moveFrom = range.map((i) => slot(3 * POOL_SIZE + i, 1, 1));
  const hold = slot(5 * POOL_SIZE, POOL_SIZE);
  for (const rows of [booking, reschedule, [cancelFrom, hold], moveFrom]) {
    for (let i = 0; i < rows.length; i += 500) await h.db.db.insert(slots).values(rows.slice(i, i + 500));
  }
  pools.bookingSlots = booking.map((s) => s.id);
  pools.rescheduleSlots = reschedule.map((s) => s.id);
  pools.holdSlot = hold.id;
  const appointment = (slotRow: ReturnType<typeof slot>, pathwayId: string) => ({
    orgId,
    id: randomUUID(),
    slotId: slotRow.id,
    pathwayId,
    patientId: h.fixture.patients.alice,
    startsAt: slotRow.startsAt,
    endsAt: slotRow.endsAt,
    slotType: 'new',
    status: 'booked',
    offeredOn: '2026-11-01',
    noticeDays: 60,
    reasonableOffer: true,
    bookedBy: 'test',
    bookedAt: new Date('2026-11-01T10:00:00Z'),
  });
  // Appointments to cancel and to move are Alice's, on pathways of their own.
  const own = (i: number, what: string) => ({
    ...pathwayRows[0]!,
    id: randomUUID(),
    patientId: h.fixture.patients.alice,
    ppid: `XT1${what}${String(i).padStart(6, '0')}`,
  });
  const cancelPathways = range.map((i) => own(i, 'CAN'));
  const movePathways = range.map((i) => own(i, 'MOV'));
  const outcomePathways = range.map((i) => own(i, 'OUT'));
  const toCancel = cancelPathways.map((p) => appointment(cancelFrom, p.id));
  const toMove = movePathways.map((p, i) => appointment(moveFrom[i]!, p.id));
  for (const rows of [cancelPathways, movePathways, outcomePathways]) {
    for (let i = 0; i < rows.length; i += 500) await h.db.db.insert(pathways).values(rows.slice(i, i + 500));
  }
  for (const rows of [toCancel, toMove]) {
    for (let i = 0; i < rows.length; i += 500) {
      await h.db.db.insert(appointments).values(rows.slice(i, i + 500));
    }
  }
  pools.appointmentsToCancel = toCancel.map((a) => a.id);
  // This morning's clinic: appointments to record attendance for, and attended ones for an outcome.
  const thisMorning = {
    ...slot(0, 2 * POOL_SIZE, 2 * POOL_SIZE),
    startsAt: new Date('2026-11-23T08:00:00Z'),
  };
  thisMorning.endsAt = new Date('2026-11-23T08:20:00Z');
  await h.db.db.insert(slots).values(thisMorning);
  const toAttend = cancelPathways.map((p) => appointment(thisMorning, p.id));
  const attended = outcomePathways.map((p) => ({ ...appointment(thisMorning, p.id), status: 'attended' }));
  for (const rows of [toAttend, attended]) {
    for (let i = 0; i < rows.length; i += 500) {
      await h.db.db.insert(appointments).values(rows.slice(i, i + 500));
    }
  }
  pools.appointmentsToAttend = toAttend.map((a) => a.id);
  pools.appointmentsWithOutcome = attended.map((a) => a.id);
  pools.appointmentsToMove = toMove.map((a) => a.id);
}

const CLINIC_LAYOUT = {
  recurrence: { kind: 'weekly' },
  sessions: [
    {
      weekday: 2,
      start: '14:00',
      end: '15:00',
      slots: [{ offsetMinutes: 0, durationMinutes: 30, slotType: 'follow-up', capacity: 1 }],
    },
  ],
};

/** Clinics: one to read and to add versions to, and one pending change request per decision. */
async function fillClinicPools(h: Harness): Promise<void> {
  const orgId = h.fixture.orgId;
  const locationId = randomUUID();
  await h.db.db.insert(locations).values({
    orgId,
    id: locationId,
    siteCode: 'XT102',
    name: 'Clinic pool',
    site: 'Test General',
    addressLine: '1 Hospital Road',
    postcode: 'LS1 3EX',
  });
  const [clinicId, decisionsId] = [randomUUID(), randomUUID()];
  await h.db.db.insert(clinicTemplates).values(
    [clinicId, decisionsId].map((id) => ({
      orgId,
      id,
      name: 'Pool clinic',
      serviceName: 'ENT',
      locationId,
      specialtyCode: '120',
      createdBy: 'test',
    })),
  );
  await h.db.db.insert(clinicTemplateVersions).values(
    [clinicId, decisionsId].map((templateId) => ({
      orgId,
      templateId,
      version: 1,
      effectiveFrom: '2026-11-01',
      effectiveTo: null,
      ...CLINIC_LAYOUT,
      status: 'active',
      createdBy: 'test',
    })),
  );
  const versionRows = Array.from({ length: POOL_SIZE }, (_, i) => ({
    orgId,
    templateId: decisionsId,
    version: i + 2,
    effectiveFrom: '2026-12-01',
    effectiveTo: null,
    ...CLINIC_LAYOUT,
    status: 'pending-approval',
    createdBy: 'test',
  }));
  const requestRows = versionRows.map((v) => ({
    orgId,
    id: randomUUID(),
    templateId: decisionsId,
    kind: 'new-version',
    version: v.version,
    firstAffectedDate: '2026-12-01',
    reason: 'Pool',
    status: 'requested',
    requestedBy: 'test',
    requestedAt: new Date('2026-11-20T10:00:00Z'),
  }));
  for (let i = 0; i < POOL_SIZE; i += 500) {
    await h.db.db.insert(clinicTemplateVersions).values(versionRows.slice(i, i + 500));
    await h.db.db.insert(clinicChangeRequests).values(requestRows.slice(i, i + 500));
  }
  pools.clinicId = clinicId;
  pools.clinicLocationId = locationId;
  await fillCancelPool(h, locationId);
  pools.clinicChangeRequests = requestRows.map((r) => r.id);
}

/**
 * Clinic cancellation: one free slot on each of POOL_SIZE days from 11 January 2027 (more than six weeks'
 * notice: applied at once), on a clinic of its own so no version change touches them.
 */
async function fillCancelPool(h: Harness, locationId: string): Promise<void> {
  const orgId = h.fixture.orgId;
  const templateId = randomUUID();
  await h.db.db.insert(clinicTemplates).values({
    orgId,
    id: templateId,
    name: 'Cancel pool clinic',
    serviceName: 'ENT',
    locationId,
    specialtyCode: '120',
    createdBy: 'test',
  });
  const rows = Array.from({ length: POOL_SIZE }, (_, i) => {
    const startsAt = new Date(Date.UTC(2027, 0, 11 + i, 9));
    const sessionDate = startsAt.toISOString().slice(0, 10);
    return {
      orgId,
      id: randomUUID(),
      templateId,
      key: `${templateId}/v1/${sessionDate}/0/0`,
      sessionDate,
      sessionIndex: 0,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 20 * 60_000),
      slotType: 'new',
      capacity: 1,
      status: 'open',
      specialtyCode: '120',
      locationId,
    };
  });
  for (let i = 0; i < rows.length; i += 500) await h.db.db.insert(slots).values(rows.slice(i, i + 500));
  pools.cancelClinicId = templateId;
}
const cancelPoolDate = (n: number) => new Date(Date.UTC(2027, 0, 11 + n)).toISOString().slice(0, 10);

/** The URL of a contact step on the nth pool pathway. */
const contactUrl = (step: keyof typeof pools.contactBatches, n: number, action: string) =>
  `/api/v1/validation/batches/${pools.contactBatches[step]}/contacts/${fromPool(pools.pathways, n)}/${action}`;

/** The roles the permission matrix gives this permission: for routes every signed-in member of staff may read. */
const withPermission = (permission: Parameters<typeof roleAllows>[1]): Role[] =>
  ROLES.filter((role) => roleAllows(role, permission));
const READERS: Role[] = ['booking-clerk', 'team-leader', 'clinician', 'service-manager'];
const WRITERS: Role[] = ['booking-clerk', 'team-leader', 'clinician'];
const REFERRALS_CSV = Buffer.from(
  'NHS number,Referral source,Received date,Specialty code,Priority,Referrer\r\n9990000018,GP letter,2026-11-02,110,Routine,Dr A\r\n',
).toString('base64');

const CASES: Case[] = [
  { method: 'GET', route: '/api/v1/auth/session', url: () => '/api/v1/auth/session', allowed: 'all' },
  {
    method: 'GET',
    route: '/api/v1/specialties',
    url: () => '/api/v1/specialties',
    allowed: ['booking-clerk', 'team-leader', 'clinician', 'service-manager'],
  },
  {
    method: 'GET',
    route: '/api/v1/patients/:id',
    url: (h) => `/api/v1/patients/${h.fixture.patients.alice}`,
    allowed: ['booking-clerk', 'team-leader', 'clinician', 'service-manager', 'care-coordinator'],
  },
  {
    method: 'GET',
    route: '/api/v1/patients',
    url: () => '/api/v1/patients?nhsNumber=9990000018',
    allowed: ['booking-clerk', 'team-leader', 'clinician', 'service-manager', 'care-coordinator'],
  },
  {
    method: 'POST',
    route: '/api/v1/patients',
    url: () => '/api/v1/patients',
    payload: (n) => ({
      nhsNumber: freshNhsNumber(n),
      givenName: 'Test',
      familyName: 'Person',
      dateOfBirth: '1980-01-01',
      sex: 'unknown',
      address: { line1: '1 Road', town: 'Leeds', postcode: 'LS1 1AA' },
    }),
    allowed: ['booking-clerk', 'team-leader', 'care-coordinator'],
  },
  {
    method: 'GET',
    route: '/api/v1/users',
    url: () => '/api/v1/users',
    allowed: ['team-leader', 'service-manager', 'admin'],
  },
  {
    method: 'POST',
    route: '/api/v1/users',
    url: () => '/api/v1/users',
    payload: (n) => ({
      username: `new.user${n}`,
      displayName: 'New User',
      role: 'clinician',
      password: 'A-long-password-1',
    }),
    allowed: ['admin'],
  },
  {
    method: 'GET',
    route: '/api/v1/ptl',
    url: () => '/api/v1/ptl?limit=5',
    allowed: ['booking-clerk', 'team-leader', 'clinician', 'service-manager'],
  },
  {
    method: 'GET',
    route: '/api/v1/ptl/summary',
    url: () => '/api/v1/ptl/summary',
    allowed: ['booking-clerk', 'team-leader', 'clinician', 'service-manager'],
  },
  {
    method: 'GET',
    route: '/api/v1/ptl/export',
    url: () => '/api/v1/ptl/export?format=csv',
    allowed: ['booking-clerk', 'team-leader', 'clinician', 'service-manager'],
  },
  {
    method: 'GET',
    route: '/api/v1/pathways/:id',
    url: (h) => `/api/v1/pathways/${h.fixture.pathways.bobEnt}`,
    allowed: ['booking-clerk', 'team-leader', 'clinician', 'service-manager'],
  },
  {
    method: 'POST',
    route: '/api/v1/pathways/:id/rtt-events',
    url: (h) => `/api/v1/pathways/${h.fixture.pathways.bobEnt}/rtt-events`,
    payload: () => ({ date: '2026-11-02', code: '20' }),
    allowed: ['booking-clerk', 'team-leader', 'clinician'],
  },
  {
    method: 'POST',
    route: '/api/v1/referrals',
    url: () => '/api/v1/referrals',
    payload: () => ({
      nhsNumber: '9990000018',
      source: 'gp-paper',
      receivedDate: '2026-11-02',
      specialtyCode: '120',
      priority: 'routine',
      referrerName: 'Dr A Practitioner',
      confirmedNotDuplicate: true,
    }),
    allowed: WRITERS,
  },
  {
    method: 'GET',
    route: '/api/v1/referrals',
    url: () => '/api/v1/referrals?triage=pending&limit=5',
    allowed: READERS,
  },
  {
    method: 'GET',
    route: '/api/v1/referrals/:id',
    url: (_h, n) => `/api/v1/referrals/${fromPool(pools.pendingReferrals, n)}`,
    allowed: READERS,
  },
  {
    method: 'POST',
    route: '/api/v1/referrals/:id/triage',
    url: (_h, n) => `/api/v1/referrals/${fromPool(pools.pendingReferrals, n)}/triage`,
    payload: () => ({ kind: 'accepted', priority: 'routine', clinicType: 'new' }),
    allowed: WRITERS,
  },
  {
    method: 'GET',
    route: '/api/v1/referrals/imports',
    url: () => '/api/v1/referrals/imports',
    allowed: READERS,
  },
  {
    method: 'POST',
    route: '/api/v1/referrals/imports',
    url: () => '/api/v1/referrals/imports',
    payload: () => ({ fileName: 'referrals.csv', content: REFERRALS_CSV, dryRun: true }),
    allowed: WRITERS,
  },
  {
    method: 'GET',
    route: '/api/v1/pathways/:id/timers',
    url: (h) => `/api/v1/pathways/${h.fixture.pathways.bobEnt}/timers`,
    allowed: READERS,
  },
  {
    method: 'GET',
    route: '/api/v1/diagnostics/summary',
    url: () => '/api/v1/diagnostics/summary',
    allowed: READERS,
  },
  {
    method: 'POST',
    route: '/api/v1/pathways/:id/cancer-events',
    url: (_h, n) => `/api/v1/pathways/${fromPool(pools.pathways, n)}/cancer-events`,
    payload: () => ({ kind: 'decision-to-treat', date: '2026-11-02' }),
    allowed: WRITERS,
  },
  {
    method: 'POST',
    route: '/api/v1/pathways/:id/diagnostic-requests',
    url: (_h, n) => `/api/v1/pathways/${fromPool(pools.pathways, n)}/diagnostic-requests`,
    payload: () => ({ test: 'ct', route: 'request', requestedOn: '2026-11-02' }),
    allowed: WRITERS,
  },
  {
    method: 'POST',
    route: '/api/v1/pathways/:id/diagnostic-requests/:requestId/performed',
    url: (_h, n) =>
      `/api/v1/pathways/${fromPool(pools.pathways, n)}/diagnostic-requests/${fromPool(pools.requests, n)}/performed`,
    payload: () => ({ performedOn: '2026-11-02' }),
    allowed: WRITERS,
  },
  {
    method: 'POST',
    route: '/api/v1/pathways/:id/diagnostic-requests/:requestId/cancelled',
    url: (_h, n) =>
      `/api/v1/pathways/${fromPool(pools.pathways, n)}/diagnostic-requests/${fromPool(pools.requestsToCancel, n)}/cancelled`,
    payload: () => ({ cancelledOn: '2026-11-02', reason: 'No longer needed' }),
    allowed: WRITERS,
  },
  {
    method: 'GET',
    route: '/api/v1/validation/due',
    url: () => '/api/v1/validation/due?limit=5',
    allowed: READERS,
  },
  {
    method: 'POST',
    route: '/api/v1/validation/batches',
    url: () => '/api/v1/validation/batches',
    payload: () => ({ specialtyCode: '110', size: 1 }),
    allowed: WRITERS,
  },
  {
    method: 'GET',
    route: '/api/v1/validation/batches',
    url: () => '/api/v1/validation/batches',
    allowed: READERS,
  },
  {
    method: 'GET',
    route: '/api/v1/validation/batches/:id',
    url: () => `/api/v1/validation/batches/${pools.contactBatches.send}`,
    allowed: READERS,
  },
  {
    method: 'POST',
    route: '/api/v1/validation/batches/:batchId/contacts/:pathwayId/sent',
    url: (_h, n) => contactUrl('send', n, 'sent'),
    payload: () => ({ channel: 'letter', sentOn: '2026-11-20' }),
    allowed: WRITERS,
  },
  {
    method: 'POST',
    route: '/api/v1/validation/batches/:batchId/contacts/:pathwayId/reminder',
    url: (_h, n) => contactUrl('remind', n, 'reminder'),
    payload: () => ({ channel: 'sms', sentOn: '2026-11-20' }),
    allowed: WRITERS,
  },
  {
    method: 'POST',
    route: '/api/v1/validation/batches/:batchId/contacts/:pathwayId/reply',
    url: (_h, n) => contactUrl('reply', n, 'reply'),
    payload: () => ({ response: 'still-needs-care', respondedOn: '2026-11-20' }),
    allowed: WRITERS,
  },
  {
    method: 'POST',
    route: '/api/v1/validation/batches/:batchId/contacts/:pathwayId/decision',
    url: (_h, n) => contactUrl('decide', n, 'decision'),
    payload: () => ({ confirmed: false, decidedOn: '2026-11-20', clinicianId: pools.clinicianId }),
    allowed: WRITERS,
  },
  {
    method: 'POST',
    route: '/api/v1/slots/:id/holds',
    url: () => `/api/v1/slots/${pools.holdSlot}/holds`,
    payload: (n) => ({ pathwayId: fromPool(pools.pathways, n) }),
    allowed: WRITERS,
  },
  {
    method: 'POST',
    route: '/api/v1/appointments',
    url: () => '/api/v1/appointments',
    payload: (n) => ({
      slotId: fromPool(pools.bookingSlots, n),
      pathwayId: fromPool(pools.pathways, n),
      outOfTurnReason: 'Permission test',
    }),
    allowed: WRITERS,
  },
  {
    method: 'GET',
    route: '/api/v1/appointments/:id',
    url: () => `/api/v1/appointments/${fromPool(pools.appointmentsToMove, POOL_SIZE - 1)}`,
    allowed: READERS,
  },
  {
    method: 'GET',
    route: '/api/v1/slots/:id/in-turn',
    url: () => `/api/v1/slots/${pools.holdSlot}/in-turn?limit=3`,
    allowed: READERS,
  },
  {
    method: 'POST',
    route: '/api/v1/appointments/:id/cancel',
    url: (_h, n) => `/api/v1/appointments/${fromPool(pools.appointmentsToCancel, n)}/cancel`,
    payload: () => ({ by: 'patient', reason: 'Permission test' }),
    allowed: WRITERS,
  },
  {
    method: 'POST',
    route: '/api/v1/appointments/:id/reschedule',
    url: (_h, n) => `/api/v1/appointments/${fromPool(pools.appointmentsToMove, n)}/reschedule`,
    payload: (n) => ({
      slotId: fromPool(pools.rescheduleSlots, n),
      by: 'hospital',
      reason: 'Permission test',
    }),
    allowed: WRITERS,
  },
  {
    method: 'POST',
    route: '/api/v1/clinics',
    url: () => '/api/v1/clinics',
    payload: (n) => ({
      name: `Pool clinic ${n}`,
      serviceName: 'ENT',
      locationId: pools.clinicLocationId,
      specialtyCode: '120',
      effectiveFrom: '2026-12-01',
      ...CLINIC_LAYOUT,
    }),
    allowed: ['booking-clerk', 'team-leader', 'service-manager'],
  },
  { method: 'GET', route: '/api/v1/clinics', url: () => '/api/v1/clinics', allowed: READERS },
  {
    method: 'GET',
    route: '/api/v1/clinics/:id',
    url: () => `/api/v1/clinics/${pools.clinicId}`,
    allowed: READERS,
  },
  {
    method: 'GET',
    route: '/api/v1/clinics/:id/slots',
    url: () => `/api/v1/clinics/${pools.clinicId}/slots`,
    allowed: READERS,
  },
  {
    method: 'POST',
    route: '/api/v1/clinics/:id/versions',
    url: () => `/api/v1/clinics/${pools.clinicId}/versions`,
    // The same layout: no session changes, so it is applied at once (201).
    payload: () => ({ effectiveFrom: '2027-03-02', ...CLINIC_LAYOUT, reason: 'Permission test' }),
    allowed: ['booking-clerk', 'team-leader', 'service-manager'],
  },
  {
    method: 'GET',
    route: '/api/v1/clinic-change-requests',
    url: () => '/api/v1/clinic-change-requests?status=requested',
    allowed: READERS,
  },
  {
    method: 'POST',
    route: '/api/v1/clinic-change-requests/:id/decision',
    url: (_h, n) => `/api/v1/clinic-change-requests/${fromPool(pools.clinicChangeRequests, n)}/decision`,
    payload: () => ({ approve: false, reason: 'Permission test' }),
    allowed: ['service-manager'],
  },
  {
    method: 'POST',
    route: '/api/v1/appointments/:id/attendance',
    url: (_h, n) => `/api/v1/appointments/${fromPool(pools.appointmentsToAttend, n)}/attendance`,
    payload: () => ({ status: 'attended' }),
    allowed: WRITERS,
  },
  {
    method: 'POST',
    route: '/api/v1/appointments/:id/outcome',
    url: (_h, n) => `/api/v1/appointments/${fromPool(pools.appointmentsWithOutcome, n)}/outcome`,
    payload: () => ({ outcome: 'follow-up', followUpWeeks: 6 }),
    allowed: WRITERS,
  },
  {
    method: 'POST',
    route: '/api/v1/clinics/:id/sessions/cancel',
    url: () => `/api/v1/clinics/${pools.cancelClinicId}/sessions/cancel`,
    payload: (n) => ({ date: cancelPoolDate(n), reason: 'Permission test' }),
    allowed: ['booking-clerk', 'team-leader', 'service-manager'],
  },
  {
    method: 'GET',
    route: '/api/v1/clinics/:id/escalations',
    url: () => `/api/v1/clinics/${pools.clinicId}/escalations`,
    allowed: READERS,
  },
  {
    method: 'GET',
    route: '/api/v1/utilisation',
    url: () => '/api/v1/utilisation?groupBy=session',
    allowed: READERS,
  },
  {
    method: 'GET',
    route: '/api/v1/utilisation/flags',
    url: () => '/api/v1/utilisation/flags',
    allowed: READERS,
  },
  {
    method: 'POST',
    route: '/api/v1/allocation-plans',
    url: () => '/api/v1/allocation-plans',
    payload: () => ({ specialtyCode: '120', weeks: 1, minNoticeDays: 0 }),
    allowed: WRITERS,
  },
  {
    method: 'GET',
    route: '/api/v1/allocation-plans',
    url: () => '/api/v1/allocation-plans',
    allowed: READERS,
  },
  {
    method: 'GET',
    route: '/api/v1/allocation-plans/:id',
    url: () => `/api/v1/allocation-plans/${pools.allocationPlanToRead}`,
    allowed: READERS,
  },
  {
    method: 'POST',
    route: '/api/v1/allocation-plans/:id/apply',
    url: (_h, n) => `/api/v1/allocation-plans/${fromPool(pools.allocationPlansToApply, n)}/apply`,
    allowed: WRITERS,
  },
  {
    method: 'POST',
    route: '/api/v1/allocation-plans/:id/discard',
    url: (_h, n) => `/api/v1/allocation-plans/${fromPool(pools.allocationPlansToDiscard, n)}/discard`,
    allowed: WRITERS,
  },
  {
    method: 'GET',
    route: '/api/v1/patients/:id/unavailability',
    url: (h) => `/api/v1/patients/${h.fixture.patients.bob}/unavailability`,
    allowed: READERS,
  },
  {
    method: 'POST',
    route: '/api/v1/patients/:id/unavailability',
    url: (h) => `/api/v1/patients/${h.fixture.patients.bob}/unavailability`,
    payload: () => ({ from: '2026-12-01', to: '2026-12-07', reason: 'Permission test' }),
    allowed: WRITERS,
  },
  {
    method: 'DELETE',
    route: '/api/v1/patients/:id/unavailability/:periodId',
    url: (h, n) =>
      `/api/v1/patients/${h.fixture.patients.bob}/unavailability/${fromPool(pools.unavailabilityPeriods, n)}`,
    allowed: WRITERS,
  },
  {
    method: 'GET',
    route: '/api/v1/pathways/:id/declined-offers',
    url: (h) => `/api/v1/pathways/${h.fixture.pathways.bobEnt}/declined-offers`,
    allowed: READERS,
  },
  {
    method: 'POST',
    route: '/api/v1/pathways/:id/declined-offers',
    url: (h) => `/api/v1/pathways/${h.fixture.pathways.bobEnt}/declined-offers`,
    payload: () => ({ offeredFor: '2026-12-30', reason: 'Permission test' }),
    allowed: WRITERS,
  },
  { method: 'GET', route: '/api/v1/slots', url: () => '/api/v1/slots?specialty=120', allowed: READERS },
  {
    method: 'GET',
    route: '/api/v1/clinicians',
    url: () => '/api/v1/clinicians',
    allowed: withPermission('Organization.read'),
  },
  {
    method: 'GET',
    route: '/api/v1/locations',
    url: () => '/api/v1/locations',
    allowed: withPermission('Organization.read'),
  },
  { method: 'GET', route: '/api/v1/audit', url: () => '/api/v1/audit', allowed: ['admin'] },
  {
    method: 'POST',
    route: '/api/v1/rtt/evaluate',
    url: () => '/api/v1/rtt/evaluate',
    payload: () => ({ priority: 'routine', referralReceived: '2025-01-06', events: [], asOf: '2025-03-31' }),
    allowed: ['booking-clerk', 'team-leader', 'clinician', 'service-manager'],
  },
];

/** Routes anyone may call: sign-in and its helpers, the token endpoint, health probes and the API description. */
/** Features with their own case files in ./permission-cases. */
const CASE_SETS = await loadPermissionCaseSets();
/**
 * A case set counts its own requests (each set's pools are sized for its own cases, not for the whole matrix):
 * its cases get the set's request number, counted up once per request, and do not move the shared count.
 */
const OWN = new WeakSet<Case>();
const ALL_CASES: Case[] = [
  ...CASES,
  ...CASE_SETS.flatMap((set) => {
    let n = 0;
    return set.cases.map((c) => {
      const own: Case = { ...c, url: (h) => c.url(h, (n += 1)), payload: c.payload && (() => c.payload!(n)) };
      OWN.add(own);
      return own;
    });
  }),
];

/** Routes for a signed-in member of staff only (their own messages): a machine client is refused. */
const STAFF_ONLY = new Set(['/api/v1/me/messages', '/api/v1/me/messages/read']);

const PUBLIC_ROUTES = [
  'GET /health/live',
  'GET /health/ready',
  'POST /oauth2/token',
  'GET /api/v1/auth/providers',
  'POST /api/v1/auth/sign-in',
  'GET /api/v1/auth/oidc/login',
  'GET /api/v1/auth/oidc/callback',
  'GET /api/v1/openapi.json',
  'GET /fhir/R4/metadata',
  'GET /fhir/R4/.well-known/smart-configuration',
];

/** The FHIR API answers a refusal as an OperationOutcome, the rest of the API as problem+json. */
const isFhir = (route: string) => route.startsWith('/fhir/');
function refusalCode(route: string, body: { code?: string; issue?: { code: string }[] }): string | undefined {
  return isFhir(route) ? body.issue?.[0]?.code : body.code;
}

/** A valid test-range NHS number, different for each n. */
function freshNhsNumber(n: number): string {
  for (let stem = 999_100_000 + n * 2; ; stem++) {
    const nhs = nhsNumberFromStem(String(stem));
    if (nhs) return nhs;
  }
}

describe.each(ENGINES)('permission matrix on %s', (engine) => {
  let h: Harness;
  let n = 0;
  beforeAll(async () => {
    h = await createHarness(engine);
    await fillPools(h);
    for (const set of CASE_SETS) await set.fill?.(h);
  });
  afterAll(() => h.close());

  it('covers every data route the app serves, and nothing else is public', () => {
    const tested = new Set(ALL_CASES.map((c) => `${c.method} ${c.route}`));
    for (const r of h.app.routeCatalogue) {
      const key = `${r.method} ${r.url}`;
      if (r.auth === 'public') expect(PUBLIC_ROUTES, `${key} is public`).toContain(key);
      else if (key !== 'POST /api/v1/auth/sign-out')
        expect([...tested], `${key} has no permission test`).toContain(key);
    }
  });

  const nextPayload = (c: Case) => {
    if (OWN.has(c)) return c.payload?.(0);
    n += 1;
    return c.payload?.(n);
  };

  for (const role of ROLES) {
    it(`${role}: allowed exactly its routes, signed in and as a machine client`, async () => {
      const session = await h.signIn(role);
      const token = await h.token(role);
      for (const c of ALL_CASES) {
        for (const [how, headers] of [
          ['cookie', c.method === 'GET' ? session.read : session.write],
          ['token', { authorization: `Bearer ${token}` }],
        ] as const) {
          if (how === 'token' && c.route === '/api/v1/auth/session') continue;
          // A member of staff's own messages: a machine client has none, whatever its role.
          const allowed =
            !(how === 'token' && STAFF_ONLY.has(c.route)) &&
            (c.allowed === 'all' || c.allowed.includes(role));
          const res = await h.app.inject({
            method: c.method,
            url: c.url(h, n),
            headers: { ...headers, ...c.headers },
            payload: nextPayload(c) as object,
          });
          const label = `${role} ${how} ${c.method} ${c.route} -> ${res.statusCode} ${res.body.slice(0, 200)}`;
          if (allowed) expect(res.statusCode, label).toBeLessThan(300);
          else {
            expect(res.statusCode, label).toBe(403);
            expect(refusalCode(c.route, res.json()), label).toBe('forbidden');
          }
        }
      }
    }, 240_000);
  }

  it('refuses every data route without credentials', async () => {
    for (const c of ALL_CASES) {
      const res = await h.app.inject({
        method: c.method,
        url: c.url(h, 0),
        payload: c.payload?.(0) as object,
      });
      expect(res.statusCode, `${c.method} ${c.route}`).toBe(401);
      expect(res.headers['content-type']).toContain(
        isFhir(c.route) ? 'application/fhir+json' : 'application/problem+json',
      );
    }
  });

  it('records each refusal in the audit log', async () => {
    const s = await h.signIn('flow-coordinator');
    await h.app.inject({
      method: 'GET',
      url: `/api/v1/patients/${h.fixture.patients.alice}`,
      headers: s.read,
    });
    const admin = await h.signIn('admin');
    const res = await h.app.inject({
      method: 'GET',
      url: '/api/v1/audit?action=access.denied',
      headers: admin.read,
    });
    const denied = res
      .json()
      .records.filter((r: { actorRole: string }) => r.actorRole === 'flow-coordinator');
    expect(denied.length).toBeGreaterThan(0);
    expect(denied[0]).toMatchObject({ outcome: 'denied', resourceType: 'Patient' });
  });
});
