//! byline-quotes (under construction).
