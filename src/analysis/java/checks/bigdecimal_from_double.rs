//! `bigdecimal-from-double`: `new BigDecimal(x)` whose first argument is a
//! `double` or `float` by what the file itself says, as PMD's
//! `AvoidDecimalLiteralsInBigDecimalConstructor` finds with full types.

use super::super::kinds::{fields, kinds};
use super::types::{declared_type, field_type, is_type};
use super::{text_of, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct BigDecimalFromDouble;

/// `Math`/`StrictMath` methods that return a `double` whatever their arguments.
const MATH_DOUBLES: &[&str] = &[
    "sqrt",
    "cbrt",
    "pow",
    "exp",
    "expm1",
    "log",
    "log10",
    "log1p",
    "random",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "atan2",
    "sinh",
    "cosh",
    "tanh",
    "hypot",
    "floor",
    "ceil",
    "rint",
    "toRadians",
    "toDegrees",
    "IEEEremainder",
];

impl Check for BigDecimalFromDouble {
    fn kinds(&self) -> &'static [&'static str] {
        &["object_creation_expression"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["value"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let text = cx.text;
        let f = fields();
        if !cx
            .child(node, f.type_)
            .is_some_and(|t| matches!(text_of(t, text), "BigDecimal" | "java.math.BigDecimal"))
        {
            return;
        }
        let Some(value) = cx.child(node, f.arguments).and_then(|a| a.named_child(0)) else {
            return;
        };
        if is_floating(value, (node, cx.ancestors), text, 0) {
            emit(node, &[("value", text_of(value, text).to_string())]);
        }
    }
}

fn is_floating_type(name: &str) -> bool {
    matches!(
        name,
        "double" | "float" | "Double" | "Float" | "java.lang.Double" | "java.lang.Float"
    )
}

/// Whether `expr` is a `double` or `float`: a floating-point literal, a cast to
/// one, a name declared so, arithmetic on one, `doubleValue()`, `Math.sqrt(…)`.
/// `at`: the constructor call and its ancestors (root first), where names are
/// resolved; `depth` bounds the walk through `var` initialisers.
fn is_floating<'t>(expr: Node<'t>, at: (Node<'t>, &[Node<'t>]), text: &str, depth: u8) -> bool {
    let (k, f) = (kinds(), fields());
    let floating = |e: Option<Node<'t>>| e.is_some_and(|e| is_floating(e, at, text, depth));
    let declared = |ty: Option<Node<'t>>| match ty {
        // `var x = …`: the initialiser stands for the type.
        Some(t) if is_type(t) => is_floating_type(text_of(t, text)),
        Some(init) => depth < 4 && is_floating(init, at, text, depth + 1),
        None => false,
    };
    match expr.kind_id() {
        id if id == k.decimal_floating_point_literal || id == k.hex_floating_point_literal => true,
        id if id == k.parenthesized_expression || id == k.unary_expression => {
            floating(expr.named_child(expr.named_child_count().saturating_sub(1) as u32))
        }
        id if id == k.cast_expression => expr
            .child_by_field_id(f.type_)
            .is_some_and(|t| is_floating_type(text_of(t, text))),
        id if id == k.binary_expression => {
            matches!(
                expr.child_by_field_id(f.operator).map(|o| o.kind()),
                Some("+" | "-" | "*" | "/" | "%")
            ) && (floating(expr.child_by_field_id(f.left))
                || floating(expr.child_by_field_id(f.right)))
        }
        id if id == k.ternary_expression => {
            floating(expr.child_by_field_name("consequence"))
                || floating(expr.child_by_field_name("alternative"))
        }
        id if id == k.method_invocation => {
            let name = expr.child_by_field_id(f.name).map(|n| text_of(n, text));
            let object = expr.child_by_field_id(f.object).map(|o| text_of(o, text));
            matches!(name, Some("doubleValue" | "floatValue"))
                || (matches!(object, Some("Math" | "StrictMath"))
                    && name.is_some_and(|n| MATH_DOUBLES.contains(&n)))
                || matches!(
                    (object, name),
                    (Some("Double"), Some("parseDouble" | "longBitsToDouble"))
                        | (Some("Float"), Some("parseFloat" | "intBitsToFloat"))
                )
        }
        _ => match expr.kind() {
            "identifier" => declared(declared_type(at.0, at.1, text_of(expr, text), text)),
            "field_access" => {
                expr.child_by_field_id(f.object)
                    .is_some_and(|o| o.kind() == "this")
                    && declared(
                        expr.child_by_field_id(f.field)
                            .and_then(|n| field_type(at.1, text_of(n, text), text)),
                    )
            }
            _ => false,
        },
    }
}
