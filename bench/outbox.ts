/**
 * Benchmark: how many messages per second the outbox delivers. 5,000 due messages (a mix: one letter in five,
 * the rest SMS) for 500 patients are delivered by one runner (batches of 100) through the embedded outbox
 * (`OutboxSender`): each claimed under lock, its patient's needs and the policy read, its template rendered, each
 * letter drawn as a PDF (pdfkit) and kept as a file, and its status recorded. On PostgreSQL (when
 * BENCH_DATABASE_URL or TEST_DATABASE_URL is set, or a local server answers) and embedded PGlite.
 *
 * Anchors, in the same run on the same database: (a) the same number of rows claimed (`FOR UPDATE SKIP LOCKED`,
 * same batches) and marked sent, with no reading, rendering or drawing: what the queue itself costs; (b) the
 * same letters drawn in a bare loop (`renderLetterPdf`, no database): what the PDFs cost. Never fails because a
 * machine is slow.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { LetterContent } from '@pathflow/core';
import type { Database, DatabaseHandle } from '../packages/server/src/db/client';
import { queryRows } from '../packages/server/src/db/client';
import { organisations, patients, specialties, pathways } from '../packages/server/src/db/schema';
import { systemContext } from '../packages/server/src/auth/principal';
import {
  queueCommunications,
  type QueuedCommunication,
} from '../packages/server/src/features/communications/outbox';
import { deliverDueCommunications } from '../packages/server/src/features/communications/delivery';
import { OutboxSender } from '../packages/server/src/features/communications/senders';
import { renderLetterPdf } from '../packages/server/src/features/communications/letter-pdf';
import { inScratch, scratchFolders, scratchServer } from './support';

const MESSAGES = 5_000;
const PATIENTS = 500;
const BATCH = 100;
const LETTER_EVERY = 5;

async function seed(db: Database, orgId: string, now: Date): Promise<void> {
  await db.insert(organisations).values({ orgId, odsCode: `B${orgId.slice(0, 4)}`, name: 'Bench NHS Trust' });
  await db.insert(specialties).values({ orgId, code: '110', name: 'Trauma and orthopaedics' });
  const patientIds = Array.from({ length: PATIENTS }, () => randomUUID());
  await db.insert(patients).values(
    patientIds.map((id, i) => ({
      orgId,
      id,
      nhsNumber: String(9_000_000_000 + i),
      mrn: `M${i}`,
      givenName: 'Bench',
      familyName: `Patient${i}`,
      dateOfBirth: '1970-01-01',
      sex: 'female',
      addressLine1: `${i} Bench Road`,
      town: 'Leeds',
      postcode: 'LS1 1AA',
      phone: '07700 900123',
      communicationNeeds: i % 10 === 0 ? ['large-print'] : [],
    })),
  );
  const pathwayIds = patientIds.map(() => randomUUID());
  await db.insert(pathways).values(
    patientIds.map((patientId, i) => ({
      orgId,
      id: pathwayIds[i]!,
      patientId,
      ppid: `BENCH${String(i).padStart(10, '0')}`,
      ppidIssuer: 'XB1',
      specialtyCode: '110',
      source: 'gp-paper',
      priority: 'routine',
      referralReceivedDate: '2026-10-01',
      clockStartDate: '2026-10-01',
      status: 'open',
    })),
  );
  const items: QueuedCommunication[] = Array.from({ length: MESSAGES }, (_, i) => ({
    patientId: patientIds[i % PATIENTS]!,
    pathwayId: pathwayIds[i % PATIENTS]!,
    kind: i % LETTER_EVERY === 0 ? 'validation-removal' : 'partial-booking-invitation',
    channel: i % LETTER_EVERY === 0 ? 'letter' : 'sms',
    dedupeKey: `bench:${i}`,
  }));
  await db.transaction((tx) => queueCommunications(tx, systemContext(orgId, now, 'bench'), items));
}

/** The anchor: claim the same rows in the same batches and mark them sent, nothing else. */
async function claimOnly(db: Database, orgId: string, now: Date): Promise<number> {
  let n = 0;
  for (;;) {
    const claimed = await db.transaction(async (tx) => {
      const due = await queryRows<{ id: string }>(
        tx,
        sql`select id from communications
             where org_id = ${orgId} and status in ('queued', 'temporary-failure')
               and (send_after is null or send_after <= ${now.toISOString()}::timestamptz)
             order by coalesce(send_after, created_at), id limit ${BATCH} for update skip locked`,
      );
      if (due.length === 0) return 0;
      await tx.execute(sql`update communications set status = 'sent', sent_at = ${now.toISOString()}::timestamptz,
                                  attempts = attempts + 1
                            where org_id = ${orgId} and id in (${sql.join(
                              due.map((d) => sql`${d.id}::uuid`),
                              sql`, `,
                            )})`);
      return due.length;
    });
    if (claimed === 0) return n;
    n += claimed;
  }
}

const LETTER: LetterContent = {
  trust: {
    name: 'Bench NHS Trust',
    department: 'Outpatient appointments',
    addressLines: ['1 Hospital Road', 'Leeds', 'LS1 3EX'],
    phone: '0113 496 0000',
    website: 'www.nhs.uk',
  },
  recipient: { name: 'Bench Patient', addressLines: ['1 Bench Road', 'Leeds', 'LS1 1AA'] },
  date: '2026-11-23',
  references: [{ label: 'NHS number', value: '900 000 0000' }],
  heading: 'You are no longer on our waiting list',
  paragraphs: [
    'Dear Bench Patient',
    'You told us you no longer need your Trauma and orthopaedics appointment, so we have taken you off our waiting list and told your GP.',
    'If you need care again, please speak to your GP.',
  ],
  format: 'standard',
};

async function measure(engine: string, handle: DatabaseHandle): Promise<string[]> {
  await handle.migrate();
  const db = handle.db;
  const now = new Date();
  const dir = mkdtempSync(join(tmpdir(), 'pathflow-bench-letters-'));
  try {
    const orgId = randomUUID();
    await seed(db, orgId, now);
    await db.execute(sql`analyze communications`);
    const started = performance.now();
    const report = await deliverDueCommunications(db, {
      now,
      sender: new OutboxSender(),
      lettersDir: dir,
      batchSize: BATCH,
    });
    const seconds = (performance.now() - started) / 1000;
    const delivered = report.sent + report.suppressed + report.failed;

    const anchorOrg = randomUUID();
    await seed(db, anchorOrg, now);
    await db.execute(sql`analyze communications`);
    const anchorStarted = performance.now();
    const claimed = await claimOnly(db, anchorOrg, now);
    const anchorSeconds = (performance.now() - anchorStarted) / 1000;

    const letters = MESSAGES / LETTER_EVERY;
    const pdfStarted = performance.now();
    for (let i = 0; i < letters; i++) await renderLetterPdf(LETTER);
    const pdfSeconds = (performance.now() - pdfStarted) / 1000;

    return [
      `outbox (${engine}): ${MESSAGES.toLocaleString('en-GB')} due messages (${letters.toLocaleString('en-GB')} letters drawn as PDF files, the rest SMS), one runner, batches of ${BATCH}`,
      `    ${delivered.toLocaleString('en-GB')} delivered in ${seconds.toFixed(1)} s = ${(delivered / seconds).toFixed(0)} messages/s (sent ${report.sent}, failed ${report.failed}, suppressed ${report.suppressed})`,
      `      anchor (a), the same rows claimed and marked sent, nothing rendered: ${claimed.toLocaleString('en-GB')} in ${anchorSeconds.toFixed(2)} s = ${(claimed / anchorSeconds).toFixed(0)}/s | ours / anchor ${(seconds / anchorSeconds).toFixed(1)}×`,
      `      anchor (b), the ${letters.toLocaleString('en-GB')} letters drawn in a bare loop, no database: ${pdfSeconds.toFixed(1)} s = ${(letters / pdfSeconds).toFixed(0)} letters/s | ours / anchor ${(seconds / pdfSeconds).toFixed(1)}×`,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runOutboxBench(engines: readonly string[] = ['postgres', 'pglite']): Promise<void> {
  if (engines.includes('postgres')) {
    if (process.env.BENCH_DATABASE_URL && !process.env.TEST_DATABASE_URL)
      process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
    const server = await scratchServer(4);
    if (typeof server === 'string') process.stdout.write(`outbox (postgres): ${server}\n`);
    else process.stdout.write(`${(await inScratch(server, (h) => measure('postgres', h))).join('\n')}\n`);
  }
  if (engines.includes('pglite')) {
    const folders = scratchFolders('pathflow-bench-outbox-');
    process.stdout.write(`${(await inScratch(folders, (h) => measure('pglite', h))).join('\n')}\n`);
  }
}
