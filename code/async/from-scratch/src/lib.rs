//! Futures from scratch: a timer future written by hand, a waker built from
//! `std::task::Wake`, a one-thread executor with a run queue, and a "reactor"
//! (a timer thread) that wakes tasks when their deadlines pass. Together they
//! run the door knock: many tasks that mostly wait. The same knocks run on
//! tokio for comparison, and a second example shows `join!` (many futures in
//! one task) against `spawn` (tasks the runtime may run in parallel).
#![forbid(unsafe_code)]

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

// ANCHOR: reactor-alarm
/// A request to the timer thread: wake this waker at this deadline.
struct Alarm {
    deadline: Instant,
    waker: Waker,
}

// The heap orders alarms by deadline only; a waker has no order.
impl PartialEq for Alarm {
    fn eq(&self, other: &Self) -> bool {
        self.deadline == other.deadline
    }
}
impl Eq for Alarm {}
impl PartialOrd for Alarm {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Alarm {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.deadline.cmp(&other.deadline)
    }
}
// ANCHOR_END: reactor-alarm

// ANCHOR: reactor-thread
/// The reactor: one thread that keeps the alarms in a heap, sleeps until
/// the earliest deadline (or a new alarm), and wakes every task that is due.
fn timer_thread(alarms: mpsc::Receiver<Alarm>) {
    let mut due: BinaryHeap<Reverse<Alarm>> = BinaryHeap::new();
    loop {
        let next = match due.peek() {
            None => alarms.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(Reverse(first)) => {
                alarms.recv_timeout(first.deadline.saturating_duration_since(Instant::now()))
            }
        };
        match next {
            Ok(alarm) => due.push(Reverse(alarm)),
            Err(RecvTimeoutError::Timeout) => {}
            // No handle can send again: finish the alarms already set, then stop.
            Err(RecvTimeoutError::Disconnected) if due.is_empty() => return,
            Err(RecvTimeoutError::Disconnected) => {
                let first = &due.peek().expect("not empty").0;
                thread::sleep(first.deadline.saturating_duration_since(Instant::now()));
            }
        }
        let now = Instant::now();
        while due.peek().is_some_and(|Reverse(a)| a.deadline <= now) {
            due.pop().expect("peeked").0.waker.wake();
        }
    }
}
// ANCHOR_END: reactor-thread

/// A handle to the timer thread. Clones are cheap; the thread ends once every
/// handle is gone and its last alarm has rung.
#[derive(Clone)]
pub struct Timer {
    alarms: mpsc::Sender<Alarm>,
}

/// The owner of the timer thread: [`TimerThread::handle`] gives out handles,
/// and dropping the owner waits for the thread to finish.
pub struct TimerThread {
    handle: Option<Timer>,
    thread: Option<JoinHandle<()>>,
}

impl TimerThread {
    pub fn start() -> TimerThread {
        let (alarms, requests) = mpsc::channel();
        let thread = thread::Builder::new()
            .name("timer".into())
            .spawn(move || timer_thread(requests))
            .expect("the timer thread starts");
        TimerThread {
            handle: Some(Timer { alarms }),
            thread: Some(thread),
        }
    }

    pub fn handle(&self) -> Timer {
        self.handle.clone().expect("present until dropped")
    }
}

impl Drop for TimerThread {
    fn drop(&mut self) {
        drop(self.handle.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

// ANCHOR: sleep-state
/// A future that is ready once `deadline` has passed. Its whole state
/// machine is written by hand: no `async` anywhere.
pub struct Sleep {
    deadline: Instant,
    timer: Timer,
    /// The waker handed to the timer thread, if any: polled again with the
    /// same waker, the future need not ask twice.
    registered: Option<Waker>,
}

impl Sleep {
    pub fn new(timer: &Timer, wait: Duration) -> Sleep {
        Sleep {
            deadline: Instant::now() + wait,
            timer: timer.clone(),
            registered: None,
        }
    }
}
// ANCHOR_END: sleep-state

// ANCHOR: sleep-poll
impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.deadline {
            return Poll::Ready(());
        }
        let fresh = match &self.registered {
            Some(waker) => !waker.will_wake(cx.waker()),
            None => true,
        };
        if fresh {
            // Pending is a promise: "someone will call wake when it is worth
            // polling me again". Giving the waker to the timer keeps it.
            let alarm = Alarm {
                deadline: self.deadline,
                waker: cx.waker().clone(),
            };
            self.timer
                .alarms
                .send(alarm)
                .expect("the timer thread runs");
            self.registered = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}
// ANCHOR_END: sleep-poll

// ANCHOR: knock
/// One knock, as most code would write it: wait, then answer with the door.
pub async fn knock(timer: Timer, door: usize, wait: Duration) -> usize {
    Sleep::new(&timer, wait).await;
    door
}
// ANCHOR_END: knock

// ANCHOR: knock_by_hand
/// The same knock as a state machine written by hand: roughly what the
/// compiler makes of `knock`. Each variant holds the locals that are alive
/// at one point where the function can stop.
pub enum Knock {
    /// Not yet polled: the arguments, nothing more.
    Start {
        timer: Timer,
        door: usize,
        wait: Duration,
    },
    /// Stopped at the `.await`: the future being awaited, and `door`,
    /// which is needed after it.
    Waiting { sleep: Sleep, door: usize },
    /// Finished; polling again is a bug.
    Done,
}

impl Future for Knock {
    type Output = usize;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        loop {
            match std::mem::replace(&mut *self, Knock::Done) {
                Knock::Start { timer, door, wait } => {
                    let sleep = Sleep::new(&timer, wait);
                    *self = Knock::Waiting { sleep, door };
                }
                Knock::Waiting { mut sleep, door } => match Pin::new(&mut sleep).poll(cx) {
                    Poll::Ready(()) => return Poll::Ready(door),
                    Poll::Pending => {
                        *self = Knock::Waiting { sleep, door };
                        return Poll::Pending;
                    }
                },
                Knock::Done => panic!("Knock polled after it returned Ready"),
            }
        }
    }
}
// ANCHOR_END: knock_by_hand

// ANCHOR: task
/// A boxed future of any type, ready to be polled through a pin.
type BoxedFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// A task: its future (gone once it has finished) and the run queue it puts
/// itself on when woken.
struct Task<T> {
    id: usize,
    future: Mutex<Option<BoxedFuture<T>>>,
    run_queue: mpsc::Sender<Arc<Task<T>>>,
}

/// Waking a task is sending it to the run queue. `Wake` turns any
/// `Arc<Task>` into a `Waker`, with no unsafe code.
impl<T: Send + 'static> Wake for Task<T> {
    fn wake(self: Arc<Self>) {
        // After the executor has gone, a late wake has nowhere to go.
        let run_queue = self.run_queue.clone();
        let _ = run_queue.send(self);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let _ = self.run_queue.send(self.clone());
    }
}
// ANCHOR_END: task

/// What one executor run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished<T> {
    /// `(task id, output)`, in the order the tasks finished.
    pub outputs: Vec<(usize, T)>,
    /// How many times a future was polled, all tasks together.
    pub polls: u64,
    /// Wakes of tasks that had already finished, which the executor ignored.
    pub stale_wakes: u64,
}

// ANCHOR: executor
/// A one-thread executor: puts every future on the run queue, then polls
/// whatever the queue hands it until every task has finished.
pub fn run_all<T, F>(futures: Vec<F>) -> Finished<T>
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let (run_queue, ready) = mpsc::channel::<Arc<Task<T>>>();
    let total = futures.len();
    for (id, future) in futures.into_iter().enumerate() {
        let task = Task {
            id,
            future: Mutex::new(Some(Box::pin(future))),
            run_queue: run_queue.clone(),
        };
        run_queue
            .send(Arc::new(task))
            .expect("we hold the receiver");
    }
    let mut finished = Finished {
        outputs: Vec::with_capacity(total),
        polls: 0,
        stale_wakes: 0,
    };
    while finished.outputs.len() < total {
        let task = ready.recv().expect("a pending task is held by a waker");
        let mut slot = task.future.lock().expect("no poll panicked");
        let Some(future) = slot.as_mut() else {
            finished.stale_wakes += 1; // it finished already: never poll it again
            continue;
        };
        let waker = Waker::from(task.clone());
        finished.polls += 1;
        if let Poll::Ready(output) = future.as_mut().poll(&mut Context::from_waker(&waker)) {
            *slot = None;
            finished.outputs.push((task.id, output));
        }
    }
    finished
}
// ANCHOR_END: executor

/// Knocks on `doors` doors, each waiting `wait`, on the executor and timer
/// thread above; `by_hand` picks the hand-written `Knock` over `async fn`.
pub fn knock_from_scratch(doors: usize, wait: Duration, by_hand: bool) -> Finished<usize> {
    let timers = TimerThread::start();
    let timer = timers.handle();
    let finished = if by_hand {
        let knocks = (0..doors).map(|door| Knock::Start {
            timer: timer.clone(),
            door,
            wait,
        });
        run_all(knocks.collect())
    } else {
        run_all(
            (0..doors)
                .map(|door| knock(timer.clone(), door, wait))
                .collect(),
        )
    };
    drop(timer);
    finished
}

// ANCHOR: tokio_knock
/// The same knocks as tokio tasks: tokio's timer wheel is the reactor, and
/// its scheduler the executor. Returns the doors in the order they answered.
pub async fn knock_on_tokio(doors: usize, wait: Duration) -> Vec<usize> {
    let mut knocks = tokio::task::JoinSet::new();
    for door in 0..doors {
        knocks.spawn(async move {
            tokio::time::sleep(wait).await;
            door
        });
    }
    knocks.join_all().await
}
// ANCHOR_END: tokio_knock

/// A runtime of either flavour, with its timer.
pub fn runtime(workers: Option<usize>) -> tokio::runtime::Runtime {
    match workers {
        None => tokio::runtime::Builder::new_current_thread(),
        Some(n) => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            builder.worker_threads(n);
            builder
        }
    }
    .enable_all()
    .build()
    .expect("a tokio runtime")
}

/// CPU work that takes a few milliseconds and cannot be skipped: a hash
/// folded over `rounds` numbers.
pub fn crunch(seed: u64, rounds: u64) -> u64 {
    let mut h = seed ^ 0x9e37_79b9_7f4a_7c15;
    for i in 0..rounds {
        h = (h ^ std::hint::black_box(i))
            .wrapping_mul(0x0100_0000_01b3)
            .rotate_left(5);
    }
    h
}

static CRUNCHED: AtomicU64 = AtomicU64::new(0);

/// Counts the crunches done so far in this process (the tests use it).
pub fn crunches() -> u64 {
    CRUNCHED.load(Ordering::Relaxed)
}

async fn crunch_task(seed: u64, rounds: u64) -> u64 {
    CRUNCHED.fetch_add(1, Ordering::Relaxed);
    crunch(seed, rounds)
}

// ANCHOR: join_vs_spawn
/// Four CPU-bound futures inside one task: `join!` polls them in turn, so
/// they take turns on one thread, whatever the runtime has.
pub async fn four_joined(rounds: u64) -> [u64; 4] {
    let (a, b, c, d) = tokio::join!(
        crunch_task(1, rounds),
        crunch_task(2, rounds),
        crunch_task(3, rounds),
        crunch_task(4, rounds),
    );
    [a, b, c, d]
}

/// The same four as tasks of their own: a multi-thread runtime may run them
/// on different workers at the same time.
pub async fn four_spawned(rounds: u64) -> [u64; 4] {
    let tasks = [1, 2, 3, 4].map(|seed| tokio::spawn(crunch_task(seed, rounds)));
    let mut out = [0; 4];
    for (slot, task) in out.iter_mut().zip(tasks) {
        *slot = task.await.expect("a crunch does not panic");
    }
    out
}
// ANCHOR_END: join_vs_spawn
