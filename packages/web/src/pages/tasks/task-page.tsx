import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import type { SpecialtyWaiting } from '@pathflow/core';
import { ApiError } from '../../api/client';
import { getSpecialties } from '../../api/endpoints';
import {
  cancelTask,
  claimTask,
  completeTask,
  getTask,
  getTaskQueues,
  reassignTask,
  type ReassignTaskRequest,
  type TaskDetail,
  type TaskQueues,
} from '../../api/tasks';
import { BackLink } from '../../components/back-link';
import { CaptionedTable } from '../../components/captioned-table';
import { ErrorSummary, type ErrorSummaryItem } from '../../components/error-summary';
import { FieldsetGroup, Radios, Select } from '../../components/form-fields';
import { InsetText } from '../../components/inset-text';
import { Loading } from '../../components/loading';
import { NoAccess } from '../../components/no-access';
import { NotificationBanner } from '../../components/notification-banner';
import { PageHeading } from '../../components/page-heading';
import { SummaryRow } from '../../components/summary-row';
import { TextInput } from '../../components/text-input';
import { Textarea } from '../../components/textarea';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatDateTime, withArticle } from '../../format';
import { useSession, useSignedInSession } from '../../session/session-context';
import { formatNhsNumber } from '../ptl/ptl-format';
import { formatLongDate } from '../referrals/referral-format';
import {
  HISTORY_LABELS,
  TASK_PRIORITY_LABELS,
  TASK_PRIORITY_TAGS,
  TASK_STATUS_LABELS,
  TASK_STATUS_TAGS,
  detailRows,
  outcomeLabel,
  teamLabel,
  wordsFor,
} from './task-format';

type Action = 'claim' | 'complete' | 'reassign' | 'cancel';

/** Where each field of each action's request is on the page, for the error summary's links. */
const FIELD_IDS: Record<Action, Record<string, string>> = {
  claim: {},
  complete: { '/body/outcome': 'outcome', '/body/note': 'completeNote' },
  reassign: { '/body/team': 'team', '/body/ownerId': 'ownerId', '/body/note': 'reassignNote' },
  cancel: { '/body/reason': 'cancelReason' },
};

interface Errors {
  summary: ErrorSummaryItem[];
  fields: Record<string, string>;
}

const DONE_BANNERS: Record<Action, string> = {
  claim: 'You have claimed this task',
  complete: 'Task completed',
  reassign: 'Task reassigned',
  cancel: 'Task cancelled',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function withSummary(fields: Record<string, string>, other: string[] = []): Errors | null {
  const summary: ErrorSummaryItem[] = Object.entries(fields).map(([fieldId, text]) => ({ text, fieldId }));
  summary.push(...other.map((text) => ({ text })));
  return summary.length > 0 ? { summary, fields } : null;
}

/** The server's field errors on the action's fields; anything else in the summary. */
function errorsFromServer(action: Action, err: ApiError): Errors {
  const fields: Record<string, string> = {};
  const other: string[] = [];
  for (const e of err.errors) {
    const fieldId = FIELD_IDS[action][e.field];
    if (fieldId && !fields[fieldId]) fields[fieldId] = e.message;
    else if (!fieldId) other.push(e.message);
  }
  return withSummary(fields, other) ?? { summary: [{ text: err.detail || err.title }], fields: {} };
}

function SummaryList({ children }: { children: ReactNode }) {
  return <dl className="nhsuk-summary-list">{children}</dl>;
}

function TaskSummary({ task, names }: { task: TaskDetail; names: ReadonlyMap<string, string> }) {
  const appointmentDate =
    typeof task.detail?.appointmentDate === 'string' ? task.detail.appointmentDate : null;
  return (
    <SummaryList>
      <SummaryRow label="Task">{task.typeLabel}</SummaryRow>
      <SummaryRow label="Status">
        <strong className={TASK_STATUS_TAGS[task.status]}>{TASK_STATUS_LABELS[task.status]}</strong>
      </SummaryRow>
      <SummaryRow label="Priority">
        <strong className={TASK_PRIORITY_TAGS[task.priority]}>{TASK_PRIORITY_LABELS[task.priority]}</strong>
      </SummaryRow>
      <SummaryRow label="Due">
        {formatLongDate(task.dueDate)}
        {task.overdue ? (
          <>
            {' '}
            <strong className="nhsuk-tag nhsuk-tag--red">Overdue</strong>
            <br />
            {task.daysOverdue === 1 ? '1 day overdue' : `${task.daysOverdue} days overdue`}
          </>
        ) : null}
      </SummaryRow>
      <SummaryRow label="Queue">{teamLabel(task.team, names)}</SummaryRow>
      <SummaryRow label="Who has it">{task.owner ? task.owner.name : 'Unassigned'}</SummaryRow>
      {task.patient ? (
        <SummaryRow label="Patient">
          {task.patient.name}
          <br />
          NHS number: {formatNhsNumber(task.patient.nhsNumber)}
        </SummaryRow>
      ) : null}
      {appointmentDate && /^\d{4}-\d{2}-\d{2}$/.test(appointmentDate) ? (
        <SummaryRow label="Appointment">{formatLongDate(appointmentDate)}</SummaryRow>
      ) : null}
      {detailRows(task.detail).map(([label, value], i) => (
        // A label can repeat (an escalation's "Found" rows), so the key is its place too.
        <SummaryRow key={`${i}:${label}`} label={label}>
          {value}
        </SummaryRow>
      ))}
      {task.status === 'done' && task.outcome ? (
        <SummaryRow label="Outcome">{outcomeLabel(task.outcome)}</SummaryRow>
      ) : null}
      {task.status === 'cancelled' && task.outcome ? (
        <SummaryRow label="Why it was cancelled">{task.outcome}</SummaryRow>
      ) : null}
      {task.outcomeNote ? <SummaryRow label="Note">{task.outcomeNote}</SummaryRow> : null}
      {task.completedBy && task.completedAt ? (
        <SummaryRow label={task.status === 'cancelled' ? 'Cancelled by' : 'Completed by'}>
          {task.completedBy.name}, {formatDateTime(task.completedAt)}
        </SummaryRow>
      ) : null}
      <SummaryRow label="Added">
        {formatDateTime(task.createdAt)} by {task.createdBy.name}
      </SummaryRow>
    </SummaryList>
  );
}

function historyWhat(e: TaskDetail['history'][number]): string {
  const label = wordsFor(HISTORY_LABELS, e.action);
  const d = e.detail ?? {};
  if (e.action === 'completed' && typeof d.outcome === 'string')
    return `${label}: ${outcomeLabel(d.outcome)}`;
  if ((e.action === 'cancelled' || e.action === 'reopened') && typeof d.reason === 'string') {
    return `${label}: ${d.reason}`;
  }
  if (e.action === 'reassigned' && typeof d.toTeam === 'string' && d.toTeam !== d.fromTeam) {
    return `${label} to ${teamLabel(d.toTeam)}`;
  }
  return label;
}

function HistoryTable({ task }: { task: TaskDetail }) {
  return (
    <CaptionedTable
      captionId="history-caption"
      caption="History"
      columns={[{ label: 'When' }, { label: 'What happened' }, { label: 'Who' }]}
    >
      {task.history.map((e, k) => (
        <tr className="nhsuk-table__row" key={k}>
          <td className="nhsuk-table__cell">{formatDateTime(e.at)}</td>
          <td className="nhsuk-table__cell">
            {historyWhat(e)}
            {typeof e.detail?.note === 'string' && e.detail.note ? (
              <>
                <br />
                <span className="nhsuk-u-secondary-text-colour">Note: {e.detail.note}</span>
              </>
            ) : null}
          </td>
          <td className="nhsuk-table__cell">{e.actor.name}</td>
        </tr>
      ))}
    </CaptionedTable>
  );
}

function NotFound() {
  usePageTitle('Task not found');
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <PageHeading>Task not found</PageHeading>
        <p>The task may be on another organisation’s queue, or the web address may be wrong.</p>
        <p>
          <Link to="/tasks">Go to work queues</Link>
        </p>
      </div>
    </div>
  );
}

interface ActionsProps {
  task: TaskDetail;
  userId: string;
  teams: string[];
  names: ReadonlyMap<string, string>;
  errors: Errors | null;
  onErrors: (errors: Errors | null) => void;
  onDone: (action: Action, task: TaskDetail) => void;
  /** The task changed under us (409): fetch it again. */
  onStale: () => void;
}

/** Claim, complete, reassign and cancel: each a small form whose errors the page's summary lists. */
function TaskActions({ task, userId, teams, names, errors, onErrors, onDone, onStale }: ActionsProps) {
  const { expired } = useSession();
  const busy = useRef(false);
  const [outcome, setOutcome] = useState('');
  const [completeNote, setCompleteNote] = useState('');
  const [team, setTeam] = useState(task.team);
  const [ownerId, setOwnerId] = useState('');
  const [reassignNote, setReassignNote] = useState('');
  const [reason, setReason] = useState('');
  const fields = errors?.fields ?? {};

  const run = async (action: Action, send: () => Promise<TaskDetail>) => {
    if (busy.current) return;
    busy.current = true;
    try {
      const answer = await send();
      onErrors(null);
      onDone(action, answer);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return expired();
      if (err instanceof ApiError && err.status === 409) {
        onErrors({
          summary: [{ text: err.detail || 'Someone else changed this task. It is shown as it is now.' }],
          fields: {},
        });
        return onStale();
      }
      if (err instanceof ApiError && (err.status === 400 || err.status === 422)) {
        return onErrors(errorsFromServer(action, err));
      }
      if (err instanceof ApiError && err.status === 403) {
        return onErrors({
          summary: [{ text: err.detail || 'Your role cannot work this task.' }],
          fields: {},
        });
      }
      const detail = err instanceof ApiError ? err.detail || err.title : '';
      onErrors({
        summary: [
          {
            text: `The task has not been changed. ${detail || 'There is a problem with the service.'} Try again later.`,
          },
        ],
        fields: {},
      });
    } finally {
      busy.current = false;
    }
  };

  const submit = (action: Action, event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    switch (action) {
      case 'claim':
        return void run('claim', () => claimTask(task.id));
      case 'complete': {
        const invalid = withSummary({
          ...(outcome ? {} : { outcome: 'Select the outcome' }),
          ...(completeNote.length > 1000 ? { completeNote: 'Note must be 1,000 characters or fewer' } : {}),
        });
        if (invalid) return onErrors(invalid);
        const note = completeNote.trim();
        return void run('complete', () => completeTask(task.id, { outcome, ...(note ? { note } : {}) }));
      }
      case 'reassign': {
        const person = ownerId.trim();
        const invalid = withSummary({
          ...(person && !UUID.test(person)
            ? { ownerId: 'Enter a staff ID like 1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed' }
            : {}),
          ...(!person && team === task.team && task.owner === null
            ? { team: 'Select another team, or enter the staff ID of the person to give it to' }
            : {}),
          ...(reassignNote.length > 1000 ? { reassignNote: 'Note must be 1,000 characters or fewer' } : {}),
        });
        if (invalid) return onErrors(invalid);
        const note = reassignNote.trim();
        const body: ReassignTaskRequest = {
          ownerId: person || null,
          ...(team !== task.team ? { team } : {}),
          ...(note ? { note } : {}),
        };
        return void run('reassign', () => reassignTask(task.id, body));
      }
      case 'cancel': {
        const text = reason.trim();
        const invalid = withSummary({
          ...(text ? {} : { cancelReason: 'Enter why the task is no longer needed' }),
          ...(text.length > 500 ? { cancelReason: 'Reason must be 500 characters or fewer' } : {}),
        });
        if (invalid) return onErrors(invalid);
        return void run('cancel', () => cancelTask(task.id, { reason: text }));
      }
    }
  };

  const canClaim = task.status === 'open' && (task.owner === null || task.owner.id === userId);
  const teamOptions = [...new Set([task.team, ...teams])].map((t) => ({
    value: t,
    label: teamLabel(t, names),
  }));

  return (
    <>
      {canClaim ? (
        <form onSubmit={(event) => submit('claim', event)} noValidate>
          <button className="nhsuk-button" type="submit">
            Claim this task
          </button>
        </form>
      ) : null}

      <form onSubmit={(event) => submit('complete', event)} noValidate aria-labelledby="complete-heading">
        <h2 className="nhsuk-heading-m" id="complete-heading">
          Complete the task
        </h2>
        <FieldsetGroup id="outcome" legend="What was the outcome?" error={fields.outcome}>
          <Radios
            name="outcome"
            value={outcome}
            onChange={setOutcome}
            options={task.outcomes.map((o) => ({ value: o, label: outcomeLabel(o) }))}
          />
        </FieldsetGroup>
        <Textarea
          id="completeNote"
          label="Note (optional)"
          hint="Do not include anything the patient would not expect to read."
          value={completeNote}
          onChange={setCompleteNote}
          error={fields.completeNote}
          rows={3}
        />
        <button className="nhsuk-button" type="submit">
          Complete task
        </button>
      </form>

      <form onSubmit={(event) => submit('reassign', event)} noValidate aria-labelledby="reassign-heading">
        <h2 className="nhsuk-heading-m" id="reassign-heading">
          Reassign the task
        </h2>
        <Select
          id="team"
          label="Queue"
          value={team}
          onChange={setTeam}
          error={fields.team}
          options={teamOptions}
        />
        <TextInput
          id="ownerId"
          name="ownerId"
          label="Staff ID of the person to give it to (optional)"
          hint="Leave this empty to put the task on the queue for anyone in the team."
          value={ownerId}
          onChange={setOwnerId}
          error={fields.ownerId}
          spellCheck={false}
          autoComplete="off"
        />
        <Textarea
          id="reassignNote"
          label="Note (optional)"
          value={reassignNote}
          onChange={setReassignNote}
          error={fields.reassignNote}
          rows={3}
        />
        <button className="nhsuk-button nhsuk-button--secondary" type="submit">
          Reassign task
        </button>
      </form>

      <form onSubmit={(event) => submit('cancel', event)} noValidate aria-labelledby="cancel-heading">
        <h2 className="nhsuk-heading-m" id="cancel-heading">
          Cancel the task
        </h2>
        <Textarea
          id="cancelReason"
          label="Why is the task no longer needed?"
          value={reason}
          onChange={setReason}
          error={fields.cancelReason}
          rows={3}
        />
        <button className="nhsuk-button nhsuk-button--warning" type="submit">
          Cancel task
        </button>
      </form>
    </>
  );
}

/** One task: what it is about, who has it, its history, and the actions on it while it is open. */
export function TaskPage() {
  const { user } = useSignedInSession();
  const { id = '' } = useParams();
  const allowed = user.permissions.includes('Task.read');
  const canWrite = user.permissions.includes('Task.write');
  const [version, setVersion] = useState(0);
  const [changed, setChanged] = useState<{ action: Action; task: TaskDetail } | null>(null);
  const [errors, setErrors] = useState<Errors | null>(null);
  const [attempt, setAttempt] = useState(0);

  const load = useLoad<TaskDetail>(`${id}:${version}`, (signal) => getTask(id, signal), allowed);
  const queues = useLoad<TaskQueues>('queues', (signal) => getTaskQueues(signal), allowed && canWrite);
  const specialties = useLoad<SpecialtyWaiting[]>(
    'specialties',
    (signal) => getSpecialties(signal).then((l) => l.specialties),
    allowed && user.permissions.includes('WaitingList.read'),
  );

  const fresh = load.status === 'loaded' ? load.data : null;
  const task = changed?.task ?? fresh;
  const forbidden = !allowed || load.status === 'forbidden';
  const notFound = load.status === 'failed' && (load.httpStatus === 404 || load.httpStatus === 400);
  let title = task ? task.typeLabel : 'Task';
  if (forbidden) title = 'You do not have access';
  else if (notFound) title = 'Task not found';
  usePageTitle(title, { error: errors !== null && !forbidden && !notFound });

  if (forbidden) return <NoAccess what="Working tasks" user={user} />;
  if (notFound) return <NotFound />;

  const names = new Map<string, string>(
    specialties.status === 'loaded' ? specialties.data.map((s) => [s.code, s.name]) : [],
  );
  const open = task !== null && (task.status === 'open' || task.status === 'in-progress');
  const teams =
    task && queues.status === 'loaded'
      ? queues.data.queues.filter((q) => q.role === task.role).map((q) => q.team)
      : [];

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink to="/tasks">Back to work queues</BackLink>
        {errors ? <ErrorSummary key={attempt} items={errors.summary} /> : null}
        {changed && !errors ? (
          <NotificationBanner success focusOnShow title="Success" heading={DONE_BANNERS[changed.action]}>
            <p className="nhsuk-body">
              <Link className="nhsuk-notification-banner__link" to="/tasks">
                Go to work queues
              </Link>
            </p>
          </NotificationBanner>
        ) : null}
        <PageHeading caption="Task">{task ? task.typeLabel : 'Task'}</PageHeading>
        {load.status === 'loading' && !task ? <Loading text="Loading the task…" /> : null}
        {load.status === 'failed' && !task ? (
          <div className="nhsuk-card nhsuk-card--warning">
            <div className="nhsuk-card__content">
              <h2 className="nhsuk-card__heading">The task is not available</h2>
              <p className="nhsuk-card__description">
                The task could not be loaded. {load.detail ? `${load.detail} ` : ''}Try again later.
              </p>
            </div>
          </div>
        ) : null}
        {task ? (
          <>
            <TaskSummary task={task} names={names} />
            {open && canWrite ? (
              <TaskActions
                key={`${task.id}:${task.status}:${task.owner?.id ?? ''}:${task.team}`}
                task={task}
                userId={user.id}
                teams={teams}
                names={names}
                errors={errors}
                onErrors={(next) => {
                  setErrors(next);
                  if (next) setAttempt((n) => n + 1);
                }}
                onDone={(action, answer) => setChanged({ action, task: answer })}
                onStale={() => {
                  setChanged(null);
                  setVersion((v) => v + 1);
                }}
              />
            ) : null}
            {open && !canWrite ? (
              <InsetText>
                <p>Working tasks is not part of your role as {withArticle(user.roleLabel)}.</p>
              </InsetText>
            ) : null}
            <HistoryTable task={task} />
          </>
        ) : null}
      </div>
    </div>
  );
}
