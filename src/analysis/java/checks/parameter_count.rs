//! `parameter-count`: methods and constructors with more parameters than `max`.

use super::emit_over_max;
use super::{has_annotation, parameters, Check, Cx, Values};
use tree_sitter::Node;

/// Too many parameters on a method or constructor.
pub(super) struct ParameterCount {
    pub max: i64,
    pub ignore_overrides: bool,
}

impl Check for ParameterCount {
    fn kinds(&self) -> &'static [&'static str] {
        &["method_declaration", "constructor_declaration"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["name", "count", "max"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let text = cx.text;
        let count = parameters(node).count() as i64;
        if count <= self.max || (self.ignore_overrides && has_annotation(node, text, "Override")) {
            return;
        }
        emit_over_max(node, text, ("count", count), self.max, emit);
    }
}
