// Compiles the crate's C library (csrc/mix.c): one function per item, one per batch.
fn main() {
    println!("cargo::rerun-if-changed=csrc/mix.c");
    cc::Build::new()
        .file("csrc/mix.c")
        .std("c11")
        .warnings_into_errors(true)
        .compile("mix");
}
