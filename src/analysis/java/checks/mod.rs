//! Built-in Java checks: what a query cannot express (counting, pairing methods,
//! the declared type of a name). Each subscribes to node kinds and runs inside the
//! engine's one walk; a rule file names it with `[match] builtin = "..."`.

mod bigdecimal_from_double;
mod catch_rethrow;
mod cognitive_complexity;
mod collapsible_if;
mod concatenated_argument;
mod concatenation_in_loop;
mod cyclomatic_complexity;
mod deprecated_javadoc;
mod identity_comparison;
mod ignored_result;
mod incompatible_equals;
mod insecure_cookie;
mod insecure_random;
mod integer_division;
mod magic_number;
mod method_count;
mod method_length;
mod naming;
mod nesting_depth;
mod parameter_count;
mod size_compared_to_zero;
mod switch_without_default;
mod thread_run;
mod types;
mod unpaired_override;
mod unused_import;
mod unused_local;
mod unused_private;
mod uses;
mod wait_notify;

use super::kinds::{fields, kinds};
use crate::rules::{Params, Rule};
use bigdecimal_from_double::BigDecimalFromDouble;
use catch_rethrow::CatchOnlyRethrows;
use cognitive_complexity::CognitiveComplexity;
use collapsible_if::CollapsibleIf;
use concatenated_argument::{ConcatenatedArgument, SQL_METHODS};
use concatenation_in_loop::ConcatenationInLoop;
use cyclomatic_complexity::CyclomaticComplexity;
use deprecated_javadoc::DeprecatedWithoutJavadoc;
use identity_comparison::IdentityComparison;
use ignored_result::IgnoredResult;
use incompatible_equals::IncompatibleEquals;
use insecure_cookie::InsecureCookie;
use insecure_random::InsecureRandom;
use integer_division::IntegerDivision;
use magic_number::MagicNumber;
use method_count::MethodCount;
use method_length::MethodLength;
use naming::{FieldNaming, MethodNaming};
use nesting_depth::NestingDepth;
use parameter_count::ParameterCount;
use size_compared_to_zero::SizeComparedToZero;
use std::any::Any;
use std::cell::{RefCell, RefMut};
use switch_without_default::SwitchWithoutDefault;
use thread_run::ThreadRun;
use tree_sitter::Node;
use unpaired_override::UnpairedOverride;
use unused_import::UnusedImport;
use unused_local::UnusedLocalVariable;
use unused_private::{UnusedPrivateField, UnusedPrivateMethod};

pub(in crate::analysis::java) use types::forget_declarations;
use wait_notify::WaitNotify;

/// Named values a check offers to its rule's message (`{name}`).
pub type Values<'a> = &'a [(&'static str, String)];

pub trait Check: Send + Sync {
    /// Node kinds the check wants to see: named kinds (`if_statement`) and
    /// tokens (`&&`).
    fn kinds(&self) -> &'static [&'static str];
    /// Names of the values it passes to `emit`, for message validation.
    fn values(&self) -> &'static [&'static str];
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values));
    /// Kinds whose end the check wants to see too (`exit`), once the walk has
    /// been everywhere below them.
    fn exit_kinds(&self) -> &'static [&'static str] {
        &[]
    }
    fn exit<'t>(&self, _node: Node<'t>, _cx: &Cx<'_, 't>, _emit: &mut dyn FnMut(Node<'t>, Values)) {
    }
}

/// What a check sees besides its node: the file's text, the node's ancestors
/// from the walk (root first), so that no check climbs with `Node::parent`,
/// which searches down from the root at every call, and the check's memory.
pub struct Cx<'a, 't> {
    pub text: &'a str,
    /// The checked node's kind id, known to the walk.
    pub kind: u16,
    pub ancestors: &'a [Node<'t>],
    /// What this check keeps from one call to the next within a file.
    pub memory: &'a Memory,
    /// Children by field, shared by the guards and checks of the file's walk.
    pub fields: &'a RefCell<Fields<'t>>,
}

/// Children by field, remembered during one file's walk: guards and several
/// checks ask for the same child of the same node (a call's `name`), and each
/// `child_by_field_id` steps through the node's children again.
pub struct Fields<'t> {
    /// Direct-mapped on (node id, field): a collision only forgets an entry.
    slots: Box<[(usize, u16, Option<Node<'t>>)]>,
}

impl<'t> Fields<'t> {
    const SLOTS: usize = 256;

    pub fn get(&mut self, node: Node<'t>, field: u16) -> Option<Node<'t>> {
        let id = node.id();
        let slot = &mut self.slots
            [((id >> 4) ^ usize::from(field).wrapping_mul(0x9E37_79B9)) & (Self::SLOTS - 1)];
        if slot.0 == id && slot.1 == field {
            return slot.2;
        }
        let child = node.child_by_field_id(field);
        *slot = (id, field, child);
        child
    }
}

impl Default for Fields<'_> {
    fn default() -> Self {
        Fields {
            slots: vec![(0, 0, None); Self::SLOTS].into_boxed_slice(),
        }
    }
}

/// A check's memory for one file, made on first use: so that a check can
/// count or collect on the engine's walk instead of walking the tree again.
pub type Memory = RefCell<Option<Box<dyn Any>>>;

/// A count over one declaration (a method's complexity): pushed where the
/// declaration starts, added to inside it, popped at its `exit`.
#[derive(Clone, Copy)]
pub struct Tally {
    /// The declaration's `Node::id`.
    pub node: usize,
    /// The declaration's index in the ancestors of the nodes below it.
    pub depth: usize,
    pub count: i64,
}

/// A value per ancestor of the checked node, root first, each computed from its
/// parent's and kept from one call to the next: a check that reads all its
/// ancestors (its nesting, the innermost loop) then pays once per node of the
/// tree instead of once per level at each node, which deep nesting made
/// quadratic.
pub struct Along<T> {
    /// `Node::id` of the ancestor each value is for.
    ids: Vec<usize>,
    values: Vec<T>,
}

impl<T> Default for Along<T> {
    fn default() -> Self {
        Along {
            ids: Vec::new(),
            values: Vec::new(),
        }
    }
}

impl<T: Copy> Along<T> {
    /// The values of `ancestors`: `step(value of the parent (None at the
    /// root), index, ancestor)`. An ancestor still where it was last time keeps
    /// its value, and so do all above it (a node's ancestors are its own).
    pub fn of(&mut self, ancestors: &[Node], step: impl Fn(Option<T>, usize, Node) -> T) -> &[T] {
        let mut valid = self.ids.len().min(ancestors.len());
        while valid > 0 && self.ids[valid - 1] != ancestors[valid - 1].id() {
            valid -= 1;
        }
        self.ids.truncate(valid);
        self.values.truncate(valid);
        for (i, &node) in ancestors.iter().enumerate().skip(valid) {
            let value = step(self.values.last().copied(), i, node);
            self.ids.push(node.id());
            self.values.push(value);
        }
        &self.values
    }
}

impl<'a, 't> Cx<'a, 't> {
    /// `node.child_by_field_id(field)`, looked up once per walk.
    pub fn child(&self, node: Node<'t>, field: u16) -> Option<Node<'t>> {
        self.fields.borrow_mut().get(node, field)
    }

    /// This check's memory for the file being walked.
    pub fn memory<T: Default + 'static>(&self) -> RefMut<'_, T> {
        RefMut::map(self.memory.borrow_mut(), |m| {
            let any = m.get_or_insert_with(|| Box::new(T::default()));
            if !any.is::<T>() {
                *any = Box::new(T::default());
            }
            any.downcast_mut::<T>().expect("replaced just above")
        })
    }

    /// The checked node's parent, when it is of `kind`, with the parent's own
    /// ancestors: for checks that subscribe to a token (`==`) of an expression.
    pub fn parent_of(&self, kind: u16) -> Option<(Node<'t>, &'a [Node<'t>])> {
        let (&parent, above) = self.ancestors.split_last()?;
        (parent.kind_id() == kind).then_some((parent, above))
    }

    /// The `n`th ancestor of the checked node: 0 is its parent.
    pub fn ancestor(&self, n: usize) -> Option<Node<'t>> {
        self.ancestors
            .len()
            .checked_sub(n + 1)
            .map(|i| self.ancestors[i])
    }
}

/// Every built-in check by name, for docs and errors.
pub const NAMES: &[&str] = &[
    "bigdecimal-from-double",
    "catch-only-rethrows",
    "boxed-identity-comparison",
    "cognitive-complexity",
    "collapsible-if",
    "command-concatenation",
    "cyclomatic-complexity",
    "deprecated-without-javadoc",
    "equals-without-hashcode",
    "field-naming",
    "hashcode-without-equals",
    "ignored-result",
    "incompatible-equals",
    "insecure-cookie",
    "insecure-random",
    "integer-division",
    "magic-number",
    "method-count",
    "method-length",
    "method-naming",
    "nesting-depth",
    "parameter-count",
    "size-compared-to-zero",
    "sql-concatenation",
    "string-concatenation-in-loop",
    "string-identity-comparison",
    "switch-without-default",
    "thread-run",
    "unused-import",
    "unused-local-variable",
    "unused-private-field",
    "unused-private-method",
    "wait-notify-outside-synchronized",
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
    let format = |key: &str, default: &str| {
        let pattern = params
            .get(key)
            .or_else(|| rule.params.get(key))
            .map_or(Ok(default), |v| {
                v.as_str().ok_or_else(|| {
                    format!("built-in `{name}`: parameter `{key}` must be a regular expression in a string")
                })
            })?;
        regex::Regex::new(pattern).map_err(|e| {
            format!("built-in `{name}`: parameter `{key}` is not a valid regular expression: {e}")
        })
    };
    Ok(match name {
        "bigdecimal-from-double" => Box::new(BigDecimalFromDouble),
        "catch-only-rethrows" => Box::new(CatchOnlyRethrows),
        "boxed-identity-comparison" => Box::new(IdentityComparison::Boxed),
        "field-naming" => Box::new(FieldNaming {
            member: format("member_format", "^[a-z][a-zA-Z0-9]*$")?,
            static_: format("static_format", "^[a-z][a-zA-Z0-9]*$")?,
            constant: format("constant_format", "^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")?,
        }),
        "ignored-result" => Box::new(IgnoredResult),
        "incompatible-equals" => Box::new(IncompatibleEquals),
        "insecure-cookie" => Box::new(InsecureCookie),
        "insecure-random" => Box::new(InsecureRandom),
        "integer-division" => Box::new(IntegerDivision),
        "cognitive-complexity" => Box::new(CognitiveComplexity { max: int("max")? }),
        "collapsible-if" => Box::new(CollapsibleIf),
        "command-concatenation" => Box::new(ConcatenatedArgument {
            methods: &["exec"],
            receivers: &["getRuntime()", "runtime", "Runtime"],
        }),
        "cyclomatic-complexity" => Box::new(CyclomaticComplexity { max: int("max")? }),
        "deprecated-without-javadoc" => Box::new(DeprecatedWithoutJavadoc),
        "magic-number" => Box::new(MagicNumber),
        "method-count" => Box::new(MethodCount { max: int("max")? }),
        "method-length" => Box::new(MethodLength { max: int("max")? }),
        "method-naming" => Box::new(MethodNaming {
            format: format("format", "^[a-z][a-zA-Z0-9]*$")?,
        }),
        "nesting-depth" => Box::new(NestingDepth { max: int("max")? }),
        "size-compared-to-zero" => Box::new(SizeComparedToZero),
        "sql-concatenation" => Box::new(ConcatenatedArgument {
            methods: SQL_METHODS,
            receivers: &[],
        }),
        "thread-run" => Box::new(ThreadRun),
        "unused-import" => Box::new(UnusedImport),
        "unused-local-variable" => Box::new(UnusedLocalVariable),
        "unused-private-field" => Box::new(UnusedPrivateField),
        "unused-private-method" => Box::new(UnusedPrivateMethod),
        "string-concatenation-in-loop" => Box::new(ConcatenationInLoop),
        "wait-notify-outside-synchronized" => Box::new(WaitNotify),
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
        "string-identity-comparison" => Box::new(IdentityComparison::Strings),
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

/// Reports a declaration whose measure `key` (`value`) is over `max`, at its
/// name, with `{name}`, `{key}` and `{max}` for the message; one without a name
/// (an initializer) is left to the caller.
pub(super) fn emit_over_max<'t>(
    node: Node<'t>,
    text: &str,
    (key, value): (&'static str, i64),
    max: i64,
    emit: &mut dyn FnMut(Node<'t>, Values),
) {
    if let Some(name) = node.child_by_field_id(fields().name) {
        emit(
            name,
            &[
                ("name", text_of(name, text).to_string()),
                (key, value.to_string()),
                ("max", max.to_string()),
            ],
        );
    }
}

/// The left operand, operator and right operand of a binary or assignment expression.
pub(super) fn binary_parts(node: Node) -> Option<(Node, Node, Node)> {
    let f = fields();
    Some((
        node.child_by_field_id(f.left)?,
        node.child_by_field_id(f.operator)?,
        node.child_by_field_id(f.right)?,
    ))
}

pub(super) fn text_of<'a>(node: Node, text: &'a str) -> &'a str {
    &text[node.byte_range()]
}

/// A declaration's modifiers (they come first), without a cursor, which
/// allocates.
pub(super) fn modifiers_of(declaration: Node) -> Option<Node> {
    declaration
        .child(0)
        .filter(|c| c.kind_id() == kinds().modifiers)
}

/// The declarators of a local variable, field or constant declaration: the
/// usual single one without a cursor (which allocates).
pub(super) fn declarators<'t>(declaration: Node<'t>, cx: &Cx<'_, 't>) -> Vec<Node<'t>> {
    // Modifiers, the type and the declarators (and any comments) are its
    // named children.
    if declaration.named_child_count() == 2 + usize::from(modifiers_of(declaration).is_some()) {
        return cx
            .child(declaration, fields().declarator)
            .into_iter()
            .collect();
    }
    let mut cursor = declaration.walk();
    let all = declaration
        .children_by_field_name("declarator", &mut cursor)
        .collect();
    all
}

/// Whether `id` is a method, a constructor or a record's compact constructor.
pub(super) fn is_method(id: u16) -> bool {
    let k = kinds();
    [
        k.method_declaration,
        k.constructor_declaration,
        k.compact_constructor_declaration,
    ]
    .contains(&id)
}

/// Whether `node` is a method's or a constructor's body.
pub(super) fn is_body(node: Node) -> bool {
    let k = kinds();
    node.kind_id() == k.block || node.kind_id() == k.constructor_body
}

pub(super) fn has_annotation(declaration: Node, text: &str, name: &str) -> bool {
    let (k, f) = (kinds(), fields());
    // The modifiers rarely name the annotation at all: the text says so
    // before any child is read.
    let Some(modifiers) = modifiers_of(declaration)
        .filter(|m| memchr::memmem::find(text_of(*m, text).as_bytes(), name.as_bytes()).is_some())
    else {
        return false;
    };
    (0..modifiers.named_child_count())
        .filter_map(|i| modifiers.named_child(i as u32))
        .any(|a| {
            (a.kind_id() == k.marker_annotation || a.kind_id() == k.annotation)
                && a.child_by_field_id(f.name)
                    .is_some_and(|n| text_of(n, text) == name)
        })
}

pub(super) fn parameters(declaration: Node) -> impl Iterator<Item = Node> {
    let k = kinds();
    let params = declaration.child_by_field_id(fields().parameters);
    let count = params.map_or(0, |p| p.named_child_count());
    (0..count)
        .filter_map(move |i| params.and_then(|p| p.named_child(i as u32)))
        .filter(move |p| p.kind_id() == k.formal_parameter || p.kind_id() == k.spread_parameter)
}

#[cfg(test)]
pub(super) mod tests {
    use crate::analysis::java::JavaEngine;
    use crate::analysis::Engine;
    use crate::rules::EnabledRule;

    /// What the built-in rule `id` (a complexity, run with `max = 0`) reports
    /// for `code`: each measured declaration's name and complexity, in source
    /// order.
    pub fn complexities(id: &str, code: &str) -> Vec<(String, i64)> {
        let rule = crate::rules::builtin()
            .unwrap()
            .into_iter()
            .find(|r| r.id == id)
            .unwrap();
        let mut params = rule.params.clone();
        params.insert("max".into(), toml::Value::Integer(0));
        let enabled = EnabledRule {
            severity: rule.severity,
            rule,
            params,
        };
        let engine = JavaEngine::new(&[(0, &enabled)]).unwrap();
        let mut hits = engine.analyze(code, "A.java", false).hits;
        hits.sort_by_key(|h| h.start);
        hits.iter()
            .map(|h| {
                let name = h.message.split('`').nth(1).unwrap().to_string();
                let n = h.message.split(" of ").nth(1).unwrap();
                let n = n.split(',').next().unwrap().parse().unwrap();
                (name, n)
            })
            .collect()
    }
}
