/// The listing in tests/compile-fail/ must keep failing to compile, with the
/// message recorded beside it in its .stderr file: the `Sync` bound on the
/// closure is what stops a `Cell` from being shared by C's threads.
#[test]
fn c_threads_cannot_share_a_closure_that_is_not_sync() {
    trybuild::TestCases::new().compile_fail("tests/compile-fail/*.rs");
}
