//! `unused-import`: single-type and static imports whose name the file never
//! uses, and imports of `java.lang` classes, like Checkstyle's `UnusedImports`
//! with its defaults: a Javadoc `{@link}`, `{@linkplain}`, `{@value}`, `@see`,
//! `@throws` or `@exception` whose reference starts with the name (`Map` in
//! `{@link Map.Entry}`, not in `{@link java.util.Map}`) or names it as a
//! parameter type counts as a use.

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
        let (Some(first), Some(last)) = (imports.first(), imports.last()) else {
            return;
        };
        // Javadoc before the package declaration (in `package-info.java`) counts.
        let header = node
            .named_child(0)
            .filter(|c| c.kind() == "package_declaration")
            .unwrap_or(*first);
        let regions = [&text[..header.start_byte()], &text[last.end_byte()..]];
        // The simple names the imports bring in; the scan below looks for those.
        let mut names: Vec<(Node, &str, &str, bool)> = Vec::with_capacity(imports.len());
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
            let (package, name) = path.rsplit_once('.').unwrap_or(("", path));
            names.push((import, path, name, package == "java.lang"));
        }
        let wanted: Vec<&str> = names.iter().map(|(_, _, name, _)| *name).collect();
        let mut used = vec![false; wanted.len()];
        for region in regions {
            used_words(region, &wanted, &mut used);
        }
        for ((import, path, _, java_lang), used) in names.into_iter().zip(used) {
            // A `java.lang` class needs no import: Checkstyle reports it as unused.
            if !used || java_lang {
                emit(import, &[("import", path.to_string())]);
            }
        }
    }
}

/// Marks in `found` which of `wanted` occur as identifiers in code (not in
/// strings, character literals or comments) or in Javadoc references. One pass
/// that stops when all are found; no set of every word.
fn used_words(code: &str, wanted: &[&str], found: &mut [bool]) {
    let mut missing = found.iter().filter(|f| !**f).count();
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
}

/// The names a Javadoc reference uses, as Checkstyle reads it: the first
/// segment of the class name it starts with and of each parameter type
/// (`{@link Map.Entry#get(Object)}` gives Map and Object; a qualified
/// `{@link java.util.Map}` gives only `java`). Returns true, stopping early, when
/// `mark` says every name is found.
fn javadoc_references(comment: &str, mark: &mut dyn FnMut(&str) -> bool) -> bool {
    let is_name = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    // One pass over the `@`s: each tag is looked for where an `@` is.
    for (at, _) in comment.match_indices('@') {
        let inline = at > 0 && comment.as_bytes()[at - 1] == b'{';
        let after = &comment[at..];
        let tag = ["@linkplain", "@link", "@value"]
            .into_iter()
            .filter(|_| inline)
            .chain(["@see", "@throws", "@exception"])
            .find(|t| {
                after.starts_with(t) && after[t.len()..].starts_with(|c: char| c.is_whitespace())
            });
        let Some(tag) = tag else {
            continue;
        };
        // The reference may start on the next line, after its leading `*`.
        let reference =
            after[tag.len()..].trim_start_matches(|c: char| c.is_whitespace() || c == '*');
        // Inline: up to the `}`; block: up to the end of a parameter list, or a space.
        let end = if inline {
            reference.find('}')
        } else if reference
            .split_whitespace()
            .next()
            .is_some_and(|w| w.contains('('))
        {
            reference.find(')').map(|close| close + 1)
        } else {
            reference.find(char::is_whitespace)
        };
        let reference = &reference[..end.unwrap_or(reference.len())];
        let first = reference.split(|c: char| !is_name(c)).next();
        let arguments = reference.match_indices(['(', ',']).filter_map(|(i, _)| {
            reference[i + 1..]
                .trim_start()
                .split(|c: char| !is_name(c))
                .next()
        });
        for name in first.into_iter().chain(arguments).filter(|n| !n.is_empty()) {
            if mark(name) {
                return true;
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
