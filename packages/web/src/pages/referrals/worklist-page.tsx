import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import type { SpecialtyWaiting } from '@pathflow/core';
import { getSpecialties } from '../../api/endpoints';
import { getReferrals, type Referral, type ReferralList } from '../../api/referrals';
import { NoAccess } from '../../components/no-access';
import { PageHeading } from '../../components/page-heading';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatCount } from '../../format';
import { useSignedInSession } from '../../session/session-context';
import '../../styles/ptl.css';
import { formatNhsNumber, formatShortDate } from '../ptl/ptl-format';
import { PagedPagination } from '../ptl/ptl-pagination';
import { PRIORITY_LABELS, PRIORITY_TAGS, SOURCE_LABELS, labelOf } from './referral-format';

export const PAGE_SIZE = 50;

/** What the worklist shows, kept in the address: `?specialty=110&page=2`. */
interface WorklistView {
  specialty: string;
  page: number;
}

function viewFromSearch(search: URLSearchParams): WorklistView {
  const specialty = search.get('specialty') ?? '';
  const page = Number(search.get('page'));
  return {
    specialty: /^[A-Za-z0-9]{1,10}$/.test(specialty) ? specialty : '',
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

function searchFromView(view: WorklistView): string {
  const params = new URLSearchParams();
  if (view.specialty) params.set('specialty', view.specialty);
  if (view.page > 1) params.set('page', String(view.page));
  const search = params.toString();
  return search ? `?${search}` : '';
}

function focusHeading(): void {
  document.querySelector<HTMLElement>('main h1')?.focus();
}

interface FilterProps {
  specialty: string;
  specialties: SpecialtyWaiting[];
  onApply: (specialty: string) => void;
}

/** A GET form, as on the patient tracking list: "Apply" puts the specialty in the address. */
function SpecialtyFilter({ specialty, specialties, onApply }: FilterProps) {
  const [value, setValue] = useState(specialty);
  const [shownFor, setShownFor] = useState(specialty);
  if (shownFor !== specialty) {
    setShownFor(specialty);
    setValue(specialty);
  }
  const options = [{ value: '', text: 'All specialties' }];
  for (const s of specialties) options.push({ value: s.code, text: s.name });
  if (value && !options.some((o) => o.value === value)) {
    options.push({ value, text: `Specialty ${value}` });
  }
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onApply(value);
  };
  return (
    <form method="get" action="/referrals" onSubmit={submit} noValidate>
      <div className="app-ptl-filters">
        <div className="nhsuk-form-group app-ptl-filters__item">
          <label className="nhsuk-label" htmlFor="specialty">
            Specialty
          </label>
          <select
            className="nhsuk-select"
            id="specialty"
            name="specialty"
            value={value}
            onChange={(event) => setValue(event.target.value)}
          >
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.text}
              </option>
            ))}
          </select>
        </div>
        <div className="nhsuk-form-group app-ptl-filters__item">
          <button className="nhsuk-button nhsuk-button--secondary app-ptl-filters__button" type="submit">
            Apply
          </button>
        </div>
      </div>
    </form>
  );
}

const CAPTION_ID = 'worklist-caption';

function WorklistTable({
  referrals,
  caption,
  specialtyNames,
}: {
  referrals: Referral[];
  caption: string;
  specialtyNames: ReadonlyMap<string, string>;
}) {
  return (
    <div className="nhsuk-table-container" role="region" aria-labelledby={CAPTION_ID} tabIndex={0}>
      <table className="nhsuk-table">
        <caption className="nhsuk-table__caption nhsuk-table__caption--s" id={CAPTION_ID}>
          {caption}
        </caption>
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            <th className="nhsuk-table__header" scope="col">
              Patient
            </th>
            <th className="nhsuk-table__header" scope="col">
              Specialty
            </th>
            <th className="nhsuk-table__header" scope="col">
              Priority
            </th>
            <th className="nhsuk-table__header" scope="col">
              Source
            </th>
            <th className="nhsuk-table__header" scope="col">
              Received
            </th>
            <th className="nhsuk-table__header" scope="col">
              Clock start
            </th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {referrals.map((r) => (
            <tr className="nhsuk-table__row" key={r.id}>
              <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
                <Link className="nhsuk-u-font-weight-bold" to={`/referrals/${r.id}`}>
                  {r.patientName}
                </Link>
                <br />
                <span className="nhsuk-u-visually-hidden">NHS number: </span>
                <span className="app-ptl-nhs-number">{formatNhsNumber(r.nhsNumber)}</span>
              </th>
              <td className="nhsuk-table__cell">
                {r.specialtyCode}
                {specialtyNames.has(r.specialtyCode) ? (
                  <>
                    <br />
                    <span className="nhsuk-u-secondary-text-colour">
                      {specialtyNames.get(r.specialtyCode)}
                    </span>
                  </>
                ) : null}
              </td>
              <td className="nhsuk-table__cell">
                <strong className={`${PRIORITY_TAGS[r.priority] ?? 'nhsuk-tag'} app-ptl-tag`}>
                  {labelOf(PRIORITY_LABELS, r.priority)}
                </strong>
              </td>
              <td className="nhsuk-table__cell">{labelOf(SOURCE_LABELS, r.source)}</td>
              <td className="nhsuk-table__cell app-ptl-nowrap">{formatShortDate(r.receivedDate)}</td>
              <td className="nhsuk-table__cell app-ptl-nowrap">{formatShortDate(r.clockStart)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Referrals waiting for clinical triage, oldest received first, paged by the server. */
export function WorklistPage() {
  const { user } = useSignedInSession();
  const location = useLocation();
  const navigate = useNavigate();
  const allowed = user.permissions.includes('Referral.read');
  const view = viewFromSearch(new URLSearchParams(location.search));
  const offset = (view.page - 1) * PAGE_SIZE;

  const list = useLoad<ReferralList>(
    JSON.stringify(view),
    (signal) =>
      getReferrals(
        {
          triage: 'pending',
          ...(view.specialty ? { specialty: view.specialty } : {}),
          limit: PAGE_SIZE,
          offset,
        },
        signal,
      ),
    allowed,
  );
  const specialties = useLoad<SpecialtyWaiting[]>(
    'specialties',
    (signal) => getSpecialties(signal).then((l) => l.specialties),
    allowed && user.permissions.includes('WaitingList.read'),
  );

  const forbidden = !allowed || list.status === 'forbidden';
  usePageTitle(forbidden ? 'You do not have access' : 'Referrals waiting for triage');
  if (forbidden) return <NoAccess what="Referral triage" user={user} />;

  const names = new Map<string, string>(
    specialties.status === 'loaded' ? specialties.data.map((s) => [s.code, s.name]) : [],
  );
  const specialtyName = view.specialty ? (names.get(view.specialty) ?? `specialty ${view.specialty}`) : '';
  const pageLink = (page: number) => ({ pathname: '/referrals', search: searchFromView({ ...view, page }) });

  let status = 'Loading referrals…';
  if (list.status === 'failed') status = '';
  if (list.status === 'loaded') {
    const { total, referrals } = list.data;
    status =
      total === 0
        ? `No referrals${specialtyName ? ` in ${specialtyName}` : ''} are waiting for triage.`
        : referrals.length === 0
          ? ''
          : `Showing ${formatCount(offset + 1)} to ${formatCount(offset + referrals.length)} of ${formatCount(
              total,
            )} ${total === 1 ? 'referral' : 'referrals'}`;
  }

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-full">
        <PageHeading>Referrals waiting for triage</PageHeading>
        <p className="nhsuk-body">
          New referrals, oldest received first. Open a referral to see its details
          {user.permissions.includes('Referral.write') ? ' and record the triage outcome' : ''}.
        </p>
        {user.permissions.includes('Referral.write') ? (
          <p className="nhsuk-body">
            <Link to="/referrals/import">Import referrals from a file</Link>
          </p>
        ) : null}
        {specialties.status === 'loaded' ? (
          <SpecialtyFilter
            specialty={view.specialty}
            specialties={specialties.data}
            onApply={(specialty) =>
              void navigate({ pathname: '/referrals', search: searchFromView({ specialty, page: 1 }) })
            }
          />
        ) : null}

        <p className="nhsuk-body" role="status">
          {status}
        </p>
        {list.status === 'failed' ? (
          <div className="nhsuk-card nhsuk-card--warning">
            <div className="nhsuk-card__content">
              <h2 className="nhsuk-card__heading">The referrals are not available</h2>
              <p className="nhsuk-card__description">
                The referrals waiting for triage could not be loaded. {list.detail ? `${list.detail} ` : ''}
                Try again later.
              </p>
            </div>
          </div>
        ) : null}
        {list.status === 'loaded' && list.data.referrals.length === 0 && list.data.total > 0 ? (
          <p className="nhsuk-body">
            There are no referrals on this page.{' '}
            <Link to={pageLink(1)} onClick={focusHeading}>
              Go to the first page
            </Link>
          </p>
        ) : null}
        {list.status === 'loaded' && list.data.referrals.length > 0 ? (
          <>
            <WorklistTable
              referrals={list.data.referrals}
              caption={`Referrals waiting for triage${specialtyName ? ` in ${specialtyName}` : ''}`}
              specialtyNames={names}
            />
            <PagedPagination
              page={view.page}
              pageSize={PAGE_SIZE}
              shown={list.data.referrals.length}
              total={list.data.total}
              pageLink={pageLink}
              onNavigate={focusHeading}
            />
          </>
        ) : null}
      </div>
    </div>
  );
}
