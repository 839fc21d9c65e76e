/**
 * Print and post: a day's letters as one batch for the trust's print-and-post provider. Making a batch takes
 * every letter waiting to be printed (status 'awaiting-print', in no batch, made on or before the day), in
 * postcode order, draws them into one PDF (each letter on new pages, numbered on its own) and writes a CSV
 * manifest beside it under `<letters folder>/batches/`. When the provider collects the batch its letters are
 * marked sent. Every step is audited with counts only.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { and, asc, desc, eq, inArray, isNull, lt } from 'drizzle-orm';
import { LONDON, addDays, parsePlainDate, type LetterContent } from '@pathflow/core';
import type { Database } from '../../db/client';
import type { Config } from '../../config';
import { communications, patients, printBatches } from '../../db/schema';
import { audit, actorOf, writeAuditForMany } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError, invalid, notFound } from '../../errors';
import { londonToday } from '../../clock';
import { documentBytes, drawLetter, newLetterDocument, pageCount } from '../communications/letter-pdf';
import { letterContentsFromRows } from './letter-content';
import { manifestCsv, type ManifestRow } from './manifest';

type BatchRow = typeof printBatches.$inferSelect;

export interface PrintBatch {
  id: string;
  date: string;
  status: 'ready' | 'collected';
  letterCount: number;
  createdBy: string;
  createdAt: string;
  collectedBy: string | null;
  collectedAt: string | null;
}

/** Where letters are kept (`PATHFLOW_LETTERS_DIR`, default `<data folder>/letters`); batches go in `batches/`. */
export function lettersDirOf(config: Config): string {
  return config.lettersDir;
}

function view(row: BatchRow): PrintBatch {
  return {
    id: row.id,
    date: row.forDate,
    status: row.status === 'collected' ? 'collected' : 'ready',
    letterCount: row.letterCount,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    collectedBy: row.collectedBy,
    collectedAt: row.collectedAt ? row.collectedAt.toISOString() : null,
  };
}

/** The batch's merged PDF and manifest, and the pages each letter took. */
export async function renderBatch(
  contents: readonly LetterContent[],
  title: string,
  creationDate: Date,
): Promise<{ pdf: Buffer; pages: number[] }> {
  const doc = newLetterDocument({ title, creationDate });
  const pages: number[] = [];
  for (const content of contents) {
    const before = pageCount(doc);
    drawLetter(doc, content);
    pages.push(pageCount(doc) - before);
  }
  return { pdf: await documentBytes(doc), pages };
}

const FORMAT_LABELS: Record<LetterContent['format'], string> = {
  standard: 'standard',
  'large-print': 'large print',
  'easy-read': 'easy read',
  braille: 'braille',
};

/**
 * Makes a batch of the letters waiting on or before `date` (default today in London). 409 when none wait;
 * nothing is written then.
 */
export async function createPrintBatch(
  db: Database,
  ctx: RequestContext,
  config: Config,
  input: { date?: string | undefined },
): Promise<PrintBatch> {
  const today = londonToday(ctx.now);
  const date = input.date ?? today;
  if (date > today) {
    throw invalid(
      '/body/date',
      `The date must be today (${today}) or earlier: letters cannot be printed ahead`,
    );
  }
  const orgId = ctx.principal.orgId;
  // Letters made before the start of the next London day.
  const end = new Date(addDays(parsePlainDate(date), 1).toZonedDateTime(LONDON).epochMilliseconds);
  const dir = join(lettersDirOf(config), 'batches');
  const id = randomUUID();
  const pdfFile = join('batches', `${date}-${id}.pdf`);
  const manifestFile = join('batches', `${date}-${id}.csv`);
  const written: string[] = [];
  try {
    return await db.transaction(async (tx) => {
      const waiting = await tx
        .select()
        .from(communications)
        .where(
          and(
            eq(communications.orgId, orgId),
            eq(communications.channel, 'letter'),
            eq(communications.status, 'awaiting-print'),
            isNull(communications.printBatchId),
            lt(communications.createdAt, end),
          ),
        )
        .for('update');
      if (waiting.length === 0) {
        throw new AppError(
          'conflict',
          `There are no letters waiting to be printed from ${date} or before. Nothing was made`,
        );
      }
      const postcodes = new Map(
        (
          await tx
            .select({ id: patients.id, postcode: patients.postcode })
            .from(patients)
            .where(
              and(
                eq(patients.orgId, orgId),
                inArray(patients.id, [...new Set(waiting.map((w) => w.patientId))]),
              ),
            )
        ).map((p) => [p.id, p.postcode.toUpperCase().replace(/\s+/g, ' ').trim()]),
      );
      const letters = [...waiting].sort((a, b) => {
        const pa = postcodes.get(a.patientId) ?? '';
        const pb = postcodes.get(b.patientId) ?? '';
        return pa < pb ? -1 : pa > pb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
      });
      const contents = await letterContentsFromRows(tx, orgId, letters);
      const { pdf, pages } = await renderBatch(contents, `Print batch ${date}`, ctx.now);
      const rows: ManifestRow[] = letters.map((l, i) => {
        const c = contents[i]!;
        return {
          sequence: i + 1,
          reference: l.id,
          format: FORMAT_LABELS[c.format],
          pages: pages[i]!,
          name: c.recipient.name,
          addressLines: c.recipient.addressLines,
          handling: c.handling ?? [],
        };
      });
      await mkdir(dir, { recursive: true });
      written.push(join(lettersDirOf(config), pdfFile));
      await writeFile(join(lettersDirOf(config), pdfFile), pdf);
      written.push(join(lettersDirOf(config), manifestFile));
      await writeFile(join(lettersDirOf(config), manifestFile), manifestCsv(rows));

      const [row] = await tx
        .insert(printBatches)
        .values({
          orgId,
          id,
          forDate: date,
          status: 'ready',
          letterCount: letters.length,
          pdfFile,
          manifestFile,
          createdBy: ctx.principal.id,
          createdAt: ctx.now,
        })
        .returning();
      const ids = letters.map((l) => l.id);
      for (let i = 0; i < ids.length; i += 1000) {
        await tx
          .update(communications)
          .set({ printBatchId: id })
          .where(and(eq(communications.orgId, orgId), inArray(communications.id, ids.slice(i, i + 1000))));
      }
      const totalPages = pages.reduce((a, b) => a + b, 0);
      await audit(tx, ctx, {
        action: 'PrintBatch.create',
        resourceType: 'PrintBatch',
        resourceId: id,
        detail: {
          forDate: date,
          letterCount: letters.length,
          pages: totalPages,
          braille: contents.filter((c) => c.format === 'braille').length,
          largePrint: contents.filter((c) => c.format === 'large-print').length,
          easyRead: contents.filter((c) => c.format === 'easy-read').length,
        },
      });
      await writeAuditForMany(
        tx,
        actorOf(ctx),
        'PrintBatch.add-letter',
        'Communication',
        letters.map((l) => ({ resourceId: l.id, patientId: l.patientId })),
      );
      return view(row!);
    });
  } catch (err) {
    // The transaction did not commit: the files it wrote go too.
    await Promise.all(written.map((f) => rm(f, { force: true })));
    throw err;
  }
}

export async function listPrintBatches(db: Database, ctx: RequestContext): Promise<PrintBatch[]> {
  const rows = await db
    .select()
    .from(printBatches)
    .where(eq(printBatches.orgId, ctx.principal.orgId))
    .orderBy(desc(printBatches.createdAt), desc(printBatches.forDate), asc(printBatches.id))
    .limit(500);
  return rows.map(view);
}

async function mustFind(db: Database, orgId: string, id: string, lock = false): Promise<BatchRow> {
  const query = db
    .select()
    .from(printBatches)
    .where(and(eq(printBatches.orgId, orgId), eq(printBatches.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('The print batch');
  return row;
}

export async function getPrintBatch(db: Database, ctx: RequestContext, id: string): Promise<PrintBatch> {
  return view(await mustFind(db, ctx.principal.orgId, id));
}

/** The batch's merged PDF or manifest, as bytes; the download is audited. */
export async function printBatchFile(
  db: Database,
  ctx: RequestContext,
  config: Config,
  id: string,
  which: 'pdf' | 'manifest',
): Promise<{ bytes: Buffer; filename: string }> {
  return db.transaction(async (tx) => {
    const row = await mustFind(tx, ctx.principal.orgId, id);
    const file = which === 'pdf' ? row.pdfFile : row.manifestFile;
    let bytes: Buffer;
    try {
      bytes = await readFile(join(lettersDirOf(config), file));
    } catch {
      throw new AppError(
        'not_found',
        `The print batch's ${which === 'pdf' ? 'PDF' : 'manifest'} file is missing`,
      );
    }
    const action = which === 'pdf' ? 'PrintBatch.download-pdf' : 'PrintBatch.download-manifest';
    await audit(tx, ctx, {
      action,
      resourceType: 'PrintBatch',
      resourceId: id,
      detail: { letterCount: row.letterCount, bytes: bytes.length },
    });
    // The file shows each letter's patient: one row per letter too.
    const letters = await tx
      .select({ resourceId: communications.id, patientId: communications.patientId })
      .from(communications)
      .where(and(eq(communications.orgId, ctx.principal.orgId), eq(communications.printBatchId, id)))
      .orderBy(asc(communications.id));
    await writeAuditForMany(tx, actorOf(ctx), action, 'Communication', letters);
    return {
      bytes,
      filename: `print-batch-${row.forDate}-${row.id.slice(0, 8)}.${which === 'pdf' ? 'pdf' : 'csv'}`,
    };
  });
}

/** The provider has collected the batch: its letters are sent. 409 when it was collected before. */
export async function collectPrintBatch(db: Database, ctx: RequestContext, id: string): Promise<PrintBatch> {
  return db.transaction(async (tx) => {
    const orgId = ctx.principal.orgId;
    const row = await mustFind(tx, orgId, id, true);
    if (row.status === 'collected') {
      throw new AppError(
        'conflict',
        `This print batch was collected on ${row.collectedAt?.toISOString() ?? 'an earlier date'}: its letters are already sent`,
      );
    }
    const sent = await tx
      .update(communications)
      .set({ status: 'sent', sentAt: ctx.now, statusAt: ctx.now })
      .where(
        and(
          eq(communications.orgId, orgId),
          eq(communications.printBatchId, id),
          eq(communications.status, 'awaiting-print'),
        ),
      )
      .returning({ id: communications.id, patientId: communications.patientId });
    const [updated] = await tx
      .update(printBatches)
      .set({ status: 'collected', collectedBy: ctx.principal.id, collectedAt: ctx.now })
      .where(and(eq(printBatches.orgId, orgId), eq(printBatches.id, id)))
      .returning();
    await audit(tx, ctx, {
      action: 'PrintBatch.collect',
      resourceType: 'PrintBatch',
      resourceId: id,
      detail: { letterCount: row.letterCount, sent: sent.length },
    });
    await writeAuditForMany(
      tx,
      actorOf(ctx),
      'PrintBatch.letter-sent',
      'Communication',
      sent.map((s) => ({ resourceId: s.id, patientId: s.patientId })),
    );
    return view(updated!);
  });
}
