//! What each line of a Java, Kotlin or Rust source file holds, as far as coverage
//! cares: nothing, only comments, code no coverage tool measures (braces, imports,
//! annotations), or code. It tells a report built from other sources (one that marks
//! comment lines as code) and counts the code lines of a file no report lists. A
//! line scan, not a parser: it knows just enough of the three languages' lexical
//! grammar (strings, text blocks, raw strings, char literals, nested block comments)
//! not to take a `//` inside a string for a comment.

/// Which lexical grammar a file follows, by its extension; `None` for a language
/// whose comments this scan does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    /// `/* */` does not nest; `"""` text blocks.
    Java,
    /// `/* */` nests; `"""` raw strings.
    Kotlin,
    /// `/* */` nests; `r#"…"#` raw strings; `'a` lifetimes.
    Rust,
}

impl Syntax {
    pub(crate) fn of(path: &str) -> Option<Syntax> {
        match path.rsplit_once('.')?.1 {
            "java" => Some(Syntax::Java),
            "kt" | "kts" => Some(Syntax::Kotlin),
            "rs" => Some(Syntax::Rust),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineKind {
    Blank,
    /// Only comment text, `*` continuation lines of a block comment included.
    Comment,
    /// Code no tool measures: only braces and punctuation (`});`), an `import`,
    /// `package` or `use` declaration, an annotation or attribute alone.
    Declaration,
    Code,
}

/// Where the scan is when a line ends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Normal,
    /// Inside a block comment, this deep.
    Comment(u32),
    /// Inside a string that spans lines: a Java text block or Kotlin raw string
    /// (`"""`), a Rust string (which may span lines) or raw string with `hashes`.
    Text,
    RustString {
        raw: bool,
        hashes: usize,
    },
}

/// The kind of every line of `text`, in order (line 1 first).
pub(crate) fn classify(text: &str, syntax: Syntax) -> Vec<LineKind> {
    let mut state = State::Normal;
    // A Rust `use` declaration spanning lines, until its `;`.
    let mut in_use = false;
    let mut kinds = Vec::new();
    for line in text.lines() {
        let b = line.as_bytes();
        let mut code = Vec::with_capacity(b.len());
        let mut comment = false;
        // A line that starts or ends inside a string is code, even if blank.
        let mut in_string = !matches!(state, State::Normal | State::Comment(_));
        let mut i = 0;
        while i < b.len() {
            match state {
                State::Comment(depth) => {
                    comment = true;
                    if b[i..].starts_with(b"*/") {
                        state = if depth > 1 {
                            State::Comment(depth - 1)
                        } else {
                            State::Normal
                        };
                        i += 2;
                    } else if syntax != Syntax::Java && b[i..].starts_with(b"/*") {
                        state = State::Comment(depth + 1);
                        i += 2;
                    } else {
                        i += 1;
                    }
                }
                State::Text => {
                    if syntax == Syntax::Java && b[i] == b'\\' {
                        i += 2;
                    } else if b[i..].starts_with(b"\"\"\"") {
                        state = State::Normal;
                        i += 3;
                    } else {
                        i += 1;
                    }
                }
                State::RustString { raw, hashes } => {
                    if !raw && b[i] == b'\\' {
                        i += 2;
                    } else if b[i] == b'"'
                        && b[i + 1..].iter().take_while(|&&c| c == b'#').count() >= hashes
                    {
                        state = State::Normal;
                        i += 1 + hashes;
                    } else {
                        i += 1;
                    }
                }
                State::Normal => {
                    let c = b[i];
                    if b[i..].starts_with(b"//") {
                        comment = true;
                        break;
                    }
                    if b[i..].starts_with(b"/*") {
                        comment = true;
                        state = State::Comment(1);
                        i += 2;
                        continue;
                    }
                    code.push(c);
                    i = match c {
                        b'"' if syntax != Syntax::Rust && b[i..].starts_with(b"\"\"\"") => {
                            code.extend_from_slice(b"\"\"");
                            state = State::Text;
                            i + 3
                        }
                        b'"' => match syntax {
                            Syntax::Rust => {
                                state = State::RustString {
                                    raw: false,
                                    hashes: 0,
                                };
                                i + 1
                            }
                            _ => {
                                let end = string_end(b, i + 1);
                                code.extend_from_slice(&b[i + 1..end]);
                                end
                            }
                        },
                        b'r' if syntax == Syntax::Rust && starts_raw(b, i) => {
                            let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                            if b.get(i + 1 + hashes) == Some(&b'"') {
                                state = State::RustString { raw: true, hashes };
                                i + 2 + hashes
                            } else {
                                i + 1
                            }
                        }
                        b'\'' => char_end(b, i, syntax),
                        _ => i + 1,
                    };
                }
            }
        }
        if !matches!(state, State::Normal | State::Comment(_)) {
            in_string = true;
        }
        let code = String::from_utf8_lossy(&code);
        let code = code.trim();
        let kind = if code.is_empty() && !in_string {
            if comment || matches!(state, State::Comment(_)) {
                LineKind::Comment
            } else {
                LineKind::Blank
            }
        } else if in_use || (!in_string && is_declaration(code, syntax)) {
            if syntax == Syntax::Rust && is_use(code) {
                in_use = !code.ends_with(';');
            } else if in_use && code.contains(';') {
                in_use = false;
            }
            LineKind::Declaration
        } else {
            LineKind::Code
        };
        kinds.push(kind);
    }
    kinds
}

/// After the opening quote of a one-line string at `i`: past its closing quote (or
/// the end of the line, for an unterminated one).
fn string_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// At a `'`: past a char literal (`'x'`, `'\n'`, `'\u0041'`, `'"'`); in Rust, past
/// the quote alone for a lifetime or label (`'a`, `'static`).
fn char_end(b: &[u8], i: usize, syntax: Syntax) -> usize {
    let close = |from: usize| {
        b.get(from..)
            .and_then(|rest| rest.iter().position(|&c| c == b'\''))
            .map(|p| from + p + 1)
    };
    match b.get(i + 1) {
        Some(b'\\') => close(i + 3).unwrap_or(b.len()),
        Some(_) if syntax != Syntax::Rust => close(i + 2).unwrap_or(b.len()),
        Some(&c) => {
            // One character, maybe several bytes long, then a quote; else a lifetime.
            let len = match c {
                0x00..=0x7f => 1,
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                _ => 4,
            };
            if b.get(i + 1 + len) == Some(&b'\'') {
                i + 2 + len
            } else {
                i + 1
            }
        }
        None => b.len(),
    }
}

/// Whether the `r` at `i` can open a raw string: it starts a token, or follows the
/// `b` or `c` of `br"…"`, `cr"…"` (`bar"` is no raw string).
fn starts_raw(b: &[u8], i: usize) -> bool {
    let ident = |j: usize| b[j] == b'_' || b[j].is_ascii_alphanumeric();
    i == 0 || !ident(i - 1) || (matches!(b[i - 1], b'b' | b'c') && (i == 1 || !ident(i - 2)))
}

/// A line's code (comments removed, trimmed) that no coverage tool measures.
fn is_declaration(code: &str, syntax: Syntax) -> bool {
    let punctuation = |c: u8| c.is_ascii_punctuation() && c != b'"' && c != b'\'';
    if code
        .bytes()
        .all(|c| punctuation(c) || c.is_ascii_whitespace())
    {
        return true;
    }
    match syntax {
        Syntax::Java | Syntax::Kotlin => {
            ["import ", "package "].iter().any(|k| code.starts_with(k)) || annotations_only(code)
        }
        Syntax::Rust => {
            is_use(code)
                || ((code.starts_with("#[") || code.starts_with("#![")) && code.ends_with(']'))
        }
    }
}

/// `use …`, `pub use …`, `pub(crate) use …`, `extern crate …`.
fn is_use(code: &str) -> bool {
    let rest = match code.strip_prefix("pub") {
        Some(r) if r.starts_with('(') => r.split_once(')').map_or("", |(_, r)| r),
        Some(r) if r.starts_with(' ') => r,
        _ => code,
    };
    let rest = rest.trim_start();
    rest.starts_with("use ") || rest.starts_with("extern crate ")
}

/// `@Override`, `@SuppressWarnings("x") @Deprecated`, `@field:Json(name = "a")`.
fn annotations_only(code: &str) -> bool {
    let b = code.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'@' {
            return false;
        }
        i += 1;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'.' | b':')) {
            i += 1;
        }
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b.get(i) == Some(&b'(') {
            let mut depth = 0usize;
            while i < b.len() {
                match b[i] {
                    b'(' => depth += 1,
                    b')' => depth -= 1,
                    b'"' => i = string_end(b, i + 1) - 1,
                    _ => {}
                }
                i += 1;
                if depth == 0 {
                    break;
                }
            }
        }
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::LineKind::{Blank, Code, Comment, Declaration};
    use super::*;

    #[test]
    fn java_comments_strings_and_declarations() {
        let text = r#"package com.example;

import java.util.List;
/**
 * Javadoc.
 *
 */
@Deprecated
@SuppressWarnings("a)b") @Override
public class A { // trailing comment
    String s = "/* not a comment"; /* a comment */
    char q = '"';
    String url = "http://x"; // "
    /* one */ /* two */
    int x = 1; /* starts
       ends */ int y = 2;
    String t = """
        // inside a text block

        """;
    }
  });
"#;
        assert_eq!(
            classify(text, Syntax::Java),
            [
                Declaration,
                Blank,
                Declaration,
                Comment,
                Comment,
                Comment,
                Comment,
                Declaration,
                Declaration,
                Code,
                Code,
                Code,
                Code,
                Comment,
                Code,
                Code,
                Code,
                Code,
                Code,
                Code,
                Declaration,
                Declaration,
            ]
        );
    }

    #[test]
    fn java_block_comments_do_not_nest_kotlin_and_rust_ones_do() {
        let text = "/* a /* b */\nint x;\n*/\n";
        assert_eq!(classify(text, Syntax::Java), [Comment, Code, Declaration]);
        assert_eq!(classify(text, Syntax::Kotlin), [Comment, Comment, Comment]);
        assert_eq!(classify(text, Syntax::Rust), [Comment, Comment, Comment]);
    }

    #[test]
    fn rust_strings_raw_strings_lifetimes_and_use_declarations() {
        let text = r##"use std::{
    fmt,
    io,
};
pub(crate) use crate::x;
#[derive(Debug)]
fn f<'a>(s: &'a str) -> char {
    let r = r#"// "not" a comment
/* still the string */
"#;
    let s = "spans

lines";
    let c = '"'; // a comment
    'x'
}
"##;
        assert_eq!(
            classify(text, Syntax::Rust),
            [
                Declaration,
                Declaration,
                Declaration,
                Declaration,
                Declaration,
                Declaration,
                Code,
                Code,
                Code,
                Code,
                Code,
                Code,
                Code,
                Code,
                Code,
                Declaration,
            ]
        );
    }

    #[test]
    fn kotlin_raw_strings_and_use_site_annotations() {
        let text = "@field:Json(name = \"a\")\nval s = \"\"\"\n  // text\n\"\"\"\n";
        assert_eq!(
            classify(text, Syntax::Kotlin),
            [Declaration, Code, Code, Code]
        );
        assert_eq!(Syntax::of("a/B.kt"), Some(Syntax::Kotlin));
        assert_eq!(Syntax::of("a/b.py"), None);
    }
}
