//! `string-identity-comparison` and `boxed-identity-comparison`: `==`/`!=`
//! between objects that have a value, where `equals` was meant.

use super::super::kinds::{fields, kinds};
use super::{
    text_of,
    types::{declared_type, declared_type_name, field_type, is_type, BOXED},
    Check, Cx, Values,
};
use tree_sitter::Node;

/// `==`/`!=` between values of a type by what the file itself says: a name
/// declared so in scope (local, parameter, field, `var` with a literal
/// initialiser) or an expression known to make one.
pub(super) enum IdentityComparison {
    /// An operand is a `String`: also a string literal or text block, a cast to
    /// `String`, or a call of a `String` method that returns a new string; or
    /// both operands are calls of JDK getters that return strings
    /// (`a.getName() == b.getName()`). An operand the file shows is not a
    /// `String` (declared or cast as another type: `(Object) s == t`) makes the
    /// comparison a deliberate identity check, as do `null` and `intern()`ed values.
    Strings,
    /// Both operands are boxed (`Integer`, `Long` …): also `Integer.valueOf(…)`.
    /// A boxed value compared with a primitive unboxes, which is fine.
    Boxed,
}

const STRING_RETURNING: &[&str] = &[
    "toString",
    "trim",
    "strip",
    "substring",
    "toUpperCase",
    "toLowerCase",
    "concat",
    "replace",
    "replaceAll",
    "repeat",
    "valueOf",
    "format",
    "formatted",
    "stripLeading",
    "stripTrailing",
];

/// Getters that return a `String` on the JDK classes that have them (`Class`,
/// `Method`, `Field`, `Thread`, `File`, `URL`…), whatever the receiver; on a
/// project's own class the name may mean something else, so they count only
/// when both sides are strings.
const STRING_GETTERS: &[&str] = &[
    "getName",
    "getSimpleName",
    "getCanonicalName",
    "getTypeName",
    "getPackageName",
    "getProtocol",
    "getHost",
    "getFile",
    "getPath",
    "getAuthority",
    "getQuery",
    "getRef",
    "getUserInfo",
];

/// What the file says about the type of an operand.
#[derive(Clone, Copy, PartialEq)]
enum Evidence {
    String,
    /// A call of one of `STRING_GETTERS`.
    Getter,
    /// Declared or cast as something else.
    Other,
    Unknown,
}

impl Check for IdentityComparison {
    /// The operator tokens, not every binary expression: most of those compare nothing.
    fn kinds(&self) -> &'static [&'static str] {
        &["==", "!="]
    }
    fn values(&self) -> &'static [&'static str] {
        &["operator", "type"]
    }
    fn check<'t>(&self, op: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let text = cx.text;
        let (k, f) = (kinds(), fields());
        let Some((node, ancestors)) = cx.parent_of(k.binary_expression) else {
            return;
        };
        let operator = op.kind();
        let (Some(left), Some(right)) = (cx.child(node, f.left), cx.child(node, f.right)) else {
            return;
        };
        // Names are resolved from the comparison itself: between it and its
        // operands there is no scope (only parentheses and call receivers).
        let at = (node, ancestors);
        let ty = match self {
            IdentityComparison::Strings => {
                let is_null_or_interned = |n: Node| {
                    n.kind() == "null_literal"
                        || (n.kind() == "method_invocation"
                            && n.child_by_field_id(f.name)
                                .is_some_and(|m| text_of(m, text) == "intern"))
                };
                if is_null_or_interned(left) || is_null_or_interned(right) {
                    return;
                }
                // Beside a number, a character or a boolean, neither side is a
                // string; most comparisons end here, without resolving names.
                if is_value_literal(left) || is_value_literal(right) {
                    return;
                }
                let first = evidence(left, at, text, 0);
                if first == Evidence::Other {
                    return;
                }
                let sides = [first, evidence(right, at, text, 0)];
                if sides.contains(&Evidence::Other)
                    || !(sides.contains(&Evidence::String) || sides == [Evidence::Getter; 2])
                {
                    return;
                }
                "String"
            }
            // Resolve names only when both sides could be boxed at all.
            IdentityComparison::Boxed if !(may_be_boxed(left) && may_be_boxed(right)) => return,
            IdentityComparison::Boxed => match boxed(left, at, text) {
                Some(ty) if boxed(right, at, text).is_some() => ty,
                _ => return,
            },
        };
        emit(
            node,
            &[("operator", operator.to_string()), ("type", ty.to_string())],
        );
    }
}

/// A number, character or boolean literal.
fn is_value_literal(expr: Node) -> bool {
    let k = kinds();
    [
        k.decimal_integer_literal,
        k.hex_integer_literal,
        k.octal_integer_literal,
        k.binary_integer_literal,
        k.decimal_floating_point_literal,
        k.hex_floating_point_literal,
        k.character_literal,
        k.true_,
        k.false_,
    ]
    .contains(&expr.kind_id())
}

/// Whether `expr` has a form `boxed` can resolve.
fn may_be_boxed(expr: Node) -> bool {
    let k = kinds();
    [
        k.identifier,
        k.field_access,
        k.parenthesized_expression,
        k.method_invocation,
    ]
    .contains(&expr.kind_id())
}

/// The boxed type of `expr`: a name declared with it or `Integer.valueOf(…)`.
fn boxed<'a>(expr: Node, at: (Node, &[Node]), text: &'a str) -> Option<&'a str> {
    let ty = if expr.kind_id() == kinds().method_invocation {
        let f = fields();
        expr.child_by_field_id(f.name)
            .filter(|n| text_of(*n, text) == "valueOf")?;
        text_of(expr.child_by_field_id(f.object)?, text)
    } else {
        declared_type_name(expr, at, text)?
    };
    BOXED.iter().find(|b| **b == ty).copied()
}

/// `at`: the comparison and its ancestors (root first); `depth` bounds the
/// walk through `var` initialisers.
fn evidence<'t>(expr: Node<'t>, at: (Node<'t>, &[Node<'t>]), text: &str, depth: u8) -> Evidence {
    let of_type = |ty: &str| {
        if matches!(ty, "String" | "java.lang.String") {
            Evidence::String
        } else {
            Evidence::Other
        }
    };
    let declared = |ty: Option<Node<'t>>| match ty {
        Some(t) if is_type(t) => of_type(text_of(t, text)),
        // `var x = …`: the initialiser stands for the type.
        Some(init) if depth < 4 => evidence(init, at, text, depth + 1),
        _ => Evidence::Unknown,
    };
    let is_string =
        |e: Option<Node<'t>>| e.is_some_and(|e| evidence(e, at, text, depth) == Evidence::String);
    match expr.kind() {
        "string_literal" => Evidence::String,
        "parenthesized_expression" => expr
            .named_child(0)
            .map_or(Evidence::Unknown, |e| evidence(e, at, text, depth)),
        "cast_expression" => expr
            .child_by_field_id(fields().type_)
            .map_or(Evidence::Unknown, |t| of_type(text_of(t, text))),
        "identifier" => declared(declared_type(at.0, at.1, text_of(expr, text), text)),
        "field_access"
            if expr
                .child_by_field_id(fields().object)
                .is_some_and(|o| o.kind() == "this") =>
        {
            declared(
                expr.child_by_field_id(fields().field)
                    .and_then(|f| field_type(at.1, text_of(f, text), text)),
            )
        }
        // `names[i]`: the element type of an array declared in the file.
        "array_access" => match expr
            .child_by_field_name("array")
            .filter(|a| a.kind() == "identifier")
        {
            Some(array) => match declared_type(at.0, at.1, text_of(array, text), text) {
                Some(t) if is_type(t) => {
                    let ty = text_of(t, text);
                    ty.strip_suffix("[]")
                        .map_or(Evidence::Unknown, |e| of_type(e.trim_end()))
                }
                _ => Evidence::Unknown,
            },
            None => Evidence::Unknown,
        },
        "method_invocation" => {
            let Some(name) = expr
                .child_by_field_id(fields().name)
                .map(|n| text_of(n, text))
            else {
                return Evidence::Unknown;
            };
            let object = expr.child_by_field_id(fields().object);
            let returns_string = STRING_RETURNING.contains(&name)
                && match name {
                    // `String.valueOf(x)`/`String.format(...)` are static: check the receiver.
                    "valueOf" | "format" => object.is_some_and(|o| text_of(o, text) == "String"),
                    _ => is_string(object),
                };
            if returns_string {
                Evidence::String
            } else if STRING_GETTERS.contains(&name)
                && expr
                    .child_by_field_id(fields().arguments)
                    .is_some_and(|a| a.named_child_count() == 0)
            {
                Evidence::Getter
            } else {
                Evidence::Unknown
            }
        }
        _ => Evidence::Unknown,
    }
}
