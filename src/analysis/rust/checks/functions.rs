//! Checks over one function: how many parameters, how long, how hard to follow
//! (cognitive complexity), how deeply its control flow nests, and whether a public
//! one returns `Box<dyn Error>`. The measures walk the function's body only, and
//! stop at nested items, which are functions of their own.

use super::{Check, Cx, FnNode, Kind, Node, Range, Values};
use proc_macro2::Span;
use syn::visit::{self, Visit};
use syn::{BinOp, Expr, ExprIf, Type};

fn function<'n, 'a>(node: &'n Node<'a>) -> Option<&'n FnNode<'a>> {
    match node {
        Node::Fn(f) => Some(f),
        _ => None,
    }
}

fn name_range(f: &FnNode) -> Range {
    let span = f.sig.ident.span();
    (span, span)
}

/// More parameters than `max` (clippy's `too_many_arguments` counts `self` too).
pub struct ParameterCount {
    pub max: u32,
}

impl Check for ParameterCount {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Fn]
    }
    fn values(&self) -> &'static [&'static str] {
        &["name", "count", "max"]
    }
    fn check(&self, node: &Node, _cx: &Cx, emit: &mut dyn FnMut(Range, Values)) {
        let Some(f) = function(node) else { return };
        let count = f.sig.inputs.len() as u32;
        // A trait impl's signature is the trait's: the finding belongs there.
        if count <= self.max || f.in_trait_impl {
            return;
        }
        emit(
            name_range(f),
            &[
                ("name", f.sig.ident.to_string()),
                ("count", count.to_string()),
                ("max", self.max.to_string()),
            ],
        );
    }
}

/// A body of more than `max` lines of code: blank lines and lines holding only a
/// comment do not count, as in clippy's `too_many_lines`.
pub struct FunctionLength {
    pub max: u32,
}

impl Check for FunctionLength {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Fn]
    }
    fn values(&self) -> &'static [&'static str] {
        &["name", "lines", "max"]
    }
    fn check(&self, node: &Node, cx: &Cx, emit: &mut dyn FnMut(Range, Values)) {
        let Some(block) = function(node).and_then(|f| f.block) else {
            return;
        };
        let first = cx.line(block.brace_token.span.open()) + 1;
        let last = block.brace_token.span.close().start().line as u32;
        if last.saturating_sub(first) < self.max {
            return; // not even the raw line count exceeds the limit
        }
        // `first..last` are the lines between the braces (none for `{}` on one line).
        let mut comment_only = vec![false; last.saturating_sub(first) as usize];
        for c in cx.scan.comments.iter().filter(|c| c.own_line) {
            for line in c.line.max(first)..c.end_line.saturating_add(1).min(last) {
                comment_only[(line - first) as usize] = true;
            }
        }
        let lines = (first..last)
            .filter(|&l| {
                !comment_only[(l - first) as usize]
                    && !cx.scan.line_text(cx.text, l).trim().is_empty()
            })
            .count() as u32;
        if lines > self.max {
            if let Some(f) = function(node) {
                emit(
                    name_range(f),
                    &[
                        ("name", f.sig.ident.to_string()),
                        ("lines", lines.to_string()),
                        ("max", self.max.to_string()),
                    ],
                );
            }
        }
    }
}

/// Cognitive complexity above `max`, by SonarSource's definition adapted to Rust.
pub struct CognitiveComplexity {
    pub max: u32,
}

impl Check for CognitiveComplexity {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Fn]
    }
    fn values(&self) -> &'static [&'static str] {
        &["name", "complexity", "max"]
    }
    fn check(&self, node: &Node, _cx: &Cx, emit: &mut dyn FnMut(Range, Values)) {
        let Some(f) = function(node) else { return };
        let Some(block) = f.block else { return };
        let mut score = Cognitive::default();
        score.visit_block(block);
        if score.total > self.max {
            emit(
                name_range(f),
                &[
                    ("name", f.sig.ident.to_string()),
                    ("complexity", score.total.to_string()),
                    ("max", self.max.to_string()),
                ],
            );
        }
    }
}

/// SonarSource's cognitive complexity: +1 for each break in the linear flow (`if`,
/// `else`, `match`, loops, labelled `break`/`continue`, each run of like `&&`/`||`
/// operators), plus the nesting level for the structures that nest (`if`, `match`,
/// loops). Closures nest without adding. `?` adds nothing: it is Rust's normal way
/// to pass an error on.
#[derive(Default)]
struct Cognitive {
    total: u32,
    nesting: u32,
    /// The current expression is an operand of a `&&`/`||` already counted.
    in_logical_run: bool,
}

impl Cognitive {
    fn nested(&mut self, f: impl FnOnce(&mut Self)) {
        self.nesting += 1;
        f(self);
        self.nesting -= 1;
    }

    fn structure(&mut self, f: impl FnOnce(&mut Self)) {
        self.total += 1 + self.nesting;
        self.nested(f);
    }
}

fn logical(op: &BinOp) -> Option<bool> {
    match op {
        BinOp::And(_) => Some(true),
        BinOp::Or(_) => Some(false),
        _ => None,
    }
}

/// The operators of a `&&`/`||` tree, in source order (parentheses end a run).
fn logical_ops(b: &syn::ExprBinary, out: &mut Vec<bool>) {
    if let Some(and) = logical(&b.op) {
        for (operand, op) in [(&*b.left, Some(and)), (&*b.right, None)] {
            if let Expr::Binary(inner) = operand {
                logical_ops(inner, out);
            }
            out.extend(op);
        }
    }
}

impl<'ast> Visit<'ast> for Cognitive {
    fn visit_item(&mut self, _: &'ast syn::Item) {}

    fn visit_expr_if(&mut self, i: &'ast ExprIf) {
        self.total += 1 + self.nesting;
        self.visit_expr(&i.cond);
        self.nested(|s| s.visit_block(&i.then_branch));
        let mut branch = i.else_branch.as_ref().map(|(_, e)| &**e);
        while let Some(e) = branch {
            self.total += 1;
            match e {
                Expr::If(elif) => {
                    self.visit_expr(&elif.cond);
                    self.nested(|s| s.visit_block(&elif.then_branch));
                    branch = elif.else_branch.as_ref().map(|(_, e)| &**e);
                }
                other => {
                    self.nested(|s| s.visit_expr(other));
                    branch = None;
                }
            }
        }
    }

    fn visit_expr_match(&mut self, i: &'ast syn::ExprMatch) {
        self.visit_expr(&i.expr);
        self.structure(|s| i.arms.iter().for_each(|a| s.visit_arm(a)));
    }

    fn visit_expr_for_loop(&mut self, i: &'ast syn::ExprForLoop) {
        self.visit_expr(&i.expr);
        self.structure(|s| s.visit_block(&i.body));
    }

    fn visit_expr_while(&mut self, i: &'ast syn::ExprWhile) {
        self.visit_expr(&i.cond);
        self.structure(|s| s.visit_block(&i.body));
    }

    fn visit_expr_loop(&mut self, i: &'ast syn::ExprLoop) {
        self.structure(|s| s.visit_block(&i.body));
    }

    fn visit_expr_closure(&mut self, i: &'ast syn::ExprClosure) {
        self.nested(|s| s.visit_expr(&i.body));
    }

    fn visit_expr_break(&mut self, i: &'ast syn::ExprBreak) {
        self.total += u32::from(i.label.is_some());
        visit::visit_expr_break(self, i);
    }

    fn visit_expr_continue(&mut self, i: &'ast syn::ExprContinue) {
        self.total += u32::from(i.label.is_some());
    }

    fn visit_expr_binary(&mut self, i: &'ast syn::ExprBinary) {
        if logical(&i.op).is_none() {
            self.in_logical_run = false;
            visit::visit_expr_binary(self, i);
            return;
        }
        if !self.in_logical_run {
            let mut ops = Vec::new();
            logical_ops(i, &mut ops);
            self.total += 1 + ops.windows(2).filter(|w| w[0] != w[1]).count() as u32;
        }
        for operand in [&*i.left, &*i.right] {
            self.in_logical_run = matches!(operand, Expr::Binary(b) if logical(&b.op).is_some());
            self.visit_expr(operand);
        }
        self.in_logical_run = false;
    }
}

/// Control flow nested deeper than `max`: each `if`, `match` or loop that is the
/// first to pass the limit is flagged (what it holds is not flagged again).
pub struct NestingDepth {
    pub max: u32,
}

impl Check for NestingDepth {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Fn]
    }
    fn values(&self) -> &'static [&'static str] {
        &["depth", "max"]
    }
    fn check(&self, node: &Node, _cx: &Cx, emit: &mut dyn FnMut(Range, Values)) {
        let Some(block) = function(node).and_then(|f| f.block) else {
            return;
        };
        let mut nesting = Nesting {
            depth: 0,
            limit: self.max + 1,
            found: Vec::new(),
        };
        nesting.visit_block(block);
        for span in nesting.found {
            emit(
                (span, span),
                &[
                    ("depth", nesting.limit.to_string()),
                    ("max", self.max.to_string()),
                ],
            );
        }
    }
}

struct Nesting {
    depth: u32,
    limit: u32,
    /// The keyword of each structure at depth `limit`.
    found: Vec<Span>,
}

impl Nesting {
    fn enter(&mut self, keyword: Span, f: impl FnOnce(&mut Self)) {
        self.depth += 1;
        if self.depth == self.limit {
            self.found.push(keyword);
        }
        f(self);
        self.depth -= 1;
    }
}

impl<'ast> Visit<'ast> for Nesting {
    fn visit_item(&mut self, _: &'ast syn::Item) {}

    fn visit_expr_if(&mut self, i: &'ast ExprIf) {
        self.enter(i.if_token.span, |s| {
            s.visit_expr(&i.cond);
            s.visit_block(&i.then_branch);
        });
        // `else if` continues the same `if` at the same depth.
        let mut branch = i.else_branch.as_ref().map(|(_, e)| &**e);
        while let Some(e) = branch {
            match e {
                Expr::If(elif) => {
                    self.depth += 1;
                    self.visit_expr(&elif.cond);
                    self.visit_block(&elif.then_branch);
                    self.depth -= 1;
                    branch = elif.else_branch.as_ref().map(|(_, e)| &**e);
                }
                other => {
                    self.depth += 1;
                    self.visit_expr(other);
                    self.depth -= 1;
                    branch = None;
                }
            }
        }
    }

    fn visit_expr_match(&mut self, i: &'ast syn::ExprMatch) {
        self.visit_expr(&i.expr);
        self.enter(i.match_token.span, |s| {
            i.arms.iter().for_each(|a| s.visit_arm(a))
        });
    }

    fn visit_expr_for_loop(&mut self, i: &'ast syn::ExprForLoop) {
        self.visit_expr(&i.expr);
        self.enter(i.for_token.span, |s| s.visit_block(&i.body));
    }

    fn visit_expr_while(&mut self, i: &'ast syn::ExprWhile) {
        self.enter(i.while_token.span, |s| {
            s.visit_expr(&i.cond);
            s.visit_block(&i.body);
        });
    }

    fn visit_expr_loop(&mut self, i: &'ast syn::ExprLoop) {
        self.enter(i.loop_token.span, |s| s.visit_block(&i.body));
    }
}

/// A `pub fn` whose signature returns `Box<dyn Error>`: callers of a library can
/// only print such an error, not match on it.
pub struct BoxDynErrorInPubFn;

impl Check for BoxDynErrorInPubFn {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Fn]
    }
    fn values(&self) -> &'static [&'static str] {
        &["name"]
    }
    fn check(&self, node: &Node, _cx: &Cx, emit: &mut dyn FnMut(Range, Values)) {
        let Some(f) = function(node) else { return };
        if !matches!(f.vis, Some(syn::Visibility::Public(_))) {
            return;
        }
        let syn::ReturnType::Type(arrow, ty) = &f.sig.output else {
            return;
        };
        let mut finder = BoxDynError(false);
        finder.visit_type(ty);
        if finder.0 {
            emit(
                (arrow.spans[0], super::range_of(&**ty).1),
                &[("name", f.sig.ident.to_string())],
            );
        }
    }
}

/// Whether a type mentions `Box<dyn …Error…>`.
struct BoxDynError(bool);

impl<'ast> Visit<'ast> for BoxDynError {
    fn visit_type_path(&mut self, i: &'ast syn::TypePath) {
        if let Some(last) = i.path.segments.last() {
            if last.ident == "Box" {
                if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                    self.0 |= args.args.iter().any(|a| {
                        matches!(a, syn::GenericArgument::Type(Type::TraitObject(t))
                            if t.bounds.iter().any(|b| matches!(b,
                                syn::TypeParamBound::Trait(tb)
                                    if tb.path.segments.last().is_some_and(|s| s.ident == "Error"))))
                    });
                }
            }
        }
        visit::visit_type_path(self, i);
    }
}
