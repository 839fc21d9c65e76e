/**
 * Roles and the one permission matrix. A permission is `Resource.read` or `Resource.write`; the matching
 * OAuth scope for a machine client is `system/Resource.read` (SMART on FHIR style).
 *
 * Each role gets only what its work needs: a flow coordinator never sees elective waiting lists; an admin runs
 * accounts and the audit log but does not read patient records.
 */
export const ROLES = [
  'booking-clerk',
  'team-leader',
  'clinician',
  'service-manager',
  'flow-coordinator',
  'care-coordinator',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  'booking-clerk': 'Booking clerk',
  'team-leader': 'Team leader',
  clinician: 'Clinician',
  'service-manager': 'Service manager',
  'flow-coordinator': 'Patient flow coordinator',
  'care-coordinator': 'Care coordinator',
  admin: 'Administrator',
};

export const PERMISSIONS = [
  /** Patient demographics and communication needs. */
  'Patient.read',
  'Patient.write',
  /** Waiting-list summaries and the patient tracking list. */
  'WaitingList.read',
  /** Recording RTT events (clock starts, stops, DNAs, decisions) on a patient's pathway. */
  'Pathway.write',
  /** Referrals as received, their triage outcomes and bulk imports. */
  'Referral.read',
  /** Entering and importing referrals, and recording their clinical triage outcome. */
  'Referral.write',
  /** Clinic templates, their sessions and slots. */
  'Clinic.read',
  /** Setting up and changing clinic templates, cancelling or reducing a clinic. */
  'Clinic.write',
  /** Approving or rejecting a clinic change with less than 6 weeks' notice (service managers). */
  'ClinicChange.write',
  /** Appointments and holds. */
  'Appointment.read',
  /** Holding, booking, cancelling and rescheduling appointments, and recording outcomes. */
  'Appointment.write',
  /** The organisation's reference data: specialties, clinicians, locations. */
  'Organization.read',
  /** Staff accounts and machine clients. */
  'Staff.read',
  'Staff.write',
  /** The audit trail. */
  'AuditEvent.read',
  /** Work queues: tasks for a team or a person (call the patient, clinical review, book an interpreter, …). */
  'Task.read',
  /** Claiming, reassigning, completing and creating tasks. */
  'Task.write',
  /** Letters, SMS and email sent or queued for patients, templates and print batches. */
  'Communication.read',
  /** Sending again, print batches (making one, marking it collected), replies recorded by staff. */
  'Communication.write',
  /** New versions of message templates. */
  'CommunicationTemplate.write',
  /** New versions of the access policy's settings (service managers). */
  'AccessPolicy.write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const MATRIX: Record<Role, readonly Permission[]> = {
  'booking-clerk': [
    'Patient.read',
    'Patient.write',
    'WaitingList.read',
    'Pathway.write',
    'Referral.read',
    'Referral.write',
    'Clinic.read',
    'Clinic.write',
    'Appointment.read',
    'Appointment.write',
    'Organization.read',
    'Task.read',
    'Task.write',
    'Communication.read',
    'Communication.write',
  ],
  'team-leader': [
    'Patient.read',
    'Patient.write',
    'WaitingList.read',
    'Pathway.write',
    'Referral.read',
    'Referral.write',
    'Clinic.read',
    'Clinic.write',
    'Appointment.read',
    'Appointment.write',
    'Organization.read',
    'Staff.read',
    'Task.read',
    'Task.write',
    'Communication.read',
    'Communication.write',
    'CommunicationTemplate.write',
  ],
  clinician: [
    'Patient.read',
    'WaitingList.read',
    'Pathway.write',
    'Referral.read',
    'Referral.write',
    'Clinic.read',
    'Appointment.read',
    'Appointment.write',
    'Organization.read',
    'Task.read',
    'Task.write',
    'Communication.read',
  ],
  'service-manager': [
    'Patient.read',
    'WaitingList.read',
    'Referral.read',
    'Clinic.read',
    'Clinic.write',
    'ClinicChange.write',
    'Appointment.read',
    'Organization.read',
    'Staff.read',
    'Task.read',
    'Task.write',
    'Communication.read',
    'CommunicationTemplate.write',
    'AccessPolicy.write',
  ],
  'flow-coordinator': ['Organization.read'],
  'care-coordinator': ['Patient.read', 'Patient.write', 'Organization.read'],
  admin: ['Organization.read', 'Staff.read', 'Staff.write', 'AuditEvent.read'],
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

export function permissionsOf(role: Role): readonly Permission[] {
  return MATRIX[role];
}

export function roleAllows(role: Role, permission: Permission): boolean {
  return MATRIX[role].includes(permission);
}

export function scopeOf(permission: Permission): string {
  return `system/${permission}`;
}

/**
 * FHIR resource types a client may name in a scope (`system/Slot.read`), and the permission's resource each
 * stands for: a Slot or Schedule is read with `Clinic.read`, a ServiceRequest is a referral, and so on.
 */
export const FHIR_SCOPE_RESOURCES: Readonly<Record<string, string>> = {
  Patient: 'Patient',
  Appointment: 'Appointment',
  Slot: 'Clinic',
  Schedule: 'Clinic',
  ServiceRequest: 'Referral',
  Practitioner: 'Organization',
  PractitionerRole: 'Organization',
  Organization: 'Organization',
  Location: 'Organization',
  HealthcareService: 'Organization',
  Task: 'Task',
  Communication: 'Communication',
  CarePlan: 'Patient',
};

export type ScopeResult = { ok: true; permissions: Permission[] } | { ok: false; message: string };

/**
 * Resolves a requested OAuth scope string against what a role allows. An empty or absent scope grants
 * everything the role allows. `system/*.read` and `system/*.*` (or `system/*.write`) expand within the role.
 * A scope the role does not allow, or one we do not know, is refused as a whole.
 */
export function resolveScopes(role: Role, requested: string | undefined): ScopeResult {
  const allowed = MATRIX[role];
  const words = (requested ?? '').split(/\s+/).filter((w) => w.length > 0);
  if (words.length === 0) return { ok: true, permissions: [...allowed] };
  const granted = new Set<Permission>();
  for (const word of words) {
    const match = /^system\/([A-Za-z*]+)\.(read|write|\*)$/.exec(word);
    if (!match) return { ok: false, message: `Scope "${word}" is not of the form system/Resource.read` };
    const [, named, access] = match;
    const resource = FHIR_SCOPE_RESOURCES[named!] ?? named;
    const wanted = PERMISSIONS.filter(
      (p) =>
        (resource === '*' || p.startsWith(`${resource}.`)) && (access === '*' || p.endsWith(`.${access}`)),
    );
    if (resource !== '*' && wanted.length === 0)
      return { ok: false, message: `Scope "${word}" is not known` };
    const permitted = wanted.filter((p) => allowed.includes(p));
    if (resource !== '*' && permitted.length < wanted.length) {
      return { ok: false, message: `Scope "${word}" is not allowed for this client's role` };
    }
    for (const p of permitted) granted.add(p);
  }
  return { ok: true, permissions: [...granted] };
}
