/**
 * The one schema. Every table carries `org_id`, and `org_id` leads every primary key and unique constraint, so
 * that a large deployment can distribute the tables by organisation (Citus `create_distributed_table(..., 'org_id')`).
 *
 * Change this file, then run `npm run db:generate` to write the next SQL migration into ./migrations.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  foreignKey,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

/**
 * The version and last change of a record that the FHIR API serves (`meta.versionId`, `meta.lastUpdated`, the
 * ETag): a trigger of migration 0013 (`pathflow_bump_version`) adds one to `version_id` and sets `last_updated`
 * on every UPDATE that changes the row, so no code path can change a record without changing its version.
 */
const versioned = () => ({
  versionId: integer('version_id').notNull().default(1),
  lastUpdated: timestamp('last_updated', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export const organisations = pgTable('organisations', {
  orgId: uuid('org_id').primaryKey(),
  odsCode: text('ods_code').notNull(),
  name: text('name').notNull(),
  createdAt: createdAt(),
  ...versioned(),
});

export const staffUsers = pgTable(
  'staff_users',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    email: text('email'),
    role: text('role').notNull(),
    /** The teams whose work queues this person works (e.g. `booking-110`); empty: every team of their role. */
    teams: text('teams')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    passwordHash: text('password_hash'),
    oidcSubject: text('oidc_subject'),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('staff_users_username_uq').on(t.orgId, t.username),
    index('staff_users_username_idx').on(t.username),
    index('staff_users_oidc_subject_idx').on(t.oidcSubject),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    orgId: uuid('org_id').notNull(),
    /** SHA-256 of the session token; the token itself is only ever in the cookie. */
    id: text('id').notNull(),
    userId: uuid('user_id').notNull(),
    csrfToken: text('csrf_token').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ columns: [t.orgId, t.userId], foreignColumns: [staffUsers.orgId, staffUsers.id] }).onDelete(
      'cascade',
    ),
  ],
);

export const oauthClients = pgTable(
  'oauth_clients',
  {
    orgId: uuid('org_id').notNull(),
    clientId: text('client_id').notNull(),
    name: text('name').notNull(),
    role: text('role').notNull(),
    /** SHA-256 of the high-entropy client secret (see docs/adr/0003). */
    secretHash: text('secret_hash').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.clientId] }),
    index('oauth_clients_client_id_idx').on(t.clientId),
  ],
);

export const accessTokens = pgTable(
  'access_tokens',
  {
    orgId: uuid('org_id').notNull(),
    /** SHA-256 of the bearer token. */
    id: text('id').notNull(),
    clientId: text('client_id').notNull(),
    scopes: text('scopes').array().notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] })],
);

/** Append-only: a trigger (migration 0001) refuses UPDATE, DELETE and TRUNCATE. */
export const auditLog = pgTable(
  'audit_log',
  {
    orgId: uuid('org_id').notNull(),
    id: bigint('id', { mode: 'number' }).notNull().generatedByDefaultAsIdentity(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id').notNull(),
    actorRole: text('actor_role').notNull(),
    action: text('action').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id'),
    patientId: uuid('patient_id'),
    outcome: text('outcome').notNull(),
    clientAddress: text('client_address'),
    requestId: text('request_id'),
    detail: jsonb('detail'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('audit_log_patient_idx').on(t.orgId, t.patientId),
    index('audit_log_at_idx').on(t.orgId, t.at),
  ],
);

export const specialties = pgTable(
  'specialties',
  {
    orgId: uuid('org_id').notNull(),
    /** Treatment function code, e.g. 110 for trauma and orthopaedics. */
    code: text('code').notNull(),
    name: text('name').notNull(),
    /** Accepts patient self-referrals (locally agreed and ratified by a care professional, rule S6). */
    acceptsSelfReferral: boolean('accepts_self_referral').notNull().default(false),
    /** The directorate (division) that manages it, e.g. "Surgery": potential breaches are reported per directorate. */
    directorate: text('directorate'),
    ...versioned(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.code] })],
);

export const clinicians = pgTable(
  'clinicians',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    /** GMC (doctors) or other professional registration code. */
    registrationCode: text('registration_code').notNull(),
    title: text('title').notNull(),
    givenName: text('given_name').notNull(),
    familyName: text('family_name').notNull(),
    specialtyCode: text('specialty_code').notNull(),
    grade: text('grade').notNull(),
    ...versioned(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('clinicians_registration_uq').on(t.orgId, t.registrationCode),
    foreignKey({
      columns: [t.orgId, t.specialtyCode],
      foreignColumns: [specialties.orgId, specialties.code],
    }),
  ],
);

export const locations = pgTable(
  'locations',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    siteCode: text('site_code').notNull(),
    name: text('name').notNull(),
    site: text('site').notNull(),
    addressLine: text('address_line').notNull(),
    postcode: text('postcode').notNull(),
    ...versioned(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] })],
);

export const patients = pgTable(
  'patients',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    nhsNumber: text('nhs_number').notNull(),
    /** Local hospital number (medical record number). */
    mrn: text('mrn').notNull(),
    title: text('title'),
    givenName: text('given_name').notNull(),
    familyName: text('family_name').notNull(),
    dateOfBirth: date('date_of_birth', { mode: 'string' }).notNull(),
    sex: text('sex').notNull(),
    addressLine1: text('address_line1').notNull(),
    addressLine2: text('address_line2'),
    town: text('town').notNull(),
    postcode: text('postcode').notNull(),
    phone: text('phone'),
    email: text('email'),
    gpPracticeCode: text('gp_practice_code'),
    /** Spoken language when an interpreter is needed (null: none needed). */
    interpreterLanguage: text('interpreter_language'),
    /** Accessible Information Standard needs, e.g. large-print, bsl, easy-read, braille. */
    communicationNeeds: text('communication_needs')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    transportEligible: boolean('transport_eligible').notNull().default(false),
    /**
     * Why the patient is vulnerable, when they are (learning-disability, safeguarding-concern, lacks-capacity):
     * such a patient, like a child, is never discharged automatically after a missed appointment (§2.2).
     */
    vulnerabilities: text('vulnerabilities')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** The patient has said they can come at short notice (inside the 3-week reasonable-notice window). */
    shortNotice: boolean('short_notice').notNull().default(false),
    createdAt: createdAt(),
    ...versioned(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('patients_nhs_number_uq').on(t.orgId, t.nhsNumber),
    unique('patients_mrn_uq').on(t.orgId, t.mrn),
  ],
);

export const pathways = pgTable(
  'pathways',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    patientId: uuid('patient_id').notNull(),
    /** Patient pathway identifier (up to 20 characters) and its issuer. */
    ppid: text('ppid').notNull(),
    ppidIssuer: text('ppid_issuer').notNull(),
    specialtyCode: text('specialty_code').notNull(),
    clinicianId: uuid('clinician_id'),
    source: text('source').notNull(),
    priority: text('priority').notNull(),
    referralReceivedDate: date('referral_received_date', { mode: 'string' }).notNull(),
    clockStartDate: date('clock_start_date', { mode: 'string' }).notNull(),
    status: text('status').notNull(),
    closedDate: date('closed_date', { mode: 'string' }),
    /** The referral that opened the pathway (null for pathways loaded before referral intake existed). */
    referralId: uuid('referral_id'),
    /** Clinic type agreed at triage (new, urgent-new, two-week-wait, procedure). */
    clinicType: text('clinic_type'),
    /**
     * Projection of the RTT clock, recomputed by the RTT engine from `clock_start_date` and the pathway's
     * `rtt_events` in the same transaction as every event written: whether a clock is running now and the
     * start of the running period. A cache for sorting and filtering the PTL; the events are the truth.
     */
    rttRunning: boolean('rtt_running').notNull().default(true),
    rttPeriodStart: date('rtt_period_start', { mode: 'string' }),
    /** Last completed waiting-list validation of this pathway (§2.6). */
    lastValidatedOn: date('last_validated_on', { mode: 'string' }),
    /** Last contact with the patient about this pathway (validation reply, letter, call), for §2.6 cadence. */
    lastContactOn: date('last_contact_on', { mode: 'string' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('pathways_ppid_uq').on(t.orgId, t.ppidIssuer, t.ppid),
    index('pathways_ptl_idx')
      .on(t.orgId, t.specialtyCode, t.rttPeriodStart)
      .where(sql`status = 'open' and rtt_running`),
    index('pathways_ptl_all_idx')
      .on(t.orgId, t.rttPeriodStart)
      .where(sql`status = 'open' and rtt_running`),
    // The PTL filtered by consultant or by priority, in clock-start order, and counted (index-only).
    index('pathways_ptl_clinician_idx')
      .on(t.orgId, t.clinicianId, t.rttPeriodStart)
      .where(sql`status = 'open' and rtt_running`),
    index('pathways_ptl_priority_idx')
      .on(t.orgId, t.priority, t.rttPeriodStart)
      .where(sql`status = 'open' and rtt_running`),
    // The PTL's keys in its breach-date order, with the patient: a page of a booking-status filter is read from
    // it alone (index-only), probing appointments by id and unavailability by patient; so may be its count.
    index('pathways_ptl_keys_idx')
      .on(t.orgId, t.rttPeriodStart, t.id, t.patientId)
      .where(sql`status = 'open' and rtt_running`),
    index('pathways_specialty_status_idx').on(t.orgId, t.specialtyCode, t.status),
    index('pathways_patient_idx').on(t.orgId, t.patientId),
    foreignKey({ columns: [t.orgId, t.patientId], foreignColumns: [patients.orgId, patients.id] }),
    foreignKey({
      columns: [t.orgId, t.specialtyCode],
      foreignColumns: [specialties.orgId, specialties.code],
    }),
    foreignKey({ columns: [t.orgId, t.clinicianId], foreignColumns: [clinicians.orgId, clinicians.id] }),
  ],
);

/**
 * RTT activities on a pathway (status codes 10–99, §1.6), in date order (`seq` orders events of one day).
 * With the pathway's clock start they are the source of truth for its clock periods.
 */
export const rttEvents = pgTable(
  'rtt_events',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    pathwayId: uuid('pathway_id').notNull(),
    eventDate: date('event_date', { mode: 'string' }).notNull(),
    seq: integer('seq').notNull(),
    code: text('code').notNull(),
    /** Evidence that the appointment was communicated to the patient (needed to nullify on a first DNA). */
    appointmentCommunicated: boolean('appointment_communicated'),
    /** The event records a clinician's decision. */
    clinicianDecision: boolean('clinician_decision'),
    /** For a discharge after a missed appointment (34): the date of the missed appointment. */
    dnaDate: date('dna_date', { mode: 'string' }),
    /** Where the event came from: referral, appointment, clinic-outcome, validation, manual, import. */
    origin: text('origin').notNull(),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'date' }).notNull(),
    note: text('note'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('rtt_events_order_uq').on(t.orgId, t.pathwayId, t.eventDate, t.seq),
    foreignKey({ columns: [t.orgId, t.pathwayId], foreignColumns: [pathways.orgId, pathways.id] }),
  ],
);

/** Referrals as received and triaged (§1.3). An accepted or pending referral opens a pathway. */
export const referrals = pgTable(
  'referrals',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    patientId: uuid('patient_id').notNull(),
    source: text('source').notNull(),
    /** e-RS Unique Booking Reference Number (12 digits). */
    ubrn: text('ubrn'),
    ersConversionDate: date('ers_conversion_date', { mode: 'string' }),
    asiWorklistDate: date('asi_worklist_date', { mode: 'string' }),
    receivedDate: date('received_date', { mode: 'string' }).notNull(),
    originalClockStart: date('original_clock_start', { mode: 'string' }),
    specialtyCode: text('specialty_code').notNull(),
    priority: text('priority').notNull(),
    referrerName: text('referrer_name'),
    referrerOrgCode: text('referrer_org_code'),
    /** The clock start the rules give (§1.3) and the rule id. */
    clockStart: date('clock_start', { mode: 'string' }).notNull(),
    clockStartRule: text('clock_start_rule').notNull(),
    triageKind: text('triage_kind').notNull(),
    triagePriority: text('triage_priority'),
    triageClinicType: text('triage_clinic_type'),
    triageReason: text('triage_reason'),
    triageNote: text('triage_note'),
    triagedBy: text('triaged_by'),
    triagedAt: timestamp('triaged_at', { withTimezone: true, mode: 'date' }),
    pathwayId: uuid('pathway_id'),
    /** The bulk import that brought the referral in, if any. */
    importId: uuid('import_id'),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    ...versioned(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    // Not unique: an e-RS referral can come back under the same UBRN after a rejection (§1.3 S3). A repeated
    // UBRN is reported as a possible duplicate and stored only once a person confirms it.
    index('referrals_ubrn_idx')
      .on(t.orgId, t.ubrn)
      .where(sql`ubrn is not null`),
    index('referrals_duplicate_idx').on(t.orgId, t.patientId, t.specialtyCode, t.receivedDate),
    foreignKey({ columns: [t.orgId, t.patientId], foreignColumns: [patients.orgId, patients.id] }),
    foreignKey({
      columns: [t.orgId, t.specialtyCode],
      foreignColumns: [specialties.orgId, specialties.code],
    }),
  ],
);

/** Each bulk referral import: what file, how many rows, and whether it was imported whole or refused. */
export const referralImports = pgTable(
  'referral_imports',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    fileName: text('file_name').notNull(),
    rows: integer('rows').notNull(),
    outcome: text('outcome').notNull(),
    problems: integer('problems').notNull(),
    importedBy: text('imported_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] })],
);

/**
 * A batch of pathways picked for administrative waiting-list validation (§2.6) on a date: who was due then,
 * and why. A batch is a work list: its contacts record what was sent, what the patient said and the outcome.
 */
export const validationBatches = pgTable(
  'validation_batches',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    /** The day the batch was drawn: who was due on it. */
    asOf: date('as_of', { mode: 'string' }).notNull(),
    /** The specialty the batch was limited to, if any. */
    specialtyCode: text('specialty_code'),
    size: integer('size').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] })],
);

/**
 * One pathway in a validation batch: the contact with the patient and its outcome. Nobody is removed from the
 * list here without a clinical decision: a removal is recorded as an RTT stop event only once confirmed.
 */
export const validationContacts = pgTable(
  'validation_contacts',
  {
    orgId: uuid('org_id').notNull(),
    batchId: uuid('batch_id').notNull(),
    pathwayId: uuid('pathway_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    /** When validation fell due, and why (core `validationDue` reasons). */
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    reasons: text('reasons').array().notNull(),
    /** to-contact, awaiting-reply, replied, closed. */
    status: text('status').notNull(),
    channel: text('channel'),
    sentOn: date('sent_on', { mode: 'string' }),
    reminderSentOn: date('reminder_sent_on', { mode: 'string' }),
    /** The patient's reply (core `VALIDATION_RESPONSES`) and its date. */
    response: text('response'),
    respondedOn: date('responded_on', { mode: 'string' }),
    /** What happened: kept, postponed, removed (clinically confirmed), removal-declined. */
    outcome: text('outcome'),
    outcomeOn: date('outcome_on', { mode: 'string' }),
    /** The clinician whose decision a removal rests on. */
    decidedByClinicianId: uuid('decided_by_clinician_id'),
    note: text('note'),
    updatedBy: text('updated_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.batchId, t.pathwayId] }),
    index('validation_contacts_pathway_idx').on(t.orgId, t.pathwayId),
    foreignKey({
      columns: [t.orgId, t.batchId],
      foreignColumns: [validationBatches.orgId, validationBatches.id],
    }),
    foreignKey({ columns: [t.orgId, t.pathwayId], foreignColumns: [pathways.orgId, pathways.id] }),
  ],
);

/**
 * Cancer waiting-times events on a pathway (§3.1), beside its RTT events: the cancer clocks (28-day FDS,
 * 31-day, 62-day) are computed from them by core, never stored.
 * Kinds: referral (route), consultant-upgrade, diagnosis-communicated, decision-to-treat, treatment-start
 * (first or subsequent).
 */
export const cancerEvents = pgTable(
  'cancer_events',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    pathwayId: uuid('pathway_id').notNull(),
    kind: text('kind').notNull(),
    eventDate: date('event_date', { mode: 'string' }).notNull(),
    /** For a referral: core `CANCER_ROUTES`. */
    route: text('route'),
    /** For a treatment start: first or subsequent. */
    treatment: text('treatment'),
    /** Waiting-time adjustment in days applied under the national guidance (0 when none). */
    adjustmentDays: integer('adjustment_days').notNull().default(0),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'date' }).notNull(),
    note: text('note'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('cancer_events_pathway_idx').on(t.orgId, t.pathwayId, t.eventDate),
    foreignKey({ columns: [t.orgId, t.pathwayId], foreignColumns: [pathways.orgId, pathways.id] }),
  ],
);

/** Diagnostic test requests on a pathway (DM01, §3.2): a 6-week clock each, computed by core from these dates. */
export const diagnosticRequests = pgTable(
  'diagnostic_requests',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    pathwayId: uuid('pathway_id').notNull(),
    /** Core `DM01_TESTS` key. */
    test: text('test').notNull(),
    /** request or e-rs. */
    route: text('route').notNull(),
    requestedOn: date('requested_on', { mode: 'string' }),
    ubrnBookedOn: date('ubrn_booked_on', { mode: 'string' }),
    asiWorklistOn: date('asi_worklist_on', { mode: 'string' }),
    /** The DM01 clock start that core's `diagnosticClockStart` gives for the route and dates above. */
    clockStart: date('clock_start', { mode: 'string' }).notNull(),
    performedOn: date('performed_on', { mode: 'string' }),
    cancelledOn: date('cancelled_on', { mode: 'string' }),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'date' }).notNull(),
    note: text('note'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('diagnostic_requests_pathway_idx').on(t.orgId, t.pathwayId),
    index('diagnostic_requests_waiting_idx')
      .on(t.orgId, t.clockStart)
      .where(sql`performed_on is null and cancelled_on is null`),
    foreignKey({ columns: [t.orgId, t.pathwayId], foreignColumns: [pathways.orgId, pathways.id] }),
  ],
);

/** A clinic: whose (a clinician, or a named service), where, for which specialty. Its shape is in its versions. */
export const clinicTemplates = pgTable(
  'clinic_templates',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    clinicianId: uuid('clinician_id'),
    serviceName: text('service_name'),
    locationId: uuid('location_id').notNull(),
    specialtyCode: text('specialty_code').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    ...versioned(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ columns: [t.orgId, t.clinicianId], foreignColumns: [clinicians.orgId, clinicians.id] }),
    foreignKey({ columns: [t.orgId, t.locationId], foreignColumns: [locations.orgId, locations.id] }),
    foreignKey({
      columns: [t.orgId, t.specialtyCode],
      foreignColumns: [specialties.orgId, specialties.code],
    }),
  ],
);

/**
 * Versions of a clinic template (core `ClinicTemplate`: recurrence, sessions and slot layout as JSON), each
 * effective from a date. Status: active, pending-approval (less than 6 weeks' notice), rejected, superseded.
 */
export const clinicTemplateVersions = pgTable(
  'clinic_template_versions',
  {
    orgId: uuid('org_id').notNull(),
    templateId: uuid('template_id').notNull(),
    version: integer('version').notNull(),
    effectiveFrom: date('effective_from', { mode: 'string' }).notNull(),
    effectiveTo: date('effective_to', { mode: 'string' }),
    recurrence: jsonb('recurrence').notNull(),
    sessions: jsonb('sessions').notNull(),
    status: text('status').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.templateId, t.version] }),
    foreignKey({
      columns: [t.orgId, t.templateId],
      foreignColumns: [clinicTemplates.orgId, clinicTemplates.id],
    }),
  ],
);

/**
 * A change to a clinic with less than 6 weeks' notice (a new version, or cancelling or reducing a session)
 * waits for a service manager: requested → approved or rejected, with reasons.
 */
export const clinicChangeRequests = pgTable(
  'clinic_change_requests',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    templateId: uuid('template_id').notNull(),
    /** new-version or cancel-session. */
    kind: text('kind').notNull(),
    version: integer('version'),
    sessionDate: date('session_date', { mode: 'string' }),
    firstAffectedDate: date('first_affected_date', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    status: text('status').notNull(),
    requestedBy: text('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true, mode: 'date' }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
    decisionReason: text('decision_reason'),
    /** What the request changes beyond its kind: for a session cancellation, `{ sessionIndex, keepSlots }`. */
    detail: jsonb('detail'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({
      columns: [t.orgId, t.templateId],
      foreignColumns: [clinicTemplates.orgId, clinicTemplates.id],
    }),
  ],
);

/**
 * Bookable slots, generated from template versions over a rolling horizon. `booked` counts the appointments
 * in the slot and `held` its unexpired holds; PostgreSQL refuses `booked + held > capacity` (check
 * constraint), and a booking raises `booked` with a conditional update in the same transaction as the
 * appointment, so a slot is never over-booked.
 * Status: open, cancelled (clinic cancelled), removed (no longer in the template, nothing booked).
 */
export const slots = pgTable(
  'slots',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    templateId: uuid('template_id').notNull(),
    /** Core `slotKey`: template, version, date, session and slot index. */
    key: text('key').notNull(),
    sessionDate: date('session_date', { mode: 'string' }).notNull(),
    sessionIndex: integer('session_index').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true, mode: 'date' }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true, mode: 'date' }).notNull(),
    slotType: text('slot_type').notNull(),
    capacity: integer('capacity').notNull(),
    booked: integer('booked').notNull().default(0),
    /** Places held (unexpired holds, released lazily when they expire); they count against capacity too. */
    held: integer('held').notNull().default(0),
    status: text('status').notNull(),
    /** Copied from the template, for the free-slot search. */
    specialtyCode: text('specialty_code').notNull(),
    clinicianId: uuid('clinician_id'),
    locationId: uuid('location_id').notNull(),
    ...versioned(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('slots_key_uq').on(t.orgId, t.key),
    index('slots_free_idx')
      .on(t.orgId, t.specialtyCode, t.startsAt)
      .where(sql`status = 'open' and booked + held < capacity`),
    index('slots_template_idx').on(t.orgId, t.templateId, t.sessionDate),
    // The FHIR Slot search by start alone (any specialty or status), soonest first.
    index('slots_start_idx').on(t.orgId, t.startsAt),
    // The FHIR Slot search of one Schedule (clinic template) over a window, free slots only, soonest first.
    index('slots_template_free_idx')
      .on(t.orgId, t.templateId, t.startsAt)
      .where(sql`status = 'open' and booked + held < capacity`),
    check(
      'slots_capacity_ck',
      sql`capacity >= 1 and booked >= 0 and held >= 0 and booked + held <= capacity`,
    ),
    foreignKey({
      columns: [t.orgId, t.templateId],
      foreignColumns: [clinicTemplates.orgId, clinicTemplates.id],
    }),
  ],
);

/**
 * Appointments. Status: booked, cancelled, arrived, attended, dna, cancelled-on-day, displaced (its slot
 * was removed or cancelled: to rebook). Every offer records its notice and whether it was reasonable (§1.5).
 */
export const appointments = pgTable(
  'appointments',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    slotId: uuid('slot_id').notNull(),
    pathwayId: uuid('pathway_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true, mode: 'date' }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true, mode: 'date' }).notNull(),
    slotType: text('slot_type').notNull(),
    status: text('status').notNull(),
    /** The day the date was offered, its notice in days and whether that is reasonable (≥ 21 days). */
    offeredOn: date('offered_on', { mode: 'string' }).notNull(),
    noticeDays: integer('notice_days').notNull(),
    reasonableOffer: boolean('reasonable_offer').notNull(),
    /** Booked ahead of patients due before this one: the reason given. */
    outOfTurnReason: text('out_of_turn_reason'),
    /** The appointment this one replaces (reschedule or rebooking). */
    replacesId: uuid('replaces_id'),
    cancelledBy: text('cancelled_by'),
    cancelReason: text('cancel_reason'),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true, mode: 'date' }),
    outcome: text('outcome'),
    outcomeDetail: jsonb('outcome_detail'),
    /**
     * When the hospital moved this appointment here: 'postponement' (to within 24 hours of the original, the
     * first time only) or 'cancellation' (§2.4). Null for bookings and patient moves.
     */
    providerMove: text('provider_move'),
    bookedBy: text('booked_by').notNull(),
    bookedAt: timestamp('booked_at', { withTimezone: true, mode: 'date' }).notNull(),
    ...versioned(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('appointments_slot_idx').on(t.orgId, t.slotId),
    index('appointments_patient_idx').on(t.orgId, t.patientId, t.startsAt),
    index('appointments_pathway_idx').on(t.orgId, t.pathwayId),
    // Whether a pathway has a booked appointment (the PTL's status filter), without reading the rows.
    index('appointments_booked_pathway_idx')
      .on(t.orgId, t.pathwayId)
      .where(sql`status = 'booked'`),
    foreignKey({ columns: [t.orgId, t.slotId], foreignColumns: [slots.orgId, slots.id] }),
    foreignKey({ columns: [t.orgId, t.pathwayId], foreignColumns: [pathways.orgId, pathways.id] }),
  ],
);

/** A held place in a slot while a clerk talks to the patient: it counts against capacity until it expires. */
export const slotHolds = pgTable(
  'slot_holds',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    slotId: uuid('slot_id').notNull(),
    pathwayId: uuid('pathway_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** Released, booked or expired holds are kept for the audit trail. */
    status: text('status').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('slot_holds_slot_idx').on(t.orgId, t.slotId),
    foreignKey({ columns: [t.orgId, t.slotId], foreignColumns: [slots.orgId, slots.id] }),
  ],
);

/** Answers to POSTs sent with an `Idempotency-Key`: a retried request gets the same answer, and books once. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    orgId: uuid('org_id').notNull(),
    actorId: text('actor_id').notNull(),
    key: text('key').notNull(),
    /** Method, path and a hash of the body: the same key with another request is refused. */
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    body: jsonb('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.actorId, t.key] })],
);

/**
 * The follow-up list: a patient a clinician wants to see again in N weeks, in a slot of a given type. Outside
 * RTT once the clock has stopped (§2.8); due date and latest clinically appropriate date drive the list.
 */
export const followUps = pgTable(
  'follow_ups',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    pathwayId: uuid('pathway_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    /** The clinic appointment whose outcome asked for it. */
    fromAppointmentId: uuid('from_appointment_id').notNull(),
    specialtyCode: text('specialty_code').notNull(),
    slotType: text('slot_type').notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    /** Latest clinically appropriate date (LCAD). */
    latestDate: date('latest_date', { mode: 'string' }),
    /** waiting, booked, closed. */
    status: text('status').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('follow_ups_due_idx')
      .on(t.orgId, t.specialtyCode, t.dueDate)
      .where(sql`status = 'waiting'`),
    foreignKey({ columns: [t.orgId, t.pathwayId], foreignColumns: [pathways.orgId, pathways.id] }),
  ],
);

/** The admitted (inpatient and day-case) waiting list: a decision to admit, with its clinical priority (§2.7). */
export const admittedListEntries = pgTable(
  'admitted_list_entries',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    pathwayId: uuid('pathway_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    fromAppointmentId: uuid('from_appointment_id'),
    /** P1a, P1b, P2, P3, P4 (RCS / FSSA surgical prioritisation). */
    priority: text('priority').notNull(),
    decidedOn: date('decided_on', { mode: 'string' }).notNull(),
    /** Decision date plus the priority's target, or null for P4. */
    dueBy: date('due_by', { mode: 'string' }),
    procedure: text('procedure'),
    /** waiting, admitted, removed. */
    status: text('status').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('admitted_list_waiting_idx')
      .on(t.orgId, t.priority, t.decidedOn)
      .where(sql`status = 'waiting'`),
    foreignKey({ columns: [t.orgId, t.pathwayId], foreignColumns: [pathways.orgId, pathways.id] }),
  ],
);

/**
 * Dates a patient has said they cannot attend (holiday, work, care duties), London dates inclusive. Book in
 * turn, rebooking and automatic allocation skip slots inside them. Withdrawn periods are kept, marked removed.
 */
export const patientUnavailability = pgTable(
  'patient_unavailability',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    patientId: uuid('patient_id').notNull(),
    fromDate: date('from_date', { mode: 'string' }).notNull(),
    toDate: date('to_date', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'date' }).notNull(),
    removedBy: text('removed_by'),
    removedAt: timestamp('removed_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('patient_unavailability_patient_idx').on(t.orgId, t.patientId, t.toDate),
    foreignKey({ columns: [t.orgId, t.patientId], foreignColumns: [patients.orgId, patients.id] }),
    check('patient_unavailability_dates_ck', sql`to_date >= from_date`),
  ],
);

/**
 * Offers of a date made to a patient and declined (§1.5): when it was offered, for when, its notice and whether it
 * was reasonable (≥ 21 days). Counted per pathway; two declined reasonable offers allow active monitoring (§1.4).
 */
export const declinedOffers = pgTable(
  'declined_offers',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    pathwayId: uuid('pathway_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    /** The slot offered, when the offer was for one of ours. */
    slotId: uuid('slot_id'),
    offeredFor: date('offered_for', { mode: 'string' }).notNull(),
    offeredOn: date('offered_on', { mode: 'string' }).notNull(),
    noticeDays: integer('notice_days').notNull(),
    reasonableOffer: boolean('reasonable_offer').notNull(),
    reason: text('reason').notNull(),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('declined_offers_pathway_idx').on(t.orgId, t.pathwayId),
    foreignKey({ columns: [t.orgId, t.pathwayId], foreignColumns: [pathways.orgId, pathways.id] }),
  ],
);

/**
 * A plan from automatic allocation (core `allocate`) for one specialty over a horizon: shown before it is applied,
 * then applied once in one batch. Status: proposed, applied, discarded. Assignments and the breach summary as JSON.
 */
export const allocationPlans = pgTable(
  'allocation_plans',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    specialtyCode: text('specialty_code').notNull(),
    fromDate: date('from_date', { mode: 'string' }).notNull(),
    toDate: date('to_date', { mode: 'string' }).notNull(),
    status: text('status').notNull(),
    summary: jsonb('summary').notNull(),
    assignments: jsonb('assignments').notNull(),
    unassigned: jsonb('unassigned').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('allocation_plans_specialty_idx').on(t.orgId, t.specialtyCode, t.createdAt),
  ],
);

/**
 * Letters, SMS and email to a patient or their GP (an outbox, and the record of what was sent): booking, moving
 * and cancelling appointments queue them in the same transaction. The outbox is its own durable queue: delivery
 * claims messages that are queued (or failed temporarily) and due (`send_after`, null meaning at once), sends them
 * through GOV.UK Notify or keeps them in the embedded outbox, and records the status.
 */
export const communications = pgTable(
  'communications',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    patientId: uuid('patient_id').notNull(),
    pathwayId: uuid('pathway_id'),
    appointmentId: uuid('appointment_id'),
    /** appointment-booked, appointment-moved, appointment-cancelled, … */
    kind: text('kind').notNull(),
    /** letter, sms, email. */
    channel: text('channel').notNull(),
    /**
     * queued (waiting to be sent), sending (handed to the provider), sent (letter in the embedded outbox or a
     * print batch), delivered, temporary-failure (to be tried again), permanent-failure, technical-failure,
     * cancelled (the event it was about was undone before it went), suppressed (the patient's needs rule this
     * channel out).
     */
    status: text('status').notNull(),
    /** What the message needs beyond the ids (dates, reasons), without free-text patient details. */
    detail: jsonb('detail'),
    /** patient or gp. */
    recipient: text('recipient').notNull().default('patient'),
    /** standard, large-print, easy-read, braille: chosen from the patient's recorded needs (AIS). */
    format: text('format').notNull().default('standard'),
    /**
     * One message per event, channel and recipient, e.g. `appointment-booked:<appointment id>:letter:patient`:
     * the same event never queues (so never sends) a second message.
     */
    dedupeKey: text('dedupe_key'),
    /** When it should next be tried: reminders are queued ahead, a retry is moved on; null: at once. */
    sendAfter: timestamp('send_after', { withTimezone: true, mode: 'date' }),
    templateId: uuid('template_id'),
    templateVersion: integer('template_version'),
    /** The message as rendered when it was sent: what the patient got. */
    renderedSubject: text('rendered_subject'),
    renderedBody: text('rendered_body'),
    /** notify or outbox. */
    provider: text('provider'),
    /** The provider's id for the message (GOV.UK Notify notification id). */
    providerRef: text('provider_ref'),
    /** The letter's PDF, relative to the letters folder. */
    letterFile: text('letter_file'),
    printBatchId: uuid('print_batch_id'),
    attempts: integer('attempts').notNull().default(0),
    /** The last failure's kind, never its text (it may quote the patient). */
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
    statusAt: timestamp('status_at', { withTimezone: true, mode: 'date' }),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    ...versioned(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('communications_queued_idx')
      .on(t.orgId, t.createdAt)
      .where(sql`status = 'queued'`),
    index('communications_due_idx')
      .on(t.sendAfter)
      .where(sql`status in ('queued', 'temporary-failure')`),
    index('communications_patient_idx').on(t.orgId, t.patientId),
    index('communications_appointment_idx').on(t.orgId, t.appointmentId),
    unique('communications_dedupe_uq').on(t.orgId, t.dedupeKey),
  ],
);

/**
 * Message templates, versioned: a change is a new version, and a message records the version it was sent with.
 * `body` uses GOV.UK Notify's `((field))` placeholders. One template per kind, channel and format (standard,
 * large-print, easy-read).
 */
export const communicationTemplates = pgTable(
  'communication_templates',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    kind: text('kind').notNull(),
    channel: text('channel').notNull(),
    format: text('format').notNull(),
    version: integer('version').notNull(),
    /** Email subject or letter heading. */
    subject: text('subject'),
    body: text('body').notNull(),
    /** The GOV.UK Notify template id to send it with, when Notify is used. */
    notifyTemplateId: text('notify_template_id'),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('communication_templates_version_uq').on(t.orgId, t.kind, t.channel, t.format, t.version),
  ],
);

/** A day's letters as one batch for the print-and-post provider: a merged PDF and a CSV manifest. */
export const printBatches = pgTable(
  'print_batches',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    forDate: date('for_date', { mode: 'string' }).notNull(),
    /** ready, collected. */
    status: text('status').notNull(),
    letterCount: integer('letter_count').notNull(),
    pdfFile: text('pdf_file').notNull(),
    manifestFile: text('manifest_file').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    collectedBy: text('collected_by'),
    collectedAt: timestamp('collected_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index('print_batches_date_idx').on(t.orgId, t.forDate)],
);

/**
 * The access policy's settings, versioned by the date they take effect (§8.4): the version in force on a day is
 * the one with the latest `effective_from` on or before it. Settings as JSON, checked by core `policy`.
 */
export const accessPolicyVersions = pgTable(
  'access_policy_versions',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    effectiveFrom: date('effective_from', { mode: 'string' }).notNull(),
    settings: jsonb('settings').notNull(),
    /** Why it changed (a policy reference, not patient details). */
    note: text('note'),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('access_policy_versions_from_uq').on(t.orgId, t.effectiveFrom),
  ],
);

/**
 * Work queues: every action a person must take is a task (call the patient, clinical review, safeguarding review,
 * book an interpreter or transport, escalate capacity, validate, …), for a team and role, optionally owned by one
 * person. Status: open, in-progress (claimed), done, cancelled. `dedupe_key` stops one event making two tasks.
 */
export const tasks = pgTable(
  'tasks',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    type: text('type').notNull(),
    status: text('status').notNull(),
    /** urgent, high, routine. */
    priority: text('priority').notNull(),
    /** The team whose queue it is on, e.g. `booking-110` (the specialty's booking team). */
    team: text('team').notNull(),
    /** The role that works it (booking-clerk, clinician, team-leader, service-manager). */
    role: text('role').notNull(),
    ownerId: uuid('owner_id'),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    patientId: uuid('patient_id'),
    pathwayId: uuid('pathway_id'),
    appointmentId: uuid('appointment_id'),
    /** What it is about, in ids, dates and codes (the rule, the appointment's date): no free text. */
    detail: jsonb('detail'),
    dedupeKey: text('dedupe_key'),
    /** The outcome chosen when it was completed (from the type's list) and a note. */
    outcome: text('outcome'),
    outcomeNote: text('outcome_note'),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    completedBy: text('completed_by'),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    ...versioned(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('tasks_dedupe_uq').on(t.orgId, t.dedupeKey),
    index('tasks_queue_idx')
      .on(t.orgId, t.team, t.role, t.dueDate)
      .where(sql`status in ('open', 'in-progress')`),
    index('tasks_owner_idx')
      .on(t.orgId, t.ownerId, t.dueDate)
      .where(sql`status in ('open', 'in-progress')`),
    index('tasks_pathway_idx').on(t.orgId, t.pathwayId),
    index('tasks_appointment_idx').on(t.orgId, t.appointmentId),
    check('tasks_status_ck', sql`status in ('open', 'in-progress', 'done', 'cancelled')`),
    check('tasks_priority_ck', sql`priority in ('urgent', 'high', 'routine')`),
  ],
);

/** A task's history: created, claimed, reassigned, updated, completed, cancelled, reopened — who and when. */
export const taskEvents = pgTable(
  'task_events',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    taskId: uuid('task_id').notNull(),
    action: text('action').notNull(),
    actorId: text('actor_id').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    detail: jsonb('detail'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('task_events_task_idx').on(t.orgId, t.taskId, t.at),
    foreignKey({ columns: [t.orgId, t.taskId], foreignColumns: [tasks.orgId, tasks.id] }),
  ],
);

/**
 * Interpreter and transport for an appointment, from the patient's needs and eligibility: needed (a task to book
 * it is on the queue), booked, cancelled. Moved and cancelled with the appointment.
 */
export const supportRequests = pgTable(
  'support_requests',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    /** interpreter or transport. */
    kind: text('kind').notNull(),
    appointmentId: uuid('appointment_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    /** The spoken or signed language, for an interpreter. */
    language: text('language'),
    startsAt: timestamp('starts_at', { withTimezone: true, mode: 'date' }).notNull(),
    status: text('status').notNull(),
    /** The supplier's booking reference once booked. */
    reference: text('reference'),
    taskId: uuid('task_id'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('support_requests_appointment_idx').on(t.orgId, t.appointmentId),
    check('support_requests_status_ck', sql`status in ('needed', 'booked', 'cancelled')`),
  ],
);

/**
 * The partial-booking list (§2.1): a patient to be invited to choose a date nearer the time. Invitation, reply
 * window and one reminder are scheduled jobs; a non-reply becomes a follow-up task, never a removal.
 * Status: waiting (to be invited), invited, reminded, replied, booked, follow-up (a task is open), closed.
 */
export const partialBookings = pgTable(
  'partial_bookings',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    pathwayId: uuid('pathway_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    specialtyCode: text('specialty_code').notNull(),
    /** The appointment's due date, and the latest clinically appropriate date (LCAD). */
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    latestDate: date('latest_date', { mode: 'string' }),
    inviteOn: date('invite_on', { mode: 'string' }).notNull(),
    invitedOn: date('invited_on', { mode: 'string' }),
    replyBy: date('reply_by', { mode: 'string' }),
    remindedOn: date('reminded_on', { mode: 'string' }),
    repliedOn: date('replied_on', { mode: 'string' }),
    status: text('status').notNull(),
    /** The follow-up this entry books (a follow-up appointment), when it came from one. */
    followUpId: uuid('follow_up_id'),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('partial_bookings_status_idx').on(t.orgId, t.specialtyCode, t.status, t.dueDate),
    foreignKey({ columns: [t.orgId, t.pathwayId], foreignColumns: [pathways.orgId, pathways.id] }),
  ],
);

/**
 * Patient-initiated follow-up (§2.8): time-limited (discharged to the GP at the end, with letters) or open-ended.
 * Status: active, discharged, ended (converted to booked follow-up or closed by a clinician).
 */
export const pifuPlans = pgTable(
  'pifu_plans',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    pathwayId: uuid('pathway_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    kind: text('kind').notNull(),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    /** The window in months, for time-limited PIFU; its last day. */
    months: integer('months'),
    endsOn: date('ends_on', { mode: 'string' }),
    status: text('status').notNull(),
    lastRequestOn: date('last_request_on', { mode: 'string' }),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    ...versioned(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('pifu_plans_pathway_idx').on(t.orgId, t.pathwayId),
    foreignKey({ columns: [t.orgId, t.pathwayId], foreignColumns: [pathways.orgId, pathways.id] }),
  ],
);

/**
 * A slot freed inside the reasonable-notice window, offered in turn to patients who can come at short notice.
 * Status: open (an offer is out), accepted, exhausted (nobody took it), withdrawn (the slot went another way).
 */
export const shortNoticeOffers = pgTable(
  'short_notice_offers',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    slotId: uuid('slot_id').notNull(),
    status: text('status').notNull(),
    /** The appointment made when a patient accepted. */
    appointmentId: uuid('appointment_id'),
    createdAt: createdAt(),
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('short_notice_offers_slot_idx').on(t.orgId, t.slotId),
  ],
);

/**
 * The patients a short-notice offer goes to, in turn (`rank`). Status: waiting, offered (SMS sent or call task
 * open, until `expires_at`), accepted, declined, expired, skipped (no longer suitable). A decline never counts.
 */
export const shortNoticeCandidates = pgTable(
  'short_notice_candidates',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    offerId: uuid('offer_id').notNull(),
    rank: integer('rank').notNull(),
    pathwayId: uuid('pathway_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    /** sms or call. */
    channel: text('channel').notNull(),
    status: text('status').notNull(),
    offeredAt: timestamp('offered_at', { withTimezone: true, mode: 'date' }),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    repliedAt: timestamp('replied_at', { withTimezone: true, mode: 'date' }),
    taskId: uuid('task_id'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('short_notice_candidates_rank_uq').on(t.orgId, t.offerId, t.rank),
    foreignKey({
      columns: [t.orgId, t.offerId],
      foreignColumns: [shortNoticeOffers.orgId, shortNoticeOffers.id],
    }),
  ],
);

/**
 * Durable scheduled work (`jobs/scheduler.ts`): a job of a `kind` due at an instant, with its payload (ids and
 * dates, never free text about a patient). `dedupe_key` makes scheduling idempotent: the same event scheduled
 * twice is one job. A job is run in the same transaction that marks it done, so its effects happen once;
 * a failed attempt is rolled back and retried later (`attempts`, `due_at` moved on), until it is 'failed'.
 */
export const scheduledJobs = pgTable(
  'scheduled_jobs',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    kind: text('kind').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true, mode: 'date' }).notNull(),
    payload: jsonb('payload').notNull(),
    /** pending, done, failed, cancelled. */
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** The error's name and message of the last failed attempt (never a patient's details). */
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('scheduled_jobs_dedupe_uq').on(t.orgId, t.dedupeKey),
    index('scheduled_jobs_due_idx')
      .on(t.dueAt)
      .where(sql`status = 'pending'`),
    check('scheduled_jobs_status_ck', sql`status in ('pending', 'done', 'failed', 'cancelled')`),
  ],
);

/**
 * A member of staff's own saved views of the PTL (or a machine client's): a name and the query string of
 * `GET /api/v1/ptl` it stands for (filters and sort, no paging). `user_id` is the principal's id: the staff
 * user's id, or the OAuth client's id. Names are unique per user.
 */
export const savedViews = pgTable(
  'saved_views',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    userId: text('user_id').notNull(),
    name: text('name').notNull(),
    query: text('query').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('saved_views_user_name_uq').on(t.orgId, t.userId, t.name),
    check('saved_views_name_ck', sql`char_length(name) between 1 and 60`),
  ],
);

/**
 * The weekly waiting-list pack as it was produced each week (by the schedule, or the first on-demand run of a
 * week): the whole pack as data, so last week's can be downloaded again and this week's compared with it ("change
 * since last week"). One per organisation and week (the Monday it starts). It names the top risks' patients, so
 * reading it is audited like the download.
 */
export const weeklyPacks = pgTable(
  'weekly_packs',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    /** The Monday of the week (London) it is for. */
    weekStart: date('week_start', { mode: 'string' }).notNull(),
    /** The day it is as of. */
    asOf: date('as_of', { mode: 'string' }).notNull(),
    /** schedule, or the staff member / command that produced it. */
    createdBy: text('created_by').notNull(),
    runs: integer('runs').notNull(),
    pack: jsonb('pack').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), unique('weekly_packs_week_uq').on(t.orgId, t.weekStart)],
);

/**
 * Messages to staff (a service manager told of the week's escalations): kept for the web app's "messages for
 * you" and sent by email (GOV.UK Notify, or the embedded outbox) when the person has an address. Status: queued,
 * sending, sent, delivered, not-sent (no email address: in the web app only), permanent-failure,
 * technical-failure, temporary-failure (to be tried again). About services, never a patient's details.
 */
export const staffMessages = pgTable(
  'staff_messages',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    staffId: uuid('staff_id').notNull(),
    kind: text('kind').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    /** Where in the web app it points (e.g. `/tasks?team=management-110`). */
    link: text('link'),
    status: text('status').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    sendAfter: timestamp('send_after', { withTimezone: true, mode: 'date' }),
    provider: text('provider'),
    providerRef: text('provider_ref'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
    readAt: timestamp('read_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('staff_messages_dedupe_uq').on(t.orgId, t.dedupeKey),
    index('staff_messages_staff_idx').on(t.orgId, t.staffId, t.createdAt),
    index('staff_messages_due_idx')
      .on(t.sendAfter)
      .where(sql`status in ('queued', 'temporary-failure')`),
  ],
);
