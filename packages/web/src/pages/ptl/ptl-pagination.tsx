import { Link, type To } from 'react-router';
import { formatCount } from '../../format';

const ARROWS = {
  prev: 'M10.7 6.3c.4.4.4 1 0 1.4L7.4 11H19a1 1 0 0 1 0 2H7.4l3.3 3.3c.4.4.4 1 0 1.4a1 1 0 0 1-1.4 0l-5-5A1 1 0 0 1 4 12c0-.3.1-.5.3-.7l5-5a1 1 0 0 1 1.4 0Z',
  next: 'm14.7 6.3 5 5c.2.2.3.4.3.7 0 .3-.1.5-.3.7l-5 5a1 1 0 0 1-1.4-1.4l3.3-3.3H5a1 1 0 0 1 0-2h11.6l-3.3-3.3a1 1 0 1 1 1.4-1.4Z',
} as const;

type Direction = keyof typeof ARROWS;

interface PageLink {
  to: To;
  label: string;
}

interface PtlPaginationProps {
  /** Where the previous and next pages are, or null at either end. */
  previous: PageLink | null;
  next: PageLink | null;
  /** Moves focus to the top of the page after following a link, as a new page would. */
  onNavigate: () => void;
}

/** One NHS.UK pagination item: "Previous" or "Next", the patients that page shows, and its arrow. */
function PaginationItem({
  direction,
  link,
  onNavigate,
}: {
  direction: Direction;
  link: PageLink;
  onNavigate: () => void;
}) {
  const title = direction === 'prev' ? 'Previous' : 'Next';
  const arrow = (
    <svg
      className={`nhsuk-icon nhsuk-icon--arrow-${direction === 'prev' ? 'left' : 'right'}`}
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 24 24"
      width="16"
      height="16"
      focusable="false"
      aria-hidden="true"
    >
      <path d={ARROWS[direction]} />
    </svg>
  );
  return (
    <li className={`nhsuk-pagination-item--${direction === 'prev' ? 'previous' : 'next'}`}>
      <Link
        className={`nhsuk-pagination__link nhsuk-pagination__link--${direction}`}
        to={link.to}
        rel={direction}
        onClick={onNavigate}
      >
        <span className="nhsuk-pagination__title">
          {title}
          <span className="nhsuk-u-visually-hidden"> page</span>
        </span>
        <span className="nhsuk-u-visually-hidden">:</span>{' '}
        <span className="nhsuk-pagination__page">{link.label}</span>
        {arrow}
      </Link>
    </li>
  );
}

/** NHS.UK pagination, previous and next only, each labelled with the patients it shows, e.g. "51 to 100". */
export function PtlPagination({ previous, next, onNavigate }: PtlPaginationProps) {
  if (!previous && !next) return null;
  return (
    <nav className="nhsuk-pagination" role="navigation" aria-label="Pagination">
      <ul className="nhsuk-list nhsuk-pagination__list">
        {previous ? <PaginationItem direction="prev" link={previous} onNavigate={onNavigate} /> : null}
        {next ? <PaginationItem direction="next" link={next} onNavigate={onNavigate} /> : null}
      </ul>
    </nav>
  );
}

/**
 * Previous and next links for a paged list: page `page` (from 1) of `total` rows, `pageSize` to a page, `shown`
 * on this one; each link labelled with the rows it shows ("51 to 100").
 */
export function PagedPagination({
  page,
  pageSize,
  shown,
  total,
  pageLink,
  onNavigate,
}: {
  page: number;
  pageSize: number;
  shown: number;
  total: number;
  pageLink: (page: number) => To;
  onNavigate: () => void;
}) {
  const offset = (page - 1) * pageSize;
  return (
    <PtlPagination
      previous={
        page > 1
          ? {
              to: pageLink(page - 1),
              label: `${formatCount(offset - pageSize + 1)} to ${formatCount(offset)}`,
            }
          : null
      }
      next={
        offset + shown < total
          ? {
              to: pageLink(page + 1),
              label: `${formatCount(offset + pageSize + 1)} to ${formatCount(Math.min(offset + 2 * pageSize, total))}`,
            }
          : null
      }
      onNavigate={onNavigate}
    />
  );
}
