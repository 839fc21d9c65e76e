/** Table cells for a waiting-list patient: name and NHS number, and priority (styles in ptl.css). */
import { Link } from 'react-router';
import { formatNhsNumber } from '../ptl/ptl-format';
import { PRIORITY_LABELS, PRIORITY_TAGS, labelOf } from '../referrals/referral-format';

/** The patient's name (a link to `to` when given, else bold) over their NHS number, as the row's header. */
export function PatientCell({ name, nhsNumber, to }: { name: string; nhsNumber: string; to?: string }) {
  return (
    <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
      {to ? <Link to={to}>{name}</Link> : <span className="nhsuk-u-font-weight-bold">{name}</span>}
      <br />
      <span className="nhsuk-u-visually-hidden">NHS number: </span>
      <span className="app-ptl-nhs-number">{formatNhsNumber(nhsNumber)}</span>
    </th>
  );
}

export function PriorityCell({ priority }: { priority: string }) {
  return (
    <td className="nhsuk-table__cell">
      <strong className={`${labelOf(PRIORITY_TAGS, priority)} app-ptl-tag`}>
        {labelOf(PRIORITY_LABELS, priority)}
      </strong>
    </td>
  );
}
