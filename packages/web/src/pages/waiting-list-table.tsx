import type { SpecialtyWaitingList } from '@pathflow/core';
import { formatCount, formatDateTime } from '../format';

/** NHS.UK table of patients waiting in each specialty, with the total. Counts are right-aligned. */
export function WaitingListTable({ list }: { list: SpecialtyWaitingList }) {
  if (list.specialties.length === 0) {
    return <p className="nhsuk-body">No specialties have been set up for your organisation yet.</p>;
  }
  return (
    <>
      <p className="nhsuk-body">
        Patients with an open referral to treatment pathway, correct at {formatDateTime(list.asOf)}.
      </p>
      <div className="nhsuk-table-container">
        <table className="nhsuk-table">
          <caption className="nhsuk-table__caption nhsuk-table__caption--s">
            Patients waiting by specialty
          </caption>
          <thead className="nhsuk-table__head">
            <tr className="nhsuk-table__row">
              <th className="nhsuk-table__header" scope="col">
                Specialty
              </th>
              <th className="nhsuk-table__header nhsuk-table__header--numeric" scope="col">
                Patients waiting
              </th>
            </tr>
          </thead>
          <tbody className="nhsuk-table__body">
            {list.specialties.map((s) => (
              <tr className="nhsuk-table__row" key={s.code}>
                <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
                  {s.name}
                </th>
                <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
                  {formatCount(s.waitingPatients)}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="nhsuk-table__row">
              <th className="nhsuk-table__header" scope="row">
                Total
              </th>
              <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
                <strong>{formatCount(list.totalWaiting)}</strong>
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
    </>
  );
}
