// The package's TypeScript types, beside the declarations wasm-bindgen writes for
// the exports: wasm-bindgen includes this file in deepwork_client.d.ts
// (src/bindings/mod.rs). The one place each type is written.
/**
 * Where a Deep Work project is in its life. `cancelled` and `completed` are terminal.
 * A newer server may send a status not listed here; it is passed through as it is.
 */
export type ProjectStatus =
  | "draft" | "planning" | "awaiting_approval" | "approved" | "executing"
  | "paused" | "completed" | "failed" | "cancelled";

/**
 * A Deep Work project, as the server sent it. The six fields of the API docs' own
 * example are always present; the others are sent by the real server. Fields a newer
 * server adds are kept on the object.
 */
export interface Project {
  id: string;
  title: string;
  status: ProjectStatus;
  /** ISO 8601 (e.g. `2024-01-15T16:30:00.654200+00:00` or `…Z`), or null. */
  completed_at: string | null;
  task_ids: string[];
  team_agent_ids: string[];
  description?: string;
  planner_agent_id?: string | null;
  prd_document_id?: string | null;
  creator_id?: string | null;
  tags?: string[];
  started_at?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
  /** Free-form JSON. */
  metadata?: unknown;
}

/** Where a task is. A newer server may send a status not listed here. */
export type TaskStatus =
  | "inbox" | "assigned" | "in_progress" | "review" | "done" | "blocked" | "skipped";

/** One task of a project's plan, as the server sent it (26 fields on the real server). */
export interface Task {
  id: string;
  title: string;
  status: TaskStatus;
  description?: string;
  priority?: "low" | "medium" | "high" | "urgent";
  /** `human` tasks wait for a person. */
  task_type?: "agent" | "human" | "review";
  project_id?: string;
  assignee_ids?: string[];
  creator_id?: string | null;
  parent_task_id?: string | null;
  /** Ids of the tasks this one waits for. */
  blocked_by?: string[];
  /** Ids of the tasks that wait for this one. */
  blocks?: string[];
  tags?: string[];
  active_description?: string | null;
  estimated_minutes?: number | null;
  timeout_minutes?: number | null;
  retry_count?: number;
  max_retries?: number;
  /** Why it failed or was skipped (`"Project cancelled"`). */
  error_message?: string | null;
  due_date?: string | null;
  started_at?: string | null;
  completed_at?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
  /** Free-form JSON. */
  metadata?: unknown;
  /** What the task produced (free-form JSON), or null. */
  output?: unknown;
}

/** How far a project's tasks are. */
export interface Progress {
  total: number;
  /** Tasks done. */
  completed: number;
  skipped: number;
  in_progress: number;
  blocked: number;
  /** Human tasks not done yet. */
  human_pending: number;
  /** Tasks done or skipped, in percent of all (one decimal). */
  percent: number;
}

/** A project as plans and listings send it: with where its files are. */
export interface ProjectWithFiles extends Project {
  folder_path?: string;
  file_count?: number;
}

/** What `parseGoal` makes of a description (free-form JSON); `startProject` takes it back. */
export type GoalAnalysis = Record<string, unknown>;

/**
 * A project's plan: its tasks in execution levels (the tasks of one level can run side
 * by side; each level waits for the one before), their progress, and what planning wrote.
 */
export interface Plan {
  project: ProjectWithFiles;
  tasks: Task[];
  progress: Progress;
  /** The product requirements document planning wrote (free-form JSON), or null. */
  prd: unknown;
  /** Task ids, level by level. */
  execution_levels: string[][];
  /** Each task id's level. */
  task_level_map: Record<string, number>;
  goal_analysis: GoalAnalysis | null;
}

/** A project with its tasks and their progress (`getProject`). */
export interface ProjectDetail {
  project: ProjectWithFiles;
  tasks: Task[];
  progress: Progress;
}

/** One page of projects (`listProjects`). */
export interface ProjectList {
  projects: ProjectWithFiles[];
  /** How many projects match the filter before the limit: may exceed `projects.length`. */
  count: number;
}

/** A task after `skipTask` or `retryTask`, and its project's progress. */
export interface TaskChange {
  task: Task;
  progress: Progress;
}

/** How much research planning may do. */
export type ResearchDepth = "auto" | "none" | "quick" | "standard" | "deep";

/** Options of `startProject`. */
export interface StartProjectOptions extends RequestOptions {
  /** Default `"auto"`. */
  researchDepth?: ResearchDepth;
  /** An analysis `parseGoal` gave (perhaps edited), or null for none. */
  goalAnalysis?: GoalAnalysis | null;
}

/** Options of `listProjects`. */
export interface ListProjectsOptions extends RequestOptions {
  /** Only projects in this status. */
  status?: ProjectStatus;
  /** At most this many (a whole number from 1; the server's default is 100). */
  limit?: number;
}

/** Options of `watchProject`. */
export interface WatchProjectOptions {
  /**
   * Milliseconds between polls (default 2000; less than 250 is raised to 250). Watches
   * of one project share a poll at the shortest interval any of them asked for.
   */
  intervalMs?: number;
  /** Ends the watch: the loop ends without an error (the last watch of a poll aborts its request). */
  signal?: AbortSignal;
  /** Milliseconds for each poll's request (default 30000). */
  timeoutMs?: number;
  /** Called with each new state of the watch (retrying, offline, hidden, live, ended). */
  onStateChange?: (state: WatchState) => void;
}

/** Options of `watchProjects`: a watch's, and the list's filter. */
export interface WatchProjectsOptions extends WatchProjectOptions {
  /** Only projects in this status. */
  status?: ProjectStatus;
  /** At most this many (a whole number from 1; the server's default is 100). */
  limit?: number;
}

/** Options of `waitForProject`. */
export interface WaitForProjectOptions {
  /** What to wait for: a status, any of several, or a plan for which the function is true. */
  until: ProjectStatus | ProjectStatus[] | ((plan: Plan) => boolean);
  /** Milliseconds for the whole wait (default 600000); then it rejects with kind `timeout`. */
  timeoutMs?: number;
  /** Ends the wait: it rejects with kind `aborted`. */
  signal?: AbortSignal;
  /** Milliseconds between polls, as for `watchProject`. */
  intervalMs?: number;
  /** Called with each new state of the watch the wait rides on, as for `watchProject`. */
  onStateChange?: (state: WatchState) => void;
}

/**
 * Where a watch stands. Failures a watch waits out never reach its loop: `retrying`
 * says which one and when the next poll is due (`nextPollAt`, as `Date.now()`).
 */
export type WatchState =
  | { status: "live" }
  | { status: "hidden" }
  | { status: "offline" }
  | { status: "retrying"; error: import("./index.js").DeepWorkError; nextPollAt: number }
  | { status: "ended" };

/** What `watchProjects` yields: the list, and which projects changed since the last one. */
export interface ProjectListChange extends ProjectList {
  /** Ids of projects that appeared (the first update: every project). */
  added: string[];
  /** Ids of projects that are gone (deleted, or no longer match the filter). */
  removed: string[];
  /** Ids of projects whose status or title changed. */
  changed: string[];
}

/**
 * A live watch: `for await (const value of watch)` gets a value at once, then each
 * time it changed. `break`, `return()` or the options' `signal` end it.
 */
export declare class LiveWatch<T> {
  private constructor();
  /** The next value, or `{ done: true }` once the watch has ended. */
  next(): Promise<IteratorResult<T, undefined>>;
  /** Ends the watch (what `break` calls); a pending `next()` resolves `{ done: true }`. */
  return(): Promise<IteratorResult<T, undefined>>;
  /** Where the watch stands now. */
  readonly state: WatchState;
  [Symbol.asyncIterator](): LiveWatch<T>;
  /** Ends the watch and frees it at once, rather than when it is collected. */
  free(): void;
}

/** What `watchProject` returns. */
export type ProjectWatch = LiveWatch<Plan>;
/** What `watchProjects` returns. */
export type ProjectListWatch = LiveWatch<ProjectListChange>;

/** A request budget: `burst` requests at once, then `perSecond`. */
export interface RateLimit {
  /** A whole number from 1 to 1000. */
  burst: number;
  /** From 0.01 to 1000. */
  perSecond: number;
}

/** What went wrong, as a closed set: `switch` on it. */
export type DeepWorkErrorKind =
  | "invalid_argument" | "unauthorized" | "forbidden" | "not_found" | "invalid_state"
  | "task_not_in_project" | "bad_request" | "validation" | "rate_limited" | "server"
  | "http" | "network" | "timeout" | "aborted" | "invalid_response";

/** One entry of a 422 answer's `detail` (FastAPI's request validation). */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** How long and how often a call may try. */
export interface RetryOptions {
  /**
   * Milliseconds for the whole call, retries and the waits between them included
   * (default 30000). When it runs out the request is aborted and the call rejects
   * with kind `timeout`.
   */
  timeoutMs?: number;
  /** Milliseconds for one attempt before it is aborted and retried (default: as long as `timeoutMs` leaves). */
  attemptTimeoutMs?: number;
  /**
   * Retries after the first attempt, 0 to 10 (default 2). Only what is safe is retried:
   * no answer, 408, 429, 502, 503, 504, and a 500 that sent `Retry-After`.
   */
  maxRetries?: number;
}

/** Options of a single call. */
export interface RequestOptions extends RetryOptions {
  /** Aborts the request (and any retry); the promise then rejects with kind `aborted`. */
  signal?: AbortSignal;
}

/** Options of the {@link cancelProject} function. */
export interface CancelProjectOptions extends RequestOptions {
  /** The server, e.g. `https://agents.example.com` (default `http://localhost:8000`). */
  baseUrl?: string;
  /** The request budget, as {@link ClientOptions.rateLimit}. */
  rateLimit?: RateLimit | false;
}

/** Options of a {@link DeepWorkClient}; its retry options are the defaults of each call. */
export interface ClientOptions extends RetryOptions {
  /** The bearer token. It is only ever sent in the Authorization header to `baseUrl`. */
  token: string;
  /** The server, e.g. `https://agents.example.com` (default `http://localhost:8000`). */
  baseUrl?: string;
  /**
   * The request budget every client of the same server in this realm shares (default
   * `{ burst: 20, perSecond: 8 }`, under the real server's 30 and 10 per client address),
   * or `false` for none. The user's calls wait for it within their `timeoutMs`, ahead of
   * every poll; a 429 pauses every poll of the server until its `Retry-After`.
   */
  rateLimit?: RateLimit | false;
}
