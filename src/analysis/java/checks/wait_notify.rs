//! `wait-notify-outside-synchronized`: `wait()`, `notify()` and `notifyAll()`
//! called where no `synchronized` block or method of the same body of code holds
//! a monitor.

use super::super::kinds::fields;
use super::{text_of, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct WaitNotify;

impl Check for WaitNotify {
    fn kinds(&self) -> &'static [&'static str] {
        &["method_invocation"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["method"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let text = cx.text;
        let Some(name) = cx.child(node, fields().name) else {
            return;
        };
        let method = text_of(name, text);
        if !matches!(method, "wait" | "notify" | "notifyAll") {
            return;
        }
        let args = cx
            .child(node, fields().arguments)
            .map_or(0, |a| a.named_child_count());
        let is_monitor_call = match method {
            "wait" => args <= 2,
            "notify" | "notifyAll" => args == 0,
            _ => false,
        };
        if !is_monitor_call || holds_monitor(cx.ancestors, text) {
            return;
        }
        emit(node, &[("method", method.to_string())]);
    }
}

/// A `synchronized` block around the call, or a `synchronized` method, within the
/// same body of code: a lambda or a class body in between runs elsewhere.
fn holds_monitor(ancestors: &[Node], text: &str) -> bool {
    for &n in ancestors.iter().rev() {
        match n.kind() {
            "synchronized_statement" => return true,
            "method_declaration" => {
                let mut cursor = n.walk();
                let found = n.children(&mut cursor).any(|c| {
                    c.kind() == "modifiers"
                        && text_of(c, text)
                            .split_whitespace()
                            .any(|m| m == "synchronized")
                });
                return found;
            }
            "lambda_expression" | "class_body" | "constructor_declaration" => return false,
            _ => {}
        }
    }
    false
}
