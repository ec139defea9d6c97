//! The door knock at scale: 1,000 to 100,000 waiters that each wait 10 ms,
//! as tokio tasks and as OS threads. Two costs are measured: the wall time
//! for all of them to knock, and the memory each one holds while it waits.
#![forbid(unsafe_code)]

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

/// The stack the threads here get: far below std's 2 MiB default, so that
/// ten thousand of them reserve about 625 MiB of addresses rather than about
/// 20 GiB.
pub const THREAD_STACK: usize = 64 * 1024;

// ANCHOR: tasks
/// One tokio task per door. Returns the doors in the order they answered.
pub async fn knock_with_tasks(doors: usize, wait: Duration) -> Vec<usize> {
    let mut knocks = tokio::task::JoinSet::new();
    for door in 0..doors {
        knocks.spawn(async move {
            tokio::time::sleep(wait).await;
            door
        });
    }
    knocks.join_all().await
}
// ANCHOR_END: tasks

// ANCHOR: threads
/// One OS thread per door, with a small stack. An error, not a panic, if the
/// operating system refuses a thread; the threads already started finish.
pub fn knock_with_threads(doors: usize, wait: Duration) -> io::Result<Vec<usize>> {
    thread::scope(|s| {
        let mut knocks = Vec::with_capacity(doors);
        for door in 0..doors {
            let knock = thread::Builder::new()
                .stack_size(THREAD_STACK)
                .spawn_scoped(s, move || {
                    thread::sleep(wait);
                    door
                })?;
            knocks.push(knock);
        }
        Ok(knocks
            .into_iter()
            .map(|k| k.join().expect("a knock does not panic"))
            .collect())
    })
}
// ANCHOR_END: threads

/// What `n` waiters held while all of them waited, in bytes, as growth of
/// the process's resident set and of the kernel's stacks (system-wide).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Footprint {
    pub waiters: usize,
    pub resident: i64,
    pub kernel_stacks: Option<i64>,
}

impl Footprint {
    pub fn resident_each(&self) -> f64 {
        self.resident as f64 / self.waiters as f64
    }
    pub fn kernel_stack_each(&self) -> Option<f64> {
        self.kernel_stacks.map(|k| k as f64 / self.waiters as f64)
    }
}

/// Memory now: the process's `VmRSS` and the system's `KernelStack`.
fn memory_now() -> (i64, Option<i64>) {
    let rss = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| kib_field(&s, "VmRSS:"));
    let stacks = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| kib_field(&s, "KernelStack:"));
    (rss.unwrap_or(0), stacks)
}

/// Finds `Name:   1234 kB` and returns the size in bytes.
pub fn kib_field(text: &str, name: &str) -> Option<i64> {
    let line = text.lines().find(|l| l.starts_with(name))?;
    let kib: i64 = line[name.len()..].split_whitespace().next()?.parse().ok()?;
    Some(kib * 1024)
}

fn growth(waiters: usize, before: (i64, Option<i64>), after: (i64, Option<i64>)) -> Footprint {
    Footprint {
        waiters,
        resident: after.0 - before.0,
        kernel_stacks: before.1.zip(after.1).map(|(b, a)| a - b),
    }
}

// ANCHOR: footprint
/// Starts `n` door knockers as tokio tasks, each held at a gate before its
/// knock; once every one is waiting, reads the memory, opens the gate, and
/// lets them knock. A task's future is sized for its largest state, so a
/// task at the gate holds as much as one in its sleep.
pub fn task_footprint(n: usize, wait: Duration) -> Footprint {
    let rt = tokio::runtime::Runtime::new().expect("a tokio runtime");
    rt.block_on(async {
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let waiting = Arc::new(AtomicUsize::new(0));
        let before = memory_now();
        let mut knocks = tokio::task::JoinSet::new();
        for door in 0..n {
            let (gate, waiting) = (gate.clone(), waiting.clone());
            knocks.spawn(async move {
                waiting.fetch_add(1, Ordering::SeqCst);
                gate.acquire().await.expect("the gate stays open").forget();
                tokio::time::sleep(wait).await;
                door
            });
        }
        while waiting.load(Ordering::SeqCst) < n {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let footprint = growth(n, before, memory_now());
        gate.add_permits(n);
        assert_eq!(knocks.join_all().await.len(), n);
        footprint
    })
}
// ANCHOR_END: footprint

/// A gate threads wait at: closed until opened, once.
#[derive(Default)]
struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    fn wait(&self) {
        let open = self.open.lock().expect("no panic while held");
        drop(
            self.opened
                .wait_while(open, |open| !*open)
                .expect("no panic while held"),
        );
    }
    fn open(&self) {
        *self.open.lock().expect("no panic while held") = true;
        self.opened.notify_all();
    }
}

/// [`task_footprint`] for OS threads with [`THREAD_STACK`] stacks. An error
/// if the operating system refuses a thread (the gate is opened first, so
/// the threads already started finish).
pub fn thread_footprint(n: usize, wait: Duration) -> io::Result<Footprint> {
    let gate = Arc::new(Gate::default());
    let waiting = Arc::new(AtomicUsize::new(0));
    let before = memory_now();
    let mut knocks = Vec::with_capacity(n);
    for door in 0..n {
        let (g, w) = (gate.clone(), waiting.clone());
        let spawned = thread::Builder::new()
            .stack_size(THREAD_STACK)
            .spawn(move || {
                w.fetch_add(1, Ordering::SeqCst);
                g.wait();
                thread::sleep(wait);
                door
            });
        match spawned {
            Ok(knock) => knocks.push(knock),
            Err(e) => {
                gate.open();
                knocks.into_iter().for_each(|k| drop(k.join()));
                return Err(e);
            }
        }
    }
    while waiting.load(Ordering::SeqCst) < n {
        thread::sleep(Duration::from_millis(1));
    }
    let footprint = growth(n, before, memory_now());
    gate.open();
    let answered = knocks.into_iter().filter_map(|k| k.join().ok()).count();
    assert_eq!(answered, n);
    Ok(footprint)
}

// ANCHOR: limit
/// How many threads this process could start, by the first limit Linux
/// would hit, and that limit's name. Each std thread takes four memory
/// mappings (stack, guard page, signal stack, its guard page), so
/// `vm.max_map_count` allows about a quarter of its value.
pub fn thread_limit() -> Option<(u64, &'static str)> {
    let read =
        |path: &str| -> Option<u64> { std::fs::read_to_string(path).ok()?.trim().parse().ok() };
    let limits = [
        (
            read("/proc/sys/vm/max_map_count")? / 4,
            "vm.max_map_count ÷ 4 mappings per thread",
        ),
        (read("/proc/sys/kernel/pid_max")?, "kernel.pid_max"),
        (read("/proc/sys/kernel/threads-max")?, "kernel.threads-max"),
    ];
    limits.into_iter().min_by_key(|&(n, _)| n)
}
// ANCHOR_END: limit
