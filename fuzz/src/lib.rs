//! The fuzz targets' bodies, one function a target, shared by the AFL binaries in
//! `src/bin/` (built with `cargo afl build --features afl`) and by their plain replay mode.
//!
//! Every target panics on a broken property, so that AFL records the input as a crash:
//! beyond "no panic", the articles that come out must satisfy the output contract (every
//! span's text is `text[start:end]`, checked by `ArticleJson::into_article`) and their
//! output must stay within a linear bound of the input, which catches quadratic blow-ups
//! that a time limit alone would let through on small inputs.

use std::path::Path;
use std::sync::OnceLock;

use byline_core::output::ArticleJson;
use byline_core::{Article, BuildError, DateOrder, Published, Registry, Stage};
use byline_dates::{DatesConfig, DatesStage};
use byline_entities::{EntitiesConfig, EntitiesStage};
use byline_ingest::record::DecodeOptions;
use byline_quotes::{QuotesConfig, QuotesStage, Scope};

/// A JSONL line or txt file larger than this is refused before decoding: small enough
/// that the "too large" path is reachable by the fuzzer.
const MAX_ARTICLE_BYTES: u64 = 16 * 1024;

/// The output of one article may be this many times the size of its JSON-escaped text
/// (plus a constant). Each layer holds at most one span per few bytes of text and each
/// span copies its own text and a name; anything quadratic overshoots this at a few
/// hundred bytes of input.
const OUTPUT_FACTOR: usize = 48;
const OUTPUT_SLACK: usize = 4096;

fn options(selector: u8) -> DecodeOptions {
    DecodeOptions {
        max_article_bytes: MAX_ARTICLE_BYTES,
        date_order: match selector % 3 {
            0 => None,
            1 => Some(DateOrder::Dmy),
            _ => Some(DateOrder::Mdy),
        },
    }
}

/// Checks every span of every layer in bytes, then the output contract in code points,
/// then the output's size.
pub fn check_article(article: &Article) {
    let text = article.text();
    let mut spans: Vec<(&str, usize, usize, &str)> = Vec::new();
    for e in &article.entities {
        spans.push(("entity", e.start, e.end, &e.text));
        assert!(!e.name.is_empty(), "entity {e:?} has an empty name");
    }
    for t in &article.timexes {
        spans.push(("timex", t.start, t.end, &t.text));
        assert!(
            byline_dates::timex3::is_valid_value(&t.value),
            "timex {t:?} has an invalid TIMEX3 value"
        );
    }
    for q in &article.quotes {
        spans.push(("quote", q.start, q.end, &q.text));
        if let Some(s) = &q.speaker {
            spans.push(("speaker", s.start, s.end, &s.text));
        }
        if let Some(c) = &q.cue {
            spans.push(("cue", c.start, c.end, &c.text));
        }
    }
    for (what, start, end, claimed) in spans {
        assert!(
            start <= end && end <= text.len(),
            "{what} span {start}..{end} outside a text of {} bytes",
            text.len()
        );
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "{what} span {start}..{end} splits a character"
        );
        assert_eq!(&text[start..end], claimed, "{what} span {start}..{end}");
    }
    for (layer, count) in [
        ("entities", article.entities.len()),
        ("timexes", article.timexes.len()),
        ("quotes", article.quotes.len()),
    ] {
        assert!(
            count <= text.len(),
            "{count} {layer} in a text of {} bytes",
            text.len()
        );
    }

    let mut line = Vec::new();
    article
        .write_json_line(&mut line)
        .unwrap_or_else(|e| panic!("the article does not serialize: {e}"));
    let text_json = serde_json::to_string(text).map_or(text.len(), |s| s.len());
    let meta_json = serde_json::to_string(&article.meta).map_or(0, |s| s.len());
    let bound = OUTPUT_SLACK + meta_json + OUTPUT_FACTOR * text_json;
    assert!(
        line.len() <= bound,
        "{} output bytes for {} bytes of text (bound {bound})",
        line.len(),
        text.len()
    );
    let json: ArticleJson = serde_json::from_slice(&line)
        .unwrap_or_else(|e| panic!("the output line does not read back: {e}"));
    if let Err(e) = json.into_article() {
        panic!("the output breaks the contract: {e}");
    }
}

/// `published` must come out as RFC 3339 that reads back to the same date.
fn check_published(published: &Published) {
    let again = Published::parse(published.as_str()).unwrap_or_else(|e| {
        panic!(
            "{:?} was read as {:?}, which does not read back: {e}",
            published.raw(),
            published.as_str()
        )
    });
    assert_eq!(again.date(), published.date(), "{:?}", published.raw());
    assert_eq!(again.as_str(), published.as_str(), "{:?}", published.raw());
}

/// What a reader made of `input` bytes: an article that keeps the output contract, or an
/// error whose message stays linear in the input.
fn check_decoded(
    decoded: &Result<Article, byline_ingest::record::RecordError>,
    input: usize,
) -> Option<&Article> {
    match decoded {
        Ok(article) => {
            assert!(
                !article.text().trim().is_empty(),
                "an empty text was accepted"
            );
            if let Some(p) = &article.published {
                check_published(p);
            }
            check_article(article);
            Some(article)
        }
        Err(e) => {
            let message = e.describe(&byline_core::Position::of_source("fuzz".into()));
            assert!(
                message.len() <= 2048 + 2 * input,
                "a {}-byte error for {input} bytes of input",
                message.len()
            );
            None
        }
    }
}

/// The first byte picks `date_order`; the rest is one JSONL line.
pub fn jsonl(data: &[u8]) {
    let Some((&selector, line)) = data.split_first() else {
        return;
    };
    let decoded = byline_ingest::jsonl::decode_line_with(line, &options(selector));
    if let Some(article) = check_decoded(&decoded, line.len()) {
        assert!(!article.id.is_empty(), "an article without an id");
    }
}

/// The first byte picks `date_order`; the rest is one txt file.
pub fn txt(data: &[u8]) {
    let Some((&selector, content)) = data.split_first() else {
        return;
    };
    let decoded = byline_ingest::txt::decode_with(Some("fuzz"), content, &options(selector));
    if let Some(article) = check_decoded(&decoded, content.len()) {
        let content = std::str::from_utf8(content)
            .unwrap_or_else(|e| panic!("a file with invalid UTF-8 was accepted: {e}"));
        // The body is the end of the file, never altered.
        assert!(
            content.ends_with(article.text()),
            "the body {:?} is not the end of the file",
            article.text()
        );
    }
}

/// The first byte picks `date_order`; the rest is a `published` value.
pub fn published(data: &[u8]) {
    let Some((&selector, value)) = data.split_first() else {
        return;
    };
    let Ok(value) = std::str::from_utf8(value) else {
        return;
    };
    if let Ok(p) = Published::parse_with(value, options(selector).date_order) {
        assert_eq!(p.raw(), value.trim());
        check_published(&p);
    }
}

/// The registry of built-in components that start nothing when built: the file and stdin
/// sources, the stdout and file sinks, and the annotation stages. The exec stage is left
/// out (building it spawns a process), and the entities stage refuses a `model` path, so
/// that a fuzzed config cannot make it read `/dev/zero`.
fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut registry = Registry::new();
        byline_ingest::register(&mut registry);
        byline_sinks::register(&mut registry);
        byline_dates::register(&mut registry);
        byline_quotes::register(&mut registry);
        registry.register_stage(
            "entities",
            "entities (fuzzing: embedded model only)",
            |config: EntitiesConfig, _| {
                if config.model.is_some() {
                    return Err(BuildError::Invalid("fuzzing: no model files".into()));
                }
                Ok(Box::new(EntitiesStage::from_config(&config)?) as Box<dyn Stage>)
            },
        );
        registry
    })
}

/// A pipeline file, with two variables set for `${VAR}` interpolation.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let env = |name: &str| match name {
        "HOME" => Some("/tmp".to_string()),
        "X" => Some("${X}\n[sinks.y]\"".to_string()),
        _ => None,
    };
    match byline_runtime::Pipeline::from_toml_with_env(
        text,
        Path::new("fuzz.toml"),
        registry(),
        &env,
    ) {
        Ok(pipeline) => {
            let _ = pipeline.components_in_order();
        }
        Err(errors) => {
            assert!(
                !errors.diagnostics.is_empty(),
                "an error without a diagnostic"
            );
            for d in &errors.diagnostics {
                if let Some(span) = &d.span {
                    assert!(
                        span.start <= span.end && span.end <= text.len(),
                        "diagnostic {d:?} points outside a {}-byte file",
                        text.len()
                    );
                }
            }
            let rendered = errors.to_string();
            let _ = errors.to_json();
            let bound = 4096 + 16 * (text.len() + 64) * errors.diagnostics.len().min(64);
            assert!(
                rendered.len() <= bound,
                "{} bytes of errors for a {}-byte file",
                rendered.len(),
                text.len()
            );
        }
    }
}

/// Four bytes pick a publication date (or none); the rest is the article's text.
fn split_dct(data: &[u8]) -> Option<(Option<Published>, String)> {
    let (head, text) = data.split_at_checked(4)?;
    let year = u16::from_le_bytes([head[0], head[1]]) % 10_000;
    let (month, day) = (head[2] % 13, head[3] % 32);
    let published = if month == 0 || day == 0 {
        None
    } else {
        // An impossible day (31 April) leaves the article without a date, as the
        // sources would refuse it.
        chrono::NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day))
            .and_then(|date| Published::parse(&date.format("%Y-%m-%d").to_string()).ok())
    };
    Some((published, String::from_utf8_lossy(text).into_owned()))
}

fn run(stage: &dyn Stage, article: &mut Article) {
    if let Err(e) = stage.process(article) {
        // A stage error is a legitimate outcome (the article becomes a dead letter),
        // but none of the built-in stages has a reason to fail on text.
        panic!("the stage failed: {e}");
    }
}

fn entities_stage() -> &'static EntitiesStage {
    static STAGE: OnceLock<EntitiesStage> = OnceLock::new();
    STAGE.get_or_init(|| {
        EntitiesStage::with_embedded_model().unwrap_or_else(|e| panic!("the model: {e}"))
    })
}

/// The dates stage on any text, with any publication date.
pub fn dates(data: &[u8]) {
    static STAGE: OnceLock<DatesStage> = OnceLock::new();
    let stage = STAGE.get_or_init(|| {
        DatesStage::new(DatesConfig::default()).unwrap_or_else(|e| panic!("the stage: {e}"))
    });
    let Some((published, text)) = split_dct(data) else {
        return;
    };
    let mut article = Article::new("fuzz", text);
    article.published = published;
    run(stage, &mut article);
    let mut previous_end = 0;
    for t in &article.timexes {
        assert!(
            t.start >= previous_end && t.start < t.end,
            "timexes overlap or are empty: {:?}",
            article.timexes
        );
        previous_end = t.end;
    }
    check_article(&article);
}

/// The entities stage on any text.
pub fn entities(data: &[u8]) {
    let mut article = Article::new("fuzz", String::from_utf8_lossy(data).into_owned());
    run(entities_stage(), &mut article);
    check_article(&article);
}

/// The quotes stage on any text, after the entities stage as in a pipeline; the first
/// byte picks its options.
pub fn quotes(data: &[u8]) {
    let Some((&flags, text)) = data.split_first() else {
        return;
    };
    let stage = QuotesStage::new(QuotesConfig {
        indirect: flags & 1 == 0,
        markless: flags & 2 == 0,
        stances: flags & 4 != 0,
        min_words: usize::from((flags >> 3) % 6),
        scope: if flags & 128 == 0 {
            Scope::Speech
        } else {
            Scope::Attribution
        },
    });
    let mut article = Article::new("fuzz", String::from_utf8_lossy(text).into_owned());
    run(entities_stage(), &mut article);
    run(&stage, &mut article);
    check_article(&article);
}

/// Runs `target` on each file named on the command line, or on stdin: the replay mode of
/// the binaries when they are not built for AFL.
pub fn replay(target: fn(&[u8])) {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        let mut data = Vec::new();
        if let Err(e) = std::io::Read::read_to_end(&mut std::io::stdin(), &mut data) {
            panic!("reading stdin: {e}");
        }
        target(&data);
        return;
    }
    for path in paths {
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
        eprintln!("{path}");
        target(&data);
    }
}
