//! `unused-private-field` and `unused-private-method`: private members that no
//! code of the file's top-level type (which holds every place allowed to use
//! them, nested classes included) reads or calls. Names are resolved from the
//! file alone: a bare name to the closest declaration around it, `x.name` by
//! the declared type of `x`, overloads by their number of parameters; what the
//! file cannot tell counts as a use, so that every finding is sure.

use super::super::kinds::{fields, kinds};
use super::types::declared_type;
use super::uses::{any_use, is_child, is_declaration, is_write, modifiers};
use super::{declarators, parameters, text_of, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct UnusedPrivateField;

pub(super) struct UnusedPrivateMethod;

/// Fields the serialization machinery reads by name.
const SERIAL_FIELDS: &[&str] = &["serialVersionUID", "serialPersistentFields"];

/// Methods the serialization machinery calls by name.
const SERIAL_METHODS: &[&str] = &[
    "writeObject",
    "readObject",
    "readObjectNoData",
    "writeReplace",
    "readResolve",
];

impl Check for UnusedPrivateField {
    fn kinds(&self) -> &'static [&'static str] {
        &["field_declaration"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["name"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let (k, f) = (kinds(), fields());
        // Annotations on the field or its class often mean a framework (injection,
        // Lombok, serialization) uses the field by reflection.
        if !is_private_unannotated(node, cx.text)
            || declaring_type(cx).is_some_and(|t| modifiers(t, cx.text).kept)
        {
            return;
        }
        let scope = top_level_type(node, cx);
        let owner = owner_name(cx);
        // An enum's fields are visible in its constants' bodies too.
        let body = cx
            .ancestor(0)
            .filter(|b| b.kind_id() != k.enum_body_declarations)
            .or_else(|| cx.ancestor(1));
        for declarator in declarators(node, cx) {
            let Some(name) = cx.child(declarator, f.name) else {
                continue;
            };
            let text = text_of(name, cx.text);
            if SERIAL_FIELDS.contains(&text) {
                continue;
            }
            let read = |path: &[Node<'t>]| {
                let [ancestors @ .., leaf] = path else {
                    return false;
                };
                // `x.name` is this field when `x` may be of its class; a bare
                // name is when used in the field's class and no local,
                // parameter or inner class's field declared closer hides it.
                let is_this_field = || {
                    if is_child(path, k.field_access, f.field) {
                        return receiver_may_be(ancestors, owner, cx.text);
                    }
                    ancestors
                        .iter()
                        .position(|a| Some(a.id()) == body.map(|b| b.id()))
                        .is_some_and(|i| {
                            declared_type(*leaf, &ancestors[i + 1..], text, cx.text).is_none()
                        })
                };
                leaf.id() != name.id()
                    && !is_declaration(path)
                    && !is_child(path, k.method_invocation, f.name)
                    && !is_write(path)
                    && is_this_field()
            };
            // Fields are mostly used below their declaration.
            let used = any_use(
                scope,
                (node.end_byte(), scope.end_byte()),
                false,
                text,
                cx.text,
                read,
            ) || any_use(
                scope,
                (scope.start_byte(), node.start_byte()),
                false,
                text,
                cx.text,
                read,
            );
            if !used {
                emit(name, &[("name", text.to_string())]);
            }
        }
    }
}

impl Check for UnusedPrivateMethod {
    fn kinds(&self) -> &'static [&'static str] {
        &["method_declaration"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["name"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let k = kinds();
        if !is_private_unannotated(node, cx.text) {
            return;
        }
        let Some(name) = cx.child(node, fields().name) else {
            return;
        };
        let text = text_of(name, cx.text);
        if SERIAL_METHODS.contains(&text) {
            return;
        }
        // Overloads are told apart by their number of parameters (the types
        // would need resolution).
        let (mut count, mut varargs) = (0, false);
        for p in parameters(node) {
            count += 1;
            varargs |= p.kind_id() == k.spread_parameter;
        }
        let arity_fits = |n: usize| n == count || (varargs && n + 1 >= count);
        let owner = owner_name(cx);
        // A call from the method's own body (recursion) does not make it used:
        // the search skips it.
        let own = node.byte_range();
        let call = |path: &[Node]| {
            let [ancestors @ .., _] = path else {
                return false;
            };
            if ancestors
                .last()
                .is_some_and(|p| p.kind_id() == k.method_reference)
            {
                return true;
            }
            is_child(path, k.method_invocation, fields().name)
                && ancestors
                    .last()
                    .and_then(|call| call.child_by_field_id(fields().arguments))
                    .is_some_and(|args| arity_fits(arguments(args)))
                && receiver_may_be(ancestors, owner, cx.text)
        };
        let scope = top_level_type(node, cx);
        // Private helpers are mostly called from just above them.
        let used = any_use(
            scope,
            (scope.start_byte(), own.start),
            true,
            text,
            cx.text,
            call,
        ) || any_use(
            scope,
            (own.end, scope.end_byte()),
            false,
            text,
            cx.text,
            call,
        );
        if !used {
            emit(name, &[("name", text.to_string())]);
        }
    }
}

fn is_private_unannotated(declaration: Node, text: &str) -> bool {
    let m = modifiers(declaration, text);
    m.private && !m.kept
}

/// The name of the class, enum, record or interface whose body declares the
/// checked member (`None` for an anonymous class).
fn owner_name<'a>(cx: &Cx<'a, '_>) -> Option<&'a str> {
    let name = declaring_type(cx)?.child_by_field_id(fields().name)?;
    Some(text_of(name, cx.text))
}

/// Whether the object of the member access or call that ends `ancestors` may
/// be the class `owner` or one of its instances: no object, `this`,
/// `Owner.this`, `Owner`, a variable declared `Owner`, or anything the file
/// cannot tell. A variable declared with another type, or another type's
/// name, is another class: `entry.getKey()` does not call a private `getKey`.
fn receiver_may_be(ancestors: &[Node], owner: Option<&str>, text: &str) -> bool {
    let receiver = ancestors
        .last()
        .and_then(|a| a.child_by_field_id(fields().object));
    let (Some(owner), Some(receiver)) = (owner, receiver) else {
        return true;
    };
    if receiver.kind_id() != kinds().identifier {
        return true;
    }
    let word = text_of(receiver, text);
    if word == owner {
        return true;
    }
    match declared_type(receiver, ancestors, word, text) {
        Some(ty)
            if matches!(
                ty.kind(),
                "type_identifier" | "generic_type" | "scoped_type_identifier"
            ) =>
        {
            let raw = text_of(ty, text).split('<').next().unwrap_or("");
            raw.rsplit('.')
                .next()
                .is_some_and(|simple| simple.trim() == owner)
        }
        Some(_) => true,
        None => !word.starts_with(|c: char| c.is_ascii_uppercase()),
    }
}

/// The number of arguments in an argument list.
fn arguments(list: Node) -> usize {
    let k = kinds();
    let mut cursor = list.walk();
    let count = list
        .named_children(&mut cursor)
        .filter(|a| a.kind_id() != k.line_comment && a.kind_id() != k.block_comment)
        .count();
    count
}

/// The class, enum or record whose body declares the checked member.
fn declaring_type<'t>(cx: &Cx<'_, 't>) -> Option<Node<'t>> {
    let k = kinds();
    let body = cx.ancestor(0)?;
    cx.ancestor(if body.kind_id() == k.enum_body_declarations {
        2
    } else {
        1
    })
}

/// The outermost type around the checked node: private members are visible
/// throughout it.
fn top_level_type<'t>(node: Node<'t>, cx: &Cx<'_, 't>) -> Node<'t> {
    cx.ancestors.get(1).copied().unwrap_or(node)
}
