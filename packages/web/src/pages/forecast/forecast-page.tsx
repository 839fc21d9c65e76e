import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { MAX_OFFSET, type SpecialtyWaiting } from '@pathflow/core';
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
import {
  DirectorateTable,
  ForecastSummary,
  ListSizeChart,
  NO_DIRECTORATE,
  SpecialtyTable,
} from './forecast-summary';
import { WhatIfForm } from './what-if-form';

export const BREACH_PAGE_SIZE = 25;
const WEEKS = 26;

/** What the page shows, kept in the address: `?specialty=110&directorate=Surgery&reason=unbooked&page=2`. */
interface ForecastPageView {
  specialty: string;
  /** Filters the potential breaches only (the forecast is the organisation's, or the specialty's). */
  directorate: string;
  reason: PotentialBreachReason | '';
  page: number;
}

function viewFromSearch(search: URLSearchParams): ForecastPageView {
  const specialty = search.get('specialty') ?? '';
  const directorate = search.get('directorate') ?? '';
  const reason = search.get('reason') ?? '';
  const page = Number(search.get('page'));
  return {
    specialty: /^[A-Za-z0-9]{1,10}$/.test(specialty) ? specialty : '',
    directorate: directorate.length <= 100 ? directorate : '',
    reason: (POTENTIAL_BREACH_REASONS as readonly string[]).includes(reason)
      ? (reason as PotentialBreachReason)
      : '',
    // Safe integers only: a page like 1e308 would ask the server for offset=Infinity.
    page: Number.isSafeInteger(page) && page > 1 ? page : 1,
  };
}

function searchFromView(view: ForecastPageView): string {
  const params = new URLSearchParams();
  if (view.specialty) params.set('specialty', view.specialty);
  if (view.directorate) params.set('directorate', view.directorate);
  if (view.reason) params.set('reason', view.reason);
  if (view.page > 1) params.set('page', String(view.page));
  const search = params.toString();
  return search ? `?${search}` : '';
}

function focusHeading(): void {
  document.querySelector<HTMLElement>('main h1')?.focus();
}

interface FilterField {
  id: string;
  label: string;
  hint?: string;
  value: string;
  options: { value: string; label: string }[];
}

/** Selects side by side and an Apply button, in a GET form that works without JavaScript too. */
function FilterForm({
  fields,
  hidden,
  onApply,
}: {
  fields: FilterField[];
  hidden: Record<string, string>;
  onApply: (values: Record<string, string>) => void;
}) {
  const values = Object.fromEntries(fields.map((f) => [f.id, f.value]));
  const key = JSON.stringify(values);
  const [chosen, setChosen] = useState(values);
  const [shownFor, setShownFor] = useState(key);
  if (shownFor !== key) {
    setShownFor(key);
    setChosen(values);
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
        {fields.map((f) => (
          <div className="nhsuk-form-group app-ptl-filters__item" key={f.id}>
            <label className="nhsuk-label" htmlFor={f.id}>
              {f.label}
            </label>
            {f.hint ? (
              <div className="nhsuk-hint" id={`${f.id}-hint`}>
                {f.hint}
              </div>
            ) : null}
            <select
              className="nhsuk-select"
              id={f.id}
              name={f.id}
              value={chosen[f.id] ?? ''}
              aria-describedby={f.hint ? `${f.id}-hint` : undefined}
              onChange={(event) => setChosen({ ...chosen, [f.id]: event.target.value })}
            >
              {f.options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </div>
        ))}
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
        { label: 'Directorate' },
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
          <td className="nhsuk-table__cell">{r.specialty.directorate ?? NO_DIRECTORATE}</td>
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
  // A page far past the end asks for the last offset the API takes: the list is empty there too.
  const offset = Math.min((view.page - 1) * BREACH_PAGE_SIZE, MAX_OFFSET);
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
          directorate: view.directorate || undefined,
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
  const directorates = [
    ...new Set(names.flatMap((s) => (s.directorate === null ? [] : [s.directorate]))),
  ].sort((a, b) => a.localeCompare(b, 'en-GB'));
  // The potential breaches alone are filtered by directorate.
  const breachWhere = !view.directorate
    ? where
    : view.specialty
      ? `${where}, ${view.directorate} directorate`
      : ` in the ${view.directorate} directorate`;
  const go = (next: ForecastPageView) =>
    void navigate({ pathname: '/forecast', search: searchFromView(next) });
  const pageLink = (page: number) => ({ pathname: '/forecast', search: searchFromView({ ...view, page }) });
  const caption = view.reason
    ? `Potential breaches${breachWhere}: ${REASON_LABELS[view.reason].toLowerCase()}`
    : `Potential breaches${breachWhere}`;

  let status = LOADING_TEXT;
  if (breaches.status === 'failed') status = '';
  if (breaches.status === 'loaded') {
    const { total, rows } = breaches.data;
    status =
      total === 0
        ? `There are no potential breaches${breachWhere}${view.reason ? ' for this reason' : ''}.`
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
        <p className="nhsuk-body">
          <Link to="/reports/weekly">Get the weekly waiting list pack (Excel or PDF)</Link>
        </p>
        <FilterForm
          fields={[
            {
              id: 'specialty',
              label: 'Specialty',
              // A code not in the list shows as "All specialties": applying it as shown clears the code.
              value: names.some((s) => s.code === view.specialty) ? view.specialty : '',
              options: [
                { value: '', label: 'All specialties' },
                ...names.map((s) => ({ value: s.code, label: s.name })),
              ],
            },
            {
              id: 'directorate',
              label: 'Directorate',
              hint: 'Filters the potential breaches only',
              // Likewise a directorate not in the list.
              value: directorates.includes(view.directorate) ? view.directorate : '',
              options: [
                { value: '', label: 'All directorates' },
                ...directorates.map((d) => ({ value: d, label: d })),
              ],
            },
          ]}
          hidden={{ reason: view.reason }}
          onApply={(v) =>
            go({ ...view, specialty: v.specialty ?? '', directorate: v.directorate ?? '', page: 1 })
          }
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
            <DirectorateTable forecast={forecast.data} />
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
            fields={[
              {
                id: 'reason',
                label: 'Reason',
                value: view.reason,
                options: [
                  { value: '', label: 'Any reason' },
                  ...POTENTIAL_BREACH_REASONS.map((r) => ({ value: r, label: REASON_LABELS[r] })),
                ],
              },
            ]}
            hidden={{ specialty: view.specialty, directorate: view.directorate }}
            onApply={(v) => go({ ...view, reason: (v.reason ?? '') as PotentialBreachReason | '', page: 1 })}
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
