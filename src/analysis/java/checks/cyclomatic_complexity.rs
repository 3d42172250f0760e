//! `cyclomatic-complexity`: methods and constructors with more than `max`
//! decision points, counted like Checkstyle's `CyclomaticComplexity`: 1, plus one
//! per `if`, loop, `catch`, `case` label, `?:`, `&&` and `||`. Lambdas count
//! towards their method; nested and anonymous classes' methods are their own.

use super::{text_of, Check, Values};
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
        ]
    }
    fn values(&self) -> &'static [&'static str] {
        &["name", "complexity", "max"]
    }
    fn check<'t>(&self, node: Node<'t>, text: &str, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let Some(body) = node.child_by_field_name("body") else {
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
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        emit(
            name,
            &[
                ("name", text_of(name, text).to_string()),
                ("complexity", complexity.to_string()),
                ("max", self.max.to_string()),
            ],
        );
    }
}

/// At least as many as the decision points in `code`: counts `?`, `&&`, `||` and
/// the starts of `if`, `for`, `while`, `do`, `case` and `catch` anywhere,
/// identifiers and comments included.
fn decision_tokens_upper_bound(code: &[u8]) -> i64 {
    let mut count = 0;
    for (i, &b) in code.iter().enumerate() {
        let rest = &code[i + 1..];
        count += match b {
            b'?' => 1,
            b'&' if rest.first() == Some(&b'&') => 1,
            b'|' if rest.first() == Some(&b'|') => 1,
            b'i' if rest.first() == Some(&b'f') => 1,
            b'd' if rest.first() == Some(&b'o') => 1,
            b'f' if rest.starts_with(b"or") => 1,
            b'w' if rest.starts_with(b"hile") => 1,
            b'c' if rest.starts_with(b"ase") || rest.starts_with(b"atch") => 1,
            _ => 0,
        };
    }
    count
}

/// Decision points under `body`, not entering nested class bodies.
fn decisions(body: Node) -> i64 {
    let mut count = 0;
    let mut cursor = body.walk();
    let mut depth = 0usize;
    loop {
        let node = cursor.node();
        count += match node.kind() {
            "if_statement"
            | "while_statement"
            | "do_statement"
            | "for_statement"
            | "enhanced_for_statement"
            | "ternary_expression"
            | "catch_clause" => 1,
            "switch_label" if node.child(0).is_some_and(|k| k.kind() == "case") => 1,
            "&&" | "||" => 1,
            _ => 0,
        };
        let enter = !matches!(node.kind(), "class_body" | "enum_body" | "interface_body");
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
