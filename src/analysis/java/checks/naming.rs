//! Naming conventions: `method-naming` and `field-naming`, which report a name
//! that does not match its pattern the same way.

use super::super::kinds::{fields, kinds};
use super::{declarators, has_annotation, modifiers_of, text_of, Check, Cx, Values};
use regex::Regex;
use tree_sitter::Node;

/// Reports `name` when it does not match `format`, naming what it names (`kind`).
fn mismatch<'t>(
    name: Node<'t>,
    kind: &str,
    format: &Regex,
    text: &str,
    emit: &mut dyn FnMut(Node<'t>, Values),
) {
    let name_text = text_of(name, text);
    if !format.is_match(name_text) {
        emit(
            name,
            &[
                ("name", name_text.to_string()),
                ("kind", kind.to_string()),
                ("format", format.as_str().to_string()),
            ],
        );
    }
}

/// Method names that do not match the naming pattern (by default Java's
/// lowerCamelCase), skipping `@Override` methods, whose name the supertype chose.
pub(super) struct MethodNaming {
    pub format: Regex,
}

impl Check for MethodNaming {
    fn kinds(&self) -> &'static [&'static str] {
        &["method_declaration"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["name", "kind", "format"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let Some(name) = cx.child(node, fields().name) else {
            return;
        };
        // Most names fit: the annotations are read only for those that do not.
        if !self.format.is_match(text_of(name, cx.text))
            && !has_annotation(node, cx.text, "Override")
        {
            mismatch(name, "method", &self.format, cx.text, emit);
        }
    }
}

/// Field names against Checkstyle's three checks, each with its own pattern:
/// `ConstantName` for `static final` fields and interface or annotation fields
/// (implicitly `static final`) except `serialVersionUID` and
/// `serialPersistentFields`, `StaticVariableName` for other `static` fields and
/// `MemberName` for instance fields.
pub(super) struct FieldNaming {
    pub member: Regex,
    pub static_: Regex,
    pub constant: Regex,
}

impl Check for FieldNaming {
    fn kinds(&self) -> &'static [&'static str] {
        &["field_declaration", "constant_declaration"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["name", "kind", "format"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let (k, f, text) = (kinds(), fields(), cx.text);
        let (mut is_static, mut is_final) = (node.kind_id() == k.constant_declaration, false);
        // A field of an interface or annotation type (tree-sitter files some
        // annotation-type fields as `field_declaration`).
        if cx.ancestor(0).is_some_and(|b| {
            b.kind_id() == k.interface_body || b.kind_id() == k.annotation_type_body
        }) {
            (is_static, is_final) = (true, true);
        }
        if let Some(modifiers) = modifiers_of(node) {
            for m in (0..modifiers.child_count()).filter_map(|i| modifiers.child(i)) {
                is_static |= m.kind_id() == k.static_;
                is_final |= m.kind_id() == k.final_;
            }
        }
        let (kind, format) = match (is_static, is_final) {
            (true, true) => ("constant", &self.constant),
            (true, false) => ("static field", &self.static_),
            _ => ("field", &self.member),
        };
        for declarator in declarators(node, cx) {
            let Some(name) = cx.child(declarator, f.name) else {
                continue;
            };
            if kind == "constant"
                && matches!(
                    text_of(name, text),
                    "serialVersionUID" | "serialPersistentFields"
                )
            {
                continue;
            }
            mismatch(name, kind, format, text, emit);
        }
    }
}
