/**
 * The weekly pack as a file, for a download or the command: built (`./data.ts`), rendered as a workbook or a
 * PDF, and audited. The files show patients (the top risks), so each one written leaves one audit row for the
 * file itself (counts only in its detail) and one per patient it shows, under the same action.
 */
import type { Database } from '../../db/client';
import { actorOf, audit, writeAuditForMany } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { londonToday } from '../../clock';
import { notFound } from '../../errors';
import { buildWeeklyPack, type WeeklyPack } from './data';
import { storedWeeklyPack } from './store';
import { PDF_TOP_RISKS, weeklyPackPdf } from './pdf';
import { WEEKLY_PACK_XLSX_TYPE, weeklyPackWorkbook } from './workbook';

export const WEEKLY_PACK_FORMATS = ['xlsx', 'pdf'] as const;
export type WeeklyPackFormat = (typeof WEEKLY_PACK_FORMATS)[number];

export const WEEKLY_PACK_CONTENT_TYPES: Record<WeeklyPackFormat, string> = {
  xlsx: WEEKLY_PACK_XLSX_TYPE,
  pdf: 'application/pdf',
};

export const weeklyPackAction = (format: WeeklyPackFormat): string => `WeeklyPack.download-${format}`;

export function weeklyPackFilename(pack: WeeklyPack, format: WeeklyPackFormat): string {
  const ods = pack.organisation.odsCode.replace(/[^A-Za-z0-9]/g, '');
  return `weekly-pack-${ods}-${pack.asOf}.${format}`;
}

/** The patients a file of this format shows: all the top risks in the workbook, the first ten in the PDF. */
const shownIn = (pack: WeeklyPack, format: WeeklyPackFormat) =>
  format === 'pdf' ? pack.topRisks.slice(0, PDF_TOP_RISKS) : pack.topRisks;

export async function renderWeeklyPack(pack: WeeklyPack, format: WeeklyPackFormat): Promise<Buffer> {
  return format === 'pdf' ? weeklyPackPdf(pack) : weeklyPackWorkbook(pack);
}

/**
 * Audits the patients a pack shows: one row for the pack under `action` (counts and `detail`, no names) and one
 * per patient in `shown` (default: all its top risks). In the caller's transaction when it has one.
 */
export async function auditPackPatients(
  db: Database,
  ctx: RequestContext,
  pack: WeeklyPack,
  action: string,
  detail: Record<string, unknown>,
  shown: WeeklyPack['topRisks'] = pack.topRisks,
): Promise<void> {
  await db.transaction(async (tx) => {
    await audit(tx, ctx, {
      action,
      resourceType: 'WeeklyPack',
      detail: { asOf: pack.asOf, patients: shown.length, ...detail },
    });
    await writeAuditForMany(
      tx,
      actorOf(ctx),
      action,
      'Pathway',
      shown.map((r) => ({ resourceId: r.pathwayId, patientId: r.patientId })),
    );
  });
}

/** Records that a file of the pack was handed out: one row for the file, one per patient it shows. */
export async function auditWeeklyPack(
  db: Database,
  ctx: RequestContext,
  pack: WeeklyPack,
  format: WeeklyPackFormat,
  bytes: number,
  packId?: string,
): Promise<void> {
  await auditPackPatients(
    db,
    ctx,
    pack,
    weeklyPackAction(format),
    { format, bytes, ...(packId ? { packId } : {}) },
    shownIn(pack, format),
  );
}

/** The pack of today (London, at the request's clock) as a file, audited. */
export async function weeklyPackFile(
  db: Database,
  ctx: RequestContext,
  format: WeeklyPackFormat,
  options: { runs?: number | undefined } = {},
): Promise<{ bytes: Buffer; filename: string; contentType: string }> {
  const orgId = ctx.principal.orgId;
  const pack = await buildWeeklyPack(db, orgId, londonToday(ctx.now), {
    ctx,
    now: ctx.now,
    runs: options.runs,
  });
  const bytes = await renderWeeklyPack(pack, format);
  await auditWeeklyPack(db, ctx, pack, format, bytes.length);
  return {
    bytes,
    filename: weeklyPackFilename(pack, format),
    contentType: WEEKLY_PACK_CONTENT_TYPES[format],
  };
}

/** A stored week's pack (as it was produced) as a file, audited. */
export async function storedWeeklyPackFile(
  db: Database,
  ctx: RequestContext,
  id: string,
  format: WeeklyPackFormat,
): Promise<{ bytes: Buffer; filename: string; contentType: string }> {
  const stored = await storedWeeklyPack(db, ctx.principal.orgId, id);
  if (!stored) throw notFound('The weekly pack');
  const bytes = await renderWeeklyPack(stored.pack, format);
  await auditWeeklyPack(db, ctx, stored.pack, format, bytes.length, id);
  return {
    bytes,
    filename: weeklyPackFilename(stored.pack, format),
    contentType: WEEKLY_PACK_CONTENT_TYPES[format],
  };
}
