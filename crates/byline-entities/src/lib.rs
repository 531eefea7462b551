//! byline-entities (under construction).
