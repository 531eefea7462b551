//! The progress bar `byline run` shows on a terminal: articles read, their rate, and an
//! ETA when the sources know their size in advance (finite files), otherwise a spinner.
//!
//! It draws on stderr only when stderr is a terminal and the run is not quiet, so that
//! logs, redirected output and scripts never see bar artefacts.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use byline_core::source::ReadProgress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often the bar is redrawn.
const REFRESH: Duration = Duration::from_millis(200);

/// `true` when a bar may be drawn: stderr is a terminal and `-q` was not given.
pub fn wanted(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

/// A bar redrawn from a background thread until [`finish`](ProgressDisplay::finish).
pub struct ProgressDisplay {
    bar: ProgressBar,
    done: Arc<AtomicBool>,
    updater: Option<JoinHandle<()>>,
}

impl ProgressDisplay {
    /// Starts showing `progress`; `input_bytes` (the sources' total size, when known)
    /// turns the spinner into a bar with an ETA.
    pub fn start(progress: Arc<ReadProgress>, input_bytes: Option<u64>) -> ProgressDisplay {
        let bar = match input_bytes {
            Some(total) if total > 0 => {
                ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(5))
                    .with_style(
                        ProgressStyle::with_template(
                            "{elapsed_precise} [{wide_bar}] {bytes}/{total_bytes} {msg}, ETA {eta}",
                        )
                        .unwrap_or_else(|_| ProgressStyle::default_bar())
                        .progress_chars("=> "),
                    )
            }
            _ => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(5))
                .with_style(
                    ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                ),
        };
        let done = Arc::new(AtomicBool::new(false));
        let updater = std::thread::Builder::new()
            .name("byline-progress".into())
            .spawn({
                let bar = bar.clone();
                let done = done.clone();
                move || update_until_done(&bar, &progress, &done)
            })
            .map_err(|e| tracing::debug!("no progress bar: {e}"))
            .ok();
        ProgressDisplay { bar, done, updater }
    }

    /// Stops and erases the bar, before the run summary is printed.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(updater) = self.updater.take() {
            let _ = updater.join();
        }
        self.bar.finish_and_clear();
    }
}

impl Drop for ProgressDisplay {
    fn drop(&mut self) {
        self.stop();
    }
}

fn update_until_done(bar: &ProgressBar, progress: &ReadProgress, done: &AtomicBool) {
    let started = Instant::now();
    while !done.load(Ordering::Relaxed) {
        let articles = progress.records();
        let seconds = started.elapsed().as_secs_f64();
        bar.set_message(describe(articles, seconds));
        if bar.length().is_some() {
            bar.set_position(progress.bytes());
        } else {
            bar.tick();
        }
        std::thread::sleep(REFRESH);
    }
}

/// "1,234 articles, 567/s".
fn describe(articles: u64, seconds: f64) -> String {
    let rate = if seconds > 0.0 {
        articles as f64 / seconds
    } else {
        0.0
    };
    format!("{articles} articles, {rate:.0}/s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_gives_the_count_and_the_rate() {
        assert_eq!(describe(1500, 3.0), "1500 articles, 500/s");
        assert_eq!(describe(0, 0.0), "0 articles, 0/s");
    }

    #[test]
    fn a_finished_display_stops_its_thread() {
        let progress = Arc::new(ReadProgress::default());
        progress.add_bytes(10);
        let display = ProgressDisplay::start(progress.clone(), Some(100));
        let bar = display.bar.clone();
        display.finish();
        assert!(bar.is_finished());
    }
}
