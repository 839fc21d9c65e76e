import { describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLES, permissionsOf, resolveScopes, roleAllows } from './permissions';

describe('permission matrix', () => {
  it('gives every role at least one permission and only known ones', () => {
    for (const role of ROLES) {
      expect(permissionsOf(role).length).toBeGreaterThan(0);
      for (const p of permissionsOf(role)) expect(PERMISSIONS).toContain(p);
    }
  });

  it.each([
    ['admin', 'Patient.read', false],
    ['admin', 'AuditEvent.read', true],
    ['booking-clerk', 'AuditEvent.read', false],
    ['booking-clerk', 'Patient.write', true],
    ['clinician', 'Patient.write', false],
    ['flow-coordinator', 'Patient.read', false],
    ['flow-coordinator', 'WaitingList.read', false],
    ['care-coordinator', 'WaitingList.read', false],
    ['service-manager', 'Staff.write', false],
    ['service-manager', 'Referral.write', false],
    ['flow-coordinator', 'Referral.read', false],
    ['care-coordinator', 'Referral.read', false],
    ['booking-clerk', 'ClinicChange.write', false],
    ['service-manager', 'ClinicChange.write', true],
    ['service-manager', 'Appointment.write', false],
    ['clinician', 'Clinic.write', false],
    ['service-manager', 'AccessPolicy.write', true],
    ['booking-clerk', 'AccessPolicy.write', false],
    ['clinician', 'Communication.write', false],
    ['team-leader', 'CommunicationTemplate.write', true],
    ['flow-coordinator', 'Task.read', false],
    ['admin', 'Communication.read', false],
  ] as const)('%s may %s: %s', (role, permission, expected) => {
    expect(roleAllows(role, permission)).toBe(expected);
  });
});

describe('resolveScopes', () => {
  it('grants everything the role allows when no scope is asked for', () => {
    expect(resolveScopes('clinician', undefined)).toEqual({
      ok: true,
      permissions: [...permissionsOf('clinician')],
    });
    expect(resolveScopes('clinician', '  ')).toEqual({
      ok: true,
      permissions: [...permissionsOf('clinician')],
    });
  });

  it('grants exactly the scopes asked for', () => {
    expect(resolveScopes('booking-clerk', 'system/Patient.read')).toEqual({
      ok: true,
      permissions: ['Patient.read'],
    });
  });

  it('expands wildcards within the role', () => {
    const r = resolveScopes('booking-clerk', 'system/*.read');
    expect(r).toEqual({
      ok: true,
      permissions: [
        'Patient.read',
        'WaitingList.read',
        'Referral.read',
        'Clinic.read',
        'Appointment.read',
        'Organization.read',
        'Task.read',
        'Communication.read',
      ],
    });
    const all = resolveScopes('admin', 'system/*.*');
    expect(all.ok && all.permissions.sort()).toEqual([...permissionsOf('admin')].sort());
  });

  it('refuses a scope beyond the role, an unknown scope and a malformed one', () => {
    expect(resolveScopes('clinician', 'system/Patient.write').ok).toBe(false);
    expect(resolveScopes('clinician', 'system/Nonsense.read').ok).toBe(false);
    expect(resolveScopes('clinician', 'patient/Patient.read').ok).toBe(false);
  });

  it('reads FHIR resource names in scopes as the permission that covers them', () => {
    expect(resolveScopes('booking-clerk', 'system/Slot.read system/Appointment.write')).toEqual({
      ok: true,
      permissions: ['Clinic.read', 'Appointment.write'],
    });
    expect(resolveScopes('booking-clerk', 'system/ServiceRequest.write')).toEqual({
      ok: true,
      permissions: ['Referral.write'],
    });
    expect(resolveScopes('booking-clerk', 'system/Practitioner.read')).toEqual({
      ok: true,
      permissions: ['Organization.read'],
    });
    // A Slot is changed with Clinic.write, which a clinician does not have.
    expect(resolveScopes('clinician', 'system/Slot.write').ok).toBe(false);
  });
});
