//! Properties of the supervisor, with real worker processes that really die.

mod common;

use std::io::Cursor;
use std::time::Duration;

use common::program;
use processes_crash_isolation::{
    Config, Death, Fault, Job, Report, Summary, expected, faults, plan, serve, spawn_and_answer,
    supervise, work,
};
use support_kit::testing::{assert_no_children, one_at_a_time, within};

const LIMIT: Duration = Duration::from_secs(120);
const WIDTH: u64 = 400;

fn run(jobs: Vec<Job>, workers: usize, deadline: Duration, max_attempts: u32) -> Summary {
    let config = Config {
        workers,
        deadline,
        max_attempts,
    };
    within(LIMIT, move || supervise(program(), jobs, &config).unwrap())
}

/// What every run must show, whatever the interleaving: each job's result
/// recorded once and right, one restart per crash, each crash the one that
/// was planted, and each crashed attempt re-run.
fn assert_exactly_once(jobs: &[Job], summary: &Summary) {
    assert_eq!(summary.results, expected(jobs));
    assert_eq!(summary.duplicates, 0);
    assert!(summary.gave_up.is_empty());
    let planted: Vec<(u64, Fault)> = jobs
        .iter()
        .filter_map(|j| j.fault_now().map(|f| (j.id, f)))
        .collect();
    assert_eq!(
        summary.crashes.len(),
        planted.len(),
        "{:?}",
        summary.crashes
    );
    assert_eq!(summary.restarts, planted.len() as u64);
    assert_eq!(summary.attempts, jobs.len() as u64 + planted.len() as u64);
    assert_eq!(summary.redone, planted.len() as u64 * WIDTH / 2);
    let mut seen: Vec<(u64, Fault)> = summary
        .crashes
        .iter()
        .map(|c| {
            let (id, attempt) = c.job.expect("every crash held a job");
            assert_eq!(attempt, 1, "only first attempts are sabotaged");
            let fault = c.injected.expect("every crash was planted");
            assert_eq!(c.death.looks_like(), Some(fault), "{c:?}");
            assert_eq!(c.killed_by_supervisor, fault == Fault::Hang, "{c:?}");
            (id, fault)
        })
        .collect();
    seen.sort();
    assert_eq!(seen, planted);
}

#[test]
fn panics_and_aborts_lose_no_job_and_count_none_twice() {
    let _serial = one_at_a_time();
    for workers in 1..=4 {
        for (panics, aborts) in [(0, 0), (1, 0), (0, 1), (3, 3), (10, 10)] {
            let jobs = plan(40, WIDTH, &faults(panics, aborts, 0), 0);
            let summary = run(jobs.clone(), workers, Duration::from_secs(30), 3);
            assert_exactly_once(&jobs, &summary);
            for crash in &summary.crashes {
                match crash.injected {
                    Some(Fault::Panic) => {
                        assert_eq!(crash.death, Death::Code(101));
                        assert!(crash.last_words.contains("told this worker to panic"));
                    }
                    Some(Fault::Abort) => assert_eq!(crash.death, Death::Signal(6)),
                    other => panic!("unexpected {other:?}"),
                }
            }
            assert_no_children();
        }
    }
}

#[test]
fn hung_workers_are_killed_at_the_deadline_and_their_jobs_rerun() {
    let _serial = one_at_a_time();
    for workers in [1, 3] {
        let jobs = plan(30, WIDTH, &faults(1, 1, 2), 0);
        let summary = run(jobs.clone(), workers, Duration::from_secs(2), 3);
        assert_exactly_once(&jobs, &summary);
        let kills = summary
            .crashes
            .iter()
            .filter(|c| c.death == Death::Signal(9))
            .count();
        assert_eq!(kills, 2);
        assert_no_children();
    }
}

#[test]
fn a_poison_job_is_given_up_after_max_attempts_and_nothing_else_is_lost() {
    let _serial = one_at_a_time();
    // One attempt allowed: both sabotaged jobs are given up on the spot.
    let jobs = plan(20, WIDTH, &faults(1, 1, 0), 1);
    let summary = run(jobs.clone(), 2, Duration::from_secs(30), 1);
    let sabotaged: Vec<u64> = jobs
        .iter()
        .filter(|j| j.sabotage.is_some())
        .map(|j| j.id)
        .collect();
    let mut gave_up = summary.gave_up.clone();
    gave_up.sort_unstable();
    assert_eq!(gave_up, sabotaged);
    assert_eq!(summary.results.len(), 18);
    assert_no_children();
    for max_attempts in [2, 3, 5] {
        // The first fault (a panic) crashes every time; the abort only once.
        let jobs = plan(20, WIDTH, &faults(1, 1, 0), 1);
        let poison = jobs.iter().find(|j| j.sabotage.is_some()).unwrap().id;
        let summary = run(jobs.clone(), 2, Duration::from_secs(30), max_attempts);
        assert_eq!(summary.gave_up, vec![poison]);
        let mut want = expected(&jobs);
        want.remove(&poison);
        assert_eq!(summary.results, want);
        let on_poison: Vec<u32> = summary
            .crashes
            .iter()
            .filter_map(|c| c.job.filter(|&(id, _)| id == poison).map(|(_, a)| a))
            .collect();
        assert_eq!(on_poison, (1..=max_attempts).collect::<Vec<_>>());
        assert_eq!(summary.crashes.len() as u32, max_attempts + 1);
        assert_eq!(summary.restarts, summary.crashes.len() as u64);
        assert_no_children();
    }
}

#[test]
fn more_workers_than_jobs_retire_cleanly() {
    let _serial = one_at_a_time();
    let jobs = plan(3, WIDTH, &[], 0);
    let summary = run(jobs.clone(), 8, Duration::from_secs(30), 3);
    assert_exactly_once(&jobs, &summary);
    assert_eq!(summary.spawned, 8);
    assert_no_children();
}

#[test]
fn a_fresh_worker_gives_the_right_first_answer() {
    let _serial = one_at_a_time();
    let job = plan(1, 1_000, &[], 0).remove(0);
    let value = within(LIMIT, move || spawn_and_answer(program(), &job).unwrap());
    assert_eq!(value, work(0, 1_000));
    assert_no_children();
}

#[test]
fn the_worker_reports_progress_then_its_result() {
    let job = Job {
        id: 5,
        from: 10,
        to: 20,
        attempt: 1,
        sabotage: None,
    };
    let mut out = Vec::new();
    let input = serde_json::to_string(&job).unwrap() + "\n";
    assert_eq!(serve(Cursor::new(input), &mut out).unwrap(), 1);
    let reports: Vec<Report> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        reports,
        [
            Report::Progress { id: 5, done: 5 },
            Report::Done {
                id: 5,
                value: work(10, 20)
            }
        ]
    );
}

#[test]
fn the_plan_puts_each_fault_on_its_own_job() {
    let injected = faults(3, 2, 1);
    assert_eq!(injected.len(), 6);
    let jobs = plan(50, 10, &injected, 2);
    let sabotaged: Vec<&Job> = jobs.iter().filter(|j| j.sabotage.is_some()).collect();
    assert_eq!(sabotaged.len(), 6);
    let poison = sabotaged
        .iter()
        .filter(|j| j.sabotage.unwrap().attempts == u32::MAX)
        .count();
    assert_eq!(poison, 2);
    for kind in [Fault::Panic, Fault::Abort, Fault::Hang] {
        let n = sabotaged
            .iter()
            .filter(|j| j.fault_now() == Some(kind))
            .count();
        assert_eq!(n, injected.iter().filter(|&&f| f == kind).count());
    }
    // Every number is covered once.
    assert_eq!(jobs.last().unwrap().to, 500);
    assert!(jobs.windows(2).all(|w| w[0].to == w[1].from));
}
