//! gate: a quality gate for pull requests. The [`pipeline`] reads top to bottom:
//! configuration → sources → analysis (rayon, one parse per file) → verdict; the
//! [`report`]s and [`publish`]ers render its [`Outcome`]. ARCHITECTURE.md
//! describes the layers.

pub mod analysis;
pub mod ci;
pub mod cli;
pub mod config;
pub mod console;
pub mod coverage;
pub mod diff;
pub mod gate;
pub mod guard;
pub mod model;
pub mod pipeline;
pub mod publish;
pub mod report;
pub mod rules;
pub mod source;
pub mod toml_errors;

// The pipeline's entry points, where callers of the library look first.
pub use pipeline::{check, shard, CheckOptions, Error, Outcome};
