//! How often the shared tokenizer's token boundaries disagree with a gold file's tokens.
fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let docs = byline_entities::corpus::read_gold(std::path::Path::new(&path))
        .expect("read the gold file");
    let (mut spans, mut bad, mut tokens) = (0, 0, 0);
    for doc in &docs {
        let analysis = byline_core::Article::new("x", doc.text.clone())
            .analysis()
            .clone();
        tokens += analysis.tokens.len();
        let (_, misaligned) = byline_entities::tags::encode(&analysis.tokens, &doc.entities);
        spans += doc.entities.len();
        bad += misaligned;
        if misaligned > 0 {
            for s in &doc.entities {
                let (_, m) =
                    byline_entities::tags::encode(&analysis.tokens, std::slice::from_ref(s));
                if m > 0 {
                    let lo = doc.text[..s.start]
                        .char_indices()
                        .rev()
                        .nth(10)
                        .map_or(0, |x| x.0);
                    let hi = (s.end + 10).min(doc.text.len());
                    let hi = (hi..=doc.text.len())
                        .find(|&i| doc.text.is_char_boundary(i))
                        .unwrap_or(s.end);
                    println!("{:?} in {:?}", &doc.text[s.start..s.end], &doc.text[lo..hi]);
                }
            }
        }
    }
    println!(
        "{} docs, {tokens} tokens, {spans} spans, {bad} misaligned",
        docs.len()
    );
}
