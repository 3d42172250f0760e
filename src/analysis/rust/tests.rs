//! Every Rust rule's examples, run through the real engine: noncompliant lines
//! flagged exactly, compliant code silent. Also the engine's own behaviour: test
//! code, macro arguments, imports, suppressions, files syn cannot parse, and
//! nesting deep enough to threaten the stack.

use super::*;
use crate::model::Language;
use crate::rules::EnabledRule;
use crate::rules::{self, Params, Rule};

fn enabled(rule: &Rule, params: &Params) -> EnabledRule {
    let mut merged = rule.params.clone();
    merged.extend(params.clone());
    EnabledRule {
        rule: rule.clone(),
        severity: rule.severity,
        params: merged,
    }
}

fn run(rule: &Rule, params: &Params, code: &str, path: &str) -> FileReport {
    let enabled = enabled(rule, params);
    let engine = RustEngine::new(&[(0, &enabled)]).unwrap_or_else(|e| panic!("{e}"));
    engine.analyze(code, path, false)
}

fn flagged_lines(report: &FileReport) -> Vec<u32> {
    let mut lines: Vec<u32> = report.hits.iter().map(|h| h.start.line + 1).collect();
    lines.sort();
    lines.dedup();
    lines
}

fn builtin(id: &str) -> Rule {
    rules::builtin()
        .unwrap()
        .into_iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no rule {id}"))
}

#[test]
fn every_rust_rule_flags_exactly_its_examples() {
    let mut failures = Vec::new();
    let rules = rules::builtin().unwrap();
    let rust: Vec<&Rule> = rules
        .iter()
        .filter(|r| r.language == Language::Rust)
        .collect();
    assert!(rust.len() >= 15, "only {} Rust rules", rust.len());
    for rule in rust {
        for (i, example) in rule.examples.iter().enumerate() {
            let path = example.path.as_deref().unwrap_or("src/lib.rs");
            let report = run(rule, &example.params, &example.code, path);
            if let Some(u) = &report.unparsed {
                failures.push(format!("{} example {}: {u:?}", rule.id, i + 1));
            }
            let lines = flagged_lines(&report);
            if lines != example.flagged {
                failures.push(format!(
                    "{} example {}: flagged {lines:?}, expected {:?}",
                    rule.id,
                    i + 1,
                    example.flagged
                ));
            }
            for hit in &report.hits {
                assert!(!hit.message.contains('{'), "{}: {}", rule.id, hit.message);
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn test_code_is_recognised_by_attribute_and_path() {
    let rule = builtin("unwrap-call");
    let code = r#"
fn lib() { a.unwrap(); }
#[cfg(test)]
mod tests { fn helper() { b.unwrap(); } }
#[tokio::test]
async fn t() { c.unwrap(); }
#[cfg(all(test, unix))]
fn u() { d.unwrap(); }
#[cfg(not(test))]
fn v() { e.unwrap(); }
impl X {
    #[test]
    fn w() { f.unwrap(); }
}
"#;
    let report = run(&rule, &Params::new(), code, "src/lib.rs");
    assert_eq!(flagged_lines(&report), [2, 10]);
    for path in [
        "tests/it.rs",
        "benches/b.rs",
        "examples/demo.rs",
        "sub/tests/x.rs",
    ] {
        let report = run(&rule, &Params::new(), code, path);
        assert!(report.hits.is_empty(), "{path}");
    }
}

#[test]
fn hits_span_the_call_with_byte_columns_and_messages() {
    let rule = builtin("dbg-macro");
    let code = "fn f() {\n    let é = 1; let x = dbg!(é);\n}\n";
    let report = run(&rule, &Params::new(), code, "src/lib.rs");
    let hit = &report.hits[0];
    let start = code.lines().nth(1).unwrap().find("dbg").unwrap() as u32;
    assert_eq!((hit.start.line, hit.start.byte_column), (1, start));
    assert_eq!(
        (hit.end.line, hit.end.byte_column),
        (1, start + "dbg!(é)".len() as u32)
    );
    assert!(
        hit.message.starts_with("`dbg!` is debugging output"),
        "{}",
        hit.message
    );
}

#[test]
fn suppression_comments_are_collected_with_reasons() {
    let rule = builtin("unwrap-call");
    let code = "fn f() {\n    // gate:ignore[unwrap-call] the config was validated at start-up\n    a.unwrap();\n    b.unwrap(); // NOSONAR\n    c.unwrap();\n}\n";
    let report = run(&rule, &Params::new(), code, "src/lib.rs");
    assert_eq!(flagged_lines(&report), [3, 4, 5]);
    let s = report.suppressions.find("unwrap-call", None, 3).unwrap();
    assert_eq!(
        s.reason.as_deref(),
        Some("the config was validated at start-up")
    );
    assert!(report.suppressions.find("unwrap-call", None, 4).is_some());
    assert!(report.suppressions.find("unwrap-call", None, 5).is_none());
}

/// A team's rule file, loaded at run time: no code, no recompiling.
fn team_rule(matcher: &str, message: &str) -> Rule {
    let text = format!(
        "id = \"team-rule\"\ntitle = \"t\"\nseverity = \"major\"\ntype = \"bug\"\nmessage = \"{message}\"\ndescription = \"d\"\n[match]\n{matcher}\n"
    );
    rules::file::parse(
        &text,
        rules::Origin::File("team/rust/t.toml".into()),
        Some(Language::Rust),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn team_rules_match_macros_methods_paths_and_comments_declaratively() {
    let code = r#"
use std::thread::sleep;
fn f() {
    log::warn!("slow");
    warn!("not log's");
    std::thread::sleep(d);
    sleep(d);
    v.clone();
    v.clone_from(&w); // HACK: for now
}
"#;
    let cases = [
        ("macro = [\"log::warn\"]", vec![4, 5]),
        ("method = [\"clone\"]", vec![8]),
        ("path = [\"std::thread::sleep\"]", vec![6, 7]),
        ("comment = [\"HACK\"]", vec![9]),
        ("method = [\"clone\"]\nargs = \"none\"", vec![8]),
    ];
    for (matcher, lines) in cases {
        let rule = team_rule(matcher, "{name}");
        let report = run(&rule, &Params::new(), code, "src/lib.rs");
        assert_eq!(flagged_lines(&report), lines, "{matcher}");
    }
    let rule = team_rule("path = [\"std::thread::sleep\"]", "no {name}");
    let report = run(&rule, &Params::new(), code, "src/lib.rs");
    let messages: Vec<&str> = report.hits.iter().map(|h| h.message.as_str()).collect();
    assert_eq!(messages, ["no std::thread::sleep", "no sleep"]);
}

#[test]
fn team_rule_mistakes_are_sentences_with_a_position() {
    let text = "id = \"x\"\ntitle = \"t\"\nseverity = \"major\"\ntype = \"bug\"\nmessage = \"m\"\ndescription = \"d\"\n[match]\nmethod = [\"unwrap\"]\ncontext = \"not-in-test\"\n";
    let e = rules::file::parse(
        text,
        rules::Origin::File("t.toml".into()),
        Some(Language::Rust),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("t.toml:9:11: unknown context `not-in-test` (did you mean `not-in-tests`?)"),
        "{e}"
    );
    let e = rules::file::parse(
        &text.replace("context = \"not-in-test\"\n", "query = \"(x)\"\n"),
        rules::Origin::File("t.toml".into()),
        Some(Language::Rust),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("Rust rules have no tree-sitter query"), "{e}");
    let e = rules::file::parse(
        text,
        rules::Origin::File("t.toml".into()),
        Some(Language::Java),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("`method` is for Rust rules"), "{e}");
    let rule = team_rule("method = [\"unwrap\"]", "{nam}");
    let e = RustEngine::new(&[(0, &enabled(&rule, &Params::new()))])
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("provides only `{name}`"), "{e}");
}

#[test]
fn a_file_syn_cannot_parse_is_reported_with_its_message_and_position() {
    let rule = builtin("unwrap-call");
    let code = "fn ok() {}\nfn broken( {\n    a.unwrap();\n}\n";
    let report = run(&rule, &Params::new(), code, "src/lib.rs");
    let u = report.unparsed.expect("reported");
    assert_eq!(u.line, 2, "{u:?}");
    assert!(u.message.starts_with("syn cannot parse it: "), "{u:?}");
    assert!(report.hits.is_empty());
    // Nightly-only syntax syn does not know is the same.
    let report = run(
        &rule,
        &Params::new(),
        "fn f() { let x = yeet 1; }",
        "src/lib.rs",
    );
    assert!(report.unparsed.is_some());
}

#[test]
fn ten_thousand_nested_brackets_are_reported_not_parsed() {
    let rule = builtin("unwrap-call");
    let n = 10_000;
    let parens = format!(
        "fn f() {{ let x = {}1{}; }}\n",
        "(".repeat(n),
        ")".repeat(n)
    );
    let blocks = format!("fn f() {}{}\n", "{".repeat(n), "}".repeat(n));
    for (code, depth) in [(parens, 10_001), (blocks, 10_000)] {
        let report = run(&rule, &Params::new(), &code, "src/lib.rs");
        let u = report.unparsed.expect("reported");
        assert_eq!(u.line, 1);
        assert!(
            u.message.contains(&format!("nest {depth} levels deep")),
            "{u:?}"
        );
    }
}

#[test]
fn ten_thousand_long_chains_fit_the_worker_stack() {
    let rule = builtin("fn-too-complex");
    let handle = std::thread::Builder::new()
        .stack_size(crate::analysis::STACK_BYTES)
        .spawn(move || {
            let n = 10_000;
            let codes = [
                format!("fn f() {{ let x = a{}; }}", ".b()".repeat(n)),
                format!("fn f() {{ let x = 1{}; }}", " + 1".repeat(n)),
                format!("fn f() {{ let x = {}true; }}", "!".repeat(n)),
                format!("fn f() {{ if a {{}}{} }}", " else if a {}".repeat(n)),
                format!("fn f() {{ a{} }}", " && a".repeat(n)),
            ];
            codes
                .iter()
                .map(|code| {
                    let report = run(&rule, &Params::new(), code, "src/lib.rs");
                    (report.unparsed.is_none(), report.hits.len())
                })
                .collect::<Vec<_>>()
        })
        .unwrap();
    let results = handle.join().expect("no stack overflow");
    assert_eq!(
        results,
        [(true, 0), (true, 0), (true, 0), (true, 1), (true, 0)]
    );
}
