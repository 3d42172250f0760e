//! `as` casts to a numeric type: `as` truncates, wraps and changes sign without a
//! word. Without types the source type is unknown, so every such cast is a place
//! to review (clippy's `as_conversions`), except a cast of a literal, whose value
//! is in plain sight.

use super::{Check, Cx, Kind, Node, Range, Values};
use syn::{Expr, Type};

const NUMERIC: &[&str] = &[
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize", "f32",
    "f64",
];

pub struct NumericCast;

fn is_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Lit(_) => true,
        Expr::Unary(u) => matches!(u.op, syn::UnOp::Neg(_)) && is_literal(&u.expr),
        Expr::Paren(p) => is_literal(&p.expr),
        _ => false,
    }
}

impl Check for NumericCast {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Cast]
    }
    fn values(&self) -> &'static [&'static str] {
        &["type"]
    }
    fn check(&self, node: &Node, _cx: &Cx, emit: &mut dyn FnMut(Range, Values)) {
        let Node::Cast(cast) = node else { return };
        let Type::Path(path) = &*cast.ty else { return };
        let Some(ty) = path.path.get_ident().map(ToString::to_string) else {
            return;
        };
        if !NUMERIC.contains(&ty.as_str()) || is_literal(&cast.expr) {
            return;
        }
        let end = path.path.segments[0].ident.span();
        emit((super::range_of(&*cast.expr).0, end), &[("type", ty)]);
    }
}
