//! Reports: each format is one plug that turns an [`Outcome`] into bytes, one file
//! per format behind one signature (`fn(&Outcome, &mut dyn Write) -> io::Result<()>`,
//! plus colour for text). A format never knows a rule by name; it reads the data
//! model only. Adding a format is one variant here and one file with its tests.
//!
//! `github.rs` also holds what gate does for a GitHub Actions step besides
//! printing: the step summary and the step outputs.

pub mod annotations;
pub mod checkstyle;
pub mod coverage;
pub mod github;
mod html;
mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
mod text;
mod xml;

use crate::model::{Finding, Severity};
use crate::pipeline::Outcome;
use std::borrow::Cow;
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    /// Findings grouped by file with the source line, and a summary (for people).
    Text,
    /// The versioned JSON document described in docs/gate-report.schema.json.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// Markdown for a pull-request comment or a CI summary page.
    Markdown,
    /// JUnit XML: one test case per condition and per rule with findings.
    Junit,
    /// Checkstyle XML, for Jenkins' Warnings Next Generation and similar tools.
    Checkstyle,
    /// GitHub Actions workflow commands: annotations on the pull request's lines.
    Github,
    /// One self-contained HTML page: overview, files, code viewer with coverage
    /// and findings, rules.
    Html,
}

impl Format {
    pub const ALL: [Format; 8] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Markdown,
        Format::Junit,
        Format::Checkstyle,
        Format::Github,
        Format::Html,
    ];

    /// The file this format is written to under `--output-dir`.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Text => "gate.txt",
            Format::Json => "gate.json",
            Format::Sarif => "gate.sarif",
            Format::Markdown => "gate.md",
            Format::Junit => "gate-junit.xml",
            Format::Checkstyle => "gate-checkstyle.xml",
            Format::Github => "gate-github.txt",
            Format::Html => "gate.html",
        }
    }

    /// Workflow commands only work on a step's standard output, so `github` is
    /// printed there even when the other formats go to files.
    pub fn stdout_only(self) -> bool {
        self == Format::Github
    }
}

/// What the person running gate chose about how a report looks; machine formats
/// ignore it and always list everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct View {
    /// ANSI styles (text only).
    pub color: bool,
    /// List at most this many findings (text and Markdown) and count the rest: a
    /// first run on a legacy code base is otherwise a wall.
    pub max_findings: Option<usize>,
}

/// Renders `outcome` as `view` says.
pub fn render(
    format: Format,
    outcome: &Outcome,
    out: &mut dyn Write,
    view: View,
) -> io::Result<()> {
    match format {
        Format::Text => text::render(outcome, out, view),
        Format::Json => json::render(outcome, out),
        Format::Sarif => sarif::write(outcome, out),
        Format::Markdown => markdown::write(outcome, out, view.max_findings),
        Format::Junit => junit::write(outcome, out),
        Format::Checkstyle => checkstyle::write(outcome, out),
        Format::Github => github::write(outcome, out),
        Format::Html => html::write(outcome, out),
    }
}

pub use json::SCHEMA_VERSION;

/// What every report says first when the configuration's origin matters: the
/// change touches gate's own files, or the head's configuration was used. A
/// sentence, then the differences of the effective conditions, one per line.
pub(crate) fn config_notice(outcome: &Outcome) -> Option<(String, &[String])> {
    use crate::gate::ConfigFrom;
    let source = outcome.config_source.as_ref()?;
    let files = source.changed.join(", ");
    let sentence = match (source.from, source.changed.is_empty()) {
        (ConfigFrom::Base, true) => return None,
        (ConfigFrom::Base, false) => format!(
            "This change touches {files}: the base's configuration applies; the changes take effect after merge."
        ),
        (ConfigFrom::Head, unchanged) => format!(
            "The head's configuration was used ({}){}.",
            source.reason.as_deref().unwrap_or("--config-from head"),
            if !unchanged {
                format!("; this change touches {files}")
            } else {
                String::new()
            }
        ),
    };
    Some((sentence, &source.differences))
}

/// How a finding was suppressed, in words: `@SuppressWarnings (reason: …)`.
pub fn suppression_note(s: &crate::model::Suppression) -> String {
    let how = match s.kind {
        crate::model::SuppressionKind::Comment => "gate:ignore comment",
        crate::model::SuppressionKind::Annotation => "@SuppressWarnings",
        crate::model::SuppressionKind::Nosonar => "NOSONAR",
    };
    match &s.reason {
        Some(reason) => format!("{how}: {reason}"),
        None => format!("{how}, no reason given"),
    }
}

/// The unsuppressed findings that are not new, in words, as `noun`s: "9 issues on
/// code that is not new and 15 in the baseline"; `None` when there are none.
pub(crate) fn not_new(outcome: &Outcome, noun: &str) -> Option<String> {
    let not_new = outcome
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none() && !f.new)
        .count();
    let old = not_new.saturating_sub(outcome.baselined);
    match (old, outcome.baselined) {
        (0, 0) => None,
        (old, 0) => Some(format!("{old} {noun} on code that is not new")),
        (0, b) => Some(format!("{b} {noun} in the baseline")),
        (old, b) => Some(format!(
            "{old} {noun} on code that is not new and {b} in the baseline"
        )),
    }
}

/// Unsuppressed findings on new code, most severe first, then by place: what a
/// reviewer of the change must look at.
pub(crate) fn new_issues(outcome: &Outcome) -> Vec<&Finding> {
    let mut new: Vec<&Finding> = outcome
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none() && f.new)
        .collect();
    new.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.location.cmp(&b.location))
            .then_with(|| a.rule.cmp(&b.rule))
    });
    new
}

/// The three-level scale most consumers know (SARIF, Checkstyle, GitHub):
/// what fails the default gate (major and worse) is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Note,
    Warning,
    Error,
}

impl Level {
    pub fn of(severity: Severity) -> Level {
        match severity {
            Severity::Blocker | Severity::Critical | Severity::Major => Level::Error,
            Severity::Minor => Level::Warning,
            Severity::Info => Level::Note,
        }
    }
}

/// A repository-relative path as a URI path: RFC 3986 unreserved characters and
/// `/` stay, everything else (spaces, `%`, `#`, `|`, non-ASCII) is percent-encoded.
pub(crate) fn uri_path(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// Pretty JSON in which every character the console would escape is a JSON
/// `\u` escape and `##[` is `#\u0023[`: the same data, but nothing a CI reading
/// the line could act on (see [`crate::console`]), so the console never has to
/// change a byte of it. Written as it is serialised.
pub fn write_json<T: serde::Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    let mut json = serde_json::Serializer::with_formatter(
        out,
        InertJson(serde_json::ser::PrettyFormatter::new()),
    );
    value.serialize(&mut json).map_err(io::Error::from)
}

/// serde_json's pretty layout; only the text of strings changes.
struct InertJson(serde_json::ser::PrettyFormatter<'static>);

impl serde_json::ser::Formatter for InertJson {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        text: &str,
    ) -> io::Result<()> {
        // Nearly every string is plain: written as it is, without two copies.
        if !text.chars().any(crate::console::needs_escape) && !text.contains("##[") {
            return w.write_all(text.as_bytes());
        }
        let mut inert = String::with_capacity(text.len());
        for c in text.chars() {
            if crate::console::needs_escape(c) {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    inert.push_str(&format!("\\u{unit:04x}"));
                }
            } else {
                inert.push(c);
            }
        }
        w.write_all(inert.replace("##[", "#\\u0023[").as_bytes())
    }
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// `text` with nothing GitHub would turn into a link: GitHub links bare
/// `scheme://…` and `www.…` (GFM's extended autolinks) in comments and check
/// runs, so a file name or a message from the pull request could put a link in
/// gate's report. `://` becomes `:∕∕` (U+2215) and `www.` `www․` (U+2024): they
/// read the same, and no linker matches them. Invisible joiners would not do:
/// GitHub's linker takes a domain up to the next space, joiner included.
pub(crate) fn unlink(text: &str) -> Cow<'_, str> {
    let lower = text.to_ascii_lowercase();
    if !lower.contains("://") && !lower.contains("www.") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while !rest.is_empty() {
        if rest.starts_with("://") {
            out.push_str(":\u{2215}\u{2215}");
            rest = &rest[3..];
        } else if rest
            .get(..4)
            .is_some_and(|w| w.eq_ignore_ascii_case("www."))
        {
            out.push_str(&rest[..3]);
            out.push('\u{2024}');
            rest = &rest[4..];
        } else {
            let c = rest.chars().next().unwrap_or_default();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    Cow::Owned(out)
}

/// A percentage as reports print it: one decimal.
pub(crate) fn percent(p: Option<f64>) -> String {
    p.map_or_else(|| "-".to_string(), |p| format!("{p:.1} %"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_paths_keep_slashes_and_encode_the_rest() {
        assert_eq!(
            uri_path("src/a b/C%|#<.java"),
            "src/a%20b/C%25%7C%23%3C.java"
        );
        assert_eq!(uri_path("src/é.rs"), "src/%C3%A9.rs");
    }

    #[test]
    fn json_holds_the_same_data_but_nothing_a_ci_acts_on() {
        let data = "a\u{2028}b\u{7f}\u{202e}##[x]\n";
        let mut out = Vec::new();
        write_json(&mut out, &[data]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "[\n  \"a\\u2028b\\u007f\\u202e#\\u0023[x]\\n\"\n]");
        let back: Vec<String> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, [data]);
    }

    #[test]
    fn nothing_stays_a_link() {
        assert_eq!(
            unlink("see https://evil.example, HTTP://x and WWW.evil.example/a"),
            "see https:\u{2215}\u{2215}evil.example, HTTP:\u{2215}\u{2215}x and WWW\u{2024}evil.example/a"
        );
        assert!(matches!(unlink("src/a.java: std::mem"), Cow::Borrowed(_)));
        assert_eq!(unlink("ww\u{e9}.www"), "ww\u{e9}.www");
    }

    #[test]
    fn every_format_has_its_own_file() {
        let mut names: Vec<&str> = Format::ALL.iter().map(|f| f.file_name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Format::ALL.len());
    }
}
