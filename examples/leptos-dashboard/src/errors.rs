//! An error as a person reads it. What to say is chosen by `Error::kind()`, the SDK's
//! closed set of cases, never by parsing the message; `data-kind` carries the kind's
//! name for styles and tests.

use deepwork_client::{Error, ErrorKind};
use leptos::prelude::*;

/// The error's kind, what it means here, and the server's own words when it sent some.
/// A function of `&Error`, not a component: it copies out the strings it shows, so the
/// view keeps nothing that is not `Send`.
pub fn note(error: &Error) -> impl IntoView {
    let kind = error.kind().as_str();
    let detail = error
        .detail()
        .map(|detail| format!("The server said: {detail}"));
    view! {
        <div class="error" role="alert" data-kind=kind>
            <p><strong>{kind}</strong>": "{explain(error)}</p>
            {detail.map(|detail| view! { <p class="hint">{detail}</p> })}
        </div>
    }
}

fn explain(error: &Error) -> String {
    match error.kind() {
        ErrorKind::Unauthorized => "the server did not accept the token.".into(),
        ErrorKind::NotFound => "this project no longer exists.".into(),
        ErrorKind::InvalidState => match error.current_status() {
            Some(status) => format!("not possible while the project is {status}."),
            None => "not possible in the project's status.".into(),
        },
        ErrorKind::Network => "no answer from the server. Is it running?".into(),
        ErrorKind::Timeout => "the server did not answer in time.".into(),
        ErrorKind::RateLimited => "too many requests; try again in a moment.".into(),
        ErrorKind::Server => "the server failed; try again.".into(),
        // ErrorKind is non_exhaustive: the SDK's message covers the rest, and new kinds.
        _ => error.message().to_owned(),
    }
}
