//! `string-identity-comparison`: `==`/`!=` between strings.

use super::super::kinds::{fields, kinds};
use super::{
    text_of,
    types::{declared_type, field_type, is_string_type},
    Check, Cx, Values,
};
use tree_sitter::Node;

/// `==`/`!=` where an operand is a `String` by what the file itself says: a string
/// literal or text block, a name declared `String` in scope (local, parameter,
/// field, `var` with a string initialiser), or a call of a `String` method that
/// returns a new string. Comparisons with `null` and `intern()`ed values are fine.
pub(super) struct StringIdentityComparison;

const STRING_RETURNING: &[&str] = &[
    "toString",
    "trim",
    "strip",
    "substring",
    "toUpperCase",
    "toLowerCase",
    "concat",
    "replace",
    "replaceAll",
    "repeat",
    "valueOf",
    "format",
    "formatted",
    "stripLeading",
    "stripTrailing",
];

impl Check for StringIdentityComparison {
    fn kinds(&self) -> &'static [&'static str] {
        &["binary_expression"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["operator"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let text = cx.text;
        let (k, f) = (kinds(), fields());
        let Some(op) = node.child_by_field_id(f.operator) else {
            return;
        };
        if op.kind_id() != k.eq && op.kind_id() != k.ne {
            return;
        }
        let operator = op.kind();
        let (Some(left), Some(right)) = (
            node.child_by_field_id(f.left),
            node.child_by_field_id(f.right),
        ) else {
            return;
        };
        let is_null_or_interned = |n: Node| {
            n.kind() == "null_literal"
                || (n.kind() == "method_invocation"
                    && n.child_by_field_id(fields().name)
                        .is_some_and(|m| text_of(m, text) == "intern"))
        };
        if is_null_or_interned(left) || is_null_or_interned(right) {
            return;
        }
        // Names are resolved from the comparison itself: between it and its
        // operands there is no scope (only parentheses and call receivers).
        let is_string = |side| is_string(side, (node, cx.ancestors), text);
        if is_string(left) || is_string(right) {
            emit(node, &[("operator", operator.to_string())]);
        }
    }
}

/// `at`: the comparison and its ancestors (root first).
fn is_string<'t>(expr: Node<'t>, at: (Node<'t>, &[Node<'t>]), text: &str) -> bool {
    match expr.kind() {
        "string_literal" => true,
        "parenthesized_expression" => expr.named_child(0).is_some_and(|e| is_string(e, at, text)),
        "identifier" => declared_type(at.0, at.1, text_of(expr, text), text)
            .is_some_and(|t| is_string_type(t, text)),
        "field_access" => {
            expr.child_by_field_id(fields().object)
                .is_some_and(|o| o.kind() == "this")
                && expr.child_by_field_id(fields().field).is_some_and(|f| {
                    field_type(at.1, text_of(f, text), text)
                        .is_some_and(|t| is_string_type(t, text))
                })
        }
        "method_invocation" => expr.child_by_field_id(fields().name).is_some_and(|n| {
            let name = text_of(n, text);
            STRING_RETURNING.contains(&name)
                && match name {
                    // `String.valueOf(x)`/`String.format(...)` are static: check the receiver.
                    "valueOf" | "format" => expr
                        .child_by_field_id(fields().object)
                        .is_some_and(|o| text_of(o, text) == "String"),
                    _ => expr
                        .child_by_field_id(fields().object)
                        .is_some_and(|o| is_string(o, at, text)),
                }
        }),
        _ => false,
    }
}
