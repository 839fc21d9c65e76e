/**
 * Staff sessions. The browser holds `orgId.token` in an HTTP-only cookie; the database holds only the token's
 * SHA-256, with a CSRF token that the web app sends back as a header on every write.
 */
import { and, eq, lt } from 'drizzle-orm';
import { isRole, permissionsOf } from '@pathflow/core';
import type { Database } from '../db/client';
import { sessions, staffUsers } from '../db/schema';
import type { Principal } from './principal';
import { newToken, sha256 } from './secrets';

export const SESSION_COOKIE = 'pathflow_session';

export interface SessionPolicy {
  idleMinutes: number;
  maxHours: number;
}

export interface NewSession {
  cookieValue: string;
  csrfToken: string;
  expiresAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function createSession(
  db: Database,
  user: { orgId: string; id: string },
  now: Date,
  policy: SessionPolicy,
): Promise<NewSession> {
  const token = newToken();
  const csrfToken = newToken();
  const expiresAt = new Date(now.getTime() + policy.maxHours * 3_600_000);
  await db.insert(sessions).values({
    orgId: user.orgId,
    id: sha256(token),
    userId: user.id,
    csrfToken,
    createdAt: now,
    expiresAt,
    lastSeenAt: now,
  });
  // Housekeeping: the user's own expired sessions go when a new one starts.
  await db
    .delete(sessions)
    .where(and(eq(sessions.orgId, user.orgId), eq(sessions.userId, user.id), lt(sessions.expiresAt, now)));
  return { cookieValue: `${user.orgId}.${token}`, csrfToken, expiresAt };
}

function parseCookie(value: string): { orgId: string; id: string } | null {
  const dot = value.indexOf('.');
  if (dot < 0) return null;
  const orgId = value.slice(0, dot);
  const token = value.slice(dot + 1);
  if (!UUID.test(orgId) || token.length < 20 || token.length > 100) return null;
  return { orgId, id: sha256(token) };
}

/** The principal behind a session cookie, or null when it is unknown, expired, idle too long or disabled. */
export async function resolveSession(
  db: Database,
  cookieValue: string,
  now: Date,
  policy: SessionPolicy,
): Promise<{ principal: Principal; expiresAt: Date } | null> {
  const key = parseCookie(cookieValue);
  if (!key) return null;
  const [row] = await db
    .select({ session: sessions, user: staffUsers })
    .from(sessions)
    .innerJoin(staffUsers, and(eq(staffUsers.orgId, sessions.orgId), eq(staffUsers.id, sessions.userId)))
    .where(and(eq(sessions.orgId, key.orgId), eq(sessions.id, key.id)));
  if (!row) return null;
  const { session, user } = row;
  const idleLimit = session.lastSeenAt.getTime() + policy.idleMinutes * 60_000;
  if (now >= session.expiresAt || now.getTime() >= idleLimit || !user.active || !isRole(user.role)) {
    await db.delete(sessions).where(and(eq(sessions.orgId, key.orgId), eq(sessions.id, key.id)));
    return null;
  }
  // Keep the idle timer fresh without writing on every request.
  if (now.getTime() - session.lastSeenAt.getTime() > 60_000) {
    await db
      .update(sessions)
      .set({ lastSeenAt: now })
      .where(and(eq(sessions.orgId, key.orgId), eq(sessions.id, key.id)));
  }
  return {
    principal: {
      kind: 'user',
      orgId: user.orgId,
      id: user.id,
      name: user.displayName,
      role: user.role,
      permissions: new Set(permissionsOf(user.role)),
      session: { id: session.id, csrfToken: session.csrfToken },
    },
    expiresAt: session.expiresAt,
  };
}

export async function deleteSession(db: Database, orgId: string, id: string): Promise<void> {
  await db.delete(sessions).where(and(eq(sessions.orgId, orgId), eq(sessions.id, id)));
}
