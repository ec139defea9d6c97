//! The shoemaker and the elves: a pipeline whose slowest stage sets the pace.
//!
//! Every shoe goes through the same stages in order (cut, stitch, sole,
//! polish, say). Each stage has its own elves (threads); they take shoes from
//! the stage's input channel, work on each one for the stage's cost, and pass
//! it on to the next stage's channel. The work is a sleep that stands in for
//! handwork: elves wait rather than compute, so a machine with two cores can
//! keep many of them busy.
//!
//! [`Pipeline::predicted_throughput`] gives the pace without running anything:
//! the stage with the fewest elves per unit of cost lets the fewest shoes
//! through, and every stage after it can only pass on what it receives.
#![forbid(unsafe_code)]

use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, unbounded};

// ANCHOR: types
/// One step of the work, done by `elves` elves, `cost` per shoe for each elf.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    pub name: String,
    pub cost: Duration,
    pub elves: usize,
}

/// The stages, in the order every shoe visits them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    pub stages: Vec<Stage>,
}

/// A shoe, with the stages (by index) it has been through, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shoe {
    pub id: u64,
    pub log: Vec<usize>,
}
// ANCHOR_END: types

/// What one stage did during a run.
#[derive(Clone, Debug, PartialEq)]
pub struct StageReport {
    pub name: String,
    pub elves: usize,
    /// Time spent working, summed over the stage's elves.
    pub busy: Duration,
    /// busy / (elves × elapsed): the share of the stage's elf-time spent working.
    pub utilisation: f64,
}

/// What a run measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The finished shoes, in the order they left the last stage.
    pub finished: Vec<Shoe>,
    pub elapsed: Duration,
    pub stages: Vec<StageReport>,
}

impl Report {
    /// Finished shoes per second.
    pub fn throughput(&self) -> f64 {
        self.finished.len() as f64 / self.elapsed.as_secs_f64()
    }
}

impl Pipeline {
    /// The layout as elves per stage joined by dashes, such as `1-2-1-1`.
    pub fn layout(&self) -> String {
        let elves: Vec<String> = self.stages.iter().map(|s| s.elves.to_string()).collect();
        elves.join("-")
    }
}

// ANCHOR: predict
impl Pipeline {
    /// Shoes per second each stage can pass on: `elves / cost`.
    pub fn stage_rates(&self) -> Vec<f64> {
        self.stages
            .iter()
            .map(|stage| stage.elves as f64 / stage.cost.as_secs_f64())
            .collect()
    }

    /// The indices of the slowest stages: usually one, several when they tie.
    pub fn bottlenecks(&self) -> Vec<usize> {
        let rates = self.stage_rates();
        let slowest = self.predicted_throughput();
        (0..rates.len())
            .filter(|&i| rates[i] <= slowest * (1.0 + 1e-9))
            .collect()
    }

    /// The pipeline's pace once it is full: the slowest stage's rate. No
    /// stage can pass on shoes faster than it receives them.
    pub fn predicted_throughput(&self) -> f64 {
        self.stage_rates().into_iter().fold(f64::INFINITY, f64::min)
    }
}
// ANCHOR_END: predict

// ANCHOR: run
impl Pipeline {
    /// Makes `shoes` shoes. All the leather is ready at the start: shoe ids
    /// 0..shoes are queued for the first stage, then that channel is closed.
    pub fn run(&self, shoes: u64) -> Report {
        assert!(
            self.stages.iter().all(|stage| stage.elves > 0),
            "every stage needs an elf"
        );
        let (leather, mut input) = unbounded();
        for id in 0..shoes {
            leather
                .send(Shoe {
                    id,
                    log: Vec::new(),
                })
                .expect("the receiver is here");
        }
        drop(leather); // no more shoes: the first stage ends once the channel is empty

        let start = Instant::now();
        let (finished, busy) = thread::scope(|s| {
            let mut workshops = Vec::new();
            for (index, stage) in self.stages.iter().enumerate() {
                let (output, next_input) = unbounded();
                for _ in 0..stage.elves {
                    let (input, output) = (input.clone(), output.clone());
                    workshops.push(s.spawn(move || elf(index, stage.cost, input, output)));
                }
                // Only the elves hold this stage's ends now. When the last elf
                // of this stage leaves, `next_input` sees the channel close.
                input = next_input;
            }
            let finished: Vec<Shoe> = input.iter().collect();
            let busy: Vec<Duration> = workshops
                .into_iter()
                .map(|elf| elf.join().expect("an elf panicked"))
                .collect();
            (finished, busy)
        });
        let elapsed = start.elapsed();
        self.report(finished, busy, elapsed)
    }
}
// ANCHOR_END: run

impl Pipeline {
    /// Sums each stage's elves' busy times (given in the order the elves were
    /// spawned, stage by stage) into a report.
    fn report(&self, finished: Vec<Shoe>, busy: Vec<Duration>, elapsed: Duration) -> Report {
        let mut busy = busy.into_iter();
        let stages = self
            .stages
            .iter()
            .map(|stage| {
                let busy: Duration = busy.by_ref().take(stage.elves).sum();
                let available = stage.elves as f64 * elapsed.as_secs_f64();
                StageReport {
                    name: stage.name.clone(),
                    elves: stage.elves,
                    busy,
                    utilisation: if available > 0.0 {
                        busy.as_secs_f64() / available
                    } else {
                        0.0
                    },
                }
            })
            .collect();
        Report {
            finished,
            elapsed,
            stages,
        }
    }
}

// ANCHOR: elf
/// One elf: take a shoe, work on it (sleep for `cost`), note the stage in the
/// shoe's log, pass it on. Returns the time spent working. The loop ends when
/// the input channel is empty and every sender to it is gone.
fn elf(stage: usize, cost: Duration, input: Receiver<Shoe>, output: Sender<Shoe>) -> Duration {
    let mut busy = Duration::ZERO;
    for mut shoe in input {
        let started = Instant::now();
        thread::sleep(cost); // handwork: the elf waits, it does not compute
        shoe.log.push(stage);
        busy += started.elapsed();
        if output.send(shoe).is_err() {
            break; // nobody is left downstream
        }
    }
    busy
}
// ANCHOR_END: elf

/// The book's workshop: cut, stitch, sole and polish, with the given costs
/// and elves per stage.
pub fn workshop(costs: [Duration; 4], elves: [usize; 4]) -> Pipeline {
    let names = ["cut", "stitch", "sole", "polish"];
    Pipeline {
        stages: (0..4)
            .map(|i| Stage {
                name: names[i].to_string(),
                cost: costs[i],
                elves: elves[i],
            })
            .collect(),
    }
}

/// The default costs: 1, 4, 2 and 1 ms for cut, stitch, sole and polish.
pub const COSTS: [Duration; 4] = [
    Duration::from_millis(1),
    Duration::from_millis(4),
    Duration::from_millis(2),
    Duration::from_millis(1),
];
