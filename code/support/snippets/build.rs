//! Hands skeptic every inline Rust snippet in the book. Blocks that only hold
//! an `{{#include}}` are dropped first: their code lives in a crate that the
//! workspace already compiles and tests.
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets this"));
    let book = manifest.join("../../../book");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets this")).join("book");
    println!("cargo:rerun-if-changed={}", book.display());
    let mut pages = Vec::new();
    collect_markdown(&book, &mut pages);
    pages.sort();
    let mut copies = Vec::new();
    for page in pages {
        println!("cargo:rerun-if-changed={}", page.display());
        let relative = page.strip_prefix(&book).expect("under book/");
        if relative.starts_with("generated")
            || relative.components().any(|c| c.as_os_str() == "generated")
        {
            continue;
        }
        let text = fs::read_to_string(&page).expect("book pages are UTF-8");
        let copy = out.join(relative);
        fs::create_dir_all(copy.parent().expect("has a parent")).expect("OUT_DIR is writable");
        fs::write(&copy, drop_included_blocks(&text)).expect("OUT_DIR is writable");
        copies.push(copy);
    }
    skeptic::generate_doc_tests(&copies);
}

fn collect_markdown(dir: &Path, pages: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect_markdown(&path, pages);
        } else if path.extension().is_some_and(|e| e == "md") {
            pages.push(path);
        }
    }
}

/// Removes fenced code blocks whose body contains an mdBook include, keeping
/// line numbers stable by leaving blank lines behind.
fn drop_included_blocks(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut kept = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let fence = lines[i].trim_start();
        if fence.starts_with("```") {
            let end = (i + 1..lines.len()).find(|&j| lines[j].trim_start().starts_with("```"));
            let end = end.unwrap_or(lines.len() - 1);
            let includes = lines[i..=end]
                .iter()
                .any(|l| l.contains("{{#include") || l.contains("{{#rustdoc_include"));
            for line in &lines[i..=end] {
                kept.push(if includes { "" } else { line });
            }
            i = end + 1;
        } else {
            kept.push(lines[i]);
            i += 1;
        }
    }
    kept.join("\n") + "\n"
}
