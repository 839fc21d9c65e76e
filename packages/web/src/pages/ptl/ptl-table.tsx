import { Link } from 'react-router';
import type { PtlPage, PtlRow, RttPriority } from '@pathflow/core';
import { calendarDate, formatNhsNumber, formatShortDate } from './ptl-format';
import { PRIORITY_LABELS } from './ptl-view';

const PRIORITY_TAGS: Record<RttPriority, string> = {
  'two-week-wait': 'nhsuk-tag nhsuk-tag--red',
  urgent: 'nhsuk-tag nhsuk-tag--orange',
  routine: 'nhsuk-tag nhsuk-tag--grey',
};

const CAPTION_ID = 'ptl-caption';

function BreachDate({ row, today }: { row: PtlRow; today: string }) {
  const date = row.breachDates['18'];
  const breached = calendarDate(date) < today;
  return (
    <>
      <span className="app-ptl-nowrap">{formatShortDate(date)}</span>
      {breached ? (
        <>
          <br />
          <strong className="nhsuk-tag nhsuk-tag--red app-ptl-tag">Breached</strong>
        </>
      ) : null}
    </>
  );
}

/**
 * NHS.UK table of one page of the patient tracking list. The table can be wider than the screen: its container
 * then scrolls sideways, so it can take keyboard focus and is named by the caption.
 */
export function PtlTable({ page, caption }: { page: PtlPage; caption: string }) {
  const today = calendarDate(page.asOf);
  return (
    <div className="nhsuk-table-container" role="region" aria-labelledby={CAPTION_ID} tabIndex={0}>
      <table className="nhsuk-table app-ptl-table">
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
              Consultant
            </th>
            <th className="nhsuk-table__header" scope="col">
              Priority
            </th>
            <th className="nhsuk-table__header" scope="col">
              Clock start
            </th>
            <th className="nhsuk-table__header nhsuk-table__header--numeric" scope="col">
              Weeks waited
            </th>
            <th className="nhsuk-table__header" scope="col">
              18-week breach date
            </th>
            <th className="nhsuk-table__header" scope="col">
              Next action
            </th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {page.rows.map((row) => (
            <tr className="nhsuk-table__row" key={row.pathwayId}>
              <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
                <Link
                  className="nhsuk-u-font-weight-bold"
                  to={`/patients/${encodeURIComponent(row.patient.id)}`}
                >
                  {row.patient.name}
                </Link>
                <br />
                <span className="nhsuk-u-visually-hidden">NHS number: </span>
                <span className="app-ptl-nhs-number">{formatNhsNumber(row.patient.nhsNumber)}</span>
              </th>
              <td className="nhsuk-table__cell">{row.specialty.name}</td>
              <td className="nhsuk-table__cell">
                {row.clinician ? (
                  row.clinician.name
                ) : (
                  <span className="nhsuk-u-secondary-text-colour">None</span>
                )}
              </td>
              <td className="nhsuk-table__cell">
                <strong className={PRIORITY_TAGS[row.priority]}>{PRIORITY_LABELS[row.priority]}</strong>
              </td>
              <td className="nhsuk-table__cell app-ptl-nowrap">{formatShortDate(row.clockStart)}</td>
              <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{row.weeksWaited}</td>
              <td className="nhsuk-table__cell">
                <BreachDate row={row} today={today} />
              </td>
              <td className="nhsuk-table__cell">
                {row.nextAction.label}
                <br />
                <span className="nhsuk-u-secondary-text-colour app-ptl-nowrap">
                  by {formatShortDate(row.nextAction.due)}
                </span>
                {row.validation.due ? (
                  <>
                    <br />
                    <strong className="nhsuk-tag nhsuk-tag--yellow app-ptl-tag">Validation due</strong>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
