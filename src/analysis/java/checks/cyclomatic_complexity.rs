//! `cyclomatic-complexity`: methods, constructors and initialiser blocks with
//! more than `max` decision points, counted like Checkstyle's
//! `CyclomaticComplexity`: 1, plus one per `if`, loop, `catch`, `case` label,
//! `?:`, `&&` and `||`. Lambdas count towards their method; nested and
//! anonymous classes' methods are their own.
//!
//! Counted on the engine's walk: a method or initialiser starts a tally, each
//! decision adds to the innermost one, and its end reports it.

use super::super::kinds::{fields, kinds};
use super::{is_body, is_method, text_of, Along, Check, Cx, Tally, Values};
use tree_sitter::Node;

pub(super) struct CyclomaticComplexity {
    pub max: i64,
}

/// The bodies being measured, and per ancestor the index of the innermost
/// class, enum or interface body around it.
#[derive(Default)]
struct State {
    tallies: Vec<Tally>,
    type_bodies: Along<Option<usize>>,
}

/// Where a count starts and ends.
const MEASURED: &[&str] = &[
    "method_declaration",
    "constructor_declaration",
    "compact_constructor_declaration",
    "static_initializer",
    "block",
];

impl Check for CyclomaticComplexity {
    fn kinds(&self) -> &'static [&'static str] {
        &[
            "method_declaration",
            "constructor_declaration",
            "compact_constructor_declaration",
            "static_initializer",
            "block",
            "if_statement",
            "while_statement",
            "do_statement",
            "for_statement",
            "enhanced_for_statement",
            "ternary_expression",
            "catch_clause",
            "switch_label",
            "&&",
            "||",
        ]
    }
    fn exit_kinds(&self) -> &'static [&'static str] {
        MEASURED
    }
    fn values(&self) -> &'static [&'static str] {
        &["name", "complexity", "max"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, _: &mut dyn FnMut(Node<'t>, Values)) {
        let k = kinds();
        let id = cx.kind;
        let mut state = cx.memory::<State>();
        let State {
            tallies,
            type_bodies,
        } = &mut *state;
        if let Some(body) = measured_body(node, cx) {
            // The body is counted, not an annotation's argument, say.
            tallies.push(Tally {
                node: node.id(),
                depth: cx.ancestors.len() + usize::from(body.id() != node.id()),
                count: 0,
            });
            return;
        }
        // Not measured: an abstract method, a block in a method.
        if is_method(id) || id == k.static_initializer || id == k.block {
            return;
        }
        if id == k.switch_label && node.child(0).is_none_or(|c| c.kind_id() != k.case) {
            return;
        }
        let Some(tally) = tallies.last_mut() else {
            return;
        };
        // Below the tally's body, and not in the field of a nested class.
        let Some(inside) = cx.ancestors.get(tally.depth..) else {
            return;
        };
        if inside.first().is_none_or(|b| !is_body(*b)) {
            return;
        }
        let innermost = type_bodies.of(cx.ancestors, |above, i, n| {
            let body = [k.class_body, k.enum_body, k.interface_body].contains(&n.kind_id());
            if body {
                Some(i)
            } else {
                above.flatten()
            }
        });
        if innermost.last().copied().flatten() >= Some(tally.depth) {
            return;
        }
        tally.count += 1;
    }
    fn exit<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let mut state = cx.memory::<State>();
        let Some(tally) = state.tallies.pop_if(|t| t.node == node.id()) else {
            return;
        };
        let complexity = 1 + tally.count;
        if complexity <= self.max {
            return;
        }
        let k = kinds();
        // An initialiser is reported at its start, a method at its name.
        let (target, name) = match cx.child(node, fields().name) {
            Some(name) => (name, text_of(name, cx.text)),
            None if node.kind_id() == k.block => (node, "instance initializer"),
            None => (node, "static initializer"),
        };
        emit(
            target,
            &[
                ("name", name.to_string()),
                ("complexity", complexity.to_string()),
                ("max", self.max.to_string()),
            ],
        );
    }
}

/// The body of `node` when it is measured: a method's or a constructor's
/// (none when abstract), a static initialiser's, or an instance initialiser,
/// a block right in a class body.
fn measured_body<'t>(node: Node<'t>, cx: &Cx<'_, 't>) -> Option<Node<'t>> {
    let k = kinds();
    let id = node.kind_id();
    if id == k.static_initializer {
        return node.named_child(0);
    }
    if id == k.block {
        let parent = cx.ancestor(0)?;
        return (parent.kind_id() == k.class_body || parent.kind_id() == k.enum_body_declarations)
            .then_some(node);
    }
    is_method(id)
        .then(|| cx.child(node, fields().body))
        .flatten()
}
