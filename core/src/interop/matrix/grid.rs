//! A matrix as rows of cells, each row with its place (CSV line or sheet
//! row), and how a cell is named in a problem (`line 4, column 2` or
//! `Controls!B4`). CSV is read here (separator guessed from the header
//! line, at most [`MAX_ROWS`] rows); XLSX sheets come from [`super::xlsx`].
use crate::error::Problem;
use crate::interop::xlsx::column_letters;
use crate::interop::{problem, MAX_ROWS};

/// The separator a header line uses most: `,`, `;` or a tab.
pub(super) fn separator(header: &str) -> u8 {
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|s| header.bytes().filter(|b| b == s).count())
        .unwrap_or(b',')
}

/// A grid of cells and how to name a cell in a problem.
pub(super) struct Grid {
    /// (place of the row: CSV line or sheet row, cells)
    pub rows: Vec<(usize, Vec<String>)>,
    /// XLSX: the sheet's name (cells are named `Sheet!B7`); CSV: none (line and column).
    pub sheet: Option<String>,
    /// XLSX: the column the sheet's used range starts at.
    pub first_col: u32,
}

impl Grid {
    pub fn at(
        &self,
        file: &str,
        line: usize,
        col: usize,
        header: &str,
        message: String,
    ) -> Problem {
        match &self.sheet {
            Some(s) => problem(
                file,
                0,
                0,
                format!(
                    "{s}!{}{line} ({header}): {message}",
                    column_letters(self.first_col + col as u32)
                ),
            ),
            None => problem(
                file,
                line,
                col + 1,
                format!("line {line}, column {} ({header}): {message}", col + 1),
            ),
        }
    }
    pub fn place(&self, line: usize, col: usize) -> String {
        match &self.sheet {
            Some(s) => format!("{s}!{}{line}", column_letters(self.first_col + col as u32)),
            None => format!("line {line}, column {}", col + 1),
        }
    }
}

pub(super) fn csv_grid(file: &str, bytes: &[u8]) -> Result<Grid, Vec<Problem>> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = String::from_utf8_lossy(&text[..text.len().min(4096)]);
    let sep = separator(first.lines().next().unwrap_or(""));
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sep)
        .from_reader(text);
    let mut rows = Vec::new();
    // The reader reports a record's position where the previous one ended
    // (before its line break), so the starting line is counted here.
    let (mut at, mut line) = (0usize, 1usize);
    let mut line_of = |byte: usize| {
        let mut b = byte.min(text.len());
        while b < text.len() && matches!(text[b], b'\r' | b'\n') {
            b += 1;
        }
        if b >= at {
            line += text[at..b].iter().filter(|c| **c == b'\n').count();
            at = b;
        }
        line
    };
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize).unwrap_or(1);
            vec![problem(file, line, 1, format!("not readable CSV: {e}"))]
        })?;
        if rows.len() > MAX_ROWS {
            return Err(vec![problem(
                file,
                1,
                1,
                format!("more than {MAX_ROWS} rows; split the matrix"),
            )]);
        }
        let line = line_of(rec.position().map(|p| p.byte() as usize).unwrap_or(0));
        rows.push((line, rec.iter().map(str::to_string).collect()));
    }
    Ok(Grid {
        rows,
        sheet: None,
        first_col: 0,
    })
}
