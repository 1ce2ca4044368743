//! String helpers that keep the wasm module small. core's substring search and integer
//! formatting each pull in kilobytes of searcher and panic-message code; these plain
//! loops do the same for the short strings the SDK handles.

/// The byte offset of the first `needle` in `haystack`.
pub fn find(haystack: &str, needle: &str) -> Option<usize> {
    let (hay, pat) = (haystack.as_bytes(), needle.as_bytes());
    if pat.is_empty() {
        return Some(0);
    }
    // A match of valid UTF-8 in valid UTF-8 always starts on a char boundary.
    hay.windows(pat.len()).position(|window| window == pat)
}

/// The byte offset of the last `needle` in `haystack`.
pub fn rfind(haystack: &str, needle: &str) -> Option<usize> {
    let (hay, pat) = (haystack.as_bytes(), needle.as_bytes());
    if pat.is_empty() {
        return Some(hay.len());
    }
    hay.windows(pat.len()).rposition(|window| window == pat)
}

/// `text` with every `needle` replaced by `with`.
pub fn replace_all(text: &str, needle: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = find(rest, needle).filter(|_| !needle.is_empty()) {
        out.push_str(rest.get(..at).unwrap_or_default());
        out.push_str(with);
        rest = rest.get(at + needle.len()..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// Appends `n` in decimal.
pub fn push_decimal(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    let mut n = n;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 || len == digits.len() {
            break;
        }
    }
    for &digit in digits.get(..len).unwrap_or_default().iter().rev() {
        out.push(char::from(digit));
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn find_matches_str_find() {
        for (hay, needle) in [
            ("abc", "b"),
            ("abc", "d"),
            ("", "a"),
            ("a", ""),
            ("ééx", "x"),
            ("aaab", "ab"),
            ("abab", "ab"),
            ("ab", "abc"),
        ] {
            assert_eq!(find(hay, needle), hay.find(needle), "{hay:?} {needle:?}");
            assert_eq!(rfind(hay, needle), hay.rfind(needle), "{hay:?} {needle:?}");
        }
    }

    #[test]
    fn replace_all_matches_str_replace() {
        for (text, needle, with) in [
            ("a-b-c", "-", "+"),
            ("tok tok", "tok", "[x]"),
            ("none", "z", "y"),
            ("", "a", "b"),
            ("aaa", "aa", "b"),
            ("x", "", "y"),
        ] {
            let expected = if needle.is_empty() {
                text.to_owned()
            } else {
                text.replace(needle, with)
            };
            assert_eq!(replace_all(text, needle, with), expected, "{text:?}");
        }
    }

    #[test]
    fn push_decimal_matches_to_string() {
        for n in [0, 7, 10, 429, 30_000, u64::from(u32::MAX), u64::MAX] {
            let mut s = String::from("x");
            push_decimal(&mut s, n);
            assert_eq!(s, format!("x{n}"));
        }
    }
}
