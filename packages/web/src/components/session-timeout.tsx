import { useEffect, useRef, useState, useSyncExternalStore, type SyntheticEvent } from 'react';
import { useLocation, useNavigate } from 'react-router';
import type { SessionInfo } from '@pathflow/core';
import { getActivity, subscribeToActivity, type SessionActivity } from '../api/activity';
import { ApiError } from '../api/client';
import { formatMinutesAndSeconds } from '../format';
import { useSession } from '../session/session-context';
import type { SignInRedirect } from './require-session';

/** How long before the session ends the warning shows. */
const WARNING_MS = 2 * 60_000;

/** The longest a timer waits before we look again (browsers cannot wait longer than about 24 days). */
const LONGEST_WAIT_MS = 60 * 60_000;

/** Seconds left at which screen readers hear the countdown; it changes on screen every second. */
const ANNOUNCE_AT = [90, 60, 30, 10];

const HEADING_ID = 'session-timeout-heading';
const COUNTDOWN_ID = 'session-timeout-countdown';
const FINAL_ID = 'session-timeout-final';

interface Limits {
  /** Browser time at which we sign the person out. */
  endsAt: number;
  /** Browser time at which the warning shows. */
  warnAt: number;
  /** The session's absolute limit, which staying signed in cannot move, comes first (or soon after). */
  final: boolean;
}

function limitsOf(session: SessionInfo, activity: SessionActivity): Limits {
  // No idle limit from the server (it has always sent one since SessionInfo had it): the absolute one only.
  const idleMs = session.idleTimeoutSeconds > 0 ? session.idleTimeoutSeconds * 1000 : Infinity;
  const idleEndsAt = activity.refreshedAfter + idleMs;
  const absoluteEndsAt = Date.parse(session.expiresAt) - activity.serverClockAhead;
  // After each request, at least a minute (or half the idle time, if that is shorter) without a warning.
  const warningMs = Math.min(WARNING_MS, Math.max(idleMs - 60_000, idleMs / 2));
  const endsAt = Math.min(idleEndsAt, absoluteEndsAt);
  return { endsAt, warnAt: endsAt - warningMs, final: absoluteEndsAt <= idleEndsAt + warningMs };
}

/**
 * WCAG 2.2 SC 2.2.1 (Timing adjustable): warns two minutes before the session ends, whether from lack of use or
 * at its absolute limit, and lets the person stay signed in with one action (the button, or Escape). If time
 * runs out, signs them out as an expired session. A native modal `<dialog>`: focus moves into it and returns to
 * where it was when it closes.
 */
export function SessionTimeout({ session }: { session: SessionInfo }) {
  const context = useSession();
  const { staySignedIn, timedOut } = context;
  const navigate = useNavigate();
  const location = useLocation();
  const activity = useSyncExternalStore(subscribeToActivity, getActivity);
  const { endsAt, warnAt, final } = limitsOf(session, activity);

  const [now, setNow] = useState(() => Date.now());
  // The server said the session had already ended.
  const [endedEarly, setEndedEarly] = useState(false);
  // A request for "Stay signed in" or "Sign out" is on its way. Not `disabled` buttons: that would lose focus.
  const busy = useRef(false);
  const [error, setError] = useState<string | null>(null);
  // A final warning closed with "Continue" stays closed for that session.
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const lastAnnounced = useRef<number | null>(null);
  const ending = useRef(false);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const primaryRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);

  const over = endedEarly || now >= endsAt;
  const showing = now >= warnAt && !over && !(final && dismissed === session.expiresAt);
  const secondsLeft = Math.ceil((endsAt - now) / 1000);
  const from = `${location.pathname}${location.search}`;

  // Wake up for the warning, then each time the countdown's seconds change, then at the end.
  useEffect(() => {
    if (over) return;
    const at = Date.now();
    const next = at < warnAt ? warnAt : at + ((endsAt - at) % 1000 || 1000);
    const timer = window.setTimeout(
      () => setNow(Date.now()),
      Math.min(Math.max(0, next - at), LONGEST_WAIT_MS),
    );
    return () => window.clearTimeout(timer);
  }, [now, warnAt, endsAt, over]);

  // Timers in a background tab can run late, and a computer can sleep: check again when the page is seen.
  useEffect(() => {
    const wake = () => setNow(Date.now());
    document.addEventListener('visibilitychange', wake);
    return () => document.removeEventListener('visibilitychange', wake);
  }, []);

  useEffect(() => {
    if (!over || ending.current) return;
    ending.current = true;
    const redirect: SignInRedirect = { from };
    void timedOut().then(() => navigate('/sign-in', { replace: true, state: redirect }));
  }, [over, timedOut, navigate, from]);

  // Screen readers hear the time left when the dialog opens (it describes the dialog), then at each of a few
  // points. The last point passed: null while the dialog is closed, Infinity before the first.
  const checkpoint = showing ? (ANNOUNCE_AT.filter((s) => s >= secondsLeft).at(-1) ?? Infinity) : null;
  useEffect(() => {
    const previous = lastAnnounced.current;
    if (checkpoint === previous) return;
    lastAnnounced.current = checkpoint;
    const opensOrCloses = checkpoint === null || previous === null;
    setAnnouncement(opensOrCloses ? '' : `We will sign you out in ${formatMinutesAndSeconds(secondsLeft)}.`);
  }, [checkpoint, secondsLeft]);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (showing && !dialog.open) {
      returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      setError(null);
      dialog.showModal();
      primaryRef.current?.focus();
    } else if (!showing && dialog.open) {
      dialog.close();
    }
  }, [showing]);

  const restoreFocus = () => {
    const target = returnFocus.current;
    returnFocus.current = null;
    if (!ending.current && target?.isConnected) target.focus();
  };

  const stay = () => {
    if (busy.current) return;
    busy.current = true;
    setError(null);
    staySignedIn()
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 401) return setEndedEarly(true);
        setError('You could not be kept signed in. Check your connection and try again.');
      })
      .finally(() => {
        busy.current = false;
      });
  };

  const leave = () => {
    if (busy.current) return;
    busy.current = true;
    setError(null);
    context
      .signOut()
      .then(() => {
        ending.current = true;
        return navigate('/sign-in', { replace: true });
      })
      .catch(() => setError('You have not been signed out. Check your connection and try again.'))
      .finally(() => {
        busy.current = false;
      });
  };

  // Escape (or another way of closing the dialog that the browser offers): someone who is there wants to stay.
  const cancel = (event: SyntheticEvent) => {
    event.preventDefault();
    if (final) setDismissed(session.expiresAt);
    else stay();
  };

  return (
    <dialog
      className="app-timeout-dialog"
      ref={dialogRef}
      aria-labelledby={HEADING_ID}
      aria-describedby={final ? `${COUNTDOWN_ID} ${FINAL_ID}` : COUNTDOWN_ID}
      onKeyDown={(event) => {
        // Handled here rather than left to the dialog, which may close itself on a second Escape.
        if (event.key === 'Escape') cancel(event);
      }}
      onCancel={cancel}
      onClose={restoreFocus}
    >
      <h2 className="nhsuk-heading-m" id={HEADING_ID}>
        You&apos;ll be signed out soon
      </h2>
      <p className="nhsuk-body" id={COUNTDOWN_ID}>
        We will sign you out in {formatMinutesAndSeconds(showing ? secondsLeft : WARNING_MS / 1000)} to
        protect your information.
      </p>
      {final ? (
        <p className="nhsuk-body" id={FINAL_ID}>
          You have been signed in for the longest time allowed, so you will need to sign in again.
        </p>
      ) : null}
      <p className="nhsuk-u-visually-hidden" role="status">
        {announcement}
      </p>
      {error ? (
        <p className="nhsuk-error-message" role="alert">
          <span className="nhsuk-u-visually-hidden">Error: </span>
          {error}
        </p>
      ) : null}
      <div className="nhsuk-button-group">
        {final ? (
          <button
            className="nhsuk-button"
            type="button"
            ref={primaryRef}
            onClick={() => setDismissed(session.expiresAt)}
          >
            Continue
          </button>
        ) : (
          <button className="nhsuk-button" type="button" ref={primaryRef} onClick={stay}>
            Stay signed in
          </button>
        )}
        <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={leave}>
          Sign out
        </button>
      </div>
    </dialog>
  );
}
