//! Every Java rule's examples, run through the real engine: noncompliant lines
//! flagged exactly, compliant code silent. Also the engine's own behaviour.

use super::*;
use crate::model::Language as Lang;
use crate::rules::EnabledRule;
use crate::rules::{self, Rule};

fn run(rule: &Rule, params: &crate::rules::Params, code: &str) -> FileReport {
    run_at(rule, params, code, "A.java")
}

fn run_at(rule: &Rule, params: &crate::rules::Params, code: &str, path: &str) -> FileReport {
    let mut merged = rule.params.clone();
    merged.extend(params.clone());
    let enabled = EnabledRule {
        rule: rule.clone(),
        severity: rule.severity,
        params: merged,
    };
    let engine = JavaEngine::new(&[(0, &enabled)]).unwrap_or_else(|e| panic!("{e}"));
    engine.analyze(code, path, false)
}

#[test]
fn every_java_rule_flags_exactly_its_examples() {
    let mut failures = Vec::new();
    let rules = rules::builtin().unwrap();
    for rule in rules.iter().filter(|r| r.language == Lang::Java) {
        for (i, example) in rule.examples.iter().enumerate() {
            let report = run_at(
                rule,
                &example.params,
                &example.code,
                example.path.as_deref().unwrap_or("A.java"),
            );
            if !report.syntax_errors.is_empty() {
                failures.push(format!(
                    "{} example {}: does not parse (line {:?})",
                    rule.id,
                    i + 1,
                    report.syntax_errors
                ));
            }
            let mut lines: Vec<u32> = report.hits.iter().map(|h| h.start.line + 1).collect();
            lines.sort();
            lines.dedup();
            if lines != example.flagged {
                failures.push(format!(
                    "{} example {} ({}): flagged {:?}, expected {:?}",
                    rule.id,
                    i + 1,
                    if example.noncompliant {
                        "noncompliant"
                    } else {
                        "compliant"
                    },
                    lines,
                    example.flagged
                ));
            }
            for hit in &report.hits {
                assert!(
                    !hit.message.contains('{'),
                    "{}: unfilled message {}",
                    rule.id,
                    hit.message
                );
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The engine groups every rule's patterns by node kind into one query per kind;
/// a rule must find the same lines in that company as alone.
#[test]
fn every_java_rule_flags_the_same_with_all_rules_enabled() {
    let rules: Vec<Rule> = rules::builtin()
        .unwrap()
        .into_iter()
        .filter(|r| r.language == Lang::Java)
        .collect();
    let enabled: Vec<EnabledRule> = rules
        .iter()
        .map(|r| EnabledRule {
            rule: r.clone(),
            severity: r.severity,
            params: r.params.clone(),
        })
        .collect();
    let indexed: Vec<(usize, &EnabledRule)> = enabled.iter().enumerate().collect();
    let engine = JavaEngine::new(&indexed).unwrap_or_else(|e| panic!("{e}"));
    let mut failures = Vec::new();
    for (index, rule) in rules.iter().enumerate() {
        for (i, example) in rule.examples.iter().enumerate() {
            if !example.params.is_empty() {
                continue;
            }
            let report = engine.analyze(
                &example.code,
                example.path.as_deref().unwrap_or("A.java"),
                false,
            );
            let mut lines: Vec<u32> = report
                .hits
                .iter()
                .filter(|h| h.rule == index)
                .map(|h| h.start.line + 1)
                .collect();
            lines.sort();
            lines.dedup();
            if lines != example.flagged {
                failures.push(format!(
                    "{} example {}: flagged {lines:?} with all rules, expected {:?}",
                    rule.id,
                    i + 1,
                    example.flagged
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

fn query_rule(query: &str, message: &str) -> Rule {
    let text = format!(
        "id = \"t\"\ntitle = \"t\"\nseverity = \"major\"\ntype = \"bug\"\nmessage = \"{message}\"\ndescription = \"d\"\n[match]\nquery = '''\n{query}'''\n"
    );
    rules::file::parse(
        &text,
        rules::Origin::File("t.toml".into()),
        Some(Lang::Java),
    )
    .unwrap()
}

fn compile_error(query: &str) -> String {
    let rule = query_rule(query, "m");
    let enabled = EnabledRule {
        severity: rule.severity,
        params: rule.params.clone(),
        rule,
    };
    match JavaEngine::new(&[(0, &enabled)]) {
        Ok(_) => panic!("query compiled: {query}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_broken_query_names_the_rule_file_line_and_column() {
    let e = compile_error("(method_invocation\n  name: (identifer) @n)");
    assert!(e.starts_with("t.toml:10:"), "{e}");
    assert!(e.contains("invalid query"), "{e}");
    let e = compile_error("((identifier) @x (#frobnicate? @x))");
    assert!(
        e.starts_with("t.toml:9:1:") && e.contains("unknown predicate #frobnicate?"),
        "{e}"
    );
}

#[test]
fn messages_take_capture_text_and_matches_are_anchored() {
    let rule = query_rule(
        "(method_invocation name: (identifier) @name) @match",
        "call to {name}",
    );
    let report = run(
        &rule,
        &Default::default(),
        "class A { void f() { a.b().c(); } }",
    );
    let messages: Vec<_> = report.hits.iter().map(|h| h.message.as_str()).collect();
    // Each invocation matched once, at its own node: no duplicates from ancestors.
    assert_eq!(messages, ["call to c", "call to b"]);
}

#[test]
fn syntax_errors_are_reported_and_the_rest_is_analysed() {
    let rule = query_rule("((line_comment) @c (#match? @c \"TODO\"))", "todo");
    let report = run(
        &rule,
        &Default::default(),
        "class A {\n  void f( {\n}\n// TODO x\n",
    );
    assert!(!report.syntax_errors.is_empty());
    assert_eq!(report.hits.len(), 1);
}

#[test]
fn suppression_comments_and_annotations_are_collected() {
    let rule = query_rule("(method_invocation) @match", "m");
    let code = "class A {\n  @SuppressWarnings(\"gate:t\")\n  void f() { a(); }\n  void g() { b(); } // NOSONAR\n}\n";
    let report = run(&rule, &Default::default(), code);
    assert!(report.suppressions.find("t", None, 3).is_some());
    assert!(report.suppressions.find("t", None, 4).is_some());
    assert!(report.suppressions.find("t", None, 5).is_none());
}

/// The built-in Java rules at their default severity and parameters.
fn every_java_rule() -> Vec<EnabledRule> {
    rules::builtin()
        .unwrap()
        .into_iter()
        .filter(|r| r.language == Lang::Java)
        .map(|rule| EnabledRule {
            severity: rule.severity,
            params: rule.params.clone(),
            rule,
        })
        .collect()
}

/// Every Java rule on `code`: the hits' rule ids and messages, sorted.
fn all_rules_hits(code: &str) -> Vec<(String, String)> {
    let rules = every_java_rule();
    let indexed: Vec<(usize, &EnabledRule)> = rules.iter().enumerate().collect();
    let engine = JavaEngine::new(&indexed).unwrap_or_else(|e| panic!("{e}"));
    let report = engine.analyze(code, "A.java", false);
    assert!(
        report.syntax_errors.is_empty(),
        "{:?}",
        report.syntax_errors
    );
    let mut hits: Vec<(String, String)> = report
        .hits
        .into_iter()
        .map(|h| (rules[h.rule].rule.id.clone(), h.message))
        .collect();
    hits.sort();
    hits
}

fn count(hits: &[(String, String)], id: &str) -> usize {
    hits.iter().filter(|(r, _)| r == id).count()
}

fn message<'h>(hits: &'h [(String, String)], id: &str) -> &'h str {
    let found: Vec<&str> = hits
        .iter()
        .filter(|(r, _)| r == id)
        .map(|(_, m)| m.as_str())
        .collect();
    assert_eq!(found.len(), 1, "{id}: {found:?}");
    found[0]
}

/// Nesting thousands deep goes through every rule with the findings it
/// should have (the rules that read their ancestors once did it per level at
/// each node, which took seconds to minutes at these depths).
#[test]
fn thousands_deep_nesting_is_analysed_with_every_rule() {
    let n = 3000;
    let ifs = format!(
        "class N {{ void f(boolean a) {{ {}g();{} }} void g() {{}} }}",
        "if (a) {\n".repeat(n),
        "}\n".repeat(n)
    );
    let hits = all_rules_hits(&ifs);
    assert_eq!(count(&hits, "collapsible-if"), n - 1);
    assert_eq!(count(&hits, "too-deeply-nested"), 1);
    let triangle = n * (n + 1) / 2;
    assert!(message(&hits, "cognitive-complexity").contains(&format!("of {triangle},")));
    assert!(message(&hits, "cyclomatic-complexity").contains(&format!("of {},", n + 1)));

    let ternaries = format!(
        "class T {{ int f(boolean a) {{ return {}0; }} }}",
        "a ? 1 :\n".repeat(n)
    );
    let hits = all_rules_hits(&ternaries);
    assert_eq!(count(&hits, "nested-ternary"), n - 1);
    assert!(message(&hits, "cognitive-complexity").contains(&format!("of {triangle},")));

    let chain: Vec<String> = (3..n + 3)
        .map(|i| format!("if (a == {i}) {{ b = {i}; }}"))
        .collect();
    let else_ifs = format!(
        "class E {{ int b; void f(int a) {{ {} }} }}",
        chain.join("\n else ")
    );
    let hits = all_rules_hits(&else_ifs);
    assert_eq!(count(&hits, "magic-number"), 2 * n);
    assert!(message(&hits, "cognitive-complexity").contains(&format!("of {n},")));
    assert_eq!(count(&hits, "too-deeply-nested"), 0);

    let assignments = format!(
        "class A {{ void f(String s, String x) {{ while (true) {{ {}s + x; }} }} }}",
        "s =\n".repeat(n)
    );
    let hits = all_rules_hits(&assignments);
    assert_eq!(count(&hits, "string-concatenation-in-loop"), 1);
    assert_eq!(count(&hits, "self-assignment"), 0);

    let sum = format!(
        "class S {{ static final int K = 1{}; int f() {{ return 1{}; }} }}",
        "\n + 3".repeat(n),
        "\n + 3".repeat(n)
    );
    let hits = all_rules_hits(&sum);
    // The constant's threes are not magic; the method's are.
    assert_eq!(count(&hits, "magic-number"), n);
}

/// Makes a class that nests `n` times.
type Deep = fn(usize) -> String;

/// Nesting shapes: each makes a class whose tree grows with `n`, through a
/// different recursive helper of the checks or plain syntax.
const DEEP: &[(&str, Deep)] = &[
    ("parentheses", |n| {
        format!("class A {{ int x = {}1{}; }}", "(".repeat(n), ")".repeat(n))
    }),
    ("nots", |n| {
        format!(
            "class A {{ boolean f(boolean x) {{ return {}x; }} }}",
            "!".repeat(n)
        )
    }),
    ("negations", |n| {
        format!(
            "class A {{ int f(int x) {{ return {}x; }} }}",
            "- ".repeat(n)
        )
    }),
    ("sums", |n| {
        nested("int f(int a) { return ", "a + (", "a", ")", "; }", n)
    }),
    ("casts", |n| {
        format!(
            "class A {{ int f(int x) {{ return {}x; }} }}",
            "(int) ".repeat(n)
        )
    }),
    ("lambdas", |n| {
        format!(
            "class A {{ Object f() {{ return {}x; }} }}",
            "x -> ".repeat(n)
        )
    }),
    ("arrays", |n| {
        format!(
            "class A {{ int[] x = {}1{}; }}",
            "{".repeat(n),
            "}".repeat(n)
        )
    }),
    ("generics", |n| {
        format!(
            "class A {{ {}String{} x; }}",
            "List<".repeat(n),
            ">".repeat(n)
        )
    }),
    ("ternaries", |n| {
        nested(
            "int f(boolean a) { return ",
            "(a ? 1 : ",
            "0",
            ")",
            "; }",
            n,
        )
    }),
    ("identities", |n| {
        nested(
            "boolean f(Integer a) { return ",
            "a == (",
            "a",
            ")",
            "; }",
            n,
        )
    }),
    ("concatenated-arguments", |n| {
        nested("void f(String a) { g(", "a + (", "\"x\"", ")", "); }", n)
    }),
    ("big-decimals", |n| {
        nested(
            "Object f(double a) { return new java.math.BigDecimal(",
            "a * (",
            "1.5",
            ")",
            "); }",
            n,
        )
    }),
    ("divisions", |n| {
        nested("double f(int a) { return ", "a / (", "2", ")", "; }", n)
    }),
    ("suppressions", |n| {
        nested(
            "@SuppressWarnings(",
            "{",
            "\"gate:magic-number\"",
            "}",
            ") int x = 7;",
            n,
        )
    }),
];

/// `class A { <before><open × n><inner><close × n><after> }`.
fn nested(before: &str, open: &str, inner: &str, close: &str, after: &str, n: usize) -> String {
    format!(
        "class A {{ {before}{}{inner}{}{after} }}",
        open.repeat(n),
        close.repeat(n)
    )
}

/// The depth `deepest` measures for `code`.
fn depth_of(code: &str) -> u32 {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_java::LANGUAGE.into())
        .unwrap();
    let tree = parser.parse(code, None).unwrap();
    assert!(!tree.root_node().has_error(), "{code:.80}");
    deepest(tree.root_node()).0
}

/// An engine with every Java rule, on a thread with `stack` bytes of stack.
fn on_stack<T: Send + 'static>(stack: usize, f: fn(&JavaEngine) -> T) -> T {
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(move || {
            let rules = every_java_rule();
            let indexed: Vec<(usize, &EnabledRule)> = rules.iter().enumerate().collect();
            f(&JavaEngine::new(&indexed).unwrap_or_else(|e| panic!("{e}")))
        })
        .unwrap()
        .join()
        .expect("no stack overflow")
}

/// Far past the bound, every shape is reported, with or without the rules,
/// on an 8 MiB stack that the checks' recursion overflowed at this depth.
#[test]
fn nesting_past_the_bound_is_reported_not_analysed() {
    let results = on_stack(8 << 20, |engine| {
        DEEP.iter()
            .map(|(shape, make)| {
                let code = make(30_000);
                let reports = [false, true].map(|parse_only| {
                    let r = engine.analyze(&code, "A.java", parse_only);
                    (
                        r.unparsed.map(|u| (u.line, u.column, u.message)),
                        r.hits.len(),
                    )
                });
                (*shape, depth_of(&code), reports)
            })
            .collect::<Vec<_>>()
    });
    for (shape, depth, reports) in results {
        assert!(depth > 30_000, "{shape}: {depth}");
        for (unparsed, hits) in reports {
            let (line, _, message) = unparsed.unwrap_or_else(|| panic!("{shape}: analysed"));
            assert_eq!(line, 1, "{shape}");
            assert_eq!(
                message,
                crate::analysis::too_deep(depth, MAX_DEPTH),
                "{shape}"
            );
            assert_eq!(hits, 0, "{shape}");
        }
    }
}

#[test]
fn too_deep_is_reported_where_the_deepest_node_starts() {
    let rule = rules::builtin()
        .unwrap()
        .into_iter()
        .find(|r| r.id == "magic-number")
        .unwrap();
    let n = MAX_DEPTH as usize;
    // program, class, body, field, declarator: the innermost `(` is n + 5 deep.
    let code = format!(
        "class A {{\n int é = {}7{}; }}",
        "(".repeat(n),
        ")".repeat(n)
    );
    let u = run(&rule, &Default::default(), &code).unparsed.unwrap();
    assert_eq!((u.line, u.column), (2, 9 + n as u32));
    assert_eq!(
        u.message,
        crate::analysis::too_deep(MAX_DEPTH + 5, MAX_DEPTH)
    );
    // At the bound it is analysed.
    let code = format!(
        "class A {{ int x = {}7{}; }}",
        "(".repeat(n - 5),
        ")".repeat(n - 5)
    );
    let report = run(&rule, &Default::default(), &code);
    assert_eq!(report.unparsed, None);
    assert_eq!(report.hits.len(), 1);
}

/// The deepest file of each shape that the bound admits goes through every
/// Java rule on a quarter of the worker stack.
#[test]
fn the_deepest_admitted_nesting_fits_a_quarter_of_the_worker_stack() {
    let results = on_stack(crate::analysis::STACK_BYTES / 4, |engine| {
        DEEP.iter()
            .map(|(shape, make)| {
                // The largest n whose depth the bound admits.
                let (mut low, mut high) = (1, MAX_DEPTH as usize + 1);
                while low + 1 < high {
                    let mid = (low + high) / 2;
                    if depth_of(&make(mid)) <= MAX_DEPTH {
                        low = mid;
                    } else {
                        high = mid;
                    }
                }
                let report = engine.analyze(&make(low), "A.java", false);
                (*shape, low, report.unparsed, report.syntax_errors)
            })
            .collect::<Vec<_>>()
    });
    for (shape, n, unparsed, errors) in results {
        // Each shape nests at most three tree levels per repetition.
        assert!(n * 3 >= MAX_DEPTH as usize, "{shape}: only {n} deep");
        assert_eq!(unparsed, None, "{shape} at {n}");
        assert_eq!(errors, Vec::<u32>::new(), "{shape} at {n}");
    }
}
