//! A Celery result backend that keeps one file per task, in the layout of
//! Python Celery's file-system backend (`result_backend = "file:///dir"`):
//! the file `dir/celery-task-meta-<task id>` holds the task's state as JSON.
//! celery-rs ships only a Redis backend; this one lets a Rust worker and a
//! Python client (or a Python worker and a Rust client) on the same machine
//! hand results to each other through a folder.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use celery::backend::{ResultBackend, TaskMeta, TaskState};
use celery::error::BackendError;
use serde_json::{Value, json};
use tokio::sync::Notify;
use tokio::time::Instant;

/// The prefix Python Celery gives every task's result key.
pub const KEY_PREFIX: &str = "celery-task-meta-";

/// How often a waiting client looks at the folder when no worker in its own
/// process can wake it (the worker is another process, perhaps Python).
const POLL: Duration = Duration::from_millis(20);

/// Results kept as files in one folder. Cloning shares the folder and the
/// wake-up signal, so a worker and a client in one process wake each other.
#[derive(Clone, Debug)]
pub struct FileBackend {
    dir: PathBuf,
    stored: Arc<Notify>,
}

/// Tasks that had no final result (success or failure) when the wait ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// The ids still without a final result.
    pub ids: Vec<String>,
    /// How long the client waited.
    pub waited: Duration,
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} task(s) still had no result after {:.1} s (is a worker consuming the queue?)",
            self.ids.len(),
            self.waited.as_secs_f64()
        )
    }
}

impl std::error::Error for Missing {}

/// Whether a result for `task_id` can be stored. A task id arrives in a
/// message anyone could have sent: it must never name a file outside the folder.
pub fn is_safe_task_id(task_id: &str) -> bool {
    !task_id.is_empty()
        && task_id.len() <= 200
        && !task_id.starts_with('.')
        && task_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

impl FileBackend {
    /// A backend over `dir`, which must exist.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FileBackend {
            dir: dir.into(),
            stored: Arc::new(Notify::new()),
        }
    }

    /// The folder the results live in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The `file://` URL Python Celery needs to use the same folder.
    pub fn url(&self) -> String {
        format!("file://{}", self.dir.display())
    }

    fn path_for(&self, task_id: &str) -> io::Result<PathBuf> {
        if is_safe_task_id(task_id) {
            Ok(self.dir.join(format!("{KEY_PREFIX}{task_id}")))
        } else {
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to store a result for the task id {task_id:?}"),
            ))
        }
    }

    /// Reads a task's state; `None` when no worker has written one yet (Celery's PENDING).
    pub fn read(&self, task_id: &str) -> io::Result<Option<TaskMeta>> {
        let bytes = match std::fs::read(self.path_for(task_id)?) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        // Python writes its files in place, so a read can see half a file:
        // that is "not there yet", and the next look will see all of it.
        let Ok(python) = serde_json::from_slice::<Value>(&bytes) else {
            return Ok(None);
        };
        Ok(from_python(task_id, python))
    }

    // ANCHOR: write
    /// Stores a task's final state (SUCCESS or FAILURE) unless one is already
    /// stored: the first writer wins, atomically. The JSON is written whole to
    /// a file of this call's own, then hard-linked to the result's name; the
    /// link fails with `AlreadyExists` when that name exists, whoever made it,
    /// so no check-then-write window is left. Returns whether this call won.
    /// Other states (STARTED, RETRY) are not stored: Python Celery stores
    /// STARTED only with `task_track_started`, though it does store RETRY.
    pub fn write(&self, meta: &TaskMeta) -> io::Result<bool> {
        let path = self.path_for(&meta.task_id)?;
        if !meta.status.is_ready() {
            return Ok(false);
        }
        static SEQUENCE: AtomicU64 = AtomicU64::new(0);
        let aside = self.dir.join(format!(
            ".{}.{}.{}.tmp",
            meta.task_id,
            std::process::id(),
            SEQUENCE.fetch_add(1, Ordering::Relaxed)
        ));
        let text = serde_json::to_vec(&to_python(meta)).map_err(io::Error::other)?;
        std::fs::write(&aside, text)?;
        let linked = std::fs::hard_link(&aside, &path);
        std::fs::remove_file(&aside)?;
        match linked {
            Ok(()) => {
                self.stored.notify_waiters();
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e),
        }
    }
    // ANCHOR_END: write

    /// Waits until every task in `ids` has a final state (SUCCESS or FAILURE)
    /// and returns them by id, or says which were still missing at `timeout`.
    pub async fn wait_all(
        &self,
        ids: &[String],
        timeout: Duration,
    ) -> Result<HashMap<String, TaskMeta>, Missing> {
        let start = Instant::now();
        let mut done = HashMap::with_capacity(ids.len());
        // Ids are checked in order and the scan stops at the first without a
        // result: the batch is complete only when that one is, and each look
        // costs one failed read, not one per task still out.
        let mut next = 0;
        loop {
            // Register for the wake-up before looking, so a result stored
            // between the look and the wait is not slept through.
            let stored = self.stored.notified();
            tokio::pin!(stored);
            stored.as_mut().enable();
            while let Some(id) = ids.get(next) {
                match self.read(id) {
                    Ok(Some(meta)) if meta.status.is_ready() => {
                        done.insert(id.clone(), meta);
                        next += 1;
                    }
                    _ => break,
                }
            }
            if next == ids.len() {
                return Ok(done);
            }
            let waited = start.elapsed();
            if waited >= timeout {
                let ids = ids[next..]
                    .iter()
                    .filter(|id| !matches!(self.read(id), Ok(Some(m)) if m.status.is_ready()))
                    .cloned()
                    .collect();
                return Err(Missing { ids, waited });
            }
            tokio::select! {
                _ = stored => {}
                _ = tokio::time::sleep(POLL.min(timeout - waited)) => {}
            }
        }
    }
}

/// The JSON Python Celery's backends store for a task.
fn to_python(meta: &TaskMeta) -> Value {
    let result = match meta.status {
        // Python rebuilds an exception from these three fields.
        TaskState::Failure => {
            let detail = meta.meta.as_ref();
            let field = |name: &str| detail.and_then(|d| d.get(name)).cloned();
            json!({
                "exc_type": field("exc_type").unwrap_or_else(|| json!("TaskError")),
                "exc_message": [field("exc_message").or_else(|| meta.result.clone()).unwrap_or(Value::Null)],
                "exc_module": null,
            })
        }
        _ => meta.result.clone().unwrap_or(Value::Null),
    };
    json!({
        "status": meta.status,
        "result": result,
        "traceback": meta.traceback,
        "children": meta.children,
        "date_done": meta.date_done,
        "task_id": meta.task_id,
    })
}

/// A [`TaskMeta`] from the JSON a Python (or Rust) worker stored.
fn from_python(task_id: &str, mut python: Value) -> Option<TaskMeta> {
    let object = python.as_object_mut()?;
    let status: TaskState = serde_json::from_value(object.get("status")?.clone()).ok()?;
    let result = object.remove("result").unwrap_or(Value::Null);
    let (result, detail) = if status == TaskState::Failure {
        // Python's exception fields; celery-rs reads the message from `meta`.
        let message = match result.get("exc_message") {
            Some(Value::Array(parts)) => parts
                .iter()
                .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(", "),
            Some(Value::String(s)) => s.clone(),
            _ => result.to_string(),
        };
        let exc_type = result.get("exc_type").cloned().unwrap_or(Value::Null);
        (
            Some(Value::String(message.clone())),
            Some(json!({ "exc_type": exc_type, "exc_message": message })),
        )
    } else {
        (Some(result), None)
    };
    let date_done = object
        .get("date_done")
        .and_then(|d| serde_json::from_value(d.clone()).ok());
    Some(TaskMeta {
        task_id: task_id.to_string(),
        status,
        result,
        traceback: object
            .get("traceback")
            .and_then(|t| t.as_str())
            .map(str::to_string),
        children: Vec::new(),
        date_done,
        retries: None,
        eta: None,
        meta: detail,
    })
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

fn backend_error(e: io::Error) -> BackendError {
    BackendError::Serialization(serde_json::Error::io(e))
}

// celery-rs declares the trait with `async_trait`; this is what that macro
// would write: each method returns a boxed future. The file operations run
// inline: a result file is a few hundred bytes, a short enough write to do
// on the async thread (a slow or network disk would call for spawn_blocking).
impl ResultBackend for FileBackend {
    fn store_task_meta<'a, 'b>(&'a self, meta: TaskMeta) -> BoxFuture<'b, Result<(), BackendError>>
    where
        'a: 'b,
        Self: 'b,
    {
        Box::pin(async move { self.write(&meta).map(drop).map_err(backend_error) })
    }

    fn get_task_meta<'a, 'b, 'c>(
        &'a self,
        task_id: &'b str,
    ) -> BoxFuture<'c, Result<Option<TaskMeta>, BackendError>>
    where
        'a: 'c,
        'b: 'c,
        Self: 'c,
    {
        Box::pin(async move { self.read(task_id).map_err(backend_error) })
    }

    fn forget<'a, 'b, 'c>(&'a self, task_id: &'b str) -> BoxFuture<'c, Result<(), BackendError>>
    where
        'a: 'c,
        'b: 'c,
        Self: 'c,
    {
        Box::pin(async move {
            match std::fs::remove_file(self.path_for(task_id).map_err(backend_error)?) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(backend_error(e)),
                _ => Ok(()),
            }
        })
    }
}
