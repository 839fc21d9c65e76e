import { useState, type FormEvent } from 'react';
import { useLocation, useNavigate } from 'react-router';
import type { SpecialtyWaiting } from '@pathflow/core';
import { getSpecialties } from '../../api/endpoints';
import {
  POTENTIAL_BREACH_REASONS,
  getForecast,
  getPotentialBreaches,
  type PotentialBreachReason,
  type PotentialBreachRow,
} from '../../api/forecast';
import { CaptionedTable } from '../../components/captioned-table';
import { Loading } from '../../components/loading';
import { NoAccess } from '../../components/no-access';
import { PageHeading } from '../../components/page-heading';
import { PagedList } from '../../components/paged-list';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatCount } from '../../format';
import { useSignedInSession } from '../../session/session-context';
import '../../styles/charts.css';
import '../../styles/ptl.css';
import { PatientCell } from '../allocation/patient-cells';
import { formatShortDate } from '../ptl/ptl-format';
import { LOADING_TEXT, REASON_LABELS, formatChance, formatLead } from './forecast-format';
import { ForecastSummary, ListSizeChart, SpecialtyTable } from './forecast-summary';
import { WhatIfForm } from './what-if-form';

export const BREACH_PAGE_SIZE = 25;
const WEEKS = 26;

/** What the page shows, kept in the address: `?specialty=110&reason=unbooked&page=2`. */
interface ForecastPageView {
  specialty: string;
  reason: PotentialBreachReason | '';
  page: number;
}

function viewFromSearch(search: URLSearchParams): ForecastPageView {
  const specialty = search.get('specialty') ?? '';
  const reason = search.get('reason') ?? '';
  const page = Number(search.get('page'));
  return {
    specialty: /^[A-Za-z0-9]{1,10}$/.test(specialty) ? specialty : '',
    reason: (POTENTIAL_BREACH_REASONS as readonly string[]).includes(reason)
      ? (reason as PotentialBreachReason)
      : '',
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

function searchFromView(view: ForecastPageView): string {
  const params = new URLSearchParams();
  if (view.specialty) params.set('specialty', view.specialty);
  if (view.reason) params.set('reason', view.reason);
  if (view.page > 1) params.set('page', String(view.page));
  const search = params.toString();
  return search ? `?${search}` : '';
}

function focusHeading(): void {
  document.querySelector<HTMLElement>('main h1')?.focus();
}

/** A select and an Apply button, in a GET form that works without JavaScript too. */
function FilterForm({
  id,
  label,
  value,
  options,
  hidden,
  onApply,
}: {
  id: string;
  label: string;
  value: string;
  options: { value: string; label: string }[];
  hidden: Record<string, string>;
  onApply: (value: string) => void;
}) {
  const [chosen, setChosen] = useState(value);
  const [shownFor, setShownFor] = useState(value);
  if (shownFor !== value) {
    setShownFor(value);
    setChosen(value);
  }
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onApply(chosen);
  };
  return (
    <form method="get" action="/forecast" onSubmit={submit} noValidate>
      {Object.entries(hidden)
        .filter(([, v]) => v)
        .map(([k, v]) => (
          <input type="hidden" name={k} value={v} key={k} />
        ))}
      <div className="app-ptl-filters">
        <div className="nhsuk-form-group app-ptl-filters__item">
          <label className="nhsuk-label" htmlFor={id}>
            {label}
          </label>
          <select
            className="nhsuk-select"
            id={id}
            name={id}
            value={chosen}
            onChange={(event) => setChosen(event.target.value)}
          >
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
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

function BreachTable({ rows, caption }: { rows: PotentialBreachRow[]; caption: string }) {
  return (
    <CaptionedTable
      captionId="breaches-caption"
      caption={caption}
      columns={[
        { label: 'Patient' },
        { label: 'Specialty' },
        { label: 'Breach date' },
        { label: 'Lead time' },
        { label: 'Chance of passing 18 weeks', numeric: true },
        { label: 'Expected to be seen' },
        { label: 'Reason' },
      ]}
    >
      {rows.map((r) => (
        <tr className="nhsuk-table__row" key={r.pathwayId}>
          <PatientCell
            name={r.patient.name}
            nhsNumber={r.patient.nhsNumber}
            to={r.patient.id ? `/patients/${r.patient.id}` : `/pathways/${r.pathwayId}`}
          />
          <td className="nhsuk-table__cell">{r.specialty.name}</td>
          <td className="nhsuk-table__cell app-ptl-nowrap">
            {formatShortDate(r.breachDate)}
            <br />
            <span className="nhsuk-u-secondary-text-colour">{r.thresholdWeeks} weeks</span>
          </td>
          <td className="nhsuk-table__cell app-ptl-nowrap">{formatLead(r.leadDays)}</td>
          <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{formatChance(r.passing['18'])}</td>
          <td className="nhsuk-table__cell app-ptl-nowrap">
            {r.projectedSeen ? formatShortDate(r.projectedSeen) : `Not in the next ${WEEKS} weeks`}
          </td>
          <td className="nhsuk-table__cell">{REASON_LABELS[r.reason]}</td>
        </tr>
      ))}
    </CaptionedTable>
  );
}

/**
 * The breach forecast: expected breaches in the next 26 weeks per threshold, the list size week by week, the
 * patients likely to breach and why, and what-if scenarios that add or remove places (nothing is changed).
 */
export function ForecastPage() {
  const { user } = useSignedInSession();
  const allowed = user.permissions.includes('WaitingList.read');
  if (!allowed) return <NoAccess what="Seeing the breach forecast" user={user} />;
  return <Forecast />;
}

function Forecast() {
  const location = useLocation();
  const navigate = useNavigate();
  const view = viewFromSearch(new URLSearchParams(location.search));
  const offset = (view.page - 1) * BREACH_PAGE_SIZE;
  const [whatIfError, setWhatIfError] = useState(false);
  usePageTitle('Breach forecast', { error: whatIfError });

  const specialties = useLoad<SpecialtyWaiting[]>(
    'specialties',
    (signal) => getSpecialties(signal).then((l) => l.specialties),
    true,
  );
  const forecast = useLoad(
    `forecast:${view.specialty}`,
    (s) => getForecast(view.specialty || undefined, s),
    true,
  );
  const breaches = useLoad(
    `breaches:${JSON.stringify(view)}`,
    (s) =>
      getPotentialBreaches(
        {
          specialty: view.specialty || undefined,
          reason: view.reason || undefined,
          limit: BREACH_PAGE_SIZE,
          offset,
        },
        s,
      ),
    true,
  );

  const names = specialties.status === 'loaded' ? specialties.data : [];
  const specialtyName = names.find((s) => s.code === view.specialty)?.name ?? view.specialty;
  const where = view.specialty ? ` in ${specialtyName}` : '';
  const go = (next: ForecastPageView) =>
    void navigate({ pathname: '/forecast', search: searchFromView(next) });
  const pageLink = (page: number) => ({ pathname: '/forecast', search: searchFromView({ ...view, page }) });
  const caption = view.reason
    ? `Potential breaches${where}: ${REASON_LABELS[view.reason].toLowerCase()}`
    : `Potential breaches${where}`;

  let status = LOADING_TEXT;
  if (breaches.status === 'failed') status = '';
  if (breaches.status === 'loaded') {
    const { total, rows } = breaches.data;
    status =
      total === 0
        ? `There are no potential breaches${where}${view.reason ? ' for this reason' : ''}.`
        : rows.length === 0
          ? ''
          : `Showing ${formatCount(offset + 1)} to ${formatCount(offset + rows.length)} of ${formatCount(total)} ${
              total === 1 ? 'potential breach' : 'potential breaches'
            }`;
  }

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-full">
        <PageHeading>Breach forecast</PageHeading>
        <p className="nhsuk-body-l">
          Who is likely to wait longer than 18 weeks (and 52, 65 or 78 weeks) in the next {WEEKS} weeks, if
          the clinics and slots stay as they are.
        </p>
        <FilterForm
          id="specialty"
          label="Specialty"
          value={view.specialty}
          options={[
            { value: '', label: 'All specialties' },
            ...names.map((s) => ({ value: s.code, label: s.name })),
          ]}
          hidden={{ reason: view.reason }}
          onApply={(specialty) => go({ ...view, specialty, page: 1 })}
        />

        {forecast.status === 'loading' ? <Loading text={LOADING_TEXT} /> : null}
        {forecast.status === 'failed' ? (
          <div className="nhsuk-card nhsuk-card--warning">
            <div className="nhsuk-card__content">
              <h2 className="nhsuk-card__heading">The forecast is not available</h2>
              <p className="nhsuk-card__description">
                The forecast could not be worked out. {forecast.detail ? `${forecast.detail} ` : ''}Try again
                later.
              </p>
            </div>
          </div>
        ) : null}
        {forecast.status === 'loaded' ? (
          <>
            <ForecastSummary forecast={forecast.data} where={where} />
            <ListSizeChart forecast={forecast.data} />
            <SpecialtyTable forecast={forecast.data} />
          </>
        ) : null}

        <section aria-labelledby="breaches-heading">
          <h2 className="nhsuk-heading-m" id="breaches-heading">
            Potential breaches
          </h2>
          <p className="nhsuk-body">
            Patients likely to pass their next waiting time (18, 52, 65 or 78 weeks) before they are seen,
            soonest first.
          </p>
          <FilterForm
            id="reason"
            label="Reason"
            value={view.reason}
            options={[
              { value: '', label: 'Any reason' },
              ...POTENTIAL_BREACH_REASONS.map((r) => ({ value: r, label: REASON_LABELS[r] })),
            ]}
            hidden={{ specialty: view.specialty }}
            onApply={(reason) => go({ ...view, reason: reason as PotentialBreachReason | '', page: 1 })}
          />
          <p className="nhsuk-body" role="status">
            {status}
          </p>
          <PagedList
            list={breaches}
            rowsOf={(d) => d.rows}
            noun="potential breaches"
            heading="h3"
            page={view.page}
            pageSize={BREACH_PAGE_SIZE}
            pageLink={pageLink}
            onNavigate={focusHeading}
          >
            {(rows) => <BreachTable rows={rows} caption={caption} />}
          </PagedList>
        </section>

        <WhatIfForm
          specialties={names.map((s) => ({ code: s.code, name: s.name }))}
          weeks={WEEKS}
          onError={setWhatIfError}
        />
      </div>
    </div>
  );
}
