/**
 * Data exchange: moving data in and out of Pathflow.
 *
 * - `POST /exchange/ers-worklist`: an e-RS worklist export as referrals, through the bulk referral import.
 * - `POST /exchange/ptl-extract`: a PTL extract from another PAS as open pathways (and their patients).
 * - `GET /exchange/appointments` and `GET /exchange/activity`: a date range's appointments and activity, as
 *   CSV or an Excel workbook. The PTL itself is `GET /ptl/export`.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  ERS_WORKLIST_FIELDS,
  MAX_EXPORT_RANGE_DAYS,
  MAX_EXPORT_ROWS,
  PTL_FIELDS,
  REFERRAL_FIELDS,
  type ErsWorklistField,
  type PtlField,
} from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { AppError } from '../../errors';
import { contextOf } from '../../http/auth';
import { IsoDate, Nullable, Uuid } from '../../http/schemas';
import { problemResponse } from '../openapi/problem-schema';
import {
  DryRun,
  DuplicatesSchema,
  UPLOAD_BODY_LIMIT,
  columnMapping,
  duplicateProperties,
  importReportSchema,
  importResponses,
  sheetProperty,
  uploadFileProperties,
} from '../referrals/import/schemas';
import { decodedBody } from '../referrals/import/upload';
import { importErsWorklist } from './ers-import';
import { importPtlExtract } from './ptl-import';
import {
  activityExport,
  activitySheets,
  appointmentsExport,
  appointmentsSheet,
  ACTIVITY_COLUMNS,
  APPOINTMENT_COLUMNS,
} from './exports';
import { EXPORT_CONTENT_TYPES, EXPORT_FORMATS, tableCsv, workbookOf } from './spreadsheet';

const sheet = sheetProperty({ description: 'The worksheet of a workbook' });
const COLUMN = 'The column heading as written in the file';

const ErsBody = Type.Object(
  {
    ...uploadFileProperties,
    sheet,
    dryRun: DryRun,
    mapping: columnMapping<ErsWorklistField>(
      ERS_WORKLIST_FIELDS,
      1,
      'The heading of a field where the worklist does not use the e-RS ones (e.g. { "ersConversionDate": "Date Booked" }); the referral source is always e-RS',
    ),
    ...duplicateProperties,
  },
  { additionalProperties: false },
);

const ErsReportSchema = importReportSchema({
  counts: { blockingDuplicates: Type.Integer() },
  fields: REFERRAL_FIELDS,
  column: COLUMN,
  columns: 'The heading, as written in the worklist, of each field found (and dateOfBirth, checked)',
  beforeColumns: { duplicates: DuplicatesSchema },
  after: {},
});

const PtlBody = Type.Object(
  {
    ...uploadFileProperties,
    sheet,
    dryRun: DryRun,
    mapping: columnMapping<PtlField>(
      PTL_FIELDS,
      0,
      'The heading of a field where the extract does not use the usual ones (e.g. { "ppid": "Pathway No" }); an empty heading means the file has no such column',
    ),
  },
  { additionalProperties: false },
);

const PtlReportSchema = importReportSchema({
  counts: {
    newPatients: Type.Integer({ description: 'Patients not registered yet, registered by the import' }),
    registeredPatients: Type.Integer({ description: 'Patients already registered, matched by NHS number' }),
    booked: Type.Integer({ description: 'Pathways booked in the other system, to book in Pathflow' }),
  },
  fields: PTL_FIELDS,
  column: COLUMN,
  columns: 'The heading, as written in the file, of each field found',
  beforeColumns: {},
  after: {
    toBook: Type.Array(
      Type.Object({
        row: Type.Integer(),
        ppid: Type.String(),
        ppidIssuer: Type.String(),
        bookedDate: Nullable(IsoDate),
        pathwayId: Nullable(Uuid),
      }),
      { description: 'Pathways booked in the other system: imported not booked, to book in Pathflow' },
    ),
  },
});

const UNREADABLE = problemResponse('validation_failed: the file cannot be read as a table (named in errors)');

const ExportQuery = Type.Object(
  {
    from: Type.String({ format: 'date', description: 'First day (London), YYYY-MM-DD' }),
    to: Type.String({
      format: 'date',
      description: `Last day (London), YYYY-MM-DD; ${MAX_EXPORT_RANGE_DAYS} days at most`,
    }),
    specialty: Type.Optional(
      Type.String({ pattern: '^[0-9]{3}$', description: 'Treatment function code, e.g. 110' }),
    ),
    format: Type.Union(
      EXPORT_FORMATS.map((f) => Type.Literal(f)),
      { default: 'csv' },
    ),
  },
  { additionalProperties: false },
);

/** A file sent as bytes (documented as a binary string). */
const FileBody = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });
const fileResponse = (description: string) => ({
  description,
  content: {
    [EXPORT_CONTENT_TYPES.csv]: { schema: FileBody },
    [EXPORT_CONTENT_TYPES.xlsx]: { schema: FileBody },
  },
});

const WRONG_RANGE = problemResponse(
  'validation_failed: the range or specialty is wrong, or the export is too long (named in errors)',
);

/** The `content-disposition` of an export: `appointments-FROM-to-TO.csv`. */
const attachment = (name: string, range: { from: string; to: string }, format: string) =>
  `attachment; filename="${name}-${range.from}-to-${range.to}.${format}"`;

const columnList = (columns: readonly { header: string }[]) => columns.map((c) => c.header).join(', ');

export function dataExchangeRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.post(
    '/exchange/ers-worklist',
    {
      config: { auth: 'Referral.write' },
      bodyLimit: UPLOAD_BODY_LIMIT,
      schema: {
        summary:
          'Import an e-RS worklist export (Referrals for Review, Appointment Slot Issues) as referrals',
        description:
          "Reads the CSV or Excel download of an e-RS worklist through the e-RS column preset (UBRN, NHS No., Priority, Specialty, Referring Clinician, Referring Organisation, Conversion Date or Date Converted, ASI Date or Date added to worklist …; mapping names others), with every row an e-RS referral. Then the bulk referral import's rules apply: registered patients only, duplicates (UBRN held; same patient and specialty within 28 days), every row or none. Each referral's RTT clock starts on its UBRN conversion date or ASI worklist date, whichever is earlier (§1.3 S3). A date of birth that differs from the registered patient's is a problem. Imported: 201; dry run: 200; any problem: 422 import_refused with the report (recorded in the referral import history).",
        tags: ['Data exchange'],
        body: ErsBody,
        response: importResponses(ErsReportSchema, { 400: UNREADABLE }),
      },
    },
    async (request, reply) => {
      const report = await importErsWorklist(db, contextOf(request, deps.now), decodedBody(request.body));
      return reply.code(report.dryRun ? 200 : 201).send(report);
    },
  );

  app.post(
    '/exchange/ptl-extract',
    {
      config: { auth: 'Patient.write' },
      bodyLimit: UPLOAD_BODY_LIMIT,
      schema: {
        summary: 'Import a PTL extract from another PAS: each row an open RTT pathway, all rows or none',
        description:
          'For a trust moving its waiting list into Pathflow. Reads a CSV or Excel file (usual headings, or those named in mapping): NHS number, patient name, date of birth, sex, address, specialty, priority, clock start, referral received date, PPID and issuer, consultant code, booking status and date. Matches patients by NHS number (a different date of birth is a problem; a registered patient is never changed) and registers the others. Reports every problem with its row and column; imports every row in one transaction (201) or none (422 import_refused with the report). dryRun only checks (200). Needs Patient.write and Pathway.write. Each import is recorded in the audit log (PtlImport.create or PtlImport.refused) with its counts.',
        tags: ['Data exchange'],
        body: PtlBody,
        response: importResponses(PtlReportSchema, {
          400: UNREADABLE,
          409: problemResponse('conflict: a patient or pathway of the file was added meanwhile; check again'),
        }),
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request, deps.now);
      if (!ctx.principal.permissions.has('Pathway.write')) {
        throw new AppError('forbidden', `Your role (${ctx.principal.role}) does not allow writing pathways`);
      }
      const report = await importPtlExtract(db, ctx, decodedBody(request.body));
      return reply.code(report.dryRun ? 200 : 201).send(report);
    },
  );

  app.get(
    '/exchange/appointments',
    {
      config: { auth: 'Appointment.read' },
      schema: {
        summary: 'Download the appointments of a date range as CSV or an Excel workbook',
        description: `Every appointment dated from \`from\` to \`to\` (London days, both included; ${MAX_EXPORT_RANGE_DAYS} days at most), whatever its status, optionally in one specialty's clinics; in date and time order. Columns: ${columnList(APPOINTMENT_COLUMNS)}. At most ${MAX_EXPORT_ROWS.toLocaleString('en-GB')} rows. Each appointment exported is recorded in the audit log.`,
        tags: ['Data exchange'],
        querystring: ExportQuery,
        response: {
          200: fileResponse('The file, as an attachment named appointments-FROM-to-TO.csv or .xlsx'),
          400: WRONG_RANGE,
        },
      },
    },
    async (request, reply) => {
      const { format, ...range } = request.query;
      const rows = await appointmentsExport(db, contextOf(request, deps.now), range);
      const body =
        format === 'xlsx' ? await workbookOf(appointmentsSheet(rows)) : tableCsv(APPOINTMENT_COLUMNS, rows);
      return reply
        .type(EXPORT_CONTENT_TYPES[format])
        .header('content-disposition', attachment('appointments', range, format))
        .send(body);
    },
  );

  app.get(
    '/exchange/activity',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary:
          'Download the activity of a date range: attendances, DNAs, cancellations, outcomes, clock stops',
        description: `One row per appointment dated in the range that was attended (with its clinic outcome), not attended, cancelled or moved by the patient or the hospital, or is past with no attendance recorded; and one per RTT clock stop (status 30–36) recorded on a day of the range. London days, both included, ${MAX_EXPORT_RANGE_DAYS} days at most; optionally one specialty. Columns: ${columnList(ACTIVITY_COLUMNS)}. The workbook has a second sheet with the count of each activity. At most ${MAX_EXPORT_ROWS.toLocaleString('en-GB')} rows. Each row exported is recorded in the audit log.`,
        tags: ['Data exchange'],
        querystring: ExportQuery,
        response: {
          200: fileResponse('The file, as an attachment named activity-FROM-to-TO.csv or .xlsx'),
          400: WRONG_RANGE,
        },
      },
    },
    async (request, reply) => {
      const { format, ...range } = request.query;
      const { rows, counts } = await activityExport(db, contextOf(request, deps.now), range);
      const body =
        format === 'xlsx'
          ? await workbookOf(...activitySheets(rows, counts))
          : tableCsv(ACTIVITY_COLUMNS, rows);
      return reply
        .type(EXPORT_CONTENT_TYPES[format])
        .header('content-disposition', attachment('activity', range, format))
        .send(body);
    },
  );
}
