//! What loom proves about the ring, and that it catches the broken one. Every test runs the library's own
//! ring with loom's atomic plugged in.

use testing_loom::Orders;
use testing_loom::check::{self, Model, Outcome};

fn outcome(popped: Option<u64>, consumer_waited: bool, producer_waited: bool) -> Outcome {
    Outcome {
        popped,
        consumer_waited,
        producer_waited,
    }
}

#[test]
fn the_fixed_ring_passes_every_execution_of_both_models() {
    for model in Model::ALL {
        let run = check::explore(model, Orders::ReleaseAcquire, None);
        assert_eq!(run.failure, None, "{model:?}");
        assert!(run.executions > 1, "{model:?}: loom ran one execution only");
    }
}

// ANCHOR: coverage
#[test]
fn loom_really_explored_the_orderings_each_model_is_about() {
    // Publish: the consumer's one try must sometimes come before the push and sometimes after it.
    let publish = check::explore(Model::Publish, Orders::ReleaseAcquire, None);
    assert_eq!(
        publish.outcomes,
        [outcome(None, false, false), outcome(Some(1), false, false)]
    );
    // Wrap-around: every combination of "the consumer found it empty" and "the producer found it full".
    let wrap = check::explore(Model::WrapAround, Orders::ReleaseAcquire, None);
    assert_eq!(
        wrap.outcomes,
        [
            outcome(Some(2), false, false),
            outcome(Some(2), false, true),
            outcome(Some(2), true, false),
            outcome(Some(2), true, true),
        ]
    );
}
// ANCHOR_END: coverage

// ANCHOR: catches
#[test]
fn loom_catches_the_relaxed_tail_in_both_models() {
    let publish = check::explore(Model::Publish, Orders::RelaxedTail, None);
    let failure = publish.failure.expect("loom must find the stale slot");
    assert!(
        failure
            .message
            .contains("popped a slot before its value arrived"),
        "loom failed for another reason: {}",
        failure.message
    );
    // The trace shows why: the consumer saw the new tail and still read the slot's old value.
    let ops: Vec<&str> = failure.trace.iter().map(|step| step.op.as_str()).collect();
    let saw_tail = ops.iter().position(|op| *op == "tail.load(Relaxed) -> 1");
    let read_stale = ops
        .iter()
        .position(|op| *op == "slot[0].load(Relaxed) -> 0");
    assert!(
        matches!((saw_tail, read_stale), (Some(t), Some(s)) if t < s),
        "{ops:?}"
    );

    let wrap = check::explore(Model::WrapAround, Orders::RelaxedTail, None);
    let failure = wrap
        .failure
        .expect("loom must find the stale slot after the wrap");
    assert!(
        failure.message.contains("received the wrong items"),
        "{}",
        failure.message
    );
}
// ANCHOR_END: catches

/// The same catch, written the way a project's own loom test would be: the model must panic.
#[test]
#[should_panic(expected = "popped a slot before its value arrived")]
fn a_plain_loom_model_of_the_broken_ring_panics() {
    loom::model(|| {
        check::run_model(Model::Publish, Orders::RelaxedTail);
    });
}

#[test]
fn the_relaxed_tail_fails_under_every_preemption_bound() {
    for bound in [Some(1), Some(2), Some(3), None] {
        for model in Model::ALL {
            let run = check::explore(model, Orders::RelaxedTail, bound);
            assert!(run.failure.is_some(), "{model:?} with bound {bound:?}");
        }
    }
}

#[test]
fn a_tighter_preemption_bound_explores_no_more_executions() {
    let counts: Vec<usize> = [Some(1), Some(2), Some(3), None]
        .into_iter()
        .map(|bound| check::explore(Model::WrapAround, Orders::ReleaseAcquire, bound).executions)
        .collect();
    assert!(
        counts.windows(2).all(|pair| pair[0] <= pair[1]),
        "{counts:?}"
    );
}

#[test]
fn exploration_is_deterministic() {
    for model in Model::ALL {
        for orders in Orders::ALL {
            let first = check::explore(model, orders, None);
            let second = check::explore(model, orders, None);
            assert_eq!(first, second, "{model:?} {orders:?}");
        }
    }
}

#[test]
fn a_preemption_bound_of_one_misses_outcomes_that_no_bound_reaches() {
    let bounded = check::explore(Model::WrapAround, Orders::ReleaseAcquire, Some(1));
    let unbounded = check::explore(Model::WrapAround, Orders::ReleaseAcquire, None);
    assert!(
        bounded
            .outcomes
            .iter()
            .all(|o| unbounded.outcomes.contains(o))
    );
    assert!(
        bounded.outcomes.len() < unbounded.outcomes.len(),
        "{:?}",
        bounded.outcomes
    );
    // What the bound hides is every execution in which the consumer never finds the ring empty.
    assert!(
        bounded.outcomes.iter().all(|o| o.consumer_waited),
        "{:?}",
        bounded.outcomes
    );
}
