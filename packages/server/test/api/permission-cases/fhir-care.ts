/**
 * FHIR ServiceRequest, Task, Communication and CarePlan. ServiceRequest is a referral: read with Referral.read,
 * created with Referral.write; Task with Task.read; Communication with Communication.read; CarePlan (a PIFU
 * plan) with Patient.read. Each create is a referral for a patient of its own (so none is a possible duplicate
 * of another); the version reads use records nothing else changes, so their version stays 1.
 */
import { randomUUID } from 'node:crypto';
import { nhsNumberFromStem } from '@pathflow/core';
import { communications, pathways, patients, pifuPlans, referrals, tasks } from '../../../src/db/schema';
import { POOL_SIZE, fromPool, type PermissionCaseSet } from './types';

const pool = { patients: [] as string[], referral: '', task: '', communication: '', plan: '' };

/** Referral.read and Task.read and Communication.read: the same four roles. */
const ELECTIVE_READERS = ['booking-clerk', 'team-leader', 'clinician', 'service-manager'] as const;
/** Referral.write. */
const REFERRAL_WRITERS = ['booking-clerk', 'team-leader', 'clinician'] as const;
/** Patient.read. */
const PATIENT_READERS = [
  'booking-clerk',
  'team-leader',
  'clinician',
  'service-manager',
  'care-coordinator',
] as const;

function nhsNumber(i: number): string {
  for (let stem = 999_800_000 + i * 3; ; stem++) {
    const nhs = nhsNumberFromStem(String(stem));
    if (nhs) return nhs;
  }
}

const set: PermissionCaseSet = {
  fill: async (h) => {
    const orgId = h.fixture.orgId;
    const rows = Array.from({ length: POOL_SIZE }, (_, i) => ({
      orgId,
      id: randomUUID(),
      nhsNumber: nhsNumber(i),
      mrn: `FHIR-CARE-${i}`,
      givenName: 'Pat',
      familyName: `Pool${i}`,
      dateOfBirth: '1960-03-03',
      sex: 'female',
      addressLine1: '1 Test Street',
      town: 'Leeds',
      postcode: 'LS1 4AP',
    }));
    for (let i = 0; i < rows.length; i += 500) await h.db.db.insert(patients).values(rows.slice(i, i + 500));
    pool.patients = rows.map((r) => r.id);

    const patientId = h.fixture.patients.alice;
    const pathwayId = randomUUID();
    await h.db.db.insert(pathways).values({
      orgId,
      id: pathwayId,
      patientId,
      ppid: 'XT1FHIRCARE0001',
      ppidIssuer: h.fixture.odsCode,
      specialtyCode: '120',
      source: 'gp-paper',
      priority: 'routine',
      referralReceivedDate: '2026-09-01',
      clockStartDate: '2026-09-01',
      status: 'open',
      rttRunning: true,
      rttPeriodStart: '2026-09-01',
    });
    pool.referral = randomUUID();
    await h.db.db.insert(referrals).values({
      orgId,
      id: pool.referral,
      patientId,
      source: 'gp-paper',
      receivedDate: '2026-09-01',
      specialtyCode: '120',
      priority: 'routine',
      referrerName: 'Dr A Practitioner',
      clockStart: '2026-09-01',
      clockStartRule: 'S1',
      triageKind: 'pending',
      createdBy: 'permission-test',
    });
    pool.task = randomUUID();
    await h.db.db.insert(tasks).values({
      orgId,
      id: pool.task,
      type: 'call-patient',
      status: 'open',
      priority: 'routine',
      team: 'booking-120',
      role: 'booking-clerk',
      dueDate: '2026-11-30',
      patientId,
      createdBy: 'permission-test',
    });
    pool.communication = randomUUID();
    await h.db.db.insert(communications).values({
      orgId,
      id: pool.communication,
      patientId,
      kind: 'appointment-booked',
      channel: 'letter',
      status: 'queued',
      createdBy: 'permission-test',
    });
    pool.plan = randomUUID();
    await h.db.db.insert(pifuPlans).values({
      orgId,
      id: pool.plan,
      pathwayId,
      patientId,
      kind: 'open-ended',
      startsOn: '2026-11-01',
      status: 'active',
      createdBy: 'permission-test',
    });
  },
  cases: [
    {
      method: 'GET',
      route: '/fhir/R4/ServiceRequest',
      url: (h) => `/fhir/R4/ServiceRequest?patient=Patient/${h.fixture.patients.alice}`,
      allowed: [...ELECTIVE_READERS],
    },
    {
      method: 'GET',
      route: '/fhir/R4/ServiceRequest/:id',
      url: () => `/fhir/R4/ServiceRequest/${pool.referral}`,
      allowed: [...ELECTIVE_READERS],
    },
    {
      method: 'GET',
      route: '/fhir/R4/ServiceRequest/:id/_history/:vid',
      url: () => `/fhir/R4/ServiceRequest/${pool.referral}/_history/1`,
      allowed: [...ELECTIVE_READERS],
    },
    {
      method: 'POST',
      route: '/fhir/R4/ServiceRequest',
      url: () => '/fhir/R4/ServiceRequest',
      payload: (n) => ({
        resourceType: 'ServiceRequest',
        status: 'active',
        intent: 'order',
        category: [
          {
            coding: [
              { system: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-PracticeSettingCode', code: '120' },
            ],
          },
          { coding: [{ system: 'https://pathflow.dev/CodeSystem/referral-source', code: 'gp-paper' }] },
        ],
        priority: 'routine',
        subject: { reference: `Patient/${fromPool(pool.patients, n)}` },
        authoredOn: '2026-11-02',
        requester: { display: 'Dr A Practitioner' },
      }),
      allowed: [...REFERRAL_WRITERS],
    },
    {
      method: 'GET',
      route: '/fhir/R4/Task',
      url: (h) => `/fhir/R4/Task?patient=Patient/${h.fixture.patients.alice}`,
      allowed: [...ELECTIVE_READERS],
    },
    {
      method: 'GET',
      route: '/fhir/R4/Task/:id',
      url: () => `/fhir/R4/Task/${pool.task}`,
      allowed: [...ELECTIVE_READERS],
    },
    {
      method: 'GET',
      route: '/fhir/R4/Task/:id/_history/:vid',
      url: () => `/fhir/R4/Task/${pool.task}/_history/1`,
      allowed: [...ELECTIVE_READERS],
    },
    {
      method: 'GET',
      route: '/fhir/R4/Communication',
      url: (h) => `/fhir/R4/Communication?patient=Patient/${h.fixture.patients.alice}`,
      allowed: [...ELECTIVE_READERS],
    },
    {
      method: 'GET',
      route: '/fhir/R4/Communication/:id',
      url: () => `/fhir/R4/Communication/${pool.communication}`,
      allowed: [...ELECTIVE_READERS],
    },
    {
      method: 'GET',
      route: '/fhir/R4/Communication/:id/_history/:vid',
      url: () => `/fhir/R4/Communication/${pool.communication}/_history/1`,
      allowed: [...ELECTIVE_READERS],
    },
    {
      method: 'GET',
      route: '/fhir/R4/CarePlan',
      url: (h) => `/fhir/R4/CarePlan?patient=Patient/${h.fixture.patients.alice}`,
      allowed: [...PATIENT_READERS],
    },
    {
      method: 'GET',
      route: '/fhir/R4/CarePlan/:id',
      url: () => `/fhir/R4/CarePlan/${pool.plan}`,
      allowed: [...PATIENT_READERS],
    },
    {
      method: 'GET',
      route: '/fhir/R4/CarePlan/:id/_history/:vid',
      url: () => `/fhir/R4/CarePlan/${pool.plan}/_history/1`,
      allowed: [...PATIENT_READERS],
    },
  ],
};
export default set;
