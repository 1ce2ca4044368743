//! The project list, live: [`ProjectsWatch`] yields the list at once, then each time a
//! project appeared, disappeared, or changed its status or title, with what changed.

use super::WatchOptions;
use crate::client::DeepWorkClient;
use crate::error::Error;
use crate::model::{ProjectList, ProjectStatus};
use crate::poll::{self, Follower, Polled, WatchState};
use crate::request::ProjectFilter;
use futures_core::Stream;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// The list as a watcher of it compares it: each project's id, status and title, in
/// order, and how many match.
#[derive(Debug, Default, PartialEq)]
pub struct ListSnapshot {
    projects: Vec<(String, ProjectStatus, String)>,
    count: u32,
}

impl ListSnapshot {
    fn of(list: &ProjectList) -> Self {
        Self {
            projects: list
                .projects
                .iter()
                .map(|p| (p.id.clone(), p.status.clone(), p.title.clone()))
                .collect(),
            count: list.count,
        }
    }
}

impl Polled for ProjectList {
    type Snapshot = ListSnapshot;

    fn snapshot(&self) -> ListSnapshot {
        ListSnapshot::of(self)
    }

    fn is_final(&self) -> bool {
        false
    }
}

/// The whole list after a change, and which projects changed since the last update
/// this watch yielded (the first has every project in `added`).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ProjectListUpdate {
    pub list: ProjectList,
    /// Ids of projects that appeared, in the list's order.
    pub added: Vec<String>,
    /// Ids of projects that are gone (deleted, or no longer match the filter).
    pub removed: Vec<String>,
    /// Ids of projects whose status or title changed.
    pub changed: Vec<String>,
}

/// What changed from `before` to `after`: added, removed and changed ids.
fn diff(before: &ListSnapshot, after: &ListSnapshot) -> [Vec<String>; 3] {
    let find =
        |list: &ListSnapshot, id: &str| list.projects.iter().find(|(i, _, _)| i == id).cloned();
    let mut added = Vec::new();
    let mut changed = Vec::new();
    for (id, status, title) in &after.projects {
        match find(before, id) {
            None => added.push(id.clone()),
            Some((_, s, t)) if (&s, &t) != (status, title) => changed.push(id.clone()),
            Some(_) => {}
        }
    }
    let removed = before
        .projects
        .iter()
        .filter(|(id, _, _)| find(after, id).is_none())
        .map(|(id, _, _)| id.clone())
        .collect();
    [added, removed, changed]
}

/// The project list each time it changes, from [`DeepWorkClient::watch_projects`]: a
/// [`Stream`] of `Result<ProjectListUpdate, Error>`.
///
/// One `list_projects` request per interval however many projects there are, shared by
/// every watch of the same filter on the same server with the same token. It does not
/// end by itself: it ends when dropped or stopped, on its signal, or with an error a
/// watch cannot outlive (`Unauthorized`, …); transient failures are waited out and
/// show only in [`ProjectsWatch::state`].
pub struct ProjectsWatch {
    follower: Follower<ProjectList>,
    last: ListSnapshot,
}

impl ProjectsWatch {
    /// The next update, or `None` once the watch has ended.
    pub async fn next(&mut self) -> Option<Result<ProjectListUpdate, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Ends the watch: its stream ends.
    pub fn stop(&mut self) {
        self.follower.leave();
    }

    /// Where the watch stands now.
    pub fn state(&self) -> WatchState {
        self.follower.state()
    }

    /// The next list as the shared poll holds it (not copied: what JS reads), with the
    /// added, removed and changed ids since the last one this watch yielded.
    pub(crate) fn poll_change(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Change, Error>>> {
        self.follower.poll_next(cx).map(|item| {
            item.map(|list| {
                let list = list?;
                let now = ListSnapshot::of(&list);
                let ids = diff(&self.last, &now);
                self.last = now;
                Ok((list, ids))
            })
        })
    }
}

/// A list and its added, removed and changed ids.
pub(crate) type Change = (Rc<ProjectList>, [Vec<String>; 3]);

impl Stream for ProjectsWatch {
    type Item = Result<ProjectListUpdate, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.poll_change(cx).map(|item| {
            item.map(|change| {
                let (list, [added, removed, changed]) = change?;
                Ok(ProjectListUpdate {
                    list: Rc::unwrap_or_clone(list),
                    added,
                    removed,
                    changed,
                })
            })
        })
    }
}

impl DeepWorkClient {
    /// Watches the project list (by `filter`): the list at once, then each time a
    /// project appeared, disappeared, or changed its status or title (not timestamps),
    /// with what changed; see [`ProjectsWatch`].
    ///
    /// ```no_run
    /// # async fn run(client: deepwork_client::DeepWorkClient) -> Result<(), deepwork_client::Error> {
    /// use deepwork_client::{ProjectFilter, WatchOptions};
    /// let mut projects = client.watch_projects(&ProjectFilter::new(), WatchOptions::new())?;
    /// while let Some(update) = projects.next().await {
    ///     let update = update?;
    ///     println!("{} projects; new: {:?}, gone: {:?}", update.list.count, update.added, update.removed);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn watch_projects(
        &self,
        filter: &ProjectFilter,
        options: WatchOptions,
    ) -> Result<ProjectsWatch, Error> {
        filter.check().map_err(Error::invalid_argument)?;
        let polls = self.for_polls();
        let filter = filter.clone();
        let mut key = String::from("list/");
        key.push_str(filter.status.as_ref().map_or("", ProjectStatus::as_str));
        key.push('/');
        crate::text::push_decimal(&mut key, filter.limit.map_or(0, u64::from));
        let follower = self.follow(&key, options.joining(self), move || {
            poll::changes(move |signal| {
                let (client, filter) = (polls.with_signal(signal), filter.clone());
                async move { client.list_projects(&filter).await }
            })
        })?;
        Ok(ProjectsWatch {
            follower,
            last: ListSnapshot::default(),
        })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn list(projects: &[(&str, &str, &str)]) -> ListSnapshot {
        ListSnapshot {
            projects: projects
                .iter()
                .map(|(id, status, title)| ((*id).into(), (*status).into(), (*title).into()))
                .collect(),
            count: projects.len() as u32,
        }
    }

    #[test]
    fn the_first_list_is_all_added() {
        let first = list(&[("a", "planning", "A"), ("b", "executing", "B")]);
        assert_eq!(
            diff(&ListSnapshot::default(), &first),
            [vec!["a".to_owned(), "b".into()], vec![], vec![]]
        );
    }

    #[test]
    fn projects_that_came_went_or_changed_status_or_title_are_named_once() {
        let before = list(&[
            ("a", "planning", "A"),
            ("b", "executing", "B"),
            ("c", "paused", "C"),
            ("d", "draft", "D"),
        ]);
        let after = list(&[
            ("e", "planning", "E"),
            ("a", "awaiting_approval", "A"),
            ("b", "executing", "B, renamed"),
            ("d", "draft", "D"),
        ]);
        assert_eq!(
            diff(&before, &after),
            [
                vec!["e".to_owned()],
                vec!["c".into()],
                vec!["a".into(), "b".into()]
            ]
        );
        assert_eq!(
            diff(&after, &after),
            [vec![], vec![], vec![]] as [Vec<String>; 3]
        );
    }

    #[test]
    fn a_list_is_the_same_when_only_what_is_not_compared_moved() {
        let a = list(&[("a", "planning", "A")]);
        let b = list(&[("a", "planning", "A")]);
        assert_eq!(a, b);
        let mut more = list(&[("a", "planning", "A")]);
        more.count = 7;
        assert_ne!(
            a, more,
            "the count of matching projects is part of the list"
        );
    }
}
