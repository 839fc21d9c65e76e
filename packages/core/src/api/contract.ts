/**
 * Shapes exchanged over the REST API (`/api/v1`). The server's TypeBox schemas produce these shapes and the
 * web app consumes them; both import them from here so they cannot drift apart silently.
 */
import type { Permission, Role } from '../access/permissions';

/** RFC 9457 problem details, as every error of the REST API is returned. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Stable, machine-readable error code from the catalogue. */
  code: string;
  instance?: string;
  requestId?: string;
  /** For validation errors: each offending field (a JSON pointer into the request) and what is wrong. */
  errors?: { field: string; message: string }[];
  /** For `rtt_rule_violation`: the id of the RTT rule the input breaks (see `RTT_RULES`). */
  rule?: string;
}

export interface OrganisationSummary {
  id: string;
  odsCode: string;
  name: string;
}

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  roleLabel: string;
  permissions: Permission[];
  organisation: OrganisationSummary;
}

/** Returned by sign-in and by `GET /api/v1/auth/session`. */
export interface SessionInfo {
  user: SessionUser;
  /** Send as the `x-csrf-token` header on every POST, PUT, PATCH and DELETE. */
  csrfToken: string;
  /** When the session ends however busy its user is (the absolute limit), ISO 8601. */
  expiresAt: string;
  /**
   * How long the session may go unused before the server ends it. Any signed-in API request restarts this
   * clock, but the server records that at most once a minute.
   */
  idleTimeoutSeconds: number;
}

export interface SignInRequest {
  username: string;
  password: string;
  /** ODS code of the organisation; needed only when the username exists in more than one. */
  organisation?: string;
}

export interface AuthProviders {
  password: boolean;
  /** Present when OpenID Connect sign-in is configured. */
  oidc: { label: string; loginUrl: string } | null;
}

export interface SpecialtyWaiting {
  code: string;
  name: string;
  /** The directorate (division) that manages it, e.g. "Surgery"; null when not set. */
  directorate: string | null;
  /** Patients with an open referral-to-treatment pathway in this specialty. */
  waitingPatients: number;
}

export interface SpecialtyWaitingList {
  asOf: string;
  specialties: SpecialtyWaiting[];
  totalWaiting: number;
}

export const SEXES = ['female', 'male', 'other', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];

export const COMMUNICATION_NEEDS = [
  'large-print',
  'easy-read',
  'braille',
  'bsl',
  'deafblind-manual',
  'audio',
  'email-only',
  'text-relay',
] as const;
export type CommunicationNeed = (typeof COMMUNICATION_NEEDS)[number];

/** Why an adult is vulnerable (§2.2): never discharged automatically after a missed appointment. */
export const VULNERABILITIES = ['learning-disability', 'safeguarding-concern', 'lacks-capacity'] as const;
export type Vulnerability = (typeof VULNERABILITIES)[number];

export interface PatientAddress {
  line1: string;
  line2: string | null;
  town: string;
  postcode: string;
}

export interface Patient {
  id: string;
  nhsNumber: string;
  mrn: string;
  title: string | null;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  sex: Sex;
  address: PatientAddress;
  phone: string | null;
  email: string | null;
  gpPracticeCode: string | null;
  /** Spoken language when an interpreter is needed. */
  interpreterLanguage: string | null;
  communicationNeeds: CommunicationNeed[];
  transportEligible: boolean;
  vulnerabilities: Vulnerability[];
  /** The patient has said they can come at short notice. */
  shortNotice: boolean;
}

export type NewPatient = Omit<
  Patient,
  | 'id'
  | 'mrn'
  | 'title'
  | 'address'
  | 'phone'
  | 'email'
  | 'gpPracticeCode'
  | 'interpreterLanguage'
  | 'communicationNeeds'
  | 'transportEligible'
  | 'vulnerabilities'
  | 'shortNotice'
> & {
  mrn?: string;
  title?: string | null;
  address: { line1: string; line2?: string | null; town: string; postcode: string };
  phone?: string | null;
  email?: string | null;
  gpPracticeCode?: string | null;
  interpreterLanguage?: string | null;
  communicationNeeds?: CommunicationNeed[];
  transportEligible?: boolean;
  vulnerabilities?: Vulnerability[];
  shortNotice?: boolean;
};

/** What staff may change on a patient's record: contact details, needs, eligibility and flags. */
export interface PatientChanges {
  phone?: string | null;
  email?: string | null;
  interpreterLanguage?: string | null;
  communicationNeeds?: CommunicationNeed[];
  transportEligible?: boolean;
  vulnerabilities?: Vulnerability[];
  shortNotice?: boolean;
}

export interface AuditRecord {
  id: number;
  at: string;
  actorType: string;
  actorId: string;
  actorRole: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  patientId: string | null;
  outcome: string;
  clientAddress: string | null;
  requestId: string | null;
}

/** The most rows a list of the API skips (`offset`): beyond it an offset is refused as a mistake. */
export const MAX_OFFSET = 1_000_000_000;
