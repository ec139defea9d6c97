//! What the integration tests share: a fresh Redis namespace (or the one line
//! that says the server is missing) and the Rust worker as a child process.
#![allow(dead_code)] // each test binary uses only part of this

use std::process::Command;

use queues_celery_redis::{Backend, Namespace, connect, redis_url};

/// Fresh keys for one test on the Redis at `REDIS_URL`; panics with one line
/// when no Redis answers.
pub fn space(purpose: &str) -> Namespace {
    let url = redis_url();
    if let Err(line) = connect(&url) {
        panic!("{line}");
    }
    Namespace::fresh(&url, purpose)
}

/// `queues-celery-redis worker` on `space`'s queue, storing with `backend`.
pub fn rust_worker(space: &Namespace, backend: Backend) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_queues-celery-redis"));
    command
        .env("REDIS_URL", &space.url)
        .env("CELERY_KEY_PREFIX", &space.prefix)
        .args([
            "worker",
            "--queue-key",
            &space.queue_key(),
            "--prefix",
            &space.prefix,
        ])
        .arg("--backend")
        .arg(match backend {
            Backend::CeleryRs => "celery-rs",
            Backend::Python => "python",
        });
    command
}
