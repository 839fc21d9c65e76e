/**
 * What a clinic change would do to its booked patients, as the server's preview answers it (nothing has changed
 * yet): each displaced patient with their current appointment, the slot they would be rebooked into or why
 * they would be passed to the service manager, and the letter they would be sent. Shown on the cancellation's
 * "Check the changes" page and on the service manager's approval page.
 */
import { useEffect, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { CancellationCounts, PreviewPatient } from '../../api/clinics';
import { CaptionedTable } from '../../components/captioned-table';
import { InsetText } from '../../components/inset-text';
import { SummaryRow } from '../../components/summary-row';
import { formatDateTime } from '../../format';
import { formatNhsNumber } from '../ptl/ptl-format';
import { formatLongDate } from '../referrals/referral-format';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const LETTER_LABELS: Record<string, string> = {
  'appointment-moved': 'New appointment letter',
  'appointment-cancelled': 'Cancellation letter',
};

/** Moves focus to the page's heading when `step` changes (a new step of a form is like a new page). */
export function useFocusHeadingOn(step: string): void {
  useEffect(() => {
    const heading = document.querySelector<HTMLElement>('h1[data-page-heading]');
    heading?.focus();
    window.scrollTo?.(0, 0);
  }, [step]);
}

/** The counts of a previewed session cancellation or reduction (and any further rows). */
export function PreviewCounts({ counts, children }: { counts: CancellationCounts; children?: ReactNode }) {
  return (
    <dl className="nhsuk-summary-list">
      <SummaryRow label="Session date">{formatLongDate(counts.sessionDate)}</SummaryRow>
      <SummaryRow label="Slots to cancel">{String(counts.cancelledSlots)}</SummaryRow>
      {counts.keptSlots > 0 ? <SummaryRow label="Slots kept">{String(counts.keptSlots)}</SummaryRow> : null}
      <SummaryRow label="Appointments to cancel">{String(counts.cancelledAppointments)}</SummaryRow>
      {children}
    </dl>
  );
}

function Proposal({ p }: { p: PreviewPatient }) {
  if (p.outcome === 'rebooked' && p.proposed) {
    const s = p.proposed;
    return (
      <>
        <strong className="nhsuk-tag nhsuk-tag--green">Rebook</strong>
        <br />
        {formatDateTime(s.startsAt)}
        <br />
        {s.clinicName}
        <br />
        <span className="nhsuk-u-secondary-text-colour">
          {[s.clinician ?? s.serviceName, s.location].filter(Boolean).join(', ')}
        </span>
      </>
    );
  }
  if (p.outcome === 'escalated') {
    return (
      <>
        <strong className="nhsuk-tag nhsuk-tag--red">Escalate</strong>
        <br />
        Cannot be rebooked by the breach date: will be passed to the service manager.
        {p.escalationReason ? (
          <>
            <br />
            <span className="nhsuk-u-secondary-text-colour">{p.escalationReason}</span>
          </>
        ) : null}
      </>
    );
  }
  return (
    <>
      <strong className="nhsuk-tag nhsuk-tag--grey">No rebooking</strong>
      <br />
      The patient already has another appointment booked on this pathway.
    </>
  );
}

/** The displaced patients and what would happen to each. */
export function DisplacedPatients({
  patients,
  captionId,
  caption = 'Patients whose appointments would be cancelled',
}: {
  patients: PreviewPatient[];
  captionId: string;
  caption?: string;
}) {
  if (patients.length === 0) {
    return <p>No patients are booked into the slots that would be cancelled, so no one needs rebooking.</p>;
  }
  const rebooked = patients.filter((p) => p.outcome === 'rebooked').length;
  const escalated = patients.filter((p) => p.outcome === 'escalated').length;
  return (
    <>
      <p>
        {plural(patients.length, 'patient is', 'patients are')} booked into the slots that would be cancelled:{' '}
        {rebooked} would be rebooked and {escalated} could not be rebooked by their 18-week breach date.
      </p>
      <CaptionedTable
        captionId={captionId}
        caption={caption}
        columns={[
          { label: 'Patient' },
          { label: 'Appointment now' },
          { label: 'What would happen' },
          { label: 'Letter' },
        ]}
      >
        {patients.map((p) => (
          <tr className="nhsuk-table__row" key={p.appointmentId}>
            <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
              <Link to={`/patients/${p.patientId}`}>
                {p.familyName}, {p.givenName}
              </Link>
              <br />
              <span className="nhsuk-u-visually-hidden">NHS number: </span>
              {formatNhsNumber(p.nhsNumber)}
              <br />
              <span className="nhsuk-u-secondary-text-colour">
                18-week breach: {p.breachDate ? formatLongDate(p.breachDate) : 'clock not running'}
              </span>
            </th>
            <td className="nhsuk-table__cell">
              {formatDateTime(p.current.startsAt)}
              <br />
              <span className="nhsuk-u-secondary-text-colour">{p.current.clinicName}</span>
            </td>
            <td className="nhsuk-table__cell">
              <Proposal p={p} />
            </td>
            <td className="nhsuk-table__cell">{p.letter ? (LETTER_LABELS[p.letter] ?? p.letter) : 'None'}</td>
          </tr>
        ))}
      </CaptionedTable>
    </>
  );
}

/** Said plainly wherever proposals are shown: they are what would happen now, not a promise. */
export function ProposalsMayChange({ when }: { when: string }) {
  return (
    <InsetText>
      <p>
        These are the proposed changes as things stand now. If anyone books, moves or cancels an appointment
        before {when}, the rebookings may be different. After {when} you will see what was actually done.
      </p>
    </InsetText>
  );
}
