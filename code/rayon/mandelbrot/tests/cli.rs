#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    let bad: [&[&str]; 8] = [
        &["--width", "0"],
        &["--width", "wide"],
        &["--height", "100000"],
        &["--iterations", "0"],
        &["--iterations", "-5"],
        &["--workers", "0"],
        &["--repeat", "0"],
        &["--image"],
    ];
    support_kit::assert_rejected(env!("CARGO_BIN_EXE_rayon-mandelbrot"), &bad);
}

#[test]
fn a_small_picture_is_the_same_from_every_strategy_and_is_written_as_a_png() {
    let dir = std::env::temp_dir().join(format!("rayon-mandelbrot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("small.png");
    let stdout = support_kit::stdout_of(
        env!("CARGO_BIN_EXE_rayon-mandelbrot"),
        &[
            "--width",
            "60",
            "--height",
            "30",
            "--iterations",
            "80",
            "--workers",
            "3",
            "--repeat",
            "1",
            "--image",
            path.to_str().unwrap(),
        ],
    );
    assert!(
        stdout.contains("every render gives the same picture: yes"),
        "{stdout}"
    );
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    std::fs::remove_dir_all(&dir).unwrap();
}
