//! Throughput of the `dates` stage on generated news text, in MB/s of article text on one
//! core. The text mixes sentences with and without temporal expressions at about the
//! density of wire copy (TimeBank has ~3.4 timexes per KB; this text has ~7). Prints two figures: the stage alone (tokens already shared by an upstream stage)
//! and the stage including the shared tokenization it triggers when it runs first.
//!
//! `cargo bench -p byline-dates --bench dates`

use std::hint::black_box;
use std::time::Instant;

use byline_core::{Article, Published, Stage};
use byline_dates::{DatesConfig, DatesStage};

const SENTENCES: &[&str] = &[
    "The minister said on Tuesday that talks would resume next week in the capital.",
    "Shares of the company rose 3.5% to $41.20 in late trading, their best level since March.",
    "Officials expect the new bridge to open in the third quarter of 2022, two years later than planned.",
    "The committee, which meets every Monday, has spent the past three years reviewing the rules.",
    "Rescue teams worked through the night after the storm struck at about 3:30 p.m. local time.",
    "Analysts had forecast a profit of 52 cents a share, compared with 47 cents a year earlier.",
    "The festival, first held in the 1990s, drew more than 40,000 visitors this summer.",
    "Residents were told to stay indoors until further notice, a spokeswoman for the city said.",
    "Prices have climbed recently, and many economists now see inflation peaking by mid-2022.",
    "The agreement, signed Aug. 31, 2021, runs for 10 years and is reviewed annually.",
    "He was born in a small village near the coast and moved to the city as a teenager.",
    "Yesterday's vote followed months of negotiations between the two largest parties.",
    "The union represents workers at plants in the north of the country and along the river.",
    "Critics argue that the plan does little to address the shortage of affordable housing.",
    "A spokesman for the ministry declined to comment on the details of the proposal.",
    "The company employs about 1,200 people and sells its products in more than 30 countries.",
    "Local councillors have asked the government to explain how the money will be spent.",
    "Police said the driver of the van was taken to hospital with minor injuries.",
    "The report found that most households had cut spending on food, fuel and clothing.",
    "Supporters gathered outside the court, holding banners and chanting slogans.",
    "The museum holds one of the largest collections of early maps in Europe.",
    "Engineers are still studying the cause of the failure, according to the operator.",
    "Opposition leaders called for an independent inquiry into the handling of the crisis.",
    "The new rules apply to all firms with more than 50 employees.",
    "She told reporters that the decision had been difficult but necessary.",
    "Farmers in the region depend heavily on exports to neighbouring markets.",
    "The ministry said it had received hundreds of complaints from residents.",
    "Both sides said they were open to further talks on the remaining issues.",
    "The team will face the champions in the final, which is expected to sell out.",
    "Traffic was diverted around the site while crews cleared the debris.",
    "The charity provides meals and shelter for people sleeping rough in the city.",
    "Investors remain cautious about the outlook for the steel industry.",
];

fn articles(count: usize) -> Vec<Article> {
    (0..count)
        .map(|n| {
            let body: Vec<&str> = (0..24)
                .map(|k| SENTENCES[(n * 7 + k * 11) % SENTENCES.len()])
                .collect();
            let mut article = Article::new(format!("bench-{n}"), body.join(" "));
            article.published = Published::parse("2021-08-03").ok();
            article
        })
        .collect()
}

/// CPU time this thread has run, in seconds (Linux); `None` elsewhere. On a shared
/// machine, wall time also counts the time other processes held the core.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(nanos / 1e9)
}

/// Best round of several: the machine is shared, and the best round is the one least
/// disturbed by other processes.
fn measure(label: &str, stage: &DatesStage, template: &[Article], pre_tokenize: bool) {
    let bytes: usize = template.iter().map(|a| a.text().len()).sum();
    let rounds = 15;
    let mut best = f64::MAX;
    let mut best_cpu = f64::MAX;
    let mut found = 0;
    for _ in 0..rounds {
        let mut batch = template.to_vec();
        if pre_tokenize {
            for article in &batch {
                black_box(article.analysis());
            }
        }
        let start = Instant::now();
        let cpu_start = thread_cpu_seconds();
        for article in &mut batch {
            if stage.process(article).is_err() {
                eprintln!("stage error on {}", article.id);
            }
        }
        best = best.min(start.elapsed().as_secs_f64());
        if let (Some(before), Some(after)) = (cpu_start, thread_cpu_seconds()) {
            best_cpu = best_cpu.min(after - before);
        }
        found = batch.iter().map(|a| a.timexes.len()).sum();
        black_box(&batch);
    }
    let megabytes = bytes as f64 / 1e6;
    let cpu = if best_cpu < f64::MAX {
        format!("{:.1} MB/s per CPU-second", megabytes / best_cpu)
    } else {
        "CPU time unavailable".to_string()
    };
    println!(
        "{label}: {:.1} MB/s wall, {cpu} (best of {rounds} rounds over {megabytes:.1} MB, {found} timexes)",
        megabytes / best
    );
}

fn main() {
    let stage = match DatesStage::new(DatesConfig::default()) {
        Ok(stage) => stage,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    let template = articles(2_000);
    measure("dates stage alone (tokens shared)", &stage, &template, true);
    measure(
        "dates stage including tokenization",
        &stage,
        &template,
        false,
    );
}
