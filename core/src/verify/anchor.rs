//! Chain anchors: the keyword a report carries in its PDF metadata, and an
//! anchor as the user gives it (`HASH:COUNT`, or a report to read it from).
use super::VerifyReport;
use crate::audit::Anchor;

/// The PDF keyword that carries a report's chain anchor.
const ANCHOR_KEYWORD: &str = "crosswalk-anchor:";

pub(crate) fn anchor_keyword(v: &VerifyReport) -> String {
    format!("{ANCHOR_KEYWORD}{}:{}", v.last_event_hash, v.events_checked)
}

/// An anchor as the user gives it: `HASH:COUNT`, or the path of a report PDF
/// whose metadata carries one.
pub fn parse_anchor(arg: &str) -> crate::Result<Anchor> {
    if let Some(a) = Anchor::parse(arg) {
        return Ok(a);
    }
    let path = std::path::Path::new(arg);
    if !path.exists() {
        return Err(crate::Error::Usage(format!(
            "--anchor {arg}: give HASH:COUNT (64 hex digits, a colon, the event count) or a report PDF"
        )));
    }
    anchor_from_pdf(path)
}

/// Reads the anchor a Crosswalk report carries in its PDF Keywords.
pub fn anchor_from_pdf(path: &std::path::Path) -> crate::Result<Anchor> {
    let bytes = crate::input::read_untrusted(path, 1 << 30)?;
    let not_found = || {
        crate::Error::Usage(format!(
            "{} carries no Crosswalk chain anchor (is it a Crosswalk report?)",
            path.display()
        ))
    };
    let doc = lopdf::Document::load_mem(&bytes).map_err(|_| not_found())?;
    let keywords = doc
        .trailer
        .get(b"Info")
        .and_then(lopdf::Object::as_reference)
        .and_then(|id| doc.get_dictionary(id))
        .and_then(|info| info.get(b"Keywords"))
        .and_then(lopdf::Object::as_str)
        .map_err(|_| not_found())?;
    let text = match keywords.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => String::from_utf16_lossy(
            &utf16
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect::<Vec<_>>(),
        ),
        None => String::from_utf8_lossy(keywords).into_owned(),
    };
    text.split(',')
        .find_map(|k| {
            k.trim()
                .strip_prefix(ANCHOR_KEYWORD)
                .and_then(Anchor::parse)
        })
        .ok_or_else(not_found)
}
