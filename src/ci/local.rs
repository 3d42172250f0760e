//! A run outside any recognised CI: nothing is known, the user names the base
//! (`--base`, `--diff`) and the publishing target.

use super::{CiContext, CiKind};

/// The context of a local run.
pub(super) fn context() -> CiContext {
    CiContext::new(CiKind::Local)
}
