import type { Permission, Role } from '@pathflow/core';

/** Who is making a request: a signed-in member of staff or a machine client holding a bearer token. */
export interface Principal {
  kind: 'user' | 'client';
  orgId: string;
  /** Staff user id, or the OAuth client id. */
  id: string;
  name: string;
  role: Role;
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
