//! byline-dates (under construction).
