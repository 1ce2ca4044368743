//! What the calls send: [`NewProject`] and [`ProjectFilter`], their checks (pure, run
//! before any request), and the JSON bodies, encoded by serde-wasm-bindgen.

use crate::error::Error;
use crate::model::{GoalAnalysis, ProjectStatus, ResearchDepth};
use serde::Serialize;
use wasm_bindgen::JsValue;

/// Shortest and longest description the server accepts, in characters.
const DESCRIPTION_CHARS: std::ops::RangeInclusive<usize> = 10..=5000;

pub(crate) const BAD_DESCRIPTION: &str = "the description must be 10 to 5000 characters long";
pub(crate) const BAD_DEPTH: &str =
    "the research depth must be one of \"auto\", \"none\", \"quick\", \"standard\", \"deep\"";
pub(crate) const BAD_LIMIT: &str = "the limit must be a whole number from 1";
pub(crate) const BAD_STATUS: &str =
    "the status must be a non-empty string without control characters";
const BAD_ANALYSIS: &str = "the goal analysis must be a plain JSON object, as the server gives it";

/// A project to start: what it is for, how much research planning may do, and
/// optionally the goal analysis [`parse_goal`](crate::DeepWorkClient::parse_goal) made.
///
/// ```
/// use deepwork_client::{NewProject, ResearchDepth};
/// let project = NewProject::new("Build a REST API for a todo app")
///     .research_depth(ResearchDepth::Quick);
/// assert_eq!(project.research_depth, ResearchDepth::Quick);
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct NewProject {
    /// What the project is for: 10 to 5000 characters.
    pub description: String,
    /// Default [`ResearchDepth::Auto`].
    pub research_depth: ResearchDepth,
    pub goal_analysis: Option<GoalAnalysis>,
}

impl NewProject {
    /// A project with this description and the default research depth.
    pub fn new(description: impl Into<String>) -> Self {
        Self {
            description: description.into(),
            research_depth: ResearchDepth::default(),
            goal_analysis: None,
        }
    }

    /// Sets [`NewProject::research_depth`].
    pub fn research_depth(mut self, depth: ResearchDepth) -> Self {
        self.research_depth = depth;
        self
    }

    /// Sets [`NewProject::goal_analysis`].
    pub fn goal_analysis(mut self, analysis: GoalAnalysis) -> Self {
        self.goal_analysis = Some(analysis);
        self
    }

    /// What is wrong with it, before anything is sent.
    pub(crate) fn check(&self) -> Result<(), &'static str> {
        check_description(&self.description)?;
        if matches!(self.research_depth, ResearchDepth::Other(_)) {
            return Err(BAD_DEPTH);
        }
        Ok(())
    }

    /// The body of `POST /api/deep-work/start`.
    pub(crate) fn to_json(&self) -> Result<String, Error> {
        self.check().map_err(Error::invalid_argument)?;
        let body = to_object(&Body {
            description: &self.description,
            research_depth: Some(self.research_depth.as_str()),
        })?;
        if let Some(analysis) = &self.goal_analysis {
            let value = analysis.raw();
            if !value.is_object() || js_sys::Array::is_array(value) {
                return Err(Error::invalid_argument(BAD_ANALYSIS));
            }
            // Setting a property of a fresh plain object cannot fail.
            let _ = js_sys::Reflect::set(&body, &"goal_analysis".into(), value);
        }
        stringify(&body, BAD_ANALYSIS)
    }
}

/// Which projects [`list_projects`](crate::DeepWorkClient::list_projects) lists: by
/// status, and at most how many (the server's default is 100).
///
/// ```
/// use deepwork_client::{ProjectFilter, ProjectStatus};
/// let filter = ProjectFilter::new().status(ProjectStatus::Executing).limit(20);
/// assert_eq!(filter.limit, Some(20));
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct ProjectFilter {
    /// Only projects in this status (a status this SDK does not know is sent as it is).
    pub status: Option<ProjectStatus>,
    /// At most this many, 1 or more.
    pub limit: Option<u32>,
}

impl ProjectFilter {
    /// Every project, as many as the server sends.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`ProjectFilter::status`].
    pub fn status(mut self, status: ProjectStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Sets [`ProjectFilter::limit`].
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// What is wrong with it, before anything is sent.
    pub(crate) fn check(&self) -> Result<(), &'static str> {
        if self.limit == Some(0) {
            return Err(BAD_LIMIT);
        }
        match self.status.as_ref().map(ProjectStatus::as_str) {
            Some(status) if status.trim().is_empty() || status.chars().any(char::is_control) => {
                Err(BAD_STATUS)
            }
            _ => Ok(()),
        }
    }
}

/// The server's bounds on a description, counted in characters as it counts them.
pub(crate) fn check_description(description: &str) -> Result<(), &'static str> {
    if DESCRIPTION_CHARS.contains(&description.chars().count()) {
        Ok(())
    } else {
        Err(BAD_DESCRIPTION)
    }
}

/// The body of start and of parse-goal (which sends no depth): one type, one encoder.
#[derive(Serialize)]
struct Body<'a> {
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    research_depth: Option<&'a str>,
}

/// The body of `POST /api/deep-work/parse-goal`.
pub(crate) fn goal_json(description: &str) -> Result<String, Error> {
    check_description(description).map_err(Error::invalid_argument)?;
    let body = Body {
        description,
        research_depth: None,
    };
    stringify(&to_object(&body)?, BAD_DESCRIPTION)
}

fn to_object(body: &Body) -> Result<JsValue, Error> {
    body.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|_| Error::invalid_argument(BAD_DESCRIPTION))
}

/// JSON text of `value`; `JSON.stringify` throws on cycles and BigInts in a caller's
/// object, which is the caller's error.
fn stringify(value: &JsValue, problem: &str) -> Result<String, Error> {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| Error::invalid_argument(problem))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_10_to_5000_characters_counted_as_the_server_counts() {
        assert_eq!(check_description("0123456789"), Ok(()));
        assert_eq!(check_description(&"é".repeat(5000)), Ok(()));
        assert_eq!(check_description(&"项".repeat(10)), Ok(()));
        for bad in [String::new(), "123456789".into(), "x".repeat(5001)] {
            assert_eq!(
                check_description(&bad),
                Err(BAD_DESCRIPTION),
                "{}",
                bad.len()
            );
        }
    }

    #[test]
    fn a_new_project_needs_a_known_research_depth() {
        let project = NewProject::new("Build a REST API");
        assert_eq!(project.check(), Ok(()));
        assert_eq!(project.research_depth.as_str(), "auto");
        let odd = project
            .clone()
            .research_depth(ResearchDepth::from("deeper"));
        assert_eq!(odd.check(), Err(BAD_DEPTH));
        assert_eq!(NewProject::new("short").check(), Err(BAD_DESCRIPTION));
    }

    #[test]
    fn a_filter_needs_a_positive_limit_and_a_real_status() {
        assert_eq!(ProjectFilter::new().check(), Ok(()));
        assert_eq!(ProjectFilter::new().limit(1).check(), Ok(()));
        assert_eq!(ProjectFilter::new().limit(0).check(), Err(BAD_LIMIT));
        let status = |s: &str| ProjectFilter::new().status(ProjectStatus::from(s)).check();
        assert_eq!(status("executing"), Ok(()));
        assert_eq!(status("archived_v2"), Ok(()));
        assert_eq!(status(" "), Err(BAD_STATUS));
        assert_eq!(status("a\nb"), Err(BAD_STATUS));
    }
}
