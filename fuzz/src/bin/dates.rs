//! AFL target `dates`: see `byline_fuzz::dates` and README.md.

fn main() {
    #[cfg(feature = "afl")]
    afl::fuzz!(|data: &[u8]| byline_fuzz::dates(data));
    #[cfg(not(feature = "afl"))]
    byline_fuzz::replay(byline_fuzz::dates);
}
