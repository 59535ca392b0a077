//! The generated file set: writing it to a directory and checking a directory against it.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::ReportError;

/// File extensions that the report generator owns inside its output directory.
/// Only files with these extensions are ever pruned or reported as orphans.
const OWNED_EXTENSIONS: &[&str] = &["md", "svg", "csv", "json"];

/// One generated file, with its path relative to the report directory
/// (always `/`-separated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFile {
    /// Path relative to the report directory, `/`-separated.
    pub path: String,
    /// Full contents.
    pub contents: String,
}

impl ReportFile {
    /// A file at `path` with `contents`.
    pub fn new(path: impl Into<String>, contents: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            contents: contents.into(),
        }
    }
}

/// How a directory differs from the generated set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DriftKind {
    /// The file exists but its contents differ from what would be generated.
    Stale,
    /// The file would be generated but does not exist.
    Missing,
    /// The file exists, looks generated (owned extension), but is no longer generated.
    Orphan,
}

/// One difference between a report directory and the generated set.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Drift {
    /// What kind of difference.
    pub kind: DriftKind,
    /// Path relative to the report directory.
    pub path: String,
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.kind {
            DriftKind::Stale => "is stale (its contents differ from the generated page)",
            DriftKind::Missing => "is missing",
            DriftKind::Orphan => "is an orphan (no longer generated)",
        };
        write!(f, "{} {what}", self.path)
    }
}

fn owned(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| OWNED_EXTENSIONS.contains(&e))
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> ReportError {
    let path = path.to_path_buf();
    move |source| ReportError::Io {
        action,
        path,
        source,
    }
}

/// Lists the owned files under `dir`, relative and `/`-separated, sorted.
fn existing_files(dir: &Path) -> Result<BTreeSet<String>, ReportError> {
    let mut out = BTreeSet::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).map_err(io("reading directory", &d))? {
            let entry = entry.map_err(io("reading directory", &d))?;
            let path = entry.path();
            let ty = entry.file_type().map_err(io("reading", &path))?;
            if ty.is_dir() {
                stack.push(path);
            } else if owned(&path) {
                let rel = path.strip_prefix(dir).unwrap_or(&path);
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.insert(rel.join("/"));
            }
        }
    }
    Ok(out)
}

/// Compares `dir` with the generated `files`: every stale, missing and orphaned file,
/// sorted by kind then path. An empty result means the directory is fresh.
///
/// # Errors
/// Fails only when the directory cannot be read.
pub fn check_dir(dir: &Path, files: &[ReportFile]) -> Result<Vec<Drift>, ReportError> {
    let existing = existing_files(dir)?;
    let mut drift = Vec::new();
    for f in files {
        let path = dir.join(&f.path);
        if existing.contains(&f.path) {
            let on_disk = fs::read(&path).map_err(io("reading", &path))?;
            if on_disk != f.contents.as_bytes() {
                drift.push(Drift {
                    kind: DriftKind::Stale,
                    path: f.path.clone(),
                });
            }
        } else {
            drift.push(Drift {
                kind: DriftKind::Missing,
                path: f.path.clone(),
            });
        }
    }
    let generated: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for path in &existing {
        if !generated.contains(path.as_str()) {
            drift.push(Drift {
                kind: DriftKind::Orphan,
                path: path.clone(),
            });
        }
    }
    drift.sort();
    Ok(drift)
}

/// Writes `files` under `dir` (creating directories), leaving unchanged files
/// untouched. With `prune`, also removes orphaned generated files (owned
/// extensions only: `.md`, `.svg`, `.csv`, `.json`). Returns the drift that was
/// repaired.
///
/// # Errors
/// Fails when a directory or file cannot be created, written or removed.
pub fn write_dir(dir: &Path, files: &[ReportFile], prune: bool) -> Result<Vec<Drift>, ReportError> {
    let drift = check_dir(dir, files)?;
    for d in &drift {
        let path = dir.join(&d.path);
        match d.kind {
            DriftKind::Stale | DriftKind::Missing => {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent).map_err(io("creating directory", parent))?;
                }
                let file = files.iter().find(|f| f.path == d.path);
                if let Some(file) = file {
                    fs::write(&path, file.contents.as_bytes()).map_err(io("writing", &path))?;
                }
            }
            DriftKind::Orphan => {
                if prune {
                    fs::remove_file(&path).map_err(io("removing", &path))?;
                }
            }
        }
    }
    Ok(drift
        .into_iter()
        .filter(|d| prune || d.kind != DriftKind::Orphan)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("cc-report-files-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn write_then_check_is_fresh_and_edits_are_caught() {
        let dir = tmp("fresh");
        let files = vec![
            ReportFile::new("index.md", "# x\n"),
            ReportFile::new("fig/a.svg", "<svg/>"),
        ];
        let written = write_dir(&dir, &files, true).unwrap();
        assert_eq!(written.len(), 2);
        assert!(check_dir(&dir, &files).unwrap().is_empty());

        fs::write(dir.join("index.md"), "# edited by hand\n").unwrap();
        fs::write(dir.join("old.md"), "gone").unwrap();
        fs::write(dir.join("notes.txt"), "not ours").unwrap();
        let drift = check_dir(&dir, &files).unwrap();
        assert_eq!(
            drift,
            vec![
                Drift {
                    kind: DriftKind::Stale,
                    path: "index.md".into()
                },
                Drift {
                    kind: DriftKind::Orphan,
                    path: "old.md".into()
                },
            ]
        );
        write_dir(&dir, &files, true).unwrap();
        assert!(check_dir(&dir, &files).unwrap().is_empty());
        assert!(
            dir.join("notes.txt").exists(),
            "files we do not own are never pruned"
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_directory_reports_every_file_missing() {
        let dir = tmp("missing");
        let files = vec![ReportFile::new("index.md", "x")];
        let drift = check_dir(&dir, &files).unwrap();
        assert_eq!(
            drift,
            vec![Drift {
                kind: DriftKind::Missing,
                path: "index.md".into()
            }]
        );
    }
}
