/**
 * The home page's own sections for the people who work the lists: "My work" (tasks assigned to me and on my
 * teams' queues, the overdue ones, the first few of mine) and the alerts (18-week breaches this week,
 * under-booked clinics in the next 2 weeks). Each asks only for what the role may see.
 */
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { SessionUser } from '@pathflow/core';
import { getBreachForecast, getUnderBookedSessions } from '../../api/dashboard';
import { getSpecialties } from '../../api/endpoints';
import { getTaskQueues, getTasks } from '../../api/tasks';
import { Loading } from '../../components/loading';
import { useLoad, type Load } from '../../components/use-load';
import { formatCount } from '../../format';
import { formatShortDate } from '../ptl/ptl-format';
import { formatWeekday } from './dashboard-dates';
import { teamLabel } from '../tasks/task-format';

/** How many of my tasks the home page lists. */
export const MY_TASKS_SHOWN = 5;

const count = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

function Failed({ what, load }: { what: string; load: Load<unknown> }) {
  if (load.status !== 'failed') return null;
  return (
    <p className="nhsuk-body">
      {what} could not be loaded. {load.detail ? `${load.detail} ` : ''}Try again later.
    </p>
  );
}

const overdueLink = (team: string) => `/tasks?${new URLSearchParams({ team, show: 'overdue' }).toString()}`;

/** My tasks and my teams' queues, with the overdue ones. */
export function MyWork() {
  const queues = useLoad('home-queues', (signal) => getTaskQueues(signal), true);
  const mine = useLoad(
    'home-my-tasks',
    (signal) => getTasks({ owner: 'me', limit: MY_TASKS_SHOWN, offset: 0 }, signal),
    true,
  );
  const specialties = useLoad(
    'home-specialty-names',
    (signal) => getSpecialties(signal).then((l) => l.specialties),
    true,
  );
  const names = new Map<string, string>(
    specialties.status === 'loaded' ? specialties.data.map((s) => [s.code, s.name]) : [],
  );
  const own = queues.status === 'loaded' ? queues.data.queues.filter((q) => q.mine) : [];
  const openInTeams = own.reduce((n, q) => n + q.open + q.inProgress, 0);
  const overdueInTeams = own.reduce((n, q) => n + q.overdue, 0);
  // Each of my teams with overdue work, linked to that team's overdue list (the list is one team's, or every
  // team's the role works: a link without a team would show more than the count says).
  const overdueTeams = [
    ...own
      .filter((q) => q.overdue > 0)
      .reduce((m, q) => m.set(q.team, (m.get(q.team) ?? 0) + q.overdue), new Map<string, number>()),
  ].map(([team, overdue]) => ({ team, overdue }));
  return (
    <section aria-labelledby="my-work-heading">
      <h2 className="nhsuk-heading-m" id="my-work-heading">
        My work
      </h2>
      {queues.status === 'loading' ? <Loading text="Loading your work…" /> : null}
      <Failed what="Your work" load={queues} />
      {queues.status === 'loaded' ? (
        <ul className="nhsuk-list" data-testid="my-work">
          <li>
            <Link to="/tasks?show=mine">
              {count(queues.data.assignedToMe.total, 'task', 'tasks')} assigned to you
            </Link>
            {queues.data.assignedToMe.overdue > 0
              ? `, ${formatCount(queues.data.assignedToMe.overdue)} overdue`
              : ''}
          </li>
          <li>
            <Link to="/tasks">{count(openInTeams, 'task', 'tasks')} to do in your teams</Link>
          </li>
          <li>
            {overdueTeams.length === 1 ? (
              <Link to={overdueLink(overdueTeams[0]!.team)}>
                {count(overdueInTeams, 'task', 'tasks')} overdue in your teams
              </Link>
            ) : (
              <>{count(overdueInTeams, 'task', 'tasks')} overdue in your teams</>
            )}
            {overdueTeams.length > 1 ? (
              <ul className="nhsuk-list nhsuk-list--bullet nhsuk-u-margin-top-2">
                {overdueTeams.map((t) => (
                  <li key={t.team}>
                    <Link to={overdueLink(t.team)}>
                      {count(t.overdue, 'task', 'tasks')} overdue: {teamLabel(t.team, names)}
                    </Link>
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        </ul>
      ) : null}
      {mine.status === 'loaded' && mine.data.rows.length > 0 ? (
        <>
          <h3 className="nhsuk-heading-s">Your next tasks</h3>
          <ul className="nhsuk-list nhsuk-list--bullet" data-testid="my-tasks">
            {mine.data.rows.map((t) => (
              <li key={t.id}>
                <Link to={`/tasks/${t.id}`}>
                  {t.typeLabel}
                  {t.patient ? `: ${t.patient.name}` : ''}
                </Link>
                , due {formatShortDate(t.dueDate)}
                {t.overdue ? (
                  <>
                    {' '}
                    <strong className="nhsuk-tag nhsuk-tag--red">Overdue</strong>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
          {mine.data.total > mine.data.rows.length ? (
            <p className="nhsuk-body">
              <Link to="/tasks?show=mine">See all {formatCount(mine.data.total)} of your tasks</Link>
            </p>
          ) : null}
        </>
      ) : null}
      <Failed what="Your tasks" load={mine} />
    </section>
  );
}

function Alert({ id, heading, children }: { id: string; heading: string; children: ReactNode }) {
  return (
    <div className="nhsuk-card nhsuk-card--warning" data-testid={id}>
      <div className="nhsuk-card__content">
        <h3 className="nhsuk-card__heading">
          <span className="nhsuk-u-visually-hidden">Important: </span>
          {heading}
        </h3>
        {children}
      </div>
    </div>
  );
}

function BreachAlert() {
  const load = useLoad('home-breaches', (signal) => getBreachForecast(1, signal), true);
  if (load.status === 'loading') return <Loading text="Loading the breaches this week…" />;
  if (load.status !== 'loaded') return <Failed what="The breaches this week" load={load} />;
  const week = load.data.weeks[0];
  if (!week) return null;
  const sunday = formatWeekday(week.weekEnd);
  const late = week.notBooked + week.bookedAfterBreach;
  const already = load.data.alreadyBreached.total;
  if (week.total === 0) {
    return (
      <p className="nhsuk-body" data-testid="breach-alert">
        No patients breach 18 weeks this week.
        {already > 0 ? ` ${count(already, 'patient is', 'patients are')} already over 18 weeks.` : ''}
      </p>
    );
  }
  return (
    <Alert
      id="breach-alert"
      heading={`${count(week.total, 'patient breaches', 'patients breach')} 18 weeks this week`}
    >
      <p className="nhsuk-card__description">
        By {sunday}, if they are not treated. {formatCount(late)} of them {late === 1 ? 'is' : 'are'} not
        booked before their breach date.
        {already > 0 ? ` ${count(already, 'patient is', 'patients are')} already over 18 weeks.` : ''}
      </p>
      <p className="nhsuk-card__description">
        <Link to={`/ptl?breachBy=${week.weekEnd}`}>
          See who will be over 18 weeks by {sunday} on the patient tracking list
        </Link>
      </p>
    </Alert>
  );
}

function UnderBookedAlert() {
  const load = useLoad('home-under-booked', (signal) => getUnderBookedSessions(signal), true);
  if (load.status === 'loading') return <Loading text="Loading under-booked clinics…" />;
  if (load.status !== 'loaded') return <Failed what="Under-booked clinics" load={load} />;
  const { sessions, days, threshold } = load.data;
  const clinics = new Set(sessions.map((s) => s.clinic?.id ?? '')).size;
  const weeks = days % 7 === 0 ? count(days / 7, 'week', 'weeks') : count(days, 'day', 'days');
  if (clinics === 0) {
    return (
      <p className="nhsuk-body" data-testid="under-booked-alert">
        No clinics are under-booked in the next {weeks}.
      </p>
    );
  }
  return (
    <Alert
      id="under-booked-alert"
      heading={`${count(clinics, 'clinic', 'clinics')} under-booked in the next ${weeks}`}
    >
      <p className="nhsuk-card__description">
        {count(sessions.length, 'session has', 'sessions have')} fewer than {formatCount(threshold)}% of their
        places booked.
      </p>
      <p className="nhsuk-card__description">
        <Link to="/clinics">See the clinics to fill</Link>
      </p>
    </Alert>
  );
}

/** The alerts the role may see: breaches (waiting lists) and under-booked clinics (clinics). */
export function HomeAlerts({ user }: { user: SessionUser }) {
  const breaches = user.permissions.includes('WaitingList.read');
  const clinics = user.permissions.includes('Clinic.read');
  if (!breaches && !clinics) return null;
  return (
    <section aria-labelledby="alerts-heading">
      <h2 className="nhsuk-heading-m" id="alerts-heading">
        Alerts
      </h2>
      {breaches ? <BreachAlert /> : null}
      {clinics ? <UnderBookedAlert /> : null}
    </section>
  );
}
