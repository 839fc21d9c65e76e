import { createContext, useContext } from 'react';
import type { SessionInfo } from '@pathflow/core';

/** Why there is no session: signed out on purpose, or the server ended it (idle or too long). */
export type SignedOutReason = 'signed-out' | 'expired' | null;

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; reason: SignedOutReason }
  | { status: 'signed-in'; session: SessionInfo };

export interface SessionContextValue {
  state: SessionState;
  /** After a successful sign-in. */
  signedIn: (session: SessionInfo) => void;
  /** Signs out on the server (with the CSRF header) and forgets the session here. Throws if the server did not. */
  signOut(): Promise<void>;
  /** When the API answers 401 to a signed-in request: the session has ended on the server. */
  expired: () => void;
  /** "Stay signed in": asks the server for the session, which counts as using it. Throws if it could not. */
  staySignedIn: () => Promise<void>;
  /** When the session's time runs out: ends it on the server too, if it still can, then as `expired`. */
  timedOut: () => Promise<void>;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}

/** The signed-in session; only for components rendered inside `<RequireSession>`. */
export function useSignedInSession(): SessionInfo {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useSignedInSession needs a signed-in session');
  return state.session;
}
