/** Long lists in batches: for `inArray` look-ups, inserts and the audit rows of an import or an export. */
import { actorOf, writeAuditForMany } from '../../audit/audit';
import type { Database } from '../../db/client';
import type { RequestContext } from '../../auth/principal';

const CHUNK = 5000;

export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** One audit row per record (a patient's appointment, pathway…), written 5,000 at a time. */
export async function auditMany(
  tx: Database,
  ctx: RequestContext,
  action: string,
  resourceType: string,
  records: { resourceId: string; patientId: string }[],
): Promise<void> {
  for (const part of chunks(records)) {
    await writeAuditForMany(tx, actorOf(ctx), action, resourceType, part);
  }
}
