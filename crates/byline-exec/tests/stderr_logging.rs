//! The child's stderr reaches byline's log, line by line, tagged with the stage id. This
//! test installs a global subscriber (stderr is read on its own thread), so it has its own
//! test binary.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use byline_core::{BuildContext, RawConfig, Registry};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut log) = self.0.lock() {
            log.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        self.0
            .lock()
            .map(|log| String::from_utf8_lossy(&log).into_owned())
            .unwrap_or_default()
    }
}

#[test]
fn stderr_lines_are_logged_with_the_stage_id() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let dir = tempfile::tempdir().expect("a temp dir");
    let script = dir.path().join("child.py");
    std::fs::write(
        &script,
        r#"
import json, sys
sys.stdin.readline()
sys.stderr.write("loading the sentiment model\n"); sys.stderr.flush()
print(json.dumps({"protocol": "byline-exec", "version": 1, "name": "chatty"}), flush=True)
for line in sys.stdin:
    pass
"#,
    )
    .expect("write the file");
    let source = format!(
        "command = [\"python3\", {:?}]",
        script.display().to_string()
    );
    let mut registry = Registry::new();
    byline_exec::register(&mut registry);
    let raw = RawConfig::from_toml(&source).expect("parse the TOML");
    let context = BuildContext {
        id: "sentiment".into(),
        ..BuildContext::default()
    };
    let stage = registry
        .stage("exec")
        .map(|f| f.build(raw, &context))
        .unwrap_or_else(|| panic!("exec is not registered"))
        .expect("unwrap or else");

    let deadline = Instant::now() + Duration::from_secs(10);
    while !captured.text().contains("loading the sentiment model") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let log = captured.text();
    let line = log
        .lines()
        .find(|l| l.contains("loading the sentiment model"))
        .unwrap_or_else(|| panic!("the stderr line was not logged:\n{log}"));
    assert!(line.contains("stage=sentiment"), "{line}");
    assert!(line.contains("WARN"), "{line}");
    drop(stage);
}
