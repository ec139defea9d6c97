use choosing_shootout::sum_to;

#[test]
fn sum_matches_the_closed_form() {
    for n in [1, 10, 1_000] {
        assert_eq!(sum_to(n), n * (n + 1) / 2);
    }
}
