//! Celery with Redis as the broker and the result backend, next to the
//! RabbitMQ of the rest of the chapter. Redis has lists, not queues: it
//! cannot hand a message out and take it back when the taker dies. Python
//! Celery (kombu) emulates acknowledgements on top of it, with a *visibility
//! timeout*; celery-rs's Redis broker does not. Here: the Python workers
//! started, killed and counted ([`python`]), a result backend that writes
//! what Python Celery writes ([`backend`]), and a Rust worker over Redis
//! ([`rust_worker_app`]).
#![forbid(unsafe_code)]

pub mod backend;
pub mod python;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use celery::backend::RedisBackend;
use celery::error::{CeleryError, TaskError};
use celery::prelude::TaskResult;
use celery::{Celery, CeleryBuilder};
use redis::Commands;

pub use backend::PythonRedisBackend;

/// Any error these examples report: they print it as one line.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Redis: `REDIS_URL`, else the local server's database 0.
pub fn redis_url() -> String {
    std::env::var("REDIS_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "redis://127.0.0.1:6379/0".into())
}

/// A connection to Redis, or the one line that says how to get one.
pub fn connect(url: &str) -> Result<redis::Connection, String> {
    let fail = |e: redis::RedisError| {
        format!("cannot reach Redis at {url}: {e} (start it with: scripts/services redis)")
    };
    let client = redis::Client::open(url).map_err(fail)?;
    let mut connection = client
        .get_connection_with_timeout(Duration::from_secs(2))
        .map_err(fail)?;
    redis::cmd("PING")
        .query::<String>(&mut connection)
        .map_err(fail)?;
    Ok(connection)
}

/// The keys of one run: a queue name and a prefix that every key the run
/// makes begins with (kombu's `global_keyprefix`). Dropping it deletes them.
#[derive(Debug)]
pub struct Namespace {
    pub url: String,
    /// The queue as Python names it; Redis holds it under `prefix + queue`.
    pub queue: String,
    pub prefix: String,
}

impl Namespace {
    /// A namespace nobody else uses: the process id, a counter and the clock.
    pub fn fresh(url: &str, purpose: &str) -> Namespace {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let id = format!(
            "{}-{}-{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        Namespace {
            url: url.to_string(),
            queue: format!("book-celery-redis-{purpose}"),
            prefix: format!("book-cr-{id}:"),
        }
    }

    /// The queue's key in Redis, which is also the queue name celery-rs must use.
    pub fn queue_key(&self) -> String {
        format!("{}{}", self.prefix, self.queue)
    }

    /// A counter the `hold` task keeps: `kind` is `runs` or `done`.
    pub fn counter_key(&self, kind: &str, tag: &str) -> String {
        format!("{}book:{kind}:{tag}", self.prefix)
    }

    /// The counter `kind` of task `tag` (0 when it was never set).
    pub fn count(&self, kind: &str, tag: &str) -> Result<u64, Error> {
        let mut redis = connect(&self.url)?;
        Ok(redis
            .get::<_, Option<u64>>(self.counter_key(kind, tag))?
            .unwrap_or(0))
    }

    /// Every key of this namespace now in Redis, sorted.
    pub fn keys(&self) -> Result<Vec<String>, Error> {
        let mut redis = connect(&self.url)?;
        let mut keys: Vec<String> = redis
            .scan_match::<_, String>(format!("{}*", self.prefix))?
            .collect();
        // celery-rs keeps what its workers hold under a key of its own.
        let held = rust_process_map(&self.queue_key());
        if redis.exists::<_, bool>(&held)? {
            keys.push(held);
        }
        keys.sort();
        Ok(keys)
    }

    /// Deletes every key of this namespace.
    pub fn delete(&self) -> Result<(), Error> {
        let keys = self.keys()?;
        if !keys.is_empty() {
            connect(&self.url)?.del::<_, ()>(keys)?;
        }
        Ok(())
    }

    /// Waits until `done()` says yes, looking every 20 ms, for at most `limit`.
    pub fn wait_until(
        &self,
        limit: Duration,
        what: &str,
        mut done: impl FnMut(&Namespace) -> Result<bool, Error>,
    ) -> Result<Duration, Error> {
        let start = Instant::now();
        loop {
            if done(self)? {
                return Ok(start.elapsed());
            }
            if start.elapsed() > limit {
                return Err(format!("{what}: not within {} s", limit.as_secs()).into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        if let Err(e) = self.delete()
            && !std::thread::panicking()
        {
            panic!("could not delete the keys of {}: {e}", self.prefix);
        }
    }
}

/// Where celery-rs's Redis broker records the messages its workers took.
pub fn rust_process_map(queue_key: &str) -> String {
    format!("_celery.{queue_key}_process_map")
}

// ANCHOR: rust-tasks
/// `add(x, y)`, as in Python's tasks.py.
#[celery::task(name = "add")]
pub fn add(x: i64, y: i64) -> TaskResult<i64> {
    x.checked_add(y)
        .ok_or_else(|| TaskError::ExpectedError(format!("{x} + {y} overflows 64 bits")))
}

/// `fail(message)`: always fails, with `message`.
#[celery::task(name = "fail")]
pub fn fail(message: String) -> TaskResult<i64> {
    Err(TaskError::ExpectedError(message))
}

/// `hold(tag, cap_s)`, as in Python's tasks.py: counts its run, holds until
/// a second run of `tag` has started (at most `cap_s`), counts its finish.
#[celery::task(name = "hold")]
pub async fn hold(tag: String, cap_s: f64) -> TaskResult<u64> {
    let counters = Counters::from_env().map_err(TaskError::UnexpectedError)?;
    tokio::task::spawn_blocking(move || counters.hold(&tag, cap_s))
        .await
        .map_err(|e| TaskError::UnexpectedError(e.to_string()))?
        .map_err(|e| TaskError::UnexpectedError(e.to_string()))
}
// ANCHOR_END: rust-tasks

/// The counters a Rust `hold` keeps, in Redis, under `CELERY_KEY_PREFIX`.
#[derive(Clone, Debug)]
struct Counters {
    url: String,
    prefix: String,
}

impl Counters {
    fn from_env() -> Result<Counters, String> {
        static COUNTERS: OnceLock<Counters> = OnceLock::new();
        Ok(COUNTERS
            .get_or_init(|| Counters {
                url: redis_url(),
                prefix: std::env::var("CELERY_KEY_PREFIX").unwrap_or_default(),
            })
            .clone())
    }

    fn hold(&self, tag: &str, cap_s: f64) -> Result<u64, Error> {
        let key = |kind: &str| format!("{}book:{kind}:{tag}", self.prefix);
        let mut redis = connect(&self.url)?;
        let runs: u64 = redis.incr(key("runs"), 1)?;
        let deadline = Instant::now() + Duration::from_secs_f64(cap_s.clamp(0.0, 600.0));
        while redis.get::<_, Option<u64>>(key("runs"))?.unwrap_or(0) < 2
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(50));
        }
        redis.incr::<_, _, u64>(key("done"), 1)?;
        Ok(runs)
    }
}

/// Which result backend a Rust app uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Backend {
    /// celery-rs's own `RedisBackend`, as it ships.
    CeleryRs,
    /// [`PythonRedisBackend`]: what Python Celery writes, and a PUBLISH.
    Python,
}

// ANCHOR: rust-app
/// A celery-rs app on Redis: the broker is `url`, its queue `queue_key`
/// (kombu's prefix included: celery-rs knows no prefixes), results under
/// the same prefix as Python's, late acks, no retries. `prefetch` 0 means no
/// limit, which a Redis worker with late acks needs: celery-rs 0.6.3's Redis
/// consumer, once it holds `prefetch` messages, returns `Pending` without
/// leaving its waker for the acknowledgement to wake (`poll_next` in its
/// `broker/redis.rs`). The worker's loop polls it again only on another
/// wake-up, and a task's last one, its "finished" event, comes before a late
/// ack (`trace` in `app/trace.rs`), so it never takes another message.
pub async fn rust_app(
    name: &str,
    url: &str,
    prefix: &str,
    queue_key: &str,
    backend: Backend,
    prefetch: u16,
) -> Result<Arc<Celery>, CeleryError> {
    let builder = CeleryBuilder::new(name, url)
        .default_queue(queue_key)
        .prefetch_count(prefetch)
        .acks_late(true)
        .task_max_retries(0)
        .broker_connection_timeout(2)
        .broker_connection_max_retries(2);
    let builder = match backend {
        Backend::CeleryRs => builder.result_backend(
            RedisBackend::new(url)?.with_key_prefix(format!("{prefix}celery-task-meta")),
        ),
        Backend::Python => builder.result_backend(PythonRedisBackend::new(url, prefix)?),
    };
    Ok(Arc::new(builder.build().await?))
}
// ANCHOR_END: rust-app

/// A Rust worker app: [`rust_app`] with the three tasks registered.
pub async fn rust_worker_app(
    url: &str,
    prefix: &str,
    queue_key: &str,
    backend: Backend,
    prefetch: u16,
) -> Result<Arc<Celery>, CeleryError> {
    let worker = rust_app("rust-worker", url, prefix, queue_key, backend, prefetch).await?;
    worker.register_task::<add>().await?;
    worker.register_task::<fail>().await?;
    worker.register_task::<hold>().await?;
    Ok(worker)
}

pub use support_kit::python::celery_python;

/// The folder holding `tasks.py` and `client.py`.
pub fn python_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("python")
}
