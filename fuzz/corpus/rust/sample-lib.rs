//! Orders: a small library with seeded problems for gate's end-to-end test.
#![allow(dead_code)]

pub mod pricing;
pub mod store;

use std::collections::*;

/// Parses a quantity.
pub fn quantity(text: &str) -> u32 {
    text.trim().parse().unwrap()
}

/// The port to listen on.
pub fn port() -> u16 {
    // gate:ignore[unwrap-call] PORT is validated by the launcher script
    std::env::var("PORT").unwrap().parse().unwrap_or(80)
}

pub fn index() -> HashMap<u32, String> {
    HashMap::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        assert_eq!(quantity("3"), 3);
        let x: Option<u32> = Some(1);
        assert_eq!(x.unwrap(), 1);
    }
}
