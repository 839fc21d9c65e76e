import { Link, useParams } from 'react-router';
import { ROLE_LABELS, type SessionUser, type TaskListPage } from '@pathflow/core';
import { getMessages, type MessageList } from '../../api/communications';
import {
  getPatient,
  getPatientAppointments,
  getPatientAudit,
  getPatientPathways,
  type AuditPage,
  type Patient,
  type PatientAppointment,
  type PatientPathways,
} from '../../api/patient-record';
import { getTasks } from '../../api/tasks';
import { CaptionedTable } from '../../components/captioned-table';
import { InsetText } from '../../components/inset-text';
import { Loading } from '../../components/loading';
import { NoAccess } from '../../components/no-access';
import { NotificationBanner } from '../../components/notification-banner';
import { PageHeading } from '../../components/page-heading';
import { SummaryRow } from '../../components/summary-row';
import { useLoad, type Load } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatDateTime, withArticle } from '../../format';
import { useSignedInSession } from '../../session/session-context';
import { CHANNEL_LABELS, KIND_LABELS, STATUS_LABELS, STATUS_TAGS } from '../messages/message-format';
import { calendarDate, formatNhsNumber } from '../ptl/ptl-format';
import { formatLongDate } from '../referrals/referral-format';
import { TASK_STATUS_LABELS, TASK_STATUS_TAGS } from '../tasks/task-format';
import {
  APPOINTMENT_STATUS_LABELS,
  APPOINTMENT_STATUS_TAGS,
  AUDIT_ACTION_LABELS,
  AUDIT_OUTCOME_LABELS,
  OUTCOME_LABELS,
  PATHWAY_STATUS_LABELS,
  PRIORITY_LABELS,
  PRIORITY_TAGS,
  SEX_LABELS,
  SLOT_TYPE_LABELS,
  SUPPORT_KIND_LABELS,
  SUPPORT_STATUS_LABELS,
  ageOn,
  communicationNeeds,
  patientName,
  say,
  vulnerabilities,
} from './patient-format';
import { RecordSection } from './record-section';
import '../../styles/ptl.css';
import './patients.css';

/** How many of the newest messages, tasks and audit entries the record shows. */
const MESSAGES_SHOWN = 20;
const TASKS_SHOWN = 50;
const AUDIT_SHOWN = 50;

const AUDIT_ONLY_TITLE = 'Audit trail of a patient’s record';

const ALL_TASK_STATUSES = ['open', 'in-progress', 'done', 'cancelled'] as const;

const todayInLondon = () => calendarDate(new Date().toISOString());

const notRecorded = <span className="nhsuk-u-secondary-text-colour">Not recorded</span>;

/** The banner at the top of the record: communication needs and vulnerabilities, in plain words. */
function NeedsBanner({ patient }: { patient: Patient }) {
  const needs = communicationNeeds(patient);
  const vulnerable = vulnerabilities(patient);
  if (needs.length === 0 && vulnerable.length === 0) return null;
  const vulnerableLine = `Vulnerable adult: ${vulnerable.join('; ')}`;
  return (
    <NotificationBanner
      title="Important"
      heading={needs.length > 0 ? `Communication needs: ${needs.join('; ')}` : vulnerableLine}
    >
      {needs.length > 0 && vulnerable.length > 0 ? <p className="nhsuk-body">{vulnerableLine}</p> : null}
      {vulnerable.length > 0 ? (
        <p className="nhsuk-body">
          Do not discharge this patient after a missed appointment without a clinician’s decision.
        </p>
      ) : null}
    </NotificationBanner>
  );
}

function Demographics({ patient }: { patient: Patient }) {
  const age = ageOn(patient.dateOfBirth, todayInLondon());
  const needs = communicationNeeds(patient);
  const a = patient.address;
  return (
    <dl className="nhsuk-summary-list">
      <SummaryRow label="NHS number">
        <span className="app-ptl-nhs-number">{formatNhsNumber(patient.nhsNumber)}</span>
      </SummaryRow>
      <SummaryRow label="Hospital number">{patient.mrn}</SummaryRow>
      <SummaryRow label="Date of birth">
        {formatLongDate(patient.dateOfBirth)}
        {age === null ? null : ` (${age} ${age === 1 ? 'year' : 'years'} old)`}
      </SummaryRow>
      <SummaryRow label="Sex">{say(SEX_LABELS, patient.sex)}</SummaryRow>
      <SummaryRow label="Address">
        {a.line1}
        <br />
        {a.line2 ? (
          <>
            {a.line2}
            <br />
          </>
        ) : null}
        {a.town}
        <br />
        {a.postcode}
      </SummaryRow>
      <SummaryRow label="Phone">{patient.phone ?? notRecorded}</SummaryRow>
      <SummaryRow label="Email">{patient.email ?? notRecorded}</SummaryRow>
      <SummaryRow label="GP practice">{patient.gpPracticeCode ?? notRecorded}</SummaryRow>
      <SummaryRow label="Communication needs">
        {needs.length === 0 ? (
          'None recorded'
        ) : (
          <ul className="nhsuk-list nhsuk-list--bullet">
            {needs.map((n) => (
              <li key={n}>{n.charAt(0).toUpperCase() + n.slice(1)}</li>
            ))}
          </ul>
        )}
      </SummaryRow>
      <SummaryRow label="Transport">
        {patient.transportEligible ? 'Eligible for patient transport' : 'Not eligible for patient transport'}
      </SummaryRow>
      <SummaryRow label="Short notice">
        {patient.shortNotice ? 'Can come at short notice' : 'Has not said they can come at short notice'}
      </SummaryRow>
    </dl>
  );
}

function PathwaysTable({ data, canBook }: { data: PatientPathways; canBook: boolean }) {
  return (
    <CaptionedTable
      captionId="pathways-caption"
      caption={<span className="nhsuk-u-visually-hidden">Pathways, open first</span>}
      columns={[
        { label: 'Pathway' },
        { label: 'Priority' },
        { label: 'Clock start' },
        { label: 'Weeks waited', numeric: true },
        { label: '18-week breach date' },
        { label: 'Appointment' },
      ]}
    >
      {data.pathways.map((p) => (
        <tr className="nhsuk-table__row" key={p.id}>
          <td className="nhsuk-table__cell">
            <Link className="nhsuk-u-font-weight-bold" to={`/pathways/${p.id}`}>
              {p.specialty.name}
            </Link>
            <br />
            <span className="nhsuk-u-secondary-text-colour">{p.ppid}</span>
            {p.clinician ? (
              <>
                <br />
                {p.clinician.name}
              </>
            ) : null}
            {p.status !== 'open' || !p.clockRunning ? (
              <>
                <br />
                <strong className="nhsuk-tag nhsuk-tag--grey app-ptl-tag">
                  {p.status === 'open' ? 'Clock stopped' : say(PATHWAY_STATUS_LABELS, p.status)}
                </strong>
              </>
            ) : null}
          </td>
          <td className="nhsuk-table__cell">
            <strong className={`${PRIORITY_TAGS[p.priority]} app-ptl-tag`}>
              {PRIORITY_LABELS[p.priority]}
            </strong>
          </td>
          <td className="nhsuk-table__cell app-ptl-nowrap">{formatLongDate(p.clockStart)}</td>
          <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
            {p.waiting ? p.waiting.weeksWaited : <span className="nhsuk-u-visually-hidden">Not waiting</span>}
          </td>
          <td className="nhsuk-table__cell app-ptl-nowrap">
            {p.waiting ? (
              <>
                {formatLongDate(p.waiting.breachDate)}
                {p.waiting.over18Weeks ? (
                  <>
                    <br />
                    <strong className="nhsuk-tag nhsuk-tag--red app-ptl-tag">Over 18 weeks</strong>
                  </>
                ) : null}
              </>
            ) : (
              <span className="nhsuk-u-visually-hidden">None</span>
            )}
          </td>
          <td className="nhsuk-table__cell">
            {p.bookedAppointment ? (
              <>
                {formatDateTime(p.bookedAppointment.startsAt)}
                <br />
                <span className="nhsuk-u-secondary-text-colour">{p.bookedAppointment.clinic}</span>
              </>
            ) : p.waiting ? (
              <>
                Not booked
                {canBook ? (
                  <>
                    <br />
                    <Link to={`/pathways/${p.id}/book`}>
                      Book an appointment
                      <span className="nhsuk-u-visually-hidden"> for {p.specialty.name.toLowerCase()}</span>
                    </Link>
                  </>
                ) : null}
              </>
            ) : (
              <span className="nhsuk-u-visually-hidden">None</span>
            )}
          </td>
        </tr>
      ))}
    </CaptionedTable>
  );
}

function supportLine(s: PatientAppointment['support'][number]): string {
  const what = say(SUPPORT_KIND_LABELS, s.kind);
  const language = s.language ? ` (${s.language})` : '';
  const reference = s.reference ? `, reference ${s.reference}` : '';
  return `${what}${language}: ${say(SUPPORT_STATUS_LABELS, s.status)}${reference}`;
}

function AppointmentsTable({ appointments }: { appointments: PatientAppointment[] }) {
  return (
    <CaptionedTable
      captionId="appointments-caption"
      caption={<span className="nhsuk-u-visually-hidden">Appointments, newest first</span>}
      columns={[
        { label: 'Date and time' },
        { label: 'Clinic' },
        { label: 'Type' },
        { label: 'Status' },
        { label: 'Interpreter and transport' },
      ]}
    >
      {appointments.map((a) => (
        <tr className="nhsuk-table__row" key={a.id}>
          <td className="nhsuk-table__cell">{formatDateTime(a.startsAt)}</td>
          <td className="nhsuk-table__cell">
            {a.clinic.name}
            <br />
            <span className="nhsuk-u-secondary-text-colour">
              {[a.clinician?.name ?? a.serviceName, `${a.location.name}, ${a.location.site}`]
                .filter((s) => s)
                .join(' – ')}
            </span>
          </td>
          <td className="nhsuk-table__cell">
            {say(SLOT_TYPE_LABELS, a.slotType)}
            <br />
            <span className="nhsuk-u-secondary-text-colour">{a.specialty.name}</span>
          </td>
          <td className="nhsuk-table__cell">
            <strong
              className={`${APPOINTMENT_STATUS_TAGS[a.status] ?? 'nhsuk-tag nhsuk-tag--grey'} app-ptl-tag`}
            >
              {say(APPOINTMENT_STATUS_LABELS, a.status)}
            </strong>
            {a.outcome ? (
              <>
                <br />
                Outcome: {say(OUTCOME_LABELS, a.outcome).toLowerCase()}
              </>
            ) : null}
            {a.cancelReason ? (
              <>
                <br />
                <span className="nhsuk-u-secondary-text-colour">
                  {a.cancelledBy === 'patient' ? 'By the patient' : 'By the hospital'}: {a.cancelReason}
                </span>
              </>
            ) : null}
          </td>
          <td className="nhsuk-table__cell">
            {a.support.length === 0 ? (
              'None'
            ) : (
              <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
                {a.support.map((s) => (
                  <li key={s.id}>{supportLine(s)}</li>
                ))}
              </ul>
            )}
          </td>
        </tr>
      ))}
    </CaptionedTable>
  );
}

function MessagesTable({ list }: { list: MessageList }) {
  return (
    <>
      <CaptionedTable
        captionId="messages-caption"
        caption={<span className="nhsuk-u-visually-hidden">Letters and messages, newest first</span>}
        columns={[{ label: 'Date' }, { label: 'Message' }, { label: 'Sent as' }, { label: 'Status' }]}
      >
        {list.messages.map((m) => (
          <tr className="nhsuk-table__row" key={m.id}>
            <td className="nhsuk-table__cell app-ptl-nowrap">
              {formatLongDate(calendarDate(m.sentAt ?? m.createdAt))}
            </td>
            <td className="nhsuk-table__cell">
              <Link to={`/messages/${m.id}`}>{say(KIND_LABELS, m.kind)}</Link>
              {m.recipient === 'gp' ? (
                <>
                  <br />
                  <span className="nhsuk-u-secondary-text-colour">To the GP</span>
                </>
              ) : null}
            </td>
            <td className="nhsuk-table__cell">
              {say(CHANNEL_LABELS, m.channel)}
              {m.format !== 'standard' ? `, ${m.format.replace(/-/g, ' ')}` : ''}
            </td>
            <td className="nhsuk-table__cell">
              <strong className={`${STATUS_TAGS[m.status] ?? 'nhsuk-tag nhsuk-tag--grey'} app-ptl-tag`}>
                {say(STATUS_LABELS, m.status)}
              </strong>
            </td>
          </tr>
        ))}
      </CaptionedTable>
      {list.total > list.messages.length ? (
        <p className="nhsuk-body">
          Showing the newest {list.messages.length} of {list.total} messages.
        </p>
      ) : null}
    </>
  );
}

function TasksTable({ page }: { page: TaskListPage }) {
  return (
    <>
      <CaptionedTable
        captionId="tasks-caption"
        caption={<span className="nhsuk-u-visually-hidden">Tasks, in the order they should be worked</span>}
        columns={[{ label: 'Task' }, { label: 'Status' }, { label: 'Due' }, { label: 'Who has it' }]}
      >
        {page.rows.map((t) => (
          <tr className="nhsuk-table__row" key={t.id}>
            <td className="nhsuk-table__cell">
              <Link to={`/tasks/${t.id}`}>{t.typeLabel}</Link>
            </td>
            <td className="nhsuk-table__cell">
              <strong className={`${TASK_STATUS_TAGS[t.status]} app-ptl-tag`}>
                {TASK_STATUS_LABELS[t.status]}
              </strong>
            </td>
            <td className="nhsuk-table__cell app-ptl-nowrap">
              {formatLongDate(t.dueDate)}
              {t.overdue && (t.status === 'open' || t.status === 'in-progress') ? (
                <>
                  <br />
                  <strong className="nhsuk-tag nhsuk-tag--red app-ptl-tag">Overdue</strong>
                </>
              ) : null}
            </td>
            <td className="nhsuk-table__cell">{t.owner ? t.owner.name : 'Unassigned'}</td>
          </tr>
        ))}
      </CaptionedTable>
      {page.total > page.rows.length ? (
        <p className="nhsuk-body">
          Showing {page.rows.length} of {page.total} tasks.
        </p>
      ) : null}
    </>
  );
}

function whoDidIt(r: AuditPage['records'][number]): string {
  const role = (ROLE_LABELS as Record<string, string>)[r.actorRole] ?? r.actorRole;
  if (r.actorType === 'system') return 'Pathflow (automatic)';
  if (r.actorType === 'client') return `Connected system (${role.toLowerCase()})`;
  return role;
}

function AuditTable({ page }: { page: AuditPage }) {
  return (
    <CaptionedTable
      captionId="audit-caption"
      caption={
        <span className="nhsuk-u-visually-hidden">
          Audit trail, newest first (up to {AUDIT_SHOWN} entries)
        </span>
      }
      columns={[{ label: 'When' }, { label: 'What happened' }, { label: 'Who' }, { label: 'Outcome' }]}
    >
      {page.records.map((r) => (
        <tr className="nhsuk-table__row" key={r.id}>
          <td className="nhsuk-table__cell">{formatDateTime(r.at)}</td>
          <td className="nhsuk-table__cell">{AUDIT_ACTION_LABELS[r.action] ?? r.action}</td>
          <td className="nhsuk-table__cell">
            {whoDidIt(r)}
            <br />
            <span className="nhsuk-u-secondary-text-colour app-record-id">ID {r.actorId}</span>
          </td>
          <td className="nhsuk-table__cell">{say(AUDIT_OUTCOME_LABELS, r.outcome)}</td>
        </tr>
      ))}
    </CaptionedTable>
  );
}

function AuditSection({ load }: { load: Load<AuditPage> }) {
  return (
    <RecordSection
      id="audit"
      heading="Audit trail"
      noun="audit entries"
      load={load}
      isEmpty={(d) => d.records.length === 0}
      empty="Nobody has looked at or changed this record yet."
    >
      {(d) => <AuditTable page={d} />}
    </RecordSection>
  );
}

function NotFound() {
  usePageTitle('Patient not found');
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <PageHeading>Patient not found</PageHeading>
        <p>The patient may be registered with another organisation, or the web address may be wrong.</p>
        <p>
          <Link to="/ptl">Go to the patient tracking list</Link>
        </p>
      </div>
    </div>
  );
}

/** For a role that reads the audit trail but not patients' records (an administrator): the trail alone. */
function AuditOnly({ patientId, user }: { patientId: string; user: SessionUser }) {
  const audit = useLoad<AuditPage>(
    `audit:${patientId}`,
    (signal) => getPatientAudit(patientId, AUDIT_SHOWN, signal),
    true,
  );
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-full">
        <PageHeading caption="Patient record">{AUDIT_ONLY_TITLE}</PageHeading>
        <InsetText>
          <p>
            Reading patients’ records is not part of your role as {withArticle(user.roleLabel)}, so only the
            record’s audit trail is shown.
          </p>
        </InsetText>
        <AuditSection load={audit} />
      </div>
    </div>
  );
}

/** A patient's record: who they are, their needs, pathways, appointments, messages, tasks and audit trail. */
export function PatientPage() {
  const { user } = useSignedInSession();
  const { id = '' } = useParams();
  const can = (p: string) => (user.permissions as readonly string[]).includes(p);
  const readsPatients = can('Patient.read');
  const readsAudit = can('AuditEvent.read');

  const patient = useLoad<Patient>(`patient:${id}`, (signal) => getPatient(id, signal), readsPatients);
  const pathways = useLoad<PatientPathways>(
    `pathways:${id}`,
    (signal) => getPatientPathways(id, signal),
    readsPatients && can('WaitingList.read'),
  );
  const appointments = useLoad<PatientAppointment[]>(
    `appointments:${id}`,
    (signal) => getPatientAppointments(id, signal),
    readsPatients && can('Appointment.read'),
  );
  const messages = useLoad<MessageList>(
    `messages:${id}`,
    (signal) => getMessages({ patientId: id, limit: MESSAGES_SHOWN }, signal),
    readsPatients && can('Communication.read'),
  );
  const tasks = useLoad<TaskListPage>(
    `tasks:${id}`,
    (signal) => getTasks({ patientId: id, status: [...ALL_TASK_STATUSES], limit: TASKS_SHOWN }, signal),
    readsPatients && can('Task.read'),
  );
  const audit = useLoad<AuditPage>(
    `audit:${id}`,
    (signal) => getPatientAudit(id, AUDIT_SHOWN, signal),
    readsPatients && readsAudit,
  );

  const forbidden = (!readsPatients && !readsAudit) || patient.status === 'forbidden';
  const notFound = patient.status === 'failed' && (patient.httpStatus === 404 || patient.httpStatus === 400);
  const data = patient.status === 'loaded' ? patient.data : null;
  let title = data ? patientName(data) : 'Patient';
  if (forbidden) title = 'You do not have access';
  else if (!readsPatients) title = AUDIT_ONLY_TITLE;
  usePageTitle(title);

  if (forbidden) return <NoAccess what="Looking at patients’ records" user={user} />;
  if (!readsPatients) return <AuditOnly patientId={id} user={user} />;
  if (notFound) return <NotFound />;

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-full">
        <PageHeading>{data ? patientName(data) : 'Patient'}</PageHeading>
        {patient.status === 'loading' ? <Loading text="Loading the patient’s record…" /> : null}
        {patient.status === 'failed' ? (
          <div className="nhsuk-card nhsuk-card--warning">
            <div className="nhsuk-card__content">
              <h2 className="nhsuk-card__heading">The patient’s record is not available</h2>
              <p className="nhsuk-card__description">
                The record could not be loaded. {patient.detail ? `${patient.detail} ` : ''}Try again later.
              </p>
            </div>
          </div>
        ) : null}
        {data ? (
          <>
            <NeedsBanner patient={data} />
            <div className="nhsuk-grid-row">
              <div className="nhsuk-grid-column-two-thirds">
                <h2 className="nhsuk-heading-m">Personal details</h2>
                <Demographics patient={data} />
              </div>
            </div>
            {can('WaitingList.read') ? (
              <RecordSection
                id="pathways"
                heading="Pathways"
                noun="pathways"
                load={pathways}
                isEmpty={(d) => d.pathways.length === 0}
                empty="The patient has no pathways."
              >
                {(d) => <PathwaysTable data={d} canBook={can('Appointment.write')} />}
              </RecordSection>
            ) : null}
            {can('Appointment.read') ? (
              <RecordSection
                id="appointments"
                heading="Appointments"
                noun="appointments"
                load={appointments}
                isEmpty={(d) => d.length === 0}
                empty="The patient has no appointments."
              >
                {(d) => <AppointmentsTable appointments={d} />}
              </RecordSection>
            ) : null}
            {can('Communication.read') ? (
              <RecordSection
                id="messages"
                heading="Letters and messages"
                noun="letters and messages"
                load={messages}
                isEmpty={(d) => d.messages.length === 0}
                empty="No letters or messages have been sent to the patient."
              >
                {(d) => <MessagesTable list={d} />}
              </RecordSection>
            ) : null}
            {can('Task.read') ? (
              <RecordSection
                id="tasks"
                heading="Tasks"
                noun="tasks"
                load={tasks}
                isEmpty={(d) => d.rows.length === 0}
                empty="There are no tasks about the patient."
              >
                {(d) => <TasksTable page={d} />}
              </RecordSection>
            ) : null}
            {readsAudit ? <AuditSection load={audit} /> : null}
          </>
        ) : null}
      </div>
    </div>
  );
}
