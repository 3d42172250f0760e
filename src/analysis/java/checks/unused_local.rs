//! `unused-local-variable`: a local variable (or enhanced-`for` variable) that
//! is never read after its declaration, in the block it is declared in. Being
//! assigned with `=` is not being read; `+=` and `++` are. Like PMD, names
//! `_`, `ignored…` and `unused…` are left alone; try-with-resources variables,
//! pattern variables, parameters and catch parameters are not locals here.

use super::super::kinds::{fields, kinds};
use super::uses::{any_use, is_child, is_declaration, is_write, modifiers};
use super::{text_of, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct UnusedLocalVariable;

impl Check for UnusedLocalVariable {
    fn kinds(&self) -> &'static [&'static str] {
        &["local_variable_declaration", "enhanced_for_statement"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["name"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let (k, f) = (kinds(), fields());
        if node.kind_id() == k.enhanced_for_statement {
            // The variable lives in the loop's body.
            if let (Some(name), Some(body)) = (cx.child(node, f.name), cx.child(node, f.body)) {
                check_name(name, body, body.start_byte(), cx.text, emit);
            }
            return;
        }
        // A declaration in a `for` header lives in the loop; one in a `switch`
        // group, to the end of the `switch`; others to the end of their block.
        let Some(mut scope) = cx.ancestor(0) else {
            return;
        };
        if scope.kind_id() == k.switch_block_statement_group {
            scope = cx.ancestor(1).unwrap_or(scope);
        }
        if modifiers(node, cx.text).kept {
            return;
        }
        let mut cursor = node.walk();
        for declarator in node.children_by_field_name("declarator", &mut cursor) {
            if let Some(name) = cx.child(declarator, f.name) {
                check_name(name, scope, declarator.end_byte(), cx.text, emit);
            }
        }
    }
}

fn check_name<'t>(
    name: Node<'t>,
    scope: Node<'t>,
    from: usize,
    text: &str,
    emit: &mut dyn FnMut(Node<'t>, Values),
) {
    let (k, f) = (kinds(), fields());
    let word = text_of(name, text);
    if word == "_" || word.starts_with("ignored") || word.starts_with("unused") {
        return;
    }
    let read = |path: &[Node]| {
        !is_declaration(path)
            && !is_child(path, k.field_access, f.field)
            && !is_child(path, k.method_invocation, f.name)
            && !is_write(path)
    };
    if !any_use(scope, (from, scope.end_byte()), false, word, text, read) {
        emit(name, &[("name", word.to_string())]);
    }
}
