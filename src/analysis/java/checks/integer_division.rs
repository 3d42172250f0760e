//! `integer-division`: `a / b` between integers that becomes a `float` or
//! `double` (declared, assigned or returned) with no cast: the fraction is
//! already lost when the conversion happens.

use super::super::kinds::{fields, kinds};
use super::{text_of, types::declared_type_name, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct IntegerDivision;

const INTEGER: &[&str] = &["int", "long", "short", "byte", "char"];
const FLOATING: &[&str] = &["float", "double"];

impl Check for IntegerDivision {
    fn kinds(&self) -> &'static [&'static str] {
        &["/"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["type"]
    }
    /// At the operator: most binary expressions divide nothing.
    fn check<'t>(&self, _: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let (k, f, text) = (kinds(), fields(), cx.text);
        let Some((node, ancestors)) = cx.parent_of(k.binary_expression) else {
            return;
        };
        let Some((value, at)) = destination(node, ancestors) else {
            return;
        };
        let target = ancestors[at];
        let mut up = ancestors[..at].iter().rev();
        let id = target.kind_id();
        let ty = if id == k.variable_declarator {
            // declarator → declaration, whose type it has.
            up.next()
                .and_then(|d| d.child_by_field_id(f.type_))
                .map(|t| text_of(t, text))
        } else if id == k.assignment_expression
            && cx
                .child(target, f.operator)
                .is_some_and(|op| op.kind_id() == k.assign)
            && cx.child(target, f.right) == Some(value)
        {
            cx.child(target, f.left)
                .and_then(|l| declared_type_name(l, (node, ancestors), text))
        } else if id == k.return_statement {
            // The enclosing method's return type; none from inside a lambda.
            up.find(|a| a.kind_id() == k.method_declaration || a.kind_id() == k.lambda_expression)
                .filter(|m| m.kind_id() == k.method_declaration)
                .and_then(|m| m.child_by_field_id(f.type_))
                .map(|t| text_of(t, text))
        } else {
            None
        };
        let Some(ty) = ty.filter(|t| FLOATING.contains(t)) else {
            return;
        };
        if is_integer_operands(node, (node, ancestors), text) {
            emit(node, &[("type", ty.to_string())]);
        }
    }
}

/// Where the value of `expr` goes: the node it is last the value of and the
/// index in `ancestors` of the node that takes it, through parentheses, the
/// branches of `?:` and the arms of a switch expression.
fn destination<'t>(expr: Node<'t>, ancestors: &[Node<'t>]) -> Option<(Node<'t>, usize)> {
    let (k, f) = (kinds(), fields());
    let mut value = expr;
    let mut i = ancestors.len();
    loop {
        i = i.checked_sub(1)?;
        let a = ancestors[i];
        let id = a.kind_id();
        if id == k.parenthesized_expression
            || (id == k.ternary_expression && a.child_by_field_id(f.condition) != Some(value))
        {
            value = a;
        } else if id == k.expression_statement
            && i >= 3
            && ancestors[i - 1].kind_id() == k.switch_rule
            && ancestors[i - 3].kind_id() == k.switch_expression
        {
            // `case … -> a / b;`: the switch expression's value.
            i -= 3;
            value = ancestors[i];
        } else {
            return Some((value, i));
        }
    }
}

/// Whether the file shows `expr` to be of an integer type: an integer or
/// character literal, a name declared with an integer type, a cast to one, or
/// arithmetic on such operands.
fn is_integer(expr: Node, at: (Node, &[Node]), text: &str) -> bool {
    let (k, f) = (kinds(), fields());
    let id = expr.kind_id();
    if id == k.decimal_integer_literal
        || id == k.hex_integer_literal
        || id == k.octal_integer_literal
        || id == k.binary_integer_literal
        || id == k.character_literal
    {
        true
    } else if id == k.identifier || id == k.field_access {
        declared_type_name(expr, at, text).is_some_and(|t| INTEGER.contains(&t))
    } else if id == k.parenthesized_expression {
        expr.named_child(0).is_some_and(|e| is_integer(e, at, text))
    } else if id == k.cast_expression {
        expr.child_by_field_id(f.type_)
            .is_some_and(|t| INTEGER.contains(&text_of(t, text)))
    } else if id == k.unary_expression {
        expr.child_by_field_id(f.operand)
            .is_some_and(|e| is_integer(e, at, text))
    } else if id == k.binary_expression {
        expr.child_by_field_id(f.operator).is_some_and(|op| {
            matches!(
                op.kind(),
                "+" | "-" | "*" | "/" | "%" | "<<" | ">>" | ">>>" | "&" | "|" | "^"
            )
        }) && is_integer_operands(expr, at, text)
    } else {
        false
    }
}

fn is_integer_operands(expr: Node, at: (Node, &[Node]), text: &str) -> bool {
    let f = fields();
    [f.left, f.right].iter().all(|&side| {
        expr.child_by_field_id(side)
            .is_some_and(|e| is_integer(e, at, text))
    })
}
