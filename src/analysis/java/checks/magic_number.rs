//! `magic-number`: numeric literals outside constant definitions, with
//! Checkstyle's `MagicNumber` defaults (-1, 0, 1 and 2 are not magic).

use super::super::kinds::{fields, kinds};
use super::{modifiers_of, text_of, Along, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct MagicNumber;

/// Whether a literal under `child` still belongs to the constant that `parent`
/// is part of: Checkstyle's default `constantWaiverParentToken` (casts, `+ - * /`,
/// unary `-`/`+`, call and `new` arguments, array initialisers; parentheses
/// are no node there). Shifts, `%`, bit operators, `?:`, array sizes and call
/// receivers are not among them.
fn is_waiver_parent(parent: Node, child: Node) -> bool {
    let (k, f) = (kinds(), fields());
    let id = parent.kind_id();
    let operator = || parent.child_by_field_id(f.operator).map(|o| o.kind());
    if id == k.parenthesized_expression
        || id == k.cast_expression
        || id == k.argument_list
        || id == k.array_initializer
    {
        true
    } else if id == k.binary_expression {
        matches!(operator(), Some("+" | "-" | "*" | "/"))
    } else if id == k.unary_expression {
        matches!(operator(), Some("+" | "-"))
    } else if id == k.method_invocation || id == k.object_creation_expression {
        child.kind_id() == k.argument_list
    } else if id == k.array_creation_expression {
        child.kind_id() == k.array_initializer
    } else {
        false
    }
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
        let Some(value) = parse_number(cx.kind, text_of(node, text)) else {
            return;
        };
        // `-1` is one number: Checkstyle reports it at the minus sign.
        let (target, value, above) = match cx.ancestor(0) {
            Some(p)
                if p.kind_id() == k.unary_expression
                    && cx
                        .child(p, fields().operator)
                        .is_some_and(|o| o.kind_id() == k.minus) =>
            {
                (p, -value, &cx.ancestors[..cx.ancestors.len() - 1])
            }
            _ => (node, value, cx.ancestors),
        };
        // Compared bit by bit, as Checkstyle's binary search does: `-0.0` is no 0.
        let ignored = [-1.0f64, 0.0, 1.0, 2.0]
            .iter()
            .any(|i| i.to_bits() == value.to_bits());
        if ignored || is_in_constant(target, above, &mut cx.memory()) {
            return;
        }
        emit(target, &[("number", text_of(target, text).to_string())]);
    }
}

/// Like Checkstyle: a literal in the initialiser of a `final` variable or field,
/// an interface constant, an enum constant's arguments or an annotation
/// element's default, reached only through waiver parents. `ancestors` are
/// those of `literal` (the number, or its minus sign), root first; `along`
/// keeps, per ancestor, the answer for a literal that climbed up to it, so that
/// a long sum of literals is not climbed once per literal.
fn is_in_constant(literal: Node, ancestors: &[Node], along: &mut Along<bool>) -> bool {
    let k = kinds();
    // What the ancestor at `i` says of a literal reached through `child`: the
    // answer, or `None` for its own parent to say.
    let verdict = |i: usize, child: Node| -> Option<bool> {
        let n = ancestors[i];
        match n.kind_id() {
            id if id == k.variable_declarator => Some(i.checked_sub(1).is_some_and(|d| {
                let d = ancestors[d];
                d.kind_id() == k.constant_declaration || modifiers_of(d).is_some_and(has_final)
            })),
            id if id == k.enum_constant || id == k.annotation_type_element_declaration => {
                Some(true)
            }
            _ if is_waiver_parent(n, child) => None,
            _ => Some(false),
        }
    };
    let answers = along.of(ancestors, |above, i, node| {
        i.checked_sub(1)
            .is_some_and(|parent| verdict(parent, node).unwrap_or(above == Some(true)))
    });
    let Some(last) = ancestors.len().checked_sub(1) else {
        return false;
    };
    verdict(last, literal).unwrap_or(answers[last])
}

fn has_final(modifiers: Node) -> bool {
    (0..modifiers.child_count())
        .filter_map(|i| modifiers.child(i))
        .any(|m| m.kind_id() == kinds().final_)
}

/// The literal's value as Java reads it: an `int` in hex, octal or binary is
/// 32-bit two's complement (`0xFFFFFFFF` is -1), a `long` 64-bit; `None` for
/// what cannot be read (it is then not flagged).
fn parse_number(kind: u16, literal: &str) -> Option<f64> {
    let k = kinds();
    // Most literals are short plain decimals: read them without allocating.
    if kind == k.decimal_integer_literal && literal.len() < 10 {
        if let Ok(v) = literal.parse::<u32>() {
            return Some(f64::from(v));
        }
    }
    let clean: String = literal.chars().filter(|&c| c != '_').collect();
    let lower = clean.to_ascii_lowercase();
    if kind == k.decimal_floating_point_literal {
        return lower.trim_end_matches(['f', 'd']).parse().ok();
    }
    if kind == k.hex_floating_point_literal {
        return parse_hex_float(&lower);
    }
    let long = lower.ends_with('l');
    let digits = lower.trim_end_matches('l');
    let (radix, body) = if let Some(h) = digits.strip_prefix("0x") {
        (16, h)
    } else if let Some(b) = digits.strip_prefix("0b") {
        (2, b)
    } else if kind == k.octal_integer_literal {
        (8, digits.trim_start_matches('0'))
    } else {
        // Decimal literals are never negative by themselves (`-1` is a minus sign).
        return digits.parse::<u64>().ok().map(|v| v as f64);
    };
    if body.is_empty() {
        return Some(0.0);
    }
    let v = u64::from_str_radix(body, radix).ok()?;
    Some(if long {
        v as i64 as f64
    } else {
        v as u32 as i32 as f64
    })
}

/// `0x1.8p3` (lower case, underscores removed): hex digits times a power of two.
fn parse_hex_float(literal: &str) -> Option<f64> {
    let body = literal.strip_prefix("0x")?.trim_end_matches(['f', 'd']);
    let (mantissa, exponent) = body.split_once('p')?;
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut value = 0f64;
    for c in whole.chars().chain(fraction.chars()) {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    let exponent: i32 = exponent.parse().ok()?;
    Some(value * 2f64.powi(exponent) / 16f64.powi(fraction.len() as i32))
}
