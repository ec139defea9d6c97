//! What the examples' tests share (the `testing` feature): a deadline for
//! work that might hang, running an example's binary, and, for tests that
//! start processes, one such test at a time and the check that none was left
//! behind. A crate turns it on in its `[dev-dependencies]`:
//!
//! ```toml
//! support-kit = { path = "../../support/kit", features = ["testing"] }
//! ```

use std::future::Future;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard, mpsc};
use std::thread;
use std::time::{Duration, Instant};

/// Runs `work` on a thread of its own and returns its value, or fails the
/// test if `limit` passes first: a hang is a bug, and a test that waits for
/// ever reports nothing. A panic in `work` fails the test with its message.
pub fn within<T: Send + 'static>(limit: Duration, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, result) = mpsc::channel();
    let worker = thread::spawn(move || {
        let _ = done.send(work());
    });
    match result.recv_timeout(limit) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("still running after {limit:?}"),
        // The sender went without sending: `work` panicked. Its thread has
        // ended (or is ending), so joining it hands over the panic.
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the worker ends by sending or by panicking"),
        },
    }
}

/// [`within`] for a future, on the caller's tokio runtime (which needs its
/// time driver, as `#[tokio::test]` has): the future's output, or a failed
/// test once `limit` passes.
pub async fn within_async<T>(limit: Duration, work: impl Future<Output = T>) -> T {
    match tokio::time::timeout(limit, work).await {
        Ok(value) => value,
        Err(_) => panic!("still running after {limit:?}"),
    }
}

/// Runs `binary` with `args` (stdin empty, stdout and stderr captured) and
/// returns how it ended and what it printed, whatever that was.
pub fn run(binary: &str, args: &[&str]) -> Output {
    run_with_env(binary, args, &[])
}

/// [`run`] with extra environment variables.
pub fn run_with_env(binary: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(binary)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("could not run {binary}: {e}"))
}

/// [`run`] for a program that might hang: kills and reaps it, and fails the
/// test, if it is still running after `limit`. Its output is read while it
/// runs, so a program that prints more than a pipe holds does not stall.
pub fn run_within(limit: Duration, binary: &str, args: &[&str]) -> Output {
    let mut child = Command::new(binary)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not run {binary}: {e}"));
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait on our own child") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{binary} {args:?} still running after {limit:?}");
        }
        thread::sleep(Duration::from_millis(10));
    };
    let join = |reader: thread::JoinHandle<Vec<u8>>| reader.join().expect("a pipe reader panicked");
    Output {
        status,
        stdout: join(stdout),
        stderr: join(stderr),
    }
}

/// Reads a child's pipe to its end on a thread of its own.
fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

/// Asserts that a program failed the way the book promises: exit code `code`
/// and exactly one line on stderr, starting `error: `. Returns that line.
pub fn one_error_line(out: &Output, code: i32) -> String {
    crate::assert_one_error_line(out, code, "")
}

/// Tests in one file run on threads of one process. Each test that starts
/// processes holds this lock, so that they start their children one at a
/// time and each orphan check sees only its own. A test that failed while
/// holding it does not fail the others.
pub fn one_at_a_time() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The processes whose parent is `pid`, from `/proc/*/stat` (Linux), in
/// increasing order. A zombie counts: a child that exited is listed until its
/// parent waits for it.
pub fn children_of(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut children: Vec<u32> = entries
        .flatten()
        .filter_map(|entry| {
            let child = entry.file_name().to_str()?.parse().ok()?;
            // Gone since the listing, or not a process directory: skipped.
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // "pid (name) state ppid ...": the name may hold spaces and
            // parentheses, so the fields are counted after the last ')'.
            let (_, rest) = stat.rsplit_once(')')?;
            let parent: u32 = rest.split_whitespace().nth(1)?.parse().ok()?;
            (parent == pid).then_some(child)
        })
        .collect();
    children.sort_unstable();
    children
}

/// This test process's children, running or zombie.
pub fn children() -> Vec<u32> {
    assert!(
        Path::new("/proc/self/stat").exists(),
        "the orphan check reads /proc, which only Linux has"
    );
    children_of(std::process::id())
}

/// This test process's children, after waiting up to `patience` for those
/// being reaped right now (by a pool's monitor thread, say) to go; the list
/// is whatever is left then.
pub fn children_left(patience: Duration) -> Vec<u32> {
    let deadline = Instant::now() + patience;
    loop {
        let left = children();
        if left.is_empty() || Instant::now() >= deadline {
            return left;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Fails if this test process has any child left, running or zombie.
pub fn assert_no_children() {
    let left = children();
    assert!(left.is_empty(), "child processes left behind: {left:?}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::catch_unwind;

    #[test]
    fn within_returns_what_the_work_returns() {
        assert_eq!(within(Duration::from_secs(60), || 6 * 7), 42);
    }

    #[test]
    #[should_panic(expected = "still running after")]
    fn within_fails_once_the_deadline_passes() {
        // The work cannot end before `_never` is dropped, which happens only
        // after `within` has given up: the deadline must be what ends it.
        let (_never, wait) = mpsc::channel::<()>();
        let _ = within(Duration::from_millis(50), move || wait.recv());
    }

    #[test]
    #[should_panic(expected = "the work's own message")]
    fn within_passes_on_the_work_s_panic() {
        within(Duration::from_secs(60), || panic!("the work's own message"));
    }

    #[tokio::test]
    async fn within_async_returns_what_the_future_returns() {
        assert_eq!(
            within_async(Duration::from_secs(60), async { 42 }).await,
            42
        );
    }

    #[tokio::test]
    #[should_panic(expected = "still running after")]
    async fn within_async_fails_once_the_deadline_passes() {
        within_async(Duration::from_millis(50), std::future::pending::<()>()).await;
    }

    #[test]
    fn run_returns_the_status_and_both_outputs() {
        let _serial = one_at_a_time();
        let out = run("sh", &["-c", "echo out; echo err >&2; exit 3"]);
        assert_eq!(out.status.code(), Some(3));
        assert_eq!(out.stdout, b"out\n");
        assert_eq!(out.stderr, b"err\n");
        let out = run_with_env("sh", &["-c", "echo $GREETING"], &[("GREETING", "hi")]);
        assert_eq!(out.stdout, b"hi\n");
        assert_no_children();
    }

    #[test]
    fn run_within_reads_more_than_a_pipe_holds() {
        let _serial = one_at_a_time();
        // 1 MiB on stdout, far past a pipe's 64 KiB, and an exit code.
        let script = "head -c 1048576 /dev/zero; echo done >&2; exit 4";
        let out = run_within(Duration::from_secs(60), "sh", &["-c", script]);
        assert_eq!(out.status.code(), Some(4));
        assert_eq!(out.stdout.len(), 1 << 20);
        assert_eq!(out.stderr, b"done\n");
        assert_no_children();
    }

    #[test]
    fn run_within_kills_and_reaps_a_program_that_overstays() {
        let _serial = one_at_a_time();
        let failed = catch_unwind(|| run_within(Duration::from_millis(100), "sleep", &["60"]));
        let message = failed.expect_err("sleep 60 cannot end in 100 ms");
        let message = message.downcast_ref::<String>().expect("a formatted panic");
        assert!(message.contains("still running after"), "{message}");
        assert_no_children();
    }

    #[test]
    fn one_error_line_accepts_one_line_and_refuses_more() {
        let _serial = one_at_a_time();
        let good = run("sh", &["-c", "echo 'error: bad input' >&2; exit 2"]);
        assert_eq!(one_error_line(&good, 2), "error: bad input");
        let two_lines = run("sh", &["-c", "printf 'error: a\\nerror: b\\n' >&2; exit 2"]);
        assert!(catch_unwind(|| one_error_line(&two_lines, 2)).is_err());
        assert!(catch_unwind(|| one_error_line(&good, 1)).is_err());
        let no_prefix = run("sh", &["-c", "echo oops >&2; exit 2"]);
        assert!(catch_unwind(|| one_error_line(&no_prefix, 2)).is_err());
    }

    #[test]
    fn one_at_a_time_admits_one_holder_and_survives_a_panic() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static HOLDERS: AtomicUsize = AtomicUsize::new(0);
        let _ = thread::spawn(|| {
            let _held = one_at_a_time();
            panic!("a failed test while holding the lock");
        })
        .join();
        let threads: Vec<_> = (0..4)
            .map(|_| {
                thread::spawn(|| {
                    for _ in 0..100 {
                        let _held = one_at_a_time();
                        assert_eq!(HOLDERS.fetch_add(1, Ordering::SeqCst), 0);
                        thread::yield_now();
                        HOLDERS.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("two holders at once");
        }
    }

    /// The state letter in `/proc/<pid>/stat`: `R`, `S`, `Z` for a zombie...
    fn state_of(pid: u32) -> Option<char> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        stat.rsplit_once(')')?
            .1
            .split_whitespace()
            .next()?
            .chars()
            .next()
    }

    #[test]
    fn the_orphan_check_sees_running_and_zombie_children_until_they_are_reaped() {
        let _serial = one_at_a_time();
        assert_no_children();
        let mut running = Command::new("sleep").arg("60").spawn().unwrap();
        let mut exited = Command::new("true").spawn().unwrap();
        let zombie = exited.id();
        // `true` ends at once, and stays a zombie until it is waited for.
        within(Duration::from_secs(60), move || {
            while state_of(zombie) != Some('Z') {
                thread::sleep(Duration::from_millis(5));
            }
        });
        let mut both = vec![running.id(), zombie];
        both.sort_unstable();
        assert_eq!(children(), both);
        assert!(catch_unwind(assert_no_children).is_err());
        exited.wait().unwrap();
        assert_eq!(children_left(Duration::ZERO), [running.id()]);
        running.kill().unwrap();
        running.wait().unwrap();
        assert_eq!(children_left(Duration::from_secs(10)), []);
        assert_no_children();
    }
}
