//! `cognitive-complexity`: methods and constructors whose Cognitive Complexity
//! (G. Ann Campbell, SonarSource, 2017) is above `max`. Structures (`if`,
//! `?:`, `switch`, loops, `catch`) cost 1 plus their nesting level; `else if`,
//! `else`, each run of like `&&`/`||` operators and a labelled `break` or
//! `continue` cost 1; the bodies of structures, `else` and lambdas nest one
//! level deeper, and so are the methods of local and anonymous classes (which
//! are also measured on their own). Recursion, which the paper also counts,
//! needs to know which method a call resolves to and is left out.
//!
//! Counted on the engine's walk: a method starts a tally, each structure below
//! adds to the tallies of the methods it is in (its nesting read from its
//! ancestors), and the method's end reports it.

use super::super::kinds::{fields, kinds};
use super::{emit_over_max, Along, Check, Cx, Tally, Values};
use tree_sitter::Node;

pub(super) struct CognitiveComplexity {
    pub max: i64,
}

/// The methods being measured, and per ancestor the nesting level from the
/// root (`nests` summed along the path): a method's level at a node is the
/// difference of two of them.
#[derive(Default)]
struct State {
    tallies: Vec<Tally>,
    levels: Along<i64>,
}

const METHODS: &[&str] = &[
    "method_declaration",
    "constructor_declaration",
    "compact_constructor_declaration",
];

impl Check for CognitiveComplexity {
    fn kinds(&self) -> &'static [&'static str] {
        &[
            "method_declaration",
            "constructor_declaration",
            "compact_constructor_declaration",
            "if_statement",
            "for_statement",
            "enhanced_for_statement",
            "while_statement",
            "do_statement",
            "switch_expression",
            "catch_clause",
            "ternary_expression",
            "break_statement",
            "continue_statement",
            "&&",
            "||",
        ]
    }
    fn exit_kinds(&self) -> &'static [&'static str] {
        METHODS
    }
    fn values(&self) -> &'static [&'static str] {
        &["name", "complexity", "max"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, _: &mut dyn FnMut(Node<'t>, Values)) {
        let k = kinds();
        let id = cx.kind;
        let mut state = cx.memory::<State>();
        let State { tallies, levels } = &mut *state;
        if [
            k.method_declaration,
            k.constructor_declaration,
            k.compact_constructor_declaration,
        ]
        .contains(&id)
        {
            tallies.push(Tally {
                node: node.id(),
                depth: cx.ancestors.len(),
                count: 0,
            });
            return;
        }
        if tallies.is_empty() {
            return;
        }
        let Some((base, nested)) = increment(node, cx.ancestors) else {
            return;
        };
        let ancestors = cx.ancestors;
        let levels = if nested {
            levels.of(ancestors, |above, i, n| {
                above.unwrap_or(0)
                    + i.checked_sub(1)
                        .map_or(0, |p| i64::from(nests(ancestors[p], n)))
            })
        } else {
            &[]
        };
        for tally in tallies.iter_mut() {
            // Only what is in the method's body counts: not an annotation's
            // argument, say.
            let Some(body) = ancestors.get(tally.depth + 1) else {
                continue;
            };
            if body.kind_id() != k.block && body.kind_id() != k.constructor_body {
                continue;
            }
            tally.count += base;
            if let Some(&last) = levels.last() {
                // From the body down to the node's parent, and the node itself.
                let parent = ancestors[ancestors.len() - 1];
                tally.count += last - levels[tally.depth + 1] + i64::from(nests(parent, node));
            }
        }
    }
    fn exit<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let Some(tally) = cx.memory::<State>().tallies.pop() else {
            return;
        };
        if tally.count > self.max && tally.node == node.id() {
            emit_over_max(node, cx.text, ("complexity", tally.count), self.max, emit);
        }
    }
}

/// What `node` costs apart from its nesting, and whether its nesting adds to
/// that; `None` when it costs nothing. For `&&` and `||` the cost is that of
/// the whole tree of logical operators, counted at the operator of its root.
fn increment(node: Node, ancestors: &[Node]) -> Option<(i64, bool)> {
    let (k, f) = (kinds(), fields());
    let id = node.kind_id();
    let parent = ancestors.last().copied();
    if id == k.if_statement {
        let else_if = parent
            .is_some_and(|p| p.kind_id() == k.if_statement && is_field(p, f.alternative, node));
        let has_else = node
            .child_by_field_id(f.alternative)
            .is_some_and(|a| a.kind_id() != k.if_statement);
        return Some((1 + i64::from(has_else), !else_if));
    }
    if id == k.break_statement || id == k.continue_statement {
        let labelled = node
            .named_child(0)
            .is_some_and(|c| c.kind_id() == k.identifier);
        return labelled.then_some((1, false));
    }
    if id == k.and || id == k.or {
        // The root of a tree of `&&` and `||` (parentheses included) counts for it.
        let (&operation, above) = ancestors.split_last()?;
        let outer = above
            .iter()
            .rev()
            .find(|p| p.kind_id() != k.parenthesized_expression);
        if outer.is_some_and(|&o| is_logical(o)) {
            return None;
        }
        return Some((operator_runs(operation), false));
    }
    // Loops, `switch`, `catch` and `?:`.
    Some((1, true))
}

/// Whether `child` is `field` of `parent`.
fn is_field(parent: Node, field: u16, child: Node) -> bool {
    parent
        .child_by_field_id(field)
        .is_some_and(|c| c.id() == child.id())
}

/// Whether `child` of `parent` is one level deeper.
fn nests(parent: Node, child: Node) -> bool {
    let (k, f) = (kinds(), fields());
    let id = parent.kind_id();
    match () {
        _ if id == k.if_statement => {
            is_field(parent, f.consequence, child)
                || (child.kind_id() != k.if_statement && is_field(parent, f.alternative, child))
        }
        // A ternary's branches are nested, not its condition.
        _ if id == k.ternary_expression => !is_field(parent, f.condition, child),
        // A lambda and the methods of a local or anonymous class are nested
        // code.
        _ if id == k.lambda_expression
            || id == k.class_body
            || id == k.enum_body
            || id == k.interface_body =>
        {
            true
        }
        _ if [
            k.for_statement,
            k.enhanced_for_statement,
            k.while_statement,
            k.do_statement,
            k.switch_expression,
            k.catch_clause,
        ]
        .contains(&id) =>
        {
            is_field(parent, f.body, child)
        }
        _ => false,
    }
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
    use super::super::tests::complexities;

    /// The complexity of the first method in `code`.
    fn score(code: &str) -> i64 {
        complexities("cognitive-complexity", code)[0].1
    }

    #[test]
    fn scores_the_white_papers_examples() {
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
            // Constructs without braces nest to the end of their statement.
            ("class A { void f() { if (a) for (;;) if (b) while (c) x(); } }", 10),
            ("class A { void f() { if (a) r = () -> { foo(); if (c) { } }; } }", 4),
            ("class A { void f() { if (a) x(); else y = z -> z ? 1 : 2; } }", 5),
            ("class A { void f() { do if (a) x(); while (b && c); } }", 4),
            ("class A { void f() { if (a) x = new B() { int f = c ? 1 : 2; }; } }", 4),
            ("class A { void f() { if (xs.any(x -> x > 0)) { if (b) { } } else { } } }", 4),
        ];
        for (code, expected) in cases {
            assert_eq!(score(code), expected, "{code}");
        }
    }
}
