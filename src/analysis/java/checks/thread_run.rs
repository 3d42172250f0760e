//! `thread-run`: `run()` called on a `Thread`, which runs the task on the
//! calling thread instead of starting a new one.

use super::super::kinds::fields;
use super::types::declared_type;
use super::{text_of, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct ThreadRun;

fn is_thread_type(ty: &str) -> bool {
    matches!(ty, "Thread" | "java.lang.Thread")
}

impl Check for ThreadRun {
    fn kinds(&self) -> &'static [&'static str] {
        &["method_invocation"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["receiver"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let text = cx.text;
        if cx
            .child(node, fields().name)
            .is_none_or(|n| text_of(n, text) != "run")
            || cx
                .child(node, fields().arguments)
                .is_none_or(|a| a.named_child_count() > 0)
        {
            return;
        }
        let Some(receiver) = cx.child(node, fields().object) else {
            return;
        };
        let is_thread = match receiver.kind() {
            "object_creation_expression" => cx
                .child(receiver, fields().type_)
                .is_some_and(|t| is_thread_type(text_of(t, text))),
            "identifier" => declared_type(node, cx.ancestors, text_of(receiver, text), text)
                .is_some_and(|t| match t.kind() {
                    "object_creation_expression" => cx
                        .child(t, fields().type_)
                        .is_some_and(|t| is_thread_type(text_of(t, text))),
                    _ => is_thread_type(text_of(t, text)),
                }),
            _ => false,
        };
        if is_thread {
            emit(node, &[("receiver", text_of(receiver, text).to_string())]);
        }
    }
}
