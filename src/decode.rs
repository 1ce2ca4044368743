//! Decoding answers into the serde types of `crate::model`: in the browser from the
//! `JsValue` that `Response.json()` produced (serde-wasm-bindgen), in native tests from
//! JSON text (serde_json). Either way a wrong shape becomes an [`Invalid`] that names
//! the field path and what was expected, never the value that was found: a server that
//! echoes the token must not get it into an error message.
//!
//! serde's messages say what was expected but not where. The model's fields are read
//! through `named_fields!` functions that put the field's name in front of an error
//! from inside them, so the message of a nested error spells its path. (A generic path
//! tracker, serde_path_to_error, wraps every visitor and cost 6 KiB gzipped.)

use serde::de::{self, DeserializeOwned, Deserializer};
use std::fmt::{self, Display};
use wasm_bindgen::JsValue;

/// Separates the field names that `named_fields!` puts in front of a message. A field
/// name is an identifier, so the names end where a segment is not one.
const STEP: char = '\u{1f}';

/// Defines, in a module `$module`, one deserialize function per field, for
/// `#[serde(deserialize_with = "$module::field")]`: it reads the field's type and puts
/// the field's name in front of an error.
macro_rules! named_fields {
    ($module:ident { $($name:ident: $ty:ty),* $(,)? }) => {
        pub(crate) mod $module {
            #[allow(unused_imports)]
            use super::*;
            $(
                pub fn $name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
                    <$ty as serde::Deserialize>::deserialize(d)
                        .map_err(|e| $crate::decode::in_field(stringify!($name), e))
                }
            )*
        }
    };
}
pub(crate) use named_fields;

/// `error`, as raised inside the field `name`.
#[cold]
pub(crate) fn in_field<E: de::Error>(name: &'static str, error: E) -> E {
    struct InField<'a, E>(&'static str, &'a E);
    impl<E: Display> Display for InField<'_, E> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{}{STEP}{}", self.0, message_of(self.1))
        }
    }
    E::custom(InField(name, &error))
}

/// Why a 2xx answer cannot be trusted; its message goes into an `invalid_response` error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid(String);

impl Invalid {
    /// What is wrong, at `path` (`"project.status"`; empty for the whole body).
    pub fn at(path: &str, problem: &str) -> Self {
        let mut message = String::from("The server's answer broke the API contract: ");
        message.push_str(if path.is_empty() { "the body" } else { path });
        message.push_str(": ");
        message.push_str(problem);
        Self(message)
    }

    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub fn message(&self) -> &str {
        &self.0
    }

    pub fn into_message(self) -> String {
        self.0
    }
}

/// Decodes a `T` from any serde deserializer, tracking the field path.
pub fn decode<'de, D, T>(deserializer: D) -> Result<T, Invalid>
where
    D: Deserializer<'de>,
    D::Error: Display,
    T: DeserializeOwned,
{
    T::deserialize(deserializer).map_err(|error| {
        let message = message_of(&error);
        let message = message.as_str();
        // "project\u{1f}status\u{1f}invalid type: …" is at the path "project.status".
        let mut path = String::new();
        let mut rest = message;
        while let Some((name, after)) = rest.split_once(STEP) {
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                break;
            }
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(name);
            rest = after;
        }
        Invalid::at(&path, problem(rest))
    })
}

/// An error's message. serde-wasm-bindgen's errors are JS errors, whose text starts
/// with their class name: that is not part of the message, nor of the path.
fn message_of(error: &impl Display) -> String {
    let text = error.to_string();
    match text.strip_prefix("Error: ") {
        Some(message) => message.to_owned(),
        None => text,
    }
}

/// Decodes a `T` from parsed JSON in the browser.
pub fn from_js<T: DeserializeOwned>(value: &JsValue) -> Result<T, Invalid> {
    decode(serde_wasm_bindgen::Deserializer::from(value.clone()))
}

/// The part of a serde error message that says what was expected, without what was
/// found: "invalid type: string \"…\", expected a sequence" becomes "expected a
/// sequence". Messages that carry no value ("missing field `id`") are kept. serde_json's
/// " at line 1 column 5" is dropped.
fn problem(message: &str) -> &str {
    let message = match crate::text::rfind(message, " at line ") {
        Some(at) => message.get(..at).unwrap_or(message),
        None => message,
    };
    match crate::text::rfind(message, "expected ") {
        Some(at) => message.get(at..).unwrap_or(message),
        None if message.starts_with("missing field") => message,
        None => "not what the API sends",
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub mod tests {
    use super::*;

    /// Decodes JSON text, as the browser path decodes parsed JSON.
    pub fn from_text<T: DeserializeOwned>(text: &str) -> Result<T, Invalid> {
        decode(&mut serde_json::Deserializer::from_str(text))
    }

    #[test]
    fn problems_keep_what_was_expected_and_drop_what_was_found() {
        assert_eq!(
            problem("invalid type: string \"s3cret\", expected a sequence at line 1 column 9"),
            "expected a sequence"
        );
        assert_eq!(
            problem("invalid type: floating point `1.5`, expected a string"),
            "expected a string"
        );
        assert_eq!(
            problem("invalid type: string \"x, expected y\", expected a string"),
            "expected a string"
        );
        assert_eq!(
            problem("missing field `team_agent_ids` at line 1 column 2"),
            "missing field `team_agent_ids`"
        );
        assert_eq!(problem("s3cret"), "not what the API sends");
    }

    #[test]
    fn messages_name_the_path() {
        assert_eq!(
            Invalid::at("project.status", "expected a string").message(),
            "The server's answer broke the API contract: project.status: expected a string"
        );
        assert_eq!(
            Invalid::at("", "expected an object").message(),
            "The server's answer broke the API contract: the body: expected an object"
        );
    }
}
