import type { ReactNode } from 'react';
import { Link, type To } from 'react-router';
import { PagedPagination } from '../pages/ptl/ptl-pagination';
import type { Load } from './use-load';

/**
 * The body of a paged list page: a warning card when the list could not be loaded, a way back to the first page
 * when this page is past the end, and otherwise the rows (drawn by `children`) with previous and next links.
 */
export function PagedList<T extends { total: number }, R>({
  list,
  rowsOf,
  noun,
  heading,
  page,
  pageSize,
  pageLink,
  onNavigate,
  children,
}: {
  list: Load<T>;
  rowsOf: (data: T) => R[];
  /** What the rows are, in the plural: "tasks", "messages". */
  noun: string;
  /** The warning card's heading level, to fit the page's outline. */
  heading: 'h2' | 'h3';
  page: number;
  pageSize: number;
  pageLink: (page: number) => To;
  onNavigate: () => void;
  children: (rows: R[]) => ReactNode;
}) {
  const Heading = heading;
  if (list.status === 'failed') {
    return (
      <div className="nhsuk-card nhsuk-card--warning">
        <div className="nhsuk-card__content">
          <Heading className="nhsuk-card__heading">The {noun} are not available</Heading>
          <p className="nhsuk-card__description">
            The {noun} could not be loaded. {list.detail ? `${list.detail} ` : ''}Try again later.
          </p>
        </div>
      </div>
    );
  }
  if (list.status !== 'loaded') return null;
  const rows = rowsOf(list.data);
  if (rows.length === 0) {
    return list.data.total > 0 ? (
      <p className="nhsuk-body">
        There are no {noun} on this page.{' '}
        <Link to={pageLink(1)} onClick={onNavigate}>
          Go to the first page
        </Link>
      </p>
    ) : null;
  }
  return (
    <>
      {children(rows)}
      <PagedPagination
        page={page}
        pageSize={pageSize}
        shown={rows.length}
        total={list.data.total}
        pageLink={pageLink}
        onNavigate={onNavigate}
      />
    </>
  );
}
