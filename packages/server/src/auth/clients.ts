/**
 * Machine clients: OAuth 2.0 client credentials (RFC 6749 §4.4). The secret is shown once at creation; only its
 * SHA-256 is stored. Access tokens are opaque (`orgId.random`), stored as SHA-256 with their scopes and expiry.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import { isPermission, isRole, resolveScopes, roleAllows, scopeOf, type Permission } from '@pathflow/core';
import type { Database } from '../db/client';
import { accessTokens, oauthClients } from '../db/schema';
import { invalid } from '../errors';
import type { Principal } from './principal';
import { newToken, safeEqual, sha256 } from './secrets';

export async function createClient(db: Database, input: { orgId: string; name: string; role: string }) {
  if (!isRole(input.role)) throw invalid('/role', `Role "${input.role}" is not known`);
  if (input.name.trim() === '') throw invalid('/name', 'Enter a name for the client');
  const clientId = randomUUID();
  const clientSecret = newToken();
  await db.insert(oauthClients).values({
    orgId: input.orgId,
    clientId,
    name: input.name.trim(),
    role: input.role,
    secretHash: sha256(clientSecret),
  });
  return { clientId, clientSecret };
}

/** OAuth error, returned as RFC 6749 §5.2 JSON rather than problem+json. */
export class OAuthError extends Error {
  constructor(
    readonly error: 'invalid_request' | 'invalid_client' | 'invalid_scope' | 'unsupported_grant_type',
    readonly description: string,
    readonly status = error === 'invalid_client' ? 401 : 400,
  ) {
    super(description);
  }
}

export interface TokenRequest {
  grant_type?: string | undefined;
  client_id?: string | undefined;
  client_secret?: string | undefined;
  scope?: string | undefined;
}

export async function issueToken(db: Database, req: TokenRequest, now: Date, ttlSeconds: number) {
  if (req.grant_type !== 'client_credentials') {
    throw req.grant_type
      ? new OAuthError('unsupported_grant_type', 'Only grant_type=client_credentials is supported')
      : new OAuthError('invalid_request', 'grant_type is required');
  }
  if (!req.client_id || !req.client_secret) {
    throw new OAuthError('invalid_request', 'client_id and client_secret are required');
  }
  const [client] = await db
    .select()
    .from(oauthClients)
    .where(eq(oauthClients.clientId, req.client_id))
    .limit(1);
  if (
    !client ||
    !client.active ||
    !isRole(client.role) ||
    !safeEqual(client.secretHash, sha256(req.client_secret))
  ) {
    throw new OAuthError('invalid_client', 'Client authentication failed');
  }
  const scopes = resolveScopes(client.role, req.scope);
  if (!scopes.ok) throw new OAuthError('invalid_scope', scopes.message);
  const token = `${client.orgId}.${newToken()}`;
  await db.insert(accessTokens).values({
    orgId: client.orgId,
    id: sha256(token),
    clientId: client.clientId,
    scopes: scopes.permissions,
    createdAt: now,
    expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
  });
  await db
    .delete(accessTokens)
    .where(
      and(
        eq(accessTokens.orgId, client.orgId),
        eq(accessTokens.clientId, client.clientId),
        lt(accessTokens.expiresAt, now),
      ),
    );
  return {
    access_token: token,
    token_type: 'Bearer' as const,
    expires_in: ttlSeconds,
    scope: scopes.permissions.map(scopeOf).join(' '),
  };
}

export async function resolveAccessToken(db: Database, token: string, now: Date): Promise<Principal | null> {
  const dot = token.indexOf('.');
  if (dot !== 36) return null;
  const orgId = token.slice(0, dot);
  const [row] = await db
    .select({ token: accessTokens, client: oauthClients })
    .from(accessTokens)
    .innerJoin(
      oauthClients,
      and(eq(oauthClients.orgId, accessTokens.orgId), eq(oauthClients.clientId, accessTokens.clientId)),
    )
    .where(and(eq(accessTokens.orgId, orgId), eq(accessTokens.id, sha256(token))));
  if (!row || row.token.expiresAt <= now || !row.client.active || !isRole(row.client.role)) return null;
  const role = row.client.role;
  return {
    kind: 'client',
    orgId,
    id: row.client.clientId,
    name: row.client.name,
    role,
    // A token never carries more than the client's role allows now, even if the role changed since it was issued.
    permissions: new Set(
      row.token.scopes.filter((p): p is Permission => isPermission(p) && roleAllows(role, p)),
    ),
  };
}
