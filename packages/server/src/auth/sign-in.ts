/** Password sign-in with lock-out after repeated failures. */
import { and, eq, sql } from 'drizzle-orm';
import { isRole } from '@pathflow/core';
import type { Database } from '../db/client';
import { organisations, staffUsers } from '../db/schema';
import { writeAudit } from '../audit/audit';
import { AppError } from '../errors';
import { verifyAgainstDummy, verifyPassword } from './secrets';

export interface LockoutPolicy {
  threshold: number;
  minutes: number;
}

export interface SignInAttempt {
  username: string;
  password: string;
  organisation?: string | undefined;
  clientAddress: string;
  requestId: string;
  now: Date;
}

const FAILED = 'The username or password is not right';

/** Returns the signed-in user, or throws `sign_in_failed` / `account_locked`. Never says which part was wrong. */
export async function signIn(db: Database, attempt: SignInAttempt, lockout: LockoutPolicy) {
  const username = attempt.username.trim().toLowerCase();
  const candidates = await db
    .select({ user: staffUsers, odsCode: organisations.odsCode })
    .from(staffUsers)
    .innerJoin(organisations, eq(organisations.orgId, staffUsers.orgId))
    .where(
      attempt.organisation
        ? and(
            eq(staffUsers.username, username),
            eq(organisations.odsCode, attempt.organisation.trim().toUpperCase()),
          )
        : eq(staffUsers.username, username),
    );
  if (candidates.length > 1) {
    throw new AppError(
      'validation_failed',
      'This username is used in more than one organisation: choose yours',
      {
        errors: [{ field: '/body/organisation', message: 'Enter the ODS code of your organisation' }],
      },
    );
  }
  const found = candidates[0]?.user;
  if (!found || !found.active || !found.passwordHash || !isRole(found.role)) {
    await verifyAgainstDummy(attempt.password);
    throw new AppError('sign_in_failed', FAILED);
  }
  const actor = {
    orgId: found.orgId,
    actorType: 'user' as const,
    actorId: found.id,
    actorRole: found.role,
    clientAddress: attempt.clientAddress,
    requestId: attempt.requestId,
    at: attempt.now,
  };
  if (found.lockedUntil && found.lockedUntil > attempt.now) {
    await writeAudit(db, actor, [
      {
        action: 'auth.sign-in',
        resourceType: 'StaffUser',
        resourceId: found.id,
        outcome: 'denied',
        detail: { reason: 'locked' },
      },
    ]);
    const minutes = Math.ceil((found.lockedUntil.getTime() - attempt.now.getTime()) / 60_000);
    throw new AppError(
      'account_locked',
      `This account is locked after too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or ask an administrator.`,
    );
  }
  const ok = await verifyPassword(found.passwordHash, attempt.password);
  const key = and(eq(staffUsers.orgId, found.orgId), eq(staffUsers.id, found.id));
  if (!ok) {
    // Count atomically, so parallel guesses cannot slip past the threshold.
    const [after] = await db
      .update(staffUsers)
      .set({ failedAttempts: sql`${staffUsers.failedAttempts} + 1` })
      .where(key)
      .returning({ failedAttempts: staffUsers.failedAttempts });
    const locked = (after?.failedAttempts ?? 0) >= lockout.threshold;
    if (locked) {
      await db
        .update(staffUsers)
        .set({ failedAttempts: 0, lockedUntil: new Date(attempt.now.getTime() + lockout.minutes * 60_000) })
        .where(key);
    }
    await writeAudit(db, actor, [
      {
        action: 'auth.sign-in',
        resourceType: 'StaffUser',
        resourceId: found.id,
        outcome: 'failure',
        detail: locked ? { reason: 'bad-password', locked: true } : { reason: 'bad-password' },
      },
    ]);
    throw new AppError('sign_in_failed', FAILED);
  }
  await db.update(staffUsers).set({ failedAttempts: 0, lockedUntil: null }).where(key);
  await writeAudit(db, actor, [{ action: 'auth.sign-in', resourceType: 'StaffUser', resourceId: found.id }]);
  return { ...found, role: found.role };
}
