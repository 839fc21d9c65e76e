import type { ReactNode } from 'react';
import { Link } from 'react-router';
import {
  WAIT_BAND_KEYS,
  getBreachForecast,
  getUtilisationByWeek,
  getWaitingListByBand,
  type BreachForecast,
  type WaitingListByBand,
  type WeekUtilisation,
} from '../../api/dashboard';
import { CaptionedTable } from '../../components/captioned-table';
import { InsetText } from '../../components/inset-text';
import { Loading } from '../../components/loading';
import { NoAccess } from '../../components/no-access';
import { PageHeading } from '../../components/page-heading';
import { useLoad, type Load } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatCount } from '../../format';
import { useSignedInSession } from '../../session/session-context';
import '../../styles/charts.css';
import { formatPercent, formatShortDate } from '../ptl/ptl-format';
import { BarChart, type ChartSeries } from './bar-chart';
import { addDays, formatWeek, londonToday, mondayOf } from './dashboard-dates';

/** Weeks in the breach forecast and in utilisation, the current week first. */
export const FORECAST_WEEKS = 12;
export const UTILISATION_WEEKS = 8;

const BAND_FILLS: Record<(typeof WAIT_BAND_KEYS)[number], string> = {
  weeks0to17: 'app-chart__fill--blue',
  weeks18to51: 'app-chart__fill--warm-yellow',
  weeks52to64: 'app-chart__fill--orange',
  weeks65to77: 'app-chart__fill--red',
  weeks78plus: 'app-chart__fill--purple',
};

const patients = (n: number) => `${formatCount(n)} ${n === 1 ? 'patient' : 'patients'}`;

function Unavailable({ what, detail }: { what: string; detail: string }) {
  return (
    <div className="nhsuk-card nhsuk-card--warning">
      <div className="nhsuk-card__content">
        <h3 className="nhsuk-card__heading">The {what} are not available</h3>
        <p className="nhsuk-card__description">
          The {what} could not be loaded. {detail ? `${detail} ` : ''}Try again later.
        </p>
      </div>
    </div>
  );
}

/** A chart's section while it loads, when it fails or when the role may not see it; the chart once loaded. */
function Loaded<T>({
  load,
  title,
  what,
  children,
}: {
  load: Load<T>;
  title: string;
  what: string;
  children: (data: T) => ReactNode;
}) {
  if (load.status === 'loaded') return <>{children(load.data)}</>;
  const id = title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return (
    <section className="app-chart" aria-labelledby={id}>
      <h2 className="nhsuk-heading-m" id={id}>
        {title}
      </h2>
      {load.status === 'loading' ? <Loading text={`Loading the ${what}…`} /> : null}
      {load.status === 'failed' ? <Unavailable what={what} detail={load.detail} /> : null}
      {load.status === 'forbidden' ? (
        <InsetText>
          <p>The {what} are not part of your role.</p>
        </InsetText>
      ) : null}
    </section>
  );
}

function WaitingListChart({ list }: { list: WaitingListByBand }) {
  const series: ChartSeries[] = list.bands.map((b) => ({
    key: b.key,
    label: b.label,
    fill: BAND_FILLS[b.key],
  }));
  const t = list.trust;
  const summary =
    t.total === 0
      ? 'Nobody is waiting.'
      : `${patients(t.total)} waiting: ${list.bands
          .map((b) => `${formatCount(t[b.key])} for ${b.label}`)
          .join(', ')}.`;
  return (
    <BarChart
      id="waiting-list"
      title="Waiting list by weeks waited"
      summary={summary}
      series={series}
      rows={list.specialties.map((s) => ({
        key: s.code,
        label: s.name,
        values: WAIT_BAND_KEYS.map((k) => s[k]),
      }))}
    >
      <CaptionedTable
        captionId="waiting-list-caption"
        caption={`Patients waiting by specialty and weeks waited, on ${formatShortDate(list.asOf)}`}
        columns={[
          { label: 'Specialty' },
          ...list.bands.map((b) => ({ label: b.label, numeric: true })),
          { label: 'Total', numeric: true },
        ]}
      >
        {[...list.specialties, { code: '', name: 'All specialties', ...list.trust }].map((s) => (
          <tr className="nhsuk-table__row" key={s.code || 'all'}>
            <th className={`nhsuk-table__header${s.code ? ' nhsuk-u-font-weight-normal' : ''}`} scope="row">
              {s.name}
            </th>
            {WAIT_BAND_KEYS.map((k) => (
              <td className="nhsuk-table__cell nhsuk-table__cell--numeric" key={k}>
                {formatCount(s[k])}
              </td>
            ))}
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{formatCount(s.total)}</td>
          </tr>
        ))}
      </CaptionedTable>
    </BarChart>
  );
}

const BREACH_SERIES: ChartSeries[] = [
  { key: 'notBooked', label: 'Not booked', fill: 'app-chart__fill--red' },
  { key: 'bookedAfterBreach', label: 'Booked on or after the breach date', fill: 'app-chart__fill--orange' },
  { key: 'bookedBeforeBreach', label: 'Booked before the breach date', fill: 'app-chart__fill--blue' },
];

function BreachChart({ forecast }: { forecast: BreachForecast }) {
  const total = forecast.weeks.reduce((n, w) => n + w.total, 0);
  const notBooked = forecast.weeks.reduce((n, w) => n + w.notBooked + w.bookedAfterBreach, 0);
  const last = forecast.weeks[forecast.weeks.length - 1];
  const busiest = forecast.weeks.reduce<(typeof forecast.weeks)[number] | undefined>(
    (best, w) => (best === undefined || w.total > best.total ? w : best),
    undefined,
  );
  const already = forecast.alreadyBreached;
  const summary =
    `${patients(total)} will pass 18 weeks in the next ${forecast.weeks.length} weeks if not treated` +
    (last ? `, up to ${formatShortDate(last.weekEnd)}` : '') +
    `; ${formatCount(notBooked)} of them are not booked before their breach date.` +
    (busiest && busiest.total > 0
      ? ` The most in one week is ${formatCount(busiest.total)}, from ${formatShortDate(busiest.weekStart)}.`
      : '');
  return (
    <BarChart
      id="breach-forecast"
      title="18-week breaches coming up"
      summary={summary}
      series={BREACH_SERIES}
      rows={forecast.weeks.map((w) => ({
        key: w.weekStart,
        label: formatWeek(w.weekStart, w.weekEnd),
        values: [w.notBooked, w.bookedAfterBreach, w.bookedBeforeBreach],
      }))}
    >
      <CaptionedTable
        captionId="breach-forecast-caption"
        caption="Patients who pass 18 weeks each week, Monday to Sunday, if not treated"
        columns={[
          { label: 'Week' },
          ...BREACH_SERIES.map((s) => ({ label: s.label, numeric: true })),
          { label: 'Total', numeric: true },
        ]}
      >
        {forecast.weeks.map((w) => (
          <tr className="nhsuk-table__row" key={w.weekStart}>
            <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
              {formatShortDate(w.weekStart)} to {formatShortDate(w.weekEnd)}
              {w.countedFrom !== w.weekStart ? (
                <span className="nhsuk-u-secondary-text-colour">
                  {' '}
                  (from {formatShortDate(w.countedFrom)})
                </span>
              ) : null}
            </th>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{formatCount(w.notBooked)}</td>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
              {formatCount(w.bookedAfterBreach)}
            </td>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
              {formatCount(w.bookedBeforeBreach)}
            </td>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{formatCount(w.total)}</td>
          </tr>
        ))}
      </CaptionedTable>
      <p className="nhsuk-body">
        Already over 18 weeks: {patients(already.total)} ({formatCount(already.booked)} booked,{' '}
        {formatCount(already.notBooked)} not booked).
      </p>
    </BarChart>
  );
}

/** Utilisation for every week asked for: a week with no clinic slots has no row from the server. */
function everyWeek(from: string, rows: WeekUtilisation[]) {
  const byWeek = new Map(rows.map((r) => [r.weekStart, r]));
  return Array.from({ length: UTILISATION_WEEKS }, (_, i) => {
    const weekStart = addDays(from, 7 * i);
    const r = byWeek.get(weekStart);
    return {
      weekStart,
      weekEnd: addDays(weekStart, 6),
      places: r?.places ?? 0,
      booked: r?.booked ?? 0,
      percentBooked: r?.percentBooked ?? null,
    };
  });
}

function UtilisationChart({
  from,
  data,
}: {
  from: string;
  data: { threshold: number; rows: WeekUtilisation[] };
}) {
  const weeks = everyWeek(from, data.rows);
  const places = weeks.reduce((n, w) => n + w.places, 0);
  const booked = weeks.reduce((n, w) => n + w.booked, 0);
  const withPlaces = weeks.filter((w) => w.percentBooked !== null);
  const lowest = withPlaces.reduce<(typeof weeks)[number] | undefined>(
    (low, w) => (low === undefined || (w.percentBooked ?? 0) < (low.percentBooked ?? 0) ? w : low),
    undefined,
  );
  const summary =
    places === 0
      ? `There are no clinic places in the ${UTILISATION_WEEKS} weeks from ${formatShortDate(from)}.`
      : `${formatPercent(Math.round((booked * 1000) / places) / 10)} of ${formatCount(places)} clinic places are booked in the ${UTILISATION_WEEKS} weeks from ${formatShortDate(from)}` +
        (lowest
          ? `; the lowest week is from ${formatShortDate(lowest.weekStart)}, at ${formatPercent(lowest.percentBooked ?? 0)}.`
          : '.');
  return (
    <BarChart
      id="utilisation"
      title="Clinic utilisation by week"
      summary={summary}
      series={[{ key: 'booked', label: 'Places booked (%)', fill: 'app-chart__fill--aqua-green' }]}
      max={100}
      marker={{ value: data.threshold, label: `Under-booked below ${formatPercent(data.threshold)}` }}
      rows={weeks.map((w) => ({
        key: w.weekStart,
        label: formatWeek(w.weekStart, w.weekEnd),
        values: [w.percentBooked === null ? null : Math.min(w.percentBooked, 100)],
        valueText: w.percentBooked === null ? 'No clinics' : formatPercent(w.percentBooked),
      }))}
    >
      <CaptionedTable
        captionId="utilisation-caption"
        caption="Clinic places booked each week, Monday to Sunday"
        columns={[
          { label: 'Week' },
          { label: 'Places', numeric: true },
          { label: 'Booked', numeric: true },
          { label: 'Booked (%)', numeric: true },
        ]}
      >
        {weeks.map((w) => (
          <tr className="nhsuk-table__row" key={w.weekStart}>
            <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
              {formatShortDate(w.weekStart)} to {formatShortDate(w.weekEnd)}
            </th>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{formatCount(w.places)}</td>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{formatCount(w.booked)}</td>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
              {w.percentBooked === null ? 'No clinics' : formatPercent(w.percentBooked)}
            </td>
          </tr>
        ))}
      </CaptionedTable>
    </BarChart>
  );
}

/**
 * Dashboards: the waiting list by weeks waited per specialty, the 18-week breaches coming up week by week and
 * clinic utilisation by week. Each chart is drawn in SVG with a sentence summing it up, and every figure is in
 * the table under it.
 */
export function DashboardPage() {
  const { user } = useSignedInSession();
  usePageTitle('Dashboards');
  const waiting = user.permissions.includes('WaitingList.read');
  const clinics = user.permissions.includes('Clinic.read');
  const from = mondayOf(londonToday());
  const to = addDays(from, 7 * UTILISATION_WEEKS - 1);
  const list = useLoad('waiting-list', (signal) => getWaitingListByBand(signal), waiting);
  const forecast = useLoad('breach-forecast', (signal) => getBreachForecast(FORECAST_WEEKS, signal), waiting);
  const utilisation = useLoad(
    `utilisation:${from}`,
    (signal) => getUtilisationByWeek(from, to, signal),
    clinics,
  );
  if (!waiting && !clinics) return <NoAccess what="Seeing the dashboards" user={user} />;
  return (
    <>
      <PageHeading>Dashboards</PageHeading>
      <p className="nhsuk-body-l">Waiting times and clinic use at {user.organisation.name}, to today.</p>
      {waiting ? (
        <>
          <Loaded load={list} title="Waiting list by weeks waited" what="waiting list figures">
            {(data) => <WaitingListChart list={data} />}
          </Loaded>
          <Loaded load={forecast} title="18-week breaches coming up" what="breach figures">
            {(data) => <BreachChart forecast={data} />}
          </Loaded>
          <p className="nhsuk-body">
            <Link to="/forecast">See the breach forecast and what-if</Link>
          </p>
        </>
      ) : null}
      {clinics ? (
        <Loaded load={utilisation} title="Clinic utilisation by week" what="utilisation figures">
          {(data) => <UtilisationChart from={from} data={data} />}
        </Loaded>
      ) : null}
    </>
  );
}
