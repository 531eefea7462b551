//! What the end-to-end tests share: waiting for a `byline` process with a limit, and
//! signalling it.

#![allow(dead_code)] // each test binary uses its own part

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// Waits for `child` to exit; kills it and fails the test after `limit`.
pub fn wait_at_most(child: &mut Child, limit: Duration) -> ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("the child's status") {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("byline did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends SIGTERM, as a service manager does.
pub fn terminate(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Polls `condition` every 50 ms until it holds; `false` if `limit` passed first.
pub fn eventually(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    condition()
}

/// Runs the real binary in `dir` with `args`, feeding it `stdin`, and waits for it.
pub fn byline(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_byline"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("byline starts");
    if let Some(mut input) = child.stdin.take() {
        // A child that stops reading early (a too-large input) is not an error here.
        let _ = input.write_all(stdin);
    }
    child.wait_with_output().expect("byline runs to its end")
}
