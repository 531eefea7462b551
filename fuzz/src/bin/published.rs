//! AFL target `published`: see `byline_fuzz::published` and README.md.

fn main() {
    #[cfg(feature = "afl")]
    afl::fuzz!(|data: &[u8]| byline_fuzz::published(data));
    #[cfg(not(feature = "afl"))]
    byline_fuzz::replay(byline_fuzz::published);
}
