//! `unsafe` without a `// SAFETY:` comment that says why it is sound, as clippy's
//! `undocumented_unsafe_blocks` (blocks and `unsafe impl`) and `missing_safety_doc`
//! (an `unsafe fn` may document its contract in a `# Safety` doc section instead).

use super::{Check, Cx, Kind, Node, Range, Values};
use proc_macro2::Span;

pub struct UnsafeWithoutSafetyComment;

fn is_safety(comment: &str) -> bool {
    comment.to_ascii_lowercase().contains("safety:") || comment.contains("# Safety")
}

impl Check for UnsafeWithoutSafetyComment {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Fn, Kind::Unsafe]
    }
    fn values(&self) -> &'static [&'static str] {
        &["what"]
    }
    fn check(&self, node: &Node, cx: &Cx, emit: &mut dyn FnMut(Range, Values)) {
        let documented = |span: Span| cx.comments_for(cx.line(span)).into_iter().any(is_safety);
        let (keyword, what) = match node {
            Node::Fn(f) => match &f.sig.unsafety {
                // The contract goes above the fn, before its attributes and docs.
                Some(u)
                    if !documented(u.span)
                        && !f
                            .attrs
                            .first()
                            .is_some_and(|a| documented(a.pound_token.span)) =>
                {
                    (u.span, "fn")
                }
                _ => return,
            },
            Node::Unsafe(keyword, block) => {
                let statement = cx.statement.is_some_and(documented);
                // A SAFETY comment may also open the block, before its first line.
                let inside = block.is_some_and(|b| {
                    let open = cx.line(b.brace_token.span.open());
                    let first = b
                        .stmts
                        .first()
                        .map_or(u32::MAX, |s| cx.line(super::range_of(s).0));
                    cx.scan.comments.iter().any(|c| {
                        c.line >= open && c.line <= first && is_safety(&cx.text[c.start..c.end])
                    })
                });
                if documented(*keyword) || statement || inside {
                    return;
                }
                (*keyword, if block.is_some() { "block" } else { "impl" })
            }
            _ => return,
        };
        emit((keyword, keyword), &[("what", what.to_string())]);
    }
}
