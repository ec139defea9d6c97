use std::time::Duration;

use intro_call_center::{SplitMix64, batch, erlang_c, predict, schedule, serve};

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
