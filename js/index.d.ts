import type { DeepWorkErrorKind, ValidationIssue } from './deepwork_client.js';

export { cancelProject, DeepWorkClient } from './deepwork_client.js';
export type {
  CancelProjectOptions,
  ClientOptions,
  DeepWorkErrorKind,
  GoalAnalysis,
  ListProjectsOptions,
  LiveWatch,
  Plan,
  Progress,
  Project,
  ProjectDetail,
  ProjectList,
  ProjectListChange,
  ProjectListWatch,
  ProjectStatus,
  ProjectWatch,
  ProjectWithFiles,
  RateLimit,
  RequestOptions,
  ResearchDepth,
  RetryOptions,
  StartProjectOptions,
  Task,
  TaskChange,
  TaskStatus,
  ValidationIssue,
  WaitForProjectOptions,
  WatchProjectOptions,
  WatchProjectsOptions,
  WatchState,
} from './deepwork_client.js';

/** Optional fields of a {@link DeepWorkError}, for code that builds one (e.g. in tests). */
export interface DeepWorkErrorFields {
  status?: number;
  detail?: string | ValidationIssue[];
  projectId?: string;
  currentStatus?: string;
  retryAfterMs?: number;
  attempts?: number;
  cause?: unknown;
}

/**
 * Every failure of the SDK rejects with a DeepWorkError. Branch on `kind`; `message`
 * is for people and may change.
 */
export declare class DeepWorkError extends Error {
  constructor(kind: DeepWorkErrorKind, message: string, fields?: DeepWorkErrorFields);
  readonly name: 'DeepWorkError';
  /** What went wrong, as a closed set of cases. */
  readonly kind: DeepWorkErrorKind;
  /** The HTTP status of the server's answer, when there was one. */
  readonly status: number | undefined;
  /** The server's `detail`: its message, or the validation issues of a 422. */
  readonly detail: string | ValidationIssue[] | undefined;
  /** The project the call was about. */
  readonly projectId: string | undefined;
  /** For `invalid_state`: the status the server says the project (or, for skipTask and retryTask, the task) is in (e.g. `"completed"`). */
  readonly currentStatus: string | undefined;
  /** For `rate_limited` and 5xx: how long the server asked to wait, when it said so and CORS lets the page read it. */
  readonly retryAfterMs: number | undefined;
  /** How many requests the call sent, retries included (0: it failed before sending any). */
  readonly attempts: number;
}

/** True for a DeepWorkError, also one from another realm or another copy of the package. */
export declare function isDeepWorkError(value: unknown): value is DeepWorkError;
