//! Mechanism (e): linkcheck2 checks that linked files exist but not the
//! `#fragment` after them; this checks fragments against the built HTML.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::workspace::{Result, files_under, read, verdict};

/// Values of `attribute="..."` in an HTML text.
fn attribute_values<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let needle = format!(" {attribute}=\"");
    let mut values = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(&needle) {
        let after = &rest[at + needle.len()..];
        let Some(end) = after.find('"') else { break };
        values.push(&after[..end]);
        rest = &after[end..];
    }
    values
}

pub(crate) fn check_fragments(html_dir: &Path) -> Result<()> {
    if !html_dir.join("index.html").exists() {
        return Err(format!(
            "{} holds no built book (index.html); build it first",
            html_dir.display()
        ));
    }
    let pages = files_under(html_dir, &[".html"]);
    let mut ids: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let mut texts = Vec::new();
    for page in &pages {
        let text = read(page)?;
        ids.insert(
            page.clone(),
            attribute_values(&text, "id")
                .into_iter()
                .map(str::to_string)
                .collect(),
        );
        texts.push((page.clone(), text));
    }
    let mut problems = Vec::new();
    let mut checked = 0;
    for (page, text) in &texts {
        // The print page rewrites every link into itself; the pages it copies are checked one by one.
        if page.file_name().is_some_and(|n| n == "print.html") {
            continue;
        }
        for href in attribute_values(text, "href") {
            let Some((file, fragment)) = href.split_once('#') else {
                continue;
            };
            if fragment.is_empty() || href.contains("://") || href.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let target = if file.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap_or(html_dir).join(file)
            };
            let target = normalise(&target);
            match ids.get(&target) {
                Some(known) if known.contains(fragment) => {}
                Some(_) => problems.push(format!(
                    "{}: link {href} points at no id \"{fragment}\" in {}",
                    page.strip_prefix(html_dir).unwrap_or(page).display(),
                    target.strip_prefix(html_dir).unwrap_or(&target).display()
                )),
                None => problems.push(format!(
                    "{}: link {href} points into a page that was not built",
                    page.strip_prefix(html_dir).unwrap_or(page).display()
                )),
            }
        }
    }
    verdict("fragment links", checked, &problems)
}

/// Resolves `.` and `..` without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_read_in_order() {
        let html = r##"<h2 id="a"><a href="#a">A</a></h2><a href="x.html#b">"##;
        assert_eq!(attribute_values(html, "id"), ["a"]);
        assert_eq!(attribute_values(html, "href"), ["#a", "x.html#b"]);
        assert_eq!(
            normalise(Path::new("/b/intro/../csp/./x.html")),
            Path::new("/b/csp/x.html")
        );
    }
}
