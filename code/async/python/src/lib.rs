//! The door knock in CPython's asyncio beside tokio. `python/knock.py` runs
//! as a child process that stays up, knocks when asked, and reports its own
//! time, so starting the interpreter is never counted. The tokio knock times
//! the same span: first task created to last answer in.
#![forbid(unsafe_code)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// The Python program, built into this binary so it runs from anywhere.
pub const KNOCK_PY: &str = include_str!("../python/knock.py");

/// The one line a reader sees when Python is missing.
pub const GET_PYTHON: &str =
    "python3 not found: install CPython 3.9 or newer (Debian: sudo apt-get install python3)";

// ANCHOR: python-start
/// `knock.py --serve` as a child process: one "DOORS WAIT_MS" line in, one
/// "NANOSECONDS ANSWER ANSWER ..." line out, timed inside Python with
/// `time.perf_counter_ns`.
pub struct PythonKnock {
    child: Child,
    requests: Option<ChildStdin>,
    answers: BufReader<ChildStdout>,
}

impl PythonKnock {
    pub fn start() -> Result<PythonKnock, String> {
        let mut child = Command::new("python3")
            .args(["-c", KNOCK_PY, "--serve"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|_| GET_PYTHON.to_string())?;
        let requests = child.stdin.take().expect("piped");
        let answers = BufReader::new(child.stdout.take().expect("piped"));
        Ok(PythonKnock {
            child,
            requests: Some(requests),
            answers,
        })
    }
    // ANCHOR_END: python-start

    // ANCHOR: python-knock
    /// Knocks on `doors` doors that each wait `wait_ms`; Python's own time
    /// and its answers.
    pub fn knock(&mut self, doors: usize, wait_ms: u64) -> (Duration, Vec<usize>) {
        let requests = self.requests.as_mut().expect("open until dropped");
        writeln!(requests, "{doors} {wait_ms}").expect("knock.py is running");
        requests.flush().expect("knock.py is running");
        let mut line = String::new();
        self.answers.read_line(&mut line).expect("knock.py answers");
        let mut words = line.split_whitespace().map(|w| w.parse::<u64>());
        let nanos = match words.next() {
            Some(Ok(nanos)) => nanos,
            _ => panic!("knock.py answered {line:?}"),
        };
        let answers = words.map(|w| w.expect("a door number") as usize).collect();
        (Duration::from_nanos(nanos), answers)
    }
}

impl Drop for PythonKnock {
    fn drop(&mut self) {
        // End of input ends the serve loop; the kill makes sure of it.
        drop(self.requests.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
// ANCHOR_END: python-knock

// ANCHOR: tokio
/// The same knocks on tokio, timed over the same span as Python's.
pub async fn knock_on_tokio(doors: usize, wait: Duration) -> (Duration, Vec<usize>) {
    let start = Instant::now();
    let knocks = (0..doors).map(|door| async move {
        tokio::time::sleep(wait).await;
        door
    });
    let mut set = tokio::task::JoinSet::new();
    for knock in knocks {
        set.spawn(knock);
    }
    let answered = set.join_all().await; // in the order they finished
    (start.elapsed(), answered)
}
// ANCHOR_END: tokio

/// A current-thread runtime, or (`multi`) a multi-thread one.
pub fn runtime(multi: bool) -> tokio::runtime::Runtime {
    if multi {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    }
    .enable_all()
    .build()
    .expect("a tokio runtime")
}

/// The version `python3` reports, such as "3.11.2".
pub fn python_version() -> Option<String> {
    let out = Command::new("python3")
        .args(["-c", "import platform; print(platform.python_version())"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// True if every door in `0..doors` answered exactly once.
pub fn once_each(doors: usize, answered: &[usize]) -> bool {
    let mut seen = vec![0u32; doors];
    for &door in answered {
        match seen.get_mut(door) {
            Some(count) => *count += 1,
            None => return false,
        }
    }
    seen.iter().all(|&n| n == 1)
}
