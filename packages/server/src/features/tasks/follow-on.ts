/**
 * What completing a task changes beyond the task: a "book the interpreter / transport" task completed as booked
 * marks its request booked (the note holds the supplier's reference), and as not needed cancels the request; a
 * short-notice call completed as accepted books the place, as declined offers it to the next patient.
 * Runs in the completion's transaction.
 */
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { supportRequests, type tasks } from '../../db/schema';
import type { RequestContext } from '../../auth/principal';
import { replyFromCallTask } from '../short-notice/replies';

type TaskRow = typeof tasks.$inferSelect;

export async function afterTaskCompleted(
  tx: Database,
  ctx: RequestContext,
  task: TaskRow,
  outcome: string,
  note: string | null,
): Promise<void> {
  // A short-notice call: the patient's answer books the place, or moves the offer on to the next patient.
  await replyFromCallTask(tx, ctx, task, outcome);
  if (task.type !== 'book-interpreter' && task.type !== 'book-transport') return;
  const requestId = (task.detail as { supportRequestId?: unknown } | null)?.supportRequestId;
  if (typeof requestId !== 'string') return;
  const set =
    outcome === 'booked'
      ? { status: 'booked', reference: note?.slice(0, 100) ?? null, updatedAt: ctx.now }
      : { status: 'cancelled', updatedAt: ctx.now };
  await tx
    .update(supportRequests)
    .set(set)
    .where(
      and(
        eq(supportRequests.orgId, ctx.principal.orgId),
        eq(supportRequests.id, requestId),
        eq(supportRequests.status, 'needed'),
      ),
    );
}
