//! `string-identity-comparison` and `boxed-identity-comparison`: `==`/`!=`
//! between objects that have a value, where `equals` was meant.

use super::super::kinds::{fields, kinds};
use super::{
    text_of,
    types::{declared_type_name, BOXED},
    Check, Cx, Values,
};
use tree_sitter::Node;

/// `==`/`!=` between values of a type by what the file itself says: a name
/// declared so in scope (local, parameter, field, `var` with a literal
/// initialiser) or an expression known to make one.
pub(super) enum IdentityComparison {
    /// An operand is a `String`: also a string literal or text block, or a call
    /// of a `String` method that returns a new string. Comparisons with `null`
    /// and `intern()`ed values are fine.
    Strings,
    /// Both operands are boxed (`Integer`, `Long` …): also `Integer.valueOf(…)`.
    /// A boxed value compared with a primitive unboxes, which is fine.
    Boxed,
}

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

impl Check for IdentityComparison {
    fn kinds(&self) -> &'static [&'static str] {
        &["binary_expression"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["operator", "type"]
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
        // Names are resolved from the comparison itself: between it and its
        // operands there is no scope (only parentheses and call receivers).
        let at = (node, cx.ancestors);
        let ty = match self {
            IdentityComparison::Strings => {
                let is_null_or_interned = |n: Node| {
                    n.kind() == "null_literal"
                        || (n.kind() == "method_invocation"
                            && n.child_by_field_id(f.name)
                                .is_some_and(|m| text_of(m, text) == "intern"))
                };
                if is_null_or_interned(left)
                    || is_null_or_interned(right)
                    || !(is_string(left, at, text) || is_string(right, at, text))
                {
                    return;
                }
                "String"
            }
            // Resolve names only when both sides could be boxed at all.
            IdentityComparison::Boxed if !(may_be_boxed(left) && may_be_boxed(right)) => return,
            IdentityComparison::Boxed => match boxed(left, at, text) {
                Some(ty) if boxed(right, at, text).is_some() => ty,
                _ => return,
            },
        };
        emit(
            node,
            &[("operator", operator.to_string()), ("type", ty.to_string())],
        );
    }
}

/// Whether `expr` has a form `boxed` can resolve.
fn may_be_boxed(expr: Node) -> bool {
    let k = kinds();
    [
        k.identifier,
        k.field_access,
        k.parenthesized_expression,
        k.method_invocation,
    ]
    .contains(&expr.kind_id())
}

/// The boxed type of `expr`: a name declared with it or `Integer.valueOf(…)`.
fn boxed<'a>(expr: Node, at: (Node, &[Node]), text: &'a str) -> Option<&'a str> {
    let ty = if expr.kind_id() == kinds().method_invocation {
        let f = fields();
        expr.child_by_field_id(f.name)
            .filter(|n| text_of(*n, text) == "valueOf")?;
        text_of(expr.child_by_field_id(f.object)?, text)
    } else {
        declared_type_name(expr, at, text)?
    };
    BOXED.iter().find(|b| **b == ty).copied()
}

/// `at`: the comparison and its ancestors (root first).
fn is_string<'t>(expr: Node<'t>, at: (Node<'t>, &[Node<'t>]), text: &str) -> bool {
    match expr.kind() {
        "string_literal" => true,
        "parenthesized_expression" => expr.named_child(0).is_some_and(|e| is_string(e, at, text)),
        "identifier" | "field_access" => declared_type_name(expr, at, text) == Some("String"),
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
