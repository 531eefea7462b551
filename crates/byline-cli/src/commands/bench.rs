//! `byline bench`: pipeline throughput on synthetic articles, file → [stages] → file.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use byline_core::Registry;
use byline_runtime::Pipeline;
use clap::Args;

use crate::cli::Options;
use crate::commands::run::run_pipeline;

/// Measure pipeline throughput: file → [stages] → file.
///
/// Writes N synthetic wire stories as JSON Lines into a temporary directory, runs them
/// through the given stages into a file sink, and prints articles/s, MB/s (of input
/// JSONL) and words/s. `--stages none` measures the runtime alone (read, decode, route,
/// encode, write). Build with --release for meaningful numbers.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// How many articles to generate.
    #[arg(long, default_value_t = 20_000)]
    pub articles: usize,

    /// Words per article (roughly).
    #[arg(long, default_value_t = 400)]
    pub words: usize,

    /// Stage types to chain, comma-separated (such as `entities,dates,quotes`), or `none`.
    #[arg(long, default_value = "none", value_name = "TYPES")]
    pub stages: String,

    /// How many times to run; every run is printed, then the best.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,

    /// Run without end-to-end acknowledgements (and so without checkpoints), to measure
    /// what they cost.
    #[arg(long)]
    pub no_acks: bool,

    /// Do not fsync the output file before acknowledging, to measure what that costs.
    #[arg(long)]
    pub no_fsync: bool,
}

pub fn execute(args: BenchArgs, registry: &Registry, _: &Options) -> anyhow::Result<ExitCode> {
    let stages: Vec<&str> = match args.stages.trim() {
        "none" | "" => Vec::new(),
        list => list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect(),
    };
    for stage in &stages {
        if registry.stage(stage).is_none() {
            let known: Vec<&str> = registry.stage_types().map(|(name, _)| name).collect();
            bail!("unknown stage type `{stage}`; known: {}", known.join(", "));
        }
    }
    let dir = tempfile::tempdir().context("cannot make a temporary directory")?;
    let input = dir.path().join("input.jsonl");
    let (bytes, words) = generate(&input, args.articles, args.words)?;
    let stage_list = if stages.is_empty() {
        "none".to_string()
    } else {
        stages.join(",")
    };
    println!(
        "bench: {} articles, {:.1} MB of JSON Lines, {} words; stages: {stage_list}; acks {}, fsync {}",
        args.articles,
        bytes as f64 / 1e6,
        words,
        if args.no_acks { "off" } else { "on" },
        if args.no_fsync { "off" } else { "on" },
    );
    let mut best: Option<f64> = None;
    for run in 1..=args.runs.max(1) {
        let output = dir.path().join(format!("out-{run}.jsonl"));
        // A fresh data_dir each run: the input's checkpoint must not skip it.
        let data_dir = dir.path().join(format!("data-{run}"));
        let config = bench_pipeline(&input, &output, &data_dir, &stages, !args.no_fsync);
        let mut pipeline =
            Pipeline::from_toml_with_env(&config, Path::new("<bench>"), registry, &|_| None)
                .map_err(|errors| anyhow::anyhow!("the bench pipeline is invalid:\n{errors}"))?;
        if args.no_acks {
            pipeline = pipeline.without_acknowledgements();
        }
        let cpu_before = process_cpu_seconds();
        let started = Instant::now();
        let summary = run_pipeline(pipeline)?;
        let seconds = started.elapsed().as_secs_f64();
        let cpu = process_cpu_seconds()
            .zip(cpu_before)
            .map(|(after, before)| after - before);
        if summary.sink_writes() != args.articles as u64 || !summary.succeeded() {
            bail!("the run lost articles: {summary}");
        }
        let per_cpu = match cpu {
            Some(cpu) if cpu > 0.0 => format!(
                "  (CPU {cpu:.2} s: {:.1} MB per CPU-second)",
                bytes as f64 / 1e6 / cpu
            ),
            _ => String::new(),
        };
        println!(
            "  run {run}: {seconds:.3} s  {:>10.0} articles/s  {:>8.1} MB/s  {:>6.2} M words/s{per_cpu}",
            args.articles as f64 / seconds,
            bytes as f64 / 1e6 / seconds,
            words as f64 / 1e6 / seconds
        );
        best = Some(best.map_or(seconds, |b: f64| b.min(seconds)));
        std::fs::remove_file(&output).ok();
    }
    if let Some(seconds) = best {
        println!(
            "best: {:.0} articles/s, {:.1} MB/s, {:.2} M words/s ({} cores available)",
            args.articles as f64 / seconds,
            bytes as f64 / 1e6 / seconds,
            words as f64 / 1e6 / seconds,
            std::thread::available_parallelism().map_or(1, usize::from)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn bench_pipeline(
    input: &Path,
    output: &Path,
    data_dir: &Path,
    stages: &[&str],
    fsync: bool,
) -> String {
    let quote = |p: &Path| serde_json::Value::String(p.to_string_lossy().into_owned()).to_string();
    let mut config = format!(
        "data_dir = {}\n\n[sources.input]\ntype = \"file\"\npaths = [{}]\n",
        quote(data_dir),
        quote(input)
    );
    let mut upstream = "input".to_string();
    for (index, stage) in stages.iter().enumerate() {
        let id = format!("s{index}_{stage}");
        let _ = write!(
            config,
            "\n[stages.{id}]\ntype = \"{stage}\"\ninputs = [\"{upstream}\"]\n"
        );
        upstream = id;
    }
    let _ = write!(
        config,
        "\n[sinks.output]\ntype = \"file\"\ninputs = [\"{upstream}\"]\npath = {}\nfsync = {fsync}\n",
        quote(output)
    );
    config
}

/// User plus system CPU time of this process so far, from `/proc/self/stat` (Linux). On a
/// shared machine wall time overstates the cost; CPU time gives the per-core figure.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // USER_HZ is 100 on every Linux platform byline runs on.
    Some(ticks / 100.0)
}

/// A tiny deterministic generator (xorshift64*), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const PEOPLE: &[&str] = &[
    "Maria Okafor",
    "Tomas Lindqvist",
    "Priya Raman",
    "Daniel Achebe",
    "Elena Marsh",
    "Kenji Ota",
];
const ORGS: &[&str] = &[
    "the Harbour Authority",
    "Northwind Rail",
    "the Ministry of Water",
    "Coastal Farmers Union",
    "the city council",
];
const PLACES: &[&str] = &[
    "Port Aldren",
    "Velmont",
    "the northern provinces",
    "Brackwater",
    "Lisbon",
    "Nairobi",
];
const WHEN: &[&str] = &[
    "on Tuesday",
    "last week",
    "this morning",
    "in March",
    "two days ago",
    "next month",
    "on 3 August",
];
const VERBS: &[&str] = &[
    "announced",
    "rejected",
    "delayed",
    "approved",
    "questioned",
    "defended",
];
const THINGS: &[&str] = &[
    "the new budget",
    "a strike",
    "the bridge repairs",
    "water rationing",
    "the port expansion",
    "a ceasefire plan",
];
const FILLER: &[&str] = &[
    "officials",
    "said",
    "that",
    "the",
    "plan",
    "would",
    "affect",
    "thousands",
    "of",
    "residents",
    "and",
    "workers",
    "across",
    "region",
    "after",
    "months",
    "talks",
    "a",
    "spokesperson",
    "added",
];

/// Writes `count` articles of about `words` words; returns (bytes, words).
fn generate(path: &Path, count: usize, words: usize) -> anyhow::Result<(u64, u64)> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut bytes, mut total_words) = (0u64, 0u64);
    let mut text = String::new();
    for index in 0..count {
        text.clear();
        let mut written = 0;
        while written < words {
            let person = rng.pick(PEOPLE);
            let sentence = match rng.next() % 4 {
                0 => format!(
                    "{} {} {} {} in {}. ",
                    rng.pick(ORGS),
                    rng.pick(VERBS),
                    rng.pick(THINGS),
                    rng.pick(WHEN),
                    rng.pick(PLACES)
                ),
                1 => format!(
                    "\u{201c}We will not accept {} {},\u{201d} said {person}, who spoke {}. ",
                    rng.pick(THINGS),
                    rng.pick(WHEN),
                    rng.pick(WHEN)
                ),
                2 => format!(
                    "{person} said {} had {} {}. 👍 ",
                    rng.pick(ORGS),
                    rng.pick(VERBS),
                    rng.pick(THINGS)
                ),
                _ => {
                    let mut s = String::new();
                    for _ in 0..12 {
                        s.push_str(rng.pick(FILLER));
                        s.push(' ');
                    }
                    s.push_str("in ");
                    s.push_str(rng.pick(PLACES));
                    s.push_str(".\n\n");
                    s
                }
            };
            written += sentence.split_whitespace().count();
            text.push_str(&sentence);
        }
        total_words += written as u64;
        let record = serde_json::json!({
            "id": format!("bench-{index:07}"),
            "title": format!("{} {} {}", rng.pick(ORGS), rng.pick(VERBS), rng.pick(THINGS)),
            "published": "2021-08-03",
            "source": "Bench Wire",
            "text": text,
        });
        let line = record.to_string();
        bytes += line.len() as u64 + 1;
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok((bytes, total_words))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn cpu_time_is_read_and_grows() {
        let before = process_cpu_seconds().unwrap_or(-1.0);
        let mut x = 0u64;
        for i in 0..50_000_000u64 {
            x = x.wrapping_add(i ^ (x >> 3));
        }
        std::hint::black_box(x);
        let after = process_cpu_seconds().unwrap_or(-1.0);
        assert!(before >= 0.0 && after >= before, "{before} {after}");
    }

    #[test]
    fn generated_articles_are_valid_input_of_the_requested_size() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("in.jsonl");
        let (bytes, words) = generate(&path, 20, 100).expect("generate");
        let content = std::fs::read_to_string(&path).expect("read the file");
        assert_eq!(content.len() as u64, bytes);
        assert_eq!(content.lines().count(), 20);
        assert!((2000..2400).contains(&words), "{words}");
        for line in content.lines() {
            let article = byline_ingest::jsonl::decode_line(line.as_bytes())
                .unwrap_or_else(|e| panic!("{e:?}"));
            assert!(article.text().split_whitespace().count() >= 100);
        }
    }
}
