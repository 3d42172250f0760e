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

/// Every Java rule on `code`: the hits' rule ids and messages, sorted.
fn all_rules_hits(code: &str) -> Vec<(String, String)> {
    let rules: Vec<EnabledRule> = rules::builtin()
        .unwrap()
        .into_iter()
        .filter(|r| r.language == Lang::Java)
        .map(|rule| EnabledRule {
            severity: rule.severity,
            params: rule.params.clone(),
            rule,
        })
        .collect();
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
