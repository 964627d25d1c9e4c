//! Outline (bookmarks) and document metadata, written with lopdf.
//!
//! Promises: a level-n bookmark nests under the nearest preceding bookmark of
//! a lower level and points at the page and height of its heading; text
//! strings are UTF-16 so any Unicode title survives; dates come from the
//! document (never the clock).

use lopdf::{Dictionary, Object};

use crate::flow::OutlineEntry;
use crate::model::{Document, LayoutError};
use crate::pdf::r2;

/// Document information (replaces printpdf's, which has no keywords/creator
/// we control and carries printpdf-specific keys).
pub(crate) fn set_info(lo: &mut lopdf::Document, doc: &Document) {
    let date = pdf_date(doc.creation_date);
    let mut info = Dictionary::new();
    info.set("Title", pdf_text(&doc.title));
    if !doc.author.is_empty() {
        info.set("Author", pdf_text(&doc.author));
    }
    if !doc.subject.is_empty() {
        info.set("Subject", pdf_text(&doc.subject));
    }
    if !doc.keywords.is_empty() {
        info.set("Keywords", pdf_text(&doc.keywords.join(", ")));
    }
    info.set("Creator", pdf_text("Crosswalk"));
    info.set(
        "Producer",
        pdf_text("Crosswalk report layout (printpdf 0.12)"),
    );
    info.set("CreationDate", Object::string_literal(date.clone()));
    info.set("ModDate", Object::string_literal(date));
    let info_id = lo.add_object(info);
    if let Ok(old) = lo.trailer.get(b"Info").and_then(Object::as_reference) {
        lo.objects.remove(&old);
    }
    lo.trailer.set("Info", Object::Reference(info_id));
}

/// Opens the outline panel when there is one, and shows the title (not the
/// file name) in the viewer's window.
pub(crate) fn set_catalog(
    lo: &mut lopdf::Document,
    outline_root: Option<lopdf::ObjectId>,
) -> Result<(), LayoutError> {
    let catalog = lo
        .catalog_mut()
        .map_err(|e| LayoutError::Pdf(e.to_string()))?;
    catalog.set(
        "PageMode",
        Object::Name(if outline_root.is_some() {
            b"UseOutlines".to_vec()
        } else {
            b"UseNone".to_vec()
        }),
    );
    if let Some(root) = outline_root {
        catalog.set("Outlines", Object::Reference(root));
    }
    let mut prefs = Dictionary::new();
    prefs.set("DisplayDocTitle", Object::Boolean(true));
    catalog.set("ViewerPreferences", Object::Dictionary(prefs));
    Ok(())
}

/// PDF text string: UTF-16BE with BOM (readers accept any Unicode in it).
pub(crate) fn pdf_text(s: &str) -> lopdf::Object {
    let mut b = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        b.extend_from_slice(&u.to_be_bytes());
    }
    lopdf::Object::String(b, lopdf::StringFormat::Hexadecimal)
}

/// `D:YYYYMMDDHHmmSS+00'00'` from Unix seconds (UTC), without a date crate.
pub(crate) fn pdf_date(ts: i64) -> String {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}+00'00'",
        y.clamp(0, 9999),
        m,
        d,
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Builds the /Outlines tree; a level-n entry nests under the nearest
/// preceding entry of a lower level. Returns the root object id.
pub(crate) fn build_outline(
    lo: &mut lopdf::Document,
    entries: &[OutlineEntry],
    page_ids: &[lopdf::ObjectId],
    ph: f32,
) -> Option<lopdf::ObjectId> {
    if entries.is_empty() || page_ids.is_empty() {
        return None;
    }
    let n = entries.len();
    let root = lo.new_object_id();
    let ids: Vec<lopdf::ObjectId> = entries.iter().map(|_| lo.new_object_id()).collect();
    // kids[0] = top level, kids[i + 1] = children of entry i.
    let mut kids: Vec<Vec<usize>> = vec![Vec::new(); n + 1];
    let mut parent: Vec<Option<usize>> = Vec::with_capacity(n);
    let mut stack: Vec<usize> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        while stack.last().is_some_and(|&t| entries[t].level >= e.level) {
            stack.pop();
        }
        let p = stack.last().copied();
        parent.push(p);
        kids[p.map_or(0, |p| p + 1)].push(i);
        stack.push(i);
    }
    // Number of descendants; all items are shown expanded (positive /Count).
    let mut desc = vec![0i64; n];
    for i in (0..n).rev() {
        if let Some(p) = parent[i] {
            desc[p] += 1 + desc[i];
        }
    }
    for (slot, list) in kids.iter().enumerate() {
        let parent_id = if slot == 0 { root } else { ids[slot - 1] };
        for (k, &i) in list.iter().enumerate() {
            let e = &entries[i];
            let mut d = Dictionary::new();
            d.set("Title", pdf_text(&e.title));
            d.set("Parent", Object::Reference(parent_id));
            if k > 0 {
                d.set("Prev", Object::Reference(ids[list[k - 1]]));
            }
            if k + 1 < list.len() {
                d.set("Next", Object::Reference(ids[list[k + 1]]));
            }
            let own = &kids[i + 1];
            if let (Some(f), Some(l)) = (own.first(), own.last()) {
                d.set("First", Object::Reference(ids[*f]));
                d.set("Last", Object::Reference(ids[*l]));
                d.set("Count", Object::Integer(desc[i]));
            }
            let page = page_ids.get(e.page).copied().unwrap_or(page_ids[0]);
            d.set(
                "Dest",
                Object::Array(vec![
                    Object::Reference(page),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Null,
                    Object::Real(r2(ph - e.y + 6.0)),
                    Object::Null,
                ]),
            );
            lo.objects.insert(ids[i], Object::Dictionary(d));
        }
    }
    let top = &kids[0];
    let mut r = Dictionary::new();
    r.set("Type", Object::Name(b"Outlines".to_vec()));
    r.set("First", Object::Reference(ids[top[0]]));
    r.set(
        "Last",
        Object::Reference(ids[*top.last().expect("non-empty")]),
    );
    r.set("Count", Object::Integer(n as i64));
    lo.objects.insert(root, Object::Dictionary(r));
    Some(root)
}
