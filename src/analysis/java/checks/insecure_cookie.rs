//! `cookie-without-secure`: a servlet `Cookie` that its method never marks
//! secure, and a Spring `ResponseCookie` built without `.secure(true)`.

use super::super::kinds::{fields, kinds};
use super::{text_of, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct InsecureCookie;

impl Check for InsecureCookie {
    fn kinds(&self) -> &'static [&'static str] {
        &["object_creation_expression", "method_invocation"]
    }
    fn values(&self) -> &'static [&'static str] {
        &["cookie"]
    }
    fn check<'t>(&self, node: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let (k, f, text) = (kinds(), fields(), cx.text);
        if node.kind_id() == k.method_invocation {
            if cx
                .child(node, f.name)
                .is_some_and(|n| text_of(n, text) == "build")
                && unsecured_response_cookie(node, text)
            {
                emit(node, &[("cookie", "ResponseCookie".to_string())]);
            }
            return;
        }
        if !cx.child(node, f.type_).is_some_and(|t| {
            matches!(
                text_of(t, text),
                "Cookie" | "javax.servlet.http.Cookie" | "jakarta.servlet.http.Cookie"
            )
        }) {
            return;
        }
        let Some(parent) = cx.ancestor(0) else {
            return;
        };
        let unsecured = if parent.kind_id() == k.variable_declarator {
            // `Cookie c = new Cookie(…)`: look for `c.setSecure(…)` in the
            // enclosing method, constructor or lambda.
            let Some(name) = cx.child(parent, f.name).map(|n| text_of(n, text)) else {
                return;
            };
            let body = cx.ancestors.iter().rev().find_map(|a| {
                let id = a.kind_id();
                (id == k.method_declaration
                    || id == k.constructor_declaration
                    || id == k.lambda_expression)
                    .then(|| a.child_by_field_id(f.body))
                    .flatten()
            });
            body.is_some_and(|b| !sets_secure(b, name, text))
        } else {
            // `response.addCookie(new Cookie(…))`: nothing can set it.
            parent.kind_id() == k.argument_list
                && cx.ancestor(1).is_some_and(|call| {
                    call.kind_id() == k.method_invocation
                        && cx
                            .child(call, f.name)
                            .is_some_and(|n| text_of(n, text) == "addCookie")
                })
        };
        if unsecured {
            emit(node, &[("cookie", "Cookie".to_string())]);
        }
    }
}

/// Whether `body` has a call `name.setSecure(x)` with `x` other than `false`.
fn sets_secure(body: Node, name: &str, text: &str) -> bool {
    let (k, f) = (kinds(), fields());
    let mut cursor = body.walk();
    loop {
        let n = cursor.node();
        if n.kind_id() == k.method_invocation
            && n.child_by_field_id(f.name)
                .is_some_and(|m| text_of(m, text) == "setSecure")
            && n.child_by_field_id(f.object)
                .is_some_and(|o| text_of(o, text) == name)
            && secure_argument(n, text)
        {
            return true;
        }
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() || cursor.node() == body {
                return false;
            }
        }
    }
}

/// The call's argument is not the literal `false`.
fn secure_argument(call: Node, text: &str) -> bool {
    call.child_by_field_id(fields().arguments)
        .and_then(|a| a.named_child(0))
        .is_some_and(|a| text_of(a, text) != "false")
}

/// `ResponseCookie.from(…)…build()` with no `.secure(x)` (other than `false`)
/// in the chain.
fn unsecured_response_cookie(build: Node, text: &str) -> bool {
    let f = fields();
    let mut call = build;
    while let Some(object) = call.child_by_field_id(f.object) {
        if object.kind_id() != kinds().method_invocation {
            return false;
        }
        let name = object.child_by_field_id(f.name).map(|n| text_of(n, text));
        if name == Some("secure") && secure_argument(object, text) {
            return false;
        }
        if name == Some("from")
            && object.child_by_field_id(f.object).is_some_and(|o| {
                matches!(
                    text_of(o, text),
                    "ResponseCookie" | "org.springframework.http.ResponseCookie"
                )
            })
        {
            return true;
        }
        call = object;
    }
    false
}
