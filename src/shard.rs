//! Shards: one run's work split across CI jobs and put back together. A *partial
//! result* is what one job contributes: `gate check --shard I/N` analyses the I-th of
//! N parts of the source files and reads whatever coverage reports that job has;
//! `gate check --coverage-only` only reads coverage (a test job). `gate merge` checks
//! that the partials belong together (one commit, one configuration, every shard once,
//! no file twice), merges them into the [`Analysed`] and [`Coverage`] one unsharded run
//! would have produced, and hands them to the same tail ([`crate::decide`]), so the
//! measures and the verdict are computed once, by the same code.
//!
//! The partition is a pure function of the sorted paths and sizes of the discovered
//! source files: sorted by path, then cut into N contiguous runs of about equal bytes
//! (see [`shard_of`]). Every machine with the same checkout computes the same cut,
//! each shard's findings come out sorted, and shards concatenated in order are in the
//! unsharded run's order.

use crate::analysis::Analyzer;
use crate::config::{EnabledRule, Loaded};
use crate::coverage::{self, Coverage, CoverageConfig, CoverageError};
use crate::model::{Diagnostic, Finding, Language};
use crate::{Analysed, CheckOptions, Error, Outcome};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Instant;

/// The `format` field of every partial result.
pub const FORMAT: &str = "gate-partial";
/// Bumped when a partial's shape changes; `gate merge` reads only its own version.
pub const VERSION: u32 = 2;

/// `I/N`: the I-th (1-based) of N shards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ShardSpec {
    pub index: u32,
    pub count: u32,
}

impl fmt::Display for ShardSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for ShardSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<ShardSpec, String> {
        let bad = || format!("`{s}` is not a shard; write I/N with 1 <= I <= N, e.g. 2/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(ShardSpec { index, count })
    }
}

/// What one job writes: a versioned, self-describing part of a run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Partial {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`] when written.
    pub version: u32,
    pub gate_version: String,
    /// `git rev-parse HEAD` where the job ran; `None` outside git.
    pub commit: Option<String>,
    /// `git rev-parse HEAD^{tree}`: parts are of the same code when their trees are
    /// equal, even from different merge commits.
    pub tree: Option<String>,
    /// See [`config_hash`].
    pub config_hash: String,
    /// `None` for a coverage-only part, which joins any merge.
    pub shard: Option<ShardSpec>,
    /// Every source file discovery found (in every shard), as count and hash of the
    /// sorted paths and sizes: shards that saw different trees cut them differently.
    pub discovered: usize,
    pub discovered_hash: String,
    /// The source files this shard analysed, sorted.
    pub files: Vec<String>,
    /// Lines analysed, and the languages met (which rules ran).
    pub lines: u64,
    pub languages: Vec<Language>,
    /// Sorted by location; `new` is decided by the merge.
    pub findings: Vec<Finding>,
    /// Problems analysing this shard's files.
    pub diagnostics: Vec<Diagnostic>,
    /// Discovery's own diagnostics and skips: the same in every shard.
    pub discovery_diagnostics: Vec<Diagnostic>,
    pub default_excluded_dirs: Vec<String>,
    pub excluded_by_config: usize,
    /// The coverage of each report this job read, one entry per report, so that the
    /// same report read by several jobs counts once.
    pub coverage: Vec<Coverage>,
}

impl Partial {
    fn empty() -> Partial {
        Partial {
            format: FORMAT.to_string(),
            version: VERSION,
            gate_version: env!("CARGO_PKG_VERSION").to_string(),
            commit: None,
            tree: None,
            config_hash: String::new(),
            shard: None,
            discovered: 0,
            discovered_hash: String::new(),
            files: Vec::new(),
            lines: 0,
            languages: Vec::new(),
            findings: Vec::new(),
            diagnostics: Vec::new(),
            discovery_diagnostics: Vec::new(),
            default_excluded_dirs: Vec::new(),
            excluded_by_config: 0,
            coverage: Vec::new(),
        }
    }
}

/// Why partial results cannot be read or merged (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    #[error("{}: cannot read the partial result: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: cannot write the partial result: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: not a gate partial result ({why}); give the files `gate check --partial-out` wrote", path.display())]
    Corrupt { path: PathBuf, why: String },
    #[error("{}: partial result format version {found}; this gate reads version {VERSION}: run every job and the merge with the same gate", path.display())]
    Version { path: PathBuf, found: u32 },
    #[error("the partial results do not belong together: {}", .0.join("; "))]
    Mismatch(Vec<String>),
}

/// What part of the work a partial run does.
#[derive(Debug, Clone, Copy)]
pub enum Part {
    Shard(ShardSpec),
    CoverageOnly,
}

/// Which shard (0-based) a file of `size` bytes belongs to when `before` bytes of the
/// sorted files precede it, of `total`: the shard whose byte range holds the file's
/// middle. Shards are contiguous runs of about `total / count` bytes, each off by at
/// most one file, and a file never moves unless the bytes before it change.
pub fn shard_of(before: u64, size: u64, total: u64, count: u32) -> u32 {
    if total == 0 {
        return 0;
    }
    let middle = 2 * u128::from(before) + u128::from(size);
    let shard = middle * u128::from(count) / (2 * u128::from(total));
    shard.min(u128::from(count - 1)) as u32
}

/// The shard (0-based) of every file, given their sizes in path order. Files of no
/// bytes at all (every file empty) are dealt out by position instead.
pub fn partition(sizes: &[u64], count: u32) -> Vec<u32> {
    let total: u64 = sizes.iter().sum();
    if total == 0 {
        let n = sizes.len().max(1) as u64;
        return (0..sizes.len() as u64)
            .map(|i| (i * u64::from(count) / n) as u32)
            .collect();
    }
    let mut before = 0;
    sizes
        .iter()
        .map(|&size| {
            let shard = shard_of(before, size, total, count);
            before += size;
            shard
        })
        .collect()
}

/// FNV-1a, 64 bits, over parts separated by NUL: stable across Rust versions and
/// machines, unlike `std`'s hasher.
fn fnv(parts: impl IntoIterator<Item = impl AsRef<[u8]>>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &byte in part.as_ref().iter().chain([&0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// What must be equal for parts to merge: the gate version, the configuration file's
/// text and the rules it enables, with their severity, parameters and origin.
pub fn config_hash(config: &Loaded, rules: &[EnabledRule], parse_only: bool) -> String {
    let mut parts = vec![
        env!("CARGO_PKG_VERSION").to_string(),
        config.text().to_string(),
        format!("parse_only={parse_only}"),
    ];
    for r in rules {
        parts.push(format!(
            "{} {} {:?} {}",
            r.rule.id, r.severity, r.params, r.rule.origin
        ));
    }
    fnv(parts)
}

/// Runs one job's part: discovery of the whole tree, analysis of this shard's files
/// (none for coverage-only), and the coverage reports this job has. Needs no diff
/// reference and no token: new code, the verdict and publishing belong to the merge.
pub fn check_partial(
    options: &CheckOptions,
    part: Part,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Partial, Error> {
    let root = &options.root;
    // The configuration of a pull request comes from its base, in every part as in
    // the merge (whose configuration must be the parts').
    let ci = crate::ci_context(options)?;
    let setup = crate::setup::setup(options, &crate::new_code(options, &ci)?)?;
    let analyzer = Analyzer::new(setup.rules.clone(), options.parse_only)?
        .max_file_bytes(setup.config.config.sources.max_file_bytes);
    let discovery = crate::discover(root, &setup.config, options.jobs)?;
    let sizes: Vec<u64> = discovery
        .files
        .iter()
        .map(|f| std::fs::metadata(&f.abs).map_or(0, |m| m.len()))
        .collect();
    let discovered_hash = fnv(discovery
        .files
        .iter()
        .zip(&sizes)
        .map(|(f, size)| format!("{} {size}", f.rel)));
    let mine: Vec<_> = match part {
        Part::Shard(spec) => partition(&sizes, spec.count)
            .into_iter()
            .zip(&discovery.files)
            .filter(|(shard, _)| *shard == spec.index - 1)
            .map(|(_, f)| f.clone())
            .collect(),
        Part::CoverageOnly => Vec::new(),
    };
    let total = mine.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let analysis = analyzer.analyze(&mine, &[], &|| {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        progress(n, total);
    });
    let coverage = read_each_report(
        root,
        &crate::coverage_config(options, &setup.config),
        &discovery.all_files,
    )?;
    Ok(Partial {
        format: FORMAT.to_string(),
        version: VERSION,
        gate_version: env!("CARGO_PKG_VERSION").to_string(),
        commit: crate::diff::git::head_commit(root),
        tree: crate::diff::git::head_tree(root),
        config_hash: config_hash(&setup.config, &setup.rules, options.parse_only),
        shard: match part {
            Part::Shard(spec) => Some(spec),
            Part::CoverageOnly => None,
        },
        discovered: discovery.files.len(),
        discovered_hash,
        files: mine.into_iter().map(|f| f.rel).collect(),
        lines: analysis.lines,
        languages: analysis.languages,
        findings: analysis.findings,
        diagnostics: analysis.diagnostics,
        discovery_diagnostics: discovery.diagnostics,
        default_excluded_dirs: discovery.default_excluded_dirs,
        excluded_by_config: discovery.excluded_by_config,
        coverage,
    })
}

/// Reads each report on its own. A job reads the reports it has: a configured report
/// missing here is another job's, so a pattern that matches nothing is skipped (the
/// merge fails closed if no part had coverage); an unreadable report is still an error.
fn read_each_report(
    root: &Path,
    config: &CoverageConfig,
    files: &[String],
) -> Result<Vec<Coverage>, Error> {
    let mut reports = Vec::new();
    let patterns: Vec<CoverageConfig> = if config.reports.is_empty() {
        vec![config.clone()]
    } else {
        config
            .reports
            .iter()
            .map(|p| CoverageConfig {
                reports: vec![p.clone()],
                ..config.clone()
            })
            .collect()
    };
    for one in &patterns {
        match coverage::find_reports(root, one) {
            Ok(found) => reports.extend(found),
            Err(
                CoverageError::NoReportFound { .. } | CoverageError::PatternMatchedNothing { .. },
            ) => {}
            Err(e) => return Err(e.into()),
        }
    }
    reports.sort();
    reports.dedup();
    use rayon::prelude::*;
    reports
        .par_iter()
        .map(|report| {
            coverage::load_reports(root, std::slice::from_ref(report), config, files)
                .map_err(Error::from)
        })
        .collect()
}

/// Writes a partial result as JSON.
pub fn write(partial: &Partial, path: &Path) -> Result<(), ShardError> {
    let write_err = |source| ShardError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(write_err)?;
    }
    let file = std::fs::File::create(path).map_err(write_err)?;
    let mut w = std::io::BufWriter::new(file);
    serde_json::to_writer(&mut w, partial).map_err(|e| write_err(e.into()))?;
    std::io::Write::flush(&mut w).map_err(write_err)
}

/// Reads a partial result, telling a file of another kind, another version and a
/// damaged one apart.
pub fn read(path: &Path) -> Result<Partial, ShardError> {
    let bytes = std::fs::read(path).map_err(|source| ShardError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let corrupt = |why: String| ShardError::Corrupt {
        path: path.to_path_buf(),
        why,
    };
    #[derive(Deserialize)]
    struct Header {
        format: Option<String>,
        version: Option<u32>,
    }
    let header: Header = serde_json::from_slice(&bytes).map_err(|e| {
        corrupt(if e.is_eof() {
            format!("it ends early at line {}: truncated?", e.line())
        } else {
            format!("not JSON: {e}")
        })
    })?;
    if header.format.as_deref() != Some(FORMAT) {
        return Err(corrupt(format!("no `\"format\": \"{FORMAT}\"`")));
    }
    match header.version {
        Some(VERSION) => {}
        Some(found) => {
            return Err(ShardError::Version {
                path: path.to_path_buf(),
                found,
            })
        }
        None => return Err(corrupt("no format version".to_string())),
    }
    serde_json::from_slice(&bytes).map_err(|e| corrupt(format!("damaged: {e}")))
}

/// Checks that `parts` (with the files they came from) belong together and to this
/// checkout (`commit`, `config_hash`); every problem is named, not just the first.
pub fn validate(
    parts: &[(PathBuf, Partial)],
    here: &Partial,
    config_hash: &str,
) -> Result<(), ShardError> {
    let mut problems = Vec::new();
    let name = |p: &Path| p.display().to_string();
    // Groups the parts by a field, and says which part has which value when they differ.
    let differing = |what: &str, value: &dyn Fn(&Partial) -> String| -> Option<String> {
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for (path, part) in parts {
            let v = value(part);
            match groups.iter_mut().find(|(g, _)| *g == v) {
                Some((_, names)) => names.push(name(path)),
                None => groups.push((v, vec![name(path)])),
            }
        }
        (groups.len() > 1).then(|| {
            let listed: Vec<String> = groups
                .iter()
                .map(|(v, names)| format!("{} at {v}", names.join(", ")))
                .collect();
            format!("parts from different {what}: {}", listed.join(" but "))
        })
    };
    let commit_of = |p: &Partial| p.commit.clone().unwrap_or_else(|| "no commit".to_string());
    // The code a part saw: its tree, so that merge commits of the same content agree.
    let code_of = |p: &Partial| match (&p.tree, &p.commit) {
        (Some(tree), Some(commit)) => format!("{commit} (tree {tree})"),
        _ => commit_of(p),
    };
    let same_code = |a: &Partial, b: &Partial| match (&a.tree, &b.tree) {
        (Some(x), Some(y)) => x == y,
        _ => a.commit == b.commit,
    };
    problems.extend(differing("gate versions", &|p| p.gate_version.clone()));
    if parts.iter().any(|(_, p)| !same_code(p, &parts[0].1)) {
        problems.extend(differing("commits", &code_of));
    }
    problems.extend(differing("configurations (config hash)", &|p| {
        p.config_hash.clone()
    }));
    if let Some((path, first)) = parts.first() {
        if problems.is_empty() {
            if !same_code(first, here) {
                problems.push(format!(
                    "the parts are of commit {} ({}) but this checkout is at {}",
                    code_of(first),
                    name(path),
                    code_of(here)
                ));
            }
            if first.config_hash != config_hash {
                problems.push(format!(
                    "the parts were made with another configuration (config hash {}, {}) than this checkout's ({config_hash}); run every job and the merge with the same gate.toml",
                    first.config_hash,
                    name(path)
                ));
            }
        }
    }
    let lint: Vec<(&PathBuf, &Partial, ShardSpec)> = parts
        .iter()
        .filter_map(|(path, p)| p.shard.map(|s| (path, p, s)))
        .collect();
    if lint.is_empty() {
        problems.push(
            "no analysis part: give the partials of every `gate check --shard I/N` job (coverage-only parts alone have no findings)"
                .to_string(),
        );
    }
    {
        let counts: std::collections::BTreeSet<u32> = lint.iter().map(|l| l.2.count).collect();
        if counts.len() > 1 {
            let listed: Vec<String> = lint
                .iter()
                .map(|(path, _, s)| format!("{} is {s}", name(path)))
                .collect();
            problems.push(format!(
                "parts disagree on the number of shards: {}",
                listed.join(", ")
            ));
        } else if let Some(&count) = counts.first() {
            let mut missing = Vec::new();
            for index in 1..=count {
                let of: Vec<String> = lint
                    .iter()
                    .filter(|l| l.2.index == index)
                    .map(|l| name(l.0))
                    .collect();
                match of.len() {
                    0 => missing.push(format!("{index}/{count}")),
                    1 => {}
                    _ => problems.push(format!(
                        "shard {index}/{count} given {} times: {}",
                        of.len(),
                        of.join(", ")
                    )),
                }
            }
            if !missing.is_empty() {
                problems.push(format!(
                    "shard(s) {} missing: every shard 1/{count} … {count}/{count} must be given once",
                    missing.join(", ")
                ));
            }
        }
    }
    if lint
        .iter()
        .any(|l| l.1.discovered_hash != lint[0].1.discovered_hash)
    {
        problems.push(
            "the shards saw different source trees (discovered files or sizes differ); run every shard on the same checkout"
                .to_string(),
        );
    }
    if problems.is_empty() {
        let mut owner: std::collections::HashMap<&str, &PathBuf> = std::collections::HashMap::new();
        let mut twice = Vec::new();
        for (path, part, _) in &lint {
            for f in &part.files {
                if let Some(other) = owner.insert(f, path) {
                    twice.push(format!("{f} is in {} and {}", name(other), name(path)));
                }
            }
        }
        if let Some(first) = twice.first() {
            problems.push(format!(
                "{} file(s) in two shards (first: {first})",
                twice.len()
            ));
        }
        let covered = owner.len();
        if let Some((_, first, _)) = lint.first() {
            if twice.is_empty() && covered != first.discovered {
                problems.push(format!(
                    "the shards cover {covered} of the {} source files",
                    first.discovered
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ShardError::Mismatch(problems))
    }
}

/// Merges the partial results into one outcome, as one unsharded run on this checkout
/// would have decided it: `options` gives the root, the configuration and the new-code
/// reference (`base`, `diff`, or the CI's), as for `check`.
pub fn merge(options: &CheckOptions, parts: Vec<(PathBuf, Partial)>) -> Result<Outcome, Error> {
    let started = Instant::now();
    let root = &options.root;
    let ci = crate::ci_context(options)?;
    let new_code = crate::new_code(options, &ci)?;
    let setup = crate::setup::setup(options, &new_code)?;
    let hash = config_hash(&setup.config, &setup.rules, options.parse_only);
    // This checkout, described as a part would describe it.
    let here = Partial {
        commit: crate::diff::git::head_commit(root),
        tree: crate::diff::git::head_tree(root),
        ..Partial::empty()
    };
    validate(&parts, &here, &hash)?;

    let mut lint: Vec<&Partial> = parts
        .iter()
        .map(|(_, p)| p)
        .filter(|p| p.shard.is_some())
        .collect();
    lint.sort_by_key(|p| p.shard);
    let mut analysed = Analysed::default();
    if let Some(first) = lint.first() {
        analysed.diagnostics = first.discovery_diagnostics.clone();
        analysed.default_excluded_dirs = first.default_excluded_dirs.clone();
        analysed.excluded_by_config = first.excluded_by_config;
    }
    // Shards are contiguous runs of the sorted files, so in shard order the findings
    // and diagnostics come out as one run orders them.
    for part in &lint {
        analysed.files += part.files.len();
        analysed.lines += part.lines;
        for l in &part.languages {
            if !analysed.languages.contains(l) {
                analysed.languages.push(*l);
            }
        }
        analysed.findings.extend(part.findings.iter().cloned());
        analysed
            .diagnostics
            .extend(part.diagnostics.iter().cloned());
    }

    // The changed files' base revisions are analysed here, where the new code is known.
    let analyzer = Analyzer::new(setup.rules.clone(), options.parse_only)?
        .max_file_bytes(setup.config.config.sources.max_file_bytes);
    let analysed_paths: std::collections::HashSet<&str> = lint
        .iter()
        .flat_map(|p| p.files.iter().map(String::as_str))
        .collect();
    let base = crate::base_sources(
        root,
        &new_code,
        &|path| analysed_paths.contains(path),
        &setup.config.config.sources,
    )?;
    analysed.base_findings = analyzer.analyze(&[], &base, &|| {}).base_findings;

    // One entry per report; the same report read by several jobs counts once. In the
    // order of the report paths, as one run reads them.
    let mut reports: Vec<Coverage> = Vec::new();
    for (_, part) in &parts {
        for c in &part.coverage {
            if !reports.contains(c) {
                reports.push(c.clone());
            }
        }
    }
    reports.sort_by(|a, b| report_path(a).cmp(&report_path(b)));
    let coverage = if reports.is_empty() {
        // The message of one run, so a merged report equals it.
        Err(if options.no_coverage {
            crate::NoCoverage::ByChoice(crate::NO_COVERAGE_FLAG.to_string())
        } else if !setup.config.config.coverage.required {
            crate::NoCoverage::ByChoice("[coverage] required = false".to_string())
        } else {
            crate::NoCoverage::Missing(crate::NO_COVERAGE.to_string())
        })
    } else {
        let mut merged = Coverage::default();
        for c in reports {
            merged.merge(c);
        }
        Ok(merged)
    };
    crate::decide(root, setup, ci, &new_code, analysed, coverage, started)
}

fn report_path(c: &Coverage) -> Option<&Path> {
    c.reports.first().map(|r| r.path.as_path())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_spec_parses_and_refuses() {
        assert_eq!(
            "2/4".parse::<ShardSpec>(),
            Ok(ShardSpec { index: 2, count: 4 })
        );
        for bad in ["0/4", "5/4", "1/0", "2", "a/b", "1/4/2"] {
            assert!(bad.parse::<ShardSpec>().is_err(), "{bad}");
        }
    }

    #[test]
    fn partition_is_contiguous_balanced_and_total() {
        let sizes = [10, 10, 10, 10, 100, 10, 10, 10, 10, 10, 10, 10];
        let shards = partition(&sizes, 4);
        assert!(shards.windows(2).all(|w| w[0] <= w[1]), "{shards:?}");
        assert_eq!(shards.len(), sizes.len());
        let mut bytes = [0u64; 4];
        for (s, size) in shards.iter().zip(sizes) {
            bytes[*s as usize] += size;
        }
        // 210 bytes: about 52 each, each off by at most one file.
        assert!(bytes.iter().all(|&b| b <= 55 + 100), "{bytes:?}");
        assert_eq!(bytes.iter().sum::<u64>(), 210);
        assert_eq!(partition(&[0, 0, 0, 0], 2), [0, 0, 1, 1]);
        assert_eq!(partition(&[5], 3), [1]);
        assert!(partition(&[], 3).is_empty());
    }
}
