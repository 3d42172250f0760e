//! Syntax highlighting for the code viewer: a small lexer for Java and Rust
//! that knows only what colours a line (comments, string and character
//! literals, keywords, annotations, macros, lifetimes), line by line with the
//! state a line leaves for the next (a block comment, a text block, a Rust
//! string). Tokens become elements that read well even without the stylesheet
//! (a Jenkins page's policy blocks it): `<b>` keyword, `<i>` comment, `<kbd>`
//! literal, `<var>` annotation, macro or lifetime. Everything is escaped.

use super::escape_into;
use crate::model::Language;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Code,
    /// Inside `/* … */`; Rust nests them, so the depth.
    Comment(u32),
    /// Inside a Java text block `""" … """`.
    TextBlock,
    /// Inside a Rust string that spans lines; raw strings close on `"` and this many `#`.
    RustString {
        raw: Option<usize>,
    },
}

pub(super) struct Highlighter {
    language: Option<Language>,
    state: State,
}

const JAVA: &[&str] = &[
    "abstract",
    "assert",
    "boolean",
    "break",
    "byte",
    "case",
    "catch",
    "char",
    "class",
    "const",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extends",
    "false",
    "final",
    "finally",
    "float",
    "for",
    "goto",
    "if",
    "implements",
    "import",
    "instanceof",
    "int",
    "interface",
    "long",
    "native",
    "new",
    "null",
    "package",
    "permits",
    "private",
    "protected",
    "public",
    "record",
    "return",
    "sealed",
    "short",
    "static",
    "strictfp",
    "super",
    "switch",
    "synchronized",
    "this",
    "throw",
    "throws",
    "transient",
    "true",
    "try",
    "var",
    "void",
    "volatile",
    "while",
    "yield",
];

const RUST: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while",
];

impl Highlighter {
    /// A highlighter for a file; `None` (another language) only escapes.
    pub(super) fn new(language: Option<Language>) -> Highlighter {
        Highlighter {
            language,
            state: State::Code,
        }
    }

    /// Appends `line` (without its line end) highlighted and escaped.
    pub(super) fn line(&mut self, line: &str, out: &mut String) {
        let Some(language) = self.language else {
            escape_into(out, line);
            return;
        };
        let rust = language == Language::Rust;
        let b = line.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match self.state {
                State::Comment(depth) => {
                    let (end, state) = comment_end(line, i, depth, rust);
                    wrap(out, "i", &line[i..end]);
                    i = end;
                    self.state = state;
                }
                State::TextBlock => {
                    let end = find_close(line, i, "\"\"\"").map_or(b.len(), |e| e + 3);
                    if end <= b.len() && line[i..end].ends_with("\"\"\"") {
                        self.state = State::Code;
                    }
                    wrap(out, "kbd", &line[i..end]);
                    i = end;
                }
                State::RustString { raw } => {
                    let (end, closed) = rust_string_end(line, i, raw);
                    wrap(out, "kbd", &line[i..end]);
                    i = end;
                    if closed {
                        self.state = State::Code;
                    }
                }
                State::Code => {
                    let rest = &line[i..];
                    let c = b[i];
                    if rest.starts_with("//") {
                        wrap(out, "i", rest);
                        i = b.len();
                    } else if rest.starts_with("/*") {
                        let (end, state) = comment_end(line, i + 2, 1, rust);
                        wrap(out, "i", &line[i..end]);
                        i = end;
                        self.state = state;
                    } else if !rust && rest.starts_with("\"\"\"") {
                        self.state = State::TextBlock;
                        let end = find_close(line, i + 3, "\"\"\"").map_or(b.len(), |e| {
                            self.state = State::Code;
                            e + 3
                        });
                        wrap(out, "kbd", &line[i..end]);
                        i = end;
                    } else if c == b'"' {
                        if rust {
                            let (end, closed) = rust_string_end(line, i + 1, None);
                            if !closed {
                                self.state = State::RustString { raw: None };
                            }
                            wrap(out, "kbd", &line[i..end]);
                            i = end;
                        } else {
                            let end = quoted_end(line, i + 1, b'"');
                            wrap(out, "kbd", &line[i..end]);
                            i = end;
                        }
                    } else if rust && raw_string_start(rest).is_some() {
                        let (open, hashes) = raw_string_start(rest).unwrap_or_default();
                        let (end, closed) = rust_string_end(line, i + open, Some(hashes));
                        if !closed {
                            self.state = State::RustString { raw: Some(hashes) };
                        }
                        wrap(out, "kbd", &line[i..end]);
                        i = end;
                    } else if c == b'\'' {
                        let end = char_literal_end(line, i, rust);
                        match end {
                            Some(end) => wrap(out, "kbd", &line[i..end]),
                            None => {
                                // A Rust lifetime or label: `'a`, `'static`.
                                let end = ident_end(b, i + 1);
                                wrap(out, "var", &line[i..end.max(i + 1)]);
                                i = end.max(i + 1);
                                continue;
                            }
                        }
                        i = end.unwrap_or(b.len());
                    } else if c == b'@' && !rust && b.get(i + 1).is_some_and(|&n| is_ident_start(n))
                    {
                        let end = ident_end(b, i + 1);
                        wrap(out, "var", &line[i..end]);
                        i = end;
                    } else if is_ident_start(c) {
                        let end = ident_end(b, i);
                        let word = &line[i..end];
                        let keywords = if rust { RUST } else { JAVA };
                        if keywords.contains(&word) {
                            wrap(out, "b", word);
                        } else if rust && b.get(end) == Some(&b'!') && b.get(end + 1) != Some(&b'=')
                        {
                            wrap(out, "var", &line[i..end + 1]);
                            i = end + 1;
                            continue;
                        } else {
                            escape_into(out, word);
                        }
                        i = end;
                    } else {
                        // One character (whole, for non-ASCII text).
                        let len = rest.chars().next().map_or(1, char::len_utf8);
                        escape_into(out, &rest[..len]);
                        i += len;
                    }
                }
            }
        }
    }
}

fn wrap(out: &mut String, tag: &str, text: &str) {
    out.push('<');
    out.push_str(tag);
    out.push('>');
    escape_into(out, text);
    out.push_str("</");
    out.push_str(tag);
    out.push('>');
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c >= 0x80
}

/// The end of the identifier at `i`: ASCII word characters and any non-ASCII
/// (always whole characters, since UTF-8 continuation bytes are ≥ 0x80).
fn ident_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (is_ident_start(b[i]) || b[i].is_ascii_digit()) {
        i += 1;
    }
    i
}

/// Where `needle` starts at or after `from`.
fn find_close(line: &str, from: usize, needle: &str) -> Option<usize> {
    line[from..].find(needle).map(|p| from + p)
}

/// The end of a block comment's text on this line, and the state after it.
fn comment_end(line: &str, mut i: usize, mut depth: u32, rust: bool) -> (usize, State) {
    let b = line.as_bytes();
    while i < b.len() {
        if b[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return (i, State::Code);
            }
        } else if rust && b[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else {
            i += 1;
        }
    }
    (b.len(), State::Comment(depth))
}

/// The end of a one-line literal opened before `i`, past its closing `quote`
/// (a backslash escapes the next character), or the line's end.
fn quoted_end(line: &str, mut i: usize, quote: u8) -> usize {
    let b = line.as_bytes();
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// `r"`, `r#"`, `br##"`: the length of the opening and the number of `#`.
fn raw_string_start(rest: &str) -> Option<(usize, usize)> {
    let after = rest.strip_prefix("br").or_else(|| rest.strip_prefix('r'))?;
    let hashes = after.bytes().take_while(|&c| c == b'#').count();
    (after.as_bytes().get(hashes) == Some(&b'"'))
        .then(|| (rest.len() - after.len() + hashes + 1, hashes))
}

/// The end of a Rust string's text on this line and whether it closed there.
fn rust_string_end(line: &str, mut i: usize, raw: Option<usize>) -> (usize, bool) {
    let b = line.as_bytes();
    while i < b.len() {
        match (b[i], raw) {
            (b'\\', None) => i += 2,
            (b'"', None) => return (i + 1, true),
            (b'"', Some(n)) if b[i + 1..].iter().take(n).filter(|&&c| c == b'#').count() == n => {
                return (i + 1 + n, true)
            }
            _ => i += 1,
        }
    }
    (b.len(), false)
}

/// A character literal at `i` (`'x'`, `'\n'`, `'\u{1F600}'`), or `None` when the
/// quote opens a Rust lifetime.
fn char_literal_end(line: &str, i: usize, rust: bool) -> Option<usize> {
    let rest = &line[i + 1..];
    if rest.starts_with('\\') {
        return Some(quoted_end(line, i + 1, b'\''));
    }
    let c = rest.chars().next()?;
    if rest[c.len_utf8()..].starts_with('\'') {
        return Some(i + 1 + c.len_utf8() + 1);
    }
    (!rust).then(|| quoted_end(line, i + 1, b'\''))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(language: Language, text: &str) -> Vec<String> {
        let mut h = Highlighter::new(Some(language));
        text.lines()
            .map(|l| {
                let mut out = String::new();
                h.line(l, &mut out);
                out
            })
            .collect()
    }

    #[test]
    fn java_tokens_and_a_comment_over_lines() {
        assert_eq!(
            lines(
                Language::Java,
                "@Override public int f(String s) { /* a <b>\n still */ return s == \"</pre>\" ? 'x' : 1; } // &"
            ),
            [
                "<var>@Override</var> <b>public</b> <b>int</b> f(String s) { <i>/* a &lt;b&gt;</i>",
                "<i> still */</i> <b>return</b> s == <kbd>&quot;&lt;/pre&gt;&quot;</kbd> ? <kbd>&#39;x&#39;</kbd> : 1; } <i>// &amp;</i>",
            ]
        );
    }

    #[test]
    fn java_text_blocks_span_lines() {
        assert_eq!(
            lines(Language::Java, "s = \"\"\"\n  <x>\n  \"\"\"; int"),
            [
                "s = <kbd>&quot;&quot;&quot;</kbd>",
                "<kbd>  &lt;x&gt;</kbd>",
                "<kbd>  &quot;&quot;&quot;</kbd>; <b>int</b>",
            ]
        );
    }

    #[test]
    fn rust_lifetimes_macros_raw_strings_and_nested_comments() {
        assert_eq!(
            lines(
                Language::Rust,
                "fn f<'a>(x: &'a str) { println!(r#\"a\"b\"#); let c = '\\n'; }\n/* /* */ still */ \"two\nlines\" != x"
            ),
            [
                "<b>fn</b> f&lt;<var>&#39;a</var>&gt;(x: &amp;<var>&#39;a</var> str) { <var>println!</var>(<kbd>r#&quot;a&quot;b&quot;#</kbd>); <b>let</b> c = <kbd>&#39;\\n&#39;</kbd>; }",
                "<i>/* /* */ still */</i> <kbd>&quot;two</kbd>",
                "<kbd>lines&quot;</kbd> != x",
            ]
        );
    }

    #[test]
    fn other_files_are_only_escaped() {
        let mut h = Highlighter::new(None);
        let mut out = String::new();
        h.line("if <script>", &mut out);
        assert_eq!(out, "if &lt;script&gt;");
    }
}
