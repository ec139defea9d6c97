use ffi_batching::{BATCHES, Harness, PyWay, c, c_per_batch, c_per_item, expected, mix};

#[test]
fn the_c_mix_is_the_rust_mix() {
    for x in [0, 1, 42, u64::MAX] {
        assert_eq!(c::one(x), mix(x));
        assert_eq!(c::sum(&[x]), mix(x));
    }
    assert_eq!(c::sum(&[]), 0);
}

#[test]
fn every_batch_size_gives_the_same_sum_from_rust() {
    let items: Vec<u64> = (0..10_007).collect(); // not a multiple of any batch
    let answer = expected(&items);
    assert_eq!(c_per_item(&items), answer);
    for batch in BATCHES.into_iter().chain([3, 7]) {
        assert_eq!(c_per_batch(&items, batch), answer, "batch {batch}");
    }
}

#[test]
fn every_batch_size_gives_the_same_sum_from_python() {
    let items: Vec<u64> = (0..10_007).collect();
    let answer = expected(&items);
    let mut python = Harness::start(items.len()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(python.run(PyWay::PerItem, 2).unwrap().1, answer);
    for batch in BATCHES.into_iter().chain([3, 7]) {
        assert_eq!(
            python.run(PyWay::PerBatch(batch), 2).unwrap().1,
            answer,
            "batch {batch}"
        );
    }
}
