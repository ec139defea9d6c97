use std::time::{Duration, Instant};

use actors_supervision::{
    Config, Intensity, Outcome, Strategy, jobs, quiet_poison_panics, spread, supervise, work,
};
use support_kit::testing::within_async;

const LIMIT: Duration = Duration::from_secs(120);
/// Long enough that no restart ever falls out of the window during a test.
const PERIOD: Duration = Duration::from_secs(3_600);

fn config(workers: usize, strategy: Strategy, max_restarts: u32) -> Config {
    Config {
        workers,
        strategy,
        max_restarts,
        period: PERIOD,
    }
}

async fn run(config: Config, count: u64, poison: &[u64]) -> Outcome {
    quiet_poison_panics();
    within_async(LIMIT, supervise(config, jobs(count, poison))).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn only_the_poison_jobs_are_lost_and_every_other_job_is_done_once() {
    for strategy in Strategy::ALL {
        for workers in [1, 2, 5] {
            for (count, poisoned) in [(1, 0), (100, 0), (500, 1), (2_000, 7)] {
                let poison = spread(count, poisoned);
                let outcome = run(config(workers, strategy, 10), count, &poison).await;
                let label =
                    format!("{strategy:?}, {workers} workers, {count} jobs, {poisoned} poison");
                let mut crashed = outcome.poisoned.clone();
                crashed.sort_unstable();
                assert_eq!(crashed, poison, "{label}");
                assert_eq!(outcome.restarts as u64, poisoned, "{label}");
                assert!(!outcome.gave_up, "{label}");
                assert_eq!(outcome.abandoned, 0, "{label}");
                let expected: Vec<u64> = (0..count).filter(|id| !poison.contains(id)).collect();
                assert_eq!(
                    outcome.results.keys().copied().collect::<Vec<_>>(),
                    expected,
                    "{label}"
                );
                assert!(
                    outcome
                        .results
                        .iter()
                        .all(|(&id, &result)| result == work(id)),
                    "{label}"
                );
                if strategy == Strategy::OneForOne {
                    // Nobody else is stopped, so nothing is ever done twice.
                    assert_eq!(outcome.duplicates, 0, "{label}");
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn restart_intensity_stops_a_crash_loop() {
    for strategy in Strategy::ALL {
        for max_restarts in [0, 1, 3, 8] {
            let count = 100;
            let all: Vec<u64> = (0..count).collect();
            let outcome = run(config(2, strategy, max_restarts), count, &all).await;
            let label = format!("{strategy:?}, at most {max_restarts} restarts");
            assert!(outcome.gave_up, "{label}");
            assert_eq!(outcome.restarts, max_restarts, "{label}");
            assert!(outcome.results.is_empty(), "{label}");
            // The crash that broke the limit was counted too, and it was
            // the last: the supervisor stopped at once.
            assert_eq!(outcome.poisoned.len() as u32, max_restarts + 1, "{label}");
            // Every job is accounted for: crashed, or abandoned at the give-up.
            assert_eq!(
                outcome.poisoned.len() + outcome.abandoned,
                count as usize,
                "{label}: {outcome:?}"
            );
        }
    }
}

#[test]
fn intensity_allows_max_restarts_within_the_period_and_forgets_old_ones() {
    let start = Instant::now();
    let at = |seconds: u64| start + Duration::from_secs(seconds);
    let mut intensity = Intensity::new(3, Duration::from_secs(10));
    assert!(intensity.allow(at(0)));
    assert!(intensity.allow(at(1)));
    assert!(intensity.allow(at(2)));
    assert!(
        !intensity.allow(at(3)),
        "a fourth restart within 10 s is one too many"
    );
    // Long after, the old restarts have left the window.
    let mut intensity = Intensity::new(1, Duration::from_secs(10));
    assert!(intensity.allow(at(0)));
    assert!(intensity.allow(at(11)));
    assert!(!intensity.allow(at(12)));
    assert!(!Intensity::new(0, Duration::from_secs(10)).allow(at(0)));
}
