//! The call center: `agents` threads answer callers from one shared queue.
//!
//! A dispatcher thread lets callers into the queue on a schedule drawn from a
//! seeded random number generator (exponential gaps between callers,
//! exponential talk times). Each agent is a thread that takes the next caller
//! from the queue and "talks" by sleeping for that caller's talk time. Agents
//! wait rather than compute, so a machine with two cores can run many of them.
//!
//! The run records how long every caller waited (answered − arrived) and how
//! long every agent was busy. Beside that measurement, [`erlang_c`] gives the
//! textbook prediction for the same queue (M/M/c): the probability that a
//! caller has to wait, and the mean wait.
#![forbid(unsafe_code)]

use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};

// ANCHOR: prng
/// A tiny seeded random number generator: the same seed always gives the
/// same numbers, so a schedule can be replayed exactly. This is SplitMix64
/// (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014), with the constants of Sebastiano Vigna's `splitmix64.c`.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform number in `[0, 1)`, from the top 53 bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// An exponentially distributed number with the given mean, by inverting
    /// the distribution function: if `u` is uniform, `-mean · ln(1 − u)` is
    /// exponential. `1 − u` lies in `(0, 1]`, so the logarithm is finite.
    pub fn exponential(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.next_f64()).ln()
    }
}
// ANCHOR_END: prng

/// One caller: when they ring (measured from the start of the run) and how
/// long they will talk once an agent picks up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    pub arrival: Duration,
    pub talk: Duration,
}

// ANCHOR: schedule
/// `callers` callers with exponential gaps (mean `mean_gap`) between their
/// arrivals and exponential talk times (mean `mean_talk`). The same seed gives
/// the same schedule.
pub fn schedule(callers: usize, mean_gap: Duration, mean_talk: Duration, seed: u64) -> Vec<Call> {
    let mut rng = SplitMix64::new(seed);
    let mut clock = 0.0;
    (0..callers)
        .map(|_| {
            clock += rng.exponential(mean_gap.as_secs_f64());
            let talk = rng.exponential(mean_talk.as_secs_f64());
            Call {
                arrival: Duration::from_secs_f64(clock),
                talk: Duration::from_secs_f64(talk),
            }
        })
        .collect()
}
// ANCHOR_END: schedule

/// `callers` callers who all ring at the start and each talk for `talk`: a
/// full queue for the agents to clear (the benchmark uses this).
pub fn batch(callers: usize, talk: Duration) -> Vec<Call> {
    vec![
        Call {
            arrival: Duration::ZERO,
            talk
        };
        callers
    ]
}

/// Which agent answered a caller, when (since the start of the run), and how
/// long the caller had waited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer {
    pub caller: usize,
    pub agent: usize,
    pub answered: Duration,
    pub wait: Duration,
}

/// What one run measured.
#[derive(Clone, Debug)]
pub struct Report {
    /// One entry per answer, sorted by caller.
    pub answers: Vec<Answer>,
    /// How long each agent spent talking, indexed by agent.
    pub busy: Vec<Duration>,
    /// From the start of the run until the last agent went home.
    pub elapsed: Duration,
}

// ANCHOR: serve-run
/// A caller in the queue: who, the moment they joined it, how long they will talk.
type Waiting = (usize, Instant, Duration);

/// Runs the call center: one dispatcher thread lets the callers into a shared
/// queue at their scheduled moments; `agents` threads take callers from the
/// queue, one at a time, and talk (sleep) for each caller's talk time.
pub fn serve(agents: usize, calls: &[Call]) -> Report {
    assert!(agents > 0, "a call center needs at least one agent");
    let (queue, line) = crossbeam_channel::unbounded::<Waiting>();
    let start = Instant::now();
    let shifts: Vec<(Vec<Answer>, Duration)> = thread::scope(|s| {
        s.spawn(move || dispatcher(calls, queue, start));
        let desks: Vec<_> = (0..agents)
            .map(|id| {
                let line = line.clone();
                s.spawn(move || agent(id, line, start))
            })
            .collect();
        drop(line); // only the agents hold the receiving end now
        desks
            .into_iter()
            .map(|desk| desk.join().expect("an agent panicked"))
            .collect()
    });
    let elapsed = start.elapsed();
    let busy = shifts.iter().map(|(_, busy)| *busy).collect();
    let mut answers: Vec<Answer> = shifts
        .into_iter()
        .flat_map(|(answers, _)| answers)
        .collect();
    answers.sort_by_key(|answer| answer.caller);
    Report {
        answers,
        busy,
        elapsed,
    }
}
// ANCHOR_END: serve-run

// ANCHOR: serve-threads
/// Lets each caller into the queue at `start + arrival`. Dropping `queue` at
/// the end tells the agents that nobody else will ring.
fn dispatcher(calls: &[Call], queue: Sender<Waiting>, start: Instant) {
    for (caller, call) in calls.iter().enumerate() {
        let due = start + call.arrival;
        thread::sleep(due.saturating_duration_since(Instant::now()));
        if queue.send((caller, Instant::now(), call.talk)).is_err() {
            break; // no agent left to answer
        }
    }
}

/// One agent: answer the next caller in line, talk, repeat, until the line is
/// empty and closed. Returns the calls answered and the time spent talking.
fn agent(id: usize, line: Receiver<Waiting>, start: Instant) -> (Vec<Answer>, Duration) {
    let mut answers = Vec::new();
    let mut busy = Duration::ZERO;
    for (caller, arrived, talk) in line {
        let picked_up = Instant::now();
        answers.push(Answer {
            caller,
            agent: id,
            answered: picked_up - start,
            wait: picked_up - arrived,
        });
        thread::sleep(talk); // talking is waiting, not computing
        busy += picked_up.elapsed();
    }
    (answers, busy)
}
// ANCHOR_END: serve-threads

// ANCHOR: measures-load
impl Report {
    /// How many callers each agent answered, indexed by agent.
    pub fn calls_per_agent(&self) -> Vec<usize> {
        let mut calls = vec![0; self.busy.len()];
        for answer in &self.answers {
            calls[answer.agent] += 1;
        }
        calls
    }

    /// The share of the agents' time spent talking:
    /// busy time / (agents × elapsed), between 0 and 1.
    pub fn utilisation(&self) -> f64 {
        let busy: f64 = self.busy.iter().map(Duration::as_secs_f64).sum();
        let available = self.busy.len() as f64 * self.elapsed.as_secs_f64();
        if available > 0.0 {
            busy / available
        } else {
            0.0
        }
    }
    // ANCHOR_END: measures-load

    // ANCHOR: measures-waits
    /// The wait that a share `p` (0 < p ≤ 1) of the callers did not exceed
    /// (nearest rank): `p = 0.5` is the median, `p = 0.99` the 99th percentile.
    pub fn wait_percentile(&self, p: f64) -> Duration {
        let mut waits: Vec<Duration> = self.answers.iter().map(|a| a.wait).collect();
        waits.sort();
        let rank = (p * waits.len() as f64).ceil() as usize;
        waits
            .get(rank.clamp(1, waits.len().max(1)) - 1)
            .copied()
            .unwrap_or_default()
    }

    /// The longest wait.
    pub fn max_wait(&self) -> Duration {
        self.answers
            .iter()
            .map(|a| a.wait)
            .max()
            .unwrap_or_default()
    }

    /// The average time an agent spent on a call, as measured: a little more
    /// than scheduled, because a sleep never ends early and often ends late.
    pub fn mean_talk(&self) -> Duration {
        let total: Duration = self.busy.iter().sum();
        total / self.answers.len().max(1) as u32
    }

    /// The average wait.
    pub fn mean_wait(&self) -> Duration {
        let total: Duration = self.answers.iter().map(|a| a.wait).sum();
        total / self.answers.len().max(1) as u32
    }
}
// ANCHOR_END: measures-waits

// ANCHOR: erlang
/// The probability that a caller must wait, for `agents` agents and an
/// offered load of `load` agents' worth of talk (mean talk / mean gap), in the
/// M/M/c model (Erlang C). `None` when `load >= agents`: the queue then grows
/// without end and there is no steady state to predict.
///
/// Computed through the Erlang B recursion `B(k) = a·B(k−1) / (k + a·B(k−1))`,
/// which stays finite where `a^c / c!` would overflow.
pub fn erlang_c(agents: usize, load: f64) -> Option<f64> {
    let c = agents as f64;
    if agents == 0 || !(0.0..c).contains(&load) {
        return None;
    }
    let mut blocked = 1.0; // Erlang B with 0 agents: everyone is turned away
    for k in 1..=agents {
        blocked = load * blocked / (k as f64 + load * blocked);
    }
    Some(c * blocked / (c - load * (1.0 - blocked)))
}

/// The textbook prediction for a queue with the given mean gap between
/// callers and mean talk time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prediction {
    /// The chance that an arriving caller finds every agent busy.
    pub p_wait: f64,
    /// The mean wait over all callers (those answered at once count as 0).
    pub mean_wait: Duration,
}

/// Erlang C's probability of waiting and mean wait,
/// `W = P(wait) · mean talk / (agents − load)`; `None` when overloaded.
pub fn predict(agents: usize, mean_gap: Duration, mean_talk: Duration) -> Option<Prediction> {
    let load = mean_talk.as_secs_f64() / mean_gap.as_secs_f64();
    let p_wait = erlang_c(agents, load)?;
    let mean_wait = p_wait * mean_talk.as_secs_f64() / (agents as f64 - load);
    Some(Prediction {
        p_wait,
        mean_wait: Duration::from_secs_f64(mean_wait),
    })
}
// ANCHOR_END: erlang
