/**
 * `GET /api/v1/reports/weekly.xlsx` and `/reports/weekly.pdf`: the weekly waiting-list pack as of today in
 * London, as a download. Both show patients (the top risks), so each download is audited (see ./service.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { problemResponse } from '../openapi/problem-schema';
import { MAX_RUNS } from '../forecast/service';
import { TOP_RISKS, UNDER_BOOKED_DAYS, WEEKLY_PACK_FORECAST_WEEKS, WEEKLY_PACK_RUNS } from './data';
import { PDF_TOP_RISKS } from './pdf';
import { IsoDateTime, IsoDate, Uuid } from '../../http/schemas';
import {
  WEEKLY_PACK_CONTENT_TYPES,
  WEEKLY_PACK_FORMATS,
  storedWeeklyPackFile,
  weeklyPackFile,
  type WeeklyPackFormat,
} from './service';
import { listWeeklyPacks } from './store';
import { WEEKLY_PACK_AT } from './schedule';

/** Stored packs listed: a year of weeks. */
export const STORED_PACKS_SHOWN = 52;

const StoredPack = Type.Object({
  id: Uuid,
  weekStart: IsoDate,
  asOf: IsoDate,
  createdBy: Type.String({ description: 'weekly-pack (the schedule), or who produced it' }),
  createdAt: IsoDateTime,
  runs: Type.Integer(),
});

/** A file sent as bytes (documented as a binary string). */
const FileBody = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });

const Query = Type.Object(
  {
    runs: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_RUNS,
        default: WEEKLY_PACK_RUNS,
        description: `Simulation runs of the forecast (default ${WEEKLY_PACK_RUNS})`,
      }),
    ),
  },
  { additionalProperties: false },
);

const contents = `Per specialty and for the trust: open pathways with a running clock, the number and share within 18 weeks, those over 52, 65 and 78 weeks, the breach forecast over ${WEEKLY_PACK_FORECAST_WEEKS} weeks (expected breaches per threshold, potential breaches), the queue indicators (load, pressure) and the sessions of the next ${UNDER_BOOKED_DAYS} days that are under-booked. As of today in London. With the change since the stored pack of the latest earlier week (none before the first is stored).`;

export function weeklyPackRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  const send = (reply: FastifyReply, file: { bytes: Buffer; filename: string; contentType: string }) =>
    reply
      .type(file.contentType)
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .header('cache-control', 'no-store')
      .send(file.bytes);

  const download = async (
    request: FastifyRequest,
    reply: FastifyReply,
    format: WeeklyPackFormat,
    query: Static<typeof Query>,
  ) => {
    const file = await weeklyPackFile(db, contextOf(request, deps.now), format, { runs: query.runs });
    return send(reply, file);
  };

  app.get(
    '/reports/weekly-packs',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'The weekly packs produced so far',
        description: `One per week, produced each Monday at ${WEEKLY_PACK_AT} London (or when the server is next running), newest first: the last ${STORED_PACKS_SHOWN}. Each can be downloaded again as it was.`,
        tags: ['Reports'],
        response: { 200: Type.Object({ packs: Type.Array(StoredPack) }) },
      },
    },
    async (request) => ({
      packs: await listWeeklyPacks(db, request.principal!.orgId, STORED_PACKS_SHOWN),
    }),
  );

  for (const format of WEEKLY_PACK_FORMATS) {
    app.get(
      `/reports/weekly-packs/:id.${format}`,
      {
        config: { auth: 'WaitingList.read' },
        schema: {
          summary: `A stored week's pack as ${format === 'xlsx' ? 'an Excel workbook' : 'a PDF'}`,
          description:
            'The pack as it was produced that week. The download and each patient in it are recorded in the audit log.',
          tags: ['Reports'],
          params: Type.Object({ id: Uuid }),
          response: {
            200: {
              description: `The file, as an attachment named weekly-pack-ODS-YYYY-MM-DD.${format}`,
              content: { [WEEKLY_PACK_CONTENT_TYPES[format]]: { schema: FileBody } },
            },
            400: problemResponse('validation_failed: the id is not a uuid'),
            404: problemResponse('not_found: there is no stored pack with this id'),
          },
        },
      },
      async (request, reply) =>
        send(reply, await storedWeeklyPackFile(db, contextOf(request, deps.now), request.params.id, format)),
    );
  }

  app.get(
    '/reports/weekly.xlsx',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'The weekly waiting-list pack as an Excel workbook',
        description: `${contents} Sheets: Summary, Specialties, Top risks (the ${TOP_RISKS} potential breaches with the highest chance and shortest lead time, named), Under-booked clinics and Forecast (week by week). The download and each patient in it are recorded in the audit log.`,
        tags: ['Reports'],
        querystring: Query,
        response: {
          200: {
            description: 'The workbook, as an attachment named weekly-pack-ODS-YYYY-MM-DD.xlsx',
            content: { [WEEKLY_PACK_CONTENT_TYPES.xlsx]: { schema: FileBody } },
          },
          400: problemResponse('validation_failed: a query parameter is wrong (named in errors)'),
        },
      },
    },
    async (request, reply) => download(request, reply, 'xlsx', request.query),
  );

  app.get(
    '/reports/weekly.pdf',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'The weekly waiting-list pack as a PDF summary with charts',
        description: `${contents} With bar charts, the per-specialty table, the top ${PDF_TOP_RISKS} risks (initials and NHS number only) and the under-booked sessions. The download and each patient in it are recorded in the audit log.`,
        tags: ['Reports'],
        querystring: Query,
        response: {
          200: {
            description: 'The PDF, as an attachment named weekly-pack-ODS-YYYY-MM-DD.pdf',
            content: { [WEEKLY_PACK_CONTENT_TYPES.pdf]: { schema: FileBody } },
          },
          400: problemResponse('validation_failed: a query parameter is wrong (named in errors)'),
        },
      },
    },
    async (request, reply) => download(request, reply, 'pdf', request.query),
  );
}
