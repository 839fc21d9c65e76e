/**
 * What the web app can tell about the server's idle timer from the answers it gets. The server ends a session
 * that has gone `idleTimeoutSeconds` without a request, and restarts that clock on a signed-in request only when
 * its last restart is more than a minute old. So from the browser we keep a time the server restarted it at or
 * after (never later than the truth), which is what the session timeout warning counts down from.
 *
 * Every tab of the app shares one session cookie, so tabs tell each other what they learn: using Pathflow in
 * one tab keeps the others from warning or signing out. (A tab cannot see another's requests while they are on
 * their way, so in a race between tabs the estimate can be up to a minute late.)
 */

/** The server restarts the idle clock at most this often. */
const SERVER_REFRESH_MS = 60_000;

export interface SessionActivity {
  /** Browser time (ms) at or after which the server last restarted the session's idle clock. */
  refreshedAfter: number;
  /** Browser time of the latest answer from the API: the server cannot have restarted the clock after it. */
  lastAnswerAt: number | null;
  /** How far the server's clock is ahead of this browser's (ms), erring towards "ahead". */
  serverClockAhead: number;
}

type Shared = Pick<SessionActivity, 'refreshedAfter' | 'lastAnswerAt'>;

// Until the first answer we know nothing, so the earliest time there is.
let activity: SessionActivity = { refreshedAfter: 0, lastAnswerAt: null, serverClockAhead: 0 };
const listeners = new Set<() => void>();
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('pathflow-session') : null;

function update(next: SessionActivity): void {
  if (
    next.refreshedAfter === activity.refreshedAfter &&
    next.lastAnswerAt === activity.lastAnswerAt &&
    next.serverClockAhead === activity.serverClockAhead
  ) {
    return;
  }
  activity = next;
  for (const listener of listeners) listener();
}

const later = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

function isShared(value: unknown): value is Shared {
  if (typeof value !== 'object' || value === null) return false;
  const { refreshedAfter, lastAnswerAt } = value as Record<string, unknown>;
  return typeof refreshedAfter === 'number' && (lastAnswerAt === null || typeof lastAnswerAt === 'number');
}

channel?.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isShared(event.data)) return;
  update({
    ...activity,
    refreshedAfter: Math.max(activity.refreshedAfter, event.data.refreshedAfter),
    lastAnswerAt: later(activity.lastAnswerAt, event.data.lastAnswerAt),
  });
});

/** Requests sent and not yet answered. */
let pending = 0;

export interface TrackedRequest {
  /** The server answered (with any status). */
  answered(response: Response): void;
  /** No answer: no connection, or the request was cancelled. */
  failed(): void;
}

/**
 * Called by the API client as it sends each request. `startsSession` is for signing in, whose answer starts a
 * session with a fresh idle clock.
 */
export function trackRequest(startsSession = false): TrackedRequest {
  const sentAt = Date.now();
  // With another request on its way, the server may have restarted the clock for that one moments before this.
  const alone = pending === 0;
  pending++;
  let settled = false;
  const settle = () => {
    if (settled) return false;
    settled = true;
    pending--;
    return true;
  };
  return {
    answered(response) {
      if (!settle()) return;
      const answeredAt = Date.now();
      let { refreshedAfter, serverClockAhead } = activity;
      // A 2xx answer means the session, if there is one, was in use on the server.
      if (response.ok) {
        const quietBefore =
          alone && activity.lastAnswerAt !== null && sentAt - activity.lastAnswerAt > SERVER_REFRESH_MS;
        if (startsSession || quietBefore) {
          // A new session; or the last restart was no later than our last answer, over a minute before this.
          refreshedAfter = sentAt;
        } else {
          // The server restarted the clock for this request, or had done so within the minute before it.
          refreshedAfter = Math.max(refreshedAfter, sentAt - SERVER_REFRESH_MS);
        }
      }
      // The Date header is rounded down to the second, and was written after the request was sent.
      const date = Date.parse(response.headers.get('date') ?? '');
      if (!Number.isNaN(date)) serverClockAhead = date + 1000 - sentAt;
      const lastAnswerAt = later(activity.lastAnswerAt, answeredAt);
      update({ refreshedAfter, lastAnswerAt, serverClockAhead });
      channel?.postMessage({ refreshedAfter, lastAnswerAt } satisfies Shared);
    },
    failed() {
      settle();
    },
  };
}

export function getActivity(): SessionActivity {
  return activity;
}

/** For `useSyncExternalStore`. */
export function subscribeToActivity(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
