//! A pizza shop as actors, after the pizzeria Bruce Eckel builds in *On
//! Java 8*'s concurrency chapter. An order taker, some ovens and some
//! drivers are actors, each with its own mailbox; a pizza is a message that
//! moves from one to the next. Work is a sleep that stands in for handwork,
//! as in the Introduction's shoemaker pipeline, which this shop is measured
//! against: same stages, same costs, but there the elves of a stage share one
//! channel, and here each actor owns its mailbox and the stage before it
//! deals pizzas out in turn.
#![forbid(unsafe_code)]

use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// A pizza, with the stages (by index) it has been through, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pizza {
    pub id: u64,
    pub log: Vec<usize>,
}

/// One kind of worker: its name, how long one pizza takes, how many there are.
#[derive(Clone, Debug)]
pub struct Role {
    pub name: &'static str,
    pub cost: Duration,
    pub actors: usize,
}

/// The shop's roles in the order a pizza visits them.
pub fn shop(ovens: usize, drivers: usize) -> Vec<Role> {
    vec![
        Role {
            name: "order taker",
            cost: Duration::from_millis(1),
            actors: 1,
        },
        Role {
            name: "oven",
            cost: Duration::from_millis(4),
            actors: ovens,
        },
        Role {
            name: "driver",
            cost: Duration::from_millis(2),
            actors: drivers,
        },
    ]
}

/// Pizzas per second once the shop is busy: the slowest role's rate,
/// `actors / cost`. The same rule as the shoemaker's.
pub fn predicted_rate(roles: &[Role]) -> f64 {
    roles
        .iter()
        .map(|r| r.actors as f64 / r.cost.as_secs_f64())
        .fold(f64::INFINITY, f64::min)
}

// ANCHOR: handwork
/// The handwork: a thread sleep, as the shoemaker's elves do, on tokio's
/// blocking pool so the actor's worker thread stays free. tokio's own timer
/// counts in whole milliseconds and rounds a sleep up to the next tick, which
/// would stretch a 1 ms job towards 2 ms and measure the timer, not the shop.
async fn handwork(cost: Duration) {
    if cost > Duration::ZERO {
        tokio::task::spawn_blocking(move || std::thread::sleep(cost))
            .await
            .expect("a sleep does not panic");
    }
}
// ANCHOR_END: handwork

// ANCHOR: worker
/// One actor of a role: take a pizza from its own mailbox, work on it, log
/// it, and deal it to the next role's actors in turn. When its mailbox
/// closes (every sender to it is gone) it ends, dropping its senders, so the
/// next role's actors end after it: shutdown flows down the line by itself.
async fn worker(
    stage: usize,
    cost: Duration,
    mut mailbox: mpsc::UnboundedReceiver<Pizza>,
    next: Vec<mpsc::UnboundedSender<Pizza>>,
) {
    let mut turn = 0;
    while let Some(mut pizza) = mailbox.recv().await {
        handwork(cost).await;
        pizza.log.push(stage);
        if next[turn].send(pizza).is_err() {
            break; // nobody is left downstream
        }
        turn = (turn + 1) % next.len();
    }
}
// ANCHOR_END: worker

/// What a day at the shop measured.
#[derive(Clone, Debug)]
pub struct Day {
    /// Pizzas in the order they were delivered.
    pub delivered: Vec<Pizza>,
    pub elapsed: Duration,
}

// ANCHOR: open-build
/// Opens the shop with `roles`, takes `orders` orders (all waiting at the
/// door when it opens) and runs until every pizza is delivered and every
/// actor has ended.
pub async fn run(roles: &[Role], orders: u64) -> Day {
    assert!(
        roles.iter().all(|r| r.actors > 0),
        "every role needs an actor"
    );
    // The mailboxes, role by role; the last "role" is the customers' door.
    let (door, mut delivered_rx) = mpsc::unbounded_channel();
    let mut next: Vec<mpsc::UnboundedSender<Pizza>> = vec![door];
    let mut actors: Vec<JoinHandle<()>> = Vec::new();
    // Built back to front, so each role knows the mailboxes after it.
    for (stage, role) in roles.iter().enumerate().rev() {
        let mut mailboxes = Vec::new();
        for _ in 0..role.actors {
            let (sender, mailbox) = mpsc::unbounded_channel();
            actors.push(tokio::spawn(worker(
                stage,
                role.cost,
                mailbox,
                next.clone(),
            )));
            mailboxes.push(sender);
        }
        next = mailboxes; // the old `next` is dropped: only the actors hold it now
    }
    // ANCHOR_END: open-build
    // ANCHOR: open-orders
    let start = Instant::now();
    for id in 0..orders {
        let first = &next[(id as usize) % next.len()];
        first
            .send(Pizza {
                id,
                log: Vec::new(),
            })
            .expect("the order taker is open");
    }
    drop(next); // no more orders: the order taker ends when its mailbox is empty
    let mut delivered = Vec::with_capacity(orders as usize);
    while let Some(pizza) = delivered_rx.recv().await {
        delivered.push(pizza);
    }
    let elapsed = start.elapsed();
    for actor in actors {
        actor.await.expect("an actor panicked");
    }
    Day { delivered, elapsed }
}
// ANCHOR_END: open-orders

/// The same shop as the Introduction's shoemaker pipeline: one stage per
/// role, the role's actors as elves sharing the stage's channel.
pub fn as_pipeline(roles: &[Role]) -> intro_shoemaker_elves::Pipeline {
    intro_shoemaker_elves::Pipeline {
        stages: roles
            .iter()
            .map(|r| intro_shoemaker_elves::Stage {
                name: r.name.to_string(),
                cost: r.cost,
                elves: r.actors,
            })
            .collect(),
    }
}

/// The oven counts the book compares.
pub const OVENS: [usize; 4] = [1, 2, 4, 8];
/// Drivers in every comparison: four drivers at 2 ms deliver 2,000 pizzas a
/// second, more than the order taker's 1,000, so they are never the bottleneck.
pub const DRIVERS: usize = 4;

/// The runtime the CLI and the benchmark use.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}
