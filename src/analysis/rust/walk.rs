//! The one pass over a parsed file. It keeps track of where it is (test code, a
//! `main` function, the statement it is in), matches the declarative rules' names
//! at macro invocations, method calls and function calls, shows each built-in
//! check the kinds of node it subscribed to, and after the tree reads the
//! comments: suppressions and comment words.
//!
//! syn leaves macro arguments as tokens. The walk parses the arguments of
//! bracketed invocations as expressions (`println!("{}", x.unwrap())`) and braced
//! ones as statements, and visits them like any other code; bodies that are not
//! Rust expressions (`macro_rules!`, DSLs) are skipped.

use super::checks::{self, Cx, FnNode, Kind, Node, Range, Scope, Values};
use super::lexer::Scan;
use super::{NameEntry, RustEngine};
use crate::analysis::{FileReport, Hit, Pos};
use crate::rules::Context;
use proc_macro2::{LineColumn, Span, TokenTree};
use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};
use syn::{Attribute, Expr, Item, MacroDelimiter};

pub struct Walk<'a> {
    engine: &'a RustEngine,
    text: &'a str,
    scan: &'a Scan,
    /// The whole file is test code or a binary's, by its path.
    test_file: bool,
    bin_file: bool,
    crate_root: bool,
    /// How many enclosing items are test code / `fn main`.
    in_test: u32,
    in_main: u32,
    in_trait_impl: bool,
    statement: Option<Span>,
    /// Line ranges of test code and of `main` bodies, for comment words.
    test_lines: Vec<(u32, u32)>,
    main_lines: Vec<(u32, u32)>,
    /// `use` declarations seen: (name in scope, full path), and glob prefixes.
    imports: Vec<(String, Vec<String>)>,
    glob_imports: Vec<Vec<String>>,
    /// Calls of a bare name (`exit(1)`) that match a path rule only if the file
    /// imports that path: (entry index in `paths`, range).
    pending: Vec<(usize, Range)>,
    hits: Vec<Hit>,
}

impl<'a> Walk<'a> {
    pub fn run(
        engine: &'a RustEngine,
        file: &syn::File,
        text: &'a str,
        path: &str,
        scan: &'a Scan,
        report: &mut FileReport,
    ) {
        let mut parts = path.split('/').rev();
        let name = parts.next().unwrap_or("");
        let folders: Vec<&str> = parts.collect();
        let mut walk = Walk {
            engine,
            text,
            scan,
            test_file: folders
                .iter()
                .any(|f| matches!(*f, "tests" | "benches" | "examples")),
            bin_file: matches!(name, "main.rs" | "build.rs") || folders.contains(&"bin"),
            crate_root: matches!(name, "lib.rs" | "main.rs"),
            in_test: 0,
            in_main: 0,
            in_trait_impl: false,
            statement: None,
            test_lines: Vec::new(),
            main_lines: Vec::new(),
            imports: Vec::new(),
            glob_imports: Vec::new(),
            pending: Vec::new(),
            hits: Vec::new(),
        };
        let scope = if walk.crate_root {
            Scope::Crate
        } else {
            Scope::Module
        };
        walk.dispatch(Kind::ModuleAttrs, &Node::ModuleAttrs(&file.attrs, scope));
        visit::visit_file(&mut walk, file);
        walk.resolve_pending();
        walk.comments(report);
        report.hits.append(&mut walk.hits);
    }

    /// Whether rule `rule` applies where the walk is now.
    fn applies(&self, rule: usize) -> bool {
        let in_test = self.test_file || self.in_test > 0;
        self.engine.rules[rule].context.iter().all(|c| match c {
            Context::NotInTests => !in_test,
            Context::NotInBin => !self.bin_file,
            Context::NotInMain => self.in_main == 0,
        })
    }

    fn emit(&mut self, rule: usize, (start, end): Range, values: Values) {
        if !self.applies(rule) {
            return;
        }
        let compiled = &self.engine.rules[rule];
        let message = compiled.message.render(&|name| {
            values
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
        });
        let hit = Hit {
            rule: compiled.index,
            start: self.pos(start.start()),
            end: self.pos(end.end()),
            message,
        };
        self.hits.push(hit);
    }

    /// proc-macro2 counts columns in characters; hits count bytes.
    fn pos(&self, at: LineColumn) -> Pos {
        let line = self.scan.line_text(self.text, at.line as u32);
        let byte = line
            .char_indices()
            .nth(at.column)
            .map_or(line.len(), |(b, _)| b);
        Pos {
            line: at.line.saturating_sub(1) as u32,
            byte_column: byte as u32,
        }
    }

    fn dispatch(&mut self, kind: Kind, node: &Node) {
        let engine = self.engine;
        if engine.by_kind[kind as usize].is_empty() {
            return;
        }
        let cx = Cx {
            text: self.text,
            scan: self.scan,
            statement: self.statement,
        };
        for &slot in &engine.by_kind[kind as usize] {
            let (rule, check) = &engine.checks[slot];
            check.check(node, &cx, &mut |range, values| {
                self.emit(*rule, range, values)
            });
        }
    }

    /// Runs `f` inside test code and/or `main`, as `attrs` and `is_main` say.
    fn scoped(
        &mut self,
        attrs: &[Attribute],
        is_main: bool,
        lines: impl FnOnce() -> (u32, u32),
        f: impl FnOnce(&mut Self),
    ) {
        let test = attrs.iter().any(is_test_attribute);
        if test || is_main {
            let lines = lines();
            if test {
                self.test_lines.push(lines);
            }
            if is_main {
                self.main_lines.push(lines);
            }
        }
        self.in_test += u32::from(test);
        self.in_main += u32::from(is_main);
        f(self);
        self.in_test -= u32::from(test);
        self.in_main -= u32::from(is_main);
    }

    /// Shows a function to the checks, then walks its body, inside test code or
    /// `main` as its attributes and name say. `end` is its last token.
    fn function(&mut self, node: FnNode, is_main: bool, end: Span, body: impl FnOnce(&mut Self)) {
        let attrs = node.attrs;
        let first = attrs
            .first()
            .map_or(node.sig.fn_token.span, |a| a.pound_token.span);
        self.scoped(
            attrs,
            is_main,
            || lines_of(first, end),
            |walk| {
                walk.dispatch(Kind::Fn, &Node::Fn(node));
                body(walk);
            },
        );
    }

    /// Matches a written path against the entries of one name list.
    fn match_names(
        &mut self,
        list: &[NameEntry],
        written: &syn::Path,
        has_arguments: bool,
        range: Range,
    ) {
        for entry in list {
            if !entry.admits(has_arguments) || !suffix_matches(written, &entry.segments) {
                continue;
            }
            let name = checks::path_text(written);
            self.emit(entry.rule, range, &[("name", name)]);
        }
    }

    fn resolve_pending(&mut self) {
        let engine = self.engine;
        for (entry, range) in std::mem::take(&mut self.pending) {
            let entry = &engine.paths[entry];
            let Some((last, parent)) = entry.segments.split_last() else {
                continue;
            };
            let imported = self
                .imports
                .iter()
                .any(|(name, full)| name == last && *full == entry.segments)
                || self.glob_imports.iter().any(|g| g == parent);
            if imported {
                // Context was checked when the call was seen.
                let compiled = &engine.rules[entry.rule];
                let message = compiled
                    .message
                    .render(&|h| (h == "name").then(|| last.clone()));
                let hit = Hit {
                    rule: compiled.index,
                    start: self.pos(range.0.start()),
                    end: self.pos(range.1.end()),
                    message,
                };
                self.hits.push(hit);
            }
        }
    }

    /// Suppression comments for the driver, and the comment-word rules.
    fn comments(&mut self, report: &mut FileReport) {
        let engine = self.engine;
        for c in &self.scan.comments {
            let text = &self.text[c.start..c.end];
            report
                .suppressions
                .comment(text, c.line, c.end_line, c.own_line);
            for entry in &engine.words {
                let word = &entry.segments[0];
                let Some(at) = find_word(text, word) else {
                    continue;
                };
                let compiled = &engine.rules[entry.rule];
                let inside =
                    |ranges: &[(u32, u32)]| ranges.iter().any(|&(a, b)| (a..=b).contains(&c.line));
                let skip = compiled.context.iter().any(|ctx| match ctx {
                    Context::NotInTests => self.test_file || inside(&self.test_lines),
                    Context::NotInBin => self.bin_file,
                    Context::NotInMain => inside(&self.main_lines),
                });
                if skip {
                    continue;
                }
                // The finding spans the comment from the word to its line's end.
                let line_start = self.scan.line_starts[(c.line - 1) as usize];
                let line_end = self.scan.line_text(self.text, c.line).len();
                let message = compiled
                    .message
                    .render(&|h| (h == "name").then(|| word.clone()));
                self.hits.push(Hit {
                    rule: compiled.index,
                    start: Pos {
                        line: c.line - 1,
                        byte_column: (c.start + at - line_start) as u32,
                    },
                    end: Pos {
                        line: c.line - 1,
                        byte_column: line_end.min(c.end - line_start) as u32,
                    },
                    message,
                });
            }
        }
    }

    /// Visits a macro's arguments when they parse as Rust.
    fn macro_arguments(&mut self, mac: &syn::Macro) {
        if mac.path.is_ident("macro_rules") {
            return;
        }
        match mac.delimiter {
            MacroDelimiter::Paren(_) | MacroDelimiter::Bracket(_) => {
                if let Ok(args) =
                    mac.parse_body_with(Punctuated::<Expr, syn::Token![,]>::parse_terminated)
                {
                    args.iter().for_each(|e| self.visit_expr(e));
                }
            }
            MacroDelimiter::Brace(_) => {
                if let Ok(stmts) = mac.parse_body_with(syn::Block::parse_within) {
                    stmts.iter().for_each(|s| self.visit_stmt(s));
                }
            }
        }
    }

    fn record_imports(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.record_imports(&p.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let mut full = prefix.clone();
                full.push(n.ident.to_string());
                self.imports.push((n.ident.to_string(), full));
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix.clone();
                full.push(r.ident.to_string());
                self.imports.push((r.rename.to_string(), full));
            }
            syn::UseTree::Glob(_) => self.glob_imports.push(prefix.clone()),
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.record_imports(t, prefix)),
        }
    }
}

/// The 1-based lines from the start of `first` to the end of `last`.
fn lines_of(first: Span, last: Span) -> (u32, u32) {
    (first.start().line as u32, last.end().line as u32)
}

/// `#[test]`, `#[tokio::test]`, `#[bench]`, or `#[cfg(test)]` (also inside
/// `all(...)`/`any(...)`, but not under `not(...)`).
fn is_test_attribute(attr: &Attribute) -> bool {
    let path = attr.path();
    if path
        .segments
        .last()
        .is_some_and(|s| s.ident == "test" || s.ident == "bench")
    {
        return true;
    }
    if !path.is_ident("cfg") {
        return false;
    }
    let syn::Meta::List(list) = &attr.meta else {
        return false;
    };
    mentions_test(list.tokens.clone())
}

fn mentions_test(tokens: proc_macro2::TokenStream) -> bool {
    let mut after_not = false;
    for t in tokens {
        match t {
            TokenTree::Ident(i) if i == "test" => return true,
            TokenTree::Ident(i) => after_not = i == "not",
            TokenTree::Group(g) if !after_not => {
                if mentions_test(g.stream()) {
                    return true;
                }
            }
            _ => after_not = false,
        }
    }
    false
}

/// Whether the written path and a rule's path agree on their common tail:
/// `process::exit` and `std::process::exit` do, `exit` and `std::process::exit`
/// do too (callers check that a bare name is imported).
fn suffix_matches(written: &syn::Path, segments: &[String]) -> bool {
    written
        .segments
        .iter()
        .rev()
        .zip(segments.iter().rev())
        .all(|(w, s)| w.ident == s)
}

/// Byte offset of `word` in `text` where it stands as a word of its own.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        !text[..i].chars().next_back().is_some_and(is_word)
            && !text[i + word.len()..].chars().next().is_some_and(is_word)
    })
}

fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::ExternCrate(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::ForeignMod(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::TraitAlias(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Union(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

impl<'ast> Visit<'ast> for Walk<'_> {
    fn visit_item(&mut self, item: &'ast Item) {
        match item {
            // Functions and modules know their extent cheaply; see below.
            Item::Fn(_) | Item::Mod(_) => visit::visit_item(self, item),
            _ => {
                let lines = || {
                    let (first, last) = checks::range_of(item);
                    lines_of(first, last)
                };
                self.scoped(item_attrs(item), false, lines, |walk| {
                    visit::visit_item(walk, item)
                });
            }
        }
    }

    fn visit_item_fn(&mut self, i: &'ast syn::ItemFn) {
        let node = FnNode {
            attrs: &i.attrs,
            vis: Some(&i.vis),
            sig: &i.sig,
            block: Some(&i.block),
            in_trait_impl: false,
        };
        let end = i.block.brace_token.span.close();
        self.function(node, i.sig.ident == "main", end, |walk| {
            visit::visit_item_fn(walk, i)
        });
    }

    fn visit_impl_item_fn(&mut self, i: &'ast syn::ImplItemFn) {
        let node = FnNode {
            attrs: &i.attrs,
            vis: (!self.in_trait_impl).then_some(&i.vis),
            sig: &i.sig,
            block: Some(&i.block),
            in_trait_impl: self.in_trait_impl,
        };
        let end = i.block.brace_token.span.close();
        self.function(node, false, end, |walk| visit::visit_impl_item_fn(walk, i));
    }

    fn visit_trait_item_fn(&mut self, i: &'ast syn::TraitItemFn) {
        let node = FnNode {
            attrs: &i.attrs,
            vis: None,
            sig: &i.sig,
            block: i.default.as_ref(),
            in_trait_impl: false,
        };
        let end = i
            .default
            .as_ref()
            .map_or(i.sig.ident.span(), |b| b.brace_token.span.close());
        self.function(node, false, end, |walk| visit::visit_trait_item_fn(walk, i));
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        if let Some(u) = &i.unsafety {
            self.dispatch(Kind::Unsafe, &Node::Unsafe(u.span, None));
        }
        let outer = std::mem::replace(&mut self.in_trait_impl, i.trait_.is_some());
        visit::visit_item_impl(self, i);
        self.in_trait_impl = outer;
    }

    fn visit_item_mod(&mut self, i: &'ast syn::ItemMod) {
        let first = i
            .attrs
            .first()
            .map_or(i.mod_token.span, |a| a.pound_token.span);
        let last = i
            .content
            .as_ref()
            .map_or(i.ident.span(), |(brace, _)| brace.span.close());
        self.scoped(
            &i.attrs,
            false,
            || lines_of(first, last),
            |walk| {
                walk.dispatch(
                    Kind::ModuleAttrs,
                    &Node::ModuleAttrs(&i.attrs, Scope::Module),
                );
                let outer = std::mem::replace(&mut walk.in_trait_impl, false);
                visit::visit_item_mod(walk, i);
                walk.in_trait_impl = outer;
            },
        );
    }

    fn visit_item_use(&mut self, i: &'ast syn::ItemUse) {
        self.record_imports(&i.tree, &mut Vec::new());
        self.dispatch(Kind::Use, &Node::Use(i));
    }

    fn visit_stmt(&mut self, s: &'ast syn::Stmt) {
        let outer = self.statement;
        self.statement = match s {
            syn::Stmt::Local(l) => Some(l.let_token.span),
            syn::Stmt::Expr(e, _) => first_token(e),
            syn::Stmt::Macro(m) => m.mac.path.segments.first().map(|s| s.ident.span()),
            syn::Stmt::Item(_) => None,
        };
        visit::visit_stmt(self, s);
        self.statement = outer;
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let (syn::Pat::Wild(w), Some(init)) = (&l.pat, &l.init) {
            self.dispatch(
                Kind::Discard,
                &Node::Discard(&init.expr, w.underscore_token.span),
            );
        }
        visit::visit_local(self, l);
    }

    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        if let Expr::Infer(underscore) = &*a.left {
            self.dispatch(
                Kind::Discard,
                &Node::Discard(&a.right, underscore.underscore_token.span),
            );
        }
        visit::visit_expr_assign(self, a);
    }

    fn visit_expr_unsafe(&mut self, u: &'ast syn::ExprUnsafe) {
        self.dispatch(
            Kind::Unsafe,
            &Node::Unsafe(u.unsafe_token.span, Some(&u.block)),
        );
        visit::visit_expr_unsafe(self, u);
    }

    fn visit_expr_cast(&mut self, c: &'ast syn::ExprCast) {
        self.dispatch(Kind::Cast, &Node::Cast(c));
        visit::visit_expr_cast(self, c);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let engine = self.engine;
        if !engine.methods.is_empty() {
            let range = (m.method.span(), m.paren_token.span.close());
            for entry in &engine.methods {
                if m.method == entry.segments[0] && entry.admits(!m.args.is_empty()) {
                    self.emit(entry.rule, range, &[("name", m.method.to_string())]);
                }
            }
        }
        visit::visit_expr_method_call(self, m);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        let engine = self.engine;
        if let (false, Expr::Path(p)) = (engine.paths.is_empty(), &*c.func) {
            let written = &p.path;
            let first = written.segments.first().map(|s| s.ident.span());
            if let Some(first) = first {
                let range = (first, c.paren_token.span.close());
                let bare = written.segments.len() == 1 && written.leading_colon.is_none();
                for (k, entry) in engine.paths.iter().enumerate() {
                    let args_ok = entry.admits(!c.args.is_empty());
                    if !args_ok || !suffix_matches(written, &entry.segments) {
                        continue;
                    }
                    if bare && entry.segments.len() > 1 {
                        if self.applies(entry.rule) {
                            self.pending.push((k, range));
                        }
                    } else {
                        self.emit(entry.rule, range, &[("name", checks::path_text(written))]);
                    }
                }
            }
        }
        visit::visit_expr_call(self, c);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let engine = self.engine;
        if let Some(first) = mac.path.segments.first() {
            let range = (first.ident.span(), mac.delimiter.span().close());
            self.match_names(&engine.macros, &mac.path, !mac.tokens.is_empty(), range);
        }
        self.macro_arguments(mac);
    }
}

/// The first token of an expression, for the common shapes of a statement.
fn first_token(e: &Expr) -> Option<Span> {
    match e {
        Expr::Path(p) => p.path.segments.first().map(|s| s.ident.span()),
        Expr::MethodCall(m) => first_token(&m.receiver),
        Expr::Call(c) => first_token(&c.func),
        Expr::Assign(a) => first_token(&a.left),
        Expr::Binary(b) => first_token(&b.left),
        Expr::Field(f) => first_token(&f.base),
        Expr::Await(a) => first_token(&a.base),
        Expr::Try(t) => first_token(&t.expr),
        Expr::Unsafe(u) => Some(u.unsafe_token.span),
        Expr::Macro(m) => m.mac.path.segments.first().map(|s| s.ident.span()),
        Expr::Return(r) => Some(r.return_token.span),
        Expr::If(i) => Some(i.if_token.span),
        Expr::Match(m) => Some(m.match_token.span),
        _ => None,
    }
}
