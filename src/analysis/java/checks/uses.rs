//! The uses of a name, found from its text: the name is searched as a word in
//! its scope's source and each occurrence is confirmed on the tree (an
//! identifier, not a word in a comment or a string). Most names are used soon
//! after they are declared, so the search usually stops at its first hit; no
//! table of every identifier in the file is built.

use super::super::kinds::{fields, kinds};
use super::{modifiers_of, text_of};
use tree_sitter::{Node, TreeCursor};

/// Whether an identifier `name` in `scope`'s bytes `from..to` satisfies
/// `is_use`, which sees the path from `scope` down to the identifier
/// (the identifier last). `backwards` searches from `to` down: the nearest
/// occurrences first when the uses are likely above.
pub(super) fn any_use<'t>(
    scope: Node<'t>,
    (from, to): (usize, usize),
    backwards: bool,
    name: &str,
    text: &str,
    mut is_use: impl FnMut(&[Node<'t>]) -> bool,
) -> bool {
    let bytes = text.as_bytes();
    let is_word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$' || *b >= 0x80;
    let Some(region) = text.get(from..to) else {
        return false;
    };
    let mut cursor = scope.walk();
    let mut path = Vec::with_capacity(32);
    let (region, name) = (region.as_bytes(), name.as_bytes());
    // Backwards, the occurrences are found forwards and read in reverse: the
    // forward search is vectorised, the reverse one reads byte by byte.
    let offsets: Box<dyn Iterator<Item = usize>> = if backwards {
        let all: Vec<usize> = memchr::memmem::find_iter(region, name).collect();
        Box::new(all.into_iter().rev())
    } else {
        Box::new(memchr::memmem::find_iter(region, name))
    };
    for offset in offsets {
        let start = from + offset;
        let end = start + name.len();
        if start
            .checked_sub(1)
            .and_then(|i| bytes.get(i))
            .is_some_and(is_word)
            || bytes.get(end).is_some_and(is_word)
        {
            continue;
        }
        descend(scope, start, &mut cursor, &mut path);
        let leaf = path[path.len() - 1];
        if leaf.kind_id() == kinds().identifier
            && leaf.start_byte() == start
            && leaf.end_byte() == end
            && is_use(&path)
        {
            return true;
        }
    }
    false
}

/// The path from `scope` down to the deepest node that starts at or before
/// `byte` and contains it. `path` may hold the path to an earlier byte: the
/// descent starts from the deepest node of it that contains `byte` too (the
/// occurrences of a name are often in the same method).
fn descend<'t>(
    scope: Node<'t>,
    byte: usize,
    cursor: &mut TreeCursor<'t>,
    path: &mut Vec<Node<'t>>,
) {
    if path.first() != Some(&scope) {
        path.clear();
        path.push(scope);
    }
    while path.len() > 1
        && path
            .last()
            .is_some_and(|n| !(n.start_byte() <= byte && byte < n.end_byte()))
    {
        path.pop();
    }
    cursor.reset(path[path.len() - 1]);
    while cursor.goto_first_child_for_byte(byte).is_some() {
        let node = cursor.node();
        if node.start_byte() > byte {
            break;
        }
        path.push(node);
    }
}

/// The identifier spanning `start..end` under `scope`.
pub(super) fn identifier_at(scope: Node, start: usize, end: usize) -> Option<Node> {
    let mut path = Vec::new();
    descend(scope, start, &mut scope.walk(), &mut path);
    path.pop().filter(|leaf| {
        leaf.kind_id() == kinds().identifier && leaf.start_byte() == start && leaf.end_byte() == end
    })
}

/// The identifier at the end of `path` is the `field` child of its parent of
/// kind `kind`.
pub(super) fn is_child(path: &[Node], kind: u16, field: u16) -> bool {
    let [.., parent, leaf] = path else {
        return false;
    };
    parent.kind_id() == kind
        && parent
            .child_by_field_id(field)
            .is_some_and(|c| c.id() == leaf.id())
}

/// The identifier at the end of `path` names a declaration (a variable,
/// parameter or method), not a use.
pub(super) fn is_declaration(path: &[Node]) -> bool {
    let (k, f) = (kinds(), fields());
    [
        k.variable_declarator,
        k.formal_parameter,
        k.method_declaration,
    ]
    .into_iter()
    .any(|kind| is_child(path, kind, f.name))
}

/// The identifier at the end of `path` (alone, or as `this.name`) is only
/// written, its value never looked at, like PMD counts: the target of `=`,
/// or of `+=` and the like, `++` and `--` in a statement of their own
/// (`count++;`); `return count++` reads it.
pub(super) fn is_write(path: &[Node]) -> bool {
    let (k, f) = (kinds(), fields());
    let target = if is_child(path, k.field_access, f.field) {
        &path[..path.len() - 1]
    } else {
        path
    };
    let [.., outer, parent, _] = target else {
        return false;
    };
    let statement = outer.kind_id() == k.expression_statement;
    if is_child(target, k.assignment_expression, f.left) {
        return statement
            || parent
                .child_by_field_id(f.operator)
                .is_some_and(|o| o.kind_id() == k.assign);
    }
    parent.kind_id() == k.update_expression && statement
}

/// What a declaration's modifiers say to the unused-* checks.
pub(super) struct Modifiers {
    pub private: bool,
    /// An annotation keeps the declaration even if unused: any annotation but
    /// `@SuppressWarnings`, which keeps it only when it names `"unused"`.
    /// Frameworks use annotated members by reflection.
    pub kept: bool,
}

pub(super) fn modifiers(declaration: Node, text: &str) -> Modifiers {
    let (k, f) = (kinds(), fields());
    let mut found = Modifiers {
        private: false,
        kept: false,
    };
    let Some(modifiers) = modifiers_of(declaration) else {
        return found;
    };
    for m in (0..modifiers.child_count()).filter_map(|i| modifiers.child(i)) {
        let id = m.kind_id();
        if id == k.annotation || id == k.marker_annotation {
            let name = m.child_by_field_id(f.name).map_or("", |n| text_of(n, text));
            let suppress = name == "SuppressWarnings" || name == "java.lang.SuppressWarnings";
            found.kept |= !suppress || text_of(m, text).contains("\"unused\"");
        } else if id == k.private {
            found.private = true;
        }
    }
    found
}
