//! The JS surface: a thin `#[wasm_bindgen]` layer that converts arguments, calls the
//! plain-Rust client and turns every `Error` into a `DeepWorkError`.

use crate::client::{Call, Cancel, Limits, Settings};
use crate::error::{Detail, Error};
use crate::options;
use alloc::rc::Rc;
use alloc::string::String;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

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

/// The one conversion of a Rust error into the JS `DeepWorkError`.
fn to_js(error: Error<JsValue>) -> JsValue {
    let detail = match error.detail {
        Detail::None => JsValue::UNDEFINED,
        Detail::Text(text) => JsValue::from_str(&text),
        Detail::Issues(issues) => issues,
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

/// Keys each options object may carry.
const CALL_KEYS: [&str; 5] = [
    "baseUrl",
    "signal",
    "timeoutMs",
    "attemptTimeoutMs",
    "maxRetries",
];
const CLIENT_KEYS: [&str; 5] = [
    "token",
    "baseUrl",
    "timeoutMs",
    "attemptTimeoutMs",
    "maxRetries",
];
const METHOD_KEYS: [&str; 4] = ["signal", "timeoutMs", "attemptTimeoutMs", "maxRetries"];

/// The retry and timeout limits an options object carries.
fn limits(options: &options::Options) -> Limits {
    Limits {
        timeout_ms: options.timeout_ms,
        attempt_timeout_ms: options.attempt_timeout_ms,
        max_retries: options.max_retries,
    }
}

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
    cancel_promise(Caller::Function(token), project_id, options)
}

/// Who calls: a client with its checked settings, or the function form with a token
/// still to check (a bad one then rejects the promise rather than throws).
enum Caller {
    Client(Rc<Settings>),
    Function(JsValue),
}

#[wasm_bindgen(module = "/js/transport.js")]
extern "C" {
    /// Runs a call's steps to the end: its promise settles as the call does.
    fn drive(call: CancelCall) -> Promise;
}

/// One cancel in progress, handed to js/transport.js's `drive`; not part of the API.
#[wasm_bindgen(skip_typescript)]
pub struct CancelCall(Cancel);

#[wasm_bindgen]
impl CancelCall {
    /// See `Cancel::step`.
    pub fn step(&mut self, input: JsValue) -> Option<Promise> {
        self.0.step(input)
    }

    /// See `Cancel::finish`: the project, or throws the `DeepWorkError`.
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        self.0.finish().map_err(to_js)
    }
}

/// One cancel as a promise; both exports share it, so the module holds one copy.
fn cancel_promise(caller: Caller, project_id: JsValue, options: JsValue) -> Promise {
    match start(caller, &project_id, &options) {
        Ok(cancel) => drive(CancelCall(cancel)),
        Err(error) => Promise::reject(&error),
    }
}

/// Checks the arguments and sets up the call, making no request yet.
fn start(caller: Caller, project_id: &JsValue, options: &JsValue) -> Result<Cancel, JsValue> {
    let id = options::string(project_id, "projectId must be a string").map_err(to_js)?;
    let keys: &[&str] = match caller {
        Caller::Client(_) => &METHOD_KEYS,
        Caller::Function(_) => &CALL_KEYS,
    };
    let mut options = options::read(options, keys).map_err(|e| to_js(e.for_project(&id)))?;
    let settings = match caller {
        Caller::Client(settings) => settings,
        Caller::Function(token) => {
            let settings = options::string(&token, "token must be a string").and_then(|token| {
                Settings::new(&token, options.base_url.as_deref(), Limits::default())
            });
            Rc::new(settings.map_err(|e| to_js(e.for_project(&id)))?)
        }
    };
    let call = Call {
        signal: options.signal.take(),
        limits: limits(&options),
    };
    Cancel::new(settings, id, call).map_err(to_js)
}

/// A client for one server and token: create it once, call it many times.
#[wasm_bindgen]
pub struct DeepWorkClient {
    settings: Rc<Settings>,
}

#[wasm_bindgen]
impl DeepWorkClient {
    /// Checks the options and keeps them; throws a `DeepWorkError` of kind
    /// `invalid_argument` when they are wrong. Makes no request.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ClientOptions")] options: JsValue,
    ) -> Result<DeepWorkClient, JsValue> {
        let mut options = options::read(&options, &CLIENT_KEYS).map_err(to_js)?;
        let token = options.token.take().unwrap_or_default();
        let settings =
            Settings::new(&token, options.base_url.as_deref(), limits(&options)).map_err(to_js)?;
        Ok(Self {
            settings: Rc::new(settings),
        })
    }

    /// Cancels a Deep Work project; see the `cancelProject` function.
    #[wasm_bindgen(js_name = cancelProject, unchecked_return_type = "Promise<Project>")]
    pub fn cancel_project(
        &self,
        #[wasm_bindgen(js_name = projectId, unchecked_param_type = "string")] project_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        cancel_promise(
            Caller::Client(Rc::clone(&self.settings)),
            project_id,
            options,
        )
    }
}
