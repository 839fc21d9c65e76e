import type { ReactNode } from 'react';
import { Loading } from '../../components/loading';
import type { Load } from '../../components/use-load';

/**
 * One section of the patient record (pathways, appointments, messages, tasks, audit trail), loaded on its own:
 * a holding message while it loads, a warning card if it could not be, and nothing at all when the server says
 * the user's role may not see it (the page leaves out what the role does not include).
 */
export function RecordSection<T>({
  id,
  heading,
  noun,
  load,
  isEmpty,
  empty,
  children,
}: {
  id: string;
  heading: string;
  /** What the section lists, in the plural: "appointments". */
  noun: string;
  load: Load<T>;
  isEmpty: (data: T) => boolean;
  /** What to say when there is nothing to list. */
  empty: string;
  children: (data: T) => ReactNode;
}) {
  if (load.status === 'forbidden') return null;
  return (
    <section className="app-record-section" aria-labelledby={`${id}-heading`}>
      <h2 className="nhsuk-heading-m" id={`${id}-heading`}>
        {heading}
      </h2>
      {load.status === 'loading' ? <Loading text={`Loading ${noun}…`} /> : null}
      {load.status === 'failed' ? (
        <div className="nhsuk-card nhsuk-card--warning">
          <div className="nhsuk-card__content">
            <h3 className="nhsuk-card__heading">The {noun} are not available</h3>
            <p className="nhsuk-card__description">
              The {noun} could not be loaded. {load.detail ? `${load.detail} ` : ''}Try again later.
            </p>
          </div>
        </div>
      ) : null}
      {load.status === 'loaded' ? (
        isEmpty(load.data) ? (
          <p className="nhsuk-body">{empty}</p>
        ) : (
          children(load.data)
        )
      ) : null}
    </section>
  );
}
