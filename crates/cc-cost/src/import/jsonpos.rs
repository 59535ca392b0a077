//! JSON paths and their line/column in the source text, for located import errors.
//!
//! serde_json reports line and column for syntax errors only; a value that parses
//! but means nothing to cclab (an unknown unit, a negative price) is located here by
//! walking the text again along the value's path. The walk runs only when an error
//! is reported, so large files cost nothing extra.

use serde_json::Value;

use crate::CostError;

/// One step of a JSON path: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// A path from the document root, e.g. `Items[3].unitOfMeasure`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct JsonPath(pub(crate) Vec<Seg>);

impl JsonPath {
    /// The path extended by a key.
    pub(crate) fn key(&self, k: &str) -> JsonPath {
        let mut v = self.0.clone();
        v.push(Seg::Key(k.to_string()));
        JsonPath(v)
    }
    /// The path extended by an index.
    pub(crate) fn index(&self, i: usize) -> JsonPath {
        let mut v = self.0.clone();
        v.push(Seg::Index(i));
        JsonPath(v)
    }
    /// Dotted form: `products["ABC"].attributes.fromLocation`, `Items[3].retailPrice`.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        for s in &self.0 {
            match s {
                Seg::Index(i) => out.push_str(&format!("[{i}]")),
                Seg::Key(k) if is_plain(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Seg::Key(k) => out.push_str(&format!("[{k:?}]")),
            }
        }
        if out.is_empty() {
            out.push_str("(root)");
        }
        out
    }
}

fn is_plain(k: &str) -> bool {
    !k.is_empty()
        && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !k.as_bytes()[0].is_ascii_digit()
}

/// A parsed JSON document that can locate its values for error messages.
pub(crate) struct Doc<'a> {
    pub(crate) file: &'a str,
    pub(crate) text: &'a str,
    pub(crate) root: Value,
}

impl<'a> Doc<'a> {
    /// Parses `text`; a syntax error names serde_json's line and column.
    pub(crate) fn parse(file: &'a str, text: &'a str) -> Result<Doc<'a>, CostError> {
        let root: Value = serde_json::from_str(text).map_err(|e| {
            CostError::data(
                file,
                e.line(),
                format!("column {}", e.column()),
                format!("not valid JSON: {e}"),
            )
        })?;
        Ok(Doc { file, text, root })
    }

    /// An error about the value at `path`, at its line and column.
    pub(crate) fn err(&self, path: &JsonPath, msg: impl Into<String>) -> CostError {
        let (line, col) = locate(self.text, &path.0).unwrap_or((0, 0));
        let msg = msg.into();
        CostError::data(
            self.file,
            line,
            path.render(),
            if line == 0 {
                msg
            } else {
                format!("(column {col}) {msg}")
            },
        )
    }

    /// The 1-based line of the value at `path` (0 if it cannot be found).
    pub(crate) fn line(&self, path: &JsonPath) -> usize {
        locate(self.text, &path.0).map_or(0, |(l, _)| l)
    }

    /// The value at `path` (`None` if absent).
    pub(crate) fn get(&self, path: &JsonPath) -> Option<&Value> {
        let mut v = &self.root;
        for s in &path.0 {
            v = match s {
                Seg::Key(k) => v.get(k)?,
                Seg::Index(i) => v.get(i)?,
            };
        }
        Some(v)
    }

    /// A required string at `path`.
    pub(crate) fn str_at(&self, path: &JsonPath) -> Result<&str, CostError> {
        match self.get(path) {
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(self.err(path, "expected a string")),
            None => Err(self.err(&parent(path), format!("missing field `{}`", last(path)))),
        }
    }

    /// An optional string at `path` (`None` when absent or null).
    pub(crate) fn opt_str_at(&self, path: &JsonPath) -> Result<Option<&str>, CostError> {
        match self.get(path) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.err(path, "expected a string")),
        }
    }

    /// A required object at `path`.
    pub(crate) fn obj_at(
        &self,
        path: &JsonPath,
    ) -> Result<&serde_json::Map<String, Value>, CostError> {
        match self.get(path) {
            Some(Value::Object(m)) => Ok(m),
            Some(_) => Err(self.err(path, "expected an object")),
            None => Err(self.err(&parent(path), format!("missing field `{}`", last(path)))),
        }
    }
}

fn parent(path: &JsonPath) -> JsonPath {
    let mut v = path.0.clone();
    v.pop();
    JsonPath(v)
}

fn last(path: &JsonPath) -> String {
    match path.0.last() {
        Some(Seg::Key(k)) => k.clone(),
        Some(Seg::Index(i)) => format!("[{i}]"),
        None => String::new(),
    }
}

/// Line and column (1-based) where the value at `path` starts in `text`.
fn locate(text: &str, path: &[Seg]) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let mut pos = ws(b, 0);
    for seg in path {
        pos = match (b.get(pos)?, seg) {
            (b'{', Seg::Key(want)) => member(b, pos, want)?,
            (b'[', Seg::Index(want)) => element(b, pos, *want)?,
            _ => return None,
        };
    }
    let before = &text.get(..pos)?;
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(pos, |nl| pos - nl - 1) + 1;
    Some((line, col))
}

fn ws(b: &[u8], mut pos: usize) -> usize {
    while b.get(pos).is_some_and(|c| c.is_ascii_whitespace()) {
        pos += 1;
    }
    pos
}

/// Position of the value of member `want` of the object at `pos`.
fn member(b: &[u8], pos: usize, want: &str) -> Option<usize> {
    let mut p = ws(b, pos + 1);
    loop {
        match b.get(p)? {
            b'}' => return None,
            b',' => p = ws(b, p + 1),
            b'"' => {
                let end = skip_string(b, p)?;
                let key = std::str::from_utf8(b.get(p + 1..end - 1)?).ok()?;
                let colon = ws(b, end);
                if b.get(colon) != Some(&b':') {
                    return None;
                }
                let v = ws(b, colon + 1);
                if key == want {
                    return Some(v);
                }
                p = ws(b, skip_value(b, v)?);
            }
            _ => return None,
        }
    }
}

/// Position of element `want` of the array at `pos`.
fn element(b: &[u8], pos: usize, want: usize) -> Option<usize> {
    let mut p = ws(b, pos + 1);
    let mut i = 0;
    loop {
        match b.get(p)? {
            b']' => return None,
            b',' => p = ws(b, p + 1),
            _ => {
                if i == want {
                    return Some(p);
                }
                p = ws(b, skip_value(b, p)?);
                i += 1;
            }
        }
    }
}

/// End (exclusive) of the string starting with the quote at `pos`.
fn skip_string(b: &[u8], pos: usize) -> Option<usize> {
    let mut p = pos + 1;
    loop {
        match b.get(p)? {
            b'\\' => p += 2,
            b'"' => return Some(p + 1),
            _ => p += 1,
        }
    }
}

/// End (exclusive) of the value starting at `pos`.
fn skip_value(b: &[u8], pos: usize) -> Option<usize> {
    match b.get(pos)? {
        b'"' => skip_string(b, pos),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut p = pos;
            loop {
                match b.get(p)? {
                    b'"' => {
                        p = skip_string(b, p)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(p + 1);
                        }
                    }
                    _ => {}
                }
                p += 1;
            }
        }
        _ => {
            let mut p = pos;
            while b
                .get(p)
                .is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace())
            {
                p += 1;
            }
            Some(p)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_nested_values() {
        let text =
            "{\n  \"a\": [1, {\"b\": \"x,]}\"},\n   {\"c\": 2}],\n  \"d\": {\"e\\\"\": 3}\n}";
        let doc = Doc::parse("t.json", text).unwrap();
        let p = JsonPath::default().key("a").index(2).key("c");
        assert_eq!(locate(text, &p.0), Some((3, 10)));
        assert_eq!(doc.get(&p), Some(&Value::from(2)));
        assert_eq!(p.render(), "a[2].c");
        let e = doc.err(&p, "bad");
        assert_eq!(e, CostError::data("t.json", 3, "a[2].c", "(column 10) bad"));
        let missing = JsonPath::default().key("a").index(1).key("zz");
        assert_eq!(
            doc.str_at(&missing).unwrap_err(),
            CostError::data("t.json", 2, "a[1]", "(column 12) missing field `zz`")
        );
        assert_eq!(locate(text, &JsonPath::default().key("q").0), None);
    }

    #[test]
    fn syntax_errors_carry_serde_line_and_column() {
        let Err(e) = Doc::parse("t.json", "{\n \"a\": [1,\n}") else {
            panic!("invalid JSON was accepted")
        };
        assert!(matches!(e, CostError::Data { line: 3, .. }), "{e}");
        assert!(e.to_string().contains("column"), "{e}");
    }
}
