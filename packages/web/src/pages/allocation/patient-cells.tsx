/** Table cells for a waiting-list patient: name and NHS number, and priority (styles in ptl.css). */
import { formatNhsNumber } from '../ptl/ptl-format';
import { PRIORITY_LABELS, PRIORITY_TAGS, labelOf } from '../referrals/referral-format';

export function PatientCell({ name, nhsNumber }: { name: string; nhsNumber: string }) {
  return (
    <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
      <span className="nhsuk-u-font-weight-bold">{name}</span>
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
