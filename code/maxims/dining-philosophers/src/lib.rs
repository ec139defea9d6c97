//! The dining philosophers: five philosophers around a table, one fork
//! between each pair, and a philosopher needs both neighbouring forks to eat.
//! Each fork is a `Mutex`. Taken carelessly, the forks deadlock the table;
//! this crate shows that, a watchdog that notices it, three fixes, and two
//! ways to fail without deadlocking: livelock and starvation.
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Barrier, Condvar, Mutex, MutexGuard, PoisonError, TryLockError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Philosophers at the table, and forks on it.
pub const SEATS: usize = 5;

/// How often the watchdog looks at the table.
const TICK: Duration = Duration::from_millis(5);

/// How a philosopher gets hold of two forks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Left fork, then right fork, waiting for each: deadlocks.
    Naive,
    /// The lower-numbered fork first: breaks the circular wait.
    Ordered,
    /// A waiter lets at most four sit down: breaks the circular wait too.
    Waiter,
    /// Left fork, then try the right; if it is taken, put the left down
    /// and wait a random while: breaks hold-and-wait.
    TryLockBackoff,
    /// The same without the random wait: everyone retries in step (livelock).
    Polite,
    /// Ordered forks, but no thinking between meals: the neighbours of a
    /// fast eater seldom get a fork (starvation).
    Greedy,
}

impl Strategy {
    /// Every strategy, in the order the book shows them.
    pub const ALL: [Strategy; 6] = [
        Strategy::Naive,
        Strategy::Ordered,
        Strategy::Waiter,
        Strategy::TryLockBackoff,
        Strategy::Polite,
        Strategy::Greedy,
    ];

    /// The name used on the command line and in the benchmark.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Naive => "naive",
            Strategy::Ordered => "ordered",
            Strategy::Waiter => "waiter",
            Strategy::TryLockBackoff => "try-lock-backoff",
            Strategy::Polite => "polite",
            Strategy::Greedy => "greedy",
        }
    }

    /// The strategy with this name.
    pub fn from_name(name: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Does this strategy always finish a fixed number of meals?
    pub fn never_deadlocks(self) -> bool {
        !matches!(self, Strategy::Naive | Strategy::Polite)
    }
}

/// How long each step of a philosopher's life takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pace {
    /// Between meals.
    pub think: Duration,
    /// Between picking up the first fork and reaching for the second.
    pub reach: Duration,
    /// With both forks in hand.
    pub eat: Duration,
    /// The longest random wait after failing to get the second fork.
    pub backoff: Duration,
}

/// When the dinner ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Until {
    /// Each philosopher leaves after this many meals.
    Meals(u64),
    /// Everyone leaves after this long (finishing the meal in hand).
    Elapsed(Duration),
}

/// How a dinner ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every philosopher ate the meals asked for.
    Served,
    /// The time ran out and everyone left.
    TimeUp,
    /// The watchdog saw every philosopher waiting for a fork and no meal
    /// for a whole window; the philosophers' threads are left stuck.
    Deadlocked { after: Duration },
}

/// What happened at one dinner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dinner {
    pub outcome: Outcome,
    /// Meals eaten, by seat.
    pub meals: [u64; SEATS],
    /// From the first philosopher sitting down to the last one leaving (or
    /// to the watchdog's verdict).
    pub elapsed: Duration,
    /// Times a philosopher started eating while a neighbour was eating:
    /// impossible if the forks work, so always 0.
    pub clashes: u64,
}

impl Dinner {
    pub fn total(&self) -> u64 {
        self.meals.iter().sum()
    }
    pub fn fewest(&self) -> u64 {
        self.meals.iter().copied().min().unwrap_or(0)
    }
    pub fn most(&self) -> u64 {
        self.meals.iter().copied().max().unwrap_or(0)
    }
    pub fn meals_per_second(&self) -> f64 {
        self.total() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// A fork in hand.
type Fork<'t> = MutexGuard<'t, ()>;

/// The shared table: forks, the waiter, and what the watchdog reads.
struct Table {
    forks: [Mutex<()>; SEATS],
    waiter: Waiter,
    pace: Pace,
    closing: AtomicBool,
    meals: [AtomicU64; SEATS],
    /// Set while a philosopher is blocked waiting for a fork.
    waiting: [AtomicBool; SEATS],
    eating: [AtomicBool; SEATS],
    clashes: AtomicU64,
}

impl Table {
    fn new(pace: Pace) -> Table {
        Table {
            forks: std::array::from_fn(|_| Mutex::new(())),
            waiter: Waiter::new(SEATS - 1),
            pace,
            closing: AtomicBool::new(false),
            meals: std::array::from_fn(|_| AtomicU64::new(0)),
            waiting: std::array::from_fn(|_| AtomicBool::new(false)),
            eating: std::array::from_fn(|_| AtomicBool::new(false)),
            clashes: AtomicU64::new(0),
        }
    }

    fn meals(&self) -> [u64; SEATS] {
        std::array::from_fn(|seat| self.meals[seat].load(SeqCst))
    }

    fn everyone_waits(&self) -> bool {
        self.waiting.iter().all(|w| w.load(SeqCst))
    }
}

// ANCHOR: waiter
/// A waiter who lets at most `seats` philosophers sit at the table at once
/// (a counting semaphore made of a Mutex and a Condvar).
struct Waiter {
    free: Mutex<usize>,
    seat_freed: Condvar,
}

/// A seat at the table; given back to the waiter when dropped.
struct Seat<'t>(&'t Waiter);

impl Waiter {
    fn new(seats: usize) -> Waiter {
        Waiter {
            free: Mutex::new(seats),
            seat_freed: Condvar::new(),
        }
    }

    fn sit(&self) -> Seat<'_> {
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        while *free == 0 {
            free = self
                .seat_freed
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *free -= 1;
        Seat(self)
    }
}

impl Drop for Seat<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        self.0.seat_freed.notify_one();
    }
}
// ANCHOR_END: waiter

/// Both forks in hand (and the seat, if the waiter gave one). Dropping a
/// meal puts the forks down.
struct Meal<'t> {
    _forks: [Fork<'t>; 2],
    _seat: Option<Seat<'t>>,
}

/// One philosopher: a seat at the table, and a tiny random number generator
/// for the backoff (xorshift64*, seeded by the seat).
struct Philosopher<'t> {
    table: &'t Table,
    seat: usize,
    random: u64,
}

impl<'t> Philosopher<'t> {
    fn left(&self) -> usize {
        self.seat
    }

    fn right(&self) -> usize {
        (self.seat + 1) % SEATS
    }

    /// Waits until the fork is free and takes it.
    fn pick_up(&self, fork: usize) -> Fork<'t> {
        self.table.waiting[self.seat].store(true, SeqCst);
        let fork = self.table.forks[fork]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        self.table.waiting[self.seat].store(false, SeqCst);
        fork
    }

    /// Takes the fork if it is free right now.
    fn try_pick_up(&self, fork: usize) -> Option<Fork<'t>> {
        match self.table.forks[fork].try_lock() {
            Ok(fork) => Some(fork),
            Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        }
    }

    /// The pause between the first fork and the second.
    fn reach(&self) {
        pause(self.table.pace.reach);
    }

    fn table_is_closing(&self) -> bool {
        self.table.closing.load(SeqCst)
    }

    /// Waits a random time between zero and the pace's backoff.
    fn back_off(&mut self) {
        let mut x = self.random;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.random = x;
        let random = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
        let longest = self.table.pace.backoff.as_nanos() as u64;
        pause(Duration::from_nanos(random % (longest + 1)));
    }

    fn eat(&self, meal: Meal<'t>) {
        let table = self.table;
        table.eating[self.seat].store(true, SeqCst);
        let neighbours = [(self.seat + SEATS - 1) % SEATS, self.right()];
        if neighbours.iter().any(|&n| table.eating[n].load(SeqCst)) {
            table.clashes.fetch_add(1, SeqCst);
        }
        pause(table.pace.eat);
        table.meals[self.seat].fetch_add(1, SeqCst);
        table.eating[self.seat].store(false, SeqCst);
        drop(meal);
    }
}

fn pause(duration: Duration) {
    if !duration.is_zero() {
        thread::sleep(duration);
    }
}

// ANCHOR: naive
/// Left fork, then right fork, waiting as long as it takes for each.
fn naive<'t>(me: &mut Philosopher<'t>) -> Option<Meal<'t>> {
    let left = me.pick_up(me.left());
    me.reach();
    let right = me.pick_up(me.right()); // the neighbour may hold it... forever
    Some(Meal {
        _forks: [left, right],
        _seat: None,
    })
}
// ANCHOR_END: naive

// ANCHOR: ordered
/// The lower-numbered fork first. Philosopher 4 takes fork 0 before fork 4,
/// so the five can never each hold one fork and wait in a circle.
fn ordered<'t>(me: &mut Philosopher<'t>) -> Option<Meal<'t>> {
    let (first, second) = (me.left().min(me.right()), me.left().max(me.right()));
    let first = me.pick_up(first);
    me.reach();
    let second = me.pick_up(second);
    Some(Meal {
        _forks: [first, second],
        _seat: None,
    })
}
// ANCHOR_END: ordered

// ANCHOR: seated
/// Ask the waiter for a seat first. With at most four at the table, one of
/// them always gets both forks.
fn seated<'t>(me: &mut Philosopher<'t>) -> Option<Meal<'t>> {
    let seat = me.table.waiter.sit();
    let left = me.pick_up(me.left());
    me.reach();
    let right = me.pick_up(me.right());
    Some(Meal {
        _forks: [left, right],
        _seat: Some(seat),
    })
}
// ANCHOR_END: seated

// ANCHOR: backoff
/// Left fork, then try the right one. If it is taken, put the left one
/// down, wait a random while, and start again.
fn try_lock_backoff<'t>(me: &mut Philosopher<'t>) -> Option<Meal<'t>> {
    loop {
        if me.table_is_closing() {
            return None;
        }
        let left = me.pick_up(me.left());
        me.reach();
        if let Some(right) = me.try_pick_up(me.right()) {
            return Some(Meal {
                _forks: [left, right],
                _seat: None,
            });
        }
        drop(left);
        me.back_off(); // a different wait for each philosopher breaks the step
    }
}
// ANCHOR_END: backoff

// ANCHOR: polite
/// The same, but try again at once: everyone puts the left fork down and
/// picks it up again in step with everyone else.
fn polite<'t>(me: &mut Philosopher<'t>) -> Option<Meal<'t>> {
    loop {
        if me.table_is_closing() {
            return None;
        }
        let left = me.pick_up(me.left());
        me.reach();
        if let Some(right) = me.try_pick_up(me.right()) {
            return Some(Meal {
                _forks: [left, right],
                _seat: None,
            });
        }
        drop(left); // ...and straight back to the top of the loop
    }
}
// ANCHOR_END: polite

// ANCHOR: dinner
/// One philosopher's evening: think, get two forks, eat, and again.
fn philosopher(table: &Table, seat: usize, strategy: Strategy, until: Until, start: &Barrier) {
    let mut me = Philosopher {
        table,
        seat,
        random: (seat as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
    };
    let take_forks = match strategy {
        Strategy::Naive => naive,
        Strategy::Ordered | Strategy::Greedy => ordered,
        Strategy::Waiter => seated,
        Strategy::TryLockBackoff => try_lock_backoff,
        Strategy::Polite => polite,
    };
    start.wait(); // everyone sits down at the same moment
    let mut eaten = 0;
    while !me.table_is_closing() && until != Until::Meals(eaten) {
        if strategy != Strategy::Greedy {
            pause(table.pace.think);
        }
        let Some(meal) = take_forks(&mut me) else {
            break;
        };
        me.eat(meal);
        eaten += 1;
    }
}
// ANCHOR_END: dinner

/// Seats five philosophers, lets them dine with `strategy` until `until`,
/// and watches them: if every philosopher waits for a fork and no meal has
/// been eaten for `window`, the dinner is declared deadlocked and this
/// function returns at once, leaving the stuck threads behind.
pub fn dine(strategy: Strategy, pace: Pace, until: Until, window: Duration) -> Dinner {
    let table = Arc::new(Table::new(pace));
    let start = Arc::new(Barrier::new(SEATS));
    let began = Instant::now();
    let philosophers: Vec<JoinHandle<()>> = (0..SEATS)
        .map(|seat| {
            let (table, start) = (Arc::clone(&table), Arc::clone(&start));
            thread::Builder::new()
                .name(format!("philosopher-{seat}"))
                .spawn(move || philosopher(&table, seat, strategy, until, &start))
                .expect("the OS starts a thread")
        })
        .collect();
    let outcome = watch(&table, &philosophers, began, until, window);
    if !matches!(outcome, Outcome::Deadlocked { .. }) {
        for p in philosophers {
            p.join().expect("a philosopher does not panic");
        }
    }
    Dinner {
        outcome,
        meals: table.meals(),
        elapsed: began.elapsed(),
        clashes: table.clashes.load(SeqCst),
    }
}

// ANCHOR: watchdog
/// The watchdog: looks at the table every few milliseconds until everyone
/// has left. If, for a whole `window`, every philosopher waits for a fork
/// and no meal is eaten, nobody will ever eat again.
fn watch(
    table: &Table,
    philosophers: &[JoinHandle<()>],
    began: Instant,
    until: Until,
    window: Duration,
) -> Outcome {
    let mut meals = 0;
    let mut stuck_since: Option<Instant> = None;
    while !philosophers.iter().all(JoinHandle::is_finished) {
        thread::sleep(TICK);
        let now: u64 = table.meals().iter().sum();
        if now == meals && table.everyone_waits() {
            let since = *stuck_since.get_or_insert_with(Instant::now);
            if since.elapsed() >= window {
                return Outcome::Deadlocked {
                    after: began.elapsed(),
                };
            }
        } else {
            stuck_since = None; // a meal, or someone not waiting: not stuck
        }
        meals = now;
        if let Until::Elapsed(limit) = until
            && began.elapsed() >= limit
        {
            table.closing.store(true, SeqCst); // finish your meal and leave
        }
    }
    match until {
        Until::Meals(_) => Outcome::Served,
        Until::Elapsed(_) => Outcome::TimeUp,
    }
}
// ANCHOR_END: watchdog
