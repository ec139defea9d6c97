/// The listing in tests/compile-fail/ must keep failing to compile with the
/// message recorded beside it (both shown in the book): a `std::sync::MutexGuard`
/// is not `Send`, so a future that holds one across an `.await` cannot be
/// given to `tokio::spawn`.
#[test]
fn a_std_guard_across_an_await_is_refused_by_spawn() {
    trybuild::TestCases::new().compile_fail("tests/compile-fail/*.rs");
}
