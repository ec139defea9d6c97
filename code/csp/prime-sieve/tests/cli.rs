#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 8] = [
        &["--primes", "0"],
        &["--primes", "2001"],
        &["--primes", "many"],
        &["--buffer", "-1"],
        &["--buffer", "5000"],
        &["--repeat", "0"],
        &["--repeat", "once"],
        &["--workers", "2"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_csp-prime-sieve"), &bad);
}

#[test]
fn a_small_run_finds_the_tenth_prime_with_both_sieves() {
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_csp-prime-sieve"),
        &["--primes", "10", "--repeat", "1"],
    );
    assert!(
        stdout.contains("last primes      13, 17, 19, 23, 29"),
        "{stdout}"
    );
    assert!(stdout.contains("both agree       yes"), "{stdout}");
}
