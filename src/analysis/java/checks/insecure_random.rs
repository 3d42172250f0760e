//! `insecure-random`: a value of a predictable generator (`java.util.Random`,
//! `Math.random()`, `ThreadLocalRandom`) that flows, within one expression,
//! into a variable, field, method or argument whose name says it is a secret.

use super::super::kinds::{fields, kinds};
use super::{text_of, types::declared_type_name, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct InsecureRandom;

/// Words of a name that make it security-related.
const SECRET_WORDS: &[&str] = &[
    "token",
    "tokens",
    "salt",
    "nonce",
    "password",
    "passwd",
    "secret",
    "key",
    "keys",
    "otp",
    "session",
    "sessionid",
    "iv",
    "csrf",
    "xsrf",
];

/// The generators' methods that return random values.
const NEXT: &[&str] = &[
    "nextInt",
    "nextLong",
    "nextDouble",
    "nextFloat",
    "nextBoolean",
    "nextGaussian",
    "nextBytes",
    "ints",
    "longs",
    "doubles",
];

impl Check for InsecureRandom {
    fn kinds(&self) -> &'static [&'static str] {
        &["object_creation_expression", "method_invocation"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["generator", "name"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let (k, f, text) = (kinds(), fields(), cx.text);
        let generator = if node.kind_id() == k.object_creation_expression {
            let ty = cx.child(node, f.type_).map(|t| text_of(t, text));
            if !matches!(ty, Some("Random" | "java.util.Random")) {
                return;
            }
            "new Random()"
        } else {
            let Some(name) = cx.child(node, f.name).map(|n| text_of(n, text)) else {
                return;
            };
            if !matches!(name, "random" | "current") && !NEXT.contains(&name) {
                return;
            }
            let Some(object) = cx.child(node, f.object) else {
                return;
            };
            match (name, text_of(object, text)) {
                ("random", "Math" | "java.lang.Math") => "Math.random()",
                ("current", "ThreadLocalRandom" | "java.util.concurrent.ThreadLocalRandom") => {
                    "ThreadLocalRandom"
                }
                (method, _)
                    if NEXT.contains(&method)
                        && matches!(
                            declared_type_name(object, (node, cx.ancestors), text),
                            Some("Random" | "ThreadLocalRandom")
                        ) =>
                {
                    // `random.nextBytes(salt)` fills its argument.
                    if let Some(arg) = (method == "nextBytes")
                        .then(|| cx.child(node, f.arguments)?.named_child(0))
                        .flatten()
                        .and_then(|a| name_of(a, text))
                        .filter(|a| is_secret(a))
                    {
                        emit(
                            node,
                            &[
                                ("generator", "Random".to_string()),
                                ("name", arg.to_string()),
                            ],
                        );
                        return;
                    }
                    "Random"
                }
                _ => return,
            }
        };
        if let Some(sink) = secret_sink(cx.ancestors, text) {
            emit(
                node,
                &[
                    ("generator", generator.to_string()),
                    ("name", sink.to_string()),
                ],
            );
        }
    }
}

/// The security-looking name that the value of `node` goes to within its
/// expression: the variable declared or assigned, the method it is returned
/// from, or a call it is an argument of.
fn secret_sink<'a>(ancestors: &[Node], text: &'a str) -> Option<&'a str> {
    let (k, f) = (kinds(), fields());
    let mut up = ancestors.iter().rev();
    while let Some(a) = up.next() {
        let id = a.kind_id();
        let name = if id == k.variable_declarator {
            return a
                .child_by_field_id(f.name)
                .map(|n| text_of(n, text))
                .filter(|n| is_secret(n));
        } else if id == k.assignment_expression {
            return a
                .child_by_field_id(f.left)
                .and_then(|l| name_of(l, text))
                .filter(|n| is_secret(n));
        } else if id == k.return_statement {
            return up
                .find(|m| m.kind_id() == k.method_declaration || m.kind_id() == k.lambda_expression)
                .filter(|m| m.kind_id() == k.method_declaration)
                .and_then(|m| m.child_by_field_id(f.name))
                .map(|n| text_of(n, text))
                .filter(|n| is_secret(n));
        } else if id == k.method_invocation {
            // A call with the value among its arguments (or on it).
            a.child_by_field_id(f.name).map(|n| text_of(n, text))
        } else if a.kind().ends_with("_statement")
            || id == k.block
            || id == k.lambda_expression
            || id == k.class_body
        {
            return None;
        } else {
            None
        };
        if name.is_some_and(is_secret) {
            return name;
        }
    }
    None
}

/// The name a variable, field or array element is stored under.
fn name_of<'a>(expr: Node, text: &'a str) -> Option<&'a str> {
    let (k, f) = (kinds(), fields());
    let id = expr.kind_id();
    if id == k.identifier {
        Some(text_of(expr, text))
    } else if id == k.field_access {
        expr.child_by_field_id(f.field).map(|n| text_of(n, text))
    } else if id == k.array_access {
        name_of(expr.child_by_field_id(f.array)?, text)
    } else {
        None
    }
}

/// Whether a word of `name` (camelCase, snake_case or UPPER_CASE) is a secret word.
fn is_secret(name: &str) -> bool {
    words(name)
        .into_iter()
        .any(|w| SECRET_WORDS.iter().any(|s| s.eq_ignore_ascii_case(w)))
}

/// `generateCSRFToken` → `generate`, `CSRF`, `Token`; `SESSION_KEY` → `SESSION`, `KEY`.
fn words(name: &str) -> Vec<&str> {
    let b = name.as_bytes();
    let starts_word = |i: usize| {
        b[i].is_ascii_alphabetic()
            && (i == 0
                || !b[i - 1].is_ascii_alphabetic()
                || (b[i].is_ascii_uppercase()
                    && (b[i - 1].is_ascii_lowercase()
                        || b.get(i + 1).is_some_and(u8::is_ascii_lowercase))))
    };
    (0..b.len())
        .filter(|&i| starts_word(i))
        .map(|s| {
            let end = (s + 1..b.len())
                .find(|&i| !b[i].is_ascii_alphabetic() || starts_word(i))
                .unwrap_or(b.len());
            &name[s..end]
        })
        .collect()
}
