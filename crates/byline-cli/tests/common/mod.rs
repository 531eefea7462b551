//! What the end-to-end tests share: waiting for a `byline` process with a limit, and
//! signalling it.

#![allow(dead_code)] // each test binary uses its own part

use std::process::{Child, Command, ExitStatus};
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
