//! Every example of the user guide (`docs/guide/*.md`) runs, with the exit code the guide
//! promises.
//!
//! A page is read top to bottom: a block opened with ` ```text file=NAME ` writes `NAME` into
//! the page's scratch directory; every line of a ` ```sh ` block that starts with `cclab ` is
//! split like a POSIX shell would (quotes, no expansion) and run with the `cclab` binary in that
//! directory. A trailing `# exit N` says which exit code the command must end with; without it,
//! 0. Each page gets its own directory, so a page may use the files it defines and nothing else.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// One thing a guide page asks the reader to do.
#[derive(Debug)]
enum Step {
    /// Create a file with these contents.
    File { name: String, contents: String },
    /// Run `cclab` with these arguments; expect this exit code.
    Run {
        line: usize,
        args: Vec<String>,
        exit: i32,
    },
}

fn guide_dir() -> PathBuf {
    common::workspace_root().join("docs").join("guide")
}

fn pages() -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(guide_dir())
        .expect("docs/guide exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    pages.sort();
    pages
}

/// Splits `cclab … # exit N  # comment` into the arguments after `cclab` and the exit code.
fn command(text: &str, line: usize, page: &Path) -> (Vec<String>, i32) {
    let (cmd, comment) = match text.find(" #") {
        // A `#` inside quotes would be cut here; the guide does not use one.
        Some(i) => (&text[..i], text[i + 2..].trim()),
        None => (text, ""),
    };
    let exit = comment
        .strip_prefix("exit ")
        .map(|n| {
            n.trim()
                .parse::<i32>()
                .unwrap_or_else(|_| panic!("{}:{line}: `# exit` needs a number", page.display()))
        })
        .unwrap_or(0);
    let words =
        shlex::split(cmd).unwrap_or_else(|| panic!("{}:{line}: unbalanced quotes", page.display()));
    assert_eq!(words.first().map(String::as_str), Some("cclab"));
    (words[1..].to_vec(), exit)
}

fn steps(page: &Path) -> Vec<Step> {
    let text = std::fs::read_to_string(page).expect("guide page is readable");
    let mut steps = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((_, l)) = lines.next() {
        let Some(info) = l.strip_prefix("```") else {
            continue;
        };
        let info = info.trim();
        let body: Vec<(usize, &str)> = lines
            .by_ref()
            .take_while(|(_, l)| !l.starts_with("```"))
            .map(|(i, l)| (i + 1, l))
            .collect();
        if let Some(name) = info.strip_prefix("text file=") {
            let mut contents: String = body.iter().map(|(_, l)| format!("{l}\n")).collect();
            if contents.is_empty() {
                contents.push('\n');
            }
            steps.push(Step::File {
                name: name.trim().to_string(),
                contents,
            });
        } else if info == "sh" {
            for (line, l) in body {
                if l.trim_start().starts_with("cclab ") {
                    let (args, exit) = command(l.trim(), line, page);
                    steps.push(Step::Run { line, args, exit });
                }
            }
        }
    }
    steps
}

#[test]
fn every_guide_example_runs_with_the_promised_exit_code() {
    let pages = pages();
    assert!(pages.len() >= 5, "the guide has a page per task");
    let mut ran = 0;
    for page in &pages {
        let stem = page.file_stem().and_then(|s| s.to_str()).unwrap_or("page");
        let dir = std::env::temp_dir().join(format!("cclab-guide-{}-{stem}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        for step in steps(page) {
            match step {
                Step::File { name, contents } => {
                    std::fs::write(dir.join(&name), contents).expect("write example file");
                }
                Step::Run { line, args, exit } => {
                    let out = Command::new(common::cclab_bin())
                        .args(&args)
                        .current_dir(&dir)
                        .stdin(std::process::Stdio::null())
                        .output()
                        .expect("cclab runs");
                    assert_eq!(
                        out.status.code(),
                        Some(exit),
                        "{}:{line}: `cclab {}` exited {:?}, the guide says {exit}\nstdout:\n{}\nstderr:\n{}",
                        page.display(),
                        args.join(" "),
                        out.status.code(),
                        common::stdout(&out),
                        common::stderr(&out),
                    );
                    assert!(
                        !out.stdout.is_empty() || !out.stderr.is_empty(),
                        "{}:{line}: `cclab {}` printed nothing",
                        page.display(),
                        args.join(" ")
                    );
                    ran += 1;
                }
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert!(ran >= 30, "only {ran} guide commands ran");
}

#[test]
fn every_guide_page_is_linked_from_the_guide_index_and_the_readme() {
    let index = std::fs::read_to_string(guide_dir().join("README.md")).expect("guide index");
    let readme =
        std::fs::read_to_string(common::workspace_root().join("README.md")).expect("README");
    assert!(readme.contains("docs/guide/"), "README links the guide");
    for page in pages() {
        let name = page
            .file_name()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if name != "README.md" {
            assert!(
                index.contains(&format!("]({name})")),
                "docs/guide/README.md links {name}"
            );
        }
    }
}
