//! Parsing matrices and certificates a student can type.
//!
//! Formats (all errors name the 1-based line and column):
//!
//! * **text**: one row per line, one digit (`0`-`9`) per entry, spaces and tabs
//!   between digits optional; blank lines and `#` comments (to end of line) allowed.
//! * **CSV**: one row per line, entries `0..=255` separated by commas; blank
//!   lines and `#` comments allowed.
//! * **JSON**: an array of arrays of integers `0..=255`, e.g. `[[0,1],[1,0]]`.
//! * **fooling sets / cell lists**: one `row col` pair per line (0-based,
//!   separated by whitespace or a comma), `#` comments; or JSON `[[r, c], ...]`.
//!
//! In every format a leading UTF-8 byte-order mark is skipped, and JSON may
//! carry `#` comments (to end of line) before, inside and after the array.
//! Raw bytes go through [`decode_utf8`] (or [`parse_matrix_bytes`]), which
//! names the line and column of the first byte that is not UTF-8 and refuses
//! input beyond [`MAX_INPUT_BYTES`].

use crate::error::{Result, TheoryError};
use crate::matrix::{CommMatrix, MAX_CELLS, MAX_SIDE, check_size};

/// The input format of a matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MatrixFormat {
    /// Rows of digits.
    Text,
    /// Comma-separated values.
    Csv,
    /// JSON array of arrays.
    Json,
}

fn perr(line: usize, column: usize, message: impl Into<String>) -> TheoryError {
    TheoryError::Parse {
        line,
        column,
        message: message.into(),
    }
}

/// The largest input accepted from bytes, 64 MiB ([`decode_utf8`]; the CLI
/// stops reading a file there).
pub const MAX_INPUT_BYTES: usize = 64 << 20;

/// The input without a leading UTF-8 byte-order mark (`U+FEFF`).
pub(crate) fn strip_bom(input: &str) -> &str {
    input.strip_prefix('\u{feff}').unwrap_or(input)
}

/// Decodes UTF-8 input, skipping a leading byte-order mark.
///
/// Errors: [`TheoryError::Parse`] with the 1-based line and column (in
/// characters, as in every parse error) of the first byte that is not valid
/// UTF-8; [`TheoryError::InvalidParameter`] naming the limit when the input
/// exceeds [`MAX_INPUT_BYTES`].
///
/// ```
/// use cc_theory::{TheoryError, parse::decode_utf8};
/// assert_eq!(decode_utf8(b"\xEF\xBB\xBF01\n10\n")?, "01\n10\n");
/// let err = decode_utf8(b"01\n1\xFF\n").unwrap_err();
/// assert!(matches!(err, TheoryError::Parse { line: 2, column: 2, .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decode_utf8(bytes: &[u8]) -> Result<&str> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(TheoryError::InvalidParameter {
            parameter: "input".into(),
            message: format!(
                "{} bytes exceed the input limit of {} MiB ({MAX_INPUT_BYTES} bytes)",
                bytes.len(),
                MAX_INPUT_BYTES >> 20
            ),
        });
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(body).map_err(|e| {
        let valid = &body[..e.valid_up_to()];
        // the prefix is valid UTF-8 by construction
        let before = std::str::from_utf8(valid).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let byte = body[e.valid_up_to()];
        perr(
            line,
            column,
            format!("byte 0x{byte:02X} is not valid UTF-8 (save the file as UTF-8 text)"),
        )
    })
}

/// Parses a matrix from raw bytes: [`decode_utf8`], then [`parse_matrix`].
pub fn parse_matrix_bytes(bytes: &[u8]) -> Result<CommMatrix> {
    parse_matrix(decode_utf8(bytes)?)
}

/// Detects the format: JSON if the first non-blank, non-comment character is
/// `[`, CSV if any data line contains a comma, text otherwise (a leading
/// byte-order mark is skipped).
pub fn detect_format(input: &str) -> MatrixFormat {
    for line in strip_bom(input).lines() {
        let data = line.split('#').next().unwrap_or("").trim();
        if data.is_empty() {
            continue;
        }
        if data.starts_with('[') {
            return MatrixFormat::Json;
        }
        if data.contains(',') {
            return MatrixFormat::Csv;
        }
        return MatrixFormat::Text;
    }
    MatrixFormat::Text
}

/// Parses a matrix, detecting its format with [`detect_format`].
pub fn parse_matrix(input: &str) -> Result<CommMatrix> {
    let input = strip_bom(input);
    match detect_format(input) {
        MatrixFormat::Text => parse_text(input),
        MatrixFormat::Csv => parse_csv(input),
        MatrixFormat::Json => parse_json(input),
    }
}

/// Collects rows with their line numbers and checks shape and size limits.
fn finish(rows: Vec<(usize, Vec<u8>)>, last_line: usize) -> Result<CommMatrix> {
    let Some((first_line, first)) = rows.first() else {
        return Err(perr(last_line.max(1), 1, "empty matrix: no rows found"));
    };
    let cols = first.len();
    if cols == 0 {
        return Err(perr(*first_line, 1, "empty row"));
    }
    for (line, r) in &rows {
        if r.len() != cols {
            return Err(perr(
                *line,
                1,
                format!(
                    "ragged rows: this row has {} entries but the first row (line {first_line}) has {cols}",
                    r.len()
                ),
            ));
        }
    }
    if rows.len() > MAX_SIDE || cols > MAX_SIDE || rows.len().saturating_mul(cols) > MAX_CELLS {
        return Err(perr(
            rows[rows.len() - 1].0,
            1,
            format!(
                "matrix of {} x {cols} exceeds the size limit ({MAX_SIDE} rows/columns, {MAX_CELLS} cells)",
                rows.len()
            ),
        ));
    }
    check_size(rows.len(), cols)?;
    CommMatrix::from_fn(rows.len(), cols, |i, j| rows[i].1[j])
}

/// Parses the text format (digits, optional spaces, `#` comments).
pub fn parse_text(input: &str) -> Result<CommMatrix> {
    let input = strip_bom(input);
    let mut rows = Vec::new();
    let mut last = 0;
    for (li, line) in input.lines().enumerate() {
        last = li + 1;
        let mut row = Vec::new();
        for (ci, ch) in line.chars().enumerate() {
            match ch {
                '#' => break,
                ' ' | '\t' | '\r' => {}
                '0'..='9' => row.push(ch as u8 - b'0'),
                _ => {
                    return Err(perr(
                        li + 1,
                        ci + 1,
                        format!(
                            "unexpected character {ch:?}: entries are single digits 0-9 (use CSV or JSON for larger values)"
                        ),
                    ));
                }
            }
            if row.len() > MAX_SIDE {
                return Err(perr(
                    li + 1,
                    ci + 1,
                    format!("row longer than {MAX_SIDE} entries"),
                ));
            }
        }
        if !row.is_empty() {
            rows.push((li + 1, row));
            if rows.len() > MAX_SIDE {
                return Err(perr(li + 1, 1, format!("more than {MAX_SIDE} rows")));
            }
        }
    }
    finish(rows, last)
}

/// Parses comma-separated values `0..=255`.
pub fn parse_csv(input: &str) -> Result<CommMatrix> {
    let input = strip_bom(input);
    let mut rows = Vec::new();
    let mut last = 0;
    for (li, line) in input.lines().enumerate() {
        last = li + 1;
        let data = line.split('#').next().unwrap_or("");
        if data.trim().is_empty() {
            continue;
        }
        let mut row = Vec::new();
        let mut col = 1;
        for field in data.split(',') {
            let lead = field.len() - field.trim_start().len();
            let tok = field.trim();
            let column = col + lead;
            if tok.is_empty() {
                return Err(perr(li + 1, column, "empty field"));
            }
            match tok.parse::<u8>() {
                Ok(v) => row.push(v),
                Err(_) => {
                    return Err(perr(
                        li + 1,
                        column,
                        format!("`{tok}` is not an integer in 0..=255"),
                    ));
                }
            }
            col += field.chars().count() + 1;
            if row.len() > MAX_SIDE {
                return Err(perr(
                    li + 1,
                    column,
                    format!("row longer than {MAX_SIDE} entries"),
                ));
            }
        }
        rows.push((li + 1, row));
        if rows.len() > MAX_SIDE {
            return Err(perr(li + 1, 1, format!("more than {MAX_SIDE} rows")));
        }
    }
    finish(rows, last)
}

/// An inner array with the (line, column) where it starts.
type Positioned = ((usize, usize), Vec<u64>);

/// A tiny JSON reader for arrays of arrays of non-negative integers.
struct JsonReader<'a> {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    col: usize,
    _src: &'a str,
}

impl<'a> JsonReader<'a> {
    fn new(src: &'a str) -> Self {
        JsonReader {
            chars: strip_bom(src).chars().collect(),
            pos: 0,
            line: 1,
            col: 1,
            _src: src,
        }
    }
    fn err(&self, msg: impl Into<String>) -> TheoryError {
        perr(self.line, self.col, msg)
    }
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn bump(&mut self) {
        if let Some(c) = self.peek() {
            self.pos += 1;
            if c == '\n' {
                self.line += 1;
                self.col = 1;
            } else {
                self.col += 1;
            }
        }
    }
    /// Skips whitespace and `#` comments (to the end of the line).
    fn ws(&mut self) {
        loop {
            match self.peek() {
                Some(' ' | '\t' | '\n' | '\r') => self.bump(),
                Some('#') => {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                }
                _ => break,
            }
        }
    }
    fn expect(&mut self, c: char, what: &str) -> Result<()> {
        self.ws();
        if self.peek() == Some(c) {
            self.bump();
            Ok(())
        } else {
            Err(self.err(format!("expected {what}, found {}", self.describe())))
        }
    }
    fn describe(&self) -> String {
        self.peek()
            .map_or_else(|| "end of input".to_string(), |c| format!("{c:?}"))
    }
    fn number(&mut self, max: u64) -> Result<u64> {
        self.ws();
        let (line, col) = (self.line, self.col);
        let mut typed = String::new();
        while let Some(c) = self.peek().filter(char::is_ascii_digit) {
            typed.push(c);
            self.bump();
        }
        if typed.is_empty() {
            return Err(self.err(format!(
                "expected a non-negative integer, found {}",
                self.describe()
            )));
        }
        // echo the number as typed: beyond u64 it has no value to print
        match typed.parse::<u64>() {
            Ok(v) if v <= max => Ok(v),
            _ => Err(perr(
                line,
                col,
                format!("{typed} is out of range 0..={max}"),
            )),
        }
    }
    /// Parses `[[n, ...], ...]`, returning each inner array with its start position.
    fn array_of_arrays(&mut self, max: u64) -> Result<Vec<Positioned>> {
        self.expect('[', "`[` (a JSON array of arrays)")?;
        let mut out = Vec::new();
        self.ws();
        if self.peek() == Some(']') {
            self.bump();
        } else {
            loop {
                self.ws();
                let start = (self.line, self.col);
                self.expect('[', "`[` starting an inner array")?;
                let mut row = Vec::new();
                self.ws();
                if self.peek() == Some(']') {
                    self.bump();
                } else {
                    loop {
                        row.push(self.number(max)?);
                        if row.len() > MAX_SIDE {
                            return Err(self.err(format!("array longer than {MAX_SIDE}")));
                        }
                        self.ws();
                        match self.peek() {
                            Some(',') => self.bump(),
                            Some(']') => {
                                self.bump();
                                break;
                            }
                            _ => {
                                return Err(self.err(format!(
                                    "expected `,` or `]`, found {}",
                                    self.describe()
                                )));
                            }
                        }
                    }
                }
                out.push((start, row));
                if out.len() > MAX_SIDE {
                    return Err(self.err(format!("more than {MAX_SIDE} rows")));
                }
                self.ws();
                match self.peek() {
                    Some(',') => self.bump(),
                    Some(']') => {
                        self.bump();
                        break;
                    }
                    _ => {
                        return Err(
                            self.err(format!("expected `,` or `]`, found {}", self.describe()))
                        );
                    }
                }
            }
        }
        self.ws();
        if self.peek().is_some() {
            return Err(self.err(format!(
                "unexpected {} after the end of the array",
                self.describe()
            )));
        }
        Ok(out)
    }
}

/// Parses a JSON array of arrays of integers `0..=255`.
pub fn parse_json(input: &str) -> Result<CommMatrix> {
    let mut r = JsonReader::new(input);
    let rows = r.array_of_arrays(255)?;
    let Some(((l0, c0), first)) = rows.first() else {
        return Err(perr(1, 1, "empty matrix: the array has no rows"));
    };
    if first.is_empty() {
        return Err(perr(*l0, *c0, "empty row"));
    }
    for ((l, c), row) in &rows {
        if row.len() != first.len() {
            return Err(perr(
                *l,
                *c,
                format!(
                    "ragged rows: this row has {} entries but the first row has {}",
                    row.len(),
                    first.len()
                ),
            ));
        }
    }
    let nrows = rows.len();
    let ncols = first.len();
    if nrows.saturating_mul(ncols) > MAX_CELLS {
        return Err(perr(
            *l0,
            *c0,
            format!("matrix of {nrows} x {ncols} exceeds {MAX_CELLS} cells"),
        ));
    }
    CommMatrix::from_fn(nrows, ncols, |i, j| rows[i].1[j] as u8)
}

/// Parses a list of cells: text (`row col` per line, `#` comments, whitespace
/// or comma separated) or JSON (`[[row, col], ...]`). Indices are 0-based.
pub fn parse_cells(input: &str) -> Result<Vec<(usize, usize)>> {
    let input = strip_bom(input);
    if detect_format(input) == MatrixFormat::Json {
        let mut r = JsonReader::new(input);
        let pairs = r.array_of_arrays(u64::from(u32::MAX))?;
        return pairs
            .into_iter()
            .map(|((l, c), p)| {
                if p.len() == 2 {
                    Ok((p[0] as usize, p[1] as usize))
                } else {
                    Err(perr(
                        l,
                        c,
                        format!("a cell is a pair [row, col], found {} numbers", p.len()),
                    ))
                }
            })
            .collect();
    }
    let mut out = Vec::new();
    for (li, line) in input.lines().enumerate() {
        let data = line.split('#').next().unwrap_or("");
        let mut nums = Vec::new();
        let mut start: Option<usize> = None;
        let chars: Vec<char> = data.chars().collect();
        for (ci, &ch) in chars.iter().chain(std::iter::once(&' ')).enumerate() {
            if ch.is_ascii_digit() {
                start.get_or_insert(ci);
            } else {
                if let Some(s) = start.take() {
                    let tok: String = chars[s..ci].iter().collect();
                    let v = tok
                        .parse::<usize>()
                        .map_err(|_| perr(li + 1, s + 1, format!("`{tok}` is too large")))?;
                    nums.push((s, v));
                }
                if !(ch == ' ' || ch == '\t' || ch == ',' || ch == '\r') {
                    return Err(perr(
                        li + 1,
                        ci + 1,
                        format!(
                            "unexpected character {ch:?}: expected `row col` (0-based integers)"
                        ),
                    ));
                }
            }
        }
        match nums.len() {
            0 => {}
            2 => out.push((nums[0].1, nums[1].1)),
            k => {
                return Err(perr(
                    li + 1,
                    nums[0].0 + 1,
                    format!("expected two numbers `row col`, found {k}"),
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_with_comments_and_spaces() {
        let m = parse_matrix("# EQ_1\n1 0\n\n01  # second row\n").unwrap();
        assert_eq!(m.to_rows(), vec![vec![1, 0], vec![0, 1]]);
        let m = parse_matrix("012\n345\n").unwrap();
        assert_eq!(m.max_value(), 5);
    }

    #[test]
    fn text_errors_name_line_and_column() {
        assert_eq!(
            parse_text("10\n1x\n"),
            Err(TheoryError::Parse {
                line: 2,
                column: 2,
                message: "unexpected character 'x': entries are single digits 0-9 (use CSV or JSON for larger values)"
                    .into()
            })
        );
        assert!(matches!(
            parse_text("10\n1\n"),
            Err(TheoryError::Parse {
                line: 2,
                column: 1,
                ..
            })
        ));
        assert!(matches!(
            parse_text("# nothing\n\n"),
            Err(TheoryError::Parse { .. })
        ));
        let err = parse_text("10\n1\n").unwrap_err().to_string();
        assert!(err.contains("ragged"), "{err}");
    }

    #[test]
    fn csv_and_json() {
        let m = parse_matrix("0, 1, 2\n3,4,5\n").unwrap();
        assert_eq!(m.get(1, 2), 5);
        assert!(matches!(
            parse_csv("0,1\n0,x\n"),
            Err(TheoryError::Parse {
                line: 2,
                column: 3,
                ..
            })
        ));
        assert!(matches!(
            parse_csv("0,1\n0,256\n"),
            Err(TheoryError::Parse { line: 2, .. })
        ));
        let m = parse_matrix("[[0, 1],\n [1, 0]]").unwrap();
        assert_eq!(m.to_rows(), vec![vec![0, 1], vec![1, 0]]);
        assert!(matches!(
            parse_json("[[0,1],\n [1]]"),
            Err(TheoryError::Parse {
                line: 2,
                column: 2,
                ..
            })
        ));
        assert!(matches!(
            parse_json("[[0,1],\n [1, a]]"),
            Err(TheoryError::Parse {
                line: 2,
                column: 6,
                ..
            })
        ));
        assert!(matches!(parse_json("[]"), Err(TheoryError::Parse { .. })));
        assert!(matches!(
            parse_json("[[0]] x"),
            Err(TheoryError::Parse {
                line: 1,
                column: 7,
                ..
            })
        ));
    }

    #[test]
    fn over_size_limit_is_an_error() {
        let line = "0".repeat(MAX_SIDE + 1);
        assert!(matches!(
            parse_text(&line),
            Err(TheoryError::Parse { line: 1, .. })
        ));
    }

    #[test]
    fn cells() {
        assert_eq!(
            parse_cells("# set\n0 1\n2,3\n\n").unwrap(),
            vec![(0, 1), (2, 3)]
        );
        assert_eq!(parse_cells("[[0,1],[2,3]]").unwrap(), vec![(0, 1), (2, 3)]);
        assert!(matches!(
            parse_cells("0 1 2\n"),
            Err(TheoryError::Parse { line: 1, .. })
        ));
        assert!(matches!(
            parse_cells("0 a\n"),
            Err(TheoryError::Parse {
                line: 1,
                column: 3,
                ..
            })
        ));
    }
}
