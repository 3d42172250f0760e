//! `switch-without-default`: a `switch` statement with no `default` label.

use super::super::kinds::fields;
use super::{text_of, Check, Cx, Values};
use tree_sitter::Node;

/// A `switch` statement with no `default` label. Like Checkstyle's
/// MissingSwitchDefault, switch expressions (which the compiler makes exhaustive)
/// and switches with pattern or `null` labels are not checked.
pub(super) struct SwitchWithoutDefault;

/// Parents that put a `switch` in statement position.
const STATEMENT_PARENTS: &[&str] = &[
    "block",
    "constructor_body",
    "switch_block_statement_group",
    "labeled_statement",
    "if_statement",
    "while_statement",
    "for_statement",
    "enhanced_for_statement",
    "do_statement",
    "program",
];

impl Check for SwitchWithoutDefault {
    fn kinds(&self) -> &'static [&'static str] {
        &["switch_expression"]
    }
    fn values(&self) -> &'static [&'static str] {
        &[]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let text = cx.text;
        if !cx
            .ancestor(0)
            .is_some_and(|p| STATEMENT_PARENTS.contains(&p.kind()))
        {
            return;
        }
        let Some(body) = cx.child(node, fields().body) else {
            return;
        };
        let mut cursor = body.walk();
        for group in body.named_children(&mut cursor) {
            let mut gc = group.walk();
            for label in group
                .named_children(&mut gc)
                .filter(|c| c.kind() == "switch_label")
            {
                let label_text = text_of(label, text);
                if label_text.starts_with("default") {
                    return;
                }
                let mut lc = label.walk();
                let special = label.named_children(&mut lc).any(|c| {
                    matches!(
                        c.kind(),
                        "pattern" | "type_pattern" | "record_pattern" | "null_literal"
                    ) || (c.kind() == "identifier" && text_of(c, text) == "default")
                });
                if special || label_text.contains("default") {
                    return;
                }
            }
        }
        let keyword = node.child(0).unwrap_or(node);
        emit(keyword, &[]);
    }
}
