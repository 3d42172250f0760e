//! `magic-number`: numeric literals outside constant definitions, with
//! Checkstyle's `MagicNumber` defaults (-1, 0, 1 and 2 are not magic).

use super::super::kinds::{fields, kinds};
use super::{text_of, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct MagicNumber;

/// Parents through which a literal still belongs to the constant it initialises
/// (Checkstyle's `constantWaiverParentToken`): arithmetic, casts, calls, arrays.
fn is_waiver_parent(id: u16) -> bool {
    let k = kinds();
    [
        k.binary_expression,
        k.unary_expression,
        k.parenthesized_expression,
        k.cast_expression,
        k.argument_list,
        k.method_invocation,
        k.array_initializer,
        k.array_creation_expression,
        k.dimensions_expr,
        k.object_creation_expression,
        k.ternary_expression,
    ]
    .contains(&id)
}

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
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let text = cx.text;
        let k = kinds();
        let Some(value) = parse_number(node.kind_id(), text_of(node, text)) else {
            return;
        };
        // `-1` is one number: Checkstyle reports it at the minus sign.
        let (target, value, above) = match cx.ancestor(0) {
            Some(p)
                if p.kind_id() == k.unary_expression
                    && p.child_by_field_id(fields().operator)
                        .is_some_and(|o| o.kind_id() == k.minus) =>
            {
                (p, -value, &cx.ancestors[..cx.ancestors.len() - 1])
            }
            _ => (node, value, cx.ancestors),
        };
        if [-1.0, 0.0, 1.0, 2.0].contains(&value) || is_in_constant(above) {
            return;
        }
        emit(target, &[("number", text_of(target, text).to_string())]);
    }
}

/// Like Checkstyle: a literal in the initialiser of a `final` variable or field,
/// an interface constant, an enum constant's arguments or an annotation
/// element's default, reached only through expression parents. `ancestors` are
/// the literal's, root first.
fn is_in_constant(ancestors: &[Node]) -> bool {
    let k = kinds();
    for (i, n) in ancestors.iter().enumerate().rev() {
        match n.kind_id() {
            id if id == k.variable_declarator => {
                return i.checked_sub(1).is_some_and(|d| {
                    let d = ancestors[d];
                    d.kind_id() == k.constant_declaration
                        || (0..d.named_child_count())
                            .filter_map(|i| d.named_child(i as u32))
                            .any(|c| c.kind_id() == k.modifiers && has_final(c))
                });
            }
            id if id == k.enum_constant || id == k.annotation_type_element_declaration => {
                return true
            }
            id if is_waiver_parent(id) => {}
            _ => return false,
        }
    }
    false
}

fn has_final(modifiers: Node) -> bool {
    let mut cursor = modifiers.walk();
    let found = modifiers
        .children(&mut cursor)
        .any(|m| m.kind_id() == kinds().final_);
    found
}

/// The literal's value; `None` for what cannot be read (it is then not flagged).
fn parse_number(kind: u16, literal: &str) -> Option<f64> {
    let k = kinds();
    if kind == k.hex_floating_point_literal {
        return None;
    }
    // Most literals are short plain decimals: read them without allocating.
    if kind == k.decimal_integer_literal && literal.len() < 10 {
        if let Ok(v) = literal.parse::<u32>() {
            return Some(f64::from(v));
        }
    }
    let clean: String = literal.chars().filter(|&c| c != '_').collect();
    let lower = clean.to_ascii_lowercase();
    match kind {
        _ if kind == k.decimal_floating_point_literal => {
            lower.trim_end_matches(['f', 'd']).parse().ok()
        }
        _ => {
            let digits = lower.trim_end_matches('l');
            let (radix, body) = if let Some(h) = digits.strip_prefix("0x") {
                (16, h)
            } else if let Some(b) = digits.strip_prefix("0b") {
                (2, b)
            } else if kind == k.octal_integer_literal {
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
