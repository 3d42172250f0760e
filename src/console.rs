//! The console: the one way gate writes to standard output and standard error.
//!
//! CI runners act on the lines a step prints. GitHub Actions runs a line that
//! starts with `::` (after leading whitespace) as a workflow command, and the
//! legacy `##[` form anywhere in a line; Jenkins reads console notes hidden in ANSI
//! escapes, and its warnings parsers read file names from lines. File names,
//! messages and sources come from the pull request, so a file named
//! `a\n::stop-commands::x\n.java` would silence gate's own annotations,
//! `::add-mask::` would hide the log and `::error` would forge a finding. And logs
//! are often public: a token must never reach them, not even a cut piece of one.
//!
//! Two layers, one notation (Rust's escapes: `\n`, `\r`, `\u{1b}`):
//! - [`clean`] makes a value (a file name, a message, an error) one inert piece
//!   of a line: line breaks, other control characters (so ANSI escapes), bidi
//!   controls and zero-width characters are written as escapes, so a value can
//!   never start a line of its own. Reports call it on every value they print.
//! - [`Console`] wraps the stream and checks every line as it goes out, whoever
//!   wrote it: secrets redacted, any such character still raw escaped, and a line
//!   that would be a workflow command gets its first `:` (or the `#` of `##[`)
//!   escaped, except gate's own annotations where the caller says it prints them.
//!
//! The runner compares with .NET's culture-aware rules, which skip
//! default-ignorable characters (`:\u{fe0f}:` can read as `::`): the console
//! looks for commands with them left out, and breaks one with a visible escape,
//! never an invisible joiner.

use std::borrow::Cow;
use std::io::{self, Write};

/// The environment variables whose values gate must never print.
pub const SECRET_VARIABLES: [&str; 2] = ["GATE_GITHUB_TOKEN", "GITHUB_TOKEN"];

/// Whether `c` is printed as an escape: it could end a line (LF, CR, U+0085,
/// U+2028, U+2029), drive a terminal (ESC and the other control characters), or
/// hide or reorder text (bidi controls, zero-width spaces, soft hyphen). Tab
/// stays, and so do the joiners and variation selectors emoji are made of.
pub fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c as u32,
            0x2028 | 0x2029 | 0x00AD | 0x061C | 0x180E | 0x200B | 0x200E | 0x200F
            | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x2069 | 0xFEFF)
}

/// Unicode's default-ignorable characters, which .NET's culture-aware string
/// comparisons skip: `:\u{fe0f}:` can compare equal to `::`.
fn ignorable(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0000..=0xE0FFF)
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

/// `text` as one inert piece of a line: every character [`needs_escape`] says
/// is written as an escape.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The secrets gate knows (the GitHub tokens), for [`Secrets::redact`].
#[derive(Debug, Clone, Default)]
pub struct Secrets(Vec<String>);

/// Runs of this many characters of a secret are redacted wherever they appear:
/// what a message cut short or a wrapped line leaves of a token.
const FRAGMENT: usize = 8;

impl Secrets {
    /// The values, trimmed; values shorter than 4 characters are too short to
    /// hide without hiding ordinary words.
    pub fn new<S: AsRef<str>>(values: impl IntoIterator<Item = S>) -> Secrets {
        Secrets(
            values
                .into_iter()
                .map(|v| v.as_ref().trim().to_string())
                .filter(|v| v.len() >= 4)
                .collect(),
        )
    }

    /// Every variable of [`SECRET_VARIABLES`] `env` holds, used or not.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Secrets {
        Secrets::new(SECRET_VARIABLES.iter().filter_map(|name| env(name)))
    }

    /// `text` with every secret, and every run of [`FRAGMENT`] characters of
    /// one, replaced by `***`.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut hidden = vec![false; text.len()];
        for secret in &self.0 {
            // An ASCII secret is hidden by its windows (which cover all of it too);
            // windows of other text could cut a character.
            let pieces: Vec<&str> = if secret.is_ascii() && secret.len() > FRAGMENT {
                (0..=secret.len() - FRAGMENT)
                    .map(|i| &secret[i..i + FRAGMENT])
                    .collect()
            } else {
                vec![secret.as_str()]
            };
            for piece in pieces {
                for (at, _) in text.match_indices(piece) {
                    hidden[at..at + piece.len()].fill(true);
                }
            }
        }
        if !hidden.contains(&true) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        for (i, c) in text.char_indices() {
            if !hidden[i] {
                out.push(c);
            } else if i == 0 || !hidden[i - 1] {
                out.push_str("***");
            }
        }
        Cow::Owned(out)
    }
}

/// A stream gate prints on: every line is checked before it is written (see the
/// module's documentation). Complete lines only are written until the console is
/// dropped, so a secret or a command cannot be split across two writes.
pub struct Console<W: Write> {
    out: W,
    secrets: Secrets,
    /// gate's own colour (SGR escapes) passes; any other escape is shown.
    color: bool,
    /// gate's own annotations (`::error`, `::warning`, `::notice`) pass.
    commands: bool,
    pending: Vec<u8>,
}

/// Standard output, with the secrets of the environment.
pub fn stdout() -> Console<io::BufWriter<io::Stdout>> {
    Console::new(io::BufWriter::new(io::stdout()), env_secrets())
}

/// Standard error, with the secrets of the environment.
pub fn stderr() -> Console<io::Stderr> {
    Console::new(io::stderr(), env_secrets())
}

fn env_secrets() -> Secrets {
    Secrets::from_env(&|name| std::env::var(name).ok())
}

impl<W: Write> Console<W> {
    pub fn new(out: W, secrets: Secrets) -> Console<W> {
        Console {
            out,
            secrets,
            color: false,
            commands: false,
            pending: Vec::new(),
        }
    }

    /// Lets gate's own colour through (ANSI SGR sequences only).
    pub fn color(mut self, on: bool) -> Console<W> {
        self.color = on;
        self
    }

    /// Lets gate's own annotations through: for `--format github` and the
    /// annotations printed when publishing could not post them.
    pub fn commands(mut self, on: bool) -> Console<W> {
        self.commands = on;
        self
    }

    /// Writes `text` as one line, whatever it holds (see [`clean`]).
    pub fn line(&mut self, text: &str) -> io::Result<()> {
        self.write_all(clean(text).as_bytes())?;
        self.write_all(b"\n")
    }

    /// `line` (without its line break) as it may be printed.
    pub fn guard(&self, line: &str) -> String {
        let text = self.secrets.redact(line);
        let mut out = String::with_capacity(text.len());
        let mut rest: &str = &text;
        while let Some(c) = rest.chars().next() {
            let sgr = if self.color { sgr_len(rest) } else { 0 };
            if sgr > 0 {
                out.push_str(&rest[..sgr]);
                rest = &rest[sgr..];
                continue;
            }
            if needs_escape(c) {
                push_escaped(&mut out, c);
            } else {
                out.push(c);
            }
            rest = &rest[c.len_utf8()..];
        }
        // What the runner compares: no colour, no ignorable character.
        let seen: Vec<(usize, char)> = significant(&out, self.color);
        let mut breaks: Vec<(usize, &str)> = seen
            .windows(3)
            .filter(|w| w[0].1 == '#' && w[1].1 == '#' && w[2].1 == '[')
            .map(|w| (w[0].0, "\\u{23}"))
            .collect();
        let mut start = seen.iter().skip_while(|(_, c)| c.is_whitespace());
        if let (Some(&(at, ':')), Some((_, ':'))) = (start.next(), start.next()) {
            if !(self.commands && is_annotation(&out)) {
                breaks.insert(0, (at, "\\u{3a}"));
            }
        }
        for (at, escape) in breaks.into_iter().rev() {
            out.replace_range(at..at + 1, escape);
        }
        out
    }

    fn emit(&mut self, end: usize) -> io::Result<()> {
        let line = String::from_utf8_lossy(&self.pending[..end]).into_owned();
        let guarded = self.guard(&line);
        self.out.write_all(guarded.as_bytes())
    }
}

/// The length of the SGR sequence (`ESC [ digits and ; m`) `text` starts with, or 0.
fn sgr_len(text: &str) -> usize {
    let Some(params) = text.strip_prefix("\u{1b}[") else {
        return 0;
    };
    let digits = params
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    if params.as_bytes().get(digits) == Some(&b'm') {
        2 + digits + 1
    } else {
        0
    }
}

/// The characters of `line` a runner compares, with their offsets: colour
/// sequences (when `color`) and [`ignorable`] characters left out.
fn significant(line: &str, color: bool) -> Vec<(usize, char)> {
    let mut seen = Vec::with_capacity(line.len());
    let mut at = 0;
    while let Some(c) = line[at..].chars().next() {
        let sgr = if color { sgr_len(&line[at..]) } else { 0 };
        if sgr > 0 {
            at += sgr;
            continue;
        }
        if !ignorable(c) {
            seen.push((at, c));
        }
        at += c.len_utf8();
    }
    seen
}

/// gate's own annotations: `::error`, `::warning` or `::notice`, with properties
/// or none. Nothing else (`::stop-commands`, `::add-mask`) ever passes.
fn is_annotation(line: &str) -> bool {
    ["error", "warning", "notice"].iter().any(|name| {
        line.strip_prefix("::")
            .and_then(|l| l.strip_prefix(name))
            .is_some_and(|l| l.starts_with(' ') || l.starts_with("::"))
    })
}

impl<W: Write> Write for Console<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        while let Some(end) = memchr::memchr(b'\n', &self.pending) {
            self.emit(end)?;
            self.out.write_all(b"\n")?;
            self.pending.drain(..=end);
        }
        Ok(buf.len())
    }

    /// Flushes the complete lines; a partial line waits for its end.
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl<W: Write> Drop for Console<W> {
    fn drop(&mut self) {
        if !self.pending.is_empty() {
            let _ = self.emit(self.pending.len());
            self.pending.clear();
        }
        let _ = self.out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(
        console: impl FnOnce(&mut Console<&mut Vec<u8>>),
        setup: fn(Console<&mut Vec<u8>>) -> Console<&mut Vec<u8>>,
    ) -> String {
        let mut buf = Vec::new();
        {
            let mut c = setup(Console::new(
                &mut buf,
                Secrets::new(["ghs_abcdefghijklmnop"]),
            ));
            console(&mut c);
        }
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn clean_values_cannot_break_a_line_or_hide() {
        assert_eq!(clean("src/A.java"), "src/A.java");
        assert!(matches!(clean("a\tb"), Cow::Borrowed(_)));
        assert_eq!(
            clean("a\n::stop-commands::x\r\u{85}\u{2028}\u{1b}[2K\u{202e}\u{200b}.java"),
            "a\\n::stop-commands::x\\r\\u{85}\\u{2028}\\u{1b}[2K\\u{202e}\\u{200b}.java"
        );
    }

    #[test]
    fn no_line_starts_a_workflow_command() {
        let c = Console::new(Vec::new(), Secrets::default());
        assert_eq!(c.guard("::add-mask::x"), "\\u{3a}:add-mask::x");
        assert_eq!(
            c.guard("  \u{a0}::stop-commands::x"),
            "  \u{a0}\\u{3a}:stop-commands::x"
        );
        assert_eq!(
            c.guard("a ##[error]x ###[y"),
            "a \\u{23}#[error]x #\\u{23}#[y"
        );
        assert_eq!(c.guard("::error file=a::m"), "\\u{3a}:error file=a::m");
        // Ignorable characters cannot hide a command from this check.
        assert_eq!(c.guard(":\u{200b}:x::y"), ":\\u{200b}:x::y");
        assert_eq!(
            c.guard(":\u{fe0f}:x #\u{200d}#["),
            "\\u{3a}\u{fe0f}:x \\u{23}\u{200d}#["
        );
        assert_eq!(c.guard("## ⚠\u{fe0f} x"), "## ⚠\u{fe0f} x");
        assert_eq!(c.guard("a::b"), "a::b");
        let commands = Console::new(Vec::new(), Secrets::default()).commands(true);
        assert_eq!(commands.guard("::error file=a::m"), "::error file=a::m");
        assert_eq!(commands.guard("::notice::m"), "::notice::m");
        assert_eq!(
            commands.guard("::stop-commands::x"),
            "\\u{3a}:stop-commands::x"
        );
        assert_eq!(commands.guard("::errors::x"), "\\u{3a}:errors::x");
        assert_eq!(
            commands.guard("::warning file=a::m ##[x]"),
            "::warning file=a::m \\u{23}#[x]"
        );
    }

    #[test]
    fn colour_passes_only_when_asked_and_only_sgr() {
        let plain = Console::new(Vec::new(), Secrets::default());
        assert_eq!(plain.guard("\u{1b}[1mx\u{1b}[0m"), "\\u{1b}[1mx\\u{1b}[0m");
        let color = Console::new(Vec::new(), Secrets::default()).color(true);
        assert_eq!(
            color.guard("\u{1b}[1;31mx\u{1b}[0m"),
            "\u{1b}[1;31mx\u{1b}[0m"
        );
        assert_eq!(
            color.guard("\u{1b}]8;;http://x\u{7}"),
            "\\u{1b}]8;;http://x\\u{7}"
        );
        assert_eq!(
            color.guard("\u{1b}[1m::add-mask::x"),
            "\u{1b}[1m\\u{3a}:add-mask::x"
        );
    }

    #[test]
    fn secrets_and_their_pieces_are_redacted() {
        let s = Secrets::new([" ghs_abcdefghijklmnop\n", "ab"]);
        assert_eq!(s.redact("t=ghs_abcdefghijklmnop."), "t=***.");
        // A message cut short, or a token split over a wrapped line.
        assert_eq!(s.redact("…ghs_abcdefg…"), "…***…");
        assert_eq!(s.redact("ijklmnop and ab"), "*** and ab");
        assert_eq!(s.redact("ghs_abc"), "ghs_abc");
        let env = |name: &str| (name == "GITHUB_TOKEN").then(|| "secret".to_string());
        assert_eq!(Secrets::from_env(&env).redact("a secret b"), "a *** b");
    }

    #[test]
    fn lines_are_checked_whole_across_writes() {
        let out = printed(
            |c| {
                write!(c, "x ghs_abcdefgh").unwrap();
                c.flush().unwrap();
                write!(c, "ijklmnop\n:").unwrap();
                write!(c, ":add-mask::y\nlast").unwrap();
            },
            |c| c,
        );
        assert_eq!(out, "x ***\n\\u{3a}:add-mask::y\nlast");
    }

    #[test]
    fn a_line_is_one_line() {
        let out = printed(
            |c| c.line("gate: error: a\n::error::b").unwrap(),
            |c| c.commands(true),
        );
        assert_eq!(out, "gate: error: a\\n::error::b\n");
    }
}
