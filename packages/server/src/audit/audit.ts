/**
 * The audit log: who did what to which record, when, from where. Append-only in the database (a trigger
 * refuses UPDATE, DELETE and TRUNCATE). Feature services write their audit rows in the same transaction as the
 * read or write they record, so a record is never touched without a trace.
 */
import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { auditLog } from '../db/schema';
import type { RequestContext } from '../auth/principal';

export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditEntry {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  patientId?: string | null;
  outcome?: AuditOutcome;
  /** Never patient-identifiable: ids and counts only. */
  detail?: Record<string, unknown>;
}

export interface AuditActor {
  orgId: string;
  actorType: 'user' | 'client' | 'anonymous' | 'system';
  actorId: string;
  actorRole: string;
  clientAddress?: string | null;
  requestId?: string | null;
  at?: Date;
}

export function actorOf(ctx: RequestContext): AuditActor {
  return {
    orgId: ctx.principal.orgId,
    actorType: ctx.principal.kind,
    actorId: ctx.principal.id,
    actorRole: ctx.principal.role,
    clientAddress: ctx.clientAddress,
    requestId: ctx.requestId,
    at: ctx.now,
  };
}

export async function writeAudit(db: Database, actor: AuditActor, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.insert(auditLog).values(
    entries.map((e) => ({
      orgId: actor.orgId,
      at: actor.at ?? new Date(),
      actorType: actor.actorType,
      actorId: actor.actorId,
      actorRole: actor.actorRole,
      action: e.action,
      resourceType: e.resourceType,
      resourceId: e.resourceId ?? null,
      patientId: e.patientId ?? null,
      outcome: e.outcome ?? 'success',
      clientAddress: actor.clientAddress ?? null,
      requestId: actor.requestId ?? null,
      detail: e.detail ?? null,
    })),
  );
}

/**
 * The same rows as `writeAudit`, for one action over many records (a page or export of a list): sent as two
 * uuid arrays and unnested by the server, because building a many-row VALUES statement costs more than a list
 * page's own query.
 */
export async function writeAuditForMany(
  db: Database,
  actor: AuditActor,
  action: string,
  resourceType: string,
  records: readonly { resourceId: string; patientId: string }[],
): Promise<void> {
  if (records.length === 0) return;
  const uuid = /^[0-9a-f-]{36}$/i;
  if (!records.every((r) => uuid.test(r.resourceId) && uuid.test(r.patientId))) {
    throw new Error('writeAuditForMany takes uuids only');
  }
  // uuids need no quoting inside an array literal.
  const resourceIds = `{${records.map((r) => r.resourceId).join(',')}}`;
  const patientIds = `{${records.map((r) => r.patientId).join(',')}}`;
  await db.execute(
    sql`insert into audit_log (org_id, at, actor_type, actor_id, actor_role, action, resource_type, resource_id,
                               patient_id, outcome, client_address, request_id)
        select ${actor.orgId}::uuid, ${(actor.at ?? new Date()).toISOString()}::timestamptz, ${actor.actorType},
               ${actor.actorId}, ${actor.actorRole}, ${action}, ${resourceType}, r.resource_id, r.patient_id,
               'success', ${actor.clientAddress ?? null}, ${actor.requestId ?? null}
          from unnest(${resourceIds}::text[], ${patientIds}::uuid[]) with ordinality as r(resource_id, patient_id, n)
         order by r.n`,
  );
}

export const audit = (db: Database, ctx: RequestContext, ...entries: AuditEntry[]): Promise<void> =>
  writeAudit(db, actorOf(ctx), entries);

/**
 * audit_log's columns with their SQL types, in the order `auditRowValues` gives their values: for a hot path
 * (booking) that folds its audit row into its own statement as `insert into audit_log (…) select $n::type, …`,
 * saving a round trip, and writes the same row `writeAudit` would.
 */
export const AUDIT_ROW_COLUMNS = [
  ['org_id', 'uuid'],
  ['at', 'timestamptz'],
  ['actor_type', 'text'],
  ['actor_id', 'text'],
  ['actor_role', 'text'],
  ['action', 'text'],
  ['resource_type', 'text'],
  ['resource_id', 'text'],
  ['patient_id', 'uuid'],
  ['outcome', 'text'],
  ['client_address', 'text'],
  ['request_id', 'text'],
  ['detail', 'jsonb'],
] as const;

/** The values of one audit row, in the order of `AUDIT_ROW_COLUMNS` (dates as ISO text, detail as JSON text). */
export function auditRowValues(actor: AuditActor, entry: AuditEntry): (string | null)[] {
  return [
    actor.orgId,
    (actor.at ?? new Date()).toISOString(),
    actor.actorType,
    actor.actorId,
    actor.actorRole,
    entry.action,
    entry.resourceType,
    entry.resourceId ?? null,
    entry.patientId ?? null,
    entry.outcome ?? 'success',
    actor.clientAddress ?? null,
    actor.requestId ?? null,
    entry.detail === undefined ? null : JSON.stringify(entry.detail),
  ];
}

export interface AuditQuery {
  patientId?: string | undefined;
  actorId?: string | undefined;
  action?: string | undefined;
  resourceType?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
  /** Return rows with an id lower than this (paging backwards in time). */
  before?: number | undefined;
}

export async function queryAudit(db: Database, orgId: string, q: AuditQuery) {
  const where: SQL[] = [eq(auditLog.orgId, orgId)];
  if (q.patientId) where.push(eq(auditLog.patientId, q.patientId));
  if (q.actorId) where.push(eq(auditLog.actorId, q.actorId));
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.resourceType) where.push(eq(auditLog.resourceType, q.resourceType));
  if (q.from) where.push(gte(auditLog.at, q.from));
  if (q.to) where.push(lt(auditLog.at, q.to));
  if (q.before !== undefined) where.push(lt(auditLog.id, q.before));
  return db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(q.limit);
}
