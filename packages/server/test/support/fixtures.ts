/**
 * A small, named organisation for API tests: one member of staff per role (password `Correct-horse-1`), two
 * specialties (both in the Surgery directorate), a few synthetic patients (test-range NHS numbers) and open
 * pathways.
 */
import { randomUUID } from 'node:crypto';
import { ROLES, type Role } from '@pathflow/core';
import type { Database } from '../../src/db/client';
import { clinicians, organisations, pathways, patients, specialties, staffUsers } from '../../src/db/schema';
import { hashPassword } from '../../src/auth/secrets';

export const PASSWORD = 'Correct-horse-1';

export interface Fixture {
  orgId: string;
  odsCode: string;
  users: Record<Role, { id: string; username: string }>;
  patients: { alice: string; bob: string };
  /** The open pathways. */
  pathways: { aliceOrthopaedics: string; bobOrthopaedics: string; bobEnt: string };
}

let passwordHash: Promise<string> | undefined;

export async function seedFixture(db: Database, odsCode = 'XT1'): Promise<Fixture> {
  const orgId = randomUUID();
  await db.insert(organisations).values({ orgId, odsCode, name: `Test Trust ${odsCode}` });
  // argon2 is slow by design: hash the shared test password once per process.
  passwordHash ??= hashPassword(PASSWORD);
  const hash = await passwordHash;
  const users = {} as Fixture['users'];
  for (const role of ROLES) users[role] = { id: randomUUID(), username: role };
  await db.insert(staffUsers).values(
    ROLES.map((role) => ({
      orgId,
      id: users[role].id,
      username: role,
      displayName: `Test ${role}`,
      role,
      passwordHash: hash,
    })),
  );
  await db.insert(specialties).values([
    { orgId, code: '110', name: 'Trauma and orthopaedics', directorate: 'Surgery' },
    { orgId, code: '120', name: 'Ear, nose and throat', directorate: 'Surgery' },
  ]);
  const consultant = randomUUID();
  await db.insert(clinicians).values({
    orgId,
    id: consultant,
    registrationCode: 'C1234567',
    title: 'Ms',
    givenName: 'Ada',
    familyName: 'Surgeon',
    specialtyCode: '110',
    grade: 'consultant',
  });
  const alice = randomUUID();
  const bob = randomUUID();
  const base = { orgId, addressLine1: '1 Test Street', town: 'Leeds', postcode: 'LS1 4AP', sex: 'female' };
  await db.insert(patients).values([
    {
      ...base,
      id: alice,
      nhsNumber: '9990000018',
      mrn: 'T0001',
      givenName: 'Alice',
      familyName: 'Example',
      dateOfBirth: '1970-01-31',
    },
    {
      ...base,
      id: bob,
      nhsNumber: '9990000026',
      mrn: 'T0002',
      givenName: 'Bob',
      familyName: 'Sample',
      dateOfBirth: '1985-06-15',
      sex: 'male',
    },
  ]);
  const pathway = (patientId: string, n: number, specialtyCode: string, status = 'open') => ({
    orgId,
    id: randomUUID(),
    patientId,
    ppid: `XT1PPID${String(n).padStart(6, '0')}`,
    ppidIssuer: odsCode,
    specialtyCode,
    clinicianId: specialtyCode === '110' ? consultant : null,
    source: 'gp-referral',
    priority: 'routine',
    referralReceivedDate: '2026-09-01',
    clockStartDate: '2026-09-01',
    status,
    // The RTT projection as the event service keeps it: the open pathways' clocks run from their start.
    rttRunning: status === 'open',
    rttPeriodStart: status === 'open' ? '2026-09-01' : null,
  });
  const rows = [
    pathway(alice, 1, '110'),
    pathway(bob, 2, '110'),
    pathway(bob, 3, '120'),
    pathway(alice, 4, '120', 'closed'),
  ];
  await db.insert(pathways).values(rows);
  return {
    orgId,
    odsCode,
    users,
    patients: { alice, bob },
    pathways: { aliceOrthopaedics: rows[0]!.id, bobOrthopaedics: rows[1]!.id, bobEnt: rows[2]!.id },
  };
}
