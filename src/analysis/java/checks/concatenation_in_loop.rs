//! `string-concatenation-in-loop`: `s += …`, `s = s + …` or `s = … + s` in
//! the body of a loop, where `s` is declared `String` outside that loop (a variable declared
//! inside starts afresh each time round). A lambda or a class body inside the
//! loop ends the search: its code runs when called, not necessarily in the loop.

use super::super::kinds::{fields, kinds};
use super::binary_parts;
use super::types::declared_type;
use super::{text_of, Along, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct ConcatenationInLoop;

impl Check for ConcatenationInLoop {
    fn kinds(&self) -> &'static [&'static str] {
        &["assignment_expression"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["name"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let (k, f) = (kinds(), fields());
        let text = cx.text;
        // Outside loops first: reading the ancestors is cheaper than the operands.
        let Some(looped) = innermost_loop(cx) else {
            return;
        };
        let Some((left, op, right)) = binary_parts(node) else {
            return;
        };
        if left.kind_id() != k.identifier {
            return;
        }
        let name = text_of(left, text);
        let appends = op.kind_id() == k.plus_assign
            || (op.kind_id() == k.assign && concatenates(right, name, text));
        if !appends {
            return;
        }
        let Some(ty) = declared_type(node, cx.ancestors, name, text) else {
            return;
        };
        let string = ty.kind() == "string_literal"
            || matches!(super::text_of(ty, text), "String" | "java.lang.String");
        let fresh_each_time = cx
            .child(looped, f.body)
            .is_some_and(|b| b.byte_range().contains(&ty.start_byte()));
        if string && !fresh_each_time {
            emit(node, &[("name", name.to_string())]);
        }
    }
}

/// `name` is an operand of the `+` chain `expr`: `s + a`, `a + s + b`
/// (prepending copies the string as much as appending).
fn concatenates(mut expr: Node, name: &str, text: &str) -> bool {
    let (k, f) = (kinds(), fields());
    let is_name = |n: Node| n.kind_id() == k.identifier && text_of(n, text) == name;
    while expr.kind_id() == k.binary_expression
        && expr
            .child_by_field_id(f.operator)
            .is_some_and(|o| o.kind_id() == k.plus)
    {
        if expr.child_by_field_id(f.right).is_some_and(is_name) {
            return true;
        }
        let Some(left) = expr.child_by_field_id(f.left) else {
            return false;
        };
        expr = left;
    }
    is_name(expr)
}

/// The innermost loop around the checked node in the same body of code.
fn innermost_loop<'t>(cx: &Cx<'_, 't>) -> Option<Node<'t>> {
    let k = kinds();
    let mut along = cx.memory::<Along<Option<usize>>>();
    // Per ancestor: the index of the innermost loop around it, if any.
    let loops = along.of(cx.ancestors, |above, i, n| {
        let id = n.kind_id();
        if [
            k.for_statement,
            k.enhanced_for_statement,
            k.while_statement,
            k.do_statement,
        ]
        .contains(&id)
        {
            Some(i)
        } else if [
            k.lambda_expression,
            k.class_body,
            k.enum_body,
            k.interface_body,
            k.method_declaration,
            k.constructor_declaration,
        ]
        .contains(&id)
        {
            None
        } else {
            above.flatten()
        }
    });
    loops.last().copied().flatten().map(|i| cx.ancestors[i])
}
