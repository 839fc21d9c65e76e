import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { isRole, type Role } from '@pathflow/core';
import type { Database } from '../db/client';
import { organisations, staffUsers } from '../db/schema';
import { AppError, invalid } from '../errors';
import { hashPassword, passwordProblem } from './secrets';

export interface NewUser {
  orgId: string;
  username: string;
  displayName: string;
  role: string;
  password?: string | undefined;
  email?: string | undefined;
  oidcSubject?: string | undefined;
}

const USERNAME = /^[a-z0-9][a-z0-9._@-]{1,63}$/;

export async function createUser(db: Database, input: NewUser): Promise<{ id: string; role: Role }> {
  const username = input.username.trim().toLowerCase();
  if (!USERNAME.test(username)) {
    throw invalid('/username', 'Username must be 2 to 64 letters, digits, dots, dashes, underscores or @');
  }
  if (!isRole(input.role)) throw invalid('/role', `Role "${input.role}" is not known`);
  if (input.displayName.trim() === '') throw invalid('/displayName', 'Enter a display name');
  if (input.password === undefined && input.oidcSubject === undefined && input.email === undefined) {
    throw invalid('/password', 'Give a password, or an email or subject for single sign-on');
  }
  if (input.password !== undefined) {
    const problem = passwordProblem(input.password);
    if (problem) throw invalid('/password', problem);
  }
  const id = randomUUID();
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  const inserted = await db
    .insert(staffUsers)
    .values({
      orgId: input.orgId,
      id,
      username,
      displayName: input.displayName.trim(),
      role: input.role,
      passwordHash,
      email: input.email?.trim().toLowerCase() ?? null,
      oidcSubject: input.oidcSubject ?? null,
    })
    .onConflictDoNothing()
    .returning({ id: staffUsers.id });
  if (inserted.length === 0) throw new AppError('conflict', `A user called "${username}" already exists`);
  return { id, role: input.role };
}

export async function findOrganisation(db: Database, odsCode: string | undefined) {
  const rows = odsCode
    ? await db.select().from(organisations).where(eq(organisations.odsCode, odsCode.toUpperCase()))
    : await db.select().from(organisations).limit(2);
  if (rows.length === 0) {
    throw new AppError(
      'not_found',
      odsCode
        ? `No organisation has ODS code ${odsCode}`
        : 'No organisation exists yet: run "pathflow seed" first',
    );
  }
  if (rows.length > 1)
    throw invalid('/organisation', 'There is more than one organisation: give its ODS code with --org');
  return rows[0]!;
}

export async function getUser(db: Database, orgId: string, id: string) {
  const [row] = await db
    .select()
    .from(staffUsers)
    .where(and(eq(staffUsers.orgId, orgId), eq(staffUsers.id, id)));
  return row;
}
