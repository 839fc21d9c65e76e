import type { ForecastView } from '../../api/forecast';
import { CaptionedTable } from '../../components/captioned-table';
import { SummaryRow } from '../../components/summary-row';
import { formatCount } from '../../format';
import { BarChart, type ChartSeries } from '../dashboard/bar-chart';
import { formatWeek } from '../dashboard/dashboard-dates';
import { formatShortDate } from '../ptl/ptl-format';
import { THRESHOLDS, formatExpected } from './forecast-format';

const LIST_SERIES: ChartSeries[] = [
  { key: 'over18', label: 'Over 18 weeks', fill: 'app-chart__fill--red' },
  { key: 'under18', label: 'Under 18 weeks', fill: 'app-chart__fill--blue' },
];

const cell = 'nhsuk-table__cell nhsuk-table__cell--numeric';

/** Where a directorate is shown for a specialty that has none. */
export const NO_DIRECTORATE = 'No directorate';
const rowHeader = 'nhsuk-table__header nhsuk-u-font-weight-normal';

/** The forecast's totals: expected breaches per threshold, already over, and the list size now and ahead. */
export function ForecastSummary({ forecast, where }: { forecast: ForecastView; where: string }) {
  const t = forecast.totals;
  const weeks = forecast.weeks;
  return (
    <section aria-labelledby="summary-heading">
      <h2 className="nhsuk-heading-m" id="summary-heading">
        Expected breaches in the next {weeks} weeks{where}
      </h2>
      <p className="nhsuk-body">
        Worked out on {formatShortDate(forecast.asOf)} from {formatCount(forecast.runs)} simulated futures.
        Expected numbers are averages, so they need not be whole numbers.
      </p>
      <CaptionedTable
        captionId="thresholds-caption"
        caption={`Patients over each waiting time now, and expected to pass it in the next ${weeks} weeks`}
        columns={[
          { label: 'Waiting time' },
          { label: 'Already over', numeric: true },
          { label: `Expected to pass it in the next ${weeks} weeks`, numeric: true },
        ]}
      >
        {THRESHOLDS.map((k) => (
          <tr className="nhsuk-table__row" key={k}>
            <th className={rowHeader} scope="row">
              {k} weeks
            </th>
            <td className={cell}>{formatCount(t.alreadyOver[k])}</td>
            <td className={cell}>{formatExpected(t.expectedBreaches[k])}</td>
          </tr>
        ))}
      </CaptionedTable>
      <dl className="nhsuk-summary-list" id="list-size">
        <SummaryRow label="On the waiting list now">{formatCount(t.pathways)}</SummaryRow>
        <SummaryRow label={`Expected on the waiting list in ${weeks} weeks`}>
          {formatExpected(t.listSizeAtHorizon)}
        </SummaryRow>
        <SummaryRow label={`Expected over 18 weeks in ${weeks} weeks`}>
          {formatExpected(t.over18AtHorizon)}
        </SummaryRow>
        <SummaryRow label="Potential breaches">{formatCount(t.potentialBreaches)}</SummaryRow>
      </dl>
    </section>
  );
}

/** Per specialty: on the list, already over 18 weeks, expected to pass 18 and 52 weeks, potential breaches. */
export function SpecialtyTable({ forecast }: { forecast: ForecastView }) {
  if (forecast.specialties.length === 0) return null;
  return (
    <section aria-labelledby="specialties-heading">
      <h2 className="nhsuk-heading-m" id="specialties-heading">
        By specialty
      </h2>
      <CaptionedTable
        captionId="specialties-caption"
        caption={`Expected breaches by specialty in the next ${forecast.weeks} weeks`}
        columns={[
          { label: 'Specialty' },
          { label: 'On the list now', numeric: true },
          { label: 'Already over 18 weeks', numeric: true },
          { label: 'Expected to pass 18 weeks', numeric: true },
          { label: 'Expected to pass 52 weeks', numeric: true },
          { label: 'Potential breaches', numeric: true },
        ]}
      >
        {forecast.specialties.map((s) => (
          <tr className="nhsuk-table__row" key={s.code}>
            <th className={rowHeader} scope="row">
              {s.name}
            </th>
            <td className={cell}>{formatCount(s.pathways)}</td>
            <td className={cell}>{formatCount(s.alreadyOver['18'])}</td>
            <td className={cell}>{formatExpected(s.expectedBreaches['18'])}</td>
            <td className={cell}>{formatExpected(s.expectedBreaches['52'])}</td>
            <td className={cell}>{formatCount(s.potentialBreaches)}</td>
          </tr>
        ))}
      </CaptionedTable>
    </section>
  );
}

/** Per directorate: expected to pass 18 and 52 weeks, potential breaches (its specialties added up). */
export function DirectorateTable({ forecast }: { forecast: ForecastView }) {
  if (forecast.directorates.length === 0) return null;
  return (
    <section aria-labelledby="directorates-heading">
      <h2 className="nhsuk-heading-m" id="directorates-heading">
        By directorate
      </h2>
      <CaptionedTable
        captionId="directorates-caption"
        caption={`Expected breaches by directorate in the next ${forecast.weeks} weeks`}
        columns={[
          { label: 'Directorate' },
          { label: 'Expected to pass 18 weeks', numeric: true },
          { label: 'Expected to pass 52 weeks', numeric: true },
          { label: 'Potential breaches', numeric: true },
        ]}
      >
        {forecast.directorates.map((d) => (
          <tr className="nhsuk-table__row" key={d.name ?? ''}>
            <th className={rowHeader} scope="row">
              {d.name ?? NO_DIRECTORATE}
            </th>
            <td className={cell}>{formatExpected(d.expectedBreaches['18'])}</td>
            <td className={cell}>{formatExpected(d.expectedBreaches['52'])}</td>
            <td className={cell}>{formatCount(d.potentialBreaches)}</td>
          </tr>
        ))}
      </CaptionedTable>
    </section>
  );
}

/** The projected list size and the number over 18 weeks, week by week, with every figure in its table. */
export function ListSizeChart({ forecast }: { forecast: ForecastView }) {
  const weeks = forecast.weekly.map((w) => {
    const waiting = Math.round(w.waiting.mean);
    const over18 = Math.min(Math.round(w.over18.mean), waiting);
    return { ...w, waitingRounded: waiting, over18Rounded: over18 };
  });
  const last = weeks[weeks.length - 1];
  const summary = last
    ? `The waiting list is ${formatCount(forecast.totals.pathways)} now and is expected to be ${formatCount(
        last.waitingRounded,
      )} on ${formatShortDate(last.countedOn)}, with ${formatCount(last.over18Rounded)} over 18 weeks.`
    : 'There are no weeks in the forecast.';
  return (
    <BarChart
      id="list-size-forecast"
      title="Expected waiting list by week"
      summary={summary}
      series={LIST_SERIES}
      rows={weeks.map((w) => ({
        key: w.weekStart,
        label: formatWeek(w.weekStart, w.weekEnd),
        values: [w.over18Rounded, w.waitingRounded - w.over18Rounded],
      }))}
    >
      <CaptionedTable
        captionId="list-size-caption"
        caption="Expected waiting list at the end of each week (averages, rounded)"
        columns={[
          { label: 'Week' },
          { label: 'On the list', numeric: true },
          { label: 'Over 18 weeks', numeric: true },
          { label: 'Seen in the week', numeric: true },
        ]}
      >
        {weeks.map((w) => (
          <tr className="nhsuk-table__row" key={w.weekStart}>
            <th className={rowHeader} scope="row">
              {formatShortDate(w.weekStart)} to {formatShortDate(w.weekEnd)}
            </th>
            <td className={cell}>{formatCount(w.waitingRounded)}</td>
            <td className={cell}>{formatCount(w.over18Rounded)}</td>
            <td className={cell}>{formatCount(Math.round(w.seen.mean))}</td>
          </tr>
        ))}
      </CaptionedTable>
    </BarChart>
  );
}
