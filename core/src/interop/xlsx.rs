//! Reading an XLSX workbook's cells without trusting the zip it comes in.
//!
//! An XLSX is a zip (ECMA-376 Part 2, Open Packaging Conventions). A zip
//! bomb declares small sizes or inflates far past them. So before calamine
//! sees anything, every entry's declared size is read from the central
//! directory and the total capped, then each entry is inflated with a hard
//! stop one byte past what it declared, into a fresh uncompressed zip that
//! is all calamine gets. Memory is bounded by [`MAX_UNCOMPRESSED`] whatever
//! the file claims.
use super::problem;
use crate::error::Problem;
use std::io::{Cursor, Read, Write};

/// Most bytes all entries of a workbook may inflate to. A 100,000-row
/// matrix is about 30 MiB of sheet XML.
pub const MAX_UNCOMPRESSED: u64 = 64 * 1024 * 1024;
/// Most entries in the zip; a workbook has a few dozen.
pub const MAX_ENTRIES: usize = 10_000;
/// Most cells a sheet may span (rows × columns from its first to its last
/// non-empty cell): calamine allocates the whole rectangle, so one cell at
/// `XFD1048576` beside `A1` asked for 512 GiB. 100,000 rows of 40 columns fit.
pub const MAX_CELLS: u64 = 4_000_000;

/// Refuses cell references calamine cannot compute: it adds up a reference's
/// letters and digits in `u32` without overflow checks (a panic in debug
/// builds, a wrapped position in release). Excel's own limits are three
/// letters (`XFD`) and seven digits (1,048,576); anything longer is refused.
fn check_cell_refs(name: &str, xml: &[u8]) -> Result<(), String> {
    let mut i = 0;
    while let Some(at) = xml[i..].windows(2).position(|w| w == b"r=" || w == b"r ") {
        let start = i + at;
        i = start + 1;
        if start == 0 || !xml[start - 1].is_ascii_whitespace() {
            continue;
        }
        let mut j = start + 1;
        while j < xml.len() && xml[j].is_ascii_whitespace() {
            j += 1;
        }
        if xml.get(j) != Some(&b'=') {
            continue;
        }
        j += 1;
        while j < xml.len() && xml[j].is_ascii_whitespace() {
            j += 1;
        }
        let Some(&quote) = xml.get(j).filter(|q| matches!(q, b'"' | b'\'')) else {
            continue;
        };
        let value = &xml[j + 1..];
        let value = &value[..value
            .iter()
            .position(|&b| b == quote)
            .unwrap_or(value.len())];
        let letters = value.iter().filter(|b| b.is_ascii_alphabetic()).count();
        let digits = value.iter().filter(|b| b.is_ascii_digit()).count();
        if letters > 3 || digits > 7 {
            return Err(format!(
                "{name}: the cell reference `{}` is beyond a sheet's limits (column XFD, row 1048576)",
                String::from_utf8_lossy(&value[..value.len().min(40)])
            ));
        }
    }
    Ok(())
}

/// The cells of one sheet as text, row by row.
pub struct Sheet {
    /// The sheet's name, as cells are named in problems (`Controls!B4`).
    pub name: String,
    /// The used range's cells as text, row by row.
    pub rows: Vec<Vec<String>>,
    /// Sheet row and column (0-based) of `rows[0][0]`.
    pub start: (u32, u32),
}

/// `A`, `B`, … `Z`, `AA`: a column's letters from its 0-based index.
pub fn column_letters(mut col: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ascii")
}

fn checked_copy(file: &str, bytes: &[u8]) -> Result<Vec<u8>, Problem> {
    let fail = |m: String| problem(file, 1, 1, m);
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| fail(format!("not a readable XLSX (zip) file: {e}")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(fail(format!(
            "the workbook has {} parts, more than the {MAX_ENTRIES} accepted",
            zip.len()
        )));
    }
    let mut declared: u64 = 0;
    let mut workbook = false;
    for i in 0..zip.len() {
        let f = zip
            .by_index_raw(i)
            .map_err(|e| fail(format!("damaged zip directory: {e}")))?;
        declared = declared.saturating_add(f.size());
        workbook |= f.name().is_ok_and(|n| n == "xl/workbook.xml");
    }
    if !workbook {
        return Err(fail(
            "a zip file that is not an XLSX workbook (no xl/workbook.xml)".into(),
        ));
    }
    if declared > MAX_UNCOMPRESSED {
        return Err(fail(format!(
            "the workbook would inflate to {declared} bytes, over the limit of {} MiB; is it a zip bomb?",
            MAX_UNCOMPRESSED / (1024 * 1024)
        )));
    }
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let mut f = zip
            .by_index(i)
            .map_err(|e| fail(format!("cannot read a part of the workbook: {e}")))?;
        if f.is_dir() {
            continue;
        }
        let name = f
            .name()
            .map_err(|e| {
                fail(format!(
                    "a part of the workbook has an unreadable name: {e}"
                ))
            })?
            .to_string();
        let size = f.size();
        let mut buf = Vec::with_capacity(size.min(MAX_UNCOMPRESSED) as usize);
        (&mut f)
            .take(size + 1)
            .read_to_end(&mut buf)
            .map_err(|e| fail(format!("cannot inflate {name}: {e}")))?;
        if buf.len() as u64 > size {
            return Err(fail(format!(
                "{name} inflates past the {size} bytes it declares; the file is damaged or hostile"
            )));
        }
        total += buf.len() as u64;
        if total > MAX_UNCOMPRESSED {
            return Err(fail("the workbook inflates past the size limit".into()));
        }
        if name.starts_with("xl/worksheets/") {
            check_cell_refs(&name, &buf).map_err(fail)?;
        }
        out.start_file(name, stored)
            .and_then(|_| out.write_all(&buf).map_err(Into::into))
            .map_err(|e| fail(format!("cannot copy the workbook: {e}")))?;
    }
    Ok(out
        .finish()
        .map_err(|e| fail(format!("cannot copy the workbook: {e}")))?
        .into_inner())
}

/// Refuses a sheet whose non-empty cells span more than [`MAX_CELLS`],
/// before calamine allocates that rectangle.
fn check_span(
    file: &str,
    wb: &mut calamine::Xlsx<Cursor<Vec<u8>>>,
    name: &str,
) -> Result<(), Problem> {
    let fail = |m: String| problem(file, 1, 1, format!("sheet {name}: {m}"));
    let mut cells = match wb.worksheet_cells_reader(name) {
        Ok(c) => c,
        // Not a worksheet (a chart sheet): calamine reads it as empty.
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(()),
        Err(e) => return Err(fail(format!("cannot read it: {e}"))),
    };
    let (mut lo, mut hi) = ((u32::MAX, u32::MAX), (0u32, 0u32));
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| fail(format!("cannot read it: {e}")))?
    {
        if matches!(cell.get_value(), calamine::DataRef::Empty) {
            continue;
        }
        let (r, c) = cell.get_position();
        lo = (lo.0.min(r), lo.1.min(c));
        hi = (hi.0.max(r), hi.1.max(c));
    }
    if lo.0 == u32::MAX {
        return Ok(());
    }
    let span = (u64::from(hi.0 - lo.0) + 1) * (u64::from(hi.1 - lo.1) + 1);
    if span > MAX_CELLS {
        return Err(fail(format!(
            "its cells span {} rows × {} columns ({}{} to {}{}), more than the {MAX_CELLS} cells accepted; delete the far-away cells",
            hi.0 - lo.0 + 1,
            hi.1 - lo.1 + 1,
            column_letters(lo.1),
            lo.0 + 1,
            column_letters(hi.1),
            hi.0 + 1
        )));
    }
    Ok(())
}

/// Every sheet of a workbook, cells as text.
pub fn read(file: &str, bytes: &[u8]) -> Result<Vec<Sheet>, Problem> {
    use calamine::{Data, Reader, Xlsx};
    let safe = checked_copy(file, bytes)?;
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(safe))
        .map_err(|e| problem(file, 1, 1, format!("not a readable XLSX workbook: {e}")))?;
    let mut sheets = Vec::new();
    for name in wb.sheet_names() {
        check_span(file, &mut wb, &name)?;
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| problem(file, 1, 1, format!("cannot read sheet {name}: {e}")))?;
        let start = range.start().unwrap_or((0, 0));
        let rows = range
            .rows()
            .take(super::MAX_ROWS + 1)
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Data::Empty => String::new(),
                        Data::String(s) => s.clone(),
                        Data::Int(i) => i.to_string(),
                        // Numbers typed into cells: shortest form (`5.15`). A ref such as
                        // `12.10` typed as a number is already `12.1` in the file.
                        Data::Float(f) => f.to_string(),
                        Data::Bool(b) => b.to_string(),
                        Data::DateTime(d) => d.to_string(),
                        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                        Data::Error(e) => format!("#{e:?}"),
                    })
                    .collect()
            })
            .collect();
        sheets.push(Sheet { name, rows, start });
    }
    Ok(sheets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
    }

    fn zip_with(parts: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default().compression_method(method);
        for (n, b) in parts {
            w.start_file(*n, o).unwrap();
            w.write_all(b).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_zip_bomb_is_refused_before_inflating() {
        // 80 MiB of zeros (over the cap) deflate to under 100 KiB.
        let zeros = vec![0u8; 80 * 1024 * 1024];
        let bomb = zip_with(
            &[
                ("xl/workbook.xml", b"<workbook/>"),
                ("xl/worksheets/sheet1.xml", &zeros),
            ],
            zip::CompressionMethod::Deflated,
        );
        drop(zeros);
        assert!(bomb.len() < 2 * 1024 * 1024);
        let e = read("bomb.xlsx", &bomb).err().unwrap();
        assert!(e.message.contains("zip bomb"), "{e}");
    }

    #[test]
    fn a_zip_that_lies_about_its_size_is_refused() {
        let mut z = zip_with(
            &[
                ("xl/workbook.xml", b"<workbook/>"),
                ("xl/big.xml", &[b'a'; 5000]),
            ],
            zip::CompressionMethod::Stored,
        );
        // Shrink the declared size of the second entry, in the central directory and the local header.
        let mut patched = 0;
        for i in 0..z.len().saturating_sub(46) {
            let (size_at, len_at, name_at) = match &z[i..i + 4] {
                b"PK\x01\x02" => (24, 28, 46),
                b"PK\x03\x04" => (22, 26, 30),
                _ => continue,
            };
            let len = u16::from_le_bytes([z[i + len_at], z[i + len_at + 1]]) as usize;
            if z.get(i + name_at..i + name_at + len) == Some(&b"xl/big.xml"[..]) {
                z[i + size_at..i + size_at + 4].copy_from_slice(&10u32.to_le_bytes());
                patched += 1;
            }
        }
        assert_eq!(patched, 2);
        assert!(read("lie.xlsx", &z).is_err());
        assert!(read("x.xlsx", b"PK\x03\x04garbage").is_err());
        let not_xlsx = zip_with(&[("a.txt", b"hi")], zip::CompressionMethod::Stored);
        assert!(read("a.xlsx", &not_xlsx)
            .err()
            .unwrap()
            .message
            .contains("not an XLSX"));
    }
}
