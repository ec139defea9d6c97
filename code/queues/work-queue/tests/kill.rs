//! SIGKILL a consumer in the middle of dead-lettering: after publishing the
//! copy, or after its confirm, and always before the ack. Then a clean
//! consumer finishes. Counting the dead-letter queue: every message is
//! there at least once (nothing lost); duplicates appear and are counted.
//! Needs the RabbitMQ at AMQP_URL.
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
use queues_work_queue::{Queues, drain_dead_letters, malformed_samples, message_properties};

const BIN: &str = env!("CARGO_BIN_EXE_queues-work-queue");

fn consumer(queues: &Queues, extra: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .args([
            "crash-consumer",
            "--work",
            &queues.work,
            "--dead",
            &queues.dead,
        ])
        .args(extra)
        .stdout(Stdio::piped());
    command
}

/// Runs a consumer until it prints `point`, then SIGKILLs it.
fn kill_at(queues: &Queues, point: &str) {
    let mut child = consumer(queues, &["--stop-at", point]).spawn().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut seen = Vec::new();
    for line in stdout.lines() {
        let line = line.unwrap();
        seen.push(line.clone());
        if line == point {
            break;
        }
    }
    assert_eq!(seen.last().map(String::as_str), Some(point), "{seen:?}");
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(9));
}

/// Publishes the bad bodies, kills a consumer at `point`, lets a clean one
/// settle everything, and returns how many copies of each body the
/// dead-letter queue holds.
async fn run(point: &str) -> BTreeMap<Vec<u8>, usize> {
    let connection = support_broker::connect("work-queue-kill-test")
        .await
        .unwrap();
    let channel = connection.create_channel().await.unwrap();
    let queues = Queues::unique();
    queues.declare(&channel).await.unwrap();
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await
        .unwrap();
    let bodies = malformed_samples();
    for (i, body) in bodies.iter().enumerate() {
        let properties = message_properties(&format!("bad-{i}"));
        let options = BasicPublishOptions::default();
        let confirm = channel
            .basic_publish(
                "".into(),
                queues.work.as_str().into(),
                options,
                body,
                properties,
            )
            .await
            .unwrap();
        assert!(confirm.await.unwrap().is_ack());
    }

    let killer = queues.clone();
    let point = point.to_string();
    tokio::task::spawn_blocking(move || kill_at(&killer, &point))
        .await
        .unwrap();

    let count = bodies.len().to_string();
    let mut clean = consumer(&queues, &["--count", &count]);
    let status = tokio::time::timeout(
        Duration::from_secs(30),
        tokio::task::spawn_blocking(move || clean.status()),
    )
    .await
    .expect("the clean consumer settled every message")
    .unwrap()
    .unwrap();
    assert!(status.success());

    assert_eq!(
        support_broker::queue_depth(&channel, &queues.work)
            .await
            .unwrap(),
        0
    );
    let mut copies = BTreeMap::new();
    for letter in drain_dead_letters(&channel, &queues.dead).await.unwrap() {
        *copies.entry(letter.body).or_insert(0) += 1;
    }
    // Nothing lost: every bad body is in the dead-letter queue.
    for body in &bodies {
        assert!(copies.get(body).copied().unwrap_or(0) >= 1, "{body:?} lost");
    }
    queues.delete(&channel).await.unwrap();
    support_broker::close(&connection).await;
    copies
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_after_the_confirm_the_copy_is_duplicated_not_lost() {
    let copies = run("confirmed").await;
    // The copy was confirmed, the original was not acked: it came back and
    // was dead-lettered again. Exactly one duplicate.
    let total: usize = copies.values().sum();
    assert_eq!(total, malformed_samples().len() + 1, "{copies:?}");
    assert_eq!(copies.values().filter(|&&n| n == 2).count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_before_the_confirm_nothing_is_lost() {
    let copies = run("published").await;
    // The copy may or may not have reached the broker before the kill:
    // at most one duplicate, and never a loss (checked in `run`).
    let total: usize = copies.values().sum();
    let n = malformed_samples().len();
    assert!(total == n || total == n + 1, "{copies:?}");
}
