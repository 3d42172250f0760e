//! `unused-import`: single-type and static imports whose name the file never
//! uses, and imports of `java.lang` classes, like Checkstyle's `UnusedImports`
//! with its defaults: a Javadoc `{@link}`, `{@linkplain}`, `{@value}`, `@see`,
//! `@throws` or `@exception` whose reference starts with the name (`Map` in
//! `{@link Map.Entry}`, not in `{@link java.util.Map}`) or names it as a
//! parameter type counts as a use.

//!
//! Read on the engine's walk: the imports come first, then every identifier
//! and Javadoc comment marks the names it uses, and the end of the file
//! reports those never marked.

use super::super::kinds::kinds;
use super::{text_of, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct UnusedImport;

/// What the walk has read of the file so far.
#[derive(Default)]
struct Imports {
    /// By simple name once code follows the imports (for a binary search).
    names: Vec<Import>,
    sorted: bool,
    /// How many are not yet marked.
    unused: usize,
    /// The first bytes and lengths of the names: most words are neither,
    /// and are passed over without a search.
    firsts: [u64; 4],
    lengths: u64,
    /// Where the package declaration, or else the first import, starts.
    header: Option<usize>,
    /// Where the last import ends.
    end: usize,
    /// Javadoc comments (byte ranges), read at the end of the file: those
    /// before the header or after the imports count.
    javadocs: Vec<(usize, usize)>,
}

struct Import {
    /// What it imports (`java.util.List`), for the message.
    path: Box<str>,
    /// The simple name it brings in (`List`).
    name: Box<str>,
    /// Where the import declaration starts, to find it again at the end.
    start: usize,
    /// A `java.lang` class needs no import: Checkstyle reports it as unused.
    java_lang: bool,
    used: bool,
}

impl Imports {
    fn add(&mut self, import: Import) {
        let first = import.name.as_bytes().first().copied().unwrap_or(0);
        self.firsts[usize::from(first >> 6)] |= 1 << (first & 63);
        self.lengths |= 1 << import.name.len().min(63);
        self.unused += 1;
        self.names.push(import);
        self.sorted = false;
    }

    /// Marks the imports named `word`.
    fn mark(&mut self, word: &str) {
        let Some(&first) = word.as_bytes().first() else {
            return;
        };
        if self.unused == 0
            || self.firsts[usize::from(first >> 6)] & (1 << (first & 63)) == 0
            || self.lengths & (1 << word.len().min(63)) == 0
        {
            return;
        }
        if !self.sorted {
            self.names.sort_by(|a, b| a.name.cmp(&b.name));
            self.sorted = true;
        }
        let from = self.names.partition_point(|i| &*i.name < word);
        for import in self.names[from..].iter_mut() {
            if &*import.name != word {
                break;
            }
            if !import.used {
                import.used = true;
                self.unused -= 1;
            }
        }
    }
}

impl Check for UnusedImport {
    fn kinds(&self) -> &'static [&'static str] {
        &[
            "package_declaration",
            "import_declaration",
            "identifier",
            "type_identifier",
            "block_comment",
        ]
    }
    fn exit_kinds(&self) -> &'static [&'static str] {
        &["program"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["import"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, _: &mut dyn FnMut(Node<'t>, Values)) {
        let k = kinds();
        let id = cx.kind;
        let mut imports = cx.memory::<Imports>();
        if id == k.identifier || id == k.type_identifier {
            // Not the names in the package and import declarations themselves.
            if imports.unused == 0
                || cx.ancestors.get(1).is_some_and(|d| {
                    d.kind_id() == k.import_declaration || d.kind_id() == k.package_declaration
                })
            {
                return;
            }
            imports.mark(text_of(node, cx.text));
        } else if id == k.block_comment {
            if text_of(node, cx.text).starts_with("/**") {
                imports.javadocs.push((node.start_byte(), node.end_byte()));
            }
        } else {
            imports.header.get_or_insert(node.start_byte());
            if id == k.import_declaration {
                imports.end = node.end_byte();
                if let Some(path) = imported_path(node, cx.text) {
                    let (package, name) = path.rsplit_once('.').unwrap_or(("", path));
                    imports.add(Import {
                        path: path.into(),
                        name: name.into(),
                        start: node.start_byte(),
                        java_lang: package == "java.lang",
                        used: false,
                    });
                }
            }
        }
    }
    fn exit<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let mut imports = cx.memory::<Imports>();
        if imports.names.is_empty() {
            return;
        }
        let header = imports.header.unwrap_or(0);
        for (start, end) in std::mem::take(&mut imports.javadocs) {
            if imports.unused > 0 && (end <= header || start >= imports.end) {
                javadoc_references(&cx.text[start..end], &mut |name| imports.mark(name));
            }
        }
        let mut cursor = node.walk();
        for declaration in node.named_children(&mut cursor) {
            let Some(import) = imports
                .names
                .iter()
                .find(|i| i.start == declaration.start_byte())
            else {
                continue;
            };
            if !import.used || import.java_lang {
                emit(declaration, &[("import", import.path.to_string())]);
            }
        }
    }
}

/// The path a single-type or static import names (`java.util.List`); none
/// for `.*`.
fn imported_path<'a>(import: Node, text: &'a str) -> Option<&'a str> {
    let k = kinds();
    let mut cursor = import.walk();
    let parts: Vec<Node> = import.named_children(&mut cursor).collect();
    if parts.iter().any(|p| p.kind() == "asterisk") {
        return None;
    }
    let path = parts
        .iter()
        .find(|p| p.kind_id() == k.scoped_identifier || p.kind_id() == k.identifier)?;
    Some(text_of(*path, text))
}

/// The names a Javadoc reference uses, as Checkstyle reads it: the first
/// segment of the class name it starts with and of each parameter type
/// (`{@link Map.Entry#get(Object)}` gives Map and Object; a qualified
/// `{@link java.util.Map}` gives only `java`).
fn javadoc_references(comment: &str, mark: &mut dyn FnMut(&str)) {
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
            mark(name);
        }
    }
}
