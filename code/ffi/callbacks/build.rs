// Compiles the crate's C library (csrc/workers.c), which starts POSIX threads.
fn main() {
    println!("cargo::rerun-if-changed=csrc/workers.c");
    cc::Build::new()
        .file("csrc/workers.c")
        .std("c11")
        .warnings_into_errors(true)
        .compile("workers");
}
