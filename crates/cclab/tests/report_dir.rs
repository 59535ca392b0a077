//! `cclab report --out DIR` never destroys what it did not write (issue 20, items 1, 5
//! and 8). Each test is named after the defect it pins.
//!
//! Most tests drive `cc_report::write_dir` / `check_dir` with a small made-up file set
//! (the rules do not depend on the pages); the CLI tests use refusals that happen
//! before any report is computed, and one full run for the closed-pipe case.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use cc_report::{DriftKind, MANIFEST_FILE, ReportError, ReportFile, WriteOptions};
use common::{cclab, cclab_bin, stderr};

const WRITE: WriteOptions = WriteOptions {
    prune: false,
    force: false,
};
const PRUNE: WriteOptions = WriteOptions {
    prune: true,
    force: false,
};
const FORCE: WriteOptions = WriteOptions {
    prune: true,
    force: true,
};

/// A fresh, empty scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cclab-report-dir-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).expect("scratch directory");
    d
}

/// A small report set shaped like the real one: an index, pages, figures.
fn report_set(version: &str) -> Vec<ReportFile> {
    vec![
        ReportFile::new("index.md", format!("# index {version}\n")),
        ReportFile::new("theory-bounds.md", format!("# bounds {version}\n")),
        ReportFile::new("figures/a.svg", format!("<svg>{version}</svg>")),
    ]
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("parent directory");
    }
    fs::write(path, text).expect("write");
}

/// The user's files of the issue, placed in `dir`.
const USER_FILES: [&str; 4] = [
    "notes.md",
    "data.json",
    "sub/keep.csv",
    "sub/deeper/package.json",
];

fn add_user_files(dir: &Path) {
    for f in USER_FILES {
        write(&dir.join(f), &format!("the user's own {f}\n"));
    }
}

fn assert_user_files_intact(dir: &Path) {
    for f in USER_FILES {
        assert_eq!(read(&dir.join(f)), format!("the user's own {f}\n"), "{f}");
    }
}

#[test]
fn prune_deleted_files_it_never_generated() {
    let dir = scratch("prune-user-files");
    cc_report::write_dir(&dir, &report_set("1"), &PRUNE).expect("first write");
    add_user_files(&dir);
    // theory-bounds.md is no longer generated: the only file prune may remove.
    let next = vec![
        ReportFile::new("index.md", "# index 2\n"),
        ReportFile::new("figures/a.svg", "<svg>2</svg>"),
    ];
    let drift = cc_report::write_dir(&dir, &next, &PRUNE).expect("prune");
    assert_user_files_intact(&dir);
    assert!(!dir.join("theory-bounds.md").exists());
    let orphans: Vec<&str> = drift
        .iter()
        .filter(|d| d.kind == DriftKind::Orphan)
        .map(|d| d.path.as_str())
        .collect();
    assert_eq!(orphans, ["theory-bounds.md"]);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn check_called_user_files_orphans() {
    let dir = scratch("check-user-files");
    let files = report_set("1");
    cc_report::write_dir(&dir, &files, &WRITE).expect("write");
    add_user_files(&dir);
    let drift = cc_report::check_dir(&dir, &files).expect("check");
    assert!(drift.is_empty(), "user files reported: {drift:?}");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn write_replaced_a_users_own_index_md() {
    let dir = scratch("user-index");
    write(&dir.join("index.md"), "my index\n");
    let err = cc_report::write_dir(&dir, &report_set("1"), &WRITE).expect_err("refused");
    assert!(
        matches!(err, ReportError::NotCclabDirectory { .. }),
        "{err}"
    );
    assert!(err.to_string().contains(".cclab-manifest"), "{err}");
    assert!(err.to_string().contains("`index.md`"), "{err}");
    // Even --force, which lets cclab share the directory, never overwrites the user's file,
    // and the refusal comes before anything is written.
    let err = cc_report::write_dir(&dir, &report_set("1"), &FORCE).expect_err("refused");
    assert!(matches!(err, ReportError::NotWritten { .. }), "{err}");
    assert!(err.to_string().contains("`index.md`"), "{err}");
    assert_eq!(read(&dir.join("index.md")), "my index\n");
    let left: Vec<_> = fs::read_dir(&dir).expect("list").collect();
    assert_eq!(left.len(), 1, "a refused write wrote something");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn force_takes_over_a_directory_only_where_the_bytes_already_match() {
    // The migration of a report directory written before manifests existed (docs/reports).
    let dir = scratch("adopt");
    let files = report_set("1");
    for f in &files {
        write(&dir.join(&f.path), &f.contents);
    }
    write(&dir.join("notes.md"), "mine\n");
    cc_report::write_dir(&dir, &files, &FORCE).expect("adopted");
    assert!(
        cc_report::check_dir(&dir, &files)
            .expect("check")
            .is_empty()
    );
    assert_eq!(read(&dir.join("notes.md")), "mine\n");
    let manifest = read(&dir.join(MANIFEST_FILE));
    assert!(!manifest.contains("notes.md"), "{manifest}");
    let _ = fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn write_followed_a_file_symlink_out_of_the_directory() {
    let base = scratch("file-symlink");
    let dir = base.join("reports");
    let outside = base.join("precious.md");
    write(&outside, "precious\n");
    cc_report::write_dir(&dir, &report_set("1"), &WRITE).expect("write");
    fs::remove_file(dir.join("theory-bounds.md")).expect("remove");
    std::os::unix::fs::symlink(&outside, dir.join("theory-bounds.md")).expect("symlink");
    for options in [WRITE, FORCE] {
        let err = cc_report::write_dir(&dir, &report_set("2"), &options).expect_err("refused");
        assert!(matches!(err, ReportError::Symlink { .. }), "{err}");
        assert!(err.to_string().contains("theory-bounds.md"), "{err}");
    }
    let err = cc_report::check_dir(&dir, &report_set("2")).expect_err("check refuses too");
    assert!(matches!(err, ReportError::Symlink { .. }), "{err}");
    assert_eq!(read(&outside), "precious\n");
    assert_eq!(
        read(&dir.join("index.md")),
        "# index 1\n",
        "nothing written"
    );

    // The case: a new directory holding only the link.
    let fresh = base.join("fresh");
    fs::create_dir(&fresh).expect("mkdir");
    std::os::unix::fs::symlink(&outside, fresh.join("theory-bounds.md")).expect("symlink");
    let err = cc_report::write_dir(&fresh, &report_set("1"), &FORCE).expect_err("refused");
    assert!(matches!(err, ReportError::Symlink { .. }), "{err}");
    assert_eq!(read(&outside), "precious\n");
    let _ = fs::remove_dir_all(&base);
}

#[cfg(unix)]
#[test]
fn write_sent_svgs_through_a_figures_symlink() {
    let base = scratch("dir-symlink");
    let dir = base.join("reports");
    let elsewhere = base.join("elsewhere");
    fs::create_dir(&elsewhere).expect("mkdir");
    cc_report::write_dir(&dir, &report_set("1"), &WRITE).expect("write");
    fs::remove_dir_all(dir.join("figures")).expect("remove figures");
    std::os::unix::fs::symlink(&elsewhere, dir.join("figures")).expect("symlink");
    for options in [WRITE, FORCE] {
        let err = cc_report::write_dir(&dir, &report_set("2"), &options).expect_err("refused");
        assert!(matches!(err, ReportError::Symlink { .. }), "{err}");
        assert!(err.to_string().contains("figures"), "{err}");
    }
    assert_eq!(fs::read_dir(&elsewhere).expect("list").count(), 0);
    let _ = fs::remove_dir_all(&base);
}

#[test]
fn edited_generated_file_was_overwritten_silently() {
    let dir = scratch("edited");
    cc_report::write_dir(&dir, &report_set("1"), &WRITE).expect("write");
    write(&dir.join("index.md"), "my notes in the index\n");
    let err = cc_report::write_dir(&dir, &report_set("2"), &WRITE).expect_err("refused");
    assert!(matches!(err, ReportError::Edited { .. }), "{err}");
    assert!(err.to_string().contains("`index.md`"), "{err}");
    assert!(err.to_string().contains("--force"), "{err}");
    assert_eq!(read(&dir.join("index.md")), "my notes in the index\n");
    assert_eq!(
        read(&dir.join("theory-bounds.md")),
        "# bounds 1\n",
        "a refused write writes nothing"
    );
    // An edited file that is no longer generated is not pruned either.
    let without_index = &report_set("2")[1..];
    let err = cc_report::write_dir(&dir, without_index, &PRUNE).expect_err("refused");
    assert!(matches!(err, ReportError::Edited { .. }), "{err}");
    assert!(dir.join("index.md").exists());
    // --force replaces it.
    cc_report::write_dir(&dir, &report_set("2"), &FORCE).expect("forced");
    assert_eq!(read(&dir.join("index.md")), "# index 2\n");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn prune_left_directories_it_emptied_and_removes_only_those() {
    let dir = scratch("emptied");
    let mut first = report_set("1");
    first.push(ReportFile::new("old/deep/fig.svg", "<svg/>"));
    first.push(ReportFile::new("shared/fig.svg", "<svg/>"));
    cc_report::write_dir(&dir, &first, &WRITE).expect("write");
    write(&dir.join("shared/mine.txt"), "mine\n");
    fs::create_dir(dir.join("empty-by-user")).expect("mkdir");

    // Without --prune, orphans stay, stay listed, and --check names them.
    let next = report_set("1");
    cc_report::write_dir(&dir, &next, &WRITE).expect("write without prune");
    assert!(dir.join("old/deep/fig.svg").exists());
    let drift = cc_report::check_dir(&dir, &next).expect("check");
    let orphans: Vec<&str> = drift.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(orphans, ["old/deep/fig.svg", "shared/fig.svg"], "{drift:?}");
    assert!(drift.iter().all(|d| d.kind == DriftKind::Orphan));

    cc_report::write_dir(&dir, &next, &PRUNE).expect("prune");
    assert!(!dir.join("old").exists(), "emptied directories are removed");
    assert_eq!(read(&dir.join("shared/mine.txt")), "mine\n");
    assert!(!dir.join("shared/fig.svg").exists());
    assert!(
        dir.join("empty-by-user").is_dir(),
        "a user's directory stays"
    );
    assert!(cc_report::check_dir(&dir, &next).expect("check").is_empty());
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn report_directory_had_no_manifest_of_what_cclab_wrote() {
    let a = scratch("manifest-a");
    let b = scratch("manifest-b");
    let mut files = report_set("1");
    files.push(ReportFile::new("abc.md", "abc"));
    cc_report::write_dir(&a, &files, &WRITE).expect("write a");
    files.reverse();
    cc_report::write_dir(&b, &files, &WRITE).expect("write b");
    let manifest = read(&a.join(MANIFEST_FILE));
    assert_eq!(manifest, read(&b.join(MANIFEST_FILE)), "deterministic");
    let entries: Vec<(&str, &str)> = manifest
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split_once("  ").expect("`<sha256>  <path>`"))
        .collect();
    let paths: Vec<&str> = entries.iter().map(|e| e.1).collect();
    assert_eq!(
        paths,
        ["abc.md", "figures/a.svg", "index.md", "theory-bounds.md"]
    );
    assert_eq!(
        entries[0].0,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    // A second identical run rewrites nothing, not even the manifest.
    let before = fs::metadata(a.join(MANIFEST_FILE))
        .and_then(|m| m.modified())
        .expect("mtime");
    let drift = cc_report::write_dir(&a, &files, &WRITE).expect("rewrite");
    assert!(drift.is_empty(), "{drift:?}");
    let after = fs::metadata(a.join(MANIFEST_FILE))
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(before, after);
    let _ = fs::remove_dir_all(&a);
    let _ = fs::remove_dir_all(&b);
}

#[cfg(unix)]
#[test]
fn files_were_rewritten_in_place_instead_of_replaced_atomically() {
    // Writing in place would also change every hard link to the old file; a new file
    // renamed over the old one leaves them alone, and leaves no temporary behind.
    let base = scratch("atomic");
    let dir = base.join("reports");
    cc_report::write_dir(&dir, &report_set("1"), &WRITE).expect("write");
    let link = base.join("hard-link.md");
    fs::hard_link(dir.join("index.md"), &link).expect("hard link");
    cc_report::write_dir(&dir, &report_set("2"), &WRITE).expect("rewrite");
    assert_eq!(read(&dir.join("index.md")), "# index 2\n");
    assert_eq!(read(&link), "# index 1\n");
    let mut names = Vec::new();
    for d in [dir.clone(), dir.join("figures")] {
        for e in fs::read_dir(&d).expect("list") {
            names.push(e.expect("entry").file_name().to_string_lossy().into_owned());
        }
    }
    assert!(
        names.iter().all(|n| !n.contains("cclab-tmp")),
        "temporary left: {names:?}"
    );
    let _ = fs::remove_dir_all(&base);
}

#[test]
fn out_with_dot_dot_left_an_empty_directory() {
    let base = scratch("dotdot");
    let odd = base.join("x").join("..").join("y");
    cc_report::write_dir(&odd, &report_set("1"), &WRITE).expect("write");
    assert!(base.join("y").join("index.md").exists());
    assert!(!base.join("x").exists(), "x/ was created");
    assert!(
        cc_report::check_dir(&odd, &report_set("1"))
            .expect("check")
            .is_empty()
    );
    let _ = fs::remove_dir_all(&base);
}

// ---- the CLI ----

#[test]
fn report_out_a_regular_file_exited_1_after_generating() {
    let dir = scratch("out-file");
    let file = dir.join("report.md");
    write(&file, "not a directory\n");
    for extra in [&[][..], &["--check"][..]] {
        let mut args = vec!["report", "--out", file.to_str().expect("utf-8")];
        args.extend_from_slice(extra);
        let out = cclab(&args);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(err.starts_with("error: "), "{err}");
        assert!(err.contains("is not a directory"), "{err}");
    }
    assert_eq!(read(&file), "not a directory\n");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn report_prune_into_a_user_directory_deleted_its_files() {
    let dir = scratch("cli-user-dir");
    add_user_files(&dir);
    write(&dir.join("index.md"), "my index\n");
    let out = cclab(&["report", "--prune", "--out", dir.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(".cclab-manifest"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_user_files_intact(&dir);
    assert_eq!(read(&dir.join("index.md")), "my index\n");
    assert!(!dir.join(MANIFEST_FILE).exists());
    let _ = fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn report_wrote_through_a_symlink_listed_in_its_directory() {
    let base = scratch("cli-symlink");
    let dir = base.join("reports");
    let outside = base.join("precious.md");
    write(&outside, "precious\n");
    cc_report::write_dir(&dir, &report_set("1"), &WRITE).expect("write");
    fs::remove_file(dir.join("theory-bounds.md")).expect("remove");
    std::os::unix::fs::symlink(&outside, dir.join("theory-bounds.md")).expect("symlink");
    let out = cclab(&["report", "--force", "--out", dir.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    assert_eq!(read(&outside), "precious\n");
    let _ = fs::remove_dir_all(&base);
}

#[test]
fn report_overwrote_an_edited_generated_file() {
    let dir = scratch("cli-edited");
    cc_report::write_dir(&dir, &report_set("1"), &WRITE).expect("write");
    write(&dir.join("index.md"), "edited\n");
    let out = cclab(&["report", "--out", dir.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("`index.md`") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(read(&dir.join("index.md")), "edited\n");
    let _ = fs::remove_dir_all(&dir);
}

// ---- closed pipes (issue 20 item 5) ----

/// Runs cclab with its stdout (or stderr) a pipe whose reading end is closed before
/// cclab writes anything.
fn run_with_closed(args: &[&str], close_stdout: bool) -> Output {
    let mut cmd = Command::new(cclab_bin());
    cmd.args(args)
        .current_dir(common::workspace_root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("cclab starts");
    if close_stdout {
        drop(child.stdout.take());
    } else {
        drop(child.stderr.take());
    }
    child.wait_with_output().expect("cclab ends")
}

#[test]
fn report_check_into_a_closed_pipe_panicked() {
    let dir = scratch("pipe");
    let files = cc_report::generate(&cc_report::ReportOptions::default()).expect("generate");
    cc_report::write_dir(&dir, &files, &WRITE).expect("write");
    let out = run_with_closed(
        &["report", "--check", "--out", dir.to_str().expect("utf-8")],
        true,
    );
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.is_empty(),
        "a closed pipe is not worth a message: {err}"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn output_into_a_closed_pipe_panicked() {
    for args in [&["--help"][..], &["bounds", "eq", "--bits", "3"][..]] {
        let out = run_with_closed(args, true);
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "cclab {args:?}: {err}");
        assert_eq!(out.status.code(), Some(0), "cclab {args:?}: {err}");
    }
    // An error message into a closed stderr keeps its exit code.
    let out = run_with_closed(
        &["bounds", "--matrix", "/nonexistent/cclab/matrix.txt"],
        false,
    );
    assert_eq!(out.status.code(), Some(2));
}
