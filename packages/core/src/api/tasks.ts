/**
 * Work queues over the REST API: `GET /api/v1/tasks` (a queue, one page), `GET /api/v1/tasks/queues` (the
 * queues with their counts), `GET /api/v1/tasks/:id` (one task with its history), `POST /api/v1/tasks` and
 * `POST /api/v1/tasks/:id/{claim,reassign,complete,cancel,reopen}`. Overdue flags are worked out from the
 * clock when asked, never stored.
 */
import type { TaskPriority, TaskRole, TaskStatus, TaskType } from '../tasks';

export interface TaskListQuery {
  team?: string;
  role?: TaskRole;
  /** `me`, `none` (nobody's yet) or a staff member's id. */
  owner?: string;
  /** Default: open and in-progress. */
  status?: TaskStatus[];
  type?: TaskType[];
  /** Only tasks past their due date. */
  overdue?: boolean;
  patientId?: string;
  pathwayId?: string;
  /** At most 200; default 50. */
  limit?: number;
  offset?: number;
}

export interface TaskPerson {
  id: string;
  name: string;
}

export interface TaskListRow {
  id: string;
  type: TaskType;
  typeLabel: string;
  status: TaskStatus;
  priority: TaskPriority;
  team: string;
  role: TaskRole;
  owner: TaskPerson | null;
  dueDate: string;
  overdue: boolean;
  daysOverdue: number;
  patientId: string | null;
  /** Shown to roles that may read patient records (every role that works queues). */
  patient: { id: string; nhsNumber: string; name: string } | null;
  pathwayId: string | null;
  appointmentId: string | null;
  /** Ids, dates, codes and the rule that made it. */
  detail: Record<string, unknown> | null;
  createdAt: string;
}

export interface TaskListPage {
  asOf: string;
  total: number;
  limit: number;
  offset: number;
  rows: TaskListRow[];
}

export interface TaskQueueSummary {
  team: string;
  role: TaskRole;
  /** One of the caller's own queues: their role's, for their teams (all teams when they have none set). */
  mine: boolean;
  open: number;
  inProgress: number;
  overdue: number;
  /** Open and nobody's yet. */
  unassigned: number;
}

export interface TaskQueues {
  asOf: string;
  /** The caller's teams (empty: every team of their role). */
  teams: string[];
  /** Tasks assigned to or claimed by the caller. */
  assignedToMe: { total: number; overdue: number };
  /** The caller's own queues first, then by team and role. */
  queues: TaskQueueSummary[];
}

export interface TaskHistoryEntry {
  /** created, claimed, reassigned, completed, cancelled or reopened. */
  action: string;
  actor: TaskPerson;
  at: string;
  detail: Record<string, unknown> | null;
}

export interface TaskDetail extends TaskListRow {
  /** For a done task, the outcome chosen; for a cancelled one, the reason. */
  outcome: string | null;
  outcomeNote: string | null;
  /** The outcomes it may be completed with. */
  outcomes: string[];
  createdBy: TaskPerson;
  completedBy: TaskPerson | null;
  completedAt: string | null;
  /** Oldest first. */
  history: TaskHistoryEntry[];
}

export interface CreateTaskRequest {
  type: TaskType;
  /** e.g. `booking-110`, `clinical-110`, `management-110`. */
  team: string;
  /** Default: the type's role. */
  role?: TaskRole;
  priority?: TaskPriority;
  /** Today or later; default: today plus the type's time to act. */
  dueDate?: string;
  patientId?: string;
  pathwayId?: string;
  note?: string;
}

/** `ownerId`: a person whose role can work the task (null: back on the team's queue); `team`: another team. */
export interface ReassignTaskRequest {
  ownerId?: string | null;
  team?: string;
  note?: string;
}

export interface CompleteTaskRequest {
  outcome: string;
  note?: string;
}

export interface CancelTaskRequest {
  reason: string;
}

export interface ReopenTaskRequest {
  reason: string;
}

export interface StaffTeamsRequest {
  teams: string[];
}
