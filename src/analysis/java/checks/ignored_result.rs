//! `ignored-result`: a statement that calls a method of an immutable type for
//! its result and drops the result (`s.trim();`, `total.add(x);`).

use super::super::kinds::{fields, kinds};
use super::{text_of, types::declared_type_name, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct IgnoredResult;

/// `String` methods that return a changed copy.
const STRING: &[&str] = &[
    "concat",
    "formatted",
    "indent",
    "repeat",
    "replace",
    "replaceAll",
    "replaceFirst",
    "strip",
    "stripIndent",
    "stripLeading",
    "stripTrailing",
    "substring",
    "toLowerCase",
    "toUpperCase",
    "translateEscapes",
    "trim",
];

/// Static `String` methods that make a string.
const STRING_STATIC: &[&str] = &["format", "valueOf", "join", "copyValueOf"];

/// `BigDecimal` and `BigInteger` arithmetic, which returns a new number.
const NUMBER: &[&str] = &[
    "abs",
    "add",
    "and",
    "andNot",
    "clearBit",
    "divide",
    "divideToIntegralValue",
    "flipBit",
    "gcd",
    "max",
    "min",
    "mod",
    "modInverse",
    "modPow",
    "movePointLeft",
    "movePointRight",
    "multiply",
    "negate",
    "not",
    "or",
    "plus",
    "pow",
    "remainder",
    "round",
    "scaleByPowerOfTen",
    "setBit",
    "setScale",
    "shiftLeft",
    "shiftRight",
    "sqrt",
    "stripTrailingZeros",
    "subtract",
    "xor",
];

/// `java.time` value types (and `Temporal`, whose implementations should be
/// immutable, its documentation says): their `plus…`, `minus…`, `with…` methods return a
/// changed copy.
const TIME: &[&str] = &[
    "Duration",
    "Instant",
    "LocalDate",
    "LocalDateTime",
    "LocalTime",
    "MonthDay",
    "OffsetDateTime",
    "OffsetTime",
    "Period",
    "Temporal",
    "Year",
    "YearMonth",
    "ZonedDateTime",
];

impl Check for IgnoredResult {
    fn kinds(&self) -> &'static [&'static str] {
        &["expression_statement"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["method", "type"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let (k, f, text) = (kinds(), fields(), cx.text);
        let Some(call) = node
            .named_child(0)
            .filter(|c| c.kind_id() == k.method_invocation)
        else {
            return;
        };
        // `case … -> s.trim();` of a switch used as a value is the switch's value.
        if cx.ancestor(0).is_some_and(|r| r.kind_id() == k.switch_rule)
            && cx
                .ancestor(2)
                .is_some_and(|s| s.kind_id() == k.switch_expression)
            && cx.ancestor(3).is_some_and(|p| !holds_statements(p))
        {
            return;
        }
        let (Some(name), Some(object)) = (cx.child(call, f.name), cx.child(call, f.object)) else {
            return;
        };
        let method = text_of(name, text);
        let ty = if matches!(text_of(object, text), "String" | "java.lang.String") {
            // `String.format(…);`: the static methods only make a string.
            STRING_STATIC.contains(&method).then_some("String")
        } else if STRING.contains(&method) || NUMBER.contains(&method) || time_copy(method) {
            // Most calls are not of a method of these types: look up the
            // receiver's type only for a method name that could be one.
            immutable_type(object, (node, cx.ancestors), text).filter(|ty| returns_copy(ty, method))
        } else {
            None
        };
        if let Some(ty) = ty {
            emit(
                call,
                &[("method", method.to_string()), ("type", ty.to_string())],
            );
        }
    }
}

/// Whether `node` takes statements as children: a `switch` there is a statement.
fn holds_statements(node: Node) -> bool {
    let k = kinds();
    [
        k.block,
        k.constructor_body,
        k.switch_block_statement_group,
        k.program,
        k.labeled_statement,
        k.if_statement,
        k.while_statement,
        k.for_statement,
        k.enhanced_for_statement,
        k.do_statement,
    ]
    .contains(&node.kind_id())
}

fn time_copy(method: &str) -> bool {
    ["plus", "minus", "with"]
        .iter()
        .any(|p| method.starts_with(p))
        || matches!(
            method,
            "truncatedTo" | "negated" | "abs" | "multipliedBy" | "dividedBy"
        )
}

/// Whether `method` of the immutable type `ty` returns a new value.
fn returns_copy(ty: &str, method: &str) -> bool {
    match ty {
        "String" => STRING.contains(&method),
        "BigDecimal" | "BigInteger" => NUMBER.contains(&method),
        _ => time_copy(method),
    }
}

/// The immutable type of `expr` by what the file says: a string literal, a
/// name declared with one of the types, a static call on the type
/// (`String.valueOf(x)`, `BigDecimal.valueOf(2)`, `LocalDate.now()`) or a
/// copying method of one (`s.trim()`).
fn immutable_type<'a>(expr: Node, at: (Node, &[Node]), text: &'a str) -> Option<&'a str> {
    let k = kinds();
    let known = |ty: &'a str| {
        (matches!(ty, "String" | "BigDecimal" | "BigInteger") || TIME.contains(&ty)).then_some(ty)
    };
    let id = expr.kind_id();
    if id == k.string_literal {
        return Some("String");
    }
    if id != k.method_invocation {
        return declared_type_name(expr, at, text).and_then(known);
    }
    let f = fields();
    let object = expr.child_by_field_id(f.object)?;
    let object_text = text_of(object, text);
    if let Some(ty) = known(
        object_text
            .strip_prefix("java.lang.")
            .unwrap_or(object_text),
    ) {
        return Some(ty);
    }
    let method = text_of(expr.child_by_field_id(f.name)?, text);
    immutable_type(object, at, text).filter(|ty| returns_copy(ty, method))
}
