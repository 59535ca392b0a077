//! The committed reference reports under `docs/reports/` are exactly what the
//! generator produces (rust-analyzer's `ensure_file_contents` habit), and the
//! report set is deterministic.

mod common;

use std::sync::OnceLock;

use cc_report::{DriftKind, ReportFile, ReportOptions, WriteOptions};

const PRUNE: WriteOptions = WriteOptions {
    prune: true,
    force: false,
};

/// The report set, generated once per test process.
fn generated() -> &'static [ReportFile] {
    static FILES: OnceLock<Vec<ReportFile>> = OnceLock::new();
    FILES.get_or_init(|| cc_report::generate(&ReportOptions::default()).expect("reports generate"))
}

#[test]
fn committed_reports_are_fresh() {
    let files = generated();
    let dir = common::workspace_root().join("docs").join("reports");
    let drift = cc_report::check_dir(&dir, files).expect("docs/reports can be read");
    if !drift.is_empty() {
        let list: Vec<String> = drift.iter().map(|d| format!("docs/reports/{d}")).collect();
        panic!(
            "\n{}\n\nThe reference reports are out of date: run `cargo xtask reports` and commit the result.\n",
            list.join("\n")
        );
    }
}

#[test]
fn index_links_every_page_and_pages_are_not_empty() {
    let files = generated();
    let index = &files
        .iter()
        .find(|f| f.path == "index.md")
        .expect("index.md generated")
        .contents;
    for page in cc_report::page_list() {
        assert!(
            index.contains(&format!("]({})", page.file)),
            "index does not link {}",
            page.file
        );
        let f = files
            .iter()
            .find(|f| f.path == page.file)
            .expect("page generated");
        assert!(
            f.contents.lines().count() > 10,
            "{} is suspiciously short",
            page.file
        );
    }
}

/// Issue 20 item 8: the CLI's stale message told CLI users to run an xtask; it names
/// the CLI command that fixes the directory (only `cargo xtask reports --check` names
/// the xtask).
#[test]
fn hand_edit_is_reported_as_stale_with_the_fix() {
    let files = generated();
    let dir = std::env::temp_dir().join(format!("cclab-stale-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    cc_report::write_dir(&dir, files, &PRUNE).expect("write");
    std::fs::write(dir.join("index.md"), "edited by hand\n").expect("edit");
    let out = common::cclab(&[
        "report",
        "--check",
        "--out",
        dir.to_str().expect("utf-8 temp dir"),
    ]);
    assert_eq!(out.status.code(), Some(3));
    let err = common::stderr(&out);
    assert!(err.contains("index.md is stale"), "{err}");
    let fix = format!("run `cclab report --out {}`", dir.display());
    assert!(err.contains(&fix), "{err}");
    assert!(!err.contains("xtask"), "{err}");
    let drift = cc_report::check_dir(&dir, files).expect("check");
    assert_eq!(drift.len(), 1);
    assert_eq!(drift[0].kind, DriftKind::Stale);
    let edited = cc_report::write_dir(&dir, files, &PRUNE).expect_err("edited since written");
    assert!(edited.to_string().contains("`index.md`"), "{edited}");
    let force = WriteOptions {
        prune: true,
        force: true,
    };
    cc_report::write_dir(&dir, files, &force).expect("regenerate");
    assert!(cc_report::check_dir(&dir, files).expect("check").is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn report_bytes_do_not_depend_on_thread_count() {
    let base = std::env::temp_dir().join(format!("cclab-threads-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let dir = base.join(threads);
        let out = common::cclab_env(
            &["report", "--out", dir.to_str().expect("utf-8 temp dir")],
            &[("RAYON_NUM_THREADS", threads)],
        );
        assert!(out.status.success(), "{}", common::stderr(&out));
        outputs.push(dir);
    }
    let files = generated();
    for f in files {
        let a = std::fs::read(outputs[0].join(&f.path)).expect("1-thread file");
        let b = std::fs::read(outputs[1].join(&f.path)).expect("2-thread file");
        assert!(
            a == b,
            "{} differs between RAYON_NUM_THREADS=1 and 2",
            f.path
        );
        assert!(
            a == f.contents.as_bytes(),
            "{} differs between the CLI and the library",
            f.path
        );
    }
    let _ = std::fs::remove_dir_all(&base);
}

/// The anchors a Markdown page defines: `<a id="x">` and its headings' GitHub slugs.
fn anchors(page: &str) -> Vec<String> {
    let mut out: Vec<String> = page
        .split("id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next().map(str::to_string))
        .collect();
    for line in page.lines().filter(|l| l.starts_with('#')) {
        let title = line.trim_start_matches('#').trim().to_lowercase();
        let slug: String = title
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        out.push(slug);
    }
    out
}

/// Issue 21 item 6: a report folder written by `cclab report --out DIR` stands alone: every
/// relative link of every page reaches a file of the set (and the anchor it names), and no
/// page tells the reader to run a maintainer's command.
#[test]
fn issue21_item6_the_report_folder_is_self_contained() {
    let files = generated();
    let by_path = |p: &str| files.iter().find(|f| f.path == p);
    let mut checked = 0;
    for f in files.iter().filter(|f| f.path.ends_with(".md")) {
        assert!(
            !f.contents.contains("xtask"),
            "{} tells the reader to run an xtask",
            f.path
        );
        for link in f.contents.split("](").skip(1) {
            let target = link.split(')').next().unwrap_or("");
            if target.contains("://") || target.is_empty() {
                continue;
            }
            let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
            let page = if file.is_empty() {
                Some(f)
            } else {
                by_path(file)
            };
            let page = page.unwrap_or_else(|| {
                panic!("{}: link to `{target}`, which the report set lacks", f.path)
            });
            if !anchor.is_empty() && page.path.ends_with(".md") {
                assert!(
                    anchors(&page.contents).iter().any(|a| a == anchor),
                    "{}: link to `{target}`: no such anchor",
                    f.path
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} links checked");
    assert!(by_path("math.md").is_some() && by_path("sources.md").is_some());
}
