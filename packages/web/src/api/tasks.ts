/**
 * Typed calls to the work-queue endpoints, `/api/v1/tasks`. The shapes are core's API contract
 * (`@pathflow/core`'s `TaskListPage`, `TaskQueues`, `TaskDetail`).
 */
import type {
  CancelTaskRequest,
  CompleteTaskRequest,
  ReassignTaskRequest,
  TaskDetail,
  TaskHistoryEntry,
  TaskListPage,
  TaskListQuery,
  TaskListRow,
  TaskQueueSummary,
  TaskQueues,
} from '@pathflow/core';
import { api } from './client';

export type {
  CancelTaskRequest,
  CompleteTaskRequest,
  ReassignTaskRequest,
  TaskDetail,
  TaskHistoryEntry,
  TaskListPage,
  TaskListQuery,
  TaskListRow,
  TaskQueueSummary,
  TaskQueues,
};

const BASE = '/api/v1/tasks';
const id = (value: string) => encodeURIComponent(value);

/** The query string for a queue, leaving out anything not set; lists are repeated (`status=open&status=done`). */
function taskSearch(query: TaskListQuery): string {
  const params = new URLSearchParams();
  type Value = string | number | boolean | readonly string[] | undefined;
  for (const [key, value] of Object.entries(query) as [string, Value][]) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) for (const v of value as readonly string[]) params.append(key, v);
    else params.set(key, String(value));
  }
  return params.toString();
}

export const getTasks = (query: TaskListQuery, signal?: AbortSignal) =>
  api.get<TaskListPage>(`${BASE}?${taskSearch(query)}`, { signal });

export const getTaskQueues = (signal?: AbortSignal) => api.get<TaskQueues>(`${BASE}/queues`, { signal });

export const getTask = (taskId: string, signal?: AbortSignal) =>
  api.get<TaskDetail>(`${BASE}/${id(taskId)}`, { signal });

export const claimTask = (taskId: string) => api.post<TaskDetail>(`${BASE}/${id(taskId)}/claim`);

export const reassignTask = (taskId: string, body: ReassignTaskRequest) =>
  api.post<TaskDetail>(`${BASE}/${id(taskId)}/reassign`, body);

export const completeTask = (taskId: string, body: CompleteTaskRequest) =>
  api.post<TaskDetail>(`${BASE}/${id(taskId)}/complete`, body);

export const cancelTask = (taskId: string, body: CancelTaskRequest) =>
  api.post<TaskDetail>(`${BASE}/${id(taskId)}/cancel`, body);
