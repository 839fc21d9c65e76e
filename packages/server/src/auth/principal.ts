import type { Permission, Role } from '@pathflow/core';

/** Who is making a request: a signed-in member of staff or a machine client holding a bearer token. */
export interface Principal {
  /** 'system': the scheduler or another background job acting for the organisation (`systemContext`). */
  kind: 'user' | 'client' | 'system';
  orgId: string;
  /** Staff user id, or the OAuth client id. */
  id: string;
  name: string;
  role: Role | 'system';
  permissions: ReadonlySet<Permission>;
  /** Present for cookie sessions only. */
  session?: { id: string; csrfToken: string };
}

/** Everything a feature service needs to know about the request it serves, without knowing HTTP. */
export interface RequestContext {
  principal: Principal;
  clientAddress: string;
  requestId: string;
  now: Date;
}

/**
 * The context background work runs in (a scheduled job, the outbox's delivery): it acts for the organisation as
 * 'system', holds no permissions (it is not an HTTP caller) and is audited as such.
 */
export function systemContext(
  orgId: string,
  now: Date,
  id = 'scheduler',
  requestId: string | null = null,
): RequestContext {
  return {
    principal: { kind: 'system', orgId, id, name: id, role: 'system', permissions: new Set() },
    clientAddress: 'internal',
    requestId: requestId ?? `${id}:${now.toISOString()}`,
    now,
  };
}
