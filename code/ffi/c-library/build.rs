// Compiles the crate's C library (csrc/words.c) into a static archive that
// cargo links into the crate; cc picks the platform's C compiler.
fn main() {
    println!("cargo::rerun-if-changed=csrc/words.c");
    cc::Build::new()
        .file("csrc/words.c")
        .std("c11")
        .warnings_into_errors(true)
        .compile("words");
}
