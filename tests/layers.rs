//! The house's floors: every top-level module of `src/` has a place in [`FLOORS`],
//! and a module may use only the modules on floors below its own. That rules out
//! import circles and keeps the pipeline readable bottom-up (ARCHITECTURE.md).
//! Test code (`tests.rs` files, `#[cfg(test)]` modules) may reach anywhere.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Bottom to top. A new module goes above everything it uses.
const FLOORS: &[&str] = &[
    // Leaves: vocabulary and helpers with no knowledge of gate's flow.
    "model",
    "guard",
    "toml_errors",
    "console",
    // Inputs: rules, changes, where gate runs, source files.
    "rules",
    "diff",
    "ci",
    "source",
    // The work: analysis, coverage, measures and the verdict.
    "analysis",
    "coverage",
    "gate",
    // gate.toml: one section per module above, put together.
    "config",
    // Stages and their compositions, then what renders and sends the outcome.
    "pipeline",
    "report",
    "publish",
    "cli",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments and its `#[cfg(test)]` tail.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .map(|line| match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules `code` names as `crate::module` or in `crate::{a, b::c}`.
fn uses(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item_start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        found.insert(ident(&group[j..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            found.insert(ident(rest));
        }
    }
    found
}

fn ident(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

#[test]
fn every_module_uses_only_the_floors_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let floor = |module: &str| FLOORS.iter().position(|m| *m == module);
    let mut problems = Vec::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = top.trim_end_matches(".rs");
        if module == "lib" || module == "main" || rel.ends_with("tests.rs") {
            continue;
        }
        let Some(own) = floor(module) else {
            problems.push(format!("src/{module}: not in FLOORS; give it a floor"));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for used in uses(&code(&text)) {
            if used == module {
                continue;
            }
            match floor(&used) {
                Some(theirs) if theirs < own => {}
                Some(_) => problems.push(format!(
                    "{}: `{module}` uses `{used}`, which is not on a floor below it",
                    rel.display()
                )),
                None => problems.push(format!(
                    "{}: `{module}` uses `crate::{used}`, which is not a module of a floor \
                     (name items by their module's path, not the crate root's re-exports)",
                    rel.display()
                )),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_reader_sees_grouped_and_plain_uses() {
    let found = uses("use crate::{a::b, c, d::{e, f}};\nlet x = crate::g::h();");
    assert_eq!(found, ["a", "c", "d", "g"].map(String::from).into());
}
