/**
 * Parts of the clinic page: how the clinic runs now, what a clerk can do to it, its changes waiting for
 * approval, and the patients its changes could not rebook in time.
 */
import { Link } from 'react-router';
import type { Patient, SessionUser } from '@pathflow/core';
import { getEscalations, getPatient, type Clinic, type Escalation } from '../../api/clinics';
import { CaptionedTable } from '../../components/captioned-table';
import { Loading } from '../../components/loading';
import { SummaryRow } from '../../components/summary-row';
import { useLoad } from '../../components/use-load';
import { formatDateTime } from '../../format';
import { formatNhsNumber } from '../ptl/ptl-format';
import { formatLongDate } from '../referrals/referral-format';
import { currentVersion } from './change-clinic-page';
import { describeChange } from './clinic-changes-page';
import { WEEKDAY_LABELS, describeRecurrence, timeLabel } from './clinic-format';

/** The most escalated patients whose names are looked up at once (each look-up is an audited read). */
const MAX_NAMED = 50;
const ESCALATIONS_CAPTION = 'escalations-caption';

/** The version in force: dates, how often, sessions. */
export function ClinicSchedule({ clinic }: { clinic: Clinic }) {
  const v = currentVersion(clinic);
  if (!v) return <p>The clinic has no version in force.</p>;
  return (
    <>
      <h2 className="nhsuk-heading-m">How the clinic runs</h2>
      <dl className="nhsuk-summary-list">
        <SummaryRow label="From">{formatLongDate(v.effectiveFrom)}</SummaryRow>
        <SummaryRow label="Until">{v.effectiveTo ? formatLongDate(v.effectiveTo) : 'No end date'}</SummaryRow>
        <SummaryRow label="How often">{describeRecurrence(v.recurrence)}</SummaryRow>
        <SummaryRow label="Sessions">
          <ul className="nhsuk-list">
            {v.sessions.map((s, i) => (
              <li key={i}>
                {WEEKDAY_LABELS[s.weekday]} {timeLabel(s.start)} to {timeLabel(s.end)}, {s.slots.length}{' '}
                {s.slots.length === 1 ? 'slot' : 'slots'}
              </li>
            ))}
          </ul>
        </SummaryRow>
        <SummaryRow label="Version">{v.version}</SummaryRow>
      </dl>
    </>
  );
}

/** Links to change the clinic and cancel a session, for those who may. */
export function ClinicActions({ clinic, user }: { clinic: Clinic; user: SessionUser }) {
  if (!user.permissions.includes('Clinic.write')) return null;
  return (
    <ul className="nhsuk-list">
      <li>
        <Link to={`/clinics/${clinic.id}/change`}>Change this clinic</Link>
      </li>
      <li>
        <Link to={`/clinics/${clinic.id}/cancel`}>Cancel or reduce a session</Link>
      </li>
    </ul>
  );
}

/** Changes to this clinic that wait for a service manager. */
export function PendingChanges({ clinic, user }: { clinic: Clinic; user: SessionUser }) {
  if (clinic.pendingRequests.length === 0) return null;
  const canDecide = user.permissions.includes('ClinicChange.write');
  return (
    <section aria-labelledby="pending-heading">
      <h2 className="nhsuk-heading-m" id="pending-heading">
        Changes waiting for approval
      </h2>
      <ul className="nhsuk-list nhsuk-list--bullet">
        {clinic.pendingRequests.map((r) => (
          <li key={r.id}>
            {describeChange(r)}. Reason: {r.reason}.{' '}
            {canDecide ? (
              <Link to={`/clinic-changes/${r.id}`}>
                Approve or reject<span className="nhsuk-u-visually-hidden"> this change</span>
              </Link>
            ) : (
              'Waiting for a service manager.'
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

const CAUSE_LABELS: Record<string, string> = {
  'session-cancelled': 'Session cancelled',
  'version-change': 'Clinic changed',
};

/** Patients this clinic's cancellations and changes could not rebook by their breach date. */
export function Escalations({ clinicId, user }: { clinicId: string; user: SessionUser }) {
  const escalations = useLoad<Escalation[]>(
    `escalations:${clinicId}`,
    (signal) => getEscalations(clinicId, signal),
    true,
  );
  const canName = user.permissions.includes('Patient.read');
  const patientIds =
    escalations.status === 'loaded'
      ? [...new Set(escalations.data.flatMap((e) => (e.patientId ? [e.patientId] : [])))].slice(0, MAX_NAMED)
      : [];
  const patients = useLoad<Map<string, Patient>>(
    `escalated-patients:${patientIds.join(',')}`,
    async (signal) =>
      new Map((await Promise.all(patientIds.map((p) => getPatient(p, signal)))).map((p) => [p.id, p])),
    canName && patientIds.length > 0,
  );
  const named = patients.status === 'loaded' ? patients.data : new Map<string, Patient>();

  return (
    <section aria-labelledby="escalations-heading">
      <h2 className="nhsuk-heading-m" id="escalations-heading">
        Patients not rebooked in time
      </h2>
      {escalations.status === 'loading' ? <Loading text="Loading the patients not rebooked…" /> : null}
      {escalations.status === 'failed' ? (
        <p>
          This list could not be loaded. {escalations.detail ? `${escalations.detail} ` : ''}Try again later.
        </p>
      ) : null}
      {escalations.status === 'loaded' && escalations.data.length === 0 ? (
        <p>No patients from this clinic are waiting to be rebooked by hand.</p>
      ) : null}
      {escalations.status === 'loaded' && escalations.data.length > 0 ? (
        <>
          <p>
            When this clinic was cancelled or changed, these patients could not be rebooked before their
            18-week breach date. They have been passed to the service manager.
          </p>
          <CaptionedTable
            captionId={ESCALATIONS_CAPTION}
            caption="Patients not rebooked in time, newest first"
            columns={[
              { label: 'Patient' },
              { label: '18-week breach' },
              { label: 'Cause' },
              { label: 'Why not rebooked' },
              { label: 'Now' },
            ]}
          >
            {escalations.data.map((e) => {
              const p = e.patientId ? named.get(e.patientId) : undefined;
              return (
                <tr className="nhsuk-table__row" key={`${e.appointmentId}:${e.escalatedAt}`}>
                  <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
                    {p ? (
                      <>
                        <span className="nhsuk-u-font-weight-bold">
                          {p.familyName}, {p.givenName}
                        </span>
                        <br />
                        <span className="nhsuk-u-visually-hidden">NHS number: </span>
                        {formatNhsNumber(p.nhsNumber)}
                      </>
                    ) : (
                      'Patient'
                    )}
                    <br />
                    <span className="nhsuk-u-secondary-text-colour">
                      Escalated {formatDateTime(e.escalatedAt)}
                    </span>
                  </th>
                  <td className="nhsuk-table__cell">
                    {e.breachDate ? formatLongDate(e.breachDate) : 'Clock not running'}
                  </td>
                  <td className="nhsuk-table__cell">{CAUSE_LABELS[e.cause] ?? e.cause}</td>
                  <td className="nhsuk-table__cell">{e.reason}</td>
                  <td className="nhsuk-table__cell">
                    {e.bookedSince ? (
                      <strong className="nhsuk-tag nhsuk-tag--green">Booked again</strong>
                    ) : (
                      <strong className="nhsuk-tag nhsuk-tag--red">Not booked</strong>
                    )}
                  </td>
                </tr>
              );
            })}
          </CaptionedTable>
        </>
      ) : null}
    </section>
  );
}
