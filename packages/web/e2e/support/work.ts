/** Tasks, messages and letters for the work-queue, messages and print pages' tests, made through the server's own services. */
import { and, eq } from 'drizzle-orm';
import { pathways } from '../../../server/src/db/schema';
import { systemContext } from '../../../server/src/auth/principal';
import { createTasks, type NewTask } from '../../../server/src/features/tasks/service';
import {
  queueCommunications,
  type QueuedCommunication,
} from '../../../server/src/features/communications/outbox';
import { deliverDueCommunications } from '../../../server/src/features/communications/delivery';
import { OutboxSender } from '../../../server/src/features/communications/senders';
import type { WebHarness } from './harness';

const DAY_MS = 86_400_000;
const londonDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The UK date `days` from today (negative: before), YYYY-MM-DD. */
export const daysFromToday = (days: number) => londonDay.format(new Date(Date.now() + days * DAY_MS));

/** The patient whose pathway this is. */
export async function patientOf(h: WebHarness, pathwayId: string): Promise<string> {
  const [row] = await h.db.db
    .select({ patientId: pathways.patientId })
    .from(pathways)
    .where(and(eq(pathways.orgId, h.fixture.orgId), eq(pathways.id, pathwayId)));
  if (!row) throw new Error(`No pathway ${pathwayId}`);
  return row.patientId;
}

/** Puts tasks on queues as the system would (a rule that fired); answers their ids. */
export async function addTasks(h: WebHarness, items: NewTask[]): Promise<string[]> {
  const ctx = systemContext(h.fixture.orgId, new Date());
  return h.db.db.transaction((tx) => createTasks(tx, ctx, items));
}

/** Queues messages as a booking would; answers their ids. */
export async function queueMessages(h: WebHarness, items: QueuedCommunication[]): Promise<string[]> {
  const ctx = systemContext(h.fixture.orgId, new Date());
  return h.db.db.transaction((tx) => queueCommunications(tx, ctx, items));
}

/** Sends what is queued and due, as the delivery runner does, through the outbox (no GOV.UK Notify). */
export async function deliverMessages(h: WebHarness, lettersDir: string) {
  return deliverDueCommunications(h.db.db, { now: new Date(), sender: new OutboxSender(), lettersDir });
}
