//! The project list, live: `watch_projects` yields the list at once and again each time
//! a project appears, goes, or changes its status or title.

use crate::connection::Client;
use crate::errors;
use crate::live::{self, Indicator};
use crate::row::{self, Row};
use deepwork_client::{ProjectFilter, ProjectListUpdate};
use leptos::prelude::*;

/// The list; a row's button opens its plan (sets `selected`).
#[component]
pub fn ProjectList(client: Client, selected: RwSignal<Option<String>>) -> impl IntoView {
    let (list, state) = live::watch(
        |options| client.with_value(|c| c.watch_projects(&ProjectFilter::new(), options)),
        |update: ProjectListUpdate| update.list,
    );
    let rows = move || list.with(|list| row::rows(list, |list| &list.projects));
    let count = move || list.with(|list| live::value(list).map(|list| list.count));
    view! {
        <section id="projects-section" class="card" aria-labelledby="projects-heading">
            <div class="card-head">
                <h2 id="projects-heading">"Projects"</h2>
                <Indicator state />
            </div>
            <p id="projects-count" data-count=count>
                {move || count().map(|n| format!("{n} projects"))}
            </p>
            {move || list.with(|list| live::error(list).map(errors::note))}
            <ul id="projects">
                <For each=rows key=Row::clone let(row)>
                    <ProjectRow row selected />
                </For>
            </ul>
        </section>
    }
}

#[component]
fn ProjectRow(row: Row, selected: RwSignal<Option<String>>) -> impl IntoView {
    let Row { id, title, status } = row;
    let open = {
        let id = id.clone();
        move |_| selected.set(Some(id.clone()))
    };
    let is_open = {
        let id = id.clone();
        move || selected.with(|s| s.as_ref() == Some(&id)).to_string()
    };
    view! {
        <li data-project-id=id data-status=status.clone()>
            <button type="button" aria-pressed=is_open on:click=open>
                {title}
            </button>
            <span class="status">{status.clone()}</span>
        </li>
    }
}
