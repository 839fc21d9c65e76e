import { Link, useLocation, useNavigate } from 'react-router';
import type { PtlPage as PtlPageData, PtlSummary, SpecialtyWaiting } from '@pathflow/core';
import { getSpecialties } from '../../api/endpoints';
import { getClinicians, type Clinician } from '../../api/clinics';
import { getPtl, getPtlSummary, ptlExportUrl } from '../../api/ptl';
import { PageHeading } from '../../components/page-heading';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatCount, withArticle } from '../../format';
import { useSignedInSession } from '../../session/session-context';
import '../../styles/ptl.css';
import { PtlFilters } from './ptl-filters';
import { SaveViewForm, SavedViewList, useSavedViews } from './ptl-saved-views';
import { formatPercent } from './ptl-format';
import { PagedPagination } from './ptl-pagination';
import { PtlTable } from './ptl-table';
import { PAGE_SIZE, queryFromView, searchFromView, viewFromSearch, type PtlView } from './ptl-view';

function focusHeading(): void {
  document.querySelector<HTMLElement>('main h1')?.focus();
}

function SummaryLine({ summary, specialty }: { summary: PtlSummary; specialty: string }) {
  const chosen = specialty ? summary.specialties.find((s) => s.code === specialty) : undefined;
  if (specialty && !chosen) return null;
  const figures = chosen ?? summary.trust;
  const where = chosen ? ` in ${chosen.name}` : '';
  const within =
    figures.percentWithin18 === null ? '' : `, ${formatPercent(figures.percentWithin18)} within 18 weeks`;
  return (
    <p className="nhsuk-body-l" data-testid="ptl-summary">
      {formatCount(figures.total)} {figures.total === 1 ? 'patient' : 'patients'} waiting{where}
      {within}
    </p>
  );
}

function Unavailable({ detail }: { detail: string }) {
  return (
    <div className="nhsuk-card nhsuk-card--warning">
      <div className="nhsuk-card__content">
        <h2 className="nhsuk-card__heading">The patient tracking list is not available</h2>
        <p className="nhsuk-card__description">
          The patient tracking list could not be loaded. {detail ? `${detail} ` : ''}Try again later.
        </p>
      </div>
    </div>
  );
}

/**
 * The patient tracking list (PTL): every patient waiting on an open referral to treatment pathway, filtered,
 * sorted and paged by the server. What it shows is in the address (see `ptl-view.ts`).
 */
export function PtlPage() {
  const { user } = useSignedInSession();
  const location = useLocation();
  const navigate = useNavigate();
  const allowed = user.permissions.includes('WaitingList.read');
  const view = viewFromSearch(new URLSearchParams(location.search));
  const query = queryFromView(view);
  const offset = (view.page - 1) * PAGE_SIZE;
  const listKey = JSON.stringify({ ...query, offset });

  const list = useLoad<PtlPageData>(
    listKey,
    (signal) => getPtl({ ...query, limit: PAGE_SIZE, offset }, signal),
    allowed,
  );
  const summary = useLoad<PtlSummary>('summary', getPtlSummary, allowed);
  const specialties = useLoad<SpecialtyWaiting[]>(
    'specialties',
    (signal) => getSpecialties(signal).then((l) => l.specialties),
    allowed,
  );

  const saved = useSavedViews(view, allowed);
  const clinicians = useLoad<Clinician[]>(
    'clinicians',
    (signal) => getClinicians(undefined, signal),
    allowed,
  );

  const forbidden = !allowed || list.status === 'forbidden' || summary.status === 'forbidden';
  usePageTitle(forbidden ? 'You do not have access' : 'Patient tracking list');

  if (forbidden) {
    return (
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <PageHeading>You do not have access</PageHeading>
          <p>The patient tracking list is not part of your role as {withArticle(user.roleLabel)}.</p>
          <p>
            <Link to="/">Go to the Pathflow home page</Link>
          </p>
        </div>
      </div>
    );
  }

  const apply = (next: PtlView) => {
    void navigate({ pathname: '/ptl', search: searchFromView(next) });
  };
  const pageLink = (page: number) => ({ pathname: '/ptl', search: searchFromView({ ...view, page }) });

  const specialtyName =
    view.specialty &&
    ((specialties.status === 'loaded' && specialties.data.find((s) => s.code === view.specialty)?.name) ||
      (summary.status === 'loaded' &&
        summary.data.specialties.find((s) => s.code === view.specialty)?.name) ||
      view.specialty);

  let status = 'Loading patients…';
  if (list.status === 'failed') status = '';
  if (list.status === 'loaded') {
    const { total, rows } = list.data;
    status =
      total === 0
        ? 'No patients match these filters.'
        : rows.length === 0
          ? ''
          : `Showing ${formatCount(offset + 1)} to ${formatCount(offset + rows.length)} of ${formatCount(total)} ${
              total === 1 ? 'patient' : 'patients'
            }`;
  }

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-full">
        <PageHeading>Patient tracking list</PageHeading>
        {summary.status === 'loaded' ? (
          <SummaryLine summary={summary.data} specialty={view.specialty} />
        ) : null}
        <SavedViewList saved={saved} />
        <PtlFilters
          view={view}
          specialties={specialties.status === 'loaded' ? specialties.data : null}
          clinicians={clinicians.status === 'loaded' ? clinicians.data : null}
          onApply={apply}
        />
        {searchFromView({ ...view, page: 1 }) ? (
          <p className="nhsuk-body">
            <Link to="/ptl">Clear filters and sort</Link>
          </p>
        ) : null}

        <p className="nhsuk-body" role="status">
          {status}
        </p>
        {list.status === 'failed' ? <Unavailable detail={list.detail} /> : null}
        {list.status === 'loaded' && list.data.rows.length === 0 && list.data.total > 0 ? (
          <p className="nhsuk-body">
            There are no patients on this page.{' '}
            <Link to={pageLink(1)} onClick={focusHeading}>
              Go to the first page
            </Link>
          </p>
        ) : null}
        {list.status === 'loaded' && list.data.rows.length > 0 ? (
          <>
            <PtlTable
              page={list.data}
              caption={`Patients waiting${specialtyName ? ` in ${specialtyName}` : ''}`}
            />
            <PagedPagination
              page={view.page}
              pageSize={PAGE_SIZE}
              shown={list.data.rows.length}
              total={list.data.total}
              pageLink={pageLink}
              onNavigate={focusHeading}
            />
          </>
        ) : null}

        {list.status !== 'failed' ? (
          <>
            <h2 className="nhsuk-heading-s">Download this list</h2>
            <p className="nhsuk-body">Every patient who matches these filters, in the order shown.</p>
            <ul className="nhsuk-list">
              <li>
                <a href={ptlExportUrl('xlsx', query)} download>
                  Download as Excel
                </a>
              </li>
              <li>
                <a href={ptlExportUrl('csv', query)} download>
                  Download as CSV
                </a>
              </li>
            </ul>
          </>
        ) : null}
        <SaveViewForm saved={saved} />
      </div>
    </div>
  );
}
