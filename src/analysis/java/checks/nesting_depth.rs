//! `nesting-depth`: `if`, `for`, `while`, `do`, `switch` and `try` nested more
//! than `max` deep, like SonarJava's S134: an `else if` continues its `if`
//! rather than nesting in it, and only the statement one level too deep is
//! reported (not every statement below it). A class body or a lambda starts
//! afresh: its code runs elsewhere.

use super::super::kinds::{fields, kinds};
use super::{Along, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct NestingDepth {
    pub max: i64,
}

fn is_control(id: u16) -> bool {
    let k = kinds();
    [
        k.if_statement,
        k.for_statement,
        k.enhanced_for_statement,
        k.while_statement,
        k.do_statement,
        k.switch_expression,
        k.try_statement,
        k.try_with_resources_statement,
    ]
    .contains(&id)
}

fn is_boundary(id: u16) -> bool {
    let k = kinds();
    id == k.class_body
        || id == k.enum_body
        || id == k.interface_body
        || id == k.annotation_type_body
        || id == k.lambda_expression
}

/// `node` is the `else if` of `parent`.
fn is_else_if(node: Node, parent: Option<Node>) -> bool {
    node.kind_id() == kinds().if_statement
        && parent.is_some_and(|p| {
            p.kind_id() == kinds().if_statement
                && p.child_by_field_id(fields().alternative)
                    .is_some_and(|a| a.id() == node.id())
        })
}

impl Check for NestingDepth {
    fn kinds(&self) -> &'static [&'static str] {
        &[
            "if_statement",
            "for_statement",
            "enhanced_for_statement",
            "while_statement",
            "do_statement",
            "switch_expression",
            "try_statement",
            "try_with_resources_statement",
        ]
    }
    fn values(&self) -> &'static [&'static str] {
        &["max"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        if is_else_if(node, cx.ancestor(0)) {
            return;
        }
        // Per ancestor: the statements nesting it since the last boundary.
        let ancestors = cx.ancestors;
        let mut along = cx.memory::<Along<i64>>();
        let nesting = along.of(ancestors, |above, i, n| {
            let parent = i.checked_sub(1).map(|p| ancestors[p]);
            if is_boundary(n.kind_id()) {
                0
            } else {
                above.unwrap_or(0) + i64::from(is_control(n.kind_id()) && !is_else_if(n, parent))
            }
        });
        let depth = 1 + nesting.last().copied().unwrap_or(0);
        if depth == self.max + 1 {
            let keyword = node.child(0).unwrap_or(node);
            emit(keyword, &[("max", self.max.to_string())]);
        }
    }
}
