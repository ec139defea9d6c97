use std::time::Duration;

use intro_call_center::{
    Answer, Call, Report, SplitMix64, batch, erlang_c, predict, schedule, serve,
};

const MS: Duration = Duration::from_millis(1);

fn small_schedule(seed: u64) -> Vec<intro_call_center::Call> {
    // 60 callers, a caller every 0.1 ms and 0.2 ms of talk on average: quick.
    schedule(60, MS / 10, MS / 5, seed)
}

#[test]
fn every_caller_is_answered_exactly_once() {
    let calls = small_schedule(7);
    for agents in [1, 2, 3, 8] {
        let report = serve(agents, &calls);
        let callers: Vec<usize> = report.answers.iter().map(|a| a.caller).collect();
        assert_eq!(
            callers,
            (0..calls.len()).collect::<Vec<_>>(),
            "{agents} agents"
        );
        assert!(report.answers.iter().all(|a| a.agent < agents));
    }
}

#[test]
fn calls_per_agent_add_up_to_the_callers() {
    let calls = small_schedule(8);
    for agents in [1, 2, 5] {
        let report = serve(agents, &calls);
        let per_agent = report.calls_per_agent();
        assert_eq!(per_agent.len(), agents);
        assert_eq!(per_agent.iter().sum::<usize>(), calls.len());
    }
}

#[test]
fn utilisation_is_a_share_and_no_agent_is_busier_than_the_run() {
    for agents in [1, 2, 4] {
        let report = serve(agents, &small_schedule(9));
        let utilisation = report.utilisation();
        assert!((0.0..=1.0).contains(&utilisation), "{utilisation}");
        assert!(report.busy.iter().all(|&busy| busy <= report.elapsed));
    }
}

#[test]
fn an_empty_day_is_fine() {
    let report = serve(3, &[]);
    assert!(report.answers.is_empty());
    assert_eq!(report.calls_per_agent(), vec![0, 0, 0]);
    assert_eq!(report.wait_percentile(0.99), Duration::ZERO);
    assert_eq!(report.mean_wait(), Duration::ZERO);
}

#[test]
fn one_agent_answers_in_arrival_order_one_call_after_another() {
    // Everybody rings at once; the one agent takes them first come, first
    // served, and each call takes at least its talk time (a sleep never ends early).
    let talk = Duration::from_micros(300);
    let report = serve(1, &batch(20, talk));
    assert_eq!(report.calls_per_agent(), vec![20]);
    for pair in report.answers.windows(2) {
        assert!(pair[1].answered >= pair[0].answered + talk, "{pair:?}");
    }
    assert!(report.busy[0] >= talk * 20);
}

#[test]
fn the_schedule_is_reproducible_from_the_seed() {
    let a = schedule(1_000, MS, MS * 5 / 2, 42);
    let b = schedule(1_000, MS, MS * 5 / 2, 42);
    let c = schedule(1_000, MS, MS * 5 / 2, 43);
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert!(a.windows(2).all(|w| w[0].arrival <= w[1].arrival));
}

#[test]
fn splitmix_gives_the_published_first_outputs() {
    // The first outputs of SplitMix64 for seed 1234567, the check values of
    // Rosetta Code's task "Pseudo-random numbers/Splitmix64".
    let mut rng = SplitMix64::new(1234567);
    assert_eq!(rng.next_u64(), 6457827717110365317);
    assert_eq!(rng.next_u64(), 3203168211198807973);
    assert_eq!(rng.next_u64(), 9817491932198370423);
}

#[test]
fn exponential_samples_have_the_requested_mean() {
    let mut rng = SplitMix64::new(1);
    let n = 200_000;
    let mean = (0..n).map(|_| rng.exponential(2.5)).sum::<f64>() / n as f64;
    assert!((mean - 2.5).abs() < 0.025, "{mean}");
    let mut rng = SplitMix64::new(2);
    assert!((0..n).all(|_| (0.0..1.0).contains(&rng.next_f64())));
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn erlang_c_with_one_agent_is_the_load() {
    // M/M/1: a caller waits exactly when the one agent is busy, a share ρ of the time.
    for rho in [0.1, 0.5, 0.9, 0.99] {
        assert!(close(erlang_c(1, rho).unwrap(), rho));
    }
}

#[test]
fn erlang_c_with_two_agents_matches_the_closed_form() {
    // M/M/2 with ρ = a/2: P(wait) = 2ρ² / (1 + ρ).
    for load in [0.2, 1.0, 1.5, 1.9] {
        let rho: f64 = load / 2.0;
        assert!(close(
            erlang_c(2, load).unwrap(),
            2.0 * rho * rho / (1.0 + rho)
        ));
    }
    assert!(close(erlang_c(2, 1.0).unwrap(), 1.0 / 3.0));
}

#[test]
fn erlang_c_matches_the_textbook_sum() {
    // By hand for c = 3, a = 2: 1 + 2 + 2 = 5 below, (8/6)·3/(3−2) = 4 on top, so 4/9.
    assert!(close(erlang_c(3, 2.0).unwrap(), 4.0 / 9.0));
    // The direct formula, for small cases where a^c/c! cannot overflow.
    for c in 1..=12usize {
        for step in 1..10 {
            let a = c as f64 * step as f64 / 10.0;
            let mut term = 1.0; // a^k / k!
            let mut below = 0.0;
            for k in 0..c {
                below += term;
                term *= a / (k + 1) as f64;
            }
            let top = term * c as f64 / (c as f64 - a);
            let expected = top / (below + top);
            let got = erlang_c(c, a).unwrap();
            assert!(
                (got - expected).abs() < 1e-9,
                "c={c} a={a}: {got} vs {expected}"
            );
        }
    }
}

#[test]
fn overloaded_queues_have_no_prediction() {
    assert_eq!(erlang_c(2, 2.0), None);
    assert_eq!(erlang_c(2, 2.5), None);
    assert_eq!(erlang_c(3, f64::NAN), None);
    assert_eq!(predict(2, MS, MS * 5 / 2), None);
    // Many agents and a big load: no overflow, a sensible probability.
    let p = erlang_c(1000, 950.0).unwrap();
    assert!(p > 0.0 && p < 1.0, "{p}");
}

#[test]
fn mean_wait_of_one_agent_is_rho_over_one_minus_rho_talks() {
    // M/M/1 with a caller every 2 ms and 1 ms of talk: ρ = 0.5, W = ρ/(1−ρ)·talk = 1 ms.
    let p = predict(1, MS * 2, MS).unwrap();
    assert!(close(p.p_wait, 0.5));
    assert!((p.mean_wait.as_secs_f64() - 1e-3).abs() < 1e-9);
}

/// A run with four answers (waits of 1, 2, 3 and 4 ms) by two agents busy
/// for 3 ms and 5 ms during a 10 ms run.
fn measured_run() -> Report {
    let answer = |caller: usize, agent: usize, wait_ms: u64| Answer {
        caller,
        agent,
        answered: MS * (caller as u32 + 1),
        wait: MS * wait_ms as u32,
    };
    Report {
        answers: vec![
            answer(0, 0, 3),
            answer(1, 1, 1),
            answer(2, 0, 4),
            answer(3, 1, 2),
        ],
        busy: vec![MS * 3, MS * 5],
        elapsed: MS * 10,
    }
}

#[test]
fn the_measures_of_a_run_are_its_sums_shares_and_ranks() {
    let report = measured_run();
    assert_eq!(report.calls_per_agent(), vec![2, 2]);
    // 8 ms busy out of 2 agents × 10 ms.
    assert!(close(report.utilisation(), 0.4), "{}", report.utilisation());
    assert_eq!(report.max_wait(), MS * 4);
    assert_eq!(report.mean_wait(), MS * 10 / 4);
    assert_eq!(report.mean_talk(), MS * 2, "8 ms of talk over 4 calls");
    // Nearest rank: the smallest wait that a share p of the callers did not exceed.
    assert_eq!(report.wait_percentile(0.1), MS);
    assert_eq!(report.wait_percentile(0.25), MS);
    assert_eq!(report.wait_percentile(0.5), MS * 2);
    assert_eq!(report.wait_percentile(0.75), MS * 3);
    assert_eq!(report.wait_percentile(0.99), MS * 4);
    assert_eq!(report.wait_percentile(1.0), MS * 4);
}

#[test]
fn a_run_that_took_no_time_has_zero_utilisation() {
    let report = Report {
        answers: Vec::new(),
        busy: vec![Duration::ZERO; 2],
        elapsed: Duration::ZERO,
    };
    assert_eq!(report.utilisation(), 0.0);
    assert_eq!(report.mean_talk(), Duration::ZERO);
    assert_eq!(report.max_wait(), Duration::ZERO);
}

#[test]
fn the_schedule_has_the_requested_mean_gap_and_talk() {
    let calls = schedule(10_000, MS, MS * 5 / 2, 42);
    let last = calls.last().unwrap().arrival.as_secs_f64();
    assert!(
        (last - 10.0).abs() < 0.5,
        "10,000 gaps of 1 ms end near 10 s: {last}"
    );
    let talk = calls.iter().map(|c| c.talk.as_secs_f64()).sum::<f64>() / calls.len() as f64;
    assert!((talk - 2.5e-3).abs() < 0.1e-3, "{talk}");
}

#[test]
fn nobody_is_answered_before_they_ring() {
    let calls: Vec<Call> = [0, 20, 40]
        .into_iter()
        .map(|ms| Call {
            arrival: MS * ms,
            talk: Duration::from_micros(100),
        })
        .collect();
    let report = serve(2, &calls);
    for answer in &report.answers {
        assert!(
            answer.answered >= calls[answer.caller].arrival,
            "{answer:?} rang at {:?}",
            calls[answer.caller].arrival
        );
    }
    assert!(report.elapsed >= MS * 40);
}
