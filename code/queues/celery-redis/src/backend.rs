//! A Redis result backend for celery-rs that stores what Python Celery's
//! Redis backend stores, where Python looks for it, and announces it the way
//! Python's backend does. celery-rs's own `RedisBackend` uses the same key
//! but (a) only SETs it, while a waiting Python `AsyncResult.get()` listens
//! for a PUBLISH on the key's channel, and (b) stores a failure's result as a
//! string, while Python rebuilds an exception from a dict. The tests show both.

use std::future::Future;
use std::pin::Pin;

use celery::backend::{ResultBackend, TaskMeta, TaskState};
use celery::error::BackendError;
use redis::AsyncCommands;
use serde_json::{Value, json};

/// Results in Redis, in Python Celery's format, under `prefix` (kombu's
/// `global_keyprefix`, empty for none).
pub struct PythonRedisBackend {
    client: redis::Client,
    /// One multiplexed connection, opened on first use and shared (cloned) by every call.
    connection: tokio::sync::OnceCell<redis::aio::MultiplexedConnection>,
    prefix: String,
}

impl PythonRedisBackend {
    pub fn new(url: &str, prefix: &str) -> Result<Self, BackendError> {
        let client = redis::Client::open(url)?;
        Ok(PythonRedisBackend {
            client,
            connection: tokio::sync::OnceCell::new(),
            prefix: prefix.to_string(),
        })
    }

    /// The key (and the PUBLISH channel) of a task's result.
    pub fn key(&self, task_id: &str) -> String {
        format!("{}celery-task-meta-{task_id}", self.prefix)
    }

    async fn connection(&self) -> Result<redis::aio::MultiplexedConnection, BackendError> {
        let connection = self
            .connection
            .get_or_try_init(|| self.client.get_multiplexed_async_connection())
            .await?;
        Ok(connection.clone())
    }
}

// ANCHOR: to-python
/// The JSON Python Celery stores for a task. A failure's result is the dict
/// Python turns back into an exception.
pub fn to_python(meta: &TaskMeta) -> Value {
    let result = if meta.status == TaskState::Failure {
        let field = |name: &str| meta.meta.as_ref().and_then(|m| m.get(name)).cloned();
        json!({
            "exc_type": field("exc_type").unwrap_or_else(|| json!("TaskError")),
            "exc_message": [field("exc_message").or_else(|| meta.result.clone())],
            "exc_module": null,
        })
    } else {
        meta.result.clone().unwrap_or(Value::Null)
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
// ANCHOR_END: to-python

/// A [`TaskMeta`] from what a Python (or Rust) worker stored. A Python
/// failure's message moves to `meta.exc_message`, where celery-rs reads it.
pub fn from_python(stored: &str) -> Result<TaskMeta, BackendError> {
    let mut meta: TaskMeta = serde_json::from_str(stored)?;
    if meta.status == TaskState::Failure
        && meta.meta.is_none()
        && let Some(Value::Object(exception)) = &meta.result
    {
        let message = match exception.get("exc_message") {
            Some(Value::Array(parts)) => parts
                .iter()
                .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(", "),
            Some(Value::String(text)) => text.clone(),
            other => other.map_or_else(String::new, Value::to_string),
        };
        let exc_type = exception.get("exc_type").cloned().unwrap_or(Value::Null);
        meta.meta = Some(json!({ "exc_type": exc_type, "exc_message": message }));
    }
    Ok(meta)
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

// celery-rs declares the trait with `async_trait`; this is what the macro
// would write: each method returns a boxed future.
impl ResultBackend for PythonRedisBackend {
    // ANCHOR: store
    fn store_task_meta<'a, 'b>(&'a self, meta: TaskMeta) -> BoxFuture<'b, Result<(), BackendError>>
    where
        'a: 'b,
        Self: 'b,
    {
        Box::pin(async move {
            let key = self.key(&meta.task_id);
            let stored = serde_json::to_string(&to_python(&meta))?;
            let mut redis = self.connection().await?;
            // As Python's backend does: store (for a day), then announce the
            // same value on the key's channel, which a waiting get() hears.
            redis::pipe()
                .set_ex(&key, &stored, 86_400)
                .ignore()
                .publish(&key, &stored)
                .ignore()
                .query_async::<()>(&mut redis)
                .await?;
            Ok(())
        })
    }
    // ANCHOR_END: store

    fn get_task_meta<'a, 'b, 'c>(
        &'a self,
        task_id: &'b str,
    ) -> BoxFuture<'c, Result<Option<TaskMeta>, BackendError>>
    where
        'a: 'c,
        'b: 'c,
        Self: 'c,
    {
        Box::pin(async move {
            let mut redis = self.connection().await?;
            let stored: Option<String> = redis.get(self.key(task_id)).await?;
            stored.as_deref().map(from_python).transpose()
        })
    }

    fn forget<'a, 'b, 'c>(&'a self, task_id: &'b str) -> BoxFuture<'c, Result<(), BackendError>>
    where
        'a: 'c,
        'b: 'c,
        Self: 'c,
    {
        Box::pin(async move {
            let mut redis = self.connection().await?;
            redis.del::<_, ()>(self.key(task_id)).await?;
            Ok(())
        })
    }
}
