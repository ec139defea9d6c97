#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 11] = [
        &["--workers", "0"],
        &["--workers", "many"],
        &["--workers", "5000"],
        &["--length", "0"],
        &["--length", "7"],
        &["--length", "four"],
        &["--password", "Hello"],
        &["--password", "abcdefg"],
        &["--password", "abc", "--length", "4"],
        &["--digest", "xyz"],
        &["--password", "abc", "--digest", "00"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_intro-crypto-crack"), &bad);
}

#[test]
fn a_digest_or_a_password_is_cracked() {
    // SHA-256 of "abc".
    let digest = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    for args in [
        &["--digest", digest, "--length", "3", "--repeat", "1"][..],
        &["--password", "abc", "--repeat", "1"][..],
    ] {
        let stdout = support_kit::stdout_of(env!("CARGO_BIN_EXE_intro-crypto-crack"), args);
        assert!(
            stdout.lines().any(|line| line.starts_with("found   abc ")),
            "{stdout}"
        );
    }
}
