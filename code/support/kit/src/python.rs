//! Real CPython as a long-lived child process, for the examples that compare
//! Rust with Python or call Rust from Python.
//!
//! A script starts once, reads one request line on stdin, answers with one
//! line on stdout, and times itself with `time.perf_counter_ns`, so starting
//! the interpreter is never counted. A PyO3 extension built by this
//! workspace (a `cdylib`) is copied under its module name into a folder of
//! its own, and that folder goes first on the child's `PYTHONPATH`.
//!
//! ```no_run
//! use support_kit::python::{PythonChild, extension_dir};
//! let ext = extension_dir("my_crate", "my_module").unwrap_or_else(|e| panic!("{e}"));
//! let script = "import sys\nfor line in sys.stdin:\n    print(line.strip().upper(), flush=True)\n";
//! let mut py = PythonChild::start(script, &[], Some(&ext)).unwrap_or_else(|e| panic!("{e}"));
//! assert_eq!(py.request("hello").unwrap(), "HELLO");
//! ```

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The interpreter every example runs.
pub const PYTHON: &str = "python3";

/// The one line a reader sees when Python is missing.
pub const GET_PYTHON: &str =
    "python3 not found: install CPython 3.9 or newer (Debian: sudo apt-get install python3)";

/// The Python interpreter of the pinned Celery virtual environment that
/// `scripts/services celery` makes (`$CELERY_VENV/bin/python`, by default
/// `target/celery-venv` in the workspace), or the one line that says how to
/// make it.
pub fn celery_python() -> Result<PathBuf, String> {
    let venv = std::env::var_os("CELERY_VENV")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            // This crate lives in code/support/kit.
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../target/celery-venv")
        });
    let python = venv.join("bin").join("python");
    if python.is_file() {
        Ok(python)
    } else {
        Err(format!(
            "no Python Celery at {}; run: scripts/services celery",
            python.display()
        ))
    }
}

/// The version `python3` reports, such as "3.11.7", or [`GET_PYTHON`].
pub fn version() -> Result<String, String> {
    let out = Command::new(PYTHON)
        .args(["-c", "import platform; print(platform.python_version())"])
        .output()
        .map_err(|_| GET_PYTHON.to_string())?;
    if !out.status.success() {
        return Err(GET_PYTHON.to_string());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Finds the extension `lib<lib_name>.so` that cargo built beside the running
/// binary (`target/<profile>/` or its `deps/`), copies it to
/// `target/<profile>/python-ext/<lib_name>/<module>.so` and returns that
/// folder, ready for `PYTHONPATH`. The copy goes to a temporary name first
/// and is renamed into place, so a Python importing it while another test
/// copies never sees half a file.
pub fn extension_dir(lib_name: &str, module: &str) -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
    let file = format!(
        "{}{lib_name}{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let profile = exe
        .ancestors()
        .skip(1)
        .find(|dir| dir.join(&file).is_file() || dir.join("deps").join(&file).is_file())
        .ok_or_else(|| {
            format!(
                "{file} not found near {}: build it with cargo build --release",
                exe.display()
            )
        })?;
    let built = [profile.join(&file), profile.join("deps").join(&file)]
        .into_iter()
        .filter_map(|p| Some((p.metadata().ok()?.modified().ok()?, p)))
        .max()
        .map(|(_, p)| p)
        .ok_or_else(|| format!("{file} not readable in {}", profile.display()))?;
    let dir = profile.join("python-ext").join(lib_name);
    install(&built, &dir, module)?;
    Ok(dir)
}

/// Copies a built library to `dir/<module>.so` (the name CPython imports),
/// through a temporary file and a rename.
pub fn install(built: &Path, dir: &Path, module: &str) -> Result<PathBuf, String> {
    static COPIES: AtomicU64 = AtomicU64::new(0);
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let target = dir.join(format!("{module}.so"));
    let n = COPIES.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{module}.{}.{n}.tmp", std::process::id()));
    std::fs::copy(built, &tmp).map_err(|e| format!("cannot copy {}: {e}", built.display()))?;
    std::fs::rename(&tmp, &target)
        .map_err(|e| format!("cannot place {}: {e}", target.display()))?;
    Ok(target)
}

/// `PYTHONPATH` with `dir` in front of whatever it held.
fn python_path(dir: &Path) -> OsString {
    let mut paths = vec![dir.to_path_buf()];
    if let Some(old) = std::env::var_os("PYTHONPATH") {
        paths.extend(std::env::split_paths(&old));
    }
    std::env::join_paths(paths).unwrap_or_else(|_| dir.as_os_str().to_owned())
}

/// The command `python3 -c script args...` with `ext_dir` (if any) first on
/// `PYTHONPATH`, for a caller that runs the script its own way (with a
/// timeout, say). Spawning it fails with `NotFound` where there is no Python:
/// say [`GET_PYTHON`] then.
pub fn command(script: &str, args: &[&str], ext_dir: Option<&Path>) -> Command {
    let mut command = Command::new(PYTHON);
    command.arg("-c").arg(script).args(args);
    if let Some(dir) = ext_dir {
        command.env("PYTHONPATH", python_path(dir));
    }
    command
}

/// A Python script running as a child: one request line in, one reply line out.
/// Its stderr is the parent's, so a traceback shows. Dropping it closes the
/// script's stdin, gives the script up to ten seconds to finish (and shut
/// down any worker processes of its own), then kills it.
pub struct PythonChild {
    child: Child,
    requests: Option<ChildStdin>,
    replies: BufReader<ChildStdout>,
}

impl PythonChild {
    /// Runs `python3 -c script args...`, with `ext_dir` (if any) first on
    /// `PYTHONPATH`. A missing interpreter is [`GET_PYTHON`].
    pub fn start(script: &str, args: &[&str], ext_dir: Option<&Path>) -> Result<Self, String> {
        let mut command = command(script, args, ext_dir);
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|_| GET_PYTHON.to_string())?;
        let (Some(requests), Some(replies)) = (child.stdin.take(), child.stdout.take()) else {
            return Err("python3 started without pipes".to_string());
        };
        Ok(PythonChild {
            child,
            requests: Some(requests),
            replies: BufReader::new(replies),
        })
    }

    /// Sends `line` and returns the script's reply line, without its newline.
    /// An error if the script has ended (its traceback is on stderr).
    pub fn request(&mut self, line: &str) -> Result<String, String> {
        let requests = self.requests.as_mut().ok_or("stdin closed")?;
        writeln!(requests, "{line}")
            .and_then(|()| requests.flush())
            .map_err(|e| format!("the Python script stopped reading: {e}"))?;
        let mut reply = String::new();
        match self.replies.read_line(&mut reply) {
            Ok(0) => Err(format!(
                "the Python script exited before answering {line:?}"
            )),
            Ok(_) => Ok(reply.trim_end_matches(['\r', '\n']).to_string()),
            Err(e) => Err(format!("cannot read the Python script's reply: {e}")),
        }
    }
}

impl Drop for PythonChild {
    fn drop(&mut self) {
        // End of input ends a `for line in sys.stdin` loop, and the script
        // shuts its pools down (a killed script would leave its pool's worker
        // processes behind). The kill is for a script that will not stop.
        drop(self.requests.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_no_children, one_at_a_time};

    #[test]
    fn a_script_answers_each_request_and_ends_when_dropped() {
        let _serial = one_at_a_time();
        let script = "import sys\nfor line in sys.stdin:\n    print(int(line) * 2, flush=True)\n";
        let mut py = PythonChild::start(script, &[], None).expect(GET_PYTHON);
        assert_eq!(py.request("21").unwrap(), "42");
        assert_eq!(py.request("5").unwrap(), "10");
        drop(py);
        assert_no_children();
    }

    #[test]
    fn an_ended_script_is_an_error_not_a_hang() {
        let _serial = one_at_a_time();
        let mut py = PythonChild::start("pass", &[], None).expect(GET_PYTHON);
        assert!(py.request("1").is_err());
    }

    #[test]
    fn the_version_is_three_numbers() {
        let _serial = one_at_a_time();
        let v = version().expect(GET_PYTHON);
        assert_eq!(v.split('.').count(), 3, "{v}");
    }
}
