//! `method-count`: a class, interface, enum or record body declaring more than
//! `max` methods (its own, not those of nested or anonymous classes). Counted
//! on the engine's walk: a body starts a tally, each method adds to its
//! body's, the body's end reports.

use super::super::kinds::{fields, kinds};
use super::{text_of, Check, Cx, Tally, Values};
use tree_sitter::Node;

pub(super) struct MethodCount {
    pub max: i64,
}

const BODIES: &[&str] = &["class_body", "interface_body", "enum_body"];

impl Check for MethodCount {
    fn kinds(&self) -> &'static [&'static str] {
        &[
            "class_body",
            "interface_body",
            "enum_body",
            "method_declaration",
        ]
    }
    fn exit_kinds(&self) -> &'static [&'static str] {
        BODIES
    }
    fn values(&self) -> &'static [&'static str] {
        &["name", "count", "max"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, _: &mut dyn FnMut(Node<'t>, Values)) {
        let k = kinds();
        let mut tallies = cx.memory::<Vec<Tally>>();
        if cx.kind != k.method_declaration {
            tallies.push(Tally {
                node: node.id(),
                depth: cx.ancestors.len(),
                count: 0,
            });
            return;
        }
        // An enum's methods sit after its constants, in a declarations node.
        let body = match cx.ancestor(0) {
            Some(d) if d.kind_id() == k.enum_body_declarations => cx.ancestor(1),
            body => body,
        };
        if let (Some(body), Some(tally)) = (body, tallies.last_mut()) {
            if tally.node == body.id() {
                tally.count += 1;
            }
        }
    }
    fn exit<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let mut tallies = cx.memory::<Vec<Tally>>();
        let Some(Tally { count, .. }) = tallies.pop_if(|t| t.node == node.id()) else {
            return;
        };
        if count <= self.max {
            return;
        }
        // Anonymous class bodies have no name: report the `new` expression.
        let Some(owner) = cx.ancestor(0) else {
            return;
        };
        let (target, name) = match cx.child(owner, fields().name) {
            Some(name) => (name, text_of(name, cx.text).to_string()),
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
