//! `incompatible-equals`: `a.equals(b)` (or `Objects.equals(a, b)`) between a
//! `String` or boxed value and another such type, which is always false.

use super::super::kinds::{fields, kinds};
use super::types::{declared_type, field_type, is_type, is_type_body};
use super::{text_of, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct IncompatibleEquals;

/// The final JDK value types whose `equals` is true only for the same type.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Ty {
    String,
    Integer,
    Long,
    Short,
    Byte,
    Character,
    Boolean,
    Double,
    Float,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::String => "String",
            Ty::Integer => "Integer",
            Ty::Long => "Long",
            Ty::Short => "Short",
            Ty::Byte => "Byte",
            Ty::Character => "Character",
            Ty::Boolean => "Boolean",
            Ty::Double => "Double",
            Ty::Float => "Float",
        }
    }

    /// A type written in the source: `String`, `java.lang.Long`, `int` (then
    /// `primitive`); anything else (`Object`, `List<Long>`, `Long[]`) is `None`.
    fn parse(name: &str) -> Option<Known> {
        let primitive = |ty| Known {
            ty,
            primitive: true,
        };
        let boxed = |ty| Known {
            ty,
            primitive: false,
        };
        Some(match name.strip_prefix("java.lang.").unwrap_or(name) {
            "String" => boxed(Ty::String),
            "Integer" => boxed(Ty::Integer),
            "Long" => boxed(Ty::Long),
            "Short" => boxed(Ty::Short),
            "Byte" => boxed(Ty::Byte),
            "Character" => boxed(Ty::Character),
            "Boolean" => boxed(Ty::Boolean),
            "Double" => boxed(Ty::Double),
            "Float" => boxed(Ty::Float),
            "int" => primitive(Ty::Integer),
            "long" => primitive(Ty::Long),
            "short" => primitive(Ty::Short),
            "byte" => primitive(Ty::Byte),
            "char" => primitive(Ty::Character),
            "boolean" => primitive(Ty::Boolean),
            "double" => primitive(Ty::Double),
            "float" => primitive(Ty::Float),
            _ => return None,
        })
    }

    fn is_numeric(self) -> bool {
        !matches!(self, Ty::String | Ty::Boolean)
    }

    fn is_integral(self) -> bool {
        self.is_numeric() && !matches!(self, Ty::Double | Ty::Float)
    }
}

/// The type of an expression, as far as the file says, and whether it is a
/// primitive (boxed when passed to `equals(Object)`).
#[derive(Clone, Copy, PartialEq, Debug)]
struct Known {
    ty: Ty,
    primitive: bool,
}

impl Known {
    fn primitive(ty: Ty) -> Option<Known> {
        Some(Known {
            ty,
            primitive: true,
        })
    }
    fn object(ty: Ty) -> Option<Known> {
        Some(Known {
            ty,
            primitive: false,
        })
    }
}

/// Unary numeric promotion (`-b`, `~c`, `x << 1`): smaller integers become `int`.
fn promote(ty: Ty) -> Option<Known> {
    match ty {
        Ty::Byte | Ty::Short | Ty::Character | Ty::Integer => Known::primitive(Ty::Integer),
        Ty::Long | Ty::Float | Ty::Double => Known::primitive(ty),
        Ty::String | Ty::Boolean => None,
    }
}

/// Binary numeric promotion (`a + b` on numbers).
fn promote_both(a: Ty, b: Ty) -> Option<Known> {
    if !(a.is_numeric() && b.is_numeric()) {
        return None;
    }
    let widest = [Ty::Double, Ty::Float, Ty::Long]
        .into_iter()
        .find(|t| *t == a || *t == b)
        .unwrap_or(Ty::Integer);
    Known::primitive(widest)
}

/// Methods of `String` and what they return.
fn string_method(name: &str) -> Option<Known> {
    match name {
        "trim" | "strip" | "stripLeading" | "stripTrailing" | "toUpperCase" | "toLowerCase"
        | "substring" | "concat" | "replace" | "replaceAll" | "replaceFirst" | "repeat"
        | "intern" | "formatted" => Known::object(Ty::String),
        "length"
        | "indexOf"
        | "lastIndexOf"
        | "compareTo"
        | "compareToIgnoreCase"
        | "codePointAt" => Known::primitive(Ty::Integer),
        "charAt" => Known::primitive(Ty::Character),
        "isEmpty" | "isBlank" | "startsWith" | "endsWith" | "contains" | "matches"
        | "equalsIgnoreCase" => Known::primitive(Ty::Boolean),
        _ => None,
    }
}

impl Check for IncompatibleEquals {
    fn kinds(&self) -> &'static [&'static str] {
        &["method_invocation"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["receiver", "receiver_type", "argument", "argument_type"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let text = cx.text;
        let f = fields();
        if cx
            .child(node, f.name)
            .is_none_or(|n| text_of(n, text) != "equals")
        {
            return;
        }
        let (Some(object), Some(arguments)) =
            (cx.child(node, f.object), cx.child(node, f.arguments))
        else {
            return;
        };
        let mut cursor = arguments.walk();
        let args: Vec<Node> = arguments
            .named_children(&mut cursor)
            .filter(|a| !a.is_extra())
            .collect();
        // `x.equals(y)`, or `Objects.equals(x, y)`, which is true for two nulls:
        // there one side must be a value that cannot be null.
        let (left, right, objects) = match args.as_slice() {
            [arg] => (object, *arg, false),
            [a, b] if matches!(text_of(object, text), "Objects" | "java.util.Objects") => {
                (*a, *b, true)
            }
            _ => return,
        };
        let at = (node, cx.ancestors);
        let mut names = Vec::new();
        let Some(l) = resolve(left, at, text, 0, &mut names) else {
            return;
        };
        // A primitive receiver does not compile.
        if !objects && l.known.primitive {
            return;
        }
        let Some(r) = resolve(right, at, text, 0, &mut names) else {
            return;
        };
        if l.known.ty == r.known.ty || (objects && !(l.not_null || r.not_null)) {
            return;
        }
        // The rarer, costlier questions, once the call would be reported.
        let root = cx.ancestors.first().copied().unwrap_or(node);
        if names.iter().any(|n| n.doubtful(at, text))
            || (objects && redefines(root, "Objects", "java.util", text))
            || redefines(root, l.known.ty.name(), "java.lang", text)
            || redefines(root, r.known.ty.name(), "java.lang", text)
        {
            return;
        }
        emit(
            node,
            &[
                ("receiver", text_of(left, text).to_string()),
                ("receiver_type", l.known.ty.name().to_string()),
                ("argument", text_of(right, text).to_string()),
                ("argument_type", r.known.ty.name().to_string()),
            ],
        );
    }
}

/// What `resolve` learnt about an operand.
#[derive(Clone, Copy, Debug)]
struct Resolved {
    known: Known,
    /// Cannot be null: a literal, a primitive, a new object, a concatenation.
    not_null: bool,
}

impl Resolved {
    fn value(known: Option<Known>) -> Option<Resolved> {
        known.map(|known| Resolved {
            known,
            not_null: true,
        })
    }
    /// A variable of a known type: null unless primitive.
    fn variable(known: Known) -> Resolved {
        Resolved {
            known,
            not_null: known.primitive,
        }
    }
}

/// A name `resolve` relied on, checked once the call would be reported.
struct Name<'t> {
    /// The declaration's type, or a `var`'s initialiser.
    decl: Node<'t>,
    name: Node<'t>,
    /// Found by scope (not `this.name`): may be hidden, see `shadowed`.
    scoped: bool,
}

impl Name<'_> {
    /// Whether the name may not have the type its declaration says.
    fn doubtful(&self, at: (Node, &[Node]), text: &str) -> bool {
        let name = text_of(self.name, text);
        (is_type(self.decl) && has_dimensions(self.decl, name, text))
            || (self.scoped && shadowed(name, self.decl, at, text))
    }
}

/// The type of `expr` by what the file says: literals, names declared in scope
/// (locals, parameters, fields, `this.x`, `var` with a known initialiser),
/// casts, `new Long(…)`, `Long.valueOf(…)`, `Long.parseLong(…)`, `x.toString()`,
/// `String` methods on a known string, and operators. The names it relied on
/// go to `names`.
/// `at`: the call and its ancestors (root first); `depth` bounds the walk
/// through `var` initialisers.
fn resolve<'t>(
    expr: Node<'t>,
    at: (Node<'t>, &[Node<'t>]),
    text: &str,
    depth: u8,
    names: &mut Vec<Name<'t>>,
) -> Option<Resolved> {
    let (k, f) = (kinds(), fields());
    let id = expr.kind_id();
    if id == k.string_literal {
        Resolved::value(Known::object(Ty::String))
    } else if id == k.decimal_integer_literal
        || id == k.hex_integer_literal
        || id == k.octal_integer_literal
        || id == k.binary_integer_literal
    {
        let long = text_of(expr, text).ends_with(['l', 'L']);
        Resolved::value(Known::primitive(if long { Ty::Long } else { Ty::Integer }))
    } else if id == k.decimal_floating_point_literal || id == k.hex_floating_point_literal {
        let float = text_of(expr, text).ends_with(['f', 'F']);
        Resolved::value(Known::primitive(if float { Ty::Float } else { Ty::Double }))
    } else if id == k.true_ || id == k.false_ || id == k.instanceof_expression {
        Resolved::value(Known::primitive(Ty::Boolean))
    } else if id == k.character_literal {
        Resolved::value(Known::primitive(Ty::Character))
    } else if id == k.parenthesized_expression {
        resolve(expr.named_child(0)?, at, text, depth, names)
    } else if id == k.cast_expression {
        let mut cursor = expr.walk();
        let types: Vec<Node> = expr.children_by_field_name("type", &mut cursor).collect();
        match types.as_slice() {
            [t] => Ty::parse(text_of(*t, text)).map(Resolved::variable),
            _ => None,
        }
    } else if id == k.object_creation_expression {
        Resolved::value(Ty::parse(text_of(expr.child_by_field_id(f.type_)?, text)))
    } else if id == k.unary_expression {
        let operator = expr.child_by_field_id(f.operator)?.kind();
        if operator == "!" {
            return Resolved::value(Known::primitive(Ty::Boolean));
        }
        let operand = resolve(expr.child_by_field_id(f.operand)?, at, text, depth, names)?;
        let ty = operand.known.ty;
        match operator {
            "~" if ty.is_integral() => Resolved::value(promote(ty)),
            "+" | "-" => Resolved::value(promote(ty)),
            _ => None,
        }
    } else if id == k.binary_expression {
        binary(expr, at, text, depth, names)
    } else if id == k.method_invocation {
        call(expr, at, text, depth, names)
    } else if id == k.identifier {
        let decl = declared_type(at.0, at.1, text_of(expr, text), text)?;
        let known = declared(decl, at, text, depth)?;
        names.push(Name {
            decl,
            name: expr,
            scoped: true,
        });
        Some(known)
    } else if id == k.field_access {
        expr.child_by_field_id(f.object)
            .filter(|o| o.kind_id() == k.this)?;
        let name = expr.child_by_field_id(f.field)?;
        let decl = field_type(at.1, text_of(name, text), text)?;
        let known = declared(decl, at, text, depth)?;
        names.push(Name {
            decl,
            name,
            scoped: false,
        });
        Some(known)
    } else if id == k.array_access {
        // `names[i]` of a `String[] names`.
        let array = expr.child_by_field_id(f.array)?;
        if array.kind_id() != k.identifier {
            return None;
        }
        let decl = declared_type(at.0, at.1, text_of(array, text), text)?;
        if !is_type(decl) {
            return None;
        }
        let element = text_of(decl, text).strip_suffix("[]")?.trim_end();
        let known = Ty::parse(element)?;
        names.push(Name {
            decl,
            name: array,
            scoped: true,
        });
        Some(Resolved::variable(known))
    } else {
        None
    }
}

/// The type of a name declared at `decl`: its type node, or for `var` its
/// initialiser.
fn declared<'t>(
    decl: Node<'t>,
    at: (Node<'t>, &[Node<'t>]),
    text: &str,
    depth: u8,
) -> Option<Resolved> {
    if is_type(decl) {
        Ty::parse(text_of(decl, text)).map(Resolved::variable)
    } else if depth < 4 {
        // `var x = …`: the initialiser stands for the type, when that needs no
        // name (names in it are resolved at the call, not at the declaration).
        let mut inner = Vec::new();
        let init = resolve(decl, at, text, depth + 1, &mut inner)?;
        inner.is_empty().then_some(Resolved::variable(init.known))
    } else {
        None
    }
}

/// Whether the declaration of `name` whose type is `ty` makes an array of it:
/// `String... names`, `String names[]`.
fn has_dimensions(ty: Node, name: &str, text: &str) -> bool {
    let (k, f) = (kinds(), fields());
    let Some(declaration) = ty.parent() else {
        return true;
    };
    if declaration.kind_id() == k.spread_parameter
        || declaration.child_by_field_id(f.dimensions).is_some()
    {
        return true;
    }
    let mut cursor = declaration.walk();
    let found = declaration
        .children_by_field_name("declarator", &mut cursor)
        .filter(|d| {
            d.child_by_field_id(f.name)
                .is_some_and(|n| text_of(n, text) == name)
        })
        .any(|d| d.child_by_field_id(f.dimensions).is_some());
    found
}

/// `a op b`: comparisons are `boolean`; `+` with a `String` is a `String`;
/// arithmetic follows numeric promotion.
fn binary<'t>(
    expr: Node<'t>,
    at: (Node<'t>, &[Node<'t>]),
    text: &str,
    depth: u8,
    names: &mut Vec<Name<'t>>,
) -> Option<Resolved> {
    let f = fields();
    let operator = expr.child_by_field_id(f.operator)?.kind();
    let boolean = Known::primitive(Ty::Boolean);
    if matches!(
        operator,
        "==" | "!=" | "<" | ">" | "<=" | ">=" | "&&" | "||"
    ) {
        return Resolved::value(boolean);
    }
    // Each side's names count only if its type decides the result.
    let side = |field: u16, names: &mut Vec<Name<'t>>| {
        let operand = expr.child_by_field_id(field)?;
        resolve(operand, at, text, depth, names).map(|r| r.known.ty)
    };
    let (mut left_names, mut right_names) = (Vec::new(), Vec::new());
    let left = side(f.left, &mut left_names);
    let right = side(f.right, &mut right_names);
    let (result, uses) = match (operator, left, right) {
        ("+", Some(Ty::String), _) => (Known::object(Ty::String), (true, false)),
        ("+", _, Some(Ty::String)) => (Known::object(Ty::String), (false, true)),
        ("+" | "-" | "*" | "/" | "%", Some(a), Some(b)) => (promote_both(a, b), (true, true)),
        ("&" | "|" | "^", Some(Ty::Boolean), Some(Ty::Boolean)) => (boolean, (true, true)),
        ("&" | "|" | "^", Some(a), Some(b)) if a.is_integral() && b.is_integral() => {
            (promote_both(a, b), (true, true))
        }
        ("<<" | ">>" | ">>>", Some(a), _) if a.is_integral() => (promote(a), (true, false)),
        _ => return None,
    };
    if uses.0 {
        names.append(&mut left_names);
    }
    if uses.1 {
        names.append(&mut right_names);
    }
    Resolved::value(result)
}

/// The parser of a value class: `Long.parseLong`.
fn parser(ty: Ty) -> Option<&'static str> {
    Some(match ty {
        Ty::Integer => "parseInt",
        Ty::Long => "parseLong",
        Ty::Short => "parseShort",
        Ty::Byte => "parseByte",
        Ty::Boolean => "parseBoolean",
        Ty::Double => "parseDouble",
        Ty::Float => "parseFloat",
        Ty::String | Ty::Character => return None,
    })
}

/// A call whose result type the file shows: see `resolve`.
fn call<'t>(
    expr: Node<'t>,
    at: (Node<'t>, &[Node<'t>]),
    text: &str,
    depth: u8,
    names: &mut Vec<Name<'t>>,
) -> Option<Resolved> {
    let f = fields();
    let name = text_of(expr.child_by_field_id(f.name)?, text);
    let count = expr.child_by_field_id(f.arguments)?.named_child_count();
    // Every class's `toString()` returns a `String` (which may be null).
    if name == "toString" && count == 0 {
        return Known::object(Ty::String).map(|known| Resolved {
            known,
            not_null: false,
        });
    }
    let object = expr.child_by_field_id(f.object)?;
    // Static factories and parsers of the value classes: `Long.valueOf(…)`.
    if let Some(class) = Ty::parse(text_of(object, text)).filter(|k| !k.primitive) {
        return match name {
            "valueOf" => Resolved::value(Some(class)),
            "format" | "join" if class.ty == Ty::String => Resolved::value(Some(class)),
            _ if parser(class.ty) == Some(name) => Resolved::value(Known::primitive(class.ty)),
            _ => None,
        };
    }
    let receiver = resolve(object, at, text, depth, names)?;
    if receiver.known.ty == Ty::String && !receiver.known.primitive {
        Resolved::value(string_method(name))
    } else {
        None
    }
}

/// Whether `name`, which the file declares at `decl`, may mean another variable
/// at the call: a pattern, `catch` or resource variable of the same name in a
/// method on the way (which `declared_type` does not see), a field inherited by
/// a class between the call and the declaration, or an enum constant.
fn shadowed(name: &str, decl: Node, at: (Node, &[Node]), text: &str) -> bool {
    let (call, ancestors) = at;
    let contains = |outer: Node| {
        outer.start_byte() <= decl.start_byte() && decl.end_byte() <= outer.end_byte()
    };
    for (i, &body) in ancestors.iter().enumerate().rev() {
        if !is_type_body(body) {
            continue;
        }
        let member = ancestors.get(i + 1).copied().unwrap_or(call);
        if binds(member, name, text) {
            return true;
        }
        if contains(body) {
            return false;
        }
        let owner = i.checked_sub(1).map(|o| ancestors[o]);
        if owner.is_none_or(|o| inherits(o, text)) || has_constant(body, name, text) {
            return true;
        }
    }
    // Statements outside any type (a snippet).
    ancestors
        .first()
        .is_some_and(|root| binds(*root, name, text))
}

/// Whether the type that owns a body has a supertype whose fields it inherits:
/// `extends`, `implements` (interface constants), an anonymous class or an
/// enum constant's body.
fn inherits(owner: Node, text: &str) -> bool {
    let (k, f) = (kinds(), fields());
    let id = owner.kind_id();
    if id == k.object_creation_expression {
        return owner
            .child_by_field_id(f.type_)
            .is_none_or(|t| !matches!(text_of(t, text), "Object" | "java.lang.Object"));
    }
    if id == k.enum_constant {
        return true;
    }
    if owner.child_by_field_id(f.superclass).is_some()
        || owner.child_by_field_id(f.interfaces).is_some()
    {
        return true;
    }
    let mut cursor = owner.walk();
    let extends = owner
        .named_children(&mut cursor)
        .any(|c| c.kind_id() == k.extends_interfaces);
    extends
}

/// Whether `body` is an enum's with a constant named `name`.
fn has_constant(body: Node, name: &str, text: &str) -> bool {
    let k = kinds();
    if body.kind_id() != k.enum_body {
        return false;
    }
    let mut cursor = body.walk();
    let found = body.named_children(&mut cursor).any(|c| {
        c.kind_id() == k.enum_constant
            && c.child_by_field_id(fields().name)
                .is_some_and(|n| text_of(n, text) == name)
    });
    found
}

/// Whether `root` declares `name` where `declared_type` does not look: a type
/// pattern (`o instanceof Long name`, `case Long name ->`, a record pattern's
/// component), a `catch` parameter or a try-with-resources variable.
fn binds(root: Node, name: &str, text: &str) -> bool {
    let (k, f) = (kinds(), fields());
    let is_name = |n: Option<Node>| n.is_some_and(|n| text_of(n, text) == name);
    any_node(root, |node| {
        let id = node.kind_id();
        if id == k.instanceof_expression || id == k.catch_formal_parameter || id == k.resource {
            is_name(node.child_by_field_id(f.name))
        } else if id == k.type_pattern || id == k.record_pattern_component {
            let last = node.named_child(node.named_child_count().saturating_sub(1) as u32);
            is_name(last.filter(|n| n.kind_id() == k.identifier))
        } else {
            false
        }
    })
}

/// Whether the file gives the simple name of a class of package `home` another
/// meaning: a type declared in it (also a local or nested one), a type
/// parameter or a single-type import of another package.
fn redefines(root: Node, name: &str, home: &str, text: &str) -> bool {
    let k = kinds();
    any_node(root, |node| {
        let id = node.kind_id();
        if id == k.class_declaration
            || id == k.interface_declaration
            || id == k.enum_declaration
            || id == k.record_declaration
            || id == k.annotation_type_declaration
        {
            node.child_by_field_id(fields().name)
                .is_some_and(|n| text_of(n, text) == name)
        } else if id == k.type_parameter {
            node.named_child(0)
                .is_some_and(|n| n.kind_id() == k.type_identifier && text_of(n, text) == name)
        } else if id == k.import_declaration {
            let path = text_of(node, text)
                .trim_start_matches("import")
                .trim_end_matches(';')
                .trim();
            !path.starts_with("static ")
                && path
                    .rsplit_once('.')
                    .is_some_and(|(package, simple)| simple == name && package != home)
        } else {
            false
        }
    })
}

/// Whether `found` holds for `root` or a node under it.
fn any_node(root: Node, mut found: impl FnMut(Node) -> bool) -> bool {
    let mut cursor = root.walk();
    loop {
        if found(cursor.node()) {
            return true;
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node() == root {
                return false;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(code: &str) -> Vec<(usize, String)> {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_java::LANGUAGE.into())
            .unwrap();
        let tree = parser.parse(code, None).unwrap();
        super::super::forget_declarations();
        let mut out = Vec::new();
        let mut ancestors = Vec::new();
        visit(tree.root_node(), code, &mut ancestors, &mut out);
        out
    }

    fn visit<'t>(
        node: Node<'t>,
        code: &str,
        ancestors: &mut Vec<Node<'t>>,
        out: &mut Vec<(usize, String)>,
    ) {
        if node.kind() == "method_invocation" {
            let cx = Cx {
                text: code,
                kind: node.kind_id(),
                ancestors,
                memory: &Default::default(),
                fields: &Default::default(),
            };
            IncompatibleEquals.check(node, &cx, &mut |n, values| {
                let v = |k: &str| values.iter().find(|(n, _)| *n == k).unwrap().1.clone();
                out.push((
                    n.start_position().row + 1,
                    format!("{}:{}", v("receiver_type"), v("argument_type")),
                ));
            });
        }
        ancestors.push(node);
        let mut cursor = node.walk();
        let children: Vec<Node<'t>> = node.children(&mut cursor).collect();
        for child in children {
            visit(child, code, ancestors, out);
        }
        ancestors.pop();
    }

    fn one(body: &str) -> Vec<String> {
        findings(&format!("class A {{\n{body}\n}}"))
            .into_iter()
            .map(|(_, t)| t)
            .collect()
    }

    #[test]
    fn literal_types() {
        assert_eq!(
            one(r#"boolean f(Long id) { return id.equals(1); }"#),
            ["Long:Integer"]
        );
        assert_eq!(
            one(r#"boolean f() { return "abc".equals(42); }"#),
            ["String:Integer"]
        );
        assert_eq!(
            one(r#"boolean f(String s) { return s.equals('c'); }"#),
            ["String:Character"]
        );
        assert_eq!(
            one(r#"boolean f(Integer n) { return n.equals(1L); }"#),
            ["Integer:Long"]
        );
        assert_eq!(
            one(r#"boolean f(Boolean b) { return b.equals("true"); }"#),
            ["Boolean:String"]
        );
        assert_eq!(
            one(r#"boolean f(Double d) { return d.equals(1); }"#),
            ["Double:Integer"]
        );
        assert_eq!(
            one(r#"boolean f(Double d) { return d.equals(1.0f); }"#),
            ["Double:Float"]
        );
        assert_eq!(
            one(r#"boolean f(Float d) { return d.equals(0x1p3); }"#),
            ["Float:Double"]
        );
        assert_eq!(
            one(r#"boolean f(Long d) { return d.equals(-1); }"#),
            ["Long:Integer"]
        );
        assert_eq!(
            one(r#"boolean f(String s) { return s.equals("""
            x
            """); }"#),
            Vec::<String>::new()
        );
    }

    #[test]
    fn same_or_unknown_types_are_not_flagged() {
        for body in [
            "boolean f(Long id) { return id.equals(1L); }",
            "boolean f(Long id, Object o) { return id.equals(o); }",
            "boolean f(Long id) { return id.equals(null); }",
            "boolean f(Long id, long n) { return id.equals(n); }",
            "boolean f(Short s, short t) { return s.equals(t); }",
            "boolean f(Character c) { return c.equals('x'); }",
            "boolean f(int n) { return n.equals(1L); }",
            "boolean f(java.util.List<Long> xs) { return xs.get(0).equals(1); }",
            "<T> boolean f(T t) { return t.equals(1); }",
            "boolean f(Long a, Integer b) { return java.util.Objects.equals(a, b); }",
            "boolean f(String... names) { return names.equals(\"x\"); }",
            "boolean f(String names[]) { return names.equals(1); }",
            "boolean f(Long id) { return super.equals(1); }",
        ] {
            assert_eq!(one(body), Vec::<String>::new(), "{body}");
        }
    }

    #[test]
    fn expressions() {
        assert_eq!(
            one("boolean f(String s, Object o) { return s.equals(!o.equals(1)); }"),
            ["String:Boolean"]
        );
        assert_eq!(
            one("boolean f(Long id, int n) { return id.equals(n + 1); }"),
            ["Long:Integer"]
        );
        assert_eq!(
            one("boolean f(Long id, long n) { return id.equals(n + 1); }"),
            Vec::<String>::new()
        );
        assert_eq!(
            one("boolean f(Long id, int n) { return id.equals(\"\" + n); }"),
            ["Long:String"]
        );
        assert_eq!(
            one("boolean f(String s, char c) { return s.equals(c); }"),
            ["String:Character"]
        );
        assert_eq!(
            one("boolean f(String s, String t) { return s.equals(t.charAt(0)); }"),
            ["String:Character"]
        );
        assert_eq!(
            one("boolean f(String s, Object o) { return s.equals(o.toString()); }"),
            Vec::<String>::new()
        );
        assert_eq!(
            one("boolean f(Long id, Object o) { return id.equals(o.toString()); }"),
            ["Long:String"]
        );
        assert_eq!(
            one("boolean f(Long id, short s) { return id.equals(-s); }"),
            ["Long:Integer"]
        );
        assert_eq!(
            one("boolean f(String s) { return Integer.valueOf(3).equals(s); }"),
            ["Integer:String"]
        );
        assert_eq!(
            one("boolean f(String s) { return Integer.valueOf(s).equals(Integer.parseInt(s)); }"),
            Vec::<String>::new()
        );
        assert_eq!(
            one("boolean f(Integer i, String s) { return i.equals(s.length()); }"),
            Vec::<String>::new()
        );
        assert_eq!(
            one("boolean f(Long id) { var n = 3; return id.equals(n); }"),
            ["Long:Integer"]
        );
        assert_eq!(
            one("boolean f(Long id) { return id.equals((long) 3); }"),
            Vec::<String>::new()
        );
        assert_eq!(
            one("boolean f(Long id) { return id.equals((Object) 3); }"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn objects_equals_needs_a_side_that_is_never_null() {
        assert_eq!(
            one("boolean f(Long id) { return java.util.Objects.equals(id, 1); }"),
            ["Long:Integer"]
        );
        assert_eq!(
            one("boolean f(Long id) { return Objects.equals(\"1\", id); }"),
            ["String:Long"]
        );
        assert_eq!(
            one("boolean f(Long id, String s) { return Objects.equals(s, id); }"),
            Vec::<String>::new()
        );
        assert_eq!(
            findings("import java.util.Objects;\nclass A { boolean f(Long id) { return Objects.equals(id, 1); } }"),
            [(2, "Long:Integer".to_string())]
        );
        assert_eq!(
            one("static class Objects { static boolean equals(Object a, Object b) { return true; } } boolean f(Long id) { return Objects.equals(id, 1); }"),
            Vec::<String>::new()
        );
        assert_eq!(
            findings("import com.example.Objects;\nclass A { boolean f(Long id) { return Objects.equals(id, 1); } }"),
            Vec::<(usize, String)>::new()
        );
    }

    #[test]
    fn shadowing_and_scopes() {
        // A local or parameter hides a field.
        assert_eq!(
            one("Long id; boolean f(String id) { return id.equals(\"x\"); }"),
            Vec::<String>::new()
        );
        assert_eq!(
            one("Long id; boolean f() { String id = \"\"; return id.equals(\"x\"); }"),
            Vec::<String>::new()
        );
        assert_eq!(
            one("String id; boolean f() { return this.id.equals(1); }"),
            ["String:Integer"]
        );
        // Pattern, catch and resource variables are not resolved: unknown.
        assert_eq!(one("Long id; boolean f(Object o) { return o instanceof String id && id.equals(\"x\"); }"), Vec::<String>::new());
        assert_eq!(one("Long id; boolean f(Object o) { return switch (o) { case String id -> id.equals(\"x\"); default -> false; }; }"), Vec::<String>::new());
        // An inner class's inherited field may hide the outer one.
        assert_eq!(
            one("Long id; class B extends C { boolean f() { return id.equals(1); } }"),
            Vec::<String>::new()
        );
        assert_eq!(
            one("Long id; class B { boolean f() { return id.equals(1); } }"),
            ["Long:Integer"]
        );
        assert_eq!(
            one("Long id; Runnable r = new Runnable() { public void run() { id.equals(1); } };"),
            Vec::<String>::new()
        );
        // An inferred lambda parameter is unknown.
        assert_eq!(
            one("Long id; java.util.function.Predicate<String> p = id -> id.equals(\"x\");"),
            Vec::<String>::new()
        );
        // Enum fields are found after the constants, and constants hide outer names.
        assert_eq!(
            one("String A; enum E { A, B; Long code; boolean f() { return code.equals(1); } }"),
            ["Long:Integer"]
        );
        assert_eq!(
            one("String A; enum E { A, B; boolean f() { return A.equals(1); } }"),
            Vec::<String>::new()
        );
        assert_eq!(
            one("Long code; enum E { A; String code; boolean f() { return code.equals(\"x\"); } }"),
            Vec::<String>::new()
        );
        // A type of that name in the file is not java.lang's.
        assert_eq!(
            one("static class Long {} boolean f(Long id) { return id.equals(1); }"),
            Vec::<String>::new()
        );
        assert_eq!(
            findings(
                "import org.example.Long;\nclass A { boolean f(Long id) { return id.equals(1); } }"
            ),
            Vec::<(usize, String)>::new()
        );
        assert_eq!(
            one("<Long> boolean f(Long id) { return id.equals(1); }"),
            Vec::<String>::new()
        );
        assert_eq!(
            findings(
                "import java.lang.Long;\nclass A { boolean f(Long id) { return id.equals(1); } }"
            ),
            [(2, "Long:Integer".to_string())]
        );
        // A local of an earlier `case …:` group is in scope in the later ones.
        assert_eq!(
            one("Long x; void f(int k) { switch (k) { case 1: String x = \"a\"; break; case 2: x = \"b\"; x.equals(\"c\"); x.equals(1); } }"),
            ["String:Integer"]
        );
        // `this.x` in an enum is the enum's field.
        assert_eq!(
            one(
                "String code; enum E { A; Long code; boolean f() { return this.code.equals(1); } }"
            ),
            ["Long:Integer"]
        );
        // A `var` initialised from a name: that name is read at the declaration.
        assert_eq!(
            one("Long s; boolean f() { var x = s; String s = \"\"; return x.equals(1L); }"),
            Vec::<String>::new()
        );
        // Record components.
        assert_eq!(
            one("record R(Long id) { boolean f() { return id.equals(1); } }"),
            ["Long:Integer"]
        );
    }
}
