//! AFL target `quotes`: see `byline_fuzz::quotes` and README.md.

fn main() {
    #[cfg(feature = "afl")]
    afl::fuzz!(|data: &[u8]| byline_fuzz::quotes(data));
    #[cfg(not(feature = "afl"))]
    byline_fuzz::replay(byline_fuzz::quotes);
}
