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

/// A file nesting `n` deep.
type Deep = fn(usize) -> String;

/// Every way to nest Rust's syntax tree `n` deep: each recurses in syn's parser,
/// its visitor or the tree's drop.
const DEEP: &[(&str, Deep)] = &[
    ("generics", |n| {
        format!("type T = {}u8{};", "Vec<".repeat(n), ">".repeat(n))
    }),
    ("fn types", |n| {
        format!("type T = {}u8;", "fn() -> ".repeat(n))
    }),
    ("closure types", |n| {
        let boxes = "Box<dyn Fn() -> ".repeat(n);
        format!("fn f() -> {boxes}u8{} {{ todo!() }}", ">".repeat(n))
    }),
    ("pointers", |n| {
        format!("type T = {}u8;", "*const ".repeat(n))
    }),
    ("tuples", |n| {
        format!("type T = {}u8,{};", "(".repeat(n), ")".repeat(n))
    }),
    ("arrays", |n| {
        format!("type T = {}u8{};", "[".repeat(n), "; 1]".repeat(n))
    }),
    ("references", |n| {
        format!("fn f() {{ let x = {}1; }}", "&".repeat(n))
    }),
    ("nots", |n| {
        format!("fn f() {{ let x = {}true; }}", "!".repeat(n))
    }),
    ("negations", |n| {
        format!("fn f() {{ let x = {}1; }}", "- ".repeat(n))
    }),
    ("closures", |n| {
        format!("fn f() {{ let x = {}1; }}", "|| ".repeat(n))
    }),
    ("sums", |n| {
        format!("fn f() -> u32 {{ 1{} }}", " + 1".repeat(n))
    }),
    ("assignments", |n| {
        format!("fn f() {{ {}1; }}", "a = ".repeat(n))
    }),
    ("method calls", |n| {
        format!("fn f() {{ a{}; }}", ".b()".repeat(n))
    }),
    ("fields", |n| format!("fn f() {{ a{}; }}", ".b".repeat(n))),
    ("tries", |n| format!("fn f() {{ a{}; }}", "?".repeat(n))),
    ("awaits", |n| {
        format!("async fn f() {{ a{}; }}", ".await".repeat(n))
    }),
    ("indexes", |n| format!("fn f() {{ a{}; }}", "[0]".repeat(n))),
    ("casts", |n| {
        format!("fn f() {{ a{}; }}", " as u8".repeat(n))
    }),
    ("else ifs", |n| {
        format!("fn f() {{ if a {{}}{} }}", " else if a {}".repeat(n))
    }),
    ("ifs in conditions", |n| {
        let tail = " {} else {}".repeat(n);
        format!("fn f() {{ {}a{tail} {{}} }}", "if ".repeat(n))
    }),
    ("matches", |n| {
        format!("fn f() {{ {}a{} }}", "match ".repeat(n), " {}".repeat(n))
    }),
    ("returns", |n| {
        format!("fn f() {{ {}1; }}", "return ".repeat(n))
    }),
    ("parentheses", |n| {
        format!("fn f() {{ let x = {}1{}; }}", "(".repeat(n), ")".repeat(n))
    }),
    ("blocks", |n| {
        format!("fn f() {}{}", "{".repeat(n), "}".repeat(n))
    }),
    ("unsafe blocks", |n| {
        format!("fn f() {{ {}{} }}", "unsafe {".repeat(n), "}".repeat(n))
    }),
    ("calls", |n| {
        format!("fn f() {{ {}{}; }}", "g(".repeat(n), ")".repeat(n))
    }),
    ("macros", |n| {
        format!("fn f() {{ {}{}; }}", "g!(".repeat(n), ")".repeat(n))
    }),
    ("patterns", |n| {
        format!(
            "fn f() {{ let {}x{} = y; }}",
            "Some(".repeat(n),
            ")".repeat(n)
        )
    }),
    ("attributes", |n| {
        format!("#[a{}{}] fn f() {{}}", "(b".repeat(n), ")".repeat(n))
    }),
    ("modules", |n| {
        format!("{}{}", "mod m {".repeat(n), "}".repeat(n))
    }),
];

/// All the Rust rules, with their default parameters.
fn all_rules() -> Vec<EnabledRule> {
    rules::builtin()
        .unwrap()
        .into_iter()
        .filter(|r| r.language == Language::Rust)
        .map(|r| enabled(&r, &Params::new()))
        .collect()
}

#[test]
fn nesting_past_the_bound_is_reported_not_parsed() {
    let rule = builtin("unwrap-call");
    for (shape, make) in DEEP {
        let code = make(2 * MAX_DEPTH as usize);
        let report = run(&rule, &Params::new(), &code, "src/lib.rs");
        let u = report
            .unparsed
            .unwrap_or_else(|| panic!("{shape}: not reported"));
        let depth = Scan::of(&code).max_depth;
        assert!(depth >= 2 * MAX_DEPTH, "{shape}: {depth}");
        assert_eq!(
            u.message,
            crate::analysis::too_deep(depth, MAX_DEPTH),
            "{shape}"
        );
        assert_eq!(u.line, 1, "{shape}");
    }
    let parens = format!(
        "fn f() {{ let x = {}1{}; }}",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let u = run(&rule, &Params::new(), &parens, "src/lib.rs").unparsed;
    // `{`, `=` and the 5,000 parentheses; first reached at the innermost one.
    assert_eq!(
        u.map(|u| (u.message, u.column)),
        Some((crate::analysis::too_deep(5002, MAX_DEPTH), 5017))
    );
}

/// The deepest file of each shape that the bound admits goes through syn and
/// every Rust rule on a quarter of the worker stack: the bound leaves the
/// stack a margin of four even in a debug build.
#[test]
fn the_deepest_admitted_nesting_fits_a_quarter_of_the_worker_stack() {
    let handle = std::thread::Builder::new()
        .stack_size(crate::analysis::STACK_BYTES / 4)
        .spawn(|| {
            let rules = all_rules();
            let indexed: Vec<(usize, &EnabledRule)> = rules.iter().enumerate().collect();
            let engine = RustEngine::new(&indexed).unwrap_or_else(|e| panic!("{e}"));
            DEEP.iter()
                .map(|(shape, make)| {
                    // The largest n whose nesting the bound admits.
                    let (mut low, mut high) = (1, 2 * MAX_DEPTH as usize);
                    while low + 1 < high {
                        let mid = (low + high) / 2;
                        if Scan::of(&make(mid)).max_depth <= MAX_DEPTH {
                            low = mid;
                        } else {
                            high = mid;
                        }
                    }
                    let report = engine.analyze(&make(low), "src/lib.rs", false);
                    (*shape, low, report.unparsed.map(|u| u.message))
                })
                .collect::<Vec<_>>()
        })
        .unwrap();
    let results = handle.join().expect("no stack overflow");
    for (shape, n, unparsed) in results {
        // Each shape's tree is at least a third of the bound deep.
        assert!(n * 3 >= MAX_DEPTH as usize, "{shape}: only {n} deep");
        assert_eq!(unparsed, None, "{shape} at {n}");
    }
}

#[test]
fn ordinary_code_stays_far_below_the_bound() {
    let code = r#"
pub fn f<T: Clone + Send, U>(x: &mut Vec<Option<T>>, y: U) -> Result<Vec<T>, Box<dyn Error>>
where
    U: Fn(&T) -> bool + Sync,
{
    let total = x.iter().filter(|t| t.is_some()).map(|t| t.clone()).count() as u64 + 1;
    if total > 1 && total < 10 || !x.is_empty() { g() } else if total == 3 { h() } else { i() }
    match total { 1 | 2 | 3 => a(), _ => b() }
    Ok(x.drain(..).flatten().collect())
}
pub fn g() -> u8 { 1 }
pub fn h() -> u8 { 1 }
// Each item starts afresh.
"#;
    assert_eq!(Scan::of(code).max_depth, 17);
    let many = code.repeat(1000);
    assert_eq!(Scan::of(&many).max_depth, 17);
}
