//! `equals-without-hashcode` and `hashcode-without-equals`: a class body that
//! overrides one half of the `equals`/`hashCode` contract but not the other.

use super::super::kinds::{fields, kinds};
use super::uses::identifier_at;
use super::{parameters, text_of, Check, Cx, Values};
use tree_sitter::Node;

/// `equals(Object)` without `hashCode()` in the same class body, or the reverse.
pub(super) struct UnpairedOverride {
    pub equals_present: bool,
}

fn is_object_type(node: Node, text: &str) -> bool {
    matches!(text_of(node, text), "Object" | "java.lang.Object")
}

/// One class body's `equals(Object)` and `hashCode()`, by their names' bytes.
struct Pair {
    body: usize,
    equals: Option<(usize, usize)>,
    hash_code: Option<(usize, usize)>,
}

/// On the engine's walk: a class body opens a pair, its methods fill it in,
/// the body's end decides.
impl Check for UnpairedOverride {
    fn kinds(&self) -> &'static [&'static str] {
        &["class_body", "method_declaration"]
    }
    fn exit_kinds(&self) -> &'static [&'static str] {
        &["class_body"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["class"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, _: &mut dyn FnMut(Node<'t>, Values)) {
        let text = cx.text;
        let (k, f) = (kinds(), fields());
        let mut pairs = cx.memory::<Vec<Pair>>();
        if cx.kind == k.class_body {
            pairs.push(Pair {
                body: node.id(),
                equals: None,
                hash_code: None,
            });
            return;
        }
        let Some(pair) = pairs
            .last_mut()
            .filter(|p| cx.ancestor(0).is_some_and(|b| b.id() == p.body))
        else {
            return;
        };
        let Some(name) = cx.child(node, f.name) else {
            return;
        };
        let at = Some((name.start_byte(), name.end_byte()));
        match text_of(name, text) {
            "equals" => {
                let mut params = parameters(node);
                if let (Some(only), None) = (params.next(), params.next()) {
                    if cx
                        .child(only, f.type_)
                        .is_some_and(|t| is_object_type(t, text))
                    {
                        pair.equals = at;
                    }
                }
            }
            "hashCode" if parameters(node).next().is_none() => pair.hash_code = at,
            _ => {}
        }
    }
    fn exit<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let mut pairs = cx.memory::<Vec<Pair>>();
        let Some(pair) = pairs.pop_if(|p| p.body == node.id()) else {
            return;
        };
        let flagged = match (pair.equals, pair.hash_code, self.equals_present) {
            (Some(e), None, true) => e,
            (None, Some(h), false) => h,
            _ => return,
        };
        let Some(flagged) = identifier_at(node, flagged.0, flagged.1) else {
            return;
        };
        let class = cx
            .ancestor(0)
            .and_then(|p| cx.child(p, fields().name))
            .map_or_else(
                || "this anonymous class".to_string(),
                |n| format!("`{}`", text_of(n, cx.text)),
            );
        emit(flagged, &[("class", class)]);
    }
}
