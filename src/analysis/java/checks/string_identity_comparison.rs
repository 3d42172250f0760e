//! `string-identity-comparison`: `==`/`!=` between strings.

use super::{
    text_of,
    types::{declared_type, field_type, is_string_type},
    Check, Values,
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
    fn check<'t>(&self, node: Node<'t>, text: &str, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let Some(op) = node.child_by_field_name("operator") else {
            return;
        };
        let operator = op.kind();
        if operator != "==" && operator != "!=" {
            return;
        }
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return;
        };
        let is_null_or_interned = |n: Node| {
            n.kind() == "null_literal"
                || (n.kind() == "method_invocation"
                    && n.child_by_field_name("name")
                        .is_some_and(|m| text_of(m, text) == "intern"))
        };
        if is_null_or_interned(left) || is_null_or_interned(right) {
            return;
        }
        if is_string(left, text) || is_string(right, text) {
            emit(node, &[("operator", operator.to_string())]);
        }
    }
}

fn is_string(expr: Node, text: &str) -> bool {
    match expr.kind() {
        "string_literal" => true,
        "parenthesized_expression" => expr.named_child(0).is_some_and(|e| is_string(e, text)),
        "identifier" => {
            declared_type(expr, text_of(expr, text), text).is_some_and(|t| is_string_type(t, text))
        }
        "field_access" => {
            expr.child_by_field_name("object")
                .is_some_and(|o| o.kind() == "this")
                && expr.child_by_field_name("field").is_some_and(|f| {
                    field_type(expr, text_of(f, text), text)
                        .is_some_and(|t| is_string_type(t, text))
                })
        }
        "method_invocation" => expr.child_by_field_name("name").is_some_and(|n| {
            let name = text_of(n, text);
            STRING_RETURNING.contains(&name)
                && match name {
                    // `String.valueOf(x)`/`String.format(...)` are static: check the receiver.
                    "valueOf" | "format" => expr
                        .child_by_field_name("object")
                        .is_some_and(|o| text_of(o, text) == "String"),
                    _ => expr
                        .child_by_field_name("object")
                        .is_some_and(|o| is_string(o, text)),
                }
        }),
        _ => false,
    }
}
