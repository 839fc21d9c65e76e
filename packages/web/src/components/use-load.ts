import { useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { useSession } from '../session/session-context';

export type Load<T> =
  | { status: 'loading' }
  | { status: 'loaded'; data: T }
  | { status: 'forbidden' }
  | { status: 'failed'; detail: string; httpStatus: number };

/**
 * Fetches with `fetcher` whenever `key` changes (and only while `enabled`); a 401 ends the session, a 403 is
 * "forbidden". Any other failure keeps the answer's status (0 for no answer). To fetch again, change the key.
 */
export function useLoad<T>(
  key: string,
  fetcher: (signal: AbortSignal) => Promise<T>,
  enabled: boolean,
): Load<T> {
  const { expired } = useSession();
  const [load, setLoad] = useState<{ key: string; load: Load<T> }>({ key, load: { status: 'loading' } });
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    setLoad({ key, load: { status: 'loading' } });
    fetcher(controller.signal)
      .then((data) => setLoad({ key, load: { status: 'loaded', data } }))
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        if (err instanceof ApiError && err.status === 401) return expired();
        if (err instanceof ApiError && err.status === 403)
          return setLoad({ key, load: { status: 'forbidden' } });
        const detail = err instanceof ApiError ? err.detail || err.title : '';
        const httpStatus = err instanceof ApiError ? err.status : 0;
        setLoad({ key, load: { status: 'failed', detail, httpStatus } });
      });
    return () => controller.abort();
    // `fetcher` is a new function on every render; `key` says when what it fetches changes.
  }, [key, enabled, expired]);
  return load.key === key ? load.load : { status: 'loading' };
}
