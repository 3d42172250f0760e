//! `let _ = call();` (or `_ = call();`) where the call is one that reports failure
//! through its result (`send`, `write`, `flush`, …): the error is dropped without
//! a look. Syntax cannot tell a `Result` from any other value, so the calls are
//! named in the rule's `calls` parameter (clippy's `let_underscore_must_use`
//! knows the types; this is its syntax-only echo).

use super::{Check, Cx, Kind, Node, Range, Values};
use syn::Expr;

pub struct DiscardedResult {
    pub calls: Vec<String>,
}

/// The name of the call whose value `expr` is: a method or a function's last
/// path segment, seen through `.await` and parentheses.
fn call_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::MethodCall(m) => Some(m.method.to_string()),
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        },
        Expr::Await(a) => call_name(&a.base),
        Expr::Paren(p) => call_name(&p.expr),
        _ => None,
    }
}

impl Check for DiscardedResult {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Discard]
    }
    fn values(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn check(&self, node: &Node, _cx: &Cx, emit: &mut dyn FnMut(Range, Values)) {
        let Node::Discard(expr, underscore) = node else {
            return;
        };
        let Some(name) = call_name(expr) else { return };
        if self.calls.contains(&name) {
            emit((*underscore, super::range_of(*expr).1), &[("call", name)]);
        }
    }
}
