//! The gate killed with SIGKILL, again and again, at moments nobody chooses:
//! between taking a message, publishing its copy, the broker's confirm and
//! the acknowledgement. Counting every copy afterwards shows that nothing was
//! lost; a message may have been copied twice.
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Queue, Spawned, broker, runtime};
use queues_celery::backend::FileBackend;
use queues_celery::{Acks, Job, Setup, client_app, gate, wire};

const TASKS: i64 = 400;

fn gate_process(url: &str, queue: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_queues-celery"));
    command.args(["--broker", url, "gate", "--queue", queue, "--prefetch", "8"]);
    command
}

/// The number of messages ready in `queue` once it has read the same five times
/// in a row, 100 ms apart (at most a minute): a count nothing is still changing.
fn settled_count(rt: &tokio::runtime::Runtime, url: &str, queue: &str) -> u32 {
    let (mut last, mut same) = (u32::MAX, 0);
    for _ in 0..600 {
        let now = rt.block_on(wire::ready_count(url, queue)).unwrap();
        same = if now == last { same + 1 } else { 0 };
        if same == 4 {
            return now;
        }
        last = now;
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the count of {queue} never settled in a minute");
}

#[test]
fn a_gate_killed_at_any_moment_loses_nothing() {
    let url = broker();
    let queue = Queue::fresh(&url, "kill");
    let folder = tempfile::tempdir().unwrap();
    let rt = runtime();
    let setup = Setup {
        url: url.clone(),
        queue: queue.name.clone(),
        prefetch: 1,
        acks: Acks::Late,
        results: FileBackend::new(folder.path()),
    };
    let sent: BTreeSet<String> = rt.block_on(async {
        let client = client_app(&setup).await.unwrap();
        let mut ids = BTreeSet::new();
        for i in 0..TASKS {
            ids.insert(Job::Add(i, 1).send(&client).await.unwrap());
        }
        client.close().await.unwrap();
        ids
    });
    assert_eq!(sent.len(), TASKS as usize);

    // Start a gate, let it take a number of messages that varies, kill it;
    // again, until the queue clients send to is empty. The kill follows the
    // gate's progress, not a clock, so a faster broker or gate is still
    // killed mid-work several times. Then one clean run and stop.
    let mut kills = 0;
    for round in 0u64.. {
        let left = rt.block_on(wire::ready_count(&url, &queue.name)).unwrap();
        if left == 0 || round == 200 {
            break;
        }
        let gate = Spawned::start(gate_process(&url, &queue.name), "gate", folder.path());
        let target = left.saturating_sub(5 + (round as u32 * 37) % 60);
        let give_up = Instant::now() + Duration::from_secs(5);
        while Instant::now() < give_up
            && rt.block_on(wire::ready_count(&url, &queue.name)).unwrap() > target
        {
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(Duration::from_millis((round * 13) % 20));
        drop(gate); // SIGKILL, then reaped: no chance to finish or acknowledge

        kills += 1;
    }
    assert!(kills >= 3, "the gate was killed {kills} time(s)");
    // Last gates, each stopped once the queue has settled at empty. The broker
    // may still be requeueing what the last kill left, and a stop can interrupt a
    // message in flight (requeued, perhaps copied again), so this repeats until
    // the queue stays empty with no gate running; each stop counts as a kill.
    for attempt in 0.. {
        assert!(attempt < 30, "the queue never settled at empty");
        let mut last = Spawned::start(gate_process(&url, &queue.name), "gate-last", folder.path());
        let waiting = settled_count(&rt, &url, &queue.name);
        let (status, forced) = last.stop(Duration::from_secs(10));
        assert!(status.success() && !forced, "{}", last.stderr());
        kills += 1;
        if waiting == 0 && settled_count(&rt, &url, &queue.name) == 0 {
            break;
        }
    }

    // Count every copy in the checked queue, by task id.
    let mut copies: BTreeMap<String, usize> = BTreeMap::new();
    rt.block_on(async {
        while let Some(message) = wire::take_one(&url, &gate::checked_queue(&queue.name), true)
            .await
            .unwrap()
        {
            let id = message.headers["id"].as_str().unwrap().to_string();
            *copies.entry(id).or_default() += 1;
        }
    });
    let seen: BTreeSet<String> = copies.keys().cloned().collect();
    assert_eq!(
        seen, sent,
        "every task reached the checked queue, and nothing else did"
    );
    let duplicates: usize = copies.values().map(|n| n - 1).sum();
    assert!(
        duplicates <= kills,
        "at most one duplicate per kill: {duplicates} after {kills} kills"
    );
    assert_eq!(
        rt.block_on(wire::ready_count(&url, &queue.name)).unwrap(),
        0
    );
    assert_eq!(
        rt.block_on(wire::ready_count(&url, &gate::dead_queue(&queue.name)))
            .unwrap(),
        0
    );
    println!("{kills} kills, {duplicates} duplicate(s), none lost");
}
