/**
 * One route's case in the permission matrix (`../permissions.test.ts`). A feature keeps its own cases in a file
 * of this folder that default-exports a `PermissionCaseSet`: the matrix test loads every file here, runs `fill`
 * once before the tests (records its writes will use, one per request), and checks each case for every role.
 */
import type { Role } from '@pathflow/core';
import type { Harness } from '../../support/app';

export interface Case {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';
  route: string;
  /** `n` counts requests across the whole matrix: the nth request may take the nth record of a pool. */
  url: (h: Harness, n: number) => string;
  payload?: (n: number) => unknown;
  /** Headers the request needs beyond credentials (If-Match, a JSON Patch's content type). */
  headers?: Record<string, string>;
  allowed: Role[] | 'all';
}

export interface PermissionCaseSet {
  fill?: (h: Harness) => Promise<void>;
  cases: Case[];
}

/** Requests per role and way of signing in are many: a pool must hold this many records. */
export const POOL_SIZE = 1500;

export const READERS: Role[] = ['booking-clerk', 'team-leader', 'clinician', 'service-manager'];
export const WRITERS: Role[] = ['booking-clerk', 'team-leader', 'clinician'];

export const fromPool = (pool: readonly string[], n: number): string => {
  const id = pool[n];
  if (id === undefined) throw new Error(`The pool holds ${pool.length} records; request ${n} needs more`);
  return id;
};
