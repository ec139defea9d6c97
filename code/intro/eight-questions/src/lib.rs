//! The eight questions every strategy chapter answers, answered here with
//! plain std threads. Each answer is one small function that runs the
//! mechanism for real and returns what happened, so that the tests can check
//! it and the command line can show it.
#![forbid(unsafe_code)]

use std::any::Any;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

// ANCHOR: start
/// Q1. How do I start a task? Hand a closure to `thread::spawn`. The closure
/// may outlive the caller, so it must own what it uses. A scoped thread
/// (`thread::scope`) is joined before the scope ends, so it may borrow.
/// Returns the answers of one spawned and two scoped threads.
pub fn start_tasks(words: &[&str]) -> (String, Vec<usize>) {
    let spawned = thread::spawn(|| String::from("hello from a spawned thread"));
    let lengths = thread::scope(|scope| {
        let first = scope.spawn(|| words.iter().map(|w| w.len()).sum::<usize>());
        let second = scope.spawn(|| words.len());
        vec![first.join().unwrap(), second.join().unwrap()]
    });
    (spawned.join().unwrap(), lengths)
}
// ANCHOR_END: start

// ANCHOR: stop
/// Q2. How do I stop one? Ask it: std has no way to kill a thread, so the
/// task looks at a shared flag and returns when it is set. Returns how many
/// rounds of work the task finished before it noticed.
pub fn stop_with_a_flag(let_it_run: Duration) -> u64 {
    let stop = Arc::new(AtomicBool::new(false));
    let task = {
        let stop = Arc::clone(&stop);
        thread::spawn(move || {
            let mut rounds = 0;
            while !stop.load(Ordering::Relaxed) {
                thread::sleep(Duration::from_micros(100)); // one round of "work"
                rounds += 1;
            }
            rounds
        })
    };
    thread::sleep(let_it_run);
    stop.store(true, Ordering::Relaxed);
    task.join().unwrap()
}
// ANCHOR_END: stop

// ANCHOR: input
/// Q3. How does a task get its input? Moved into its closure before it
/// starts, or sent over a channel while it runs. Returns both tasks' sums.
pub fn give_input(numbers: Vec<u64>) -> (u64, u64) {
    let (sender, receiver) = mpsc::channel::<u64>();
    let fed_by_channel = thread::spawn(move || receiver.iter().sum::<u64>());
    for &n in &numbers {
        sender.send(n).unwrap();
    }
    drop(sender); // no more input: the receiver's loop ends
    let fed_by_move = thread::spawn(move || numbers.iter().sum::<u64>());
    (fed_by_move.join().unwrap(), fed_by_channel.join().unwrap())
}
// ANCHOR_END: input

// ANCHOR: result
/// Q4. How do I get its result? The task's closure returns it, and
/// `JoinHandle::join` hands it over once the task has finished.
pub fn get_results(tasks: u64) -> Vec<u64> {
    let handles: Vec<_> = (0..tasks).map(|i| thread::spawn(move || i * i)).collect();
    handles
        .into_iter()
        .map(|handle| handle.join().unwrap())
        .collect()
}
// ANCHOR_END: result

// ANCHOR: drive
/// Q5. What drives the tasks? The operating system's scheduler: each std
/// thread is an OS thread with its own id, here also a name, and the OS
/// decides which of them runs on which core, and when.
pub fn who_runs(tasks: usize) -> Vec<(String, String)> {
    let handles: Vec<_> = (0..tasks)
        .map(|i| {
            thread::Builder::new()
                .name(format!("worker-{i}"))
                .spawn(|| {
                    let me = thread::current();
                    (
                        me.name().unwrap_or("unnamed").to_string(),
                        format!("{:?}", me.id()),
                    )
                })
                .expect("the OS starts a thread")
        })
        .collect();
    handles
        .into_iter()
        .map(|handle| handle.join().unwrap())
        .collect()
}
// ANCHOR_END: drive

// ANCHOR: failure
/// Q6. How does a task fail, and who hears of it? It panics; the panic ends
/// that thread only, and whoever joins it receives an `Err` holding the
/// panic's message. Returns that message, or the result if there was none.
pub fn fail_and_report(door: u64) -> Result<u64, String> {
    let task = thread::Builder::new()
        .name(format!("knocker-{door}"))
        .spawn(move || {
            if door == 13 {
                panic!("door {door} is locked");
            }
            door
        })
        .expect("the OS starts a thread");
    task.join()
        .map_err(|payload| panic_message(payload.as_ref()))
}

/// A panic's payload is usually a `&str` or a `String`.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_string()
    }
}
// ANCHOR_END: failure

// ANCHOR: talk
/// Q7. Can tasks talk to each other? Yes, over channels: here `senders`
/// threads each send `messages` numbers to one receiving thread, which
/// returns all it got, sorted.
pub fn talk(senders: u64, messages: u64) -> Vec<u64> {
    let (sender, receiver) = mpsc::channel();
    let listener = thread::spawn(move || {
        let mut heard: Vec<u64> = receiver.iter().collect();
        heard.sort_unstable();
        heard
    });
    for s in 0..senders {
        let sender = sender.clone();
        thread::spawn(move || {
            for m in 0..messages {
                sender.send(s * messages + m).unwrap();
            }
        });
    }
    drop(sender); // the listener stops once every clone is gone too
    listener.join().unwrap()
}
// ANCHOR_END: talk

// ANCHOR: shared
/// Q8. What happens if two tasks use the same storage? Plain shared `&mut`
/// does not compile (see the listing); a `Mutex` or an atomic makes every
/// update count. Returns both counters after `threads × increments` updates.
pub fn share_a_counter(threads: u64, increments: u64) -> (u64, u64) {
    let locked = Mutex::new(0u64);
    let atomic = AtomicU64::new(0);
    thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                for _ in 0..increments {
                    *locked.lock().unwrap() += 1;
                    atomic.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    (locked.into_inner().unwrap(), atomic.into_inner())
}
// ANCHOR_END: shared

// ANCHOR: asynchronous
/// `spawn` is asynchronous: it returns before the task's work is done.
/// `join` is synchronous: it returns only after. Returns how long after the
/// start each call returned, for a task that sleeps `work`.
pub fn spawn_returns_at_once(work: Duration) -> (Duration, Duration) {
    let start = Instant::now();
    let task = thread::spawn(move || thread::sleep(work));
    let spawn_returned = start.elapsed();
    task.join().unwrap();
    (spawn_returned, start.elapsed())
}
// ANCHOR_END: asynchronous

/// The distinct values in `values` (used to count distinct thread ids).
pub fn distinct<T: Ord + Clone>(values: impl IntoIterator<Item = T>) -> usize {
    values.into_iter().collect::<BTreeSet<T>>().len()
}

/// A thread that waits for numbers and answers each with the number plus
/// one: the cost of handing work to a task that already runs.
pub struct Echo {
    requests: mpsc::Sender<u64>,
    answers: mpsc::Receiver<u64>,
    thread: thread::JoinHandle<()>,
}

impl Echo {
    pub fn start() -> Echo {
        let (requests, inbox) = mpsc::channel::<u64>();
        let (outbox, answers) = mpsc::channel();
        let thread = thread::spawn(move || {
            for n in inbox {
                if outbox.send(n + 1).is_err() {
                    break;
                }
            }
        });
        Echo {
            requests,
            answers,
            thread,
        }
    }

    /// Sends `n` to the thread and waits for its answer.
    pub fn ask(&self, n: u64) -> u64 {
        self.requests.send(n).expect("the echo thread is running");
        self.answers.recv().expect("the echo thread answers")
    }

    /// Closes the request channel and waits for the thread to end.
    pub fn stop(self) {
        drop(self.requests);
        self.thread.join().expect("the echo thread does not panic");
    }
}

/// Starts a thread that adds one to `n` and waits for its answer.
pub fn spawn_and_join(n: u64) -> u64 {
    thread::spawn(move || n + 1)
        .join()
        .expect("the thread does not panic")
}

/// The same with a scoped thread.
pub fn scoped_spawn_and_join(n: u64) -> u64 {
    thread::scope(|scope| {
        scope
            .spawn(|| n + 1)
            .join()
            .expect("the thread does not panic")
    })
}
