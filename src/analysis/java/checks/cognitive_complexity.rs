//! `cognitive-complexity`: methods and constructors whose Cognitive Complexity
//! (G. Ann Campbell, SonarSource, 2017) is above `max`. Structures (`if`,
//! `?:`, `switch`, loops, `catch`) cost 1 plus their nesting level; `else if`,
//! `else`, each run of like `&&`/`||` operators and a labelled `break` or
//! `continue` cost 1; the bodies of structures, `else` and lambdas nest one
//! level deeper, and so are the methods of local and anonymous classes (which
//! are also measured on their own). Recursion, which the paper also counts,
//! needs to know which method a call resolves to and is left out.

use super::super::kinds::{fields, kinds};
use super::emit_over_max;
use super::lexer::{scan, Token};
use super::{text_of, Check, Cx, Values};
use std::num::NonZeroU16;
use tree_sitter::Node;

pub(super) struct CognitiveComplexity {
    pub max: i64,
}

impl Check for CognitiveComplexity {
    fn kinds(&self) -> &'static [&'static str] {
        &[
            "method_declaration",
            "constructor_declaration",
            "compact_constructor_declaration",
        ]
    }
    fn values(&self) -> &'static [&'static str] {
        &["name", "complexity", "max"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let text = cx.text;
        let Some(body) = node.child_by_field_id(fields().body) else {
            return;
        };
        // Most methods are simple: a bound from their tokens spares the walk.
        if upper_bound(text_of(body, text).as_bytes()) <= self.max {
            return;
        }
        let complexity = complexity(body);
        if complexity <= self.max {
            return;
        }
        emit_over_max(node, text, ("complexity", complexity), self.max, emit);
    }
}

/// At least the Cognitive Complexity of `code`, a method body, from its
/// tokens: each structure costs at most 1 plus the constructs around it. Those
/// with braces are counted by the brace depth; those without (`if (a) x();`,
/// `x -> y`, `?:` branches, `else`) can only reach to the end of their
/// statement, so each statement keeps a count of them, which a nested block
/// inherits (a construct's own body inherits the count from before it).
fn upper_bound(code: &[u8]) -> i64 {
    #[derive(Clone, Copy, Default)]
    struct Window {
        structures: i64,
        nesting_only: i64,
    }
    /// Whose body the next `{` may open: a construct's own braces count its
    /// nesting, so its body inherits the window from before its keyword.
    #[derive(Clone, Copy)]
    enum Owner {
        None,
        /// `if (`…`)`: the header's parentheses open at this depth.
        Header(i64, Window),
        /// Right after `)` of a header, `else`, `do` or `->`.
        Ready(Window),
    }
    let mut total = 0;
    let mut depth: i64 = -1; // the body's own braces are no nesting
    let mut parens = 0;
    let mut window = Window::default();
    // The window each open brace inherited, innermost last.
    let mut carried: Vec<Window> = Vec::new();
    let mut owner = Owner::None;
    // After `break` or `continue`: a word next is a label, which costs 1.
    let mut jump = false;
    scan(code, |i, token| {
        let next = code.get(i + 1).copied();
        let after_jump = std::mem::take(&mut jump);
        let before = window;
        let mut next_owner = Owner::None;
        match token {
            Token::Byte(b) if b.is_ascii_whitespace() => {
                jump = after_jump;
                next_owner = owner;
            }
            Token::Word(b"break" | b"continue") => jump = true,
            Token::Word(_) if after_jump => total += 1,
            Token::Word(w @ (b"if" | b"for" | b"while" | b"do" | b"switch" | b"catch")) => {
                total += 1 + depth.max(0) + window.structures + window.nesting_only;
                window.structures += 1;
                next_owner = if w == b"do" {
                    Owner::Ready(before)
                } else {
                    Owner::Header(parens, before)
                };
            }
            Token::Word(b"else") => {
                total += 1;
                window.nesting_only += 1;
                next_owner = Owner::Ready(before);
            }
            // A wildcard `<?` or `, ?` is no ternary: a ternary's `?` follows an
            // operand.
            Token::Byte(b'?')
                if !matches!(
                    code[..i].iter().rev().find(|c| !c.is_ascii_whitespace()),
                    Some(b'<' | b',')
                ) =>
            {
                total += 1 + depth.max(0) + window.structures + window.nesting_only;
                window.structures += 1;
            }
            Token::Byte(b'-') if next == Some(b'>') => {
                window.nesting_only += 1;
                next_owner = Owner::Ready(before);
            }
            Token::Byte(b'>') if i > 0 && code[i - 1] == b'-' => next_owner = owner,
            Token::Byte(b @ (b'&' | b'|')) if next == Some(b) => total += 1,
            Token::Byte(b'(') => {
                parens += 1;
                next_owner = owner;
            }
            Token::Byte(b')') => {
                parens = (parens - 1).max(0);
                next_owner = match owner {
                    Owner::Header(at, w) if at == parens => Owner::Ready(w),
                    other => other,
                };
            }
            Token::Byte(b'{') => {
                depth += 1;
                if let Owner::Ready(w) = owner {
                    window = w;
                }
                carried.push(window);
            }
            Token::Byte(b'}') => {
                depth -= 1;
                window = carried.pop().unwrap_or_default();
                // A block at statement level ends its statement.
                if parens == 0 {
                    window = carried.last().copied().unwrap_or_default();
                }
            }
            Token::Byte(b';') if parens == 0 => {
                window = carried.last().copied().unwrap_or_default();
            }
            _ => {}
        }
        // Inside a header's parentheses the header goes on.
        owner = match (owner, next_owner) {
            (Owner::Header(at, w), Owner::None) if parens > at => Owner::Header(at, w),
            (_, next) => next,
        };
    });
    total
}

/// The Cognitive Complexity of a method body: one walk of its tree that keeps
/// the nesting level of the current node.
fn complexity(body: Node) -> i64 {
    let mut total = 0;
    let mut cursor = body.walk();
    // The nodes from `body` down to the current node's parent, with their levels.
    let mut path: Vec<(Node, i64)> = Vec::new();
    let mut level = 0;
    let mut field = None;
    loop {
        let node = cursor.node();
        total += increment(node, &path, field, level);
        if cursor.goto_first_child() {
            path.push((node, level));
            field = field_of(node, &cursor);
            level = child_level(node, cursor.node(), field, level);
            continue;
        }
        loop {
            let Some(&(parent, parent_level)) = path.last() else {
                return total;
            };
            if cursor.goto_next_sibling() {
                field = field_of(parent, &cursor);
                level = child_level(parent, cursor.node(), field, parent_level);
                break;
            }
            cursor.goto_parent();
            path.pop();
        }
    }
}

/// The cursor's field in `parent`, asked only where it matters (the lookup
/// is not free, and the walk visits every node).
fn field_of(parent: Node, cursor: &tree_sitter::TreeCursor) -> Option<NonZeroU16> {
    let k = kinds();
    let id = parent.kind_id();
    [
        k.if_statement,
        k.ternary_expression,
        k.for_statement,
        k.enhanced_for_statement,
        k.while_statement,
        k.do_statement,
        k.switch_expression,
        k.catch_clause,
    ]
    .contains(&id)
    .then(|| cursor.field_id())
    .flatten()
}

/// What `node` adds, at nesting `level`, as the `field` child of the last
/// node of `path`.
fn increment(node: Node, path: &[(Node, i64)], field: Option<NonZeroU16>, level: i64) -> i64 {
    let (k, f) = (kinds(), fields());
    let id = node.kind_id();
    let parent = path.last().map(|&(p, _)| p);
    if id == k.if_statement {
        let else_if = parent.is_some_and(|p| p.kind_id() == k.if_statement)
            && field.is_some_and(|x| x.get() == f.alternative);
        let has_else = node
            .child_by_field_id(f.alternative)
            .is_some_and(|a| a.kind_id() != k.if_statement);
        return if else_if { 1 } else { 1 + level } + i64::from(has_else);
    }
    if [
        k.for_statement,
        k.enhanced_for_statement,
        k.while_statement,
        k.do_statement,
        k.switch_expression,
        k.catch_clause,
        k.ternary_expression,
    ]
    .contains(&id)
    {
        return 1 + level;
    }
    if id == k.break_statement || id == k.continue_statement {
        return i64::from(
            node.named_child(0)
                .is_some_and(|c| c.kind_id() == k.identifier),
        );
    }
    if is_logical(node) {
        // The root of a tree of `&&` and `||` (parentheses included) counts for it.
        let outer = path
            .iter()
            .rev()
            .map(|&(p, _)| p)
            .find(|p| p.kind_id() != k.parenthesized_expression);
        if !outer.is_some_and(is_logical) {
            return operator_runs(node);
        }
    }
    0
}

/// The nesting level of `child`, the `field` child of `parent` at `level`.
fn child_level(parent: Node, child: Node, field: Option<NonZeroU16>, level: i64) -> i64 {
    let (k, f) = (kinds(), fields());
    let id = parent.kind_id();
    let field = field.map_or(0, |x| x.get());
    let nests = match () {
        _ if id == k.if_statement => {
            field == f.consequence || (field == f.alternative && child.kind_id() != k.if_statement)
        }
        // A lambda and the methods of a local or anonymous class are nested
        // code.
        // A ternary's branches are nested, not its condition.
        _ if id == k.ternary_expression => field != f.condition,
        _ if id == k.lambda_expression
            || id == k.class_body
            || id == k.enum_body
            || id == k.interface_body =>
        {
            true
        }
        _ => {
            field == f.body
                && [
                    k.for_statement,
                    k.enhanced_for_statement,
                    k.while_statement,
                    k.do_statement,
                    k.switch_expression,
                    k.catch_clause,
                ]
                .contains(&id)
        }
    };
    level + i64::from(nests)
}

fn is_logical(node: Node) -> bool {
    let k = kinds();
    node.kind_id() == k.binary_expression
        && node
            .child_by_field_id(fields().operator)
            .is_some_and(|o| o.kind_id() == k.and || o.kind_id() == k.or)
}

/// One per run of like operators in a tree of `&&` and `||`, read in source
/// order through parentheses: `a && (b && c) || d` is two runs; a `!` or a
/// call starts a tree of its own.
fn operator_runs(root: Node) -> i64 {
    let (k, f) = (kinds(), fields());
    let mut operators: Vec<(usize, u16)> = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if let Some(op) = node.child_by_field_id(f.operator) {
            operators.push((op.start_byte(), op.kind_id()));
        }
        for side in [f.left, f.right] {
            let mut operand = node.child_by_field_id(side);
            while let Some(inner) = operand.filter(|o| o.kind_id() == k.parenthesized_expression) {
                operand = inner.named_child(0);
            }
            stack.extend(operand.filter(|&n| is_logical(n)));
        }
    }
    operators.sort_unstable();
    let changes = operators.windows(2).filter(|w| w[0].1 != w[1].1).count();
    1 + changes as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The complexity of the first method in `code`, and its token bound.
    fn score(code: &str) -> (i64, i64) {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_java::LANGUAGE.into())
            .unwrap();
        let tree = parser.parse(code, None).unwrap();
        let class_body = tree
            .root_node()
            .child(0)
            .unwrap()
            .child_by_field_id(fields().body)
            .unwrap();
        let body = class_body
            .named_child(0)
            .unwrap()
            .child_by_field_id(fields().body)
            .unwrap();
        (
            complexity(body),
            upper_bound(text_of(body, code).as_bytes()),
        )
    }

    #[test]
    fn scores_the_white_papers_examples_and_never_exceeds_the_bound() {
        let cases = [
            // sumOfPrimes and getWords (section "An illustration of the problem").
            (
                "class A { int sumOfPrimes(int max) { int total = 0;
                   OUT: for (int i = 1; i <= max; ++i) {
                     for (int j = 2; j < i; ++j) { if (i % j == 0) { continue OUT; } }
                     total += i; }
                   return total; } }",
                7,
            ),
            (
                "class A { String getWords(int n) { switch (n) {
                   case 1: return \"one\"; case 2: return \"a couple\";
                   case 3: return \"a few\"; default: return \"lots\"; } } }",
                1,
            ),
            // Sequences of logical operators: `a && b && c || d || e && f` is 3
            // (+1 for the if), `a && !(b && c)` is 2 (+1).
            ("class A { void f() { if (a && b && c || d || e && f) { } } }", 4),
            ("class A { void f() { if (a && !(b && c)) { } } }", 3),
            // Nesting: the paper's myMethod: try; if +1; for +2; while +3 (in
            // a catch +2); catch +1; else if and else +1 each, no nesting.
            (
                "class A { void myMethod() { try {
                   if (c1) { for (int i = 0; i < 10; i++) { while (c2) { } } }
                 } catch (ExcepType1 | ExcepType2 e) { if (c2) { } } } }",
                9,
            ),
            ("class A { void f() { if (a) { } else if (b) { } else { if (c) { } } } }", 5),
            // Through parentheses, source order: && || && || is 4 runs.
            ("class A { void f() { if (a && (b || c) && (c || d)) { } } }", 5),
            ("class A { void f() { if (a && (b && c)) { } } }", 2),
            // A lambda nests its body, and so do anonymous and local classes.
            ("class A { void f() { run(() -> { if (a) { } }); new B() { void g() { if (b) { } } }; } }", 4),
            ("class A { void f() { class L { void m() { if (a) { } } } } }", 2),
            ("class A { int f() { return a ? b ? 1 : 2 : 3; } }", 3),
            // A ternary's condition is not nested in it.
            ("class A { int f() { return (a ? b : c) ? 1 : 2; } }", 2),
            // Constructs without braces nest to the end of their statement;
            // the bound must still hold.
            ("class A { void f() { if (a) for (;;) if (b) while (c) x(); } }", 10),
            ("class A { void f() { if (a) r = () -> { foo(); if (c) { } }; } }", 4),
            ("class A { void f() { if (a) x(); else y = z -> z ? 1 : 2; } }", 5),
            ("class A { void f() { do if (a) x(); while (b && c); } }", 4),
            ("class A { void f() { if (a) x = new B() { int f = c ? 1 : 2; }; } }", 4),
            ("class A { void f() { if (xs.any(x -> x > 0)) { if (b) { } } else { } } }", 4),
        ];
        for (code, expected) in cases {
            let (score, bound) = score(code);
            assert_eq!(score, expected, "{code}");
            assert!(score <= bound, "bound {bound} below {score}: {code}");
        }
    }
}
