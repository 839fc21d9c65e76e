import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { SessionInfo } from '@pathflow/core';
import { ApiError, setCsrfToken } from '../api/client';
import { getSession, signOut as signOutRequest } from '../api/endpoints';
import {
  SessionContext,
  type SessionContextValue,
  type SessionState,
  type SignedOutReason,
} from './session-context';

/** Asks the server once, at start-up, whether there is a session, and keeps the answer for the whole app. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const signedIn = useCallback((session: SessionInfo) => {
    setCsrfToken(session.csrfToken);
    setState({ status: 'signed-in', session });
  }, []);

  const forget = useCallback((reason: SignedOutReason) => {
    setCsrfToken(null);
    setState({ status: 'signed-out', reason });
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    getSession(controller.signal)
      .then(signedIn)
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        // 401 is the usual answer when nobody is signed in; anything else also leaves us signed out.
        if (!(err instanceof ApiError)) console.error(err);
        forget(null);
      });
    return () => controller.abort();
  }, [signedIn, forget]);

  const signOut = useCallback(async () => {
    try {
      await signOutRequest();
    } catch (err) {
      // 401: the session had already ended on the server, which is what the person wanted. Anything else (no
      // connection, a server error) leaves the session alive, so say so rather than pretend.
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
    }
    forget('signed-out');
  }, [forget]);

  const expired = useCallback(() => forget('expired'), [forget]);

  const staySignedIn = useCallback(async () => {
    signedIn(await getSession());
  }, [signedIn]);

  const timedOut = useCallback(async () => {
    try {
      // The server would end the session itself within a minute or so; end it now, while we have the CSRF token.
      await signOutRequest();
    } catch {
      // Already ended on the server, or no connection: either way the person is signed out here.
    }
    forget('expired');
  }, [forget]);

  const value = useMemo<SessionContextValue>(
    () => ({ state, signedIn, signOut, expired, staySignedIn, timedOut }),
    [state, signedIn, signOut, expired, staySignedIn, timedOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
