//! `method-length`: methods and constructors whose body spans more than `max`
//! lines, counted like Checkstyle's `MethodLength` (from `{` to `}` inclusive,
//! blank and comment lines included).

use super::super::kinds::fields;
use super::emit_over_max;
use super::{Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct MethodLength {
    pub max: i64,
}

impl Check for MethodLength {
    fn kinds(&self) -> &'static [&'static str] {
        &[
            "method_declaration",
            "constructor_declaration",
            "compact_constructor_declaration",
        ]
    }
    fn values(&self) -> &'static [&'static str] {
        &["name", "lines", "max"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let text = cx.text;
        let Some(body) = cx.child(node, fields().body) else {
            return;
        };
        let lines = (body.end_position().row - body.start_position().row + 1) as i64;
        if lines <= self.max {
            return;
        }
        emit_over_max(node, text, ("lines", lines), self.max, emit);
    }
}
