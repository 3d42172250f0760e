//! `method-count`: a class, interface, enum or record body declaring more than
//! `max` methods (its own, not those of nested or anonymous classes).

use super::super::kinds::fields;
use super::{text_of, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct MethodCount {
    pub max: i64,
}

impl Check for MethodCount {
    fn kinds(&self) -> &'static [&'static str] {
        &["class_body", "interface_body", "enum_body"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["name", "count", "max"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let text = cx.text;
        let mut cursor = node.walk();
        let mut count = 0i64;
        for member in node.named_children(&mut cursor) {
            match member.kind() {
                "method_declaration" => count += 1,
                // An enum's methods sit after its constants, in this declarations node.
                "enum_body_declarations" => {
                    let mut inner = member.walk();
                    count += member
                        .named_children(&mut inner)
                        .filter(|m| m.kind() == "method_declaration")
                        .count() as i64;
                }
                _ => {}
            }
        }
        if count <= self.max {
            return;
        }
        // Anonymous class bodies have no name: report the `new` expression.
        let Some(owner) = cx.ancestor(0) else {
            return;
        };
        let (target, name) = match cx.child(owner, fields().name) {
            Some(name) => (name, text_of(name, text).to_string()),
            None => (owner, "this anonymous class".to_string()),
        };
        emit(
            target,
            &[
                ("name", name),
                ("count", count.to_string()),
                ("max", self.max.to_string()),
            ],
        );
    }
}
