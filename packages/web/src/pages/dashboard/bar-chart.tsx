import type { ReactNode } from 'react';
import { formatCount } from '../../format';

export interface ChartSeries {
  key: string;
  label: string;
  /** One of the chart colour classes in `styles/charts.css`: `app-chart__fill--blue`, …. */
  fill: string;
}

export interface ChartRow {
  key: string;
  label: string;
  /** One value per series, in the series' order; null when there is nothing to show (no places, say). */
  values: (number | null)[];
  /** What is written at the end of the bar: the total unless given. */
  valueText?: string;
}

/** The widths are drawn in this many units: the SVG scales to the column it sits in. */
const WIDTH = 1000;

/**
 * A horizontal bar chart drawn with plain SVG, one bar per row, stacked by series. The picture is one image
 * whose text alternative is `summary` (a sentence with the main figures); the legend is for sighted users, as
 * the table that goes with every chart (`children`, in "Show the figures as a table") holds every figure.
 */
export function BarChart({
  id,
  title,
  summary,
  series,
  rows,
  max,
  marker,
  children,
}: {
  id: string;
  title: string;
  summary: string;
  series: ChartSeries[];
  rows: ChartRow[];
  /** The value at the right-hand edge (the largest row total if not given). */
  max?: number;
  /** A vertical line across the bars at this value, with its label in the legend. */
  marker?: { value: number; label: string };
  children: ReactNode;
}) {
  const totals = rows.map((r) => r.values.reduce<number>((n, v) => n + (v ?? 0), 0));
  const scale = Math.max(max ?? 0, ...totals, 1);
  const x = (value: number) => (value / scale) * WIDTH;
  return (
    <section className="app-chart" aria-labelledby={`${id}-heading`}>
      <h2 className="nhsuk-heading-m" id={`${id}-heading`}>
        {title}
      </h2>
      <p className="nhsuk-body" id={`${id}-summary`}>
        {summary}
      </p>
      <ul className="app-chart__legend" aria-hidden="true">
        {series.map((s) => (
          <li className="app-chart__legend-item" key={s.key}>
            <svg className="app-chart__swatch" viewBox="0 0 16 16" focusable="false">
              <rect className={s.fill} width="16" height="16" />
            </svg>
            {s.label}
          </li>
        ))}
        {marker ? (
          <li className="app-chart__legend-item">
            <svg className="app-chart__swatch" viewBox="0 0 16 16" focusable="false">
              <rect className="app-chart__marker" x="7" width="2" height="16" />
            </svg>
            {marker.label}
          </li>
        ) : null}
      </ul>
      <div className="app-chart__plot" role="img" aria-labelledby={`${id}-summary`} data-chart={id}>
        {rows.map((row, i) => {
          let start = 0;
          return (
            <div className="app-chart__row" key={row.key}>
              <span className="app-chart__label">{row.label}</span>
              <svg
                className="app-chart__track"
                viewBox={`0 0 ${WIDTH} 24`}
                preserveAspectRatio="none"
                focusable="false"
              >
                <rect className="app-chart__background" width={WIDTH} height="24" />
                {row.values.map((value, k) => {
                  if (value === null || value <= 0) return null;
                  const rect = (
                    <rect
                      key={series[k]?.key ?? k}
                      className={series[k]?.fill}
                      data-series={series[k]?.key}
                      data-value={value}
                      x={x(start)}
                      width={x(value)}
                      height="24"
                    />
                  );
                  start += value;
                  return rect;
                })}
                {marker ? (
                  <rect className="app-chart__marker" x={x(marker.value) - 2} width="4" height="24" />
                ) : null}
              </svg>
              <span className="app-chart__value">{row.valueText ?? formatCount(totals[i] ?? 0)}</span>
            </div>
          );
        })}
      </div>
      <details className="nhsuk-details">
        <summary className="nhsuk-details__summary">
          <span className="nhsuk-details__summary-text">Show the figures as a table</span>
        </summary>
        <div className="nhsuk-details__text">{children}</div>
      </details>
    </section>
  );
}
