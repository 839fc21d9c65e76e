/**
 * Print batches: readers of communications list and download them; booking clerks and team leaders (who send
 * letters) make them and record their collection. `fill` makes one batch to read, a letter waiting for each day
 * before today (a batch made for day n takes the letter of that day and any older ones still waiting, so every
 * allowed request has one), and a ready batch per request to collect.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDays, parsePlainDate } from '@pathflow/core';
import { communications, printBatches } from '../../../src/db/schema';
import { systemContext } from '../../../src/auth/principal';
import { createPrintBatch } from '../../../src/features/print-batches/service';
import type { Harness } from '../../support/app';
import { POOL_SIZE, fromPool, type PermissionCaseSet } from './types';

const READ = ['booking-clerk', 'team-leader', 'clinician', 'service-manager'] as const;
const WRITE = ['booking-clerk', 'team-leader'] as const;

/** Letters waiting, one a day, from this many days before the harness's today (2026-11-23). */
const DAYS = 2 * POOL_SIZE;
const TODAY = '2026-11-23';
const dayOf = (k: number): string => addDays(parsePlainDate(TODAY), k - DAYS).toString();

const pool = { batchToRead: '', batchesToCollect: [] as string[] };

async function fill(h: Harness): Promise<void> {
  // Files go to a folder of their own, not the working folder's .data.
  h.config.lettersDir = mkdtempSync(join(tmpdir(), 'pathflow-permission-letters-'));
  const orgId = h.fixture.orgId;
  const letter = (createdAt: Date) => ({
    orgId,
    id: randomUUID(),
    patientId: h.fixture.patients.bob,
    kind: 'appointment-booked',
    channel: 'letter',
    status: 'awaiting-print',
    format: 'standard',
    renderedSubject: 'Your appointment is booked',
    renderedBody: 'Dear Bob Sample\n\nWe have booked your appointment.',
    provider: 'outbox',
    createdBy: 'test',
    createdAt,
    statusAt: createdAt,
  });
  // One letter the day before the pool's first, batched at once: the batch every read uses.
  const readDay = dayOf(-1);
  await h.db.db.insert(communications).values(letter(new Date(`${readDay}T12:00:00Z`)));
  const batch = await createPrintBatch(h.db.db, systemContext(orgId, h.clock.now()), h.config, {
    date: readDay,
  });
  pool.batchToRead = batch.id;
  const letters = Array.from({ length: DAYS }, (_, k) => letter(new Date(`${dayOf(k)}T12:00:00Z`)));
  for (let i = 0; i < letters.length; i += 1000) {
    await h.db.db.insert(communications).values(letters.slice(i, i + 1000));
  }
  const batches = Array.from({ length: POOL_SIZE }, () => ({
    orgId,
    id: randomUUID(),
    forDate: readDay,
    status: 'ready',
    letterCount: 0,
    pdfFile: 'batches/none.pdf',
    manifestFile: 'batches/none.csv',
    createdBy: 'test',
  }));
  await h.db.db.insert(printBatches).values(batches);
  pool.batchesToCollect = batches.map((b) => b.id);
}

const set: PermissionCaseSet = {
  fill,
  cases: [
    {
      method: 'POST',
      route: '/api/v1/print-batches',
      url: () => '/api/v1/print-batches',
      payload: (n) => ({ date: dayOf(n) }),
      allowed: [...WRITE],
    },
    {
      method: 'GET',
      route: '/api/v1/print-batches',
      url: () => '/api/v1/print-batches',
      allowed: [...READ],
    },
    {
      method: 'GET',
      route: '/api/v1/print-batches/:id',
      url: () => `/api/v1/print-batches/${pool.batchToRead}`,
      allowed: [...READ],
    },
    {
      method: 'GET',
      route: '/api/v1/print-batches/:id/letters.pdf',
      url: () => `/api/v1/print-batches/${pool.batchToRead}/letters.pdf`,
      allowed: [...READ],
    },
    {
      method: 'GET',
      route: '/api/v1/print-batches/:id/manifest.csv',
      url: () => `/api/v1/print-batches/${pool.batchToRead}/manifest.csv`,
      allowed: [...READ],
    },
    {
      method: 'POST',
      route: '/api/v1/print-batches/:id/collected',
      url: (_h, n) => `/api/v1/print-batches/${fromPool(pool.batchesToCollect, n)}/collected`,
      allowed: [...WRITE],
    },
  ],
};
export default set;
