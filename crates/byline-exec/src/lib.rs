//! byline-exec: under construction in this session; registers nothing yet.

/// Registers this crate's component types.
pub fn register(_registry: &mut byline_core::Registry) {}
