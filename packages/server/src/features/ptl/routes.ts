/**
 * `GET /api/v1/ptl`, `/ptl/summary` and `/ptl/export`: HTTP in, plain calls on the PTL service out.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { ptlExportRows, ptlPage, ptlSummary, PTL_EXPORT_MAX_ROWS } from './service';
import { PTL_EXPORT_CONTENT_TYPES, PTL_EXPORT_FORMATS, exportFilename, toCsv, toXlsx } from './export';
import { IsoDate, Nullable, Uuid, PageOffset } from '../../http/schemas';
import { problemResponse } from '../openapi/problem-schema';
import { Priority, filterProperties } from './schemas';

const PtlPageQuery = Type.Object(
  {
    ...filterProperties,
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    offset: PageOffset,
  },
  { additionalProperties: false },
);

const PtlExportQuery = Type.Object(
  {
    ...filterProperties,
    format: Type.Union(
      PTL_EXPORT_FORMATS.map((f) => Type.Literal(f)),
      { default: 'csv' },
    ),
  },
  { additionalProperties: false },
);

/** A file sent as bytes (documented as a binary string). */
const FileBody = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });

const PtlRowSchema = Type.Object({
  pathwayId: Uuid,
  ppid: Type.String(),
  patient: Type.Object({
    id: Uuid,
    nhsNumber: Type.String({ pattern: '^[0-9]{10}$' }),
    name: Type.String({ description: 'Family, Given' }),
    dateOfBirth: IsoDate,
  }),
  specialty: Type.Object({ code: Type.String(), name: Type.String() }),
  clinician: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
  priority: Priority,
  clockStart: IsoDate,
  daysWaited: Type.Integer(),
  weeksWaited: Type.Integer({ description: 'Completed weeks' }),
  weekBand: Type.Integer({ description: 'max(1, ceil(days / 7))' }),
  breachDates: Type.Object({
    '18': IsoDate,
    '52': IsoDate,
    '65': IsoDate,
    '78': IsoDate,
    '104': IsoDate,
  }),
  nextAction: Type.Object({ label: Type.String(), due: IsoDate }),
  appointment: Nullable(Type.Object({ start: Type.String({ format: 'date-time' }), clinic: Type.String() })),
  validation: Type.Object({
    lastContact: Nullable(IsoDate),
    due: Type.Boolean(),
    dueOn: Nullable(IsoDate),
  }),
});

const PtlPageSchema = Type.Object({
  asOf: IsoDate,
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  rows: Type.Array(PtlRowSchema),
});

const counts = {
  total: Type.Integer(),
  within18: Type.Integer({ description: 'Waiting 0–18 weeks (126 days or less)' }),
  over18to52: Type.Integer(),
  over52: Type.Integer(),
  over65: Type.Integer(),
  over78: Type.Integer(),
  over104: Type.Integer(),
  percentWithin18: Nullable(Type.Number({ description: 'Share within 18 weeks, 0–100, one decimal' })),
};

const PtlSummarySchema = Type.Object({
  asOf: IsoDate,
  specialties: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), ...counts })),
  trust: Type.Object(counts),
});

export function ptlRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/ptl',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'The patient tracking list: open pathways with a running RTT clock, one page',
        description:
          'Filtered, sorted and paged on the server. Waits, bands and breach dates are counted to today in London. Each patient listed is recorded in the audit log.',
        tags: ['Waiting list'],
        querystring: PtlPageQuery,
        response: {
          200: PtlPageSchema,
          400: problemResponse('validation_failed: a filter is wrong (named in errors)'),
        },
      },
    },
    async (request) => ptlPage(db, contextOf(request, deps.now), request.query),
  );

  app.get(
    '/ptl/summary',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'Waits by specialty and for the trust: bands and the share within 18 weeks',
        tags: ['Waiting list'],
        response: { 200: PtlSummarySchema },
      },
    },
    async (request) => ptlSummary(db, contextOf(request, deps.now)),
  );

  app.get(
    '/ptl/export',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'Download the patient tracking list as CSV or an Excel workbook',
        description: `The same filters and sort as GET /ptl, without paging; at most ${PTL_EXPORT_MAX_ROWS.toLocaleString('en-GB')} rows (filter a longer list first). Each patient exported is recorded in the audit log.`,
        tags: ['Waiting list'],
        querystring: PtlExportQuery,
        response: {
          200: {
            description: 'The file, as an attachment named ptl-YYYY-MM-DD.csv or .xlsx',
            content: {
              [PTL_EXPORT_CONTENT_TYPES.csv]: { schema: FileBody },
              [PTL_EXPORT_CONTENT_TYPES.xlsx]: { schema: FileBody },
            },
          },
          400: problemResponse(
            'validation_failed: a filter is wrong (named in errors), or the list is too long to export',
          ),
        },
      },
    },
    async (request, reply) => {
      const { format, ...filter } = request.query;
      const { asOf, rows } = await ptlExportRows(db, contextOf(request, deps.now), filter);
      const body = format === 'xlsx' ? await toXlsx(rows, asOf) : toCsv(rows);
      return reply
        .type(PTL_EXPORT_CONTENT_TYPES[format])
        .header('content-disposition', `attachment; filename="${exportFilename(asOf, format)}"`)
        .send(body);
    },
  );
}
