//! `sql-concatenation` and `command-concatenation`: a query or a command line
//! built with `+` from a string literal and a value that is not a constant, passed
//! straight to the method that runs it.

use super::super::kinds::fields;
use super::{text_of, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct ConcatenatedArgument {
    /// Methods whose first argument is run as code.
    pub methods: &'static [&'static str],
    /// When set, the receiver's text must end with one of these (`exec` is only
    /// `Runtime`'s).
    pub receivers: &'static [&'static str],
}

pub(super) const SQL_METHODS: &[&str] = &[
    "execute",
    "executeQuery",
    "executeUpdate",
    "executeLargeUpdate",
    "addBatch",
    "prepareStatement",
    "prepareCall",
    "nativeSQL",
    "createQuery",
    "createNativeQuery",
];

impl Check for ConcatenatedArgument {
    fn kinds(&self) -> &'static [&'static str] {
        &["method_invocation"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["method"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let text = cx.text;
        let Some(name) = cx.child(node, fields().name) else {
            return;
        };
        let method = text_of(name, text);
        if !self.methods.contains(&method) {
            return;
        }
        if !self.receivers.is_empty()
            && !cx.child(node, fields().object).is_some_and(|o| {
                let o = text_of(o, text);
                self.receivers.iter().any(|r| o.ends_with(r))
            })
        {
            return;
        }
        let Some(first) = cx
            .child(node, fields().arguments)
            .and_then(|a| a.named_child(0))
        else {
            return;
        };
        let (mut literal, mut dynamic) = (false, false);
        operands(first, text, &mut literal, &mut dynamic);
        if first.kind() == "binary_expression" && literal && dynamic {
            emit(first, &[("method", method.to_string())]);
        }
    }
}

/// Walks a `+` chain: does it hold a string literal, and a value that is not a
/// literal or an upper-case constant?
fn operands(expr: Node, text: &str, literal: &mut bool, dynamic: &mut bool) {
    match expr.kind() {
        "binary_expression"
            if expr
                .child_by_field_id(fields().operator)
                .is_some_and(|o| o.kind() == "+") =>
        {
            for side in ["left", "right"] {
                if let Some(s) = expr.child_by_field_name(side) {
                    operands(s, text, literal, dynamic);
                }
            }
        }
        "parenthesized_expression" => {
            if let Some(inner) = expr.named_child(0) {
                operands(inner, text, literal, dynamic);
            }
        }
        "string_literal" => *literal = true,
        "decimal_integer_literal" | "character_literal" | "true" | "false" => {}
        "identifier" if is_constant_name(text_of(expr, text)) => {}
        "field_access"
            if expr
                .child_by_field_id(fields().field)
                .is_some_and(|f| is_constant_name(text_of(f, text))) => {}
        _ => *dynamic = true,
    }
}

fn is_constant_name(name: &str) -> bool {
    name.chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && name.chars().any(|c| c.is_ascii_uppercase())
}
