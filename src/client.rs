//! The Rust API: a [`DeepWorkClient`] for one server and token, and its calls.

use crate::call::Call;
use crate::decode::{self, Invalid};
use crate::error::Error;
use crate::model::{Envelope, PlanAnswer, Project, ProjectAnswer, ProjectStatus};
use crate::options::CallOptions;
use crate::server::Server;
use crate::transport::Answer;
use crate::url;
use gloo_net::http::Method;
use js_sys::Reflect;
use std::fmt;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// The docs' local server, for [`DeepWorkClient::local`].
pub use crate::url::DEFAULT_BASE_URL;

/// A client of one Deep Work server, as one user (a bearer token).
///
/// Cheap to clone (the checked settings are shared). Each call returns a future that
/// sends the request when first polled; dropping it aborts the request.
///
/// ```no_run
/// use deepwork_client::{DeepWorkClient, ErrorKind, ProjectStatus};
///
/// # async fn run(id: &str, token: &str) -> Result<(), Box<dyn std::error::Error>> {
/// let client = DeepWorkClient::new("http://127.0.0.1:8000", token)?;
/// match client.cancel_project(id).await {
///     Ok(project) => assert_eq!(project.status, ProjectStatus::Cancelled),
///     Err(e) if e.kind() == ErrorKind::NotFound => {
///         println!("no such project ({:?}): {:?}", e.status(), e.detail());
///     }
///     Err(e) => return Err(e.into()),
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct DeepWorkClient {
    server: Rc<Server>,
    options: CallOptions,
}

impl fmt::Debug for DeepWorkClient {
    /// The base URL and the options; never the token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeepWorkClient")
            .field("base_url", &self.server.base_url)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl DeepWorkClient {
    /// A client of the server at `base_url` (an absolute http(s) URL, optionally with a
    /// path prefix) with a bearer `token`, sent only in the `Authorization` header.
    ///
    /// Fails with kind [`InvalidArgument`](crate::ErrorKind::InvalidArgument) on a URL
    /// or token that cannot work; makes no request.
    ///
    /// ```
    /// use deepwork_client::DeepWorkClient;
    /// let client = DeepWorkClient::new("https://agents.example.com/", "t0ken")?;
    /// assert_eq!(client.base_url(), "https://agents.example.com");
    /// assert!(!format!("{client:?}").contains("t0ken"));
    /// # Ok::<(), deepwork_client::Error>(())
    /// ```
    pub fn new(base_url: &str, token: &str) -> Result<Self, Error> {
        Ok(Self {
            server: Rc::new(Server::new(base_url, token)?),
            options: CallOptions::default(),
        })
    }

    /// A client of the docs' local server, `http://localhost:8000`.
    ///
    /// ```
    /// let client = deepwork_client::DeepWorkClient::local("t0ken")?;
    /// assert_eq!(client.base_url(), deepwork_client::DEFAULT_BASE_URL);
    /// # Ok::<(), deepwork_client::Error>(())
    /// ```
    pub fn local(token: &str) -> Result<Self, Error> {
        Self::new(DEFAULT_BASE_URL, token)
    }

    /// This client with `options` for its calls: each option set there replaces this
    /// client's; the others stay. The server and token are shared, not copied.
    ///
    /// ```
    /// use deepwork_client::{CallOptions, DeepWorkClient};
    /// use std::time::Duration;
    /// let client = DeepWorkClient::local("t0ken")?
    ///     .with_options(CallOptions::new().timeout(Duration::from_secs(10)));
    /// let patient = client.with_options(CallOptions::new().max_retries(5));
    /// assert_eq!(patient.options().timeout, Some(Duration::from_secs(10)));
    /// assert_eq!(patient.options().max_retries, Some(5));
    /// # Ok::<(), deepwork_client::Error>(())
    /// ```
    pub fn with_options(&self, options: CallOptions) -> Self {
        Self {
            server: Rc::clone(&self.server),
            options: options.or(&self.options),
        }
    }

    /// The server's base URL, normalised (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.server.base_url
    }

    /// The options of this client's calls (unset ones take the defaults).
    pub fn options(&self) -> &CallOptions {
        &self.options
    }

    /// Cancels a project: running tasks stop, pending tasks are skipped, done tasks
    /// stay done, and the project becomes `cancelled` for good.
    ///
    /// Resolves with the cancelled project, or with the project as it is when the
    /// server says it had already completed (the real server answers so). Lost answers
    /// and busy servers are retried (see [`CallOptions`]); a retry that finds the
    /// project already cancelled by the lost attempt resolves with it.
    ///
    /// Fails with kind [`InvalidArgument`](crate::ErrorKind::InvalidArgument), before
    /// any request, on an id that cannot be one.
    pub async fn cancel_project(&self, project_id: &str) -> Result<Project, Error> {
        if let Err(message) = url::check_project_id(project_id) {
            return Err(Error::invalid_argument(message).for_project(project_id));
        }
        let mut call =
            Call::new(&self.server, &self.options).map_err(|e| e.for_project(project_id))?;
        let cancel_url = url::project_url(&self.server.base_url, project_id, "cancel");
        let result = match call.send(Method::POST, &cancel_url).await {
            Ok(answer) => cancelled(&answer, project_id),
            // An earlier attempt got through although its answer was lost: the server
            // now says the project is cancelled, which is what was asked. Read it back.
            Err(e) if call.may_have_applied && e.current_status() == Some("cancelled") => {
                let plan_url = url::project_url(&self.server.base_url, project_id, "plan");
                match call.send(Method::GET, &plan_url).await {
                    Ok(answer) => read_back(&answer, project_id).ok_or(e),
                    Err(_) => Err(e),
                }
            }
            Err(e) => Err(e),
        };
        result.map_err(|mut e| {
            e.0.attempts = call.made;
            e.for_project(project_id)
        })
    }
}

/// The project of a 2xx cancel answer, checked by `check_cancelled`.
fn cancelled(answer: &Answer, project_id: &str) -> Result<Project, Error> {
    project_of::<ProjectAnswer>(answer)
        .and_then(|project| check_cancelled(project, project_id))
        .map_err(|invalid| Error::invalid_response(invalid, answer.status))
}

/// A cancel answer's project must be the one asked for, cancelled, or completed: the
/// real server answers 200 with the project unchanged when nothing was left to cancel.
fn check_cancelled(project: Project, project_id: &str) -> Result<Project, Invalid> {
    if project.id != project_id {
        return Err(Invalid::at(
            "project.id",
            "expected the id of the project asked for",
        ));
    }
    match project.status {
        ProjectStatus::Cancelled | ProjectStatus::Completed => Ok(project),
        _ => Err(Invalid::at(
            "project.status",
            "expected 'cancelled' or 'completed'",
        )),
    }
}

/// The project read back after a lost cancel answer, when it shows it cancelled.
fn read_back(answer: &Answer, project_id: &str) -> Option<Project> {
    let project = project_of::<PlanAnswer>(answer).ok()?;
    (project.id == project_id && project.status == ProjectStatus::Cancelled).then_some(project)
}

/// The project of a decoded answer `T`, with the server's own project object kept
/// beside the decoded one.
fn project_of<T: Envelope>(answer: &Answer) -> Result<Project, Invalid> {
    let body = answer
        .body
        .as_ref()
        .ok_or_else(|| Invalid::at("", "expected JSON"))?;
    let project = decode::from_js::<T>(body)?.into_project()?;
    let raw = Reflect::get(body, &JsValue::from_str("project")).unwrap_or(JsValue::UNDEFINED);
    Ok(project.with_raw(raw))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tests {
    use super::*;
    use crate::decode::tests::from_text;
    use crate::model::tests::{answer, full_project, ID};

    /// What `cancelled` makes of a body, from JSON text.
    pub fn check_cancel_answer(body: &str) -> Result<Project, Invalid> {
        from_text::<ProjectAnswer>(body)?
            .into_project()
            .and_then(|project| check_cancelled(project, ID))
    }

    #[test]
    fn cancelled_and_completed_projects_are_what_a_cancel_answers() {
        for status in ["cancelled", "completed"] {
            let project = check_cancel_answer(&answer(&full_project(status))).expect(status);
            assert_eq!(project.status.as_str(), status);
        }
    }

    #[test]
    fn any_other_status_even_an_unknown_one_breaks_the_contract() {
        for status in ["executing", "paused", "draft", "archived_v2"] {
            let e = check_cancel_answer(&answer(&full_project(status))).expect_err(status);
            assert!(
                e.message()
                    .ends_with("project.status: expected 'cancelled' or 'completed'"),
                "{e:?}"
            );
        }
    }

    #[test]
    fn an_answer_about_another_project_breaks_the_contract() {
        let other = full_project("cancelled").replace(ID, "someone-else");
        let e = check_cancel_answer(&answer(&other)).expect_err("other project");
        assert!(e.message().contains("project.id"), "{e:?}");
    }
}
