use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_csp-hello-channel");

#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad_inputs: [&[&str]; 7] = [
        &["--items", "0"],
        &["--items", "many"],
        &["--items", "1e99"],
        &["--capacity", "0"],
        &["--capacity", "99999999999"],
        &["--repeat", "0"],
        &["--forget-drop", "yes"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_csp-hello-channel"), &bad_inputs);
}

#[test]
fn every_channel_delivers_every_number_in_order() {
    let stdout = support_kit::stdout_of(BIN, &["--items", "1000", "--repeat", "1"]);
    let rows: Vec<&str> = stdout.lines().skip(4).collect();
    assert_eq!(rows.len(), 3, "{stdout}");
    for row in rows {
        assert!(
            row.contains(" 1,000 ") && row.contains(" 500,500 "),
            "{row}"
        );
        assert!(row.contains(" yes "), "{row}");
    }
}

/// The real buggy function, run in a child process so that the test can end
/// it: after the producers are long done, the process is still waiting.
/// The buggy program never ends, so this cannot flake. It is not a proof of
/// the bug on its own: a fixed program on a machine too slow to pass two
/// hundred numbers in half a second would pass it too, which is why
/// `a_live_sender_keeps_the_receive_loop_waiting` checks the mechanism
/// without a clock.
#[test]
fn forgetting_to_drop_the_sender_hangs_the_program() {
    let mut child = Command::new(BIN)
        .args(["--forget-drop", "--items", "100"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(500) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the buggy version ended by itself"
        );
        thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}
