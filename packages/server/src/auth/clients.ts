/**
 * Machine clients: OAuth 2.0 client credentials (RFC 6749 §4.4). The secret is shown once at creation; only its
 * SHA-256 is stored. Access tokens are opaque (`orgId.random`), stored as SHA-256 with their scopes and expiry.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import { isPermission, isRole, resolveScopes, roleAllows, scopeOf, type Permission } from '@pathflow/core';
import { queryPrepared, type Database } from '../db/client';
import { accessTokens, oauthClients } from '../db/schema';
import { invalid } from '../errors';
import type { Principal } from './principal';
import { newToken, safeEqual, sha256 } from './secrets';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

/** The token and its client, in one prepared statement: every bearer-authenticated request runs it. */
const TOKEN_LOOKUP = `select c.client_id as "clientId", c.name, c.role, c.active, t.scopes,
       (extract(epoch from t.expires_at) * 1000)::float8 as "expiresMs"
  from access_tokens t
  join oauth_clients c on c.org_id = t.org_id and c.client_id = t.client_id
 where t.org_id = $1 and t.id = $2`;

interface TokenRow {
  clientId: string;
  name: string;
  role: string;
  active: boolean;
  scopes: string[];
  expiresMs: number;
}

/**
 * Tokens looked up in the last `TOKEN_CACHE_MS` of real time, per database, so that a busy client's requests do
 * not each cost a round trip. The trade-off, deliberately short: a client deactivated, its role changed or its
 * token deleted in the database is still honoured by this server process for at most that long. The token's own
 * expiry is checked against the request's clock every time, and only tokens found are kept (a made-up token is
 * always looked up).
 */
export const TOKEN_CACHE_MS = 2_000;
const TOKEN_CACHE_MAX = 10_000;
const tokenCaches = new WeakMap<Database, Map<string, { row: TokenRow; until: number }>>();

async function lookUpToken(db: Database, orgId: string, hash: string): Promise<TokenRow | undefined> {
  let cache = tokenCaches.get(db);
  if (!cache) tokenCaches.set(db, (cache = new Map<string, { row: TokenRow; until: number }>()));
  const at = performance.now();
  const hit = cache.get(hash);
  if (hit && hit.until > at) return hit.row;
  const [row] = await queryPrepared<TokenRow>(db, 'pathflow_token_lookup_v1', TOKEN_LOOKUP, [orgId, hash]);
  if (row) {
    if (cache.size >= TOKEN_CACHE_MAX) cache.clear();
    cache.set(hash, { row, until: at + TOKEN_CACHE_MS });
  } else {
    cache.delete(hash);
  }
  return row;
}

/** Forgets the tokens this process has looked up: for whatever revokes a client or its tokens. */
export function forgetAccessTokens(db: Database): void {
  tokenCaches.delete(db);
}

export async function resolveAccessToken(db: Database, token: string, now: Date): Promise<Principal | null> {
  const dot = token.indexOf('.');
  if (dot !== 36) return null;
  const orgId = token.slice(0, dot);
  if (!UUID.test(orgId)) return null;
  const row = await lookUpToken(db, orgId, sha256(token));
  if (!row || row.expiresMs <= now.getTime() || !row.active || !isRole(row.role)) return null;
  const role = row.role;
  return {
    kind: 'client',
    orgId,
    id: row.clientId,
    name: row.name,
    role,
    // A token never carries more than the client's role allows now, even if the role changed since it was issued.
    permissions: new Set(row.scopes.filter((p): p is Permission => isPermission(p) && roleAllows(role, p))),
  };
}
