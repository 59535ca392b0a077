//! The generated file set: writing it to a directory and checking a directory against it.
//!
//! A report directory holds a manifest of what cclab wrote there ([`MANIFEST_FILE`]);
//! [`write_dir`] states the rules that keep everything else in the directory safe.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use sha2::{Digest as _, Sha256};

use crate::ReportError;

/// The manifest's file name inside a report directory.
///
/// Every directory that [`write_dir`] writes holds this manifest, listing each file
/// cclab wrote there with the SHA-256 of the bytes it wrote. The manifest is deterministic: a fixed header, then one line per file,
/// sorted by path, in the format of `sha256sum` (so `sha256sum -c .cclab-manifest` run
/// inside the directory verifies it):
///
/// ```text
/// # cclab report manifest v1: the files `cclab report` wrote here, with their SHA-256.
/// # Written by cclab; do not edit. Check with `sha256sum -c .cclab-manifest`.
/// 0c3d…58f1  cost-audit.md
/// 9a41…07be  figures/gossip-rounds.svg
/// ```
pub const MANIFEST_FILE: &str = ".cclab-manifest";

/// First line of every manifest (identifies the format and its version).
const MANIFEST_MAGIC: &str =
    "# cclab report manifest v1: the files `cclab report` wrote here, with their SHA-256.";

/// Second line of every manifest.
const MANIFEST_NOTE: &str =
    "# Written by cclab; do not edit. Check with `sha256sum -c .cclab-manifest`.";

/// How many entries of a foreign directory an error message names.
const NAMED_ENTRIES: usize = 5;

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
    /// The file is listed in the directory's manifest (cclab wrote it) but is no longer
    /// generated.
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
            DriftKind::Orphan => "is an orphan (written by cclab, no longer generated)",
        };
        write!(f, "{} {what}", self.path)
    }
}

/// What [`write_dir`] may do besides writing generated files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Also remove files the manifest lists that are no longer generated, and the
    /// directories that held them when they become empty.
    pub prune: bool,
    /// Overwrite (or, with `prune`, remove) listed files edited since cclab wrote them,
    /// and write into a non-empty directory that has no manifest. Even so, a file cclab
    /// did not write is never overwritten or removed, and no symbolic link is followed.
    pub force: bool,
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> ReportError {
    let path = path.to_path_buf();
    move |source| ReportError::Io {
        action,
        path,
        source,
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        use std::fmt::Write as _;
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Why `path` is not a safe relative path inside a report directory, if it is not.
fn unsafe_rel_path(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        return Some("the path is empty");
    }
    if path.starts_with('/') {
        return Some("the path is absolute");
    }
    if path.contains(['\\', '\n', '\r', '\0']) {
        return Some("the path contains a backslash or a control character");
    }
    if path
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == "..")
    {
        return Some("the path has an empty, `.` or `..` component");
    }
    None
}

/// The files cclab wrote in a directory, with the SHA-256 (lowercase hex) of each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Manifest {
    entries: BTreeMap<String, String>,
}

impl Manifest {
    fn render(&self) -> String {
        let mut out = format!("{MANIFEST_MAGIC}\n{MANIFEST_NOTE}\n");
        for (path, hash) in &self.entries {
            out.push_str(hash);
            out.push_str("  ");
            out.push_str(path);
            out.push('\n');
        }
        out
    }

    fn parse(text: &str, file: &Path) -> Result<Self, ReportError> {
        let err = |line: usize, message: String| ReportError::Manifest {
            path: file.to_path_buf(),
            line,
            message,
        };
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, first)) if first == MANIFEST_MAGIC => {}
            _ => {
                return Err(err(
                    1,
                    format!("not a cclab report manifest (line 1 should be `{MANIFEST_MAGIC}`)"),
                ));
            }
        }
        let mut entries = BTreeMap::new();
        for (i, line) in lines {
            let n = i + 1;
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (hash, path) = line
                .split_once("  ")
                .ok_or_else(|| err(n, "expected `<sha256>  <path>`".to_owned()))?;
            if hash.len() != 64 || !hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                return Err(err(
                    n,
                    format!("`{hash}` is not a SHA-256 (64 lowercase hex digits)"),
                ));
            }
            if let Some(reason) = unsafe_rel_path(path) {
                return Err(err(n, format!("`{path}`: {reason}")));
            }
            if path == MANIFEST_FILE {
                return Err(err(n, "the manifest cannot list itself".to_owned()));
            }
            if entries.insert(path.to_owned(), hash.to_owned()).is_some() {
                return Err(err(n, format!("`{path}` is listed twice")));
            }
        }
        Ok(Self { entries })
    }
}

/// Resolves `.` and `..` in `dir` lexically, so that `x/../y` never creates `x`.
/// Leading `..` components stay. A `..` after a symbolic link is refused: there the
/// lexical and the file system's meaning differ.
fn normalise_dir(dir: &Path) -> Result<PathBuf, ReportError> {
    let mut out = PathBuf::new();
    let mut names = 0usize;
    for c in dir.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if names > 0 => {
                if fs::symlink_metadata(&out).is_ok_and(|m| m.file_type().is_symlink()) {
                    return Err(ReportError::UnsafePath {
                        path: dir.to_path_buf(),
                        reason: format!(
                            "`..` follows `{}`, a symbolic link; name the directory without `..`",
                            out.display()
                        ),
                    });
                }
                out.pop();
                names -= 1;
            }
            Component::Normal(_) => {
                out.push(c);
                names += 1;
            }
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => out.push(c),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    Ok(out)
}

/// What a directory is, as far as writing reports into it is concerned.
enum DirState {
    /// It does not exist.
    Absent,
    /// It exists and is empty.
    Empty,
    /// It exists, is not empty and has no manifest; a few of its entries.
    Foreign(Vec<String>),
    /// It holds a manifest: the parsed manifest and its raw text.
    Owned(Manifest, String),
}

fn inspect(dir: &Path) -> Result<DirState, ReportError> {
    match fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(DirState::Absent),
        Err(e) => return Err(io("reading", dir)(e)),
        Ok(m) if !m.is_dir() => {
            return Err(ReportError::NotADirectory {
                path: dir.to_path_buf(),
            });
        }
        Ok(_) => {}
    }
    let manifest = dir.join(MANIFEST_FILE);
    match fs::symlink_metadata(&manifest) {
        Ok(m) if m.file_type().is_symlink() => Err(ReportError::Symlink { path: manifest }),
        Ok(m) if !m.is_file() => Err(ReportError::UnsafePath {
            path: manifest,
            reason: "is not a regular file".to_owned(),
        }),
        Ok(_) => {
            let text = fs::read_to_string(&manifest).map_err(io("reading", &manifest))?;
            let parsed = Manifest::parse(&text, &manifest)?;
            Ok(DirState::Owned(parsed, text))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut names = Vec::new();
            for entry in fs::read_dir(dir).map_err(io("reading directory", dir))? {
                let entry = entry.map_err(io("reading directory", dir))?;
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
            if names.is_empty() {
                Ok(DirState::Empty)
            } else {
                names.sort();
                Ok(DirState::Foreign(names))
            }
        }
        Err(e) => Err(io("reading", &manifest)(e)),
    }
}

/// What is at a relative path inside the report directory.
enum FileState {
    Absent,
    File(Vec<u8>),
}

/// Looks at `dir/rel` without following any symbolic link below `dir`.
fn file_state(dir: &Path, rel: &str) -> Result<FileState, ReportError> {
    let mut cur = dir.to_path_buf();
    let mut parts: Vec<&str> = rel.split('/').collect();
    let last = parts.pop().unwrap_or_default();
    for part in parts {
        cur.push(part);
        match fs::symlink_metadata(&cur) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileState::Absent),
            Err(e) => return Err(io("reading", &cur)(e)),
            Ok(m) if m.file_type().is_symlink() => return Err(ReportError::Symlink { path: cur }),
            Ok(m) if !m.is_dir() => {
                return Err(ReportError::UnsafePath {
                    path: cur,
                    reason: "is not a directory, and cclab writes a report file inside it"
                        .to_owned(),
                });
            }
            Ok(_) => {}
        }
    }
    cur.push(last);
    match fs::symlink_metadata(&cur) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FileState::Absent),
        Err(e) => Err(io("reading", &cur)(e)),
        Ok(m) if m.file_type().is_symlink() => Err(ReportError::Symlink { path: cur }),
        Ok(m) if !m.is_file() => Err(ReportError::UnsafePath {
            path: cur,
            reason: "is not a regular file, and cclab writes a report file there".to_owned(),
        }),
        Ok(_) => fs::read(&cur)
            .map(FileState::File)
            .map_err(io("reading", &cur)),
    }
}

fn join_paths(paths: &[String]) -> String {
    paths
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn foreign_error(dir: &Path, names: &[String]) -> ReportError {
    let mut entries = join_paths(&names[..names.len().min(NAMED_ENTRIES)]);
    if names.len() > NAMED_ENTRIES {
        entries.push_str(&format!(" and {} more", names.len() - NAMED_ENTRIES));
    }
    ReportError::NotCclabDirectory {
        dir: dir.to_path_buf(),
        entries,
    }
}

/// Listed files of `manifest` whose bytes on disk differ from the listed hash.
fn edited_files(dir: &Path, manifest: &Manifest) -> Result<Vec<String>, ReportError> {
    let mut edited = Vec::new();
    for (path, hash) in &manifest.entries {
        if let FileState::File(bytes) = file_state(dir, path)?
            && sha256_hex(&bytes) != *hash
        {
            edited.push(path.clone());
        }
    }
    Ok(edited)
}

/// Checks, before any report is computed, that `dir` can be used: for writing when
/// `write` is given, for checking otherwise. Everything that can be refused without
/// knowing the generated files is refused here, with the same error [`write_dir`] or
/// [`check_dir`] would give later: a path that is not a directory, a `..` after a
/// symbolic link, a malformed manifest, a symbolic link at a listed path; and when
/// writing, a non-empty directory without a manifest and listed files edited since
/// cclab wrote them (both unless `force`).
///
/// # Errors
/// The refusal, or an I/O error while looking at the directory.
pub fn validate_dir(dir: &Path, write: Option<&WriteOptions>) -> Result<(), ReportError> {
    let dir = normalise_dir(dir)?;
    match inspect(&dir)? {
        DirState::Absent | DirState::Empty => Ok(()),
        DirState::Foreign(names) => match write {
            Some(options) if !options.force => Err(foreign_error(&dir, &names)),
            _ => Ok(()),
        },
        DirState::Owned(manifest, _) => {
            let edited = edited_files(&dir, &manifest)?;
            match write {
                Some(options) if !options.force && !edited.is_empty() => Err(ReportError::Edited {
                    dir,
                    paths: join_paths(&edited),
                }),
                _ => Ok(()),
            }
        }
    }
}

fn check_generated_paths(files: &[ReportFile]) -> Result<(), ReportError> {
    for f in files {
        let reason = if f.path == MANIFEST_FILE {
            Some("is the manifest's name")
        } else {
            unsafe_rel_path(&f.path)
        };
        if let Some(reason) = reason {
            return Err(ReportError::UnsafePath {
                path: PathBuf::from(&f.path),
                reason: format!("a generated file's path is not usable: {reason}"),
            });
        }
    }
    Ok(())
}

/// Compares `dir` with the generated `files`: every stale and missing generated file,
/// every orphan (a file the manifest lists that is no longer generated), and the
/// manifest itself when it is missing or out of date — sorted by kind then path. Files
/// cclab did not write are never reported. An empty result means the directory is fresh.
///
/// # Errors
/// Fails when `dir` is not a directory, its manifest is malformed, a generated or listed
/// path is a symbolic link (it is never followed), or the directory cannot be read.
pub fn check_dir(dir: &Path, files: &[ReportFile]) -> Result<Vec<Drift>, ReportError> {
    check_generated_paths(files)?;
    let dir = normalise_dir(dir)?;
    let (old, old_text) = match inspect(&dir)? {
        DirState::Owned(m, text) => (m, Some(text)),
        DirState::Absent | DirState::Empty | DirState::Foreign(_) => (Manifest::default(), None),
    };
    let mut drift = Vec::new();
    let mut expected = Manifest::default();
    for f in files {
        expected
            .entries
            .insert(f.path.clone(), sha256_hex(f.contents.as_bytes()));
        let kind = match file_state(&dir, &f.path)? {
            FileState::Absent => Some(DriftKind::Missing),
            FileState::File(bytes) if bytes != f.contents.as_bytes() => Some(DriftKind::Stale),
            FileState::File(_) => None,
        };
        if let Some(kind) = kind {
            drift.push(Drift {
                kind,
                path: f.path.clone(),
            });
        }
    }
    for (path, hash) in &old.entries {
        if expected.entries.contains_key(path) {
            continue;
        }
        if let FileState::File(_) = file_state(&dir, path)? {
            drift.push(Drift {
                kind: DriftKind::Orphan,
                path: path.clone(),
            });
            expected.entries.insert(path.clone(), hash.clone());
        }
    }
    match old_text {
        None => drift.push(Drift {
            kind: DriftKind::Missing,
            path: MANIFEST_FILE.to_owned(),
        }),
        Some(text) if text != expected.render() => drift.push(Drift {
            kind: DriftKind::Stale,
            path: MANIFEST_FILE.to_owned(),
        }),
        Some(_) => {}
    }
    drift.sort();
    Ok(drift)
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, then a
/// rename over `path` (which replaces a file, never writes through it).
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let parent = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = parent.join(format!(".{name}.cclab-tmp-{}", std::process::id()));
    let attempt = || -> std::io::Result<()> {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)
    };
    let mut result = attempt();
    if matches!(&result, Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists) {
        // Left over by an earlier run with the same process id that was killed mid-write.
        fs::remove_file(&tmp).map_err(io("removing", &tmp))?;
        result = attempt();
    }
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io("writing", path)(e)
    })
}

/// Creates the directories of `rel`'s parent under `dir`, one at a time, refusing to go
/// through a symbolic link.
fn create_parents(dir: &Path, rel: &str) -> Result<(), ReportError> {
    let mut cur = dir.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        cur.push(part);
        match fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(ReportError::Symlink { path: cur });
            }
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(ReportError::UnsafePath {
                    path: cur,
                    reason: "is not a directory, and cclab writes a report file inside it"
                        .to_owned(),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                fs::create_dir(&cur).map_err(io("creating directory", &cur))?;
            }
            Err(e) => return Err(io("reading", &cur)(e)),
        }
    }
    Ok(())
}

/// Removes the directories that held `rel` (never `dir` itself) while they are empty.
fn remove_empty_parents(dir: &Path, rel: &str) -> Result<(), ReportError> {
    let mut parts: Vec<&str> = rel.split('/').collect();
    parts.pop();
    while !parts.is_empty() {
        let path = dir.join(parts.join("/"));
        let empty = fs::read_dir(&path)
            .map_err(io("reading directory", &path))?
            .next()
            .is_none();
        if !empty {
            break;
        }
        fs::remove_dir(&path).map_err(io("removing directory", &path))?;
        parts.pop();
    }
    Ok(())
}

/// Writes `files` under `dir` and records them in its manifest ([`MANIFEST_FILE`]):
/// unchanged files are left untouched, changed ones are replaced atomically, and nothing
/// cclab did not write is overwritten, removed or followed. With
/// [`WriteOptions::prune`], files the manifest lists that are no longer generated are
/// removed too.
///
/// The rules, enforced before anything is written (a refused write changes nothing):
///
/// - cclab writes into a new directory, an empty one, or one holding its manifest. A
///   non-empty directory without a manifest is refused ([`ReportError::NotCclabDirectory`])
///   unless [`WriteOptions::force`] is set.
/// - A file is overwritten only when it is listed in the manifest and still has the hash
///   cclab wrote. A listed file edited since is refused ([`ReportError::Edited`]) unless
///   `force` is set. A file at a generated path that the manifest does not list is never
///   overwritten, even with `force` ([`ReportError::NotWritten`]); if its bytes already are
///   the generated bytes it is simply taken into the manifest.
/// - No symbolic link inside the directory is ever followed: a generated path whose file or
///   any directory component is a symbolic link is refused ([`ReportError::Symlink`]).
///   The directory itself is opened as named, like any path a user gives.
/// - `..` in the directory path is resolved lexically (`x/../y` is `y`; `x` is not
///   created), except after a symbolic link, where it is refused.
/// - Pruning removes only files the manifest lists (edited ones only with `force`), then
///   the directories that held them if they became empty. Files cclab did not write are
///   never removed and never called orphans.
/// - Files are replaced atomically: written to a temporary file in the same directory,
///   then renamed over the old one (so a hard link elsewhere keeps its contents too).
///
/// Returns the drift that was repaired (orphans only when pruning); the manifest's own
/// update is not counted.
///
/// # Errors
/// [`ReportError::NotADirectory`], [`ReportError::NotCclabDirectory`],
/// [`ReportError::NotWritten`], [`ReportError::Edited`], [`ReportError::Symlink`],
/// [`ReportError::Manifest`] or [`ReportError::UnsafePath`] when the directory is
/// refused; [`ReportError::Io`] when a directory or file cannot be created, written or
/// removed.
pub fn write_dir(
    dir: &Path,
    files: &[ReportFile],
    options: &WriteOptions,
) -> Result<Vec<Drift>, ReportError> {
    check_generated_paths(files)?;
    let dir = normalise_dir(dir)?;
    let (old, old_text) = match inspect(&dir)? {
        DirState::Absent | DirState::Empty => (Manifest::default(), None),
        DirState::Foreign(names) if !options.force => return Err(foreign_error(&dir, &names)),
        DirState::Foreign(_) => (Manifest::default(), None),
        DirState::Owned(m, text) => (m, Some(text)),
    };

    let mut drift = Vec::new();
    let mut writes: Vec<&ReportFile> = Vec::new();
    let mut removals: Vec<String> = Vec::new();
    let mut not_written = Vec::new();
    let mut edited = Vec::new();
    let mut new = Manifest::default();
    for f in files {
        let hash = sha256_hex(f.contents.as_bytes());
        let kind = match file_state(&dir, &f.path)? {
            FileState::Absent => Some(DriftKind::Missing),
            FileState::File(bytes) => {
                let on_disk = sha256_hex(&bytes);
                match old.entries.get(&f.path) {
                    Some(listed) if *listed != on_disk && !options.force => {
                        edited.push(f.path.clone());
                    }
                    Some(_) => {}
                    None if on_disk != hash => not_written.push(f.path.clone()),
                    None => {}
                }
                (on_disk != hash).then_some(DriftKind::Stale)
            }
        };
        if let Some(kind) = kind {
            writes.push(f);
            drift.push(Drift {
                kind,
                path: f.path.clone(),
            });
        }
        new.entries.insert(f.path.clone(), hash);
    }
    for (path, listed) in &old.entries {
        if new.entries.contains_key(path) {
            continue;
        }
        let FileState::File(bytes) = file_state(&dir, path)? else {
            continue;
        };
        if options.prune {
            if sha256_hex(&bytes) != *listed && !options.force {
                edited.push(path.clone());
            }
            removals.push(path.clone());
            drift.push(Drift {
                kind: DriftKind::Orphan,
                path: path.clone(),
            });
        } else {
            new.entries.insert(path.clone(), listed.clone());
        }
    }
    if !not_written.is_empty() {
        return Err(ReportError::NotWritten {
            dir,
            paths: join_paths(&not_written),
        });
    }
    if !edited.is_empty() {
        edited.sort();
        return Err(ReportError::Edited {
            dir,
            paths: join_paths(&edited),
        });
    }

    fs::create_dir_all(&dir).map_err(io("creating directory", &dir))?;
    for f in writes {
        create_parents(&dir, &f.path)?;
        write_atomic(&dir.join(&f.path), f.contents.as_bytes())?;
    }
    for path in &removals {
        let full = dir.join(path);
        fs::remove_file(&full).map_err(io("removing", &full))?;
        remove_empty_parents(&dir, path)?;
    }
    let text = new.render();
    if old_text.as_deref() != Some(text.as_str()) {
        write_atomic(&dir.join(MANIFEST_FILE), text.as_bytes())?;
    }
    drift.sort();
    Ok(drift)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("cc-report-files-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        d
    }

    fn set() -> Vec<ReportFile> {
        vec![
            ReportFile::new("index.md", "# x\n"),
            ReportFile::new("fig/a.svg", "<svg/>"),
        ]
    }

    const PRUNE: WriteOptions = WriteOptions {
        prune: true,
        force: false,
    };

    #[test]
    fn write_then_check_is_fresh_and_edits_are_caught() {
        let dir = tmp("fresh");
        let files = set();
        let written = write_dir(&dir, &files, &PRUNE).unwrap();
        assert_eq!(written.len(), 2);
        assert!(check_dir(&dir, &files).unwrap().is_empty());

        fs::write(dir.join("index.md"), "# edited by hand\n").unwrap();
        fs::write(dir.join("old.md"), "not listed, so not ours").unwrap();
        let drift = check_dir(&dir, &files).unwrap();
        assert_eq!(
            drift,
            vec![Drift {
                kind: DriftKind::Stale,
                path: "index.md".into()
            }]
        );
        let err = write_dir(&dir, &files, &PRUNE).unwrap_err();
        assert!(matches!(err, ReportError::Edited { .. }), "{err}");
        assert!(err.to_string().contains("`index.md`"), "{err}");
        let forced = WriteOptions {
            prune: true,
            force: true,
        };
        write_dir(&dir, &files, &forced).unwrap();
        assert!(check_dir(&dir, &files).unwrap().is_empty());
        assert!(
            dir.join("old.md").exists(),
            "files cclab did not write are never pruned"
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_directory_reports_every_file_and_the_manifest_missing() {
        let dir = tmp("missing");
        let files = vec![ReportFile::new("index.md", "x")];
        let drift = check_dir(&dir, &files).unwrap();
        assert_eq!(
            drift,
            vec![
                Drift {
                    kind: DriftKind::Missing,
                    path: MANIFEST_FILE.into()
                },
                Drift {
                    kind: DriftKind::Missing,
                    path: "index.md".into()
                },
            ]
        );
    }

    #[test]
    fn manifest_is_sorted_sha256_sum_lines_and_round_trips() {
        let mut m = Manifest::default();
        m.entries.insert("z.md".into(), sha256_hex(b"abc"));
        m.entries.insert("a/b.svg".into(), sha256_hex(b""));
        let text = m.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], MANIFEST_MAGIC);
        assert_eq!(
            lines[2],
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a/b.svg"
        );
        assert_eq!(
            lines[3],
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  z.md"
        );
        assert_eq!(Manifest::parse(&text, Path::new("m")).unwrap(), m);
    }

    #[test]
    fn malformed_manifests_are_refused_with_their_line() {
        let good = format!("{MANIFEST_MAGIC}\n{}  a.md\n", sha256_hex(b"a"));
        assert!(Manifest::parse(&good, Path::new("m")).is_ok());
        let cases = [
            ("hello\n".to_owned(), 1, "not a cclab report manifest"),
            (format!("{MANIFEST_MAGIC}\nabc  a.md\n"), 2, "not a SHA-256"),
            (
                format!("{MANIFEST_MAGIC}\n{}  ../escape.md\n", sha256_hex(b"a")),
                2,
                "`..`",
            ),
            (
                format!("{MANIFEST_MAGIC}\n{}  /etc/passwd\n", sha256_hex(b"a")),
                2,
                "absolute",
            ),
            (format!("{good}{}  a.md\n", sha256_hex(b"b")), 3, "twice"),
            (format!("{MANIFEST_MAGIC}\n<<<<<<< HEAD\n"), 2, "expected"),
        ];
        for (text, line, needle) in cases {
            let err = Manifest::parse(&text, Path::new("m")).unwrap_err();
            let ReportError::Manifest { line: got, .. } = &err else {
                panic!("not a manifest error: {err}");
            };
            assert_eq!(*got, line, "{err}");
            assert!(err.to_string().contains(needle), "{err}");
        }
    }

    #[test]
    fn dot_dot_is_resolved_lexically() {
        assert_eq!(
            normalise_dir(Path::new("x/../y")).unwrap(),
            PathBuf::from("y")
        );
        assert_eq!(
            normalise_dir(Path::new("../a/./b/..")).unwrap(),
            PathBuf::from("../a")
        );
        assert_eq!(
            normalise_dir(Path::new("x/..")).unwrap(),
            PathBuf::from(".")
        );
        assert_eq!(
            normalise_dir(Path::new("/x/../y")).unwrap(),
            PathBuf::from("/y")
        );
    }

    #[cfg(unix)]
    #[test]
    fn dot_dot_after_a_symbolic_link_is_refused() {
        let base = tmp("dotdot-link");
        fs::create_dir_all(&base).unwrap();
        std::os::unix::fs::symlink(std::env::temp_dir(), base.join("link")).unwrap();
        let err = normalise_dir(&base.join("link").join("..").join("y")).unwrap_err();
        assert!(matches!(err, ReportError::UnsafePath { .. }), "{err}");
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn generated_paths_that_escape_are_refused() {
        let dir = tmp("escape");
        for bad in ["../x.md", "/abs.md", "a//b.md", MANIFEST_FILE] {
            let err = write_dir(&dir, &[ReportFile::new(bad, "x")], &PRUNE).unwrap_err();
            assert!(
                matches!(err, ReportError::UnsafePath { .. }),
                "{bad}: {err}"
            );
        }
        assert!(!dir.exists());
    }
}
