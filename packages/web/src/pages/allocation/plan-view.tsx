/** What an allocation plan would do, shown before it is applied: the summary and the two tables. */
import type { ReactNode } from 'react';
import type { BreachKind } from '@pathflow/core';
import type { AllocationPlan, PlanAssignment, PlanBreaching } from '../../api/allocation';
import { formatCount, formatDateTime } from '../../format';
import '../../styles/ptl.css';
import { formatNhsNumber, formatShortDate } from '../ptl/ptl-format';
import { PRIORITY_LABELS, PRIORITY_TAGS, labelOf } from '../referrals/referral-format';
import { slotTypeLabel } from '../clinics/clinic-format';

export const BREACH_KIND_ORDER: BreachKind[] = [
  '18-week',
  '52-week',
  '65-week',
  '78-week',
  '104-week',
  'priority-target',
];

export const BREACH_LABELS: Record<BreachKind, string> = {
  '18-week': '18 weeks',
  '52-week': '52 weeks',
  '65-week': '65 weeks',
  '78-week': '78 weeks',
  '104-week': '104 weeks',
  'priority-target': 'Priority target (2 weeks from referral)',
};

const breachList = (kinds: readonly BreachKind[]) =>
  kinds.length === 0 ? 'None' : kinds.map((k) => labelOf(BREACH_LABELS, k)).join(', ');

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

function SummaryRow({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="nhsuk-summary-list__row">
      <dt className="nhsuk-summary-list__key">{label}</dt>
      <dd className="nhsuk-summary-list__value">{children}</dd>
    </div>
  );
}

function PatientCell({ name, nhsNumber }: { name: string; nhsNumber: string }) {
  return (
    <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
      <span className="nhsuk-u-font-weight-bold">{name}</span>
      <br />
      <span className="nhsuk-u-visually-hidden">NHS number: </span>
      <span className="app-ptl-nhs-number">{formatNhsNumber(nhsNumber)}</span>
    </th>
  );
}

function PriorityCell({ priority }: { priority: string }) {
  return (
    <td className="nhsuk-table__cell">
      <strong className={`${labelOf(PRIORITY_TAGS, priority)} app-ptl-tag`}>
        {labelOf(PRIORITY_LABELS, priority)}
      </strong>
    </td>
  );
}

export function PlanSummary({ plan }: { plan: AllocationPlan }) {
  const { counts, breachesBefore, breachesAfter } = plan.summary;
  const shortNotice = counts.booked - counts.reasonableOffers;
  const kinds = BREACH_KIND_ORDER.filter((k) => breachesBefore[k] > 0 || breachesAfter[k] > 0);
  const stillBreaching = plan.summary.stillBreaching.filter((r) => r.count > 0);
  return (
    <>
      <h2 className="nhsuk-heading-m">Summary of the plan</h2>
      <dl className="nhsuk-summary-list">
        <SummaryRow label="Period">
          {formatShortDate(plan.fromDate)} to {formatShortDate(plan.toDate)} ({plan.summary.weeks}{' '}
          {plan.summary.weeks === 1 ? 'week' : 'weeks'}), at least {plan.summary.minNoticeDays} days’ notice
        </SummaryRow>
        <SummaryRow label="Patients waiting">{formatCount(counts.patients)}</SummaryRow>
        <SummaryRow label="Free places">
          {plural(counts.places, 'place', 'places')} in {plural(counts.slots, 'slot', 'slots')}
        </SummaryRow>
        <SummaryRow label="Would book">{plural(counts.booked, 'appointment', 'appointments')}</SummaryRow>
        <SummaryRow label="Less than 21 days’ notice">
          {plural(shortNotice, 'appointment', 'appointments')}
        </SummaryRow>
        <SummaryRow label="Booked out of turn">
          {plural(counts.outOfTurn, 'appointment', 'appointments')}, to avoid more breaches
        </SummaryRow>
        <SummaryRow label="Left without a date">
          {plural(counts.unassigned, 'patient', 'patients')}
        </SummaryRow>
      </dl>

      <h3 className="nhsuk-heading-s">Breaches by the end of the period</h3>
      {kinds.length === 0 ? (
        <p>Nobody on this waiting list breaches by the end of the period, with or without the plan.</p>
      ) : (
        <div className="nhsuk-table-container" role="region" aria-labelledby="breaches-caption" tabIndex={0}>
          <table className="nhsuk-table">
            <caption className="nhsuk-table__caption nhsuk-table__caption--s" id="breaches-caption">
              Breaches without and with the plan
            </caption>
            <thead className="nhsuk-table__head">
              <tr className="nhsuk-table__row">
                <th className="nhsuk-table__header" scope="col">
                  Breach
                </th>
                <th className="nhsuk-table__header nhsuk-table__header--numeric" scope="col">
                  Without the plan
                </th>
                <th className="nhsuk-table__header nhsuk-table__header--numeric" scope="col">
                  With the plan
                </th>
                <th className="nhsuk-table__header nhsuk-table__header--numeric" scope="col">
                  Avoided
                </th>
              </tr>
            </thead>
            <tbody className="nhsuk-table__body">
              {kinds.map((k) => (
                <tr className="nhsuk-table__row" key={k}>
                  <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
                    {BREACH_LABELS[k]}
                  </th>
                  <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
                    {formatCount(breachesBefore[k])}
                  </td>
                  <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
                    {formatCount(breachesAfter[k])}
                  </td>
                  <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
                    {formatCount(breachesBefore[k] - breachesAfter[k])}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {stillBreaching.length > 0 ? (
        <>
          <h3 className="nhsuk-heading-s">Why patients still breach</h3>
          <ul className="nhsuk-list nhsuk-list--bullet">
            {stillBreaching.map((r) => (
              <li key={r.reason}>
                {plural(r.count, 'patient', 'patients')}: {r.text.charAt(0).toLowerCase() + r.text.slice(1)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

export function AssignmentsTable({ items, total }: { items: PlanAssignment[]; total: number }) {
  return (
    <div className="nhsuk-table-container" role="region" aria-labelledby="assignments-caption" tabIndex={0}>
      <table className="nhsuk-table">
        <caption className="nhsuk-table__caption nhsuk-table__caption--s" id="assignments-caption">
          Appointments the plan would book ({formatCount(items.length)} of {formatCount(total)} shown)
        </caption>
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            <th className="nhsuk-table__header" scope="col">
              Patient
            </th>
            <th className="nhsuk-table__header" scope="col">
              Priority
            </th>
            <th className="nhsuk-table__header" scope="col">
              Appointment
            </th>
            <th className="nhsuk-table__header" scope="col">
              Notice
            </th>
            <th className="nhsuk-table__header" scope="col">
              Breaches avoided
            </th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {items.map((a) => (
            <tr className="nhsuk-table__row" key={a.pathwayId}>
              <PatientCell name={a.patient.name} nhsNumber={a.patient.nhsNumber} />
              <PriorityCell priority={a.priority} />
              <td className="nhsuk-table__cell">
                {formatDateTime(a.slot.startsAt)}
                <br />
                <span className="nhsuk-u-secondary-text-colour">
                  {a.clinic.name}, {slotTypeLabel(a.slot.type).toLowerCase()} slot
                </span>
                {a.outOfTurn ? (
                  <>
                    <br />
                    <strong className="nhsuk-tag nhsuk-tag--yellow app-ptl-tag">Out of turn</strong>
                  </>
                ) : null}
              </td>
              <td className="nhsuk-table__cell">
                {plural(a.noticeDays, 'day', 'days')}
                {a.reasonableOffer ? null : (
                  <>
                    <br />
                    <strong className="nhsuk-tag nhsuk-tag--orange app-ptl-tag">Under 21 days</strong>
                  </>
                )}
              </td>
              <td className="nhsuk-table__cell">{breachList(a.breachesAvoided)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function BreachingTable({ items, total }: { items: PlanBreaching[]; total: number }) {
  return (
    <div className="nhsuk-table-container" role="region" aria-labelledby="breaching-caption" tabIndex={0}>
      <table className="nhsuk-table">
        <caption className="nhsuk-table__caption nhsuk-table__caption--s" id="breaching-caption">
          Patients who still breach ({formatCount(items.length)} of {formatCount(total)} shown)
        </caption>
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            <th className="nhsuk-table__header" scope="col">
              Patient
            </th>
            <th className="nhsuk-table__header" scope="col">
              Priority
            </th>
            <th className="nhsuk-table__header" scope="col">
              Breaches
            </th>
            <th className="nhsuk-table__header" scope="col">
              Date in the plan
            </th>
            <th className="nhsuk-table__header" scope="col">
              Why
            </th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {items.map((b) => (
            <tr className="nhsuk-table__row" key={b.pathwayId}>
              <PatientCell name={b.patient.name} nhsNumber={b.patient.nhsNumber} />
              <PriorityCell priority={b.priority} />
              <td className="nhsuk-table__cell">{breachList(b.breaches)}</td>
              <td className="nhsuk-table__cell app-ptl-nowrap">
                {b.date ? formatShortDate(b.date) : 'Not booked'}
              </td>
              <td className="nhsuk-table__cell">
                {b.reasonText}
                {b.unassignedText ? (
                  <>
                    <br />
                    <span className="nhsuk-u-secondary-text-colour">Not booked: {b.unassignedText}</span>
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
