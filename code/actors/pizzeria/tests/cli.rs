#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 4] = [
        &["--pizzas", "0"],
        &["--pizzas", "a dozen"],
        &["--pizzas", "1000000"],
        &["--ovens", "3"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_actors-pizzeria"), &bad);
}

#[test]
fn a_small_run_delivers_every_pizza_once_for_every_oven_count() {
    let stdout = support_kit::stdout_of(env!("CARGO_BIN_EXE_actors-pizzeria"), &["--pizzas", "12"]);
    for ovens in ["1", "2", "4", "8"] {
        let row = stdout
            .lines()
            .find(|l| {
                (l.ends_with("yes") || l.ends_with("NO"))
                    && l.split_whitespace().next() == Some(ovens)
            })
            .unwrap_or_else(|| panic!("no row for {ovens} ovens: {stdout}"));
        assert!(row.ends_with("yes"), "{row}");
    }
}
