//! `collapsible-if`: an `if` without `else` whose only content is another `if`
//! without `else`, directly or as the only statement of its block (comments
//! beside it do not count). A built-in rather than a query: the query had to
//! step through every statement of every `if`'s block, and most blocks hold
//! several, which the block's count of named children tells at once.

use super::super::kinds::{fields, kinds};
use super::{Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct CollapsibleIf;

impl Check for CollapsibleIf {
    fn kinds(&self) -> &'static [&'static str] {
        &["if_statement"]
    }
    fn values(&self) -> &'static [&'static str] {
        &[]
    }
    fn check<'t>(&self, node: Node<'t>, _: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let (k, f) = (kinds(), fields());
        let without_else =
            |n: Node| n.kind_id() == k.if_statement && n.child_by_field_id(f.alternative).is_none();
        let Some(consequence) = node.child_by_field_id(f.consequence) else {
            return;
        };
        let inner = if consequence.kind_id() == k.block {
            let mut statements = (0..consequence.named_child_count())
                .filter_map(|i| consequence.named_child(i as u32))
                .filter(|c| c.kind_id() != k.line_comment && c.kind_id() != k.block_comment);
            match (statements.next(), statements.next()) {
                (Some(only), None) => only,
                _ => return,
            }
        } else {
            consequence
        };
        if without_else(inner) && without_else(node) {
            emit(inner, &[]);
        }
    }
}
