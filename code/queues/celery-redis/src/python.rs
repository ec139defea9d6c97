//! Python Celery workers on Redis, started, killed with SIGKILL and counted.

use std::fs::File;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{Error, Namespace, celery_python, python_dir};

/// How a run's Python workers treat the messages they took.
#[derive(Clone, Copy, Debug)]
pub struct Visibility {
    /// kombu's `visibility_timeout`: how long a taken message may go unacknowledged.
    pub timeout: Duration,
    /// kombu's `unacked_restore_interval`, with the throttle set to 1: how
    /// often an idle worker sweeps for overdue messages.
    pub sweep: Duration,
}

/// A child process, killed and reaped on drop unless stopped first. Its
/// output goes to files (never to a pipe nobody reads).
pub struct Worker {
    child: Option<Child>,
    pub name: String,
    log: std::path::PathBuf,
}

impl Worker {
    /// Starts `command` with stdout and stderr going to `<dir>/<name>.log`.
    pub fn start(mut command: Command, name: &str, dir: &Path) -> Result<Worker, Error> {
        let log = dir.join(format!("{name}.log"));
        let file = File::create(&log)?;
        let child = command
            .stdin(Stdio::null())
            .stdout(file.try_clone()?)
            .stderr(file)
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        Ok(Worker {
            child: Some(child),
            name: name.to_string(),
            log,
        })
    }

    /// What the process wrote so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The process id, while it runs.
    pub fn id(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// SIGKILL: no warm shutdown, no chance to give anything back.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Waits up to `limit` for the process to end by itself; whether it did.
    pub fn wait(&mut self, limit: Duration) -> Result<bool, Error> {
        let start = Instant::now();
        while start.elapsed() < limit {
            match self.child.as_mut() {
                None => return Ok(true),
                Some(child) => {
                    if child.try_wait()?.is_some() {
                        self.child = None;
                        return Ok(true);
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(false)
    }

    /// SIGTERM (a warm shutdown for Celery), then SIGKILL after `grace`.
    /// Returns whether it stopped by itself.
    pub fn stop(&mut self, grace: Duration) -> bool {
        let Some(mut child) = self.child.take() else {
            return true;
        };
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let start = Instant::now();
        while start.elapsed() < grace {
            if let Ok(Some(_)) = child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
        false
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `python <args>` in the python folder, with this namespace's settings.
pub fn python(space: &Namespace, visibility: Option<Visibility>) -> Result<Command, Error> {
    let mut command = Command::new(celery_python()?);
    command
        .current_dir(python_dir())
        .env("REDIS_URL", &space.url)
        .env("CELERY_QUEUE", &space.queue)
        .env("CELERY_KEY_PREFIX", &space.prefix);
    if let Some(v) = visibility {
        command
            .env("VISIBILITY_TIMEOUT", v.timeout.as_secs_f64().to_string())
            .env("RESTORE_INTERVAL", v.sweep.as_secs_f64().to_string());
    }
    Ok(command)
}

/// A Python Celery worker: solo pool (one process, no children), one
/// message held at a time.
pub fn worker(
    space: &Namespace,
    visibility: Option<Visibility>,
    name: &str,
) -> Result<Command, Error> {
    let mut command = python(space, visibility)?;
    command
        .args(["-m", "celery", "-A", "tasks", "worker", "--pool=solo"])
        .args(["--concurrency=1", "-Q", &space.queue])
        .args([
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ])
        .args([
            "--loglevel=INFO",
            "-n",
            &format!("{name}-{}@%h", space.prefix),
        ]);
    Ok(command)
}

/// `python client.py <args>`: sends tasks, prints one JSON line each.
pub fn client(space: &Namespace, args: &[&str]) -> Result<Command, Error> {
    let mut command = python(space, None)?;
    command.arg("client.py").args(args);
    Ok(command)
}

/// Runs `client.py` to the end (at most `limit`) and returns its output lines.
pub fn run_client(space: &Namespace, args: &[&str], limit: Duration) -> Result<Vec<String>, Error> {
    let dir = tempfile::tempdir()?;
    let mut sender = Worker::start(client(space, args)?, "client", dir.path())?;
    let start = Instant::now();
    let mut child = sender.child.take().expect("just started");
    loop {
        if let Some(status) = child.try_wait()? {
            let log = sender.log();
            if !status.success() {
                return Err(format!("client.py failed ({status}): {log}").into());
            }
            return Ok(log
                .lines()
                .filter(|l| l.starts_with('{'))
                .map(str::to_string)
                .collect());
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(
                format!("client.py ran past {} s: {}", limit.as_secs(), sender.log()).into(),
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// What [`kill_and_recover`] saw.
#[derive(Clone, Debug)]
pub struct Recovery {
    /// How many times the held task started (2: the killed run and the copy).
    pub runs: u64,
    /// How many times it finished.
    pub done: u64,
    /// How many of the quick tasks finished (each exactly once, or more).
    pub quick_done: Vec<u64>,
    /// From the kill to the held task's finish on the second worker.
    pub kill_to_done: Duration,
    /// From the first run's start to the second's (both recorded by the task).
    pub start_to_restart: Duration,
}

// ANCHOR: kill
/// Worker A takes a task that holds, and is killed with SIGKILL mid-task;
/// worker B, started after the kill, gets the task again once the visibility
/// timeout has passed, and runs it to the end. `quick` more tasks wait
/// behind it. Everything is counted in Redis by the tasks themselves.
pub fn kill_and_recover(
    space: &Namespace,
    visibility: Visibility,
    quick: usize,
) -> Result<Recovery, Error> {
    let logs = tempfile::tempdir()?;
    let limit = Duration::from_secs(60) + visibility.timeout + visibility.sweep * 2;
    let mut a = Worker::start(worker(space, Some(visibility), "a")?, "a", logs.path())?;
    let mut tasks = vec![r#"["hold", ["held", 120]]"#.to_string()];
    tasks.extend((0..quick).map(|i| format!(r#"["hold", ["quick{i}", 0]]"#)));
    run_client(
        space,
        &["--no-wait", "--batch", &format!("[{}]", tasks.join(","))],
        limit,
    )?;

    space
        .wait_until(limit, "worker A starting the held task", |s| {
            Ok(s.count("runs", "held")? == 1)
        })
        .map_err(|e| format!("{e}; worker A said: {}", a.log()))?;
    a.kill();
    let killed = Instant::now();
    let mut b = Worker::start(worker(space, Some(visibility), "b")?, "b", logs.path())?;
    space
        .wait_until(limit, "worker B finishing the held task", |s| {
            Ok(s.count("done", "held")? == 1)
        })
        .map_err(|e| format!("{e}; worker B said: {}", b.log()))?;
    let kill_to_done = killed.elapsed();
    space.wait_until(limit, "worker B finishing the quick tasks", |s| {
        (0..quick).try_fold(true, |all, i| {
            Ok(all && s.count("done", &format!("quick{i}"))? >= 1)
        })
    })?;
    b.stop(Duration::from_secs(20));
    recovery(space, quick, kill_to_done)
}
// ANCHOR_END: kill

/// The counts the tasks kept, and the two runs' start times.
fn recovery(space: &Namespace, quick: usize, kill_to_done: Duration) -> Result<Recovery, Error> {
    let starts = start_times(space, "held")?;
    Ok(Recovery {
        runs: space.count("runs", "held")?,
        done: space.count("done", "held")?,
        quick_done: (0..quick)
            .map(|i| space.count("done", &format!("quick{i}")))
            .collect::<Result<_, _>>()?,
        kill_to_done,
        start_to_restart: match starts[..] {
            [first, second, ..] => Duration::from_secs_f64((second - first).max(0.0)),
            _ => Duration::ZERO,
        },
    })
}

/// The wall-clock times (s since 1970) at which the runs of `tag` started.
pub fn start_times(space: &Namespace, tag: &str) -> Result<Vec<f64>, Error> {
    use redis::Commands;
    let mut redis = crate::connect(&space.url)?;
    Ok(redis.lrange(format!("{}book:starts:{tag}", space.prefix), 0, -1)?)
}

// ANCHOR: overlap
/// Two live workers; the task holds past the visibility timeout. The second
/// worker's sweep puts the message back while the first still runs it, and
/// the second runs it too. Returns (runs, done) of the task.
pub fn overlap(space: &Namespace, visibility: Visibility) -> Result<(u64, u64), Error> {
    let logs = tempfile::tempdir()?;
    let limit = Duration::from_secs(60) + visibility.timeout + visibility.sweep * 2;
    let mut a = Worker::start(worker(space, Some(visibility), "a")?, "a", logs.path())?;
    let mut b = Worker::start(worker(space, Some(visibility), "b")?, "b", logs.path())?;
    run_client(space, &["--no-wait", "hold", "long", "120"], limit)?;
    space
        .wait_until(limit, "both runs of the long task finishing", |s| {
            Ok(s.count("done", "long")? >= 2)
        })
        .map_err(|e| format!("{e}; A said: {}\nB said: {}", a.log(), b.log()))?;
    a.stop(Duration::from_secs(20));
    b.stop(Duration::from_secs(20));
    Ok((space.count("runs", "long")?, space.count("done", "long")?))
}
// ANCHOR_END: overlap
