/// The listings in tests/compile-fail/ must keep failing to compile, each with
/// the message recorded beside it in its .stderr file (both shown in the
/// book): two mutable borrows of one box (E0499), and an `Rc` moved into
/// another thread (E0277, `Rc` is not `Send`).
#[test]
fn two_bakers_cannot_share_a_plain_box() {
    trybuild::TestCases::new().compile_fail("tests/compile-fail/*.rs");
}
