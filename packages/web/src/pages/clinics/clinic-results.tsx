/** What a clinic change or a session cancellation did, as the API answered it. */
import type { ApplyResult, Cancellation } from '../../api/clinics';
import { CaptionedTable } from '../../components/captioned-table';
import { InsetText } from '../../components/inset-text';
import { SummaryRow } from '../../components/summary-row';
import { formatDateTime } from '../../format';
import { formatLongDate } from '../referrals/referral-format';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** A new version applied: slots made and removed, and the appointments that no longer fit. */
export function AppliedVersion({ result }: { result: ApplyResult }) {
  return (
    <>
      <dl className="nhsuk-summary-list">
        <SummaryRow label="Version">{String(result.version)}</SummaryRow>
        <SummaryRow label="Slots made">{String(result.created)}</SummaryRow>
        <SummaryRow label="Free slots removed">{String(result.removed)}</SummaryRow>
        <SummaryRow label="Slots kept">{String(result.kept)}</SummaryRow>
        <SummaryRow label="Appointments to rebook">{String(result.displacedAppointments)}</SummaryRow>
      </dl>
      {result.displaced.length > 0 ? (
        <>
          <InsetText>
            <p>
              {plural(
                result.displacedAppointments,
                'appointment no longer fits',
                'appointments no longer fit',
              )}{' '}
              the clinic. {result.displacedAppointments === 1 ? 'It has' : 'They have'} been marked to be
              rebooked.
            </p>
          </InsetText>
          <CaptionedTable
            captionId="displaced-caption"
            caption="Booked slots that no longer fit"
            columns={[{ label: 'Slot' }, { label: 'Appointments', numeric: true }, { label: 'Why' }]}
          >
            {result.displaced.map((d) => (
              <tr className="nhsuk-table__row" key={d.slotId}>
                <td className="nhsuk-table__cell">{formatDateTime(d.startsAt)}</td>
                <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{d.appointments}</td>
                <td className="nhsuk-table__cell">{d.message}</td>
              </tr>
            ))}
          </CaptionedTable>
        </>
      ) : null}
    </>
  );
}

/** A cancellation or reduction applied: slots cancelled, patients rebooked and escalated. */
export function AppliedCancellation({ result }: { result: Cancellation }) {
  return (
    <>
      <dl className="nhsuk-summary-list">
        <SummaryRow label="Session date">{formatLongDate(result.sessionDate)}</SummaryRow>
        <SummaryRow label="Slots cancelled">{String(result.cancelledSlots)}</SummaryRow>
        {result.keptSlots > 0 ? <SummaryRow label="Slots kept">{String(result.keptSlots)}</SummaryRow> : null}
        <SummaryRow label="Appointments cancelled">{String(result.cancelledAppointments)}</SummaryRow>
        <SummaryRow label="Patients rebooked">{String(result.rebooked.length)}</SummaryRow>
        <SummaryRow label="Patients not rebooked in time">{String(result.escalated.length)}</SummaryRow>
      </dl>
      {result.rebooked.length > 0 ? (
        <CaptionedTable
          captionId="rebooked-caption"
          caption="Patients rebooked"
          columns={[{ label: 'Was' }, { label: 'Now' }, { label: '18-week breach' }]}
        >
          {result.rebooked.map((r) => (
            <tr className="nhsuk-table__row" key={r.appointmentId}>
              <td className="nhsuk-table__cell">{formatDateTime(r.from)}</td>
              <td className="nhsuk-table__cell">{formatDateTime(r.to)}</td>
              <td className="nhsuk-table__cell">
                {r.breachDate ? formatLongDate(r.breachDate) : 'Clock not running'}
              </td>
            </tr>
          ))}
        </CaptionedTable>
      ) : null}
      {result.escalated.length > 0 ? (
        <InsetText>
          <p>
            {plural(result.escalated.length, 'patient', 'patients')} could not be rebooked by their 18-week
            breach date. They have been passed to the service manager and are listed on the clinic page under
            &lsquo;Patients not rebooked in time&rsquo;.
          </p>
        </InsetText>
      ) : null}
      {result.rebooked.length > 0 ? (
        <p className="nhsuk-body-s">A letter with the new appointment is queued for each rebooked patient.</p>
      ) : null}
    </>
  );
}
