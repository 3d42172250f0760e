//! Reports: each format is one plug that turns an [`Outcome`] into bytes. A
//! format never knows a rule by name; it reads the data model only.

pub mod coverage;
mod json;
pub mod markdown;
mod text;

use crate::Outcome;
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Findings grouped by file with the source line, and a summary (for people).
    Text,
    /// The versioned JSON document described in docs/gate-report.schema.json.
    Json,
}

/// Renders `outcome`; `color` adds ANSI styles (text only).
pub fn render(
    format: Format,
    outcome: &Outcome,
    out: &mut dyn Write,
    color: bool,
) -> io::Result<()> {
    match format {
        Format::Text => text::render(outcome, out, color),
        Format::Json => json::render(outcome, out),
    }
}

pub use json::SCHEMA_VERSION;
