//! AFL target `txt`: see `byline_fuzz::txt` and README.md.

fn main() {
    #[cfg(feature = "afl")]
    afl::fuzz!(|data: &[u8]| byline_fuzz::txt(data));
    #[cfg(not(feature = "afl"))]
    byline_fuzz::replay(byline_fuzz::txt);
}
