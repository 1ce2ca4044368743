//! The bearer token: checked once, then kept only as the Authorization header value.

/// Longest token accepted, in bytes: servers reject headers far shorter than a URL.
const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// Checks a token and returns the `Authorization` header value. Messages never
/// repeat the token: it is a secret.
pub fn authorization(token: &str) -> Result<String, &'static str> {
    if token.is_empty() {
        return Err("token must be a non-empty string");
    }
    if token.len() >= 7
        && token
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("bearer "))
    {
        return Err("token must be the bare token, without the \"Bearer \" prefix");
    }
    if token.len() > MAX_TOKEN_BYTES {
        return Err("token is too long (more than 8 KiB)");
    }
    // Visible ASCII only: anything else is not a bearer token, and CR/LF could
    // smuggle another header.
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("token contains characters that cannot be sent in an HTTP header (spaces, control or non-ASCII characters)");
    }
    let mut value = String::with_capacity(token.len() + 7);
    value.push_str("Bearer ");
    value.push_str(token);
    Ok(value)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn a_plain_token_becomes_a_bearer_header() {
        assert_eq!(
            authorization("abc.DEF-123_~+/=").as_deref(),
            Ok("Bearer abc.DEF-123_~+/=")
        );
    }

    #[test]
    fn rejects_tokens_that_cannot_go_in_a_header_without_echoing_them() {
        for token in [
            "",
            "a b",
            "secret\r\nX-Evil: 1",
            "tab\t",
            "nul\0",
            "ünïcode",
            "Bearer secret",
            "bearer secret",
        ] {
            let message = authorization(token).expect_err(token);
            if !token.is_empty() {
                assert!(!message.contains(token), "{message}");
            }
        }
        assert!(authorization(&"t".repeat(MAX_TOKEN_BYTES + 1)).is_err());
        assert!(authorization(&"t".repeat(MAX_TOKEN_BYTES)).is_ok());
    }
}
