//! `catch-only-rethrows`: a catch block whose only statement (comments aside)
//! rethrows the caught exception, unless a later catch of the same `try` may
//! catch it (then the rethrow keeps it from that catch), as PMD's
//! `AvoidRethrowingException` does with full types.

use super::super::kinds::kinds;
use super::{text_of, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct CatchOnlyRethrows;

/// Direct superclasses of common JDK exceptions, to see whether a later catch
/// is broader.
const PARENTS: &[(&str, &str)] = &[
    ("Exception", "Throwable"),
    ("Error", "Throwable"),
    ("RuntimeException", "Exception"),
    ("IllegalArgumentException", "RuntimeException"),
    ("NumberFormatException", "IllegalArgumentException"),
    ("IllegalStateException", "RuntimeException"),
    ("NullPointerException", "RuntimeException"),
    ("ClassCastException", "RuntimeException"),
    ("ArithmeticException", "RuntimeException"),
    ("SecurityException", "RuntimeException"),
    ("UnsupportedOperationException", "RuntimeException"),
    ("IndexOutOfBoundsException", "RuntimeException"),
    (
        "ArrayIndexOutOfBoundsException",
        "IndexOutOfBoundsException",
    ),
    (
        "StringIndexOutOfBoundsException",
        "IndexOutOfBoundsException",
    ),
    ("NoSuchElementException", "RuntimeException"),
    ("ConcurrentModificationException", "RuntimeException"),
    ("UncheckedIOException", "RuntimeException"),
    ("IOException", "Exception"),
    ("FileNotFoundException", "IOException"),
    ("EOFException", "IOException"),
    ("UnsupportedEncodingException", "IOException"),
    ("CharacterCodingException", "IOException"),
    ("MalformedURLException", "IOException"),
    ("UnknownHostException", "IOException"),
    ("SocketException", "IOException"),
    ("InterruptedIOException", "IOException"),
    ("SocketTimeoutException", "InterruptedIOException"),
    ("FileSystemException", "IOException"),
    ("NoSuchFileException", "FileSystemException"),
    ("AccessDeniedException", "FileSystemException"),
    ("ReflectiveOperationException", "Exception"),
    ("ClassNotFoundException", "ReflectiveOperationException"),
    ("NoSuchMethodException", "ReflectiveOperationException"),
    ("NoSuchFieldException", "ReflectiveOperationException"),
    ("IllegalAccessException", "ReflectiveOperationException"),
    ("InstantiationException", "ReflectiveOperationException"),
    ("InvocationTargetException", "ReflectiveOperationException"),
    ("GeneralSecurityException", "Exception"),
    ("InterruptedException", "Exception"),
];

impl Check for CatchOnlyRethrows {
    fn kinds(&self) -> &'static [&'static str] {
        &["catch_clause"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["name"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let text = cx.text;
        let k = kinds();
        let Some(param) = first_named(node, "catch_formal_parameter") else {
            return;
        };
        let Some(name) = param.child_by_field_name("name").map(|n| text_of(n, text)) else {
            return;
        };
        let Some(body) = node.child_by_field_name("body") else {
            return;
        };
        let mut cursor = body.walk();
        let mut statements = body
            .named_children(&mut cursor)
            .filter(|s| s.kind_id() != k.line_comment && s.kind_id() != k.block_comment);
        let (Some(only), None) = (statements.next(), statements.next()) else {
            return;
        };
        if only.kind() != "throw_statement"
            || only
                .named_child(0)
                .is_none_or(|e| e.kind() != "identifier" || text_of(e, text) != name)
        {
            return;
        }
        let caught = caught_types(param, text);
        let mut later = node.next_named_sibling();
        while let Some(clause) = later {
            if clause.kind_id() == k.catch_clause {
                let broader = first_named(clause, "catch_formal_parameter")
                    .map(|p| caught_types(p, text))
                    .unwrap_or_default();
                if broader
                    .iter()
                    .any(|b| caught.iter().any(|c| may_be_supertype(b, c)))
                {
                    return;
                }
            }
            later = clause.next_named_sibling();
        }
        emit(node, &[("name", name.to_string())]);
    }
}

fn first_named<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    let found = node.named_children(&mut cursor).find(|c| c.kind() == kind);
    found
}

/// The simple names of the types a catch parameter catches (`A | b.B` → A, B).
fn caught_types<'a>(param: Node, text: &'a str) -> Vec<&'a str> {
    let Some(types) = first_named(param, "catch_type") else {
        return Vec::new();
    };
    let mut cursor = types.walk();
    let names = types
        .named_children(&mut cursor)
        .map(|t| {
            let t = text_of(t, text);
            t.rsplit('.').next().unwrap_or(t)
        })
        .collect();
    names
}

/// Whether `broader` may be `caught` or one of its superclasses. Up the chain
/// that `PARENTS` knows, exactly; past it, a class may extend any exception
/// class `PARENTS` names (an `…Error` only `Error`), but not one it does not
/// know, such as `ShortBufferException`.
fn may_be_supertype(broader: &str, caught: &str) -> bool {
    let mut current = caught;
    loop {
        if current == broader {
            return true;
        }
        match PARENTS.iter().find(|(c, _)| *c == current) {
            Some((_, parent)) => current = parent,
            None if current == "Throwable" => return false,
            None if current.ends_with("Error") => return matches!(broader, "Error" | "Throwable"),
            None => {
                return broader != "Error"
                    && PARENTS.iter().any(|(c, p)| *c == broader || *p == broader)
            }
        }
    }
}
