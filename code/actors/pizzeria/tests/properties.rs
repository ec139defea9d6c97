use std::time::Duration;

use actors_pizzeria::{Role, predicted_rate, run, runtime, shop};
use support_kit::testing::within;

const LIMIT: Duration = Duration::from_secs(120);

#[test]
fn every_pizza_is_delivered_once_after_every_stage_in_order() {
    for (ovens, drivers) in [(1, 1), (2, 4), (5, 3), (8, 1)] {
        for orders in [0u64, 1, 7, 60] {
            let day = within(LIMIT, move || {
                runtime().block_on(run(&shop(ovens, drivers), orders))
            });
            let mut ids: Vec<u64> = day.delivered.iter().map(|p| p.id).collect();
            ids.sort_unstable();
            assert_eq!(
                ids,
                (0..orders).collect::<Vec<_>>(),
                "{ovens} ovens, {drivers} drivers"
            );
            assert!(
                day.delivered.iter().all(|p| p.log == [0, 1, 2]),
                "{ovens} ovens"
            );
        }
    }
}

#[test]
fn zero_cost_roles_still_shut_down_in_cascade() {
    // With no work at all, the shop is all messages; run() returning proves
    // every actor's loop ended once the mailbox before it closed.
    let roles: Vec<Role> = shop(3, 2)
        .into_iter()
        .map(|r| Role {
            cost: Duration::ZERO,
            ..r
        })
        .collect();
    let day = within(LIMIT, move || runtime().block_on(run(&roles, 5_000)));
    assert_eq!(day.delivered.len(), 5_000);
}

#[test]
fn the_prediction_is_the_slowest_role() {
    // 1 ms order taker = 1,000/s; ovens at 4 ms: 250/s each; drivers at 2 ms: 500/s each.
    let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
    assert!(close(predicted_rate(&shop(1, 4)), 250.0));
    assert!(close(predicted_rate(&shop(2, 4)), 500.0));
    assert!(close(predicted_rate(&shop(8, 4)), 1_000.0));
    assert!(close(predicted_rate(&shop(8, 1)), 500.0));
}
