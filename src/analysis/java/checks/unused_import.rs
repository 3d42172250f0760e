//! `unused-import`: single-type and static imports whose name the file never
//! uses, like Checkstyle's `UnusedImports` with its defaults: a reference in a Javadoc `{@link}`, `{@linkplain}`, `{@value}`, `@see`,
//! `@throws` or `@exception` counts as a use.

use super::{text_of, Check, Values};
use std::collections::HashSet;
use tree_sitter::Node;

pub(super) struct UnusedImport;

impl Check for UnusedImport {
    fn kinds(&self) -> &'static [&'static str] {
        &["program"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["import"]
    }
    fn check<'t>(&self, node: Node<'t>, text: &str, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let mut cursor = node.walk();
        let imports: Vec<Node> = node
            .named_children(&mut cursor)
            .filter(|c| c.kind() == "import_declaration")
            .collect();
        let Some(last) = imports.last() else {
            return;
        };
        let used = used_words(&text[last.end_byte()..]);
        for import in imports {
            let mut c = import.walk();
            let parts: Vec<Node> = import.named_children(&mut c).collect();
            if parts.iter().any(|p| p.kind() == "asterisk") {
                continue;
            }
            let Some(path) = parts
                .iter()
                .find(|p| matches!(p.kind(), "scoped_identifier" | "identifier"))
            else {
                continue;
            };
            let path = text_of(*path, text);
            let name = path.rsplit_once('.').map_or(path, |(_, name)| name);
            if used.contains(name) {
                continue;
            }
            emit(import, &[("import", path.to_string())]);
        }
    }
}

/// Identifiers in code (not in strings, character literals or comments), plus
/// those in Javadoc references.
fn used_words(code: &str) -> HashSet<&str> {
    let bytes = code.as_bytes();
    let mut words = HashSet::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            i = find(bytes, i, b"\n");
        } else if b == b'/' && bytes.get(i + 1) == Some(&b'*') {
            let end = find(bytes, i + 2, b"*/");
            if bytes.get(i + 2) == Some(&b'*') {
                javadoc_references(&code[i..end], &mut words);
            }
            i = end;
        } else if bytes[i..].starts_with(b"\"\"\"") {
            i = skip_quoted(bytes, i + 3, b"\"\"\"");
        } else if b == b'"' || b == b'\'' {
            i = skip_quoted(bytes, i + 1, &[b]);
        } else if is_word_start(b) {
            let start = i;
            while i < bytes.len() && is_word_byte(bytes[i]) {
                i += 1;
            }
            words.insert(&code[start..i]);
        } else {
            i += 1;
        }
    }
    words
}

/// Words after the Javadoc tags that refer to types, up to the end of the
/// reference (`{@link Map.Entry#get(Object)}` gives Map, Entry, get, Object).
fn javadoc_references<'a>(comment: &'a str, words: &mut HashSet<&'a str>) {
    for tag in [
        "{@link ",
        "{@linkplain ",
        "{@value ",
        "@see ",
        "@throws ",
        "@exception ",
    ] {
        let mut rest = comment;
        while let Some(at) = rest.find(tag) {
            rest = &rest[at + tag.len()..];
            let reference = rest.trim_start();
            let mut end = reference
                .find(|c: char| c.is_whitespace() || c == '}')
                .unwrap_or(reference.len());
            // A method's parameter list may contain spaces: take it whole.
            if reference[..end].contains('(') && !reference[..end].contains(')') {
                if let Some(close) = reference.find(')') {
                    end = close + 1;
                }
            }
            let reference = &reference[..end];
            reference
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .filter(|w| !w.is_empty())
                .for_each(|w| {
                    words.insert(w);
                });
        }
    }
}

fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'$' || b >= 0x80
}

fn is_word_byte(b: u8) -> bool {
    is_word_start(b) || b.is_ascii_digit()
}

/// Index just past `end` (or the end of the text), searching from `from`.
fn find(bytes: &[u8], from: usize, end: &[u8]) -> usize {
    bytes[from.min(bytes.len())..]
        .windows(end.len())
        .position(|w| w == end)
        .map_or(bytes.len(), |p| from + p + end.len())
}

/// Index just past the closing `quote`, honouring backslash escapes.
fn skip_quoted(bytes: &[u8], mut i: usize, quote: &[u8]) -> usize {
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            i += 2;
        } else if bytes[i..].starts_with(quote) {
            return i + quote.len();
        } else if quote.len() == 1 && bytes[i] == b'\n' {
            // An unterminated literal ends at the line's end.
            return i;
        } else {
            i += 1;
        }
    }
    bytes.len()
}
