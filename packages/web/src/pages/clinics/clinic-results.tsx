/** What a clinic change or a session cancellation did, as the API answered it. */
import type { ApplyResult, Cancellation } from '../../api/clinics';
import { InsetText } from '../../components/inset-text';
import { formatDateTime } from '../../format';
import { formatLongDate } from '../referrals/referral-format';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function Row({ label, value }: { label: string; value: string }) {
  return (
    <div className="nhsuk-summary-list__row">
      <dt className="nhsuk-summary-list__key">{label}</dt>
      <dd className="nhsuk-summary-list__value">{value}</dd>
    </div>
  );
}

/** A new version applied: slots made and removed, and the appointments that no longer fit. */
export function AppliedVersion({ result }: { result: ApplyResult }) {
  return (
    <>
      <dl className="nhsuk-summary-list">
        <Row label="Version" value={String(result.version)} />
        <Row label="Slots made" value={String(result.created)} />
        <Row label="Free slots removed" value={String(result.removed)} />
        <Row label="Slots kept" value={String(result.kept)} />
        <Row label="Appointments to rebook" value={String(result.displacedAppointments)} />
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
          <div
            className="nhsuk-table-container"
            role="region"
            aria-labelledby="displaced-caption"
            tabIndex={0}
          >
            <table className="nhsuk-table">
              <caption className="nhsuk-table__caption nhsuk-table__caption--s" id="displaced-caption">
                Booked slots that no longer fit
              </caption>
              <thead className="nhsuk-table__head">
                <tr className="nhsuk-table__row">
                  <th className="nhsuk-table__header" scope="col">
                    Slot
                  </th>
                  <th className="nhsuk-table__header nhsuk-table__header--numeric" scope="col">
                    Appointments
                  </th>
                  <th className="nhsuk-table__header" scope="col">
                    Why
                  </th>
                </tr>
              </thead>
              <tbody className="nhsuk-table__body">
                {result.displaced.map((d) => (
                  <tr className="nhsuk-table__row" key={d.slotId}>
                    <td className="nhsuk-table__cell">{formatDateTime(d.startsAt)}</td>
                    <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{d.appointments}</td>
                    <td className="nhsuk-table__cell">{d.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
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
        <Row label="Session date" value={formatLongDate(result.sessionDate)} />
        <Row label="Slots cancelled" value={String(result.cancelledSlots)} />
        {result.keptSlots > 0 ? <Row label="Slots kept" value={String(result.keptSlots)} /> : null}
        <Row label="Appointments cancelled" value={String(result.cancelledAppointments)} />
        <Row label="Patients rebooked" value={String(result.rebooked.length)} />
        <Row label="Patients not rebooked in time" value={String(result.escalated.length)} />
      </dl>
      {result.rebooked.length > 0 ? (
        <div className="nhsuk-table-container" role="region" aria-labelledby="rebooked-caption" tabIndex={0}>
          <table className="nhsuk-table">
            <caption className="nhsuk-table__caption nhsuk-table__caption--s" id="rebooked-caption">
              Patients rebooked
            </caption>
            <thead className="nhsuk-table__head">
              <tr className="nhsuk-table__row">
                <th className="nhsuk-table__header" scope="col">
                  Was
                </th>
                <th className="nhsuk-table__header" scope="col">
                  Now
                </th>
                <th className="nhsuk-table__header" scope="col">
                  18-week breach
                </th>
              </tr>
            </thead>
            <tbody className="nhsuk-table__body">
              {result.rebooked.map((r) => (
                <tr className="nhsuk-table__row" key={r.appointmentId}>
                  <td className="nhsuk-table__cell">{formatDateTime(r.from)}</td>
                  <td className="nhsuk-table__cell">{formatDateTime(r.to)}</td>
                  <td className="nhsuk-table__cell">
                    {r.breachDate ? formatLongDate(r.breachDate) : 'Clock not running'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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
