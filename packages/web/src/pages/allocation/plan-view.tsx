/** What an allocation plan would do, shown before it is applied: the summary and the two tables. */
import { BREACH_KINDS, type BreachKind } from '@pathflow/core';
import type { AllocationPlan, PlanAssignment, PlanBreaching } from '../../api/allocation';
import { CaptionedTable } from '../../components/captioned-table';
import { SummaryRow } from '../../components/summary-row';
import { formatCount, formatDateTime } from '../../format';
import '../../styles/ptl.css';
import { formatShortDate } from '../ptl/ptl-format';
import { labelOf } from '../referrals/referral-format';
import { slotTypeLabel } from '../clinics/clinic-format';
import { PatientCell, PriorityCell } from './patient-cells';

export const BREACH_KIND_ORDER: readonly BreachKind[] = BREACH_KINDS;

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
        <CaptionedTable
          captionId="breaches-caption"
          caption="Breaches without and with the plan"
          columns={[
            { label: 'Breach' },
            { label: 'Without the plan', numeric: true },
            { label: 'With the plan', numeric: true },
            { label: 'Avoided', numeric: true },
          ]}
        >
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
        </CaptionedTable>
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
    <CaptionedTable
      captionId="assignments-caption"
      caption={
        <>
          Appointments the plan would book ({formatCount(items.length)} of {formatCount(total)} shown)
        </>
      }
      columns={[
        { label: 'Patient' },
        { label: 'Priority' },
        { label: 'Appointment' },
        { label: 'Notice' },
        { label: 'Breaches avoided' },
      ]}
    >
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
    </CaptionedTable>
  );
}

export function BreachingTable({ items, total }: { items: PlanBreaching[]; total: number }) {
  return (
    <CaptionedTable
      captionId="breaching-caption"
      caption={
        <>
          Patients who still breach ({formatCount(items.length)} of {formatCount(total)} shown)
        </>
      }
      columns={[
        { label: 'Patient' },
        { label: 'Priority' },
        { label: 'Breaches' },
        { label: 'Date in the plan' },
        { label: 'Why' },
      ]}
    >
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
    </CaptionedTable>
  );
}
