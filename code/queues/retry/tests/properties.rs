//! Against the real broker. Each test makes its own queues, so they may run
//! at once. The only clock in these tests is a lower bound the broker
//! guarantees: a message with a TTL cannot leave its queue before the TTL.
use std::collections::HashMap;
use std::time::Duration;

use queues_retry::{Event, LEVELS, Outcome, POISON, Policy, head_of_line, run};

const LIMIT: Duration = Duration::from_secs(30);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("a tokio runtime")
}

async fn connect() -> lapin::Connection {
    support_broker::connect("queues-retry test")
        .await
        .unwrap_or_else(|error| panic!("{error}"))
}

fn of_job(events: &[Event], job: u64) -> Vec<Event> {
    events.iter().copied().filter(|e| e.job == job).collect()
}

/// RabbitMQ stamps a message's enqueue time and compares clocks in whole
/// milliseconds, so an expiry can look up to one millisecond early to a
/// finer clock. That is the only slack.
const GRAIN: Duration = Duration::from_millis(1);

#[test]
fn a_job_that_fails_twice_is_done_once_after_two_spaced_retries() {
    runtime().block_on(async {
        let connection = connect().await;
        let (events, parked) = run(&connection, Policy::BackOff, &LEVELS, 4, &[(7, 2)], LIMIT)
            .await
            .unwrap();
        let mine = of_job(&events, 7);
        let numbers: Vec<u32> = mine.iter().map(|e| e.delivery).collect();
        let outcomes: Vec<Outcome> = mine.iter().map(|e| e.outcome).collect();
        assert_eq!(numbers, [1, 2, 3], "{events:?}");
        assert_eq!(
            outcomes,
            [
                Outcome::Waiting { level: 0 },
                Outcome::Waiting { level: 1 },
                Outcome::Done
            ]
        );
        for (k, pair) in mine.windows(2).enumerate() {
            let gap = pair[1].at - pair[0].at;
            assert!(gap + GRAIN >= LEVELS[k], "retry {k} after {gap:?}");
        }
        assert!(parked.is_empty(), "{parked:?}");
        support_broker::close(&connection).await;
    });
}

#[test]
fn a_job_that_always_fails_is_parked_with_its_tries_in_x_death() {
    runtime().block_on(async {
        let connection = connect().await;
        // Three levels and six tries: the last level is used three times.
        let levels = [10, 20, 40].map(Duration::from_millis);
        let (events, parked) = run(
            &connection,
            Policy::BackOff,
            &levels,
            6,
            &[(9, POISON)],
            LIMIT,
        )
        .await
        .unwrap();
        let mine = of_job(&events, 9);
        assert_eq!(mine.len(), 6, "{events:?}");
        assert_eq!(mine.last().unwrap().outcome, Outcome::Parked);
        assert_eq!(parked.len(), 1, "{parked:?}");
        let (job, deaths) = &parked[0];
        assert_eq!(*job, 9);
        let mut by_place: HashMap<(String, String), i64> = HashMap::new();
        for death in deaths {
            let place = match death.queue.split_once("-wait-") {
                Some((_, level)) => level.to_string(),
                None => "work".to_string(),
            };
            *by_place.entry((place, death.reason.clone())).or_default() += death.count;
        }
        let expect = |place: &str, reason: &str| {
            by_place
                .get(&(place.to_string(), reason.to_string()))
                .copied()
        };
        assert_eq!(expect("10ms", "expired"), Some(1), "{deaths:?}");
        assert_eq!(expect("20ms", "expired"), Some(1), "{deaths:?}");
        assert_eq!(expect("40ms", "expired"), Some(3), "{deaths:?}");
        assert_eq!(expect("work", "rejected"), Some(1), "{deaths:?}");
        let total: i64 = deaths.iter().map(|d| d.count).sum();
        // RabbitMQ 3.10 (to 3.12, and 3.13 from 3.13.3) adds to an x-death header a
        // client republished; 4.0 does not, which is why the consumer counts
        // in a header of its own.
        assert_eq!(total, 6, "x-death records every try: {deaths:?}");
        support_broker::close(&connection).await;
    });
}

#[test]
fn every_job_ends_exactly_once_done_or_parked() {
    runtime().block_on(async {
        let connection = connect().await;
        let levels = [5, 10, 20].map(Duration::from_millis);
        let max_tries = 3;
        let jobs: Vec<(u64, u32)> = (0..40)
            .map(|id| (id, if id % 5 == 4 { POISON } else { (id % 5) as u32 }))
            .collect();
        let (events, parked) = run(
            &connection,
            Policy::BackOff,
            &levels,
            max_tries,
            &jobs,
            LIMIT,
        )
        .await
        .unwrap();
        let mut parked_ids: Vec<u64> = parked.iter().map(|(job, _)| *job).collect();
        parked_ids.sort_unstable();
        let mut expected_parked = Vec::new();
        for &(job, fails) in &jobs {
            let mine = of_job(&events, job);
            let ends: Vec<Outcome> = mine
                .iter()
                .map(|e| e.outcome)
                .filter(|o| matches!(o, Outcome::Done | Outcome::Parked))
                .collect();
            if fails < max_tries {
                assert_eq!(ends, [Outcome::Done], "job {job}: {mine:?}");
                assert_eq!(mine.len() as u32, fails + 1, "job {job}: {mine:?}");
            } else {
                assert_eq!(ends, [Outcome::Parked], "job {job}: {mine:?}");
                assert_eq!(mine.len() as u32, max_tries, "job {job}: {mine:?}");
                expected_parked.push(job);
            }
        }
        assert_eq!(
            parked_ids, expected_parked,
            "the parking lot holds exactly the failures"
        );
        support_broker::close(&connection).await;
    });
}

#[test]
fn a_requeued_poison_job_never_ends() {
    runtime().block_on(async {
        let connection = connect().await;
        let window = Duration::from_millis(300);
        let (events, parked) = run(
            &connection,
            Policy::Requeue,
            &LEVELS,
            4,
            &[(1, POISON)],
            window,
        )
        .await
        .unwrap();
        assert!(!events.is_empty());
        assert!(
            events.iter().all(|e| e.outcome == Outcome::Requeued),
            "{events:?}"
        );
        let numbers: Vec<u32> = events.iter().map(|e| e.delivery).collect();
        let counted: Vec<u32> = (1..=events.len() as u32).collect();
        assert_eq!(numbers, counted, "one job, delivered again and again");
        assert!(parked.is_empty());
        support_broker::close(&connection).await;
    });
}

#[test]
fn per_message_ttl_expires_only_from_the_head() {
    runtime().block_on(async {
        let connection = connect().await;
        let (long, short) = (Duration::from_millis(400), Duration::from_millis(20));
        let order = head_of_line(&connection, long, short).await.unwrap();
        let bodies: Vec<&str> = order.iter().map(|(body, _)| body.as_str()).collect();
        assert_eq!(bodies, ["long", "short"]);
        // The short one waited for the long one: not back before its TTL.
        assert!(order[1].1 + GRAIN >= long, "{order:?}");
        support_broker::close(&connection).await;
    });
}
