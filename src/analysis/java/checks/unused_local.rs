//! `unused-local-variable`: a local variable (or enhanced-`for` variable) that
//! is never read after its declaration, in the block it is declared in. Being
//! assigned with `=` is not being read; `+=` and `++` are. Like PMD, names
//! `_`, `ignored…` and `unused…` are left alone; try-with-resources variables,
//! pattern variables, parameters and catch parameters are not locals here.
//!
//! Decided on the engine's walk: a declaration opens a pending local, each
//! identifier after it in its scope may read it, and the end of the file
//! reports the locals nothing read.

use super::super::kinds::{fields, kinds};
use super::uses::{identifier_at, is_child, is_declaration, is_write, modifiers};
use super::{declarators, text_of, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct UnusedLocalVariable;

/// A local not read yet: byte ranges only, since the memory outlives the tree.
#[derive(Clone, Copy)]
struct Local {
    name: (usize, usize),
    /// Reads count from here (after the declarator) to the end of the scope.
    from: usize,
    to: usize,
}

#[derive(Default)]
struct Locals {
    open: Vec<Local>,
    /// Names of the locals whose scope ended unread.
    unread: Vec<(usize, usize)>,
}

impl Check for UnusedLocalVariable {
    fn kinds(&self) -> &'static [&'static str] {
        &[
            "local_variable_declaration",
            "enhanced_for_statement",
            "identifier",
        ]
    }
    fn exit_kinds(&self) -> &'static [&'static str] {
        &["program"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["name"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, _: &mut dyn FnMut(Node<'t>, Values)) {
        let (k, f) = (kinds(), fields());
        let id = cx.kind;
        let mut locals = cx.memory::<Locals>();
        if id == k.identifier {
            if !locals.open.is_empty() {
                read(node, cx, &mut locals);
            }
            return;
        }
        let mut open = |name: Node, from: usize, scope: Node| {
            let word = text_of(name, cx.text);
            if !(word == "_" || word.starts_with("ignored") || word.starts_with("unused")) {
                locals.open.push(Local {
                    name: (name.start_byte(), name.end_byte()),
                    from,
                    to: scope.end_byte(),
                });
            }
        };
        if id == k.enhanced_for_statement {
            // The variable lives in the loop's body.
            if let (Some(name), Some(body)) = (cx.child(node, f.name), cx.child(node, f.body)) {
                open(name, body.start_byte(), body);
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
        for declarator in declarators(node, cx) {
            if let Some(name) = cx.child(declarator, f.name) {
                open(name, declarator.end_byte(), scope);
            }
        }
    }
    fn exit<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let mut locals = cx.memory::<Locals>();
        let Locals { open, unread } = std::mem::take(&mut *locals);
        for (start, end) in unread.into_iter().chain(open.iter().map(|l| l.name)) {
            if let Some(name) = identifier_at(node, start, end) {
                emit(name, &[("name", cx.text[start..end].to_string())]);
            }
        }
    }
}

/// The identifier `node` may read open locals of its name: those it reads are
/// closed, and those whose scope it is past are unread.
fn read<'t>(node: Node<'t>, cx: &Cx<'_, 't>, locals: &mut Locals) {
    let (k, f) = (kinds(), fields());
    let (start, end) = (node.start_byte(), node.end_byte());
    let word = &cx.text.as_bytes()[start..end];
    let mut path = None;
    let mut i = 0;
    while i < locals.open.len() {
        let local = locals.open[i];
        if start >= local.to {
            locals.unread.push(local.name);
            locals.open.swap_remove(i);
            continue;
        }
        if start >= local.from && &cx.text.as_bytes()[local.name.0..local.name.1] == word {
            let path = path.get_or_insert_with(|| {
                let mut p = cx.ancestors.to_vec();
                p.push(node);
                p
            });
            if !is_declaration(path)
                && !is_child(path, k.field_access, f.field)
                && !is_child(path, k.method_invocation, f.name)
                && !is_write(path)
            {
                locals.open.swap_remove(i);
                continue;
            }
        }
        i += 1;
    }
}
