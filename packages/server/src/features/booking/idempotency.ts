/**
 * `Idempotency-Key` on POSTs that book: a retried request (same key, same method, path and body, same member of
 * staff or client) gets the first answer again and changes nothing more. The key is claimed by inserting its
 * row in the same transaction as the work: a concurrent retry waits on the primary key until the first commits,
 * then reads its answer; if the first fails, its row goes with it and the retry does the work.
 */
import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { idempotencyKeys } from '../../db/schema';
import type { RequestContext } from '../../auth/principal';
import { AppError, invalid } from '../../errors';

export interface IdempotentAnswer<T> {
  status: number;
  body: T;
  /** True when this is the stored answer to an earlier request with the same key. */
  replayed: boolean;
}

const KEY = /^[A-Za-z0-9._:-]{8,100}$/;

/** The request's key, checked: 8–100 letters, digits or . _ : - (a UUID fits). Undefined when none was sent. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? header[0] : header;
  if (key === undefined || !KEY.test(key)) {
    throw invalid(
      '/headers/idempotency-key',
      'Idempotency-Key must be 8 to 100 letters, digits, dots, colons, hyphens or underscores',
    );
  }
  return key;
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${JSON.stringify(body ?? null)}`)
    .digest('hex');
}

/**
 * Runs `work` in a transaction, once per key: see the module comment. Without a key it simply runs it.
 * `work` returns the status and body to answer with; only successful answers are kept (an error rolls back).
 */
export async function idempotent<T>(
  db: Database,
  ctx: RequestContext,
  key: string | undefined,
  hash: string,
  work: (tx: Database) => Promise<{ status: number; body: T }>,
): Promise<IdempotentAnswer<T>> {
  return db.transaction(async (tx) => {
    if (key === undefined) return { ...(await work(tx)), replayed: false };
    const where = and(
      eq(idempotencyKeys.orgId, ctx.principal.orgId),
      eq(idempotencyKeys.actorId, ctx.principal.id),
      eq(idempotencyKeys.key, key),
    );
    const claimed = await tx
      .insert(idempotencyKeys)
      .values({
        orgId: ctx.principal.orgId,
        actorId: ctx.principal.id,
        key,
        requestHash: hash,
        status: 0,
        body: sql`'null'::jsonb`,
      })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (claimed.length === 0) {
      const [stored] = await tx.select().from(idempotencyKeys).where(where);
      if (!stored) throw new Error('An idempotency key vanished between insert and select');
      if (stored.requestHash !== hash) {
        throw new AppError(
          'idempotency_key_reused',
          'This Idempotency-Key was used for a different request. Use a new key for a new request.',
          { errors: [{ field: '/headers/idempotency-key', message: 'was used for a different request' }] },
        );
      }
      return { status: stored.status, body: stored.body as T, replayed: true };
    }
    const answer = await work(tx);
    await tx
      .update(idempotencyKeys)
      .set({ status: answer.status, body: sql`${JSON.stringify(answer.body)}::jsonb` })
      .where(where);
    return { ...answer, replayed: false };
  });
}
