//! byline-runtime (under construction).
