//! AFL target `entities`: see `byline_fuzz::entities` and README.md.

fn main() {
    #[cfg(feature = "afl")]
    afl::fuzz!(|data: &[u8]| byline_fuzz::entities(data));
    #[cfg(not(feature = "afl"))]
    byline_fuzz::replay(byline_fuzz::entities);
}
