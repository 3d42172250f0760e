//! gate: a quality gate for pull requests. The pipeline reads top to bottom:
//! context → sources → analysis → findings → reports (coverage, measures and the
//! verdict join as their stages land).

pub mod coverage;
pub mod model;
