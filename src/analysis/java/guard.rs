//! Guards: a cheap necessary condition for a query pattern to match at a node,
//! read from the pattern's text. Starting a query cursor costs about a
//! microsecond even when nothing matches, and kinds such as `method_invocation`
//! occur hundreds of thousands of times, so the engine first checks each
//! pattern's guard and runs the kind's query only when one passes.
//!
//! A guard looks at the node itself (the predicates on the pattern's root
//! captures) and at its direct children (each child item of the root with its
//! field, its kinds and the predicates on its captures). It only ever drops
//! what the pattern could not match: anything it does not understand (a capture
//! used twice, a quantified item, a predicate between two captures) it leaves to
//! the query.

use super::checks::Fields;
use super::query::{KindSet, Predicate};
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;
use tree_sitter::{Language, Node};

/// (kind, field) pairs of tree-sitter-java where a node may have several
/// children with that field (`declarator` of a field declaration).
static MULTIPLE: LazyLock<HashSet<(String, String)>> = LazyLock::new(|| {
    let types: serde_json::Value =
        serde_json::from_str(tree_sitter_java::NODE_TYPES).unwrap_or_default();
    let mut out = HashSet::new();
    for t in types.as_array().into_iter().flatten() {
        let Some(kind) = t["type"].as_str() else {
            continue;
        };
        for (field, info) in t["fields"].as_object().into_iter().flatten() {
            if info["multiple"].as_bool() != Some(false) {
                out.insert((kind.to_string(), field.clone()));
            }
        }
    }
    out
});

/// Conditions that every match of one pattern satisfies.
#[derive(Debug, Default)]
pub struct Guard {
    root: Vec<Cond>,
    children: Vec<ChildGuard>,
    /// Fields the node must not have (`!alternative`).
    absent: Vec<u16>,
    /// Two fields whose texts must be equal (or, negated, differ): `#eq? @a @b`.
    same: Vec<(u16, u16, bool)>,
}

/// Some child (with this field, when given) of one of these kinds satisfies
/// all the conditions.
#[derive(Debug)]
struct ChildGuard {
    /// Most selective first: see `rank`.
    rank: u8,
    field: Option<std::num::NonZeroU16>,
    /// The root kind may have several children with this field.
    multiple: bool,
    kinds: Option<KindSet>,
    conds: Vec<Cond>,
}

/// The order in which a guard tries its children, most likely to fail first,
/// since each field lookup steps through the node's children: an exact text
/// (`#eq? @name "run"`), then a token (`operator: "=="`) or a regex, then some
/// named kinds, then anything; a child without a field, read with a cursor, last.
fn rank(has_field: bool, kinds: Option<&[String]>, conds: &[Cond]) -> u8 {
    let exact = conds
        .iter()
        .any(|c| matches!(c, Cond::Eq(_, false) | Cond::AnyOf(_, false)));
    let matches = conds.iter().any(|c| matches!(c, Cond::Match(_, false)));
    let tokens = kinds.is_some_and(|k| k.iter().all(|k| !super::kinds::is_named(k)));
    let selective = if exact {
        0
    } else if matches || tokens {
        1
    } else if kinds.is_some() {
        2
    } else {
        3
    };
    selective + if has_field { 0 } else { 4 }
}

#[derive(Debug)]
enum Cond {
    Eq(String, bool),
    AnyOf(Vec<String>, bool),
    Match(Regex, bool),
    /// One of gate's structural predicates, with its capture as index 0.
    Structural(Predicate),
}

impl Guard {
    /// Reads the guard of one pattern; a pattern it cannot read gets none.
    pub fn of(pattern: &str, language: &Language) -> Guard {
        let items = Parser {
            s: pattern.as_bytes(),
            i: 0,
        }
        .items();
        Guard::from_items(&items, language).unwrap_or_default()
    }

    fn from_items(items: &[Item], language: &Language) -> Option<Guard> {
        let mut predicates = Vec::new();
        let mut uses = std::collections::HashMap::<&str, usize>::new();
        for item in items {
            item.collect(&mut predicates, &mut uses);
        }
        // The pattern: the one item that is not a predicate, maybe in a group.
        let mut root = items.iter().find(|i| !i.is_predicate())?;
        while let Kind::Group = root.kind {
            root = root.children.iter().find(|i| !i.is_predicate())?;
        }
        let conds_of = |captures: &[String], structural_ok: bool| -> Vec<Cond> {
            captures
                .iter()
                .filter(|c| uses.get(c.as_str()) == Some(&1))
                .flat_map(|c| {
                    predicates
                        .iter()
                        .filter_map(move |p| cond(p, c, structural_ok))
                })
                .collect()
        };
        let mut guard = Guard {
            root: conds_of(&root.captures, true),
            ..Guard::default()
        };
        if let Kind::Node(root_kind) = &root.kind {
            // The field of the direct child that alone holds `capture`.
            let single_field = |capture: &str| {
                if uses.get(capture) != Some(&1) {
                    return None;
                }
                let child = root
                    .children
                    .iter()
                    .find(|c| c.captures.iter().any(|x| x == capture))?;
                let field = child.field.as_ref()?;
                if child.quantified || MULTIPLE.contains(&(root_kind.clone(), field.clone())) {
                    return None;
                }
                language.field_id_for_name(field).map(|f| f.get())
            };
            for p in &predicates {
                let Kind::Node(op) = &p.kind else { continue };
                let negate = match op.as_str() {
                    "#eq?" => false,
                    "#not-eq?" => true,
                    _ => continue,
                };
                if let [Arg::Capture(a), Arg::Capture(b)] = p.args.as_slice() {
                    if let (Some(a), Some(b)) = (single_field(a), single_field(b)) {
                        guard.same.push((a, b, negate));
                    }
                }
            }
            for child in &root.children {
                if let Kind::Absent(field) = &child.kind {
                    guard
                        .absent
                        .extend(language.field_id_for_name(field).map(|f| f.get()));
                    continue;
                }
                if child.quantified || child.is_predicate() {
                    continue;
                }
                let kinds = match &child.kind {
                    Kind::Node(name) if name == "_" => None,
                    Kind::Node(name) => Some(vec![name.clone()]),
                    Kind::Token(name) => Some(vec![name.clone()]),
                    Kind::Alternation => child
                        .children
                        .iter()
                        .map(|a| match &a.kind {
                            Kind::Node(n) | Kind::Token(n) if n != "_" && a.field.is_none() => {
                                Some(n.clone())
                            }
                            _ => None,
                        })
                        .collect::<Option<Vec<_>>>(),
                    _ => continue,
                };
                let field = match &child.field {
                    Some(f) => Some(language.field_id_for_name(f)?),
                    // A token is worth a lookup only by its field.
                    None if kinds.iter().flatten().any(|k| !super::kinds::is_named(k)) => continue,
                    None => None,
                };
                let conds = conds_of(&child.captures, false);
                if kinds.is_none() && conds.is_empty() && field.is_none() {
                    continue;
                }
                let rank = rank(field.is_some(), kinds.as_deref(), &conds);
                guard.children.push(ChildGuard {
                    rank,
                    field,
                    multiple: child
                        .field
                        .as_ref()
                        .is_some_and(|f| MULTIPLE.contains(&(root_kind.clone(), f.clone()))),
                    kinds: kinds.map(|k| KindSet::of(&k)),
                    conds,
                });
            }
        }
        guard.children.sort_by_key(|c| c.rank);
        Some(guard)
    }

    /// False only when the pattern cannot match at `node`. `fields` remembers
    /// the node's children by field across the patterns of its kind.
    pub fn admits<'t>(
        &self,
        node: Node<'t>,
        ancestors: &[Node<'t>],
        text: &str,
        fields: &mut Fields<'t>,
    ) -> bool {
        if !self
            .root
            .iter()
            .all(|c| c.holds(node, node, ancestors, text))
            || self.absent.iter().any(|&f| fields.get(node, f).is_some())
        {
            return false;
        }
        let text_of = |n: Option<Node>| n.map(|n| &text[n.byte_range()]);
        for &(a, b, negate) in &self.same {
            let (a, b) = (fields.get(node, a), fields.get(node, b));
            if a.is_none() || b.is_none() || (text_of(a) == text_of(b)) == negate {
                return false;
            }
        }
        self.children.iter().all(|g| {
            let ok = |child: &Node<'t>| {
                g.kinds.as_ref().is_none_or(|k| k.contains(child.kind_id()))
                    && g.conds
                        .iter()
                        .all(|c| c.holds(*child, node, ancestors, text))
            };
            match g.field {
                // The common case, without a cursor (which allocates).
                Some(f) if !g.multiple => fields.get(node, f.get()).is_some_and(|c| ok(&c)),
                Some(f) => {
                    let mut cursor = node.walk();
                    let found = node.children_by_field_id(f, &mut cursor).any(|c| ok(&c));
                    found
                }
                // Few children: index them rather than allocate a cursor.
                None if node.child_count() <= 8 => (0..node.child_count())
                    .filter_map(|i| node.child(i))
                    .any(|c| ok(&c)),
                None => {
                    let mut cursor = node.walk();
                    let found = node.children(&mut cursor).any(|c| ok(&c));
                    found
                }
            }
        })
    }
}

impl Cond {
    fn holds<'t>(&self, n: Node<'t>, anchor: Node<'t>, ancestors: &[Node<'t>], text: &str) -> bool {
        let t = || &text[n.byte_range()];
        match self {
            Cond::Eq(s, negate) => (t() == s) != *negate,
            Cond::AnyOf(set, negate) => {
                let t = t();
                set.iter().any(|s| s == t) != *negate
            }
            Cond::Match(re, negate) => re.is_match(t()) != *negate,
            Cond::Structural(p) => p.holds_near(n, anchor, ancestors),
        }
    }
}

/// The condition a predicate puts on `capture`, when it is one a guard can
/// check on that node alone.
fn cond(p: &Item, capture: &str, structural_ok: bool) -> Option<Cond> {
    let Kind::Node(op) = &p.kind else {
        return None;
    };
    let op = op.strip_prefix('#')?;
    let (first, rest) = p.args.split_first()?;
    if first != &Arg::Capture(capture.to_string()) {
        return None;
    }
    let strings: Option<Vec<String>> = rest
        .iter()
        .map(|a| match a {
            Arg::Str(s) => Some(s.clone()),
            Arg::Capture(_) => None,
        })
        .collect();
    let strings = strings?;
    let negate = op.starts_with("not-");
    let base = op.strip_prefix("not-").unwrap_or(op);
    Some(match base {
        "eq?" if strings.len() == 1 => Cond::Eq(strings[0].clone(), negate),
        "any-of?" => Cond::AnyOf(strings, negate),
        "match?" if strings.len() == 1 => Cond::Match(Regex::new(&strings[0]).ok()?, negate),
        "empty?" | "blank?" | "next-sibling?" | "inside?" | "has-ancestor?" => {
            let local = matches!(base, "empty?" | "blank?" | "next-sibling?");
            if !local && !structural_ok {
                return None;
            }
            Cond::Structural(Predicate::from_parts(base, 0, strings, negate)?)
        }
        _ => return None,
    })
}

#[derive(Debug, PartialEq)]
enum Arg {
    Capture(String),
    Str(String),
}

#[derive(Debug)]
enum Kind {
    /// `(name …)`; predicates are nodes whose name starts with `#`.
    Node(String),
    /// `((…) …)`: a parenthesised group.
    Group,
    Alternation,
    /// `!field`: the node has no child with this field.
    Absent(String),
    /// `"=="`: an anonymous node.
    Token(String),
    /// An anchor: nothing a guard reads.
    Other,
}

#[derive(Debug)]
struct Item {
    kind: Kind,
    field: Option<String>,
    captures: Vec<String>,
    quantified: bool,
    children: Vec<Item>,
    args: Vec<Arg>,
}

impl Item {
    fn is_predicate(&self) -> bool {
        matches!(&self.kind, Kind::Node(n) if n.starts_with('#'))
    }

    fn collect<'a>(
        &'a self,
        predicates: &mut Vec<&'a Item>,
        uses: &mut std::collections::HashMap<&'a str, usize>,
    ) {
        if self.is_predicate() {
            predicates.push(self);
            return;
        }
        for c in &self.captures {
            *uses.entry(c.as_str()).or_default() += 1;
        }
        for child in &self.children {
            child.collect(predicates, uses);
        }
    }
}

/// Just enough of tree-sitter's query syntax for guards; tree-sitter has
/// already checked the pattern.
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn skip_trivia(&mut self) {
        while self.i < self.s.len() {
            match self.s[self.i] {
                b' ' | b'\t' | b'\n' | b'\r' => self.i += 1,
                b';' => {
                    while self.i < self.s.len() && self.s[self.i] != b'\n' {
                        self.i += 1;
                    }
                }
                _ => return,
            }
        }
    }

    fn word(&mut self) -> String {
        let start = self.i;
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_alphanumeric() || b"_.-?!#".contains(&self.s[self.i]))
        {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
    }

    fn string(&mut self) -> String {
        self.i += 1;
        let mut out = Vec::new();
        while self.i < self.s.len() {
            let c = self.s[self.i];
            self.i += 1;
            match c {
                b'\\' if self.i < self.s.len() => {
                    let e = self.s[self.i];
                    self.i += 1;
                    out.push(match e {
                        b'n' => b'\n',
                        b't' => b'\t',
                        b'r' => b'\r',
                        b'0' => 0,
                        other => other,
                    });
                }
                b'"' => break,
                _ => out.push(c),
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Items until a closing bracket or the end.
    fn items(&mut self) -> Vec<Item> {
        let mut items = Vec::new();
        loop {
            self.skip_trivia();
            match self.s.get(self.i) {
                None | Some(b')' | b']') => return items,
                _ => items.push(self.item()),
            }
        }
    }

    fn item(&mut self) -> Item {
        let mut field = None;
        let mut item = loop {
            self.skip_trivia();
            let Some(&c) = self.s.get(self.i) else {
                return other();
            };
            match c {
                b'(' => {
                    self.i += 1;
                    self.skip_trivia();
                    let kind = match self.s.get(self.i) {
                        Some(b'(' | b'[' | b'"') => Kind::Group,
                        _ => Kind::Node(self.word()),
                    };
                    let is_predicate = matches!(&kind, Kind::Node(n) if n.starts_with('#'));
                    let mut item = Item { kind, ..other() };
                    if is_predicate {
                        loop {
                            self.skip_trivia();
                            match self.s.get(self.i) {
                                Some(b'@') => {
                                    self.i += 1;
                                    item.args.push(Arg::Capture(self.word()));
                                }
                                Some(b'"') => item.args.push(Arg::Str(self.string())),
                                Some(b')') | None => break,
                                _ => {
                                    item.args.push(Arg::Str(self.word()));
                                }
                            }
                        }
                    } else {
                        item.children = self.items();
                    }
                    self.i += 1;
                    break item;
                }
                b'[' => {
                    self.i += 1;
                    let children = self.items();
                    self.i += 1;
                    break Item {
                        kind: Kind::Alternation,
                        children,
                        ..other()
                    };
                }
                b'"' => {
                    break Item {
                        kind: Kind::Token(self.string()),
                        ..other()
                    };
                }
                b'.' => {
                    self.i += 1;
                    break other();
                }
                b'!' => {
                    self.i += 1;
                    break Item {
                        kind: Kind::Absent(self.word()),
                        ..other()
                    };
                }
                b'_' => {
                    self.i += 1;
                    break Item {
                        kind: Kind::Node("_".to_string()),
                        ..other()
                    };
                }
                _ => {
                    let word = self.word();
                    self.skip_trivia();
                    if self.s.get(self.i) == Some(&b':') {
                        self.i += 1;
                        field = Some(word);
                        continue;
                    }
                    if word.is_empty() {
                        // Something this parser does not know: give up on it.
                        self.i += 1;
                    }
                    break other();
                }
            }
        };
        item.field = field;
        // Captures and quantifiers after the item.
        loop {
            let save = self.i;
            self.skip_trivia();
            match self.s.get(self.i) {
                Some(b'@') => {
                    self.i += 1;
                    item.captures.push(self.word());
                }
                Some(b'?' | b'*' | b'+') => {
                    self.i += 1;
                    item.quantified = true;
                }
                _ => {
                    self.i = save;
                    return item;
                }
            }
        }
    }
}

fn other() -> Item {
    Item {
        kind: Kind::Other,
        field: None,
        captures: Vec::new(),
        quantified: false,
        children: Vec::new(),
        args: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the guard of `pattern` admits the first node of `kind` in `code`.
    fn admits(pattern: &str, code: &str, kind: &str) -> bool {
        let language: Language = tree_sitter_java::LANGUAGE.into();
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&language).unwrap();
        let tree = parser.parse(code, None).unwrap();
        let mut stack = vec![tree.root_node()];
        let mut path = Vec::new();
        while let Some(n) = stack.pop() {
            if n.kind() == kind {
                let mut a = n.parent();
                while let Some(p) = a {
                    path.insert(0, p);
                    a = p.parent();
                }
                let guard = Guard::of(pattern, &language);
                return guard.admits(n, &path, code, &mut Fields::default());
            }
            let mut c = n.walk();
            stack.extend(n.children(&mut c).collect::<Vec<_>>().into_iter().rev());
        }
        panic!("no {kind} in {code}");
    }

    #[test]
    fn guards_check_fields_kinds_and_predicates_of_direct_children() {
        let call = r#"(method_invocation name: (identifier) @n (#any-of? @n "x" "z")) @m"#;
        assert!(admits(
            call,
            "class A { void f() { x(); } }",
            "method_invocation"
        ));
        assert!(!admits(
            call,
            "class A { void f() { y(); } }",
            "method_invocation"
        ));
        let literal = "(binary_expression left: [(true) (false)] @l)";
        assert!(admits(
            literal,
            "class A { boolean b = true == c; }",
            "binary_expression"
        ));
        assert!(!admits(
            literal,
            "class A { boolean b = c == true; }",
            "binary_expression"
        ));
        let inside = r#"((return_statement) @r (#inside? @r "finally_clause"))"#;
        let code = "class A { int f() { try { g(); } finally { return 2; } } }";
        assert!(admits(inside, code, "return_statement"));
        let code = "class A { int f() { try { return 1; } finally { g(); } } }";
        assert!(!admits(inside, code, "return_statement"));
    }

    #[test]
    fn guards_check_absent_fields_and_equal_children() {
        let single = "(if_statement !alternative) @m";
        assert!(admits(
            single,
            "class A { void f() { if (a) g(); } }",
            "if_statement"
        ));
        assert!(!admits(
            single,
            "class A { void f() { if (a) g(); else h(); } }",
            "if_statement"
        ));
        let same = "(assignment_expression left: (_) @a right: (_) @b (#eq? @a @b))";
        let kind = "assignment_expression";
        assert!(admits(same, "class A { void f() { x = x; } }", kind));
        assert!(!admits(same, "class A { void f() { x = y; } }", kind));
        let differ = same.replace("#eq?", "#not-eq?");
        assert!(!admits(&differ, "class A { void f() { x = x; } }", kind));
        assert!(admits(&differ, "class A { void f() { x = y; } }", kind));
    }

    #[test]
    fn what_a_guard_cannot_read_it_leaves_to_the_query() {
        // A capture used twice: its predicates could apply at either place.
        let twice =
            r#"(assignment_expression left: (identifier) @a right: (identifier) @a (#eq? @a "q"))"#;
        assert!(admits(
            twice,
            "class A { void f() { b = c; } }",
            "assignment_expression"
        ));
        // Quantified children may be absent.
        let optional = r#"(method_invocation object: (identifier)? @o (#eq? @o "q"))"#;
        assert!(admits(
            optional,
            "class A { void f() { y(); } }",
            "method_invocation"
        ));
    }
}
