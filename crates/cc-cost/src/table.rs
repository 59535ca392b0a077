//! A small CSV reader that keeps line numbers for error messages.
//!
//! Format: comma-separated, fields may be double-quoted (`""` escapes a quote inside
//! quotes), one record per line (no embedded newlines). Blank lines are skipped.
//! Lines starting with `#` are comments; a comment of the form `# key: value` is
//! kept as file metadata. The first non-comment line is the header.

use std::collections::BTreeMap;

use crate::CostError;

/// One parsed data row.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// 1-based line number in the file.
    pub line: usize,
    /// Field values, same length as the header.
    pub fields: Vec<String>,
}

/// A parsed CSV file.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub file: String,
    pub header: Vec<String>,
    pub header_line: usize,
    pub rows: Vec<Row>,
    pub meta: BTreeMap<String, String>,
    /// 1-based line of each metadata comment.
    pub meta_lines: BTreeMap<String, usize>,
}

fn split_line(file: &str, line_no: usize, line: &str) -> Result<Vec<String>, CostError> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut in_quotes = false;
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    cur.push('"');
                    chars.next();
                } else {
                    in_quotes = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' && cur.trim().is_empty() && !was_quoted {
            cur.clear();
            in_quotes = true;
            was_quoted = true;
        } else if c == ',' {
            out.push(if was_quoted {
                cur.clone()
            } else {
                cur.trim().to_string()
            });
            cur.clear();
            was_quoted = false;
        } else if was_quoted {
            if !c.is_whitespace() {
                return Err(CostError::data(
                    file,
                    line_no,
                    format!("column {}", out.len() + 1),
                    "text after a closing quote",
                ));
            }
        } else {
            cur.push(c);
        }
    }
    if in_quotes {
        return Err(CostError::data(
            file,
            line_no,
            format!("column {}", out.len() + 1),
            "unterminated quoted field",
        ));
    }
    out.push(if was_quoted {
        cur
    } else {
        cur.trim().to_string()
    });
    Ok(out)
}

impl Table {
    /// Parses `text`; errors name `file`.
    pub(crate) fn parse(file: &str, text: &str) -> Result<Table, CostError> {
        let mut header: Option<(usize, Vec<String>)> = None;
        let mut rows = Vec::new();
        let mut meta = BTreeMap::new();
        let mut meta_lines = BTreeMap::new();
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = raw.trim_end_matches('\r');
            let t = line.trim();
            if t.is_empty() {
                continue;
            }
            if let Some(c) = t.strip_prefix('#') {
                if let Some((k, v)) = c.split_once(':') {
                    let k = k.trim();
                    if !k.is_empty() && !k.contains(' ') {
                        meta.insert(k.to_string(), v.trim().to_string());
                        meta_lines.insert(k.to_string(), line_no);
                    }
                }
                continue;
            }
            let fields = split_line(file, line_no, line)?;
            match &header {
                None => {
                    for (j, h) in fields.iter().enumerate() {
                        if h.is_empty() {
                            return Err(CostError::data(
                                file,
                                line_no,
                                format!("column {}", j + 1),
                                "empty header name",
                            ));
                        }
                        if fields[..j].contains(h) {
                            return Err(CostError::data(file, line_no, h, "duplicate column"));
                        }
                    }
                    header = Some((line_no, fields));
                }
                Some((_, h)) => {
                    if fields.len() != h.len() {
                        return Err(CostError::data(
                            file,
                            line_no,
                            if fields.len() < h.len() {
                                h[fields.len()].clone()
                            } else {
                                format!("column {}", h.len() + 1)
                            },
                            format!("row has {} fields, header has {}", fields.len(), h.len()),
                        ));
                    }
                    rows.push(Row {
                        line: line_no,
                        fields,
                    });
                }
            }
        }
        let (header_line, header) =
            header.ok_or_else(|| CostError::data(file, 0, "header", "file has no header line"))?;
        Ok(Table {
            file: file.to_string(),
            header,
            header_line,
            rows,
            meta,
            meta_lines,
        })
    }

    /// Index of a required column.
    pub(crate) fn col(&self, name: &str) -> Result<usize, CostError> {
        self.header.iter().position(|h| h == name).ok_or_else(|| {
            CostError::data(
                &self.file,
                self.header_line,
                name,
                "missing required column",
            )
        })
    }

    /// Index of an optional column.
    pub(crate) fn opt_col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// A required non-empty field.
    pub(crate) fn req<'a>(&self, row: &'a Row, col: usize) -> Result<&'a str, CostError> {
        let v = row.fields[col].as_str();
        if v.is_empty() {
            return Err(self.err(row, col, "required field is empty"));
        }
        Ok(v)
    }

    /// Error at a row and column.
    pub(crate) fn err(&self, row: &Row, col: usize, msg: impl Into<String>) -> CostError {
        CostError::data(&self.file, row.line, &self.header[col], msg)
    }

    /// Error about the metadata comment `# key: ...`, at its line (0 if absent).
    pub(crate) fn meta_err(&self, key: &str, msg: impl Into<String>) -> CostError {
        CostError::data(
            &self.file,
            self.meta_lines.get(key).copied().unwrap_or(0),
            key,
            msg,
        )
    }

    /// Required metadata key (`# key: value`).
    pub(crate) fn meta_req(&self, key: &str) -> Result<&str, CostError> {
        self.meta
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                CostError::data(
                    &self.file,
                    0,
                    key,
                    format!("missing metadata comment `# {key}: ...`"),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_comments_and_meta() {
        let t = Table::parse(
            "t.csv",
            "# source: a page\n# just a comment\na,b\n1,\"x, \"\"y\"\"\"\n\n2 , 3\n",
        )
        .unwrap();
        assert_eq!(t.meta.get("source").unwrap(), "a page");
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].fields[1], "x, \"y\"");
        assert_eq!(t.rows[1].line, 6);
        assert_eq!(t.rows[1].fields[0], "2");
    }

    #[test]
    fn errors_name_file_line_field() {
        let e = Table::parse("f.csv", "a,b\n1\n").unwrap_err();
        assert_eq!(
            e,
            CostError::data("f.csv", 2, "b", "row has 1 fields, header has 2")
        );
        let e = Table::parse("f.csv", "a,b\n1,\"open\n").unwrap_err();
        assert!(matches!(e, CostError::Data { line: 2, .. }));
        let e = Table::parse("f.csv", "# only comments\n").unwrap_err();
        assert!(e.to_string().contains("f.csv"));
        let e = Table::parse("f.csv", "a,a\n").unwrap_err();
        assert!(e.to_string().contains("duplicate"));
    }
}
