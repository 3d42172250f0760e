//! The little XML the JUnit and Checkstyle reports need: escaping that keeps any
//! path or message well-formed. XML 1.0 forbids most control characters even
//! escaped, so they become U+FFFD; in attributes, line breaks and tabs are written
//! as character references because parsers would otherwise turn them into spaces.
//! What the console would escape (DEL, C1 controls, line separators, invisible
//! characters, `##[`) is written as character references too: the same data, and
//! nothing a CI reading the printed report could act on (see [`crate::console`]).

/// Escapes `s` for element text.
pub(crate) fn text(s: &str) -> String {
    escape(s, false)
}

/// Escapes `s` for a double-quoted attribute value.
pub(crate) fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c if crate::console::needs_escape(c) => out.push_str(&format!("&#x{:X};", c as u32)),
            c => out.push(c),
        }
    }
    if out.contains("##[") {
        out = out.replace("##[", "#&#35;[");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_quotes_breaks_and_control_characters() {
        assert_eq!(
            attr("a<b>&\"c\"\nd\te\r\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&quot;&#10;d&#9;e&#13;\u{FFFD}"
        );
        assert_eq!(text("a<b>\"c\"\n\u{0}"), "a&lt;b&gt;\"c\"\n\u{FFFD}");
        assert_eq!(
            text("a\u{2028}\u{85}\u{202e}##[x"),
            "a&#x2028;&#x85;&#x202E;#&#35;[x"
        );
    }
}
