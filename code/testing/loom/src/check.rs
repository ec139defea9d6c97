//! Running the ring under loom: a traced loom atomic, two models, and a driver that counts executions.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use crate::{Name, Orders, Word, ring};

/// One traced operation of one execution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Which thread ran it: "producer" or "consumer".
    pub thread: String,
    /// What it did, with the value a load returned.
    pub op: String,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<9} {}", self.thread, self.op)
    }
}

std::thread_local! {
    // loom runs every thread of a model as a coroutine on the one OS thread that called it, so a std
    // thread-local is one log per running model, in the order loom scheduled the steps.
    static TRACE: RefCell<Vec<Step>> = const { RefCell::new(Vec::new()) };
}

fn record(op: String) {
    let thread = loom::thread::current()
        .name()
        .unwrap_or("consumer")
        .to_string();
    TRACE.with(|trace| trace.borrow_mut().push(Step { thread, op }));
}

// ANCHOR: loom-word
/// loom's `AtomicU64`, which logs each load (with the value loom chose to return) and each store.
pub struct LoomWord {
    name: Name,
    atomic: loom::sync::atomic::AtomicU64,
}

impl Word for LoomWord {
    fn new(name: Name, value: u64) -> Self {
        LoomWord {
            name,
            atomic: loom::sync::atomic::AtomicU64::new(value),
        }
    }
    fn load(&self, order: Ordering) -> u64 {
        let value = self.atomic.load(order);
        record(format!("{}.load({order:?}) -> {value}", self.name));
        value
    }
    fn store(&self, value: u64, order: Ordering) {
        self.atomic.store(value, order);
        record(format!("{}.store({value}, {order:?})", self.name));
    }
    fn pause() {
        loom::thread::yield_now();
    }
}
// ANCHOR_END: loom-word

/// The two models loom checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Model {
    /// One slot; the producer pushes 1 while the consumer tries one pop, which must get 1 if it gets
    /// anything. The smallest model that shows the publish bug.
    Publish,
    /// One slot; the producer pushes 1 then 2 (waiting for the slot to come back), the consumer pops
    /// twice (waiting for each). It must receive exactly `[1, 2]`: this exercises the wrap-around.
    WrapAround,
}

impl Model {
    /// Both models.
    pub const ALL: [Model; 2] = [Model::Publish, Model::WrapAround];

    /// A short name for tables and benchmark ids.
    pub fn name(self) -> &'static str {
        match self {
            Model::Publish => "publish",
            Model::WrapAround => "wrap-around",
        }
    }
}

// ANCHOR: models-producer
/// One execution of `model` with `orders`; loom calls this once per interleaving it explores.
pub fn run_model(model: Model, orders: Orders) -> Outcome {
    let (mut producer, mut consumer) = ring::<LoomWord>(1, orders);
    let items: &[u64] = match model {
        Model::Publish => &[1],
        Model::WrapAround => &[1, 2],
    };
    let producer = loom::thread::Builder::new()
        .name("producer".into())
        .spawn(move || {
            let mut waited = false;
            for &item in items {
                while !producer.try_push(item) {
                    waited = true;
                    loom::thread::yield_now();
                }
            }
            waited
        })
        .unwrap();
    // ANCHOR_END: models-producer
    // ANCHOR: models-consumer
    let mut outcome = Outcome::default();
    match model {
        Model::Publish => {
            outcome.popped = consumer.try_pop();
            if let Some(value) = outcome.popped {
                assert_eq!(value, 1, "popped a slot before its value arrived");
            }
        }
        Model::WrapAround => {
            let mut received = Vec::new();
            while received.len() < items.len() {
                match consumer.try_pop() {
                    Some(value) => received.push(value),
                    None => {
                        outcome.consumer_waited = true;
                        loom::thread::yield_now();
                    }
                }
            }
            assert_eq!(received, [1, 2], "received the wrong items");
            outcome.popped = received.last().copied();
        }
    }
    outcome.producer_waited = producer.join().unwrap();
    outcome
}
// ANCHOR_END: models-consumer

/// What one passing execution observed: evidence of which orderings loom explored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Outcome {
    /// What the consumer's last pop returned.
    pub popped: Option<u64>,
    /// Whether the consumer found the ring empty and waited.
    pub consumer_waited: bool,
    /// Whether the producer found the ring full and waited.
    pub producer_waited: bool,
}

/// A failing execution loom found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The 1-based number of the execution that failed.
    pub execution: usize,
    /// The assertion's message.
    pub message: String,
    /// Every atomic operation of the failing execution, in the order loom ran them.
    pub trace: Vec<Step>,
}

/// What one loom run did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exploration {
    /// How many executions loom ran (all of them if it passed; up to the failing one if not).
    pub executions: usize,
    /// The distinct outcomes of the executions that passed, sorted: a check that loom really ran the
    /// orderings the model is about.
    pub outcomes: Vec<Outcome>,
    /// The failing execution, if loom found one.
    pub failure: Option<Failure>,
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else {
        "(a panic without a message)".to_string()
    }
}

// ANCHOR: explore
/// Runs loom over `model` with `orders`, at most `preemptions` preemptions per execution (`None`: no
/// bound), counting the executions it runs and keeping the trace of a failing one.
pub fn explore(model: Model, orders: Orders, preemptions: Option<usize>) -> Exploration {
    let executions = Arc::new(Mutex::new(0_usize));
    let outcomes = Arc::new(Mutex::new(BTreeSet::new()));
    let counter = Arc::clone(&executions);
    let seen = Arc::clone(&outcomes);
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = preemptions;
    builder.max_branches = 10_000;
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        builder.check(move || {
            *counter.lock().unwrap() += 1;
            TRACE.with(|trace| trace.borrow_mut().clear());
            let popped = run_model(model, orders);
            seen.lock().unwrap().insert(popped);
        })
    }));
    let executions = *executions.lock().unwrap();
    let failure = outcome.err().map(|payload| Failure {
        execution: executions,
        message: panic_message(&*payload),
        trace: TRACE.with(|trace| trace.borrow().clone()),
    });
    let outcomes = outcomes.lock().unwrap().iter().copied().collect();
    Exploration {
        executions,
        outcomes,
        failure,
    }
}
// ANCHOR_END: explore
