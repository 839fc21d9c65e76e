/**
 * Optional OpenID Connect sign-in for staff: the authorisation code flow with PKCE (S256), state and nonce.
 *
 * Between the redirect to the provider and the callback, the state, nonce and PKCE verifier live in a short-lived
 * cookie sealed with AES-256-GCM, so the server keeps no login state and a tampered cookie is refused. The key is
 * derived from the client secret when there is one (so every server behind a load balancer agrees on it), else
 * it is random per process (a sign-in then has to finish on the server that started it).
 *
 * A member of staff is found by the provider's subject (`sub`); failing that, once, by email: when exactly one
 * active user has that email and no subject yet, the subject is stored on that user. Nothing here speaks HTTP.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { isRole, type Role } from '@pathflow/core';
import type { OidcConfig } from '../config';
import type { Database } from '../db/client';
import { staffUsers } from '../db/schema';
import { writeAudit } from '../audit/audit';
import { AppError } from '../errors';

/** The cookie that carries the sealed login transaction from the login redirect to the callback. */
export const OIDC_TRANSACTION_COOKIE = 'pathflow_oidc';
/** How long a sign-in at the provider may take. */
export const OIDC_TRANSACTION_SECONDS = 600;
export const OIDC_SCOPE = 'openid profile email';

const NOT_SET_UP = 'Your account is not set up in Pathflow. Ask an administrator.';
const DID_NOT_COMPLETE = 'Single sign-on did not complete. Go back to the sign-in page and try again.';
const UNREACHABLE =
  'The single sign-on service could not be reached. Try again in a minute, or sign in with your username and password.';

/**
 * A failed single sign-on. `message` is for the person signing in; `reason` is for the server log only. Neither
 * ever holds a token, a code or a claim value.
 */
export class OidcError extends AppError {
  readonly reason: string;

  constructor(code: 'oidc_failed' | 'unavailable', detail: string, reason: string) {
    super(code, detail);
    this.name = 'OidcError';
    this.reason = reason;
  }
}

/** Who the provider says signed in. */
export interface OidcIdentity {
  subject: string;
  /** Lower-cased; null when the provider sent none. */
  email: string | null;
  /** The provider's `email_verified` claim, when it sent one. */
  emailVerified: boolean | undefined;
}

export interface OidcLogin {
  /** Where to send the browser. */
  authorizationUrl: string;
  /** The sealed transaction, to keep in the {@link OIDC_TRANSACTION_COOKIE} cookie. */
  transaction: string;
  maxAgeSeconds: number;
}

export interface OidcClientOptions {
  /** A 32-byte key for sealing the transaction cookie (default: derived from the client secret, else random). */
  transactionKey?: Buffer;
  /** Seconds to wait for each request to the provider. */
  timeoutSeconds?: number;
}

interface Transaction {
  state: string;
  nonce: string;
  verifier: string;
  /** Expiry, in milliseconds since the epoch. */
  expires: number;
}

const SEAL_CONTEXT = Buffer.from('pathflow-oidc-transaction-v1');

/** A safe one-line description of a provider or library error, for the server log. */
export function describeOidcError(err: unknown): string {
  if (!(err instanceof Error)) return typeof err;
  const coded = err as Error & { code?: unknown; error?: unknown; status?: unknown; cause?: unknown };
  const parts = [err.name];
  if (typeof coded.code === 'string') parts.push(coded.code);
  if (typeof coded.error === 'string') parts.push(`error=${coded.error.slice(0, 64)}`);
  if (typeof coded.status === 'number') parts.push(`status=${coded.status}`);
  parts.push(err.message.slice(0, 160));
  // The library's messages name what failed ("state", "nonce", "aud"...), never the values.
  if (coded.cause instanceof Error) parts.push(`(${coded.cause.message.slice(0, 160)})`);
  return parts.join(' ');
}

/** The relying party: discovers the provider lazily (and again after a failure), starts and finishes sign-ins. */
export class OidcClient {
  readonly #config: OidcConfig;
  readonly #key: Buffer;
  readonly #timeout: number;
  #configuration: Promise<oidc.Configuration> | undefined;

  constructor(config: OidcConfig, options: OidcClientOptions = {}) {
    this.#config = config;
    this.#timeout = options.timeoutSeconds ?? 10;
    if (options.transactionKey && options.transactionKey.length !== 32) {
      throw new Error('The OIDC transaction key must be 32 bytes');
    }
    this.#key =
      options.transactionKey ??
      (config.clientSecret
        ? Buffer.from(hkdfSync('sha256', config.clientSecret, config.issuer, SEAL_CONTEXT, 32))
        : randomBytes(32));
  }

  /** The provider's configuration, discovered on first use and cached; a failed discovery is retried next time. */
  configuration(): Promise<oidc.Configuration> {
    this.#configuration ??= this.#discover().catch((err: unknown) => {
      this.#configuration = undefined;
      throw err;
    });
    return this.#configuration;
  }

  async #discover(): Promise<oidc.Configuration> {
    const { issuer, clientId, clientSecret, allowHttp } = this.#config;
    let auth: oidc.ClientAuth = oidc.None();
    if (clientSecret) {
      const basic = oidc.ClientSecretBasic(clientSecret);
      const post = oidc.ClientSecretPost(clientSecret);
      // Authenticate the way the provider says it accepts; OpenID Connect's default is client_secret_basic.
      auth = (server, client, body, headers) => {
        const methods = server.token_endpoint_auth_methods_supported;
        const usePost =
          methods !== undefined &&
          methods.includes('client_secret_post') &&
          !methods.includes('client_secret_basic');
        (usePost ? post : basic)(server, client, body, headers);
      };
    }
    return oidc.discovery(new URL(issuer), clientId, undefined, auth, {
      execute: allowHttp ? [oidc.allowInsecureRequests] : [],
      timeout: this.#timeout,
    });
  }

  /** Starts a sign-in: the provider's authorisation URL and the sealed transaction for the cookie. */
  async beginLogin(now: Date): Promise<OidcLogin> {
    let configuration: oidc.Configuration;
    try {
      configuration = await this.configuration();
    } catch (err) {
      throw new OidcError('unavailable', UNREACHABLE, `discovery failed: ${describeOidcError(err)}`);
    }
    const transaction: Transaction = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier: oidc.randomPKCECodeVerifier(),
      expires: now.getTime() + OIDC_TRANSACTION_SECONDS * 1000,
    };
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.#config.redirectUri,
      scope: OIDC_SCOPE,
      state: transaction.state,
      nonce: transaction.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(transaction.verifier),
      code_challenge_method: 'S256',
    });
    return {
      authorizationUrl: url.href,
      transaction: this.#seal(transaction),
      maxAgeSeconds: OIDC_TRANSACTION_SECONDS,
    };
  }

  /**
   * Finishes a sign-in: checks the callback against the transaction (state), redeems the code (PKCE) and
   * validates the ID token (signature, issuer, audience, expiry, nonce). `callbackQuery` is the callback's raw
   * query string, without the `?`.
   */
  async completeLogin(sealed: string | undefined, callbackQuery: string, now: Date): Promise<OidcIdentity> {
    if (!sealed) throw new OidcError('oidc_failed', DID_NOT_COMPLETE, 'no transaction cookie');
    const transaction = this.#unseal(sealed);
    if (!transaction) throw new OidcError('oidc_failed', DID_NOT_COMPLETE, 'transaction cookie not valid');
    if (now.getTime() >= transaction.expires) {
      throw new OidcError('oidc_failed', DID_NOT_COMPLETE, 'transaction expired');
    }
    const callback = new URL(this.#config.redirectUri);
    for (const [name, value] of new URLSearchParams(callbackQuery)) callback.searchParams.append(name, value);
    let claims: oidc.IDToken | undefined;
    try {
      const configuration = await this.configuration();
      const tokens = await oidc.authorizationCodeGrant(configuration, callback, {
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        pkceCodeVerifier: transaction.verifier,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (err) {
      throw new OidcError('oidc_failed', DID_NOT_COMPLETE, describeOidcError(err));
    }
    if (!claims || typeof claims.sub !== 'string' || claims.sub === '') {
      throw new OidcError('oidc_failed', DID_NOT_COMPLETE, 'no subject in the ID token');
    }
    const email = typeof claims.email === 'string' && claims.email.trim() !== '' ? claims.email : null;
    const verified = claims.email_verified;
    return {
      subject: claims.sub,
      email: email?.trim().toLowerCase() ?? null,
      emailVerified: typeof verified === 'boolean' ? verified : verified === 'true' ? true : undefined,
    };
  }

  #seal(transaction: Transaction): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(SEAL_CONTEXT);
    const body = Buffer.concat([cipher.update(JSON.stringify(transaction), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  #unseal(sealed: string): Transaction | null {
    try {
      const raw = Buffer.from(sealed, 'base64url');
      if (raw.length < 29 || raw.length > 2048) return null;
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
      decipher.setAAD(SEAL_CONTEXT);
      decipher.setAuthTag(raw.subarray(12, 28));
      const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      const parsed = JSON.parse(text) as Partial<Transaction>;
      if (
        typeof parsed.state !== 'string' ||
        typeof parsed.nonce !== 'string' ||
        typeof parsed.verifier !== 'string' ||
        typeof parsed.expires !== 'number'
      ) {
        return null;
      }
      return { state: parsed.state, nonce: parsed.nonce, verifier: parsed.verifier, expires: parsed.expires };
    } catch {
      return null;
    }
  }
}

export interface OidcSignInContext {
  clientAddress: string;
  requestId: string;
  now: Date;
}

export interface OidcSignedIn {
  orgId: string;
  id: string;
  role: Role;
  /** True when this sign-in linked the provider's subject to the user (found by email). */
  linked: boolean;
}

type StaffUser = typeof staffUsers.$inferSelect;

/**
 * Finds the member of staff for a provider identity, links the subject on first use, and records the sign-in in
 * the audit log. Throws `oidc_failed` when there is no such active user.
 */
export async function signInWithOidc(
  db: Database,
  identity: OidcIdentity,
  ctx: OidcSignInContext,
): Promise<OidcSignedIn> {
  const bySubject = await db.select().from(staffUsers).where(eq(staffUsers.oidcSubject, identity.subject));
  let user: StaffUser;
  let link = false;
  if (bySubject.length > 0) {
    const active = bySubject.filter((u) => u.active);
    if (active.length > 1) {
      throw new OidcError(
        'oidc_failed',
        'Your single sign-on account is linked to more than one Pathflow account. Ask an administrator.',
        `subject linked to ${active.length} active users`,
      );
    }
    const found = active[0];
    if (!found) {
      // The person is known but their account is disabled: record the refusal against that account.
      const disabled = bySubject[0]!;
      await writeAudit(db, actorFor(disabled, ctx), [
        {
          action: 'auth.sign-in',
          resourceType: 'StaffUser',
          resourceId: disabled.id,
          outcome: 'denied',
          detail: { method: 'oidc', reason: 'inactive' },
        },
      ]);
      throw new OidcError('oidc_failed', NOT_SET_UP, 'the user for this subject is not active');
    }
    user = found;
  } else {
    if (!identity.email) throw new OidcError('oidc_failed', NOT_SET_UP, 'unknown subject and no email claim');
    if (identity.emailVerified === false) {
      throw new OidcError('oidc_failed', NOT_SET_UP, 'unknown subject and the email is not verified');
    }
    const byEmail = await db
      .select()
      .from(staffUsers)
      .where(and(sql`lower(${staffUsers.email}) = ${identity.email}`, eq(staffUsers.active, true)));
    const candidate = byEmail[0];
    if (byEmail.length !== 1 || !candidate) {
      throw new OidcError(
        'oidc_failed',
        NOT_SET_UP,
        `unknown subject; ${byEmail.length} active users have the email`,
      );
    }
    if (candidate.oidcSubject !== null) {
      throw new OidcError(
        'oidc_failed',
        NOT_SET_UP,
        'unknown subject; the email belongs to a user linked elsewhere',
      );
    }
    user = candidate;
    link = true;
  }
  if (!isRole(user.role)) throw new OidcError('oidc_failed', NOT_SET_UP, 'the user has an unknown role');
  const role = user.role;
  const signedIn = user;
  await db.transaction(async (tx) => {
    if (link) {
      // Only if nobody linked or disabled the user in the meantime.
      const updated = await tx
        .update(staffUsers)
        .set({ oidcSubject: identity.subject })
        .where(
          and(
            eq(staffUsers.orgId, signedIn.orgId),
            eq(staffUsers.id, signedIn.id),
            isNull(staffUsers.oidcSubject),
            eq(staffUsers.active, true),
          ),
        )
        .returning({ id: staffUsers.id });
      if (updated.length !== 1)
        throw new OidcError('oidc_failed', NOT_SET_UP, 'the user changed while linking');
    }
    await writeAudit(tx, actorFor(signedIn, ctx), [
      {
        action: 'auth.sign-in',
        resourceType: 'StaffUser',
        resourceId: signedIn.id,
        detail: link ? { method: 'oidc', linked: true } : { method: 'oidc' },
      },
    ]);
  });
  return { orgId: signedIn.orgId, id: signedIn.id, role, linked: link };
}

function actorFor(user: StaffUser, ctx: OidcSignInContext) {
  return {
    orgId: user.orgId,
    actorType: 'user' as const,
    actorId: user.id,
    actorRole: user.role,
    clientAddress: ctx.clientAddress,
    requestId: ctx.requestId,
    at: ctx.now,
  };
}
