use std::process::Command;

#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    for bad in [["--n", "0"], ["--n", "ten"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_intro-call-center")).args(bad).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{bad:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{stderr}");
    }
}
