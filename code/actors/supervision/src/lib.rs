//! Let it crash, with ractor: workers that panic on a poison message, and a
//! supervisor that restarts them. The supervisor keeps the work queue itself
//! and hands each worker one job at a time, so a crash can take only the job
//! the worker was holding, which is the poison one; everything else is
//! dispatched again. Restart intensity (at most `max_restarts` restarts within
//! `period`, as Erlang/OTP's supervisors count them) stops a crash loop: past
//! it, the supervisor gives up and reports, instead of restarting for ever.
#![forbid(unsafe_code)]

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use ractor::{Actor, ActorId, ActorProcessingErr, ActorRef, SupervisionEvent};
use tokio::sync::oneshot;

/// One unit of work. A poison job makes the worker that takes it panic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job {
    pub id: u64,
    pub poison: bool,
}

/// The work itself: a few rounds of a xorshift mix over the job's id.
pub fn work(id: u64) -> u64 {
    let mut x = id.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for _ in 0..64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

/// `count` jobs with ids `0..count`; those in `poison` are poisoned.
pub fn jobs(count: u64, poison: &[u64]) -> Vec<Job> {
    (0..count)
        .map(|id| Job {
            id,
            poison: poison.contains(&id),
        })
        .collect()
}

/// `n` poison ids spread evenly over `0..count`.
pub fn spread(count: u64, n: u64) -> Vec<u64> {
    (0..n).map(|i| (2 * i + 1) * count / (2 * n)).collect()
}

/// What to restart when one worker fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Only the failed worker.
    OneForOne,
    /// Every worker: the others are stopped and started again with it.
    OneForAll,
}

impl Strategy {
    pub const ALL: [Strategy; 2] = [Strategy::OneForOne, Strategy::OneForAll];

    pub fn name(self) -> &'static str {
        match self {
            Strategy::OneForOne => "one-for-one",
            Strategy::OneForAll => "one-for-all",
        }
    }
}

/// How the supervisor is set up.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    pub workers: usize,
    pub strategy: Strategy,
    /// Restarts allowed within `period`; one more and the supervisor gives up.
    pub max_restarts: u32,
    pub period: Duration,
}

// ANCHOR: intensity
/// Erlang/OTP's restart intensity: more than `max` restarts within `period`
/// means the failure is not going away, and restarting again would only loop.
#[derive(Debug)]
pub struct Intensity {
    max: u32,
    period: Duration,
    recent: VecDeque<Instant>,
}

impl Intensity {
    pub fn new(max: u32, period: Duration) -> Intensity {
        Intensity {
            max,
            period,
            recent: VecDeque::new(),
        }
    }

    /// Records a restart at `now`; false if it is one too many.
    pub fn allow(&mut self, now: Instant) -> bool {
        self.recent.push_back(now);
        while let Some(&oldest) = self.recent.front() {
            if now.duration_since(oldest) > self.period {
                self.recent.pop_front();
            } else {
                break;
            }
        }
        self.recent.len() <= self.max as usize
    }
}
// ANCHOR_END: intensity

/// What a supervised run ended with.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Each finished job's result, by id.
    pub results: BTreeMap<u64, u64>,
    /// The jobs that were in a worker's hands when it crashed, in crash order.
    pub poisoned: Vec<u64>,
    pub restarts: u32,
    /// True when restart intensity was exceeded and the supervisor stopped.
    pub gave_up: bool,
    /// Jobs left unfinished because the supervisor gave up: still queued, or
    /// in a healthy worker's hands when it did.
    pub abandoned: usize,
    /// Results that arrived twice (one-for-all may redo a job a stopped worker
    /// had already finished); kept once.
    pub duplicates: u64,
}

// ANCHOR: worker
/// A worker: one job at a time, reported back to its supervisor. It panics
/// on poison, and it keeps no state worth saving, so a restart loses nothing.
pub struct Worker;

pub struct WorkerArgs {
    supervisor: ActorRef<Done>,
    slot: usize,
    generation: u64,
}

impl Actor for Worker {
    type Msg = Job;
    type State = WorkerArgs;
    type Arguments = WorkerArgs;

    async fn pre_start(
        &self,
        _myself: ActorRef<Job>,
        args: WorkerArgs,
    ) -> Result<WorkerArgs, ActorProcessingErr> {
        Ok(args)
    }

    async fn handle(
        &self,
        _myself: ActorRef<Job>,
        job: Job,
        state: &mut WorkerArgs,
    ) -> Result<(), ActorProcessingErr> {
        if job.poison {
            panic!("poison message {}", job.id);
        }
        let done = Done {
            slot: state.slot,
            generation: state.generation,
            id: job.id,
            result: work(job.id),
        };
        state.supervisor.cast(done)?;
        Ok(())
    }
}
// ANCHOR_END: worker

/// A worker's report: which job it finished, and which worker it was.
#[derive(Debug)]
pub struct Done {
    slot: usize,
    generation: u64,
    id: u64,
    result: u64,
}

/// The supervisor. Its state holds the queue; workers hold one job at most.
pub struct Supervisor;

pub struct SupervisorArgs {
    pub config: Config,
    pub jobs: Vec<Job>,
    pub report: oneshot::Sender<Outcome>,
}

pub struct SupervisorState {
    config: Config,
    queue: VecDeque<Job>,
    /// Per slot: the current worker, its generation, and the job it holds.
    slots: Vec<Slot>,
    next_generation: u64,
    intensity: Intensity,
    outcome: Outcome,
    report: Option<oneshot::Sender<Outcome>>,
}

struct Slot {
    worker: ActorRef<Job>,
    generation: u64,
    holding: Option<Job>,
}

impl SupervisorState {
    fn slot_of(&self, worker: ActorId) -> Option<usize> {
        self.slots.iter().position(|s| s.worker.get_id() == worker)
    }

    /// Gives the worker in `slot` its next job, if any is left.
    fn dispatch(&mut self, slot: usize) -> Result<(), ActorProcessingErr> {
        if let Some(job) = self.queue.pop_front() {
            self.slots[slot].holding = Some(job);
            self.slots[slot].worker.cast(job)?;
        }
        Ok(())
    }

    fn finished(&self) -> bool {
        self.queue.is_empty() && self.slots.iter().all(|s| s.holding.is_none())
    }

    /// Sends the outcome and stops the supervisor and its workers.
    fn finish(&mut self, myself: &ActorRef<Done>) {
        let held = self.slots.iter().filter(|s| s.holding.is_some()).count();
        self.outcome.abandoned = self.queue.len() + held;
        if let Some(report) = self.report.take() {
            let _ = report.send(std::mem::take(&mut self.outcome));
        }
        myself.stop_children(None);
        myself.stop(None);
    }
}

async fn spawn_worker(
    supervisor: &ActorRef<Done>,
    slot: usize,
    generation: u64,
) -> Result<ActorRef<Job>, ActorProcessingErr> {
    let args = WorkerArgs {
        supervisor: supervisor.clone(),
        slot,
        generation,
    };
    let (worker, _) = Actor::spawn_linked(None, Worker, args, supervisor.get_cell()).await?;
    Ok(worker)
}

impl Actor for Supervisor {
    type Msg = Done;
    type State = SupervisorState;
    type Arguments = SupervisorArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<Done>,
        args: SupervisorArgs,
    ) -> Result<SupervisorState, ActorProcessingErr> {
        let mut slots = Vec::new();
        for slot in 0..args.config.workers {
            let worker = spawn_worker(&myself, slot, slot as u64).await?;
            slots.push(Slot {
                worker,
                generation: slot as u64,
                holding: None,
            });
        }
        let mut state = SupervisorState {
            config: args.config,
            queue: args.jobs.into(),
            next_generation: args.config.workers as u64,
            slots,
            intensity: Intensity::new(args.config.max_restarts, args.config.period),
            outcome: Outcome::default(),
            report: Some(args.report),
        };
        for slot in 0..state.slots.len() {
            state.dispatch(slot)?;
        }
        if state.finished() {
            state.finish(&myself);
        }
        Ok(state)
    }

    async fn handle(
        &self,
        myself: ActorRef<Done>,
        done: Done,
        state: &mut SupervisorState,
    ) -> Result<(), ActorProcessingErr> {
        if state.outcome.results.insert(done.id, done.result).is_some() {
            state.outcome.duplicates += 1;
        }
        // A report from a worker that one-for-all has since replaced is kept,
        // but that worker gets no more work.
        let slot = &mut state.slots[done.slot];
        if slot.generation == done.generation {
            slot.holding = None;
            state.dispatch(done.slot)?;
        }
        if state.finished() {
            state.finish(&myself);
        }
        Ok(())
    }

    // ANCHOR: restart-failed
    async fn handle_supervisor_evt(
        &self,
        myself: ActorRef<Done>,
        event: SupervisionEvent,
        state: &mut SupervisorState,
    ) -> Result<(), ActorProcessingErr> {
        // Stopped workers (one-for-all's) report ActorTerminated: nothing to do.
        let SupervisionEvent::ActorFailed(cell, _panic) = event else {
            return Ok(());
        };
        let Some(failed) = state.slot_of(cell.get_id()) else {
            return Ok(()); // a worker already replaced
        };
        // The job it held is the one that killed it: set aside, not retried.
        if let Some(job) = state.slots[failed].holding.take() {
            state.outcome.poisoned.push(job.id);
        }
        if !state.intensity.allow(Instant::now()) {
            state.outcome.gave_up = true;
            state.finish(&myself);
            return Ok(());
        }
        // ANCHOR_END: restart-failed
        // ANCHOR: restart-workers
        state.outcome.restarts += 1;
        let restart: Vec<usize> = match state.config.strategy {
            Strategy::OneForOne => vec![failed],
            Strategy::OneForAll => (0..state.slots.len()).collect(),
        };
        for &slot in &restart {
            if slot != failed {
                // A healthy worker: its job goes back to the front of the queue.
                if let Some(job) = state.slots[slot].holding.take() {
                    state.queue.push_front(job);
                }
                state.slots[slot].worker.stop(None);
            }
        }
        for &slot in &restart {
            let generation = state.next_generation;
            state.next_generation += 1;
            state.slots[slot].worker = spawn_worker(&myself, slot, generation).await?;
            state.slots[slot].generation = generation;
        }
        for &slot in &restart {
            state.dispatch(slot)?;
        }
        if state.finished() {
            state.finish(&myself);
        }
        Ok(())
    }
    // ANCHOR_END: restart-workers
}

// ANCHOR: run
/// Runs `jobs` through a supervisor set up by `config`; returns once the
/// supervisor has finished (or given up) and stopped.
pub async fn supervise(config: Config, jobs: Vec<Job>) -> Outcome {
    let (report, outcome) = oneshot::channel();
    let args = SupervisorArgs {
        config,
        jobs,
        report,
    };
    let (_supervisor, ended) = Actor::spawn(None, Supervisor, args)
        .await
        .expect("the supervisor starts");
    let outcome = outcome.await.expect("the supervisor always reports");
    ended.await.expect("the supervisor's task ends");
    outcome
}
// ANCHOR_END: run

/// Keeps the expected panics (poison messages) off stderr; any other panic
/// is printed as usual.
pub fn quiet_poison_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if !message.starts_with("poison message") {
            default(info);
        }
    }));
}
