//! `equals-without-hashcode` and `hashcode-without-equals`: a class body that
//! overrides one half of the `equals`/`hashCode` contract but not the other.

use super::super::kinds::{fields, kinds};
use super::{parameters, text_of, Check, Cx, Values};
use tree_sitter::Node;

/// `equals(Object)` without `hashCode()` in the same class body, or the reverse.
pub(super) struct UnpairedOverride {
    pub equals_present: bool,
}

fn is_object_type(node: Node, text: &str) -> bool {
    matches!(text_of(node, text), "Object" | "java.lang.Object")
}

impl Check for UnpairedOverride {
    fn kinds(&self) -> &'static [&'static str] {
        &["class_body"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["class"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let text = cx.text;
        let mut equals = None;
        let mut hash_code = None;
        let (k, f) = (kinds(), fields());
        let mut cursor = node.walk();
        for member in node.named_children(&mut cursor) {
            if member.kind_id() != k.method_declaration {
                continue;
            }
            let Some(name) = cx.child(member, f.name) else {
                continue;
            };
            match text_of(name, text) {
                "equals" => {
                    let mut params = parameters(member);
                    if let (Some(only), None) = (params.next(), params.next()) {
                        if cx
                            .child(only, f.type_)
                            .is_some_and(|t| is_object_type(t, text))
                        {
                            equals = Some(name);
                        }
                    }
                }
                "hashCode" if parameters(member).next().is_none() => hash_code = Some(name),
                _ => {}
            }
        }
        let flagged = match (equals, hash_code, self.equals_present) {
            (Some(e), None, true) => e,
            (None, Some(h), false) => h,
            _ => return,
        };
        let class = cx
            .ancestor(0)
            .and_then(|p| cx.child(p, f.name))
            .map_or_else(
                || "this anonymous class".to_string(),
                |n| format!("`{}`", text_of(n, text)),
            );
        emit(flagged, &[("class", class)]);
    }
}
