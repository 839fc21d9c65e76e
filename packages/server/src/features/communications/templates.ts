/**
 * Message templates, versioned per organisation: one line of versions for each kind, channel and format. An
 * organisation that has not written its own uses core's default as version 1, stored the first time anyone reads
 * or uses it (so a message can always name the version it was sent with). A new version is checked first (fields
 * delivery can fill, SMS length, a subject) and refused with nothing written.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq } from 'drizzle-orm';
import {
  DEFAULT_TEMPLATES,
  MESSAGE_KINDS,
  defaultTemplate,
  fieldsFor,
  templateFields,
  templateFormatFor,
  templateProblems,
  type Channel,
  type MessageKind,
  type TemplateFormat,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { communicationTemplates } from '../../db/schema';
import type { RequestContext } from '../../auth/principal';
import { AppError, notFound, type FieldError } from '../../errors';

export type TemplateRow = typeof communicationTemplates.$inferSelect;

export interface TemplateView {
  id: string;
  kind: string;
  channel: string;
  format: string;
  version: number;
  subject: string | null;
  body: string;
  /** The fields the template uses, as written. */
  fields: string[];
  notifyTemplateId: string | null;
  /** True while it is the default wording (version 1, never changed). */
  isDefault: boolean;
  createdBy: string;
  createdAt: string;
}

export function templateView(row: TemplateRow): TemplateView {
  return {
    id: row.id,
    kind: row.kind,
    channel: row.channel,
    format: row.format,
    version: row.version,
    subject: row.subject,
    body: row.body,
    fields: templateFields(`${row.subject ?? ''} ${row.body}`).map((f) => f.name),
    notifyTemplateId: row.notifyTemplateId,
    isDefault: row.createdBy === DEFAULT_AUTHOR,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Who "wrote" a default stored as version 1. */
const DEFAULT_AUTHOR = 'pathflow-default';

/** Stores the defaults the organisation has no version of yet (as version 1). Idempotent. */
async function storeDefaults(
  tx: Database,
  orgId: string,
  now: Date,
  which: readonly { kind: string; channel: string; format: string; subject: string | null; body: string }[],
): Promise<void> {
  if (which.length === 0) return;
  await tx
    .insert(communicationTemplates)
    .values(
      which.map((t) => ({
        orgId,
        id: randomUUID(),
        kind: t.kind,
        channel: t.channel,
        format: t.format,
        version: 1,
        subject: t.subject,
        body: t.body,
        notifyTemplateId: null,
        createdBy: DEFAULT_AUTHOR,
        createdAt: now,
      })),
    )
    .onConflictDoNothing();
}

/** The current version of every template the organisation has (defaults stored first). */
export async function currentTemplates(tx: Database, orgId: string, now: Date): Promise<TemplateRow[]> {
  let rows = await tx
    .select()
    .from(communicationTemplates)
    .where(eq(communicationTemplates.orgId, orgId))
    .orderBy(
      asc(communicationTemplates.kind),
      asc(communicationTemplates.channel),
      asc(communicationTemplates.format),
      desc(communicationTemplates.version),
    );
  const have = new Set(rows.map((r) => `${r.kind}/${r.channel}/${r.format}`));
  const missing = DEFAULT_TEMPLATES.filter((t) => !have.has(`${t.kind}/${t.channel}/${t.format}`));
  if (missing.length > 0) {
    await storeDefaults(tx, orgId, now, missing);
    return currentTemplates(tx, orgId, now);
  }
  const seen = new Set<string>();
  rows = rows.filter((r) => {
    const key = `${r.kind}/${r.channel}/${r.format}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const order = (k: string) => MESSAGE_KINDS.indexOf(k as MessageKind);
  return rows.sort((a, b) => order(a.kind) - order(b.kind) || a.channel.localeCompare(b.channel));
}

/**
 * The current template for a message (the kind, its channel, and the format it is written in), storing the
 * default as version 1 on first use. Undefined when the kind has no template on that channel.
 */
export async function templateFor(
  tx: Database,
  orgId: string,
  kind: MessageKind,
  channel: Channel,
  format: TemplateFormat | 'braille',
  now: Date,
): Promise<TemplateRow | undefined> {
  const f = templateFormatFor(channel, format);
  const latest = () =>
    tx
      .select()
      .from(communicationTemplates)
      .where(
        and(
          eq(communicationTemplates.orgId, orgId),
          eq(communicationTemplates.kind, kind),
          eq(communicationTemplates.channel, channel),
          eq(communicationTemplates.format, f),
        ),
      )
      .orderBy(desc(communicationTemplates.version))
      .limit(1);
  const [row] = await latest();
  if (row) return row;
  const d = defaultTemplate(kind, channel, f);
  if (!d) return undefined;
  await storeDefaults(tx, orgId, now, [d]);
  return (await latest())[0];
}

/** One template version by id. */
export async function templateById(db: Database, orgId: string, id: string): Promise<TemplateRow> {
  const [row] = await db
    .select()
    .from(communicationTemplates)
    .where(and(eq(communicationTemplates.orgId, orgId), eq(communicationTemplates.id, id)));
  if (!row) throw notFound('The template');
  return row;
}

/** The versions of one template line, newest first. */
export async function templateVersions(db: Database, orgId: string, row: TemplateRow) {
  return db
    .select({
      id: communicationTemplates.id,
      version: communicationTemplates.version,
      createdBy: communicationTemplates.createdBy,
      createdAt: communicationTemplates.createdAt,
    })
    .from(communicationTemplates)
    .where(
      and(
        eq(communicationTemplates.orgId, orgId),
        eq(communicationTemplates.kind, row.kind),
        eq(communicationTemplates.channel, row.channel),
        eq(communicationTemplates.format, row.format),
      ),
    )
    .orderBy(desc(communicationTemplates.version));
}

export interface NewTemplateVersion {
  kind: MessageKind;
  channel: Channel;
  format: TemplateFormat;
  subject?: string | null | undefined;
  body: string;
  notifyTemplateId?: string | null | undefined;
}

/**
 * A refusal of a template as 422 (the request is well formed, the template cannot be used), naming the fields.
 * The error catalogue has no 422 code for templates yet, so this is `validation_failed` answered as 422.
 */
function templateRefused(errors: FieldError[], extensions: Record<string, unknown>): AppError {
  return new AppError('template_refused', errors.map((e) => e.message).join(' '), { errors, extensions });
}

/** Checks a new version and stores it as the next version of its line. Nothing is written when it is refused. */
export async function addTemplateVersion(
  db: Database,
  ctx: RequestContext,
  input: NewTemplateVersion,
): Promise<TemplateRow> {
  const subject = input.subject?.trim() ? input.subject : null;
  const problems = templateProblems({ ...input, subject });
  if (problems.length > 0) {
    const unknown = problems.flatMap((p) => p.unknownFields ?? []);
    throw templateRefused(
      problems.map((p) => ({ field: `/body/${p.field}`, message: p.message })),
      unknown.length > 0 ? { unknownFields: unknown, fieldsYouCanUse: fieldsFor(input.kind) } : {},
    );
  }
  const orgId = ctx.principal.orgId;
  return db.transaction(async (tx) => {
    // The default becomes version 1 first, so that a trust's first edit is version 2 and the default stays on record.
    const current = await templateFor(tx, orgId, input.kind, input.channel, input.format, ctx.now);
    const version = (current?.version ?? 0) + 1;
    const [row] = await tx
      .insert(communicationTemplates)
      .values({
        orgId,
        id: randomUUID(),
        kind: input.kind,
        channel: input.channel,
        format: input.format,
        version,
        subject,
        body: input.body,
        notifyTemplateId: input.notifyTemplateId ?? null,
        createdBy: ctx.principal.id,
        createdAt: ctx.now,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) {
      throw new AppError(
        'conflict',
        `Someone else saved version ${version} of this template just now. Reload it and try again`,
      );
    }
    return row;
  });
}
