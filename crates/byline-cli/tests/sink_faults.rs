//! The file sink when the disk or the reader fails, with the real binary: a disk that fills
//! and gets space back in the same process, SIGTERM while a sink fails, named pipes and
//! `/dev/stdout` as sink paths, a sink path that can never work, and two processes on one
//! data_dir. Every output line must parse and no id may be missing.
//!
//! The full-disk tests mount a small tmpfs, which needs root (CI runs as root); elsewhere
//! they say so and pass without checking anything.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{eventually, terminate, wait_at_most};
use serde_json::Value;

/// Articles of about 200 bytes each, `a00000`, `a00001`, ...
fn write_feed(path: &Path, count: usize) -> Vec<String> {
    let ids: Vec<String> = (0..count).map(|i| format!("a{i:05}")).collect();
    let text: String = ids
        .iter()
        .map(|id| {
            let article = serde_json::json!({
                "id": id,
                "published": "2024-05-02",
                "text": format!("The harbour board met on Thursday about berth {id}, and the pilots' union asked for more time to review the new tide tables."),
            });
            format!("{article}\n")
        })
        .collect();
    std::fs::write(path, text).expect("write the feed");
    ids
}

fn pipeline(sink_path: &str, follow: bool, api_port: Option<u16>) -> String {
    let api = api_port
        .map(|port| format!("[api]\naddress = \"127.0.0.1:{port}\"\n\n"))
        .unwrap_or_default();
    format!(
        "data_dir = \"state\"\n\n{api}[sources.wire]\ntype = \"file\"\npaths = [\"feed.jsonl\"]\nfollow = {follow}\n\n[sinks.out]\ntype = \"file\"\ninputs = [\"wire\"]\npath = \"{sink_path}\"\n"
    )
}

fn start(dir: &Path, config: &str) -> Child {
    std::fs::write(dir.join("pipeline.toml"), config).expect("write the config");
    let stderr = std::fs::File::create(dir.join("stderr.log")).expect("stderr file");
    Command::new(env!("CARGO_BIN_EXE_byline"))
        .args(["run", "-c", "pipeline.toml"])
        .current_dir(dir)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("start byline")
}

fn stderr_of(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("stderr.log")).unwrap_or_default()
}

/// The ids of JSON Lines text; panics on a line that does not parse.
fn ids_of_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("a corrupt line ({e}): {line}"));
            value["id"].as_str().unwrap_or("?").to_string()
        })
        .collect()
}

/// The ids in a JSON Lines file; panics on a line that does not parse.
fn ids_in(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "{} ends in a partial line",
        path.display()
    );
    text.lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("a corrupt line in {}: {e}: {line}", path.display()));
            value["id"].as_str().unwrap_or("?").to_string()
        })
        .collect()
}

/// How many times each expected id occurs; panics on a missing or unexpected id.
fn check_all_there_once_or_more(got: &[String], expected: &[String]) -> usize {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for id in got {
        *seen.entry(id.as_str()).or_default() += 1;
    }
    let missing: Vec<&String> = expected
        .iter()
        .filter(|id| !seen.contains_key(id.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "{} ids lost, such as {:?}",
        missing.len(),
        &missing[..missing.len().min(5)]
    );
    assert_eq!(seen.len(), expected.len(), "unexpected ids in the output");
    got.len() - expected.len()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

/// `(status code, body)` of a GET, or `None` while nothing listens.
fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    let body = response.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    Some((status, body))
}

/// A small tmpfs, unmounted when dropped.
struct SmallDisk {
    path: PathBuf,
}

impl SmallDisk {
    /// Mounts a 64 KiB tmpfs at `path` and fills it up to `free` bytes; `None` (with a
    /// message) when this process may not mount.
    fn mount(path: &Path, free: usize) -> Option<SmallDisk> {
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0");
        if !root {
            eprintln!("skipped: mounting a small tmpfs needs root");
            return None;
        }
        std::fs::create_dir_all(path).expect("mount point");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
            .arg(path)
            .status()
            .is_ok_and(|s| s.success());
        if !mounted {
            eprintln!("skipped: cannot mount a tmpfs here");
            return None;
        }
        let disk = SmallDisk {
            path: path.to_path_buf(),
        };
        std::fs::write(path.join("filler"), vec![b'.'; 64 * 1024 - free]).expect("fill the disk");
        Some(disk)
    }

    fn grow(&self) {
        let status = Command::new("mount")
            .args(["-o", "remount,size=16m"])
            .arg(&self.path)
            .status()
            .expect("mount runs");
        assert!(status.success(), "cannot grow the tmpfs");
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

/// Waits until `/health` says the sink `out` is degraded, and returns that body.
fn wait_for_degraded(port: u16, child: &mut Child) -> String {
    let mut body = String::new();
    let degraded = eventually(Duration::from_secs(30), || {
        assert!(
            child.try_wait().ok().flatten().is_none(),
            "byline exited during the full disk"
        );
        match http_get(port, "/health") {
            Some((503, text)) if text.contains("\"degraded\"") => {
                body = text;
                true
            }
            _ => false,
        }
    });
    assert!(degraded, "/health never said degraded during the full disk");
    body
}

/// A run whose sink directory is a tmpfs with 8 KiB free, so that the very first records
/// meet the full disk mid-line, caught once `/health` says degraded.
struct FullDisk {
    dir: tempfile::TempDir,
    disk: SmallDisk,
    ids: Vec<String>,
    port: u16,
    run: Child,
    /// The `/health` body that said so.
    degraded: String,
}

fn run_into_a_full_disk(follow: bool) -> Option<FullDisk> {
    let dir = tempfile::tempdir().expect("temp dir");
    let disk = SmallDisk::mount(&dir.path().join("out"), 8 * 1024)?;
    let ids = write_feed(&dir.path().join("feed.jsonl"), 2000);
    let port = free_port();
    let mut run = start(
        dir.path(),
        &pipeline("out/articles.jsonl", follow, Some(port)),
    );
    let degraded = wait_for_degraded(port, &mut run);
    Some(FullDisk {
        dir,
        disk,
        ids,
        port,
        run,
        degraded,
    })
}

#[test]
fn a_disk_that_fills_then_gets_space_back_in_the_same_process_corrupts_and_loses_nothing() {
    let Some(FullDisk {
        dir,
        disk,
        ids,
        port,
        mut run,
        degraded: body,
    }) = run_into_a_full_disk(true)
    else {
        return;
    };
    assert!(body.contains("\"component\":\"out\""), "{body}");
    assert!(body.contains("No space left"), "{body}");
    let metrics = http_get(port, "/metrics")
        .map(|(_, m)| m)
        .unwrap_or_default();
    assert!(
        metrics.contains("byline_sink_retrying{component=\"out\"} 1"),
        "{metrics}"
    );
    let full_since = Instant::now();
    std::thread::sleep(Duration::from_millis(1500));
    disk.grow();
    let output = dir.path().join("out/articles.jsonl");
    assert!(
        eventually(Duration::from_secs(30), || ids_in(&output).len()
            >= ids.len()),
        "not everything arrived after the disk grew"
    );
    let recovered_in = full_since.elapsed();
    assert!(
        eventually(Duration::from_secs(10), || {
            http_get(port, "/health")
                .is_some_and(|(status, body)| status == 200 && body.contains("\"ok\""))
        }),
        "/health did not say ok again after the disk recovered"
    );
    terminate(&run);
    let status = wait_at_most(&mut run, Duration::from_secs(15));
    let got = ids_in(&output);
    let duplicates = check_all_there_once_or_more(&got, &ids);
    println!(
        "full disk: {} articles, {} lines, {duplicates} duplicates, 0 corrupt, recovered {recovered_in:?} after the disk was full, exit {status:?}",
        ids.len(),
        got.len()
    );
    assert_eq!(duplicates, 0, "a cut-back retry writes each record once");
    assert!(status.success(), "{status:?}: {}", stderr_of(dir.path()));
}

#[test]
fn sigterm_during_a_full_disk_exits_within_the_drain_window_and_the_next_run_delivers_the_rest() {
    let Some(FullDisk {
        dir,
        disk,
        ids,
        mut run,
        ..
    }) = run_into_a_full_disk(false)
    else {
        return;
    };
    let asked = Instant::now();
    terminate(&run);
    let status = wait_at_most(&mut run, Duration::from_secs(20));
    let took = asked.elapsed();
    let stderr = stderr_of(dir.path());
    println!("SIGTERM during a full disk: exit {status:?} after {took:?}");
    assert!(
        !status.success(),
        "records were not delivered: the exit says so"
    );
    assert!(
        took < Duration::from_secs(6),
        "the 2 s drain window took {took:?}"
    );
    assert!(stderr.contains("will be read again"), "{stderr}");
    disk.grow();
    let mut again = start(dir.path(), &pipeline("out/articles.jsonl", false, None));
    let status = wait_at_most(&mut again, Duration::from_secs(60));
    assert!(status.success(), "{status:?}: {}", stderr_of(dir.path()));
    let got = ids_in(&dir.path().join("out/articles.jsonl"));
    let duplicates = check_all_there_once_or_more(&got, &ids);
    println!(
        "after the restart: {} lines, {duplicates} duplicates",
        got.len()
    );
}

/// A temporary directory with a feed of 3,000 articles and a named pipe, `pipe`.
#[cfg(unix)]
fn feed_and_pipe() -> (tempfile::TempDir, Vec<String>, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let ids = write_feed(&dir.path().join("feed.jsonl"), 3000);
    let pipe = dir.path().join("pipe");
    let status = Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    (dir, ids, pipe)
}

#[cfg(unix)]
#[test]
fn a_named_pipe_as_the_sink_path_gets_every_line() {
    let (dir, ids, pipe) = feed_and_pipe();
    let reader = std::thread::spawn({
        let pipe = pipe.clone();
        move || std::fs::read_to_string(pipe).expect("read the pipe")
    });
    let mut run = start(dir.path(), &pipeline("pipe", false, None));
    let status = wait_at_most(&mut run, Duration::from_secs(60));
    assert!(status.success(), "{status:?}: {}", stderr_of(dir.path()));
    let text = reader.join().expect("reader");
    assert_eq!(ids_of_lines(&text), ids);
}

#[cfg(unix)]
#[test]
fn sigterm_stops_a_run_blocked_on_a_pipe_nobody_reads() {
    let (dir, _, pipe) = feed_and_pipe();
    // A reader that opens the pipe and never reads: the pipe's buffer fills, and every
    // write after that blocks.
    let (opened, wait_opened) = std::sync::mpsc::channel();
    let (release, hold) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn({
        let pipe = pipe.clone();
        move || {
            let file = std::fs::File::open(pipe).expect("open the pipe");
            let _ = opened.send(());
            let _ = hold.recv();
            drop(file);
        }
    });
    let mut run = start(dir.path(), &pipeline("pipe", false, None));
    wait_opened
        .recv_timeout(Duration::from_secs(30))
        .expect("byline opened the pipe");
    // Long enough for the pipe's 64 KiB to fill.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(run.try_wait().ok().flatten().is_none(), "blocked, not done");
    let asked = Instant::now();
    terminate(&run);
    let status = wait_at_most(&mut run, Duration::from_secs(20));
    let took = asked.elapsed();
    println!("SIGTERM on a blocked pipe: exit {status:?} after {took:?}");
    assert!(took < Duration::from_secs(6), "took {took:?}");
    assert!(!status.success(), "undelivered records fail the run");
    let _ = release.send(());
    holder.join().expect("holder");
}

#[cfg(unix)]
#[test]
fn a_pipe_whose_reader_leaves_fails_the_run_cleanly_and_commits_nothing_unread() {
    let (dir, ids, pipe) = feed_and_pipe();
    let reader = std::thread::spawn({
        let pipe = pipe.clone();
        move || {
            use std::io::BufRead;
            let file = std::fs::File::open(pipe).expect("open the pipe");
            let mut line = String::new();
            std::io::BufReader::new(file)
                .read_line(&mut line)
                .expect("one line");
            line
        }
    });
    let mut run = start(dir.path(), &pipeline("pipe", false, None));
    let first = reader.join().expect("reader");
    assert!(first.contains(&ids[0]), "{first}");
    let status = wait_at_most(&mut run, Duration::from_secs(20));
    let stderr = stderr_of(dir.path());
    assert!(!status.success(), "{stderr}");
    assert!(
        stderr.contains("pipe"),
        "the message names the sink's path: {stderr}"
    );
    // What was written into the pipe counts as delivered (a pipe has no ack), so at most
    // the pipe's buffer can go with a reader that leaves without reading it. Everything
    // after that was not committed: a rerun into a file delivers it.
    let mut again = start(dir.path(), &pipeline("out.jsonl", false, None));
    assert!(wait_at_most(&mut again, Duration::from_secs(60)).success());
    let got = ids_in(&dir.path().join("out.jsonl"));
    let resumed_at = ids
        .iter()
        .position(|id| got.first() == Some(id))
        .expect("the rerun starts at a known id");
    assert_eq!(
        got,
        ids[resumed_at..],
        "the rerun delivers everything after that"
    );
    // The reader took the first line; the rest before `resumed_at` sat in the buffer.
    let in_the_pipe = resumed_at.saturating_sub(1);
    println!("a reader that left: {in_the_pipe} records were in the pipe's buffer");
    assert!(
        in_the_pipe * 200 <= 256 * 1024,
        "{in_the_pipe} records were committed past what a pipe buffer holds"
    );
}

#[test]
fn dev_stdout_as_the_sink_path_writes_to_standard_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ids = write_feed(&dir.path().join("feed.jsonl"), 200);
    std::fs::write(
        dir.path().join("pipeline.toml"),
        pipeline("/dev/stdout", false, None),
    )
    .expect("config");
    let output = Command::new(env!("CARGO_BIN_EXE_byline"))
        .args(["-q", "run", "-c", "pipeline.toml"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("run byline");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(ids_of_lines(&String::from_utf8_lossy(&output.stdout)), ids);
}

#[test]
fn a_sink_path_that_can_never_be_written_is_refused_before_the_run() {
    for (path, reason) in [
        ("blocker/sub/articles.jsonl", "is a file, not a directory"),
        ("/proc/byline-nope/articles.jsonl", "read-only"),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        write_feed(&dir.path().join("feed.jsonl"), 50);
        std::fs::write(dir.path().join("blocker"), "a file, not a directory").expect("blocker");
        std::fs::write(dir.path().join("pipeline.toml"), pipeline(path, true, None))
            .expect("config");
        for command in ["validate", "run"] {
            let output = Command::new(env!("CARGO_BIN_EXE_byline"))
                .args([command, "-c", "pipeline.toml"])
                .current_dir(dir.path())
                .stdin(Stdio::null())
                .output()
                .expect("byline runs");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(!output.status.success(), "{command} {path}: {stderr}");
            assert!(
                stderr.contains(reason) && stderr.contains("pipeline.toml:"),
                "{command} {path}: {stderr}"
            );
        }
    }
}

#[test]
fn a_directory_that_cannot_be_made_mid_run_stops_the_run_with_a_clear_message() {
    // `{source}` names a directory only known when an article arrives; here a file is in
    // its way, which no retry can fix.
    let dir = tempfile::tempdir().expect("temp dir");
    write_feed(&dir.path().join("feed.jsonl"), 50);
    std::fs::create_dir(dir.path().join("out")).expect("out/");
    std::fs::write(dir.path().join("out/unknown"), "a file, not a directory").expect("blocker");
    let started = Instant::now();
    let mut run = start(
        dir.path(),
        &pipeline("out/{source}/sub/articles.jsonl", true, None),
    );
    let status = wait_at_most(&mut run, Duration::from_secs(20));
    let stderr = stderr_of(dir.path());
    println!(
        "permanent sink error mid-run: exit {status:?} after {:?}",
        started.elapsed()
    );
    assert!(!status.success(), "{stderr}");
    assert!(stderr.contains("cannot open"), "{stderr}");
    assert!(stderr.contains("will be read again"), "{stderr}");
}

#[test]
fn a_second_run_on_the_same_data_dir_exits_at_once_naming_the_first() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_feed(&dir.path().join("feed.jsonl"), 20);
    let mut first = start(dir.path(), &pipeline("out.jsonl", true, None));
    let lock = dir.path().join("state/lock");
    assert!(
        eventually(Duration::from_secs(20), || {
            std::fs::read_to_string(&lock).is_ok_and(|pid| pid.trim() == first.id().to_string())
        }),
        "the first run never took the lock"
    );
    let second = Command::new(env!("CARGO_BIN_EXE_byline"))
        .args(["run", "-c", "pipeline.toml"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("run byline");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(!second.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("pid {}", first.id())) && stderr.contains("in use"),
        "{stderr}"
    );
    // kill -9 leaves no stale lock: the OS releases it with the process.
    first.kill().expect("kill -9");
    let _ = first.wait();
    let mut third = start(dir.path(), &pipeline("out.jsonl", false, None));
    let status = wait_at_most(&mut third, Duration::from_secs(30));
    assert!(status.success(), "{}", stderr_of(dir.path()));
}
