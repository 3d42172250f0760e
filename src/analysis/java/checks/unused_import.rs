//! `unused-import`: single-type and static imports whose name the file never
//! uses, like Checkstyle's `UnusedImports` with its defaults: a reference in a Javadoc `{@link}`, `{@linkplain}`, `{@value}`, `@see`,
//! `@throws` or `@exception` counts as a use.

use super::{text_of, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct UnusedImport;

impl Check for UnusedImport {
    fn kinds(&self) -> &'static [&'static str] {
        &["program"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["import"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let text = cx.text;
        let mut cursor = node.walk();
        let imports: Vec<Node> = node
            .named_children(&mut cursor)
            .filter(|c| c.kind() == "import_declaration")
            .collect();
        let Some(code_start) = imports.last().map(|last| last.end_byte()) else {
            return;
        };
        // The simple names the imports bring in; the scan below looks for those.
        let mut names: Vec<(Node, &str, &str)> = Vec::with_capacity(imports.len());
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
            names.push((import, path, name));
        }
        let wanted: Vec<&str> = names.iter().map(|(_, _, name)| *name).collect();
        let used = used_words(&text[code_start..], &wanted);
        for ((import, path, _), used) in names.into_iter().zip(used) {
            if !used {
                emit(import, &[("import", path.to_string())]);
            }
        }
    }
}

/// Which of `wanted` occur as identifiers in code (not in strings, character
/// literals or comments) or in Javadoc references. One pass that stops when
/// all are found; no set of every word.
fn used_words(code: &str, wanted: &[&str]) -> Vec<bool> {
    let mut found = vec![false; wanted.len()];
    let mut missing = wanted.len();
    let mut mark = |word: &str| {
        for (i, w) in wanted.iter().enumerate() {
            if !found[i] && *w == word {
                found[i] = true;
                missing -= 1;
            }
        }
        missing == 0
    };
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            i = find(bytes, i, b"\n");
        } else if b == b'/' && bytes.get(i + 1) == Some(&b'*') {
            let end = find(bytes, i + 2, b"*/");
            if bytes.get(i + 2) == Some(&b'*') && javadoc_references(&code[i..end], &mut mark) {
                break;
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
            if mark(&code[start..i]) {
                break;
            }
        } else {
            i += 1;
        }
    }
    found
}

/// Words after the Javadoc tags that refer to types, up to the end of the
/// reference (`{@link Map.Entry#get(Object)}` gives Map, Entry, get, Object).
/// Returns true, stopping early, when `mark` says every name is found.
fn javadoc_references(comment: &str, mark: &mut dyn FnMut(&str) -> bool) -> bool {
    // One pass over the `@`s: each tag is looked for where an `@` is.
    for (at, _) in comment.match_indices('@') {
        let inline = at > 0 && comment.as_bytes()[at - 1] == b'{';
        let after = &comment[at..];
        let tag = ["@link ", "@linkplain ", "@value "]
            .into_iter()
            .filter(|_| inline)
            .chain(["@see ", "@throws ", "@exception "])
            .find(|t| after.starts_with(t));
        if let Some(tag) = tag {
            let rest = &after[tag.len()..];
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
            for w in reference
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .filter(|w| !w.is_empty())
            {
                if mark(w) {
                    return true;
                }
            }
        }
    }
    false
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
