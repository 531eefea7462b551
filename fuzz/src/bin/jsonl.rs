//! AFL target `jsonl`: see `byline_fuzz::jsonl` and README.md.

fn main() {
    #[cfg(feature = "afl")]
    afl::fuzz!(|data: &[u8]| byline_fuzz::jsonl(data));
    #[cfg(not(feature = "afl"))]
    byline_fuzz::replay(byline_fuzz::jsonl);
}
