//! The JS surface: a thin `#[wasm_bindgen]` layer over the Rust API. It reads JS
//! arguments and options objects (`options`), calls [`crate::DeepWorkClient`], and
//! turns its results into JS values: [`Project`]s into the server's own objects and
//! every [`Error`] into a `DeepWorkError`, each in one `From` impl below.
//!
//! Rust callers use the Rust API instead; these functions are public so that the
//! browser test suites can call the SDK as JS does.

mod options;

use crate::client::DeepWorkClient;
use crate::error::{Detail, Error, Loc};
use crate::model::Project;
use js_sys::{Array, Object, Promise, Reflect};
use options::{CLIENT_KEYS, FUNCTION_KEYS, METHOD_KEYS};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

#[wasm_bindgen(module = "/js/error.js")]
extern "C" {
    #[wasm_bindgen(js_name = createError)]
    #[allow(clippy::too_many_arguments)]
    fn create_error(
        kind: &str,
        message: &str,
        status: Option<u16>,
        detail: JsValue,
        project_id: Option<String>,
        current_status: Option<String>,
        retry_after_ms: Option<f64>,
        attempts: u32,
        cause: JsValue,
    ) -> JsValue;
}

/// The one conversion of an [`Error`] into the JS `DeepWorkError`.
impl From<Error> for JsValue {
    fn from(error: Error) -> JsValue {
        let error = *error.0;
        let detail = match error.detail {
            Detail::None => JsValue::UNDEFINED,
            Detail::Text(text) => JsValue::from_str(&text),
            Detail::Issues(issues) => issues.iter().map(issue_to_js).collect::<Array>().into(),
        };
        create_error(
            error.kind.as_str(),
            &error.message,
            error.status,
            detail,
            error.project_id,
            error.current_status,
            error.retry_after_ms.map(|ms| ms as f64),
            error.attempts,
            error.cause.unwrap_or(JsValue::UNDEFINED),
        )
    }
}

/// `{loc, msg, type}`, as the server sent it (with the token blanked out).
fn issue_to_js(issue: &crate::ValidationIssue) -> JsValue {
    let loc: Array = issue
        .loc
        .iter()
        .map(|step| match step {
            Loc::Key(key) => JsValue::from_str(key),
            Loc::Index(index) => JsValue::from_f64(*index as f64),
        })
        .collect();
    let object = Object::new();
    for (key, value) in [
        ("loc", loc.into()),
        ("msg", JsValue::from_str(&issue.msg)),
        ("type", JsValue::from_str(&issue.kind)),
    ] {
        // Setting a property of a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(key), &value);
    }
    object.into()
}

/// The one conversion of a [`Project`] into JS: the server's own object, with every
/// field it sent (also those the SDK does not know).
impl From<Project> for JsValue {
    fn from(project: Project) -> JsValue {
        project.raw().clone()
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
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

/** What went wrong, as a closed set: `switch` on it. */
export type DeepWorkErrorKind =
  | "invalid_argument" | "unauthorized" | "forbidden" | "not_found" | "invalid_state"
  | "bad_request" | "validation" | "rate_limited" | "server" | "http" | "network"
  | "timeout" | "aborted" | "invalid_response";

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
}

/** Options of a {@link DeepWorkClient}; its retry options are the defaults of each call. */
export interface ClientOptions extends RetryOptions {
  /** The bearer token. It is only ever sent in the Authorization header to `baseUrl`. */
  token: string;
  /** The server, e.g. `https://agents.example.com` (default `http://localhost:8000`). */
  baseUrl?: string;
}
"#;

/// Cancels a Deep Work project: running tasks stop, pending tasks are skipped, done
/// tasks stay done, and the project becomes `cancelled` for good.
///
/// Resolves with the cancelled project (or the project as it is, when the server says
/// it had already completed). Rejects with a `DeepWorkError`; bad arguments reject with
/// kind `invalid_argument` before any request is made. Lost answers and busy servers
/// are retried (see `RetryOptions`); a retry that finds the project already cancelled
/// by the lost attempt resolves with it.
#[wasm_bindgen(js_name = cancelProject, unchecked_return_type = "Promise<Project>")]
pub fn cancel_project(
    #[wasm_bindgen(js_name = projectId, unchecked_param_type = "string")] project_id: JsValue,
    #[wasm_bindgen(
        unchecked_param_type = "string",
        param_description = "the bearer token; sent only in the Authorization header"
    )]
    token: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "CancelProjectOptions")] options: JsValue,
) -> Promise {
    future_to_promise(cancel(Caller::Function(token), project_id, options))
}

/// Who calls: a client, or the function form with a token still to check (a bad one
/// then rejects the promise rather than throws).
enum Caller {
    Client(DeepWorkClient),
    Function(JsValue),
}

/// One cancel, for both exports: they share this future, so the module holds one copy
/// of its state machine and of the promise glue around it.
async fn cancel(caller: Caller, project_id: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let id = options::string(&project_id, "projectId must be a string")?;
    let client = match caller {
        Caller::Client(client) => {
            options::read(&options, &METHOD_KEYS).map(|options| client.with_options(options.call))
        }
        Caller::Function(token) => options::read(&options, &FUNCTION_KEYS).and_then(|options| {
            options.client(&options::string(&token, "token must be a string")?)
        }),
    };
    let client = client.map_err(|e| e.for_project(&id))?;
    Ok(client.cancel_project(&id).await?.into())
}

/// A client for one server and token: create it once, call it many times.
#[wasm_bindgen(js_name = DeepWorkClient)]
pub struct JsClient(DeepWorkClient);

#[wasm_bindgen(js_class = DeepWorkClient)]
impl JsClient {
    /// Checks the options and keeps them; throws a `DeepWorkError` of kind
    /// `invalid_argument` when they are wrong. Makes no request.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ClientOptions")] options: JsValue,
    ) -> Result<JsClient, JsValue> {
        let mut options = options::read(&options, &CLIENT_KEYS)?;
        let token = options.token.take().unwrap_or_default();
        Ok(Self(options.client(&token)?))
    }

    /// Cancels a Deep Work project; see the `cancelProject` function.
    #[wasm_bindgen(js_name = cancelProject, unchecked_return_type = "Promise<Project>")]
    pub fn cancel_project(
        &self,
        #[wasm_bindgen(js_name = projectId, unchecked_param_type = "string")] project_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        future_to_promise(cancel(Caller::Client(self.0.clone()), project_id, options))
    }
}
