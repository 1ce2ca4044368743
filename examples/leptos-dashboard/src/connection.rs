//! Where the dashboard's server and token come from, as in the JS demo
//! (www/connection.js): the server is the page's own origin (the devserver serves the
//! page beside the API); the token comes once from the URL's fragment, `#token=…`
//! (browsers never send a fragment to a server), is then taken out of the address bar,
//! and is kept in this tab's sessionStorage only, so that a reload keeps it.

use deepwork_client::DeepWorkClient;
use leptos::prelude::*;
use web_sys::UrlSearchParams;

/// The client as components share it: a `Copy` handle to a value that stays on this
/// thread. The client holds `Rc`s and `JsValue`s, so it is not `Send`, and Leptos'
/// thread-safe storage (`StoredValue::new`, `provide_context`) would not take it.
pub type Client = StoredValue<DeepWorkClient, LocalStorage>;

const TOKEN_KEY: &str = "deepwork-leptos-dashboard.token";

/// The page's origin, e.g. `http://127.0.0.1:8000`.
pub fn base_url() -> String {
    window().location().origin().unwrap_or_default()
}

/// The token from the fragment (then removed from the address bar and remembered), or
/// the one this tab remembered.
pub fn token_from_page() -> Option<String> {
    let location = window().location();
    let hash = location.hash().unwrap_or_default();
    let fragment = UrlSearchParams::new_with_str(hash.trim_start_matches('#')).ok()?;
    match fragment.get("token") {
        Some(token) => {
            fragment.delete("token");
            let rest = String::from(fragment.to_string());
            let path = location.pathname().unwrap_or_default();
            let search = location.search().unwrap_or_default();
            let hash = if rest.is_empty() {
                rest
            } else {
                format!("#{rest}")
            };
            if let Ok(history) = window().history() {
                let state = history.state().unwrap_or_default();
                let _ = history.replace_state_with_url(
                    &state,
                    "",
                    Some(&format!("{path}{search}{hash}")),
                );
            }
            remember(&token);
            Some(token)
        }
        None => session_storage()?.get_item(TOKEN_KEY).ok().flatten(),
    }
}

/// Keeps the token for this tab; where storage is disabled, only this page has it.
fn remember(token: &str) {
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(TOKEN_KEY, token);
    }
}

fn session_storage() -> Option<web_sys::Storage> {
    window().session_storage().ok().flatten()
}

/// Asks for a token when the page was opened without one.
#[component]
pub fn TokenForm(token: RwSignal<Option<String>>) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let value = input.get().map(|field| field.value()).unwrap_or_default();
        if !value.is_empty() {
            remember(&value);
            token.set(Some(value));
        }
    };
    view! {
        <form class="card token" on:submit=submit>
            <label for="token">"Token"</label>
            <input id="token" type="password" required autocomplete="off" node_ref=input />
            <button type="submit">"Connect"</button>
            <p class="hint">
                "Open the URL that " <code>"cargo xtask demo --rust"</code>
                " prints: it carries the token in its fragment."
            </p>
        </form>
    }
}
