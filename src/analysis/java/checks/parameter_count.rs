//! `parameter-count`: methods and constructors with more parameters than `max`.

use super::super::kinds::fields;
use super::{has_annotation, parameters, text_of, Check, Cx, Values};
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
        let Some(name) = node.child_by_field_id(fields().name) else {
            return;
        };
        emit(
            name,
            &[
                ("name", text_of(name, text).to_string()),
                ("count", count.to_string()),
                ("max", self.max.to_string()),
            ],
        );
    }
}
