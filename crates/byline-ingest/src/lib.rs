//! byline-ingest (under construction).
