//! `deprecated-without-javadoc`: `@Deprecated` on a declaration whose Javadoc has
//! no `@deprecated` tag saying why and what to use instead.

use super::super::kinds::fields;
use super::{text_of, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct DeprecatedWithoutJavadoc;

/// Declarations that can carry Javadoc (not parameters or locals).
const DOCUMENTED: &[&str] = &[
    "class_declaration",
    "interface_declaration",
    "enum_declaration",
    "record_declaration",
    "annotation_type_declaration",
    "method_declaration",
    "constructor_declaration",
    "field_declaration",
    "constant_declaration",
    "enum_constant",
    "annotation_type_element_declaration",
];

impl Check for DeprecatedWithoutJavadoc {
    fn kinds(&self) -> &'static [&'static str] {
        &["marker_annotation", "annotation"]
    }
    fn values(&self) -> &'static [&'static str] {
        &[]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let text = cx.text;
        if !cx
            .child(node, fields().name)
            .is_some_and(|n| matches!(text_of(n, text), "Deprecated" | "java.lang.Deprecated"))
        {
            return;
        }
        let Some(declaration) = cx
            .ancestor(0)
            .filter(|m| m.kind() == "modifiers")
            .and(cx.ancestor(1))
            .filter(|d| DOCUMENTED.contains(&d.kind()))
        else {
            return;
        };
        // Like Checkstyle, only documented declarations are checked: with no
        // Javadoc at all there is no tag to miss.
        if javadoc_of(declaration, text).is_some_and(|doc| !has_deprecated_tag(doc)) {
            emit(node, &[]);
        }
    }
}

/// The `/** … */` just before the declaration, past other comments.
fn javadoc_of<'a>(declaration: Node, text: &'a str) -> Option<&'a str> {
    let mut previous = declaration.prev_sibling();
    while let Some(p) = previous {
        let comment = text_of(p, text);
        match p.kind() {
            "block_comment" if comment.starts_with("/**") => return Some(comment),
            "block_comment" | "line_comment" => previous = p.prev_sibling(),
            _ => return None,
        }
    }
    None
}

/// `@deprecated` as a block tag: at the start of a Javadoc line.
fn has_deprecated_tag(javadoc: &str) -> bool {
    javadoc.lines().any(|line| {
        line.trim_start()
            .trim_start_matches(['/', '*'])
            .trim_start()
            .starts_with("@deprecated")
    })
}
