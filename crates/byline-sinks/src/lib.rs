//! byline-sinks (under construction).
