//! The open project's plan, live: `watch_project` yields the plan at once and again each
//! time the project's status, a task's status or the progress changed; it ends by
//! itself once the project has ended.

use crate::actions::Actions;
use crate::connection::Client;
use crate::errors;
use crate::live::{self, Indicator};
use crate::row::{self, Row};
use deepwork_client::Plan;
use leptos::prelude::*;

/// Project `id`'s plan and its actions. Made anew for each project opened, so its
/// watch lives exactly as long as it is on the page.
#[component]
pub fn PlanView(client: Client, id: String) -> impl IntoView {
    let (plan, state) = live::watch(
        |options| client.with_value(|c| c.watch_project(&id, options)),
        |plan: Plan| plan,
    );
    let shown = move || plan.with(|p| live::value(p).is_some());
    let title = move || plan.with(|p| live::value(p).map(|p| p.project.title.clone()));
    let status =
        Signal::derive(move || plan.with(|p| live::value(p).map(|p| p.project.status.clone())));
    let status_name = move || status.get().map(|s| s.as_str().to_owned());
    let percent = move || plan.with(|p| live::value(p).map(|p| p.progress.percent));
    let tasks = move || plan.with(|plan| row::rows(plan, |plan| &plan.tasks));
    let section_id = id.clone();
    view! {
        <section
            id="plan-section"
            class="card"
            aria-labelledby="plan-heading"
            data-project-id=section_id
            data-status=status_name
        >
            <div class="card-head">
                <h2 id="plan-heading">{title}</h2>
                <Indicator state />
            </div>
            {move || plan.with(|p| live::error(p).map(errors::note))}
            <Show when=shown>
                <p class="progress">
                    <span class="status">{status_name}</span>
                    {move || percent().map(|p| format!(" · {p}% done"))}
                </p>
                <Actions client id=id.clone() status />
                <ol class="tasks">
                    <For each=tasks key=Row::clone let(task)>
                        <li data-task-id=task.id data-status=task.status.clone()>
                            <span class="title">{task.title}</span>
                            <span class="status">{task.status.clone()}</span>
                        </li>
                    </For>
                </ol>
            </Show>
        </section>
    }
}
