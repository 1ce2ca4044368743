//! A live dashboard of Deep Work projects in Leptos (client-side rendering), built only
//! on deepwork-client's Rust API. Each module has one job:
//!
//! - `connection`: the server and token, taken from the page as the JS demo takes them;
//! - `live`: following a watch (a `Stream`) from a component, and showing its state;
//! - `projects`: the project list, live;
//! - `plan`: the selected project's plan, live;
//! - `actions`: approve, pause, resume and cancel;
//! - `errors`: an error as a person reads it, chosen by its kind;
//! - `row`: what a row of the list or of a plan shows.

mod actions;
mod connection;
mod errors;
mod live;
mod plan;
mod projects;
mod row;

use connection::Client;
use deepwork_client::DeepWorkClient;
use leptos::prelude::*;

fn main() {
    // A panic says where in the console instead of "unreachable executed".
    console_error_panic_hook::set_once();
    mount_to_body(App);
}

/// The page: the dashboard once there is a token, the token form until then.
#[component]
fn App() -> impl IntoView {
    let token = RwSignal::new(connection::token_from_page());
    view! {
        <header class="masthead">
            <h1>"Deep Work"</h1>
            <p>"Projects, live: a Leptos app on deepwork-client's Rust API."</p>
        </header>
        <main>
            {move || match token.get() {
                Some(token) => view! { <Dashboard token /> }.into_any(),
                None => view! { <connection::TokenForm token /> }.into_any(),
            }}
        </main>
    }
}

/// The list and the open plan, on one client.
#[component]
fn Dashboard(token: String) -> impl IntoView {
    let client = match DeepWorkClient::new(&connection::base_url(), &token) {
        Ok(client) => Client::new_local(client),
        Err(error) => return errors::note(&error).into_any(),
    };
    let selected = RwSignal::new(None::<String>);
    view! {
        <div class="columns">
            <projects::ProjectList client selected />
            // A new PlanView for each project opened: the old one's cleanup stops its watch.
            {move || selected.get().map(|id| view! { <plan::PlanView client id /> })}
        </div>
    }
    .into_any()
}
