/// The listing in tests/compile-fail/ must keep failing to compile, with the
/// message recorded beside it in its .stderr file (shown in the book).
#[test]
fn two_bakers_cannot_share_a_plain_box() {
    trybuild::TestCases::new().compile_fail("tests/compile-fail/*.rs");
}
