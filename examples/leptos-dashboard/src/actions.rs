//! Approve, pause, resume and cancel: each a Leptos `Action` over the client's call.

use crate::connection::Client;
use crate::errors;
use deepwork_client::{DeepWorkClient, Error, Project, ProjectStatus};
use leptos::prelude::*;

#[derive(Clone, Copy)]
enum Verb {
    Approve,
    Pause,
    Resume,
    Cancel,
}

impl Verb {
    const ALL: [Verb; 4] = [Verb::Approve, Verb::Pause, Verb::Resume, Verb::Cancel];

    fn label(self) -> &'static str {
        match self {
            Verb::Approve => "Approve",
            Verb::Pause => "Pause",
            Verb::Resume => "Resume",
            Verb::Cancel => "Cancel",
        }
    }

    /// Whether the call makes sense in `status`: other buttons are disabled. (The server
    /// still decides; a project that moved meanwhile gets an `invalid_state` error.)
    fn offered(self, status: &ProjectStatus) -> bool {
        match self {
            Verb::Approve => *status == ProjectStatus::AwaitingApproval,
            Verb::Pause => *status == ProjectStatus::Executing,
            Verb::Resume => *status == ProjectStatus::Paused,
            Verb::Cancel => !matches!(status, ProjectStatus::Completed | ProjectStatus::Cancelled),
        }
    }

    async fn call(self, client: &DeepWorkClient, id: &str) -> Result<Project, Error> {
        match self {
            Verb::Approve => client.approve_project(id).await,
            Verb::Pause => client.pause_project(id).await,
            Verb::Resume => client.resume_project(id).await,
            Verb::Cancel => client.cancel_project(id).await,
        }
    }
}

/// The buttons that fit project `id`'s `status`, and the outcome of the last one.
///
/// `Action::new_local`: the call's future and its `Result<Project, Error>` are not
/// `Send` (they hold `JsValue`s), so the action runs them on this thread.
#[component]
pub fn Actions(client: Client, id: String, status: Signal<Option<ProjectStatus>>) -> impl IntoView {
    let act = Action::new_local(move |verb: &Verb| {
        let (client, id, verb) = (client.get_value(), id.clone(), *verb);
        async move { verb.call(&client, &id).await }
    });
    let outcome = move || {
        act.value().with(|value| match value.as_ref()? {
            Ok(project) => Some(
                view! {
                    <p class="done" data-outcome="done">
                        {format!("{} is now {}.", project.title, project.status)}
                    </p>
                }
                .into_any(),
            ),
            Err(error) => Some(errors::note(error).into_any()),
        })
    };
    view! {
        <div class="actions">
            {Verb::ALL
                .map(|verb| {
                    let unavailable = move || {
                        let offered = status.with(|s| s.as_ref().is_some_and(|s| verb.offered(s)));
                        act.pending().get() || !offered
                    };
                    view! {
                        <button type="button" disabled=unavailable on:click=move |_| {
                            act.dispatch_local(verb);
                        }>{verb.label()}</button>
                    }
                })}
        </div>
        <div class="outcome" aria-live="polite">{outcome}</div>
    }
}
