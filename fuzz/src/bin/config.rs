//! AFL target `config`: see `byline_fuzz::config` and README.md.

fn main() {
    #[cfg(feature = "afl")]
    afl::fuzz!(|data: &[u8]| byline_fuzz::config(data));
    #[cfg(not(feature = "afl"))]
    byline_fuzz::replay(byline_fuzz::config);
}
