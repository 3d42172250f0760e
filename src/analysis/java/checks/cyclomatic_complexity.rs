//! `cyclomatic-complexity`: methods, constructors and initialiser blocks with
//! more than `max` decision points, counted like Checkstyle's
//! `CyclomaticComplexity`: 1, plus one per `if`, loop, `catch`, `case` label,
//! `?:`, `&&` and `||`. Lambdas count towards their method; nested and
//! anonymous classes' methods are their own.

use super::super::kinds::{fields, kinds};
use super::lexer::{scan, Token};
use super::{text_of, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct CyclomaticComplexity {
    pub max: i64,
}

impl Check for CyclomaticComplexity {
    fn kinds(&self) -> &'static [&'static str] {
        &[
            "method_declaration",
            "constructor_declaration",
            "compact_constructor_declaration",
            "static_initializer",
            "block",
        ]
    }
    fn values(&self) -> &'static [&'static str] {
        &["name", "complexity", "max"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let text = cx.text;
        let k = kinds();
        // An initialiser is reported at its start, a method at its name.
        let (body, name) = if node.kind_id() == k.static_initializer {
            (node.named_child(0), None)
        } else if node.kind_id() == k.block {
            // Only an instance initialiser: a block right in a class body.
            if cx.ancestor(0).is_none_or(|p| {
                p.kind_id() != k.class_body && p.kind_id() != k.enum_body_declarations
            }) {
                return;
            }
            (Some(node), None)
        } else {
            (
                node.child_by_field_id(fields().body),
                node.child_by_field_id(fields().name),
            )
        };
        let Some(body) = body else {
            return;
        };
        // Most methods are simple: a cheap count of the tokens that could be
        // decisions bounds the complexity from above without walking the tree.
        if decision_tokens_upper_bound(text_of(body, text).as_bytes()) < self.max {
            return;
        }
        let complexity = 1 + decisions(body);
        if complexity <= self.max {
            return;
        }
        let (target, name) = match name {
            Some(name) => (name, text_of(name, text)),
            None if node.kind_id() == k.block => (node, "instance initializer"),
            None => (node, "static initializer"),
        };
        emit(
            target,
            &[
                ("name", name.to_string()),
                ("complexity", complexity.to_string()),
                ("max", self.max.to_string()),
            ],
        );
    }
}

/// At least as many as the decision points in `code`: counts `?`, `&&`, `||` and
/// the words `if`, `for`, `while`, `do`, `case` and `catch` outside comments
/// and literals (a keyword always stands alone as a word).
fn decision_tokens_upper_bound(code: &[u8]) -> i64 {
    let mut count = 0;
    scan(code, |i, token| match token {
        // A wildcard `<?` or `, ?` is no ternary: a ternary's `?` follows an
        // operand.
        Token::Byte(b'?')
            if !matches!(
                code[..i].iter().rev().find(|c| !c.is_ascii_whitespace()),
                Some(b'<' | b',')
            ) =>
        {
            count += 1
        }
        Token::Byte(b @ (b'&' | b'|')) if code.get(i + 1) == Some(&b) => count += 1,
        Token::Word(b"if" | b"do" | b"for" | b"while" | b"case" | b"catch") => count += 1,
        _ => {}
    });
    count
}

/// Decision points under `body`, not entering nested class bodies.
fn decisions(body: Node) -> i64 {
    let mut count = 0;
    let mut cursor = body.walk();
    let mut depth = 0usize;
    let k = kinds();
    let counted = [
        k.if_statement,
        k.while_statement,
        k.do_statement,
        k.for_statement,
        k.enhanced_for_statement,
        k.ternary_expression,
        k.catch_clause,
        k.and,
        k.or,
    ];
    loop {
        let node = cursor.node();
        let kind = node.kind_id();
        if counted.contains(&kind)
            || (kind == k.switch_label && node.child(0).is_some_and(|c| c.kind_id() == k.case))
        {
            count += 1;
        }
        let enter = kind != k.class_body && kind != k.enum_body && kind != k.interface_body;
        if enter && cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if depth == 0 {
                return count;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            cursor.goto_parent();
            depth -= 1;
        }
    }
}
