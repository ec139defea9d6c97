/// The listings in tests/compile-fail/ must keep failing to compile, each
/// with the message recorded beside it in its .stderr file (both shown in the
/// book): an `Rc` moved to another thread (not `Send`), a `RefCell` shared
/// between threads (not `Sync`), a `MutexGuard` moved to another thread (not
/// `Send`), and a borrow given to `thread::spawn` (not `'static`).
#[test]
fn the_compiler_refuses_each_listing() {
    trybuild::TestCases::new().compile_fail("tests/compile-fail/*.rs");
}
