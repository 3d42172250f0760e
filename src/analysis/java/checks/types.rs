//! What the file itself says about the type of a name: the innermost declaration
//! of a local, parameter or field visible at a node. No imports, no inheritance:
//! checks that use it accept missing what they cannot see.

use super::super::kinds::{fields, kinds};
use super::text_of;
use std::cell::RefCell;
use std::collections::HashMap;
use tree_sitter::Node;

/// Whether `node` is a type, not the initialiser `declared_type` gives for `var`.
pub(super) fn is_type(node: Node) -> bool {
    let kind = node.kind();
    kind.ends_with("_type") || kind.ends_with("type_identifier")
}

/// The boxed primitive types, which `==` compares by reference.
pub(super) const BOXED: &[&str] = &[
    "Integer",
    "Long",
    "Short",
    "Byte",
    "Character",
    "Boolean",
    "Double",
    "Float",
];

/// The type a name (or `this.name`, parenthesised or not) is declared with in
/// the file, without the package of a JDK type (`java.math.BigDecimal` →
/// `BigDecimal`); `String` for `var` initialised with a string literal.
/// `at`: the node where the expression is read and its ancestors (root first).
pub(super) fn declared_type_name<'a, 't>(
    expr: Node<'t>,
    at: (Node<'t>, &[Node<'t>]),
    text: &'a str,
) -> Option<&'a str> {
    let (k, f) = (kinds(), fields());
    let id = expr.kind_id();
    let ty = if id == k.identifier {
        declared_type(at.0, at.1, text_of(expr, text), text)?
    } else if id == k.field_access {
        expr.child_by_field_id(f.object)
            .filter(|o| o.kind_id() == k.this)?;
        field_type(at.1, text_of(expr.child_by_field_id(f.field)?, text), text)?
    } else if id == k.parenthesized_expression {
        return declared_type_name(expr.named_child(0)?, at, text);
    } else {
        return None;
    };
    if ty.kind_id() == k.string_literal {
        return Some("String");
    }
    let name = text_of(ty, text);
    Some(match name.rsplit_once('.') {
        Some((_, simple)) if name.starts_with("java.") && !name.contains('<') => simple,
        _ => name,
    })
}

/// The type node of the innermost declaration of `name` visible at `at`, whose
/// ancestors (root first) are `ancestors`: locals and parameters up to the
/// enclosing class, then that class's fields (and a record's components), outwards. A `var` declaration
/// resolves to its initialiser when that is a string literal.
pub(super) fn declared_type<'t>(
    at: Node<'t>,
    ancestors: &[Node<'t>],
    name: &str,
    text: &str,
) -> Option<Node<'t>> {
    let (k, f) = (kinds(), fields());
    let mut child = at;
    for &scope in ancestors.iter().rev() {
        let id = scope.kind_id();
        match () {
            _ if id == k.block
                || id == k.constructor_body
                || id == k.switch_block_statement_group
                || id == k.program =>
            {
                if let Some(t) = local_before(scope, child, name, text) {
                    return Some(t);
                }
            }
            // A local declared in an earlier `case …:` group is in scope in
            // the later ones.
            _ if id == k.switch_block => {
                let mut cursor = scope.walk();
                let earlier = scope
                    .named_children(&mut cursor)
                    .take_while(|g| g.start_byte() < child.start_byte())
                    .filter(|g| g.kind_id() == k.switch_block_statement_group)
                    .find_map(|g| local_before(g, child, name, text));
                if earlier.is_some() {
                    return earlier;
                }
            }
            _ if id == k.method_declaration
                || id == k.constructor_declaration
                || id == k.lambda_expression
                || id == k.record_declaration =>
            {
                if let Some(params) = scope.child_by_field_id(f.parameters) {
                    if let Some(t) = parameter_type(params, name, text) {
                        return t;
                    }
                }
            }
            _ if id == k.enhanced_for_statement
                && scope
                    .child_by_field_id(f.name)
                    .is_some_and(|n| text_of(n, text) == name) =>
            {
                return scope.child_by_field_id(f.type_);
            }
            _ if id == k.for_statement => {
                let mut cursor = scope.walk();
                for init in scope.children_by_field_name("init", &mut cursor) {
                    if init.kind_id() == k.local_variable_declaration {
                        if let Some(t) = declarator_type(init, name, text) {
                            return Some(t);
                        }
                    }
                }
            }
            _ if is_type_body(scope) => {
                if let Some(t) = members_field_type(scope, name, text) {
                    return Some(t);
                }
            }
            _ => {}
        }
        child = scope;
    }
    None
}

/// The type of the local `name` declared by a statement of `scope` before `child`.
fn local_before<'t>(scope: Node<'t>, child: Node, name: &str, text: &str) -> Option<Node<'t>> {
    let k = kinds();
    declared_in(scope, child.start_byte(), name, text, |id| {
        id == k.local_variable_declaration
    })
}

thread_local! {
    /// For the file being walked, by node id: the byte ranges of the
    /// declarations directly in each block or type body looked in so far.
    /// Checks ask for names in the same method again and again, and stepping
    /// through its statements costs more than reading this list.
    static DECLARATIONS: RefCell<HashMap<usize, Vec<(usize, usize)>>> = RefCell::default();
}

/// Forgets the declarations of the previous file: node ids are addresses,
/// which the next tree reuses.
pub(in crate::analysis::java) fn forget_declarations() {
    DECLARATIONS.with(|d| d.borrow_mut().clear());
}

/// The type of the first declaration of `name` among the children of `scope`
/// of the kinds `keep` that start before `before`.
fn declared_in<'t>(
    scope: Node<'t>,
    before: usize,
    name: &str,
    text: &str,
    keep: impl Fn(u16) -> bool,
) -> Option<Node<'t>> {
    DECLARATIONS.with(|d| {
        let mut d = d.borrow_mut();
        let ranges = d.entry(scope.id()).or_insert_with(|| {
            let mut cursor = scope.walk();
            let ranges = scope
                .named_children(&mut cursor)
                .filter(|c| keep(c.kind_id()))
                .map(|c| (c.start_byte(), c.end_byte()))
                .collect();
            ranges
        });
        for &(start, end) in ranges.iter() {
            if start >= before {
                break;
            }
            // A declaration that declares `name` spells it.
            if memchr::memmem::find(&text.as_bytes()[start..end], name.as_bytes()).is_none() {
                continue;
            }
            let mut cursor = scope.walk();
            cursor.goto_first_child_for_byte(start)?;
            let declaration = cursor.node();
            if declaration.start_byte() != start {
                continue;
            }
            if let Some(t) = declarator_type(declaration, name, text) {
                return Some(t);
            }
        }
        None
    })
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
                    .child_by_field_id(fields().name)
                    .or_else(|| last_named_identifier(p));
                if declared.is_some_and(|n| text_of(n, text) == name) {
                    return Some(p.child_by_field_id(fields().type_));
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
    found.map(|c| c.child_by_field_id(fields().name).unwrap_or(c))
}

/// For `T a = …, b;` declaring `name`: `T`, or the literal for `var x = "…"`.
fn declarator_type<'t>(declaration: Node<'t>, name: &str, text: &str) -> Option<Node<'t>> {
    // A declaration that declares `name` spells it: most do not, and the text
    // tells without reading their children.
    memchr::memmem::find(text_of(declaration, text).as_bytes(), name.as_bytes())?;
    let ty = declaration.child_by_field_id(fields().type_)?;
    let mut cursor = declaration.walk();
    let declarator = declaration
        .children_by_field_name("declarator", &mut cursor)
        .find(|d| {
            d.child_by_field_id(fields().name)
                .is_some_and(|n| text_of(n, text) == name)
        })?;
    if text_of(ty, text) == "var" {
        return declarator.child_by_field_id(fields().value).or(Some(ty));
    }
    Some(ty)
}

/// In a type's body, the field `name`; an enum's fields follow its constants.
fn members_field_type<'t>(body: Node<'t>, name: &str, text: &str) -> Option<Node<'t>> {
    let k = kinds();
    let body = if body.kind_id() == k.enum_body {
        let mut cursor = body.walk();
        let declarations = body
            .named_children(&mut cursor)
            .find(|c| c.kind_id() == k.enum_body_declarations);
        declarations?
    } else {
        body
    };
    declared_in(body, usize::MAX, name, text, |id| {
        id == k.field_declaration || id == k.constant_declaration
    })
}

/// `this.name`: the field of the type whose body is the innermost of `ancestors`.
pub(super) fn field_type<'t>(ancestors: &[Node<'t>], name: &str, text: &str) -> Option<Node<'t>> {
    let body = ancestors.iter().rev().find(|n| is_type_body(**n))?;
    members_field_type(*body, name, text)
}

/// Whether `node` is the body of a class (also a record, an anonymous class or
/// an enum constant's), an enum or an interface: where its fields are declared.
pub(super) fn is_type_body(node: Node) -> bool {
    let k = kinds();
    let id = node.kind_id();
    id == k.class_body || id == k.enum_body || id == k.interface_body
}
