//! Built-in Java checks: what a query cannot express (counting, pairing methods,
//! the declared type of a name). Each subscribes to node kinds and runs inside the
//! engine's one walk; a rule file names it with `[match] builtin = "..."`.

use crate::rules::{Params, Rule};
use tree_sitter::Node;

/// Named values a check offers to its rule's message (`{name}`).
pub type Values<'a> = &'a [(&'static str, String)];

pub trait Check: Send + Sync {
    /// Node kinds the check wants to see.
    fn kinds(&self) -> &'static [&'static str];
    /// Names of the values it passes to `emit`, for message validation.
    fn values(&self) -> &'static [&'static str];
    fn check<'t>(&self, node: Node<'t>, text: &str, emit: &mut dyn FnMut(Node<'t>, Values));
}

/// Every built-in check by name, for docs and errors.
pub const NAMES: &[&str] = &[
    "equals-without-hashcode",
    "hashcode-without-equals",
    "parameter-count",
    "string-identity-comparison",
    "switch-without-default",
];

pub fn build(name: &str, rule: &Rule, params: &Params) -> Result<Box<dyn Check>, String> {
    let int = |key: &str| {
        rule.int_param(params, key).ok_or_else(|| {
            format!("built-in `{name}` needs an integer parameter `{key}` in [params]")
        })
    };
    let bool_param = |key: &str, default: bool| {
        params
            .get(key)
            .or_else(|| rule.params.get(key))
            .map_or(Ok(default), |v| {
                v.as_bool().ok_or_else(|| {
                    format!("built-in `{name}`: parameter `{key}` must be true or false")
                })
            })
    };
    Ok(match name {
        "parameter-count" => Box::new(ParameterCount {
            max: int("max")?,
            ignore_overrides: bool_param("ignore_overrides", true)?,
        }),
        "equals-without-hashcode" => Box::new(UnpairedOverride {
            equals_present: true,
        }),
        "hashcode-without-equals" => Box::new(UnpairedOverride {
            equals_present: false,
        }),
        "string-identity-comparison" => Box::new(StringIdentityComparison),
        "switch-without-default" => Box::new(SwitchWithoutDefault),
        other => {
            let hint = crate::rules::did_you_mean(other, NAMES.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(format!(
                "unknown built-in `{other}`{hint}; the Java built-ins are: {}",
                NAMES.join(", ")
            ));
        }
    })
}

fn text_of<'a>(node: Node, text: &'a str) -> &'a str {
    &text[node.byte_range()]
}

fn has_annotation(declaration: Node, text: &str, name: &str) -> bool {
    let mut cursor = declaration.walk();
    let found = declaration
        .children(&mut cursor)
        .filter(|c| c.kind() == "modifiers")
        .any(|m| {
            let mut mc = m.walk();
            let found = m.named_children(&mut mc).any(|a| {
                matches!(a.kind(), "marker_annotation" | "annotation")
                    && a.child_by_field_name("name")
                        .is_some_and(|n| text_of(n, text) == name)
            });
            found
        });
    found
}

fn parameters(declaration: Node) -> Vec<Node> {
    let Some(params) = declaration.child_by_field_name("parameters") else {
        return Vec::new();
    };
    let mut cursor = params.walk();
    params
        .named_children(&mut cursor)
        .filter(|p| matches!(p.kind(), "formal_parameter" | "spread_parameter"))
        .collect()
}

/// Too many parameters on a method or constructor.
struct ParameterCount {
    max: i64,
    ignore_overrides: bool,
}

impl Check for ParameterCount {
    fn kinds(&self) -> &'static [&'static str] {
        &["method_declaration", "constructor_declaration"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["name", "count", "max"]
    }
    fn check<'t>(&self, node: Node<'t>, text: &str, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let count = parameters(node).len() as i64;
        if count <= self.max || (self.ignore_overrides && has_annotation(node, text, "Override")) {
            return;
        }
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        emit(
            name,
            &[
                ("name", text_of(name, text).to_string()),
                ("count", count.to_string()),
                ("max", self.max.to_string()),
            ],
        );
    }
}

/// `equals(Object)` without `hashCode()` in the same class body, or the reverse.
struct UnpairedOverride {
    equals_present: bool,
}

fn is_object_type(node: Node, text: &str) -> bool {
    matches!(text_of(node, text), "Object" | "java.lang.Object")
}

impl Check for UnpairedOverride {
    fn kinds(&self) -> &'static [&'static str] {
        &["class_body"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["class"]
    }
    fn check<'t>(&self, node: Node<'t>, text: &str, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let mut equals = None;
        let mut hash_code = None;
        let mut cursor = node.walk();
        for member in node.named_children(&mut cursor) {
            if member.kind() != "method_declaration" {
                continue;
            }
            let Some(name) = member.child_by_field_name("name") else {
                continue;
            };
            let params = parameters(member);
            match text_of(name, text) {
                "equals"
                    if params.len() == 1
                        && params[0]
                            .child_by_field_name("type")
                            .is_some_and(|t| is_object_type(t, text)) =>
                {
                    equals = Some(name)
                }
                "hashCode" if params.is_empty() => hash_code = Some(name),
                _ => {}
            }
        }
        let flagged = match (equals, hash_code, self.equals_present) {
            (Some(e), None, true) => e,
            (None, Some(h), false) => h,
            _ => return,
        };
        let class = node
            .parent()
            .and_then(|p| p.child_by_field_name("name"))
            .map_or_else(
                || "this anonymous class".to_string(),
                |n| format!("`{}`", text_of(n, text)),
            );
        emit(flagged, &[("class", class)]);
    }
}

/// `==`/`!=` where an operand is a `String` by what the file itself says: a string
/// literal or text block, a name declared `String` in scope (local, parameter,
/// field, `var` with a string initialiser), or a call of a `String` method that
/// returns a new string. Comparisons with `null` and `intern()`ed values are fine.
struct StringIdentityComparison;

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

impl Check for StringIdentityComparison {
    fn kinds(&self) -> &'static [&'static str] {
        &["binary_expression"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["operator"]
    }
    fn check<'t>(&self, node: Node<'t>, text: &str, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let Some(op) = node.child_by_field_name("operator") else {
            return;
        };
        let operator = op.kind();
        if operator != "==" && operator != "!=" {
            return;
        }
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return;
        };
        let is_null_or_interned = |n: Node| {
            n.kind() == "null_literal"
                || (n.kind() == "method_invocation"
                    && n.child_by_field_name("name")
                        .is_some_and(|m| text_of(m, text) == "intern"))
        };
        if is_null_or_interned(left) || is_null_or_interned(right) {
            return;
        }
        if is_string(left, text) || is_string(right, text) {
            emit(node, &[("operator", operator.to_string())]);
        }
    }
}

fn is_string(expr: Node, text: &str) -> bool {
    match expr.kind() {
        "string_literal" => true,
        "parenthesized_expression" => expr.named_child(0).is_some_and(|e| is_string(e, text)),
        "identifier" => {
            declared_type(expr, text_of(expr, text), text).is_some_and(|t| is_string_type(t, text))
        }
        "field_access" => {
            expr.child_by_field_name("object")
                .is_some_and(|o| o.kind() == "this")
                && expr.child_by_field_name("field").is_some_and(|f| {
                    field_type(expr, text_of(f, text), text)
                        .is_some_and(|t| is_string_type(t, text))
                })
        }
        "method_invocation" => expr.child_by_field_name("name").is_some_and(|n| {
            let name = text_of(n, text);
            STRING_RETURNING.contains(&name)
                && match name {
                    // `String.valueOf(x)`/`String.format(...)` are static: check the receiver.
                    "valueOf" | "format" => expr
                        .child_by_field_name("object")
                        .is_some_and(|o| text_of(o, text) == "String"),
                    _ => expr
                        .child_by_field_name("object")
                        .is_some_and(|o| is_string(o, text)),
                }
        }),
        _ => false,
    }
}

fn is_string_type(ty: Node, text: &str) -> bool {
    matches!(text_of(ty, text), "String" | "java.lang.String")
}

/// The type node of the innermost declaration of `name` visible at `at`: locals
/// and parameters up to the enclosing class, then that class's fields, outwards.
/// A `var` declaration resolves to its initialiser when that is a string literal.
fn declared_type<'t>(at: Node<'t>, name: &str, text: &str) -> Option<Node<'t>> {
    let mut child = at;
    let mut current = at.parent();
    while let Some(scope) = current {
        match scope.kind() {
            "block" | "constructor_body" | "switch_block_statement_group" | "program" => {
                let mut cursor = scope.walk();
                for stmt in scope.named_children(&mut cursor) {
                    if stmt.start_byte() >= child.start_byte() {
                        break;
                    }
                    if stmt.kind() == "local_variable_declaration" {
                        if let Some(t) = declarator_type(stmt, name, text) {
                            return Some(t);
                        }
                    }
                }
            }
            "method_declaration" | "constructor_declaration" | "lambda_expression" => {
                if let Some(params) = scope.child_by_field_name("parameters") {
                    if let Some(t) = parameter_type(params, name, text) {
                        return t;
                    }
                }
            }
            "enhanced_for_statement"
                if scope
                    .child_by_field_name("name")
                    .is_some_and(|n| text_of(n, text) == name) =>
            {
                return scope.child_by_field_name("type");
            }
            "for_statement" => {
                let mut cursor = scope.walk();
                for init in scope.children_by_field_name("init", &mut cursor) {
                    if init.kind() == "local_variable_declaration" {
                        if let Some(t) = declarator_type(init, name, text) {
                            return Some(t);
                        }
                    }
                }
            }
            "class_body" | "enum_body" | "interface_body" => {
                if let Some(t) = members_field_type(scope, name, text) {
                    return Some(t);
                }
            }
            _ => {}
        }
        child = scope;
        current = scope.parent();
    }
    None
}

/// In formal parameters: `Some(Some(type))` when declared with a type,
/// `Some(None)` when declared without one (an inferred lambda parameter).
fn parameter_type<'t>(params: Node<'t>, name: &str, text: &str) -> Option<Option<Node<'t>>> {
    if params.kind() == "identifier" {
        return (text_of(params, text) == name).then_some(None);
    }
    let mut cursor = params.walk();
    for p in params.named_children(&mut cursor) {
        match p.kind() {
            "formal_parameter" | "spread_parameter" => {
                let declared = p
                    .child_by_field_name("name")
                    .or_else(|| last_named_identifier(p));
                if declared.is_some_and(|n| text_of(n, text) == name) {
                    return Some(p.child_by_field_name("type"));
                }
            }
            "identifier" if text_of(p, text) == name => return Some(None),
            _ => {}
        }
    }
    None
}

fn last_named_identifier(node: Node) -> Option<Node> {
    let mut cursor = node.walk();
    let found = node
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "variable_declarator" || c.kind() == "identifier")
        .last();
    found.map(|c| c.child_by_field_name("name").unwrap_or(c))
}

/// For `T a = …, b;` declaring `name`: `T`, or the literal for `var x = "…"`.
fn declarator_type<'t>(declaration: Node<'t>, name: &str, text: &str) -> Option<Node<'t>> {
    let ty = declaration.child_by_field_name("type")?;
    let mut cursor = declaration.walk();
    let declarator = declaration
        .children_by_field_name("declarator", &mut cursor)
        .find(|d| {
            d.child_by_field_name("name")
                .is_some_and(|n| text_of(n, text) == name)
        })?;
    if text_of(ty, text) == "var" {
        return declarator.child_by_field_name("value").or(Some(ty));
    }
    Some(ty)
}

fn members_field_type<'t>(body: Node<'t>, name: &str, text: &str) -> Option<Node<'t>> {
    let mut cursor = body.walk();
    let found = body
        .named_children(&mut cursor)
        .filter(|m| matches!(m.kind(), "field_declaration" | "constant_declaration"))
        .find_map(|m| declarator_type(m, name, text));
    found
}

/// `this.name`: the field of the enclosing class.
fn field_type<'t>(at: Node<'t>, name: &str, text: &str) -> Option<Node<'t>> {
    let mut current = at.parent();
    while let Some(n) = current {
        if n.kind() == "class_body" {
            return members_field_type(n, name, text);
        }
        current = n.parent();
    }
    None
}

/// A `switch` statement with no `default` label. Like Checkstyle's
/// MissingSwitchDefault, switch expressions (which the compiler makes exhaustive)
/// and switches with pattern or `null` labels are not checked.
struct SwitchWithoutDefault;

/// Parents that put a `switch` in statement position.
const STATEMENT_PARENTS: &[&str] = &[
    "block",
    "constructor_body",
    "switch_block_statement_group",
    "labeled_statement",
    "if_statement",
    "while_statement",
    "for_statement",
    "enhanced_for_statement",
    "do_statement",
    "program",
];

impl Check for SwitchWithoutDefault {
    fn kinds(&self) -> &'static [&'static str] {
        &["switch_expression"]
    }
    fn values(&self) -> &'static [&'static str] {
        &[]
    }
    fn check<'t>(&self, node: Node<'t>, text: &str, emit: &mut dyn FnMut(Node<'t>, Values)) {
        if !node
            .parent()
            .is_some_and(|p| STATEMENT_PARENTS.contains(&p.kind()))
        {
            return;
        }
        let Some(body) = node.child_by_field_name("body") else {
            return;
        };
        let mut cursor = body.walk();
        for group in body.named_children(&mut cursor) {
            let mut gc = group.walk();
            for label in group
                .named_children(&mut gc)
                .filter(|c| c.kind() == "switch_label")
            {
                let label_text = text_of(label, text);
                if label_text.starts_with("default") {
                    return;
                }
                let mut lc = label.walk();
                let special = label.named_children(&mut lc).any(|c| {
                    matches!(
                        c.kind(),
                        "pattern" | "type_pattern" | "record_pattern" | "null_literal"
                    ) || (c.kind() == "identifier" && text_of(c, text) == "default")
                });
                if special || label_text.contains("default") {
                    return;
                }
            }
        }
        let keyword = node.child(0).unwrap_or(node);
        emit(keyword, &[]);
    }
}
