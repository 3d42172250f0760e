//! `method-naming`: method names that do not match the naming pattern (by
//! default Java's lowerCamelCase), skipping `@Override` methods, whose name the
//! supertype chose.

use super::super::kinds::fields;
use super::{has_annotation, text_of, Check, Cx, Values};
use regex::Regex;
use tree_sitter::Node;

pub(super) struct MethodNaming {
    pub format: Regex,
}

impl Check for MethodNaming {
    fn kinds(&self) -> &'static [&'static str] {
        &["method_declaration"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["name", "format"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let text = cx.text;
        let Some(name) = node.child_by_field_id(fields().name) else {
            return;
        };
        let name_text = text_of(name, text);
        if self.format.is_match(name_text) || has_annotation(node, text, "Override") {
            return;
        }
        emit(
            name,
            &[
                ("name", name_text.to_string()),
                ("format", self.format.as_str().to_string()),
            ],
        );
    }
}
