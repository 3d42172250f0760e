//! Glob imports (`use module::*`): what a name refers to is no longer visible in
//! the file, and a new item upstream can silently shadow or clash. Preludes are
//! made to be glob-imported and are left alone, as clippy's `wildcard_imports`
//! does; test modules' `use super::*` is left to the rule's `context`.

use super::{Check, Cx, Kind, Node, Range, Values};
use syn::UseTree;

pub struct GlobImport;

fn globs(tree: &UseTree, prefix: &mut Vec<String>, out: &mut Vec<(String, proc_macro2::Span)>) {
    match tree {
        UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            globs(&p.tree, prefix, out);
            prefix.pop();
        }
        UseTree::Group(g) => g.items.iter().for_each(|t| globs(t, prefix, out)),
        UseTree::Glob(g) => {
            if !prefix.iter().any(|s| s.contains("prelude")) {
                out.push((prefix.join("::"), g.star_token.span));
            }
        }
        UseTree::Name(_) | UseTree::Rename(_) => {}
    }
}

impl Check for GlobImport {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Use]
    }
    fn values(&self) -> &'static [&'static str] {
        &["path"]
    }
    fn check(&self, node: &Node, _cx: &Cx, emit: &mut dyn FnMut(Range, Values)) {
        let Node::Use(item) = node else { return };
        let mut found = Vec::new();
        globs(&item.tree, &mut Vec::new(), &mut found);
        for (path, star) in found {
            emit((star, star), &[("path", path)]);
        }
    }
}
