//! The API's closed-but-growing word lists (project and task statuses, priorities,
//! task types) as enums that keep a value this version does not know, so a newer
//! server does not break an old client.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A word list: the known values with their wire names.
pub(crate) trait Words: Sized + Clone + PartialEq + 'static {
    const KNOWN: &'static [(&'static str, Self)];
    fn other(text: &str) -> Self;
    fn other_text(&self) -> Option<&str>;

    fn name(&self) -> &str {
        match self.other_text() {
            Some(text) => text,
            None => Self::KNOWN
                .iter()
                .find(|(_, value)| value == self)
                .map_or("", |(name, _)| name),
        }
    }

    fn parse(text: &str) -> Self {
        Self::KNOWN
            .iter()
            .find(|(name, _)| *name == text)
            .map_or_else(|| Self::other(text), |(_, value)| value.clone())
    }
}

/// Any string is a value (unknown ones are kept), so this visitor only takes strings.
struct WordVisitor<T>(PhantomData<T>);

impl<T: Words> Visitor<'_> for WordVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        Ok(T::parse(text))
    }
}

pub(crate) fn deserialize_word<'de, T: Words, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    d.deserialize_str(WordVisitor(PhantomData))
}

/// Defines an open word-list enum: the known variants, `Other(String)`, `as_str`,
/// `From<&str>`, `Display` and `Deserialize`.
macro_rules! words {
    (
        $(#[$meta:meta])*
        $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),* $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this version of the SDK does not know, as the server wrote it.
            Other(String),
        }

        impl $crate::model::status::Words for $name {
            const KNOWN: &'static [(&'static str, Self)] = &[$(($wire, Self::$variant)),*];
            fn other(text: &str) -> Self {
                Self::Other(text.to_owned())
            }
            fn other_text(&self) -> Option<&str> {
                match self {
                    Self::Other(text) => Some(text),
                    _ => None,
                }
            }
        }

        impl $name {
            /// The server's name for this value.
            pub fn as_str(&self) -> &str {
                $crate::model::status::Words::name(self)
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                $crate::model::status::Words::parse(text)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::model::status::deserialize_word(d)
            }
        }
    };
}

words! {
    /// Where a Deep Work project is in its life.
    ///
    /// A status this version does not know (a newer server may add some) is kept as
    /// [`ProjectStatus::Other`] with the server's text, so an old client does not break.
    ///
    /// ```
    /// use deepwork_client::ProjectStatus;
    /// assert_eq!(ProjectStatus::from("awaiting_approval"), ProjectStatus::AwaitingApproval);
    /// assert_eq!(ProjectStatus::from("archived").as_str(), "archived");
    /// assert!(ProjectStatus::Cancelled.is_terminal());
    /// ```
    ProjectStatus {
        Draft = "draft",
        Planning = "planning",
        AwaitingApproval = "awaiting_approval",
        Approved = "approved",
        Executing = "executing",
        Paused = "paused",
        Completed = "completed",
        Failed = "failed",
        Cancelled = "cancelled",
    }
}

impl ProjectStatus {
    /// `completed`, `failed` and `cancelled`: nothing more will happen to the project.
    ///
    /// ```
    /// use deepwork_client::ProjectStatus;
    /// assert!(!ProjectStatus::Paused.is_terminal());
    /// ```
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Cancelled)
    }

    /// Whether a project in this status can still come to be in `status` through the
    /// Deep Work routes (start, approve, pause, resume, cancel, and the server's own
    /// planning and scheduling). Those only move a project forward:
    ///
    /// ```text
    /// planning ─> awaiting_approval ─approve─> executing <─pause/resume─> paused
    ///    └─> failed                                └─> completed
    /// cancel: any status but completed and cancelled ─> cancelled
    /// ```
    ///
    /// `draft` and `approved` come only from other routes, which set any status; from
    /// them only `cancelled` can come. Where either status is one this version does not
    /// know, anything may happen, except after `completed` or `cancelled`.
    ///
    /// ```
    /// use deepwork_client::ProjectStatus::*;
    /// assert!(Planning.can_become(&AwaitingApproval));
    /// assert!(!Executing.can_become(&AwaitingApproval));
    /// assert!(Failed.can_become(&Cancelled));
    /// ```
    pub fn can_become(&self, status: &ProjectStatus) -> bool {
        use ProjectStatus::*;
        if self == status {
            return true;
        }
        let after: &[ProjectStatus] = match self {
            Completed | Cancelled => return false,
            Other(_) => return true,
            Planning => &[
                AwaitingApproval,
                Executing,
                Paused,
                Completed,
                Failed,
                Cancelled,
            ],
            AwaitingApproval => &[Executing, Paused, Completed, Cancelled],
            Executing | Paused => &[Executing, Paused, Completed, Cancelled],
            Draft | Approved | Failed => &[Cancelled],
        };
        after.contains(status) || matches!(status, Other(_))
    }
}

words! {
    /// Where a task is. Unknown values are kept as [`TaskStatus::Other`].
    ///
    /// ```
    /// use deepwork_client::TaskStatus;
    /// assert_eq!(TaskStatus::from("in_progress"), TaskStatus::InProgress);
    /// assert_eq!(TaskStatus::Blocked.as_str(), "blocked");
    /// ```
    TaskStatus {
        Inbox = "inbox",
        Assigned = "assigned",
        InProgress = "in_progress",
        Review = "review",
        Done = "done",
        Blocked = "blocked",
        Skipped = "skipped",
    }
}

words! {
    /// How urgent a task is. Unknown values are kept as [`TaskPriority::Other`].
    ///
    /// ```
    /// assert_eq!(deepwork_client::TaskPriority::from("urgent").as_str(), "urgent");
    /// ```
    TaskPriority {
        Low = "low",
        Medium = "medium",
        High = "high",
        Urgent = "urgent",
    }
}

words! {
    /// Who does a task: an agent, a human, or a reviewer. Unknown values are kept as
    /// [`TaskType::Other`].
    ///
    /// ```
    /// assert_eq!(deepwork_client::TaskType::from("human"), deepwork_client::TaskType::Human);
    /// ```
    TaskType {
        Agent = "agent",
        Human = "human",
        Review = "review",
    }
}

words! {
    /// How much research planning a new project does (`startProject`'s `researchDepth`).
    ///
    /// ```
    /// assert_eq!(deepwork_client::ResearchDepth::Auto.as_str(), "auto");
    /// ```
    ResearchDepth {
        Auto = "auto",
        None = "none",
        Quick = "quick",
        Standard = "standard",
        Deep = "deep",
    }
}

// The enum comes out of `words!`, which cannot mark a default variant.
#[allow(clippy::derivable_impls)]
impl Default for ResearchDepth {
    fn default() -> Self {
        Self::Auto
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn every_known_value_round_trips_and_unknown_ones_are_kept() {
        for (name, status) in ProjectStatus::KNOWN {
            assert_eq!(&ProjectStatus::from(*name), status);
            assert_eq!(status.as_str(), *name);
        }
        for (name, status) in TaskStatus::KNOWN {
            assert_eq!(&TaskStatus::from(*name), status);
            assert_eq!(status.as_str(), *name);
        }
        let newer = ProjectStatus::from("archived_v2");
        assert_eq!(newer, ProjectStatus::Other("archived_v2".into()));
        assert_eq!(newer.to_string(), "archived_v2");
        assert_eq!(TaskType::from("robot").as_str(), "robot");
    }

    #[test]
    fn terminal_statuses_are_the_three_of_the_contract() {
        let terminal: Vec<&str> = ProjectStatus::KNOWN
            .iter()
            .filter(|(_, s)| s.is_terminal())
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(terminal, ["completed", "failed", "cancelled"]);
    }

    #[test]
    fn statuses_move_only_forward_through_the_deep_work_routes() {
        use ProjectStatus::*;
        let reachable = |from: &ProjectStatus| -> Vec<&str> {
            ProjectStatus::KNOWN
                .iter()
                .filter(|(_, to)| to != from && from.can_become(to))
                .map(|(name, _)| *name)
                .collect()
        };
        assert_eq!(
            reachable(&Planning),
            [
                "awaiting_approval",
                "executing",
                "paused",
                "completed",
                "failed",
                "cancelled"
            ]
        );
        assert_eq!(
            reachable(&AwaitingApproval),
            ["executing", "paused", "completed", "cancelled"]
        );
        assert_eq!(reachable(&Executing), ["paused", "completed", "cancelled"]);
        assert_eq!(reachable(&Paused), ["executing", "completed", "cancelled"]);
        for one_way in [Draft, Approved, Failed] {
            assert_eq!(reachable(&one_way), ["cancelled"], "{one_way}");
        }
        for last in [Completed, Cancelled] {
            assert!(reachable(&last).is_empty(), "{last}");
            assert!(!last.can_become(&Other("archived".into())));
        }
        // What this version does not know may come from, or go to, anything else.
        let newer = Other("archived".into());
        assert!(newer.can_become(&AwaitingApproval));
        assert!(Executing.can_become(&newer));
        assert!(!Executing.can_become(&Planning));
    }
}
