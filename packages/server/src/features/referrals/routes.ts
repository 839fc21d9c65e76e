/**
 * Referral intake over HTTP: one referral (`POST /referrals`), a bulk import of a CSV or Excel file
 * (`POST /referrals/imports`, all rows or none, with a dry run), the triage worklist and the triage outcome.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  CLINIC_TYPES,
  DUPLICATE_KINDS,
  REFERRAL_FIELDS,
  REFERRAL_PRIORITIES,
  REFERRAL_SOURCES,
  TRIAGE_KINDS,
  type ReferralField,
} from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { problemResponse } from '../openapi/problem-schema';
import { importReferrals } from './import/import';
import { createReferral, getReferral, listReferrals, triageReferral } from './service';
import { listImports } from './import/check';
import {
  DryRun,
  DuplicatesSchema,
  Literals,
  UPLOAD_BODY_LIMIT,
  columnMapping,
  duplicateProperties,
  importReportSchema,
  importResponses,
  problemWith,
  sheetProperty,
  uploadFileProperties,
} from './import/schemas';
import { decodedBody } from './import/upload';
import { IsoDate, Nullable, Uuid, PageOffset } from '../../http/schemas';

/** Loose on purpose: core's intake rules check every field and say what is wrong in plain English. */
const text = (maxLength: number, description?: string) =>
  Type.Optional(Nullable(Type.String({ maxLength, ...(description ? { description } : {}) })));

const TriageBody = Type.Object(
  {
    kind: Type.Optional(Nullable(Literals(TRIAGE_KINDS))),
    priority: Type.Optional(Nullable(Literals(REFERRAL_PRIORITIES))),
    clinicType: Type.Optional(Nullable(Literals(CLINIC_TYPES))),
    reason: text(2000, 'Why the referral was rejected (required for a rejection)'),
    note: text(2000, 'The advice given, for advice and guidance'),
  },
  { additionalProperties: false },
);

const NewReferralBody = Type.Object(
  {
    nhsNumber: text(20, 'The patient must be registered'),
    source: Type.Optional(Nullable(Literals(REFERRAL_SOURCES))),
    ubrn: text(20, 'e-RS Unique Booking Reference Number, 12 digits'),
    ersConversionDate: text(10, 'e-RS: the date the patient converted (booked) the UBRN, YYYY-MM-DD'),
    asiWorklistDate: text(10, 'e-RS: the date the UBRN reached the ASI worklist, YYYY-MM-DD'),
    receivedDate: text(10, 'The date the referral was received, YYYY-MM-DD'),
    originalClockStart: text(
      10,
      'Inter-provider transfer: the original clock start from the IPTAMDS; interface service: the date it received the referral',
    ),
    specialtyCode: text(10, 'Treatment function code, e.g. 110'),
    priority: Type.Optional(Nullable(Literals(REFERRAL_PRIORITIES))),
    referrerName: text(300),
    referrerOrgCode: text(20, 'ODS code of the referring organisation'),
    triage: Type.Optional(Nullable(TriageBody)),
    confirmedNotDuplicate: Type.Optional(
      Type.Boolean({
        description: 'Set after checking a possible duplicate (409) to confirm this is a separate referral',
      }),
    ),
  },
  { additionalProperties: false },
);

const ReferralSchema = Type.Object({
  id: Uuid,
  patientId: Uuid,
  nhsNumber: Type.String(),
  patientName: Type.String(),
  source: Type.String(),
  ubrn: Nullable(Type.String()),
  ersConversionDate: Nullable(IsoDate),
  asiWorklistDate: Nullable(IsoDate),
  receivedDate: IsoDate,
  originalClockStart: Nullable(IsoDate),
  specialtyCode: Type.String(),
  priority: Type.String(),
  referrerName: Nullable(Type.String()),
  referrerOrgCode: Nullable(Type.String()),
  clockStart: IsoDate,
  clockStartRule: Type.String({ description: 'The §1.3 rule that gave the clock start, e.g. S3' }),
  triage: Type.Object({
    kind: Type.String(),
    priority: Nullable(Type.String()),
    clinicType: Nullable(Type.String()),
    reason: Nullable(Type.String()),
    note: Nullable(Type.String()),
    triagedBy: Nullable(Type.String()),
    triagedAt: Nullable(Type.String({ format: 'date-time' })),
  }),
  pathwayId: Nullable(Uuid),
  importId: Nullable(Uuid),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

const ImportReportSchema = importReportSchema({
  counts: { blockingDuplicates: Type.Integer() },
  fields: REFERRAL_FIELDS,
  column: 'The column header as written in the file',
  columns: 'The header, as written in the file, of each field found',
  beforeColumns: { duplicates: DuplicatesSchema },
  after: {},
});

const ImportBody = Type.Object(
  {
    ...uploadFileProperties,
    mapping: columnMapping<ReferralField>(
      REFERRAL_FIELDS,
      1,
      'The column header for each field, where the file does not use the usual ones (e.g. { "nhsNumber": "NHS No" })',
    ),
    sheet: sheetProperty(),
    dryRun: DryRun,
    ...duplicateProperties,
  },
  { additionalProperties: false },
);

const Params = Type.Object({ id: Uuid });

export function referralRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.post(
    '/referrals',
    {
      config: { auth: 'Referral.write' },
      schema: {
        summary: 'Receive a referral',
        description:
          'Checks the referral against the intake rules (every problem at once, each naming its field), matches it to a registered patient, looks for duplicates (same UBRN; same patient and specialty within 28 days) and opens a pathway whose RTT clock starts on the date the rules give (§1.3). A referral already rejected or answered with advice and guidance stops its clock on the day it is entered.',
        tags: ['Referrals'],
        body: NewReferralBody,
        response: {
          201: ReferralSchema,
          409: problemWith('A possible duplicate: check it and send again with confirmedNotDuplicate', {
            duplicates: Type.Array(Type.Object({ kind: Literals(DUPLICATE_KINDS), message: Type.String() })),
          }),
        },
      },
    },
    async (request, reply) => {
      const referral = await createReferral(db, contextOf(request, deps.now), request.body);
      return reply.code(201).header('location', `/api/v1/referrals/${referral.id}`).send(referral);
    },
  );

  app.get(
    '/referrals',
    {
      config: { auth: 'Referral.read' },
      schema: {
        summary: 'List referrals, oldest received first (triage=pending gives the triage worklist)',
        tags: ['Referrals'],
        querystring: Type.Object(
          {
            triage: Type.Optional(Literals(TRIAGE_KINDS)),
            specialty: Type.Optional(Type.String({ minLength: 1, maxLength: 10 })),
            importId: Type.Optional(Uuid),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            offset: PageOffset,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ total: Type.Integer(), referrals: Type.Array(ReferralSchema) }),
        },
      },
    },
    async (request) => listReferrals(db, contextOf(request, deps.now), request.query),
  );

  app.get(
    '/referrals/imports',
    {
      config: { auth: 'Referral.read' },
      schema: {
        summary: 'Bulk imports, newest first: which were imported and which refused',
        tags: ['Referrals'],
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            imports: Type.Array(
              Type.Object({
                id: Uuid,
                fileName: Type.String(),
                rows: Type.Integer(),
                outcome: Type.String({ enum: ['imported', 'refused'] }),
                problems: Type.Integer(),
                importedBy: Type.String(),
                createdAt: Type.String({ format: 'date-time' }),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({
      imports: await listImports(db, contextOf(request, deps.now), request.query.limit),
    }),
  );

  app.post(
    '/referrals/imports',
    {
      config: { auth: 'Referral.write' },
      bodyLimit: UPLOAD_BODY_LIMIT,
      schema: {
        summary: 'Import referrals from a CSV or Excel file: all rows or none',
        description:
          'Reads the file, maps its columns (the usual headers, or those given in mapping), checks every row and reports every problem with its row and column. When every row is valid all are imported in one transaction (201); otherwise none is (422 import_refused, with the report). With dryRun the file is only checked (200). Possible duplicates block the import unless their rows are listed in allowDuplicateRows.',
        tags: ['Referrals'],
        body: ImportBody,
        response: importResponses(ImportReportSchema, {}),
      },
    },
    async (request, reply) => {
      const report = await importReferrals(db, contextOf(request, deps.now), decodedBody(request.body));
      return reply.code(report.dryRun ? 200 : 201).send(report);
    },
  );

  app.get(
    '/referrals/:id',
    {
      config: { auth: 'Referral.read' },
      schema: {
        summary: 'A referral with its triage outcome',
        tags: ['Referrals'],
        params: Params,
        response: { 200: ReferralSchema },
      },
    },
    async (request) => getReferral(db, contextOf(request, deps.now), request.params.id),
  );

  app.post(
    '/referrals/:id/triage',
    {
      config: { auth: 'Referral.write' },
      schema: {
        summary: 'Record the clinical triage outcome of a referral',
        description:
          'Accepting sets the pathway priority and clinic type. Rejecting, or answering with advice and guidance, sends the referral back to the referrer: the RTT clock stops today (status 34) and the pathway is closed. A referral already triaged is refused with 409.',
        tags: ['Referrals'],
        params: Params,
        body: Type.Object(
          {
            kind: Literals(['accepted', 'rejected', 'advice-and-guidance'] as const),
            priority: Type.Optional(Literals(REFERRAL_PRIORITIES)),
            clinicType: Type.Optional(Literals(CLINIC_TYPES)),
            reason: Type.Optional(Type.String({ maxLength: 2000 })),
            note: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ReferralSchema, 409: problemResponse('The referral has already been triaged') },
      },
    },
    async (request) => triageReferral(db, contextOf(request, deps.now), request.params.id, request.body),
  );
}
