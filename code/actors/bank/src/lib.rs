//! A bank whose accounts are actors. Each account owns its balance and
//! changes it one message at a time, so no lock guards it. A transfer is run
//! by a coordinator, not by an account: it asks the payer to withdraw, and
//! only if that succeeded asks the payee to deposit. The accounts never wait
//! for each other, so no cycle of waits can form, and money is conserved:
//! once the transfers are done, the balances add up to what they started at.
//!
//! The broken design is here too: an account that, inside its own message
//! handler, asks another account to deposit and waits for the answer. Two
//! such transfers in opposite directions wait for each other for ever.
#![forbid(unsafe_code)]

use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// Why a withdrawal was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Insufficient;

// ANCHOR: message
/// What an account understands. Every message is an ask: it carries the
/// channel for its answer.
#[derive(Debug)]
pub enum Message {
    Deposit {
        amount: u64,
        done: oneshot::Sender<()>,
    },
    Withdraw {
        amount: u64,
        done: oneshot::Sender<Result<(), Insufficient>>,
    },
    Balance {
        reply: oneshot::Sender<u64>,
    },
    /// The broken design: pay `amount` to `to` from inside this account's
    /// handler, waiting there for `to` to confirm the deposit.
    PayDirectly {
        to: Account,
        amount: u64,
        done: oneshot::Sender<Result<(), Insufficient>>,
    },
}
// ANCHOR_END: message

// ANCHOR: account-open
/// A handle to an account actor.
#[derive(Clone, Debug)]
pub struct Account {
    mailbox: mpsc::Sender<Message>,
}

impl Account {
    /// Opens an account holding `balance`; it closes when its last handle drops.
    pub fn open(balance: u64) -> (Account, JoinHandle<u64>) {
        let (mailbox, mut inbox) = mpsc::channel::<Message>(64);
        let task = tokio::spawn(async move {
            let mut balance = balance;
            while let Some(message) = inbox.recv().await {
                match message {
                    Message::Deposit { amount, done } => {
                        balance += amount;
                        let _ = done.send(());
                    }
                    Message::Withdraw { amount, done } => {
                        let result = if amount <= balance {
                            balance -= amount;
                            Ok(())
                        } else {
                            Err(Insufficient)
                        };
                        let _ = done.send(result);
                    }
                    Message::Balance { reply } => {
                        let _ = reply.send(balance);
                    }
                    // ANCHOR_END: account-open
                    // ANCHOR: account-broken-arm
                    // ANCHOR: pay_directly
                    Message::PayDirectly { to, amount, done } => {
                        if amount > balance {
                            let _ = done.send(Err(Insufficient));
                            continue;
                        }
                        balance -= amount;
                        // Waiting here blocks this account's mailbox until `to`
                        // answers. If `to` is waiting on us the same way, neither
                        // ever reads the message that would free the other.
                        to.deposit(amount).await;
                        let _ = done.send(Ok(()));
                        // ANCHOR_END: pay_directly
                    }
                }
            }
            balance
        });
        (Account { mailbox }, task)
    }
    // ANCHOR_END: account-broken-arm

    // ANCHOR: account-asks
    async fn ask<T>(&self, message: impl FnOnce(oneshot::Sender<T>) -> Message) -> T {
        let (reply, answer) = oneshot::channel();
        self.mailbox
            .send(message(reply))
            .await
            .expect("accounts outlive their handles");
        answer.await.expect("accounts always answer")
    }

    pub async fn deposit(&self, amount: u64) {
        self.ask(|done| Message::Deposit { amount, done }).await
    }

    pub async fn withdraw(&self, amount: u64) -> Result<(), Insufficient> {
        self.ask(|done| Message::Withdraw { amount, done }).await
    }

    pub async fn balance(&self) -> u64 {
        self.ask(|reply| Message::Balance { reply }).await
    }

    /// The broken transfer: this account pays `to` from inside its handler.
    pub async fn pay_directly(&self, to: &Account, amount: u64) -> Result<(), Insufficient> {
        let to = to.clone();
        self.ask(|done| Message::PayDirectly { to, amount, done })
            .await
    }

    /// Queues the broken transfer without waiting for anything (the mailbox
    /// must have room); the answer comes on the returned channel.
    pub fn start_pay_directly(&self, to: &Account, amount: u64) -> Answer {
        let (done, answer) = oneshot::channel();
        let to = to.clone();
        self.mailbox
            .try_send(Message::PayDirectly { to, amount, done })
            .expect("room in the mailbox");
        answer
    }
}
// ANCHOR_END: account-asks

// ANCHOR: transfer
/// The safe transfer: the caller, not an account, coordinates. The payer is
/// asked to withdraw; only if it could is the payee asked to deposit. Each
/// account answers from its own state without waiting for anyone, so no
/// cycle of waits can form. While a transfer is between its two steps the
/// money is in the coordinator's hands, which is why the books balance only
/// when no transfer is running.
pub async fn transfer(from: &Account, to: &Account, amount: u64) -> Result<(), Insufficient> {
    from.withdraw(amount).await?;
    to.deposit(amount).await;
    Ok(())
}
// ANCHOR_END: transfer

/// A transfer to run: indices into the accounts, and an amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Order {
    pub from: usize,
    pub to: usize,
    pub amount: u64,
}

/// SplitMix64 (Steele, Lea and Flood, 2014): a small, fast generator, so the
/// orders are the same on every machine for the same seed.
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> SplitMix {
        SplitMix(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// `count` random orders between `accounts` accounts, each for 1 to
/// `max_amount`; payer and payee may be the same account.
pub fn orders(seed: u64, count: usize, accounts: usize, max_amount: u64) -> Vec<Order> {
    let mut rng = SplitMix::new(seed);
    (0..count)
        .map(|_| Order {
            from: rng.below(accounts as u64) as usize,
            to: rng.below(accounts as u64) as usize,
            amount: 1 + rng.below(max_amount),
        })
        .collect()
}

/// What a run of many transfers ended with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Books {
    pub balances: Vec<u64>,
    pub done: u64,
    pub refused: u64,
}

impl Books {
    pub fn total(&self) -> u64 {
        self.balances.iter().sum()
    }
}

// ANCHOR: run
/// Opens `accounts` accounts with `opening` each, and runs `orders` as
/// `tasks` concurrent tokio tasks (each takes every `tasks`-th order). Returns
/// the closing balances, which the accounts report as they close.
pub async fn run_bank(accounts: usize, opening: u64, orders: &[Order], tasks: usize) -> Books {
    let (handles, closings): (Vec<Account>, Vec<JoinHandle<u64>>) =
        (0..accounts).map(|_| Account::open(opening)).unzip();
    let handles = Arc::new(handles);
    let orders: Arc<[Order]> = orders.into();
    let workers: Vec<JoinHandle<(u64, u64)>> = (0..tasks)
        .map(|task| {
            let (handles, orders) = (Arc::clone(&handles), Arc::clone(&orders));
            tokio::spawn(async move {
                let (mut done, mut refused) = (0, 0);
                for order in orders.iter().skip(task).step_by(tasks) {
                    match transfer(&handles[order.from], &handles[order.to], order.amount).await {
                        Ok(()) => done += 1,
                        Err(Insufficient) => refused += 1,
                    }
                }
                (done, refused)
            })
        })
        .collect();
    let (mut done, mut refused) = (0, 0);
    for worker in workers {
        let (d, r) = worker.await.expect("a transfer task panicked");
        done += d;
        refused += r;
    }
    drop(handles); // the last handles: every account now closes
    let mut balances = Vec::with_capacity(accounts);
    for closing in closings {
        balances.push(closing.await.expect("an account panicked"));
    }
    Books {
        balances,
        done,
        refused,
    }
}
// ANCHOR_END: run

// ANCHOR: locked
/// The same bank with every balance in one `Vec` behind one `Mutex`: the
/// transfer checks and moves the money under the lock.
pub async fn run_locked_bank(
    accounts: usize,
    opening: u64,
    orders: &[Order],
    tasks: usize,
) -> Books {
    let balances = Arc::new(Mutex::new(vec![opening; accounts]));
    let orders: Arc<[Order]> = orders.into();
    let workers: Vec<JoinHandle<(u64, u64)>> = (0..tasks)
        .map(|task| {
            let (balances, orders) = (Arc::clone(&balances), Arc::clone(&orders));
            tokio::spawn(async move {
                let (mut done, mut refused) = (0, 0);
                for order in orders.iter().skip(task).step_by(tasks) {
                    let mut balances = balances.lock().expect("no panics under the lock");
                    if balances[order.from] >= order.amount {
                        balances[order.from] -= order.amount;
                        balances[order.to] += order.amount;
                        done += 1;
                    } else {
                        refused += 1;
                    }
                }
                (done, refused)
            })
        })
        .collect();
    let (mut done, mut refused) = (0, 0);
    for worker in workers {
        let (d, r) = worker.await.expect("a transfer task panicked");
        done += d;
        refused += r;
    }
    let balances = balances.lock().expect("no panics under the lock").clone();
    Books {
        balances,
        done,
        refused,
    }
}
// ANCHOR_END: locked

/// Where the answer to a payment arrives.
pub type Answer = oneshot::Receiver<Result<(), Insufficient>>;

/// Two accounts, each paying the other at the same moment with the broken
/// `pay_directly`. Both requests are queued before either account runs, as
/// happens whenever two such transfers cross. Returns the two answers'
/// channels; in the broken design they never fill.
pub fn crossing_payments(a: &Account, b: &Account) -> (Answer, Answer) {
    (a.start_pay_directly(b, 10), b.start_pay_directly(a, 10))
}
