import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import type { SpecialtyWaiting } from '@pathflow/core';
import { ROLE_LABELS } from '@pathflow/core';
import { getSpecialties } from '../../api/endpoints';
import {
  getTaskQueues,
  getTasks,
  type TaskListPage,
  type TaskListQuery,
  type TaskListRow,
  type TaskQueues,
} from '../../api/tasks';
import { CaptionedTable } from '../../components/captioned-table';
import { NoAccess } from '../../components/no-access';
import { PageHeading } from '../../components/page-heading';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatCount } from '../../format';
import { useSignedInSession } from '../../session/session-context';
import '../../styles/ptl.css';
import { formatNhsNumber, formatShortDate } from '../ptl/ptl-format';
import { PagedList } from '../../components/paged-list';
import { TASK_PRIORITY_LABELS, TASK_PRIORITY_TAGS, TASK_STATUS_LABELS, teamLabel } from './task-format';

export const TASK_PAGE_SIZE = 50;

const SHOWS = ['all', 'mine', 'unassigned', 'overdue'] as const;
type Show = (typeof SHOWS)[number];

/** What the page says when a view has no tasks. */
const NONE_LABELS: Record<Show, string> = {
  all: 'There are no tasks to do',
  mine: 'You have no tasks',
  unassigned: 'There are no unassigned tasks',
  overdue: 'There are no overdue tasks',
};

const SHOW_LABELS: Record<Show, string> = {
  all: 'All tasks',
  mine: 'My tasks',
  unassigned: 'Unassigned tasks',
  overdue: 'Overdue tasks',
};

/** What the page shows, kept in the address: `?team=booking-110&show=unassigned&page=2`. */
interface TasksView {
  team: string;
  show: Show;
  page: number;
}

function viewFromSearch(search: URLSearchParams): TasksView {
  const team = search.get('team') ?? '';
  const show = search.get('show') ?? '';
  const page = Number(search.get('page'));
  return {
    team: /^[a-z]+-[A-Za-z0-9]{1,10}$/.test(team) ? team : '',
    show: (SHOWS as readonly string[]).includes(show) ? (show as Show) : 'all',
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

function searchFromView(view: TasksView): string {
  const params = new URLSearchParams();
  if (view.team) params.set('team', view.team);
  if (view.show !== 'all') params.set('show', view.show);
  if (view.page > 1) params.set('page', String(view.page));
  const search = params.toString();
  return search ? `?${search}` : '';
}

function queryFor(view: TasksView): TaskListQuery {
  const query: TaskListQuery = { limit: TASK_PAGE_SIZE, offset: (view.page - 1) * TASK_PAGE_SIZE };
  if (view.team) query.team = view.team;
  if (view.show === 'mine') query.owner = 'me';
  if (view.show === 'unassigned') query.owner = 'none';
  if (view.show === 'overdue') query.overdue = true;
  return query;
}

function focusHeading(): void {
  document.querySelector<HTMLElement>('main h1')?.focus();
}

const roleLabel = (role: string) => (ROLE_LABELS as Record<string, string>)[role] ?? role;

function QueuesTable({ queues, names }: { queues: TaskQueues; names: ReadonlyMap<string, string> }) {
  const mine = queues.queues.filter((q) => q.mine);
  const rows = mine.length > 0 ? mine : queues.queues;
  if (rows.length === 0) return <p className="nhsuk-body">There are no tasks on any queue.</p>;
  return (
    <CaptionedTable
      captionId="queues-caption"
      caption={mine.length > 0 ? 'Your queues' : 'Work queues'}
      columns={[
        { label: 'Queue' },
        { label: 'To do', numeric: true },
        { label: 'In progress', numeric: true },
        { label: 'Overdue', numeric: true },
        { label: 'Unassigned', numeric: true },
      ]}
    >
      {rows.map((q) => (
        <tr className="nhsuk-table__row" key={`${q.team}:${q.role}`}>
          <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
            <Link to={{ pathname: '/tasks', search: searchFromView({ team: q.team, show: 'all', page: 1 }) }}>
              {teamLabel(q.team, names)}
            </Link>
            <br />
            <span className="nhsuk-u-secondary-text-colour">{roleLabel(q.role)}s</span>
          </th>
          <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{formatCount(q.open)}</td>
          <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{formatCount(q.inProgress)}</td>
          <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{formatCount(q.overdue)}</td>
          <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{formatCount(q.unassigned)}</td>
        </tr>
      ))}
    </CaptionedTable>
  );
}

function ShowFilter({ view, onApply }: { view: TasksView; onApply: (show: Show) => void }) {
  const [value, setValue] = useState<Show>(view.show);
  const [shownFor, setShownFor] = useState(view.show);
  if (shownFor !== view.show) {
    setShownFor(view.show);
    setValue(view.show);
  }
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onApply(value);
  };
  return (
    <form method="get" action="/tasks" onSubmit={submit} noValidate>
      {view.team ? <input type="hidden" name="team" value={view.team} /> : null}
      <div className="app-ptl-filters">
        <div className="nhsuk-form-group app-ptl-filters__item">
          <label className="nhsuk-label" htmlFor="show">
            Show
          </label>
          <select
            className="nhsuk-select"
            id="show"
            name="show"
            value={value}
            onChange={(event) => setValue(event.target.value as Show)}
          >
            {SHOWS.map((s) => (
              <option key={s} value={s}>
                {SHOW_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="nhsuk-form-group app-ptl-filters__item">
          <button className="nhsuk-button nhsuk-button--secondary app-ptl-filters__button" type="submit">
            Apply
          </button>
        </div>
      </div>
    </form>
  );
}

function TasksTable({ rows, caption }: { rows: TaskListRow[]; caption: string }) {
  return (
    <CaptionedTable
      captionId="tasks-caption"
      caption={caption}
      columns={[
        { label: 'Task' },
        { label: 'Patient' },
        { label: 'Due' },
        { label: 'Priority' },
        { label: 'Who' },
      ]}
    >
      {rows.map((t) => (
        <tr className="nhsuk-table__row" key={t.id}>
          <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
            <Link className="nhsuk-u-font-weight-bold" to={`/tasks/${t.id}`}>
              {t.typeLabel}
            </Link>
            {t.status === 'in-progress' ? (
              <>
                <br />
                <span className="nhsuk-u-secondary-text-colour">{TASK_STATUS_LABELS[t.status]}</span>
              </>
            ) : null}
          </th>
          <td className="nhsuk-table__cell">
            {t.patient ? (
              <>
                {t.patient.name}
                <br />
                <span className="nhsuk-u-visually-hidden">NHS number: </span>
                <span className="app-ptl-nhs-number">{formatNhsNumber(t.patient.nhsNumber)}</span>
              </>
            ) : (
              <span className="nhsuk-u-secondary-text-colour">No patient</span>
            )}
          </td>
          <td className="nhsuk-table__cell app-ptl-nowrap">
            {formatShortDate(t.dueDate)}
            {t.overdue ? (
              <>
                <br />
                <strong className="nhsuk-tag nhsuk-tag--red app-ptl-tag">Overdue</strong>
              </>
            ) : null}
          </td>
          <td className="nhsuk-table__cell">
            <strong className={`${TASK_PRIORITY_TAGS[t.priority]} app-ptl-tag`}>
              {TASK_PRIORITY_LABELS[t.priority]}
            </strong>
          </td>
          <td className="nhsuk-table__cell">{t.owner ? t.owner.name : 'Unassigned'}</td>
        </tr>
      ))}
    </CaptionedTable>
  );
}

/** Work queues: the caller's queues with their counts, then one queue's tasks in the order to work them. */
export function TasksPage() {
  const { user } = useSignedInSession();
  const location = useLocation();
  const navigate = useNavigate();
  const allowed = user.permissions.includes('Task.read');
  const view = viewFromSearch(new URLSearchParams(location.search));
  const offset = (view.page - 1) * TASK_PAGE_SIZE;

  const queues = useLoad<TaskQueues>('queues', (signal) => getTaskQueues(signal), allowed);
  const list = useLoad<TaskListPage>(
    JSON.stringify(view),
    (signal) => getTasks(queryFor(view), signal),
    allowed,
  );
  const specialties = useLoad<SpecialtyWaiting[]>(
    'specialties',
    (signal) => getSpecialties(signal).then((l) => l.specialties),
    allowed && user.permissions.includes('WaitingList.read'),
  );

  const forbidden = !allowed || list.status === 'forbidden';
  usePageTitle(forbidden ? 'You do not have access' : 'Work queues');
  if (forbidden) return <NoAccess what="Working tasks" user={user} />;

  const names = new Map<string, string>(
    specialties.status === 'loaded' ? specialties.data.map((s) => [s.code, s.name]) : [],
  );
  const where = view.team ? ` on ${teamLabel(view.team, names)}` : '';
  const caption = `${SHOW_LABELS[view.show]}${where}`;
  const pageLink = (page: number) => ({ pathname: '/tasks', search: searchFromView({ ...view, page }) });

  let status = 'Loading tasks…';
  if (list.status === 'failed') status = '';
  if (list.status === 'loaded') {
    const { total, rows } = list.data;
    status =
      total === 0
        ? `${NONE_LABELS[view.show]}${where}.`
        : rows.length === 0
          ? ''
          : `Showing ${formatCount(offset + 1)} to ${formatCount(offset + rows.length)} of ${formatCount(total)} ${
              total === 1 ? 'task' : 'tasks'
            }`;
  }

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-full">
        <PageHeading>Work queues</PageHeading>
        <p className="nhsuk-body">
          Tasks are shown in the order to work them: most urgent first, then the earliest due.
        </p>
        {queues.status === 'loaded' ? (
          <>
            <p className="nhsuk-body">
              {queues.data.assignedToMe.total === 0
                ? 'You have no tasks of your own.'
                : `You have ${formatCount(queues.data.assignedToMe.total)} ${
                    queues.data.assignedToMe.total === 1 ? 'task' : 'tasks'
                  } of your own, ${formatCount(queues.data.assignedToMe.overdue)} overdue.`}
            </p>
            <QueuesTable queues={queues.data} names={names} />
          </>
        ) : null}

        <h2 className="nhsuk-heading-m">{caption}</h2>
        {view.team ? (
          <p className="nhsuk-body">
            <Link to={{ pathname: '/tasks', search: searchFromView({ team: '', show: view.show, page: 1 }) }}>
              Show tasks on every queue
            </Link>
          </p>
        ) : null}
        <ShowFilter
          view={view}
          onApply={(show) =>
            void navigate({ pathname: '/tasks', search: searchFromView({ ...view, show, page: 1 }) })
          }
        />
        <p className="nhsuk-body" role="status">
          {status}
        </p>
        <PagedList
          list={list}
          rowsOf={(d) => d.rows}
          noun="tasks"
          heading="h3"
          page={view.page}
          pageSize={TASK_PAGE_SIZE}
          pageLink={pageLink}
          onNavigate={focusHeading}
        >
          {(rows) => <TasksTable rows={rows} caption={caption} />}
        </PagedList>
      </div>
    </div>
  );
}
