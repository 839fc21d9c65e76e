import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { SpecialtyWaitingList } from '@pathflow/core';
import { ApiError } from '../api/client';
import { getSpecialties } from '../api/endpoints';
import { InsetText } from '../components/inset-text';
import { Loading } from '../components/loading';
import { useSession } from '../session/session-context';
import { WaitingListTable } from './waiting-list-table';

type Load =
  | { status: 'loading' }
  | { status: 'loaded'; list: SpecialtyWaitingList }
  | { status: 'forbidden' }
  | { status: 'failed'; message: string };

/** The organisation's waiting lists by specialty, fetched when the home page opens. */
export function WaitingListSection() {
  const { expired } = useSession();
  const [load, setLoad] = useState<Load>({ status: 'loading' });

  useEffect(() => {
    const controller = new AbortController();
    getSpecialties(controller.signal)
      .then((list) => setLoad({ status: 'loaded', list }))
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        if (err instanceof ApiError && err.status === 401) return expired();
        if (err instanceof ApiError && err.status === 403) return setLoad({ status: 'forbidden' });
        const detail = err instanceof ApiError ? err.detail : '';
        setLoad({
          status: 'failed',
          message: `The waiting lists could not be loaded. ${detail} Try again later.`,
        });
      });
    return () => controller.abort();
  }, [expired]);

  return (
    <section aria-labelledby="waiting-lists-heading">
      <h2 className="nhsuk-heading-m" id="waiting-lists-heading">
        Waiting lists
      </h2>
      {load.status === 'loading' ? <Loading text="Loading waiting lists…" /> : null}
      {load.status === 'forbidden' ? (
        <InsetText>
          <p>Waiting lists are not part of your role.</p>
        </InsetText>
      ) : null}
      {load.status === 'failed' ? (
        <div className="nhsuk-card nhsuk-card--warning">
          <div className="nhsuk-card__content">
            <h3 className="nhsuk-card__heading">The waiting lists are not available</h3>
            <p className="nhsuk-card__description">{load.message}</p>
          </div>
        </div>
      ) : null}
      {load.status === 'loaded' ? <WaitingListTable list={load.list} /> : null}
      {load.status === 'forbidden' ? null : (
        <p className="nhsuk-body">
          <Link to="/ptl">View the patient tracking list</Link>
        </p>
      )}
    </section>
  );
}
