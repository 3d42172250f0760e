//! `#![allow(…)]` over a whole crate or module without a reason: a lint silenced
//! for every line, now and later, and nobody can tell why. A reason is
//! `reason = "…"` inside the attribute (Rust 1.81's lint reasons, what clippy's
//! `allow_attributes_without_reason` asks for) or a comment (not a doc comment) on
//! the attribute's line or directly above it.

use super::{Check, Cx, Kind, Node, Range, Scope, Values};
use proc_macro2::TokenTree;

pub struct AllowWithoutReason;

impl Check for AllowWithoutReason {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::ModuleAttrs]
    }
    fn values(&self) -> &'static [&'static str] {
        &["lints", "scope"]
    }
    fn check(&self, node: &Node, cx: &Cx, emit: &mut dyn FnMut(Range, Values)) {
        let Node::ModuleAttrs(attrs, scope) = node else {
            return;
        };
        for attr in attrs.iter() {
            let syn::Meta::List(list) = &attr.meta else {
                continue;
            };
            if !list.path.is_ident("allow") {
                continue;
            }
            let has_reason = list
                .tokens
                .clone()
                .into_iter()
                .any(|t| matches!(t, TokenTree::Ident(i) if i == "reason"));
            // Doc comments document the item, not the `allow`.
            let explained = cx
                .comments_for(cx.line(attr.pound_token.span))
                .iter()
                .any(|c| {
                    !["///", "//!", "/**", "/*!"]
                        .iter()
                        .any(|d| c.starts_with(d))
                });
            if has_reason || explained {
                continue;
            }
            let lints = list.tokens.to_string().replace(' ', "").replace(',', ", ");
            let scope = match scope {
                Scope::Crate => "crate",
                Scope::Module => "module",
            };
            emit(
                (attr.pound_token.span, attr.bracket_token.span.close()),
                &[("lints", lints), ("scope", scope.to_string())],
            );
        }
    }
}
