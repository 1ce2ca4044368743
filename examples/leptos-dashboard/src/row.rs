//! What a row shows, of the project list or of a plan's tasks.

use deepwork_client::{Error, Project, Task};

/// The few fields a row shows, copied out of a `Project` or `Task` (which keep the
/// server's `JsValue`): `<For>` hands its items across a `Send` bound. Also the row's
/// key, so a row is drawn again only when something it shows changed; the others keep
/// their elements (and focus).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Row {
    pub id: String,
    pub title: String,
    pub status: String,
}

impl From<&Project> for Row {
    fn from(project: &Project) -> Self {
        Self {
            id: project.id.clone(),
            title: project.title.clone(),
            status: project.status.as_str().to_owned(),
        }
    }
}

impl From<&Task> for Row {
    fn from(task: &Task) -> Self {
        Self {
            id: task.id.clone(),
            title: task.title.clone(),
            status: task.status.as_str().to_owned(),
        }
    }
}

/// The rows of `items` in what a watch yielded last; none before it or after an error.
pub fn rows<T, I>(latest: &Option<Result<T, Error>>, items: impl Fn(&T) -> &[I]) -> Vec<Row>
where
    for<'a> &'a I: Into<Row>,
{
    crate::live::value(latest)
        .map(|value| items(value).iter().map(Into::into).collect())
        .unwrap_or_default()
}
