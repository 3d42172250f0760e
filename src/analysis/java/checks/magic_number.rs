//! `magic-number`: numeric literals outside constant definitions, with
//! Checkstyle's `MagicNumber` defaults (-1, 0, 1 and 2 are not magic).

use super::{text_of, Check, Values};
use tree_sitter::Node;

pub(super) struct MagicNumber;

/// Parents through which a literal still belongs to the constant it initialises
/// (Checkstyle's `constantWaiverParentToken`): arithmetic, casts, calls, arrays.
const WAIVER_PARENTS: &[&str] = &[
    "binary_expression",
    "unary_expression",
    "parenthesized_expression",
    "cast_expression",
    "argument_list",
    "method_invocation",
    "array_initializer",
    "array_creation_expression",
    "dimensions_expr",
    "object_creation_expression",
    "ternary_expression",
];

impl Check for MagicNumber {
    fn kinds(&self) -> &'static [&'static str] {
        &[
            "decimal_integer_literal",
            "hex_integer_literal",
            "octal_integer_literal",
            "binary_integer_literal",
            "decimal_floating_point_literal",
            "hex_floating_point_literal",
        ]
    }
    fn values(&self) -> &'static [&'static str] {
        &["number"]
    }
    fn check<'t>(&self, node: Node<'t>, text: &str, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let Some(value) = parse_number(node.kind(), text_of(node, text)) else {
            return;
        };
        // `-1` is one number: Checkstyle reports it at the minus sign.
        let (target, value) = match node.parent() {
            Some(p)
                if p.kind() == "unary_expression"
                    && p.child_by_field_name("operator")
                        .is_some_and(|o| o.kind() == "-") =>
            {
                (p, -value)
            }
            _ => (node, value),
        };
        if [-1.0, 0.0, 1.0, 2.0].contains(&value) || is_in_constant(target) {
            return;
        }
        emit(target, &[("number", text_of(target, text).to_string())]);
    }
}

/// Like Checkstyle: a literal in the initialiser of a `final` variable or field,
/// an interface constant, an enum constant's arguments or an annotation
/// element's default, reached only through expression parents.
fn is_in_constant(literal: Node) -> bool {
    let mut current = literal.parent();
    while let Some(n) = current {
        match n.kind() {
            "variable_declarator" => {
                return n.parent().is_some_and(|d| {
                    d.kind() == "constant_declaration"
                        || (0..d.named_child_count())
                            .filter_map(|i| d.named_child(i as u32))
                            .any(|c| c.kind() == "modifiers" && has_final(c))
                });
            }
            "enum_constant" | "annotation_type_element_declaration" => return true,
            k if WAIVER_PARENTS.contains(&k) => current = n.parent(),
            _ => return false,
        }
    }
    false
}

fn has_final(modifiers: Node) -> bool {
    let mut cursor = modifiers.walk();
    let found = modifiers.children(&mut cursor).any(|m| m.kind() == "final");
    found
}

/// The literal's value; `None` for what cannot be read (it is then not flagged).
fn parse_number(kind: &str, literal: &str) -> Option<f64> {
    let clean: String = literal.chars().filter(|&c| c != '_').collect();
    let lower = clean.to_ascii_lowercase();
    match kind {
        "decimal_floating_point_literal" => lower.trim_end_matches(['f', 'd']).parse().ok(),
        "hex_floating_point_literal" => None,
        _ => {
            let digits = lower.trim_end_matches('l');
            let (radix, body) = if let Some(h) = digits.strip_prefix("0x") {
                (16, h)
            } else if let Some(b) = digits.strip_prefix("0b") {
                (2, b)
            } else if kind == "octal_integer_literal" {
                (8, digits.trim_start_matches('0'))
            } else {
                (10, digits)
            };
            if body.is_empty() {
                return Some(0.0);
            }
            u128::from_str_radix(body, radix).ok().map(|v| v as f64)
        }
    }
}
