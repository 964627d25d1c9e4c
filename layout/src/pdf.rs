//! PDF output: page drawing commands to printpdf operations, then bytes.
//!
//! Promises: only the faces that were used are embedded, each as a subset;
//! coordinates are rounded to 1/100 pt so content streams are stable; the
//! file carries a deterministic `/ID` (a hash of the file written with a
//! placeholder), so the same document always gives the same bytes.

use printpdf::{
    FontId, Line as PdfLine, LinePoint, Op, PaintMode, PdfDocument, PdfFont, PdfFontHandle,
    PdfPage, PdfParseErrorSeverity, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rect,
    TextItem, TextMatrix, WindingOrder,
};

use crate::flow::{Layouter, PageBuf, MM};
use crate::fonts::{fnv1a, subset_face, Faces};
use crate::model::{Color, Document, LayoutError, TextStyle};
use crate::outline::{build_outline, set_catalog, set_info};

pub(crate) fn pt_point(x: f32, y: f32) -> Point {
    Point { x: Pt(x), y: Pt(y) }
}

/// Rounds to 1/100 pt so content streams stay compact and stable.
pub(crate) fn r2(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

/// Filled rectangle with circular corners (cubic Bézier approximation);
/// `x`, `y` are the lower-left corner in PDF coordinates.
pub(crate) fn rounded_rect(x: f32, y: f32, w: f32, h: f32, r: f32) -> Polygon {
    const K: f32 = 0.552_284_8;
    let k = r * K;
    let on = |x: f32, y: f32| LinePoint {
        p: pt_point(r2(x), r2(y)),
        bezier: false,
    };
    let cp = |x: f32, y: f32| LinePoint {
        p: pt_point(r2(x), r2(y)),
        bezier: true,
    };
    let (x2, y2) = (x + w, y + h);
    let points = vec![
        on(x + r, y),
        on(x2 - r, y),
        cp(x2 - r + k, y),
        cp(x2, y + r - k),
        on(x2, y + r),
        on(x2, y2 - r),
        cp(x2, y2 - r + k),
        cp(x2 - r + k, y2),
        on(x2 - r, y2),
        on(x + r, y2),
        cp(x + r - k, y2),
        cp(x, y2 - r + k),
        on(x, y2 - r),
        on(x, y + r),
        cp(x, y + r - k),
        cp(x + r - k, y),
        on(x + r, y),
    ];
    Polygon {
        rings: vec![PolygonRing { points }],
        mode: PaintMode::Fill,
        winding_order: WindingOrder::NonZero,
    }
}

pub(crate) fn page_ops(page: &PageBuf, ph: f32, font_ids: &[Option<FontId>; 3]) -> Vec<Op> {
    let mut ops = Vec::with_capacity(
        page.fills.len() * 2 + page.strokes.len() * 3 + page.texts.len() * 3 + 4,
    );
    let mut fill_color: Option<Color> = None;
    fill_ops(page, ph, &mut ops, &mut fill_color);
    stroke_ops(page, ph, &mut ops);
    text_ops(page, ph, font_ids, &mut ops, &mut fill_color);
    ops
}

fn fill_ops(page: &PageBuf, ph: f32, ops: &mut Vec<Op>, fill_color: &mut Option<Color>) {
    for f in &page.fills {
        if *fill_color != Some(f.color) {
            ops.push(Op::SetFillColor {
                col: f.color.to_pdf(),
            });
            *fill_color = Some(f.color);
        }
        if f.radius > 0.0 {
            ops.push(Op::DrawPolygon {
                polygon: rounded_rect(f.x, ph - f.y - f.h, f.w, f.h, f.radius),
            });
            continue;
        }
        ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(r2(f.x)),
                y: Pt(r2(ph - f.y - f.h)),
                width: Pt(r2(f.w)),
                height: Pt(r2(f.h)),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
    }
}

fn stroke_ops(page: &PageBuf, ph: f32, ops: &mut Vec<Op>) {
    let mut stroke: Option<(Color, f32)> = None;
    for s in &page.strokes {
        if stroke.map(|(c, _)| c) != Some(s.color) {
            ops.push(Op::SetOutlineColor {
                col: s.color.to_pdf(),
            });
        }
        if stroke.map(|(_, w)| w) != Some(s.width) {
            ops.push(Op::SetOutlineThickness { pt: Pt(s.width) });
        }
        stroke = Some((s.color, s.width));
        ops.push(Op::DrawLine {
            line: PdfLine {
                points: vec![
                    LinePoint {
                        p: pt_point(r2(s.x1), r2(ph - s.y1)),
                        bezier: false,
                    },
                    LinePoint {
                        p: pt_point(r2(s.x2), r2(ph - s.y2)),
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        });
    }
}

fn text_ops(
    page: &PageBuf,
    ph: f32,
    font_ids: &[Option<FontId>; 3],
    ops: &mut Vec<Op>,
    fill_color: &mut Option<Color>,
) {
    if page.texts.is_empty() {
        return;
    }
    ops.push(Op::StartTextSection);
    let mut font: Option<(TextStyle, f32)> = None;
    for t in &page.texts {
        if font != Some((t.style, t.size)) {
            if let Some(id) = &font_ids[t.style.index()] {
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(id.clone()),
                    size: Pt(t.size),
                });
            }
            font = Some((t.style, t.size));
        }
        if *fill_color != Some(t.color) {
            ops.push(Op::SetFillColor {
                col: t.color.to_pdf(),
            });
            *fill_color = Some(t.color);
        }
        ops.push(Op::SetTextMatrix {
            matrix: TextMatrix::Translate(Pt(r2(t.x)), Pt(r2(ph - t.baseline))),
        });
        ops.push(Op::ShowText {
            items: vec![TextItem::Text(t.text.clone())],
        });
    }
    ops.push(Op::EndTextSection);
}

pub(crate) const ID_PLACEHOLDER: &[u8; 16] = b"\x00CWID\x00PLACEHOLD\x00";

/// Writes the laid-out pages as PDF bytes: subset fonts, pages, metadata,
/// outline, then the deterministic `/ID`.
pub(crate) fn write_pdf(
    doc: &Document,
    faces: &Faces,
    lay: &Layouter,
) -> Result<Vec<u8>, LayoutError> {
    let mut lo = printpdf_document(doc, faces, lay)?;
    set_info(&mut lo, doc);
    let page_ids: Vec<lopdf::ObjectId> = lo.get_pages().values().copied().collect();
    let outline_root = build_outline(&mut lo, &lay.outlines, &page_ids, lay.geo.ph);
    set_catalog(&mut lo, outline_root)?;
    save_with_id(lo)
}

/// Embeds the used faces (subset) and the pages with printpdf, and converts
/// the result to a lopdf document for post-processing.
fn printpdf_document(
    doc: &Document,
    faces: &Faces,
    lay: &Layouter,
) -> Result<lopdf::Document, LayoutError> {
    let geo = lay.geo;
    let mut pdf = PdfDocument::new(&doc.title);
    let mut font_ids: [Option<FontId>; 3] = [None, None, None];
    for (i, face) in faces.faces.iter().enumerate() {
        if lay.used[i].is_empty() {
            continue;
        }
        let parsed = subset_face(face, &lay.used[i])?;
        let id = FontId(face.resource.to_string());
        pdf.resources
            .fonts
            .map
            .insert(id.clone(), PdfFont::new(parsed));
        font_ids[i] = Some(id);
    }
    let w_mm = printpdf::Mm(geo.pw / MM);
    let h_mm = printpdf::Mm(geo.ph / MM);
    let pages: Vec<PdfPage> = lay
        .pages
        .iter()
        .map(|p| PdfPage::new(w_mm, h_mm, page_ops(p, geo.ph, &font_ids)))
        .collect();
    pdf.with_pages(pages);

    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = pdf.to_lopdf_document(&opts, &mut warnings);
    if let Some(w) = warnings
        .iter()
        .find(|w| w.severity == PdfParseErrorSeverity::Error)
    {
        return Err(LayoutError::Pdf(w.msg.clone()));
    }
    lo.version = "1.7".to_string();
    Ok(lo)
}

/// Deterministic file identifier: a hash of the file written with a
/// placeholder `/ID`, then written over the placeholder.
fn save_with_id(mut lo: lopdf::Document) -> Result<Vec<u8>, LayoutError> {
    use lopdf::Object;
    let placeholder = Object::String(ID_PLACEHOLDER.to_vec(), lopdf::StringFormat::Hexadecimal);
    lo.trailer
        .set("ID", Object::Array(vec![placeholder.clone(), placeholder]));
    lo.compress();
    let mut out = Vec::new();
    lo.save_to(&mut out)
        .map_err(|e| LayoutError::Pdf(e.to_string()))?;

    let hex_placeholder: Vec<u8> = ID_PLACEHOLDER
        .iter()
        .flat_map(|b| format!("{b:02X}").into_bytes())
        .collect();
    let h1 = fnv1a(0xcbf29ce484222325, &out);
    let h2 = fnv1a(0x84222325cbf29ce4, &out);
    let id: Vec<u8> = h1
        .to_be_bytes()
        .iter()
        .chain(h2.to_be_bytes().iter())
        .flat_map(|b| format!("{b:02X}").into_bytes())
        .collect();
    let mut replaced = 0;
    let mut i = out.len().saturating_sub(4096);
    while i + hex_placeholder.len() <= out.len() {
        if out[i..i + hex_placeholder.len()] == hex_placeholder[..] {
            out[i..i + hex_placeholder.len()].copy_from_slice(&id);
            replaced += 1;
            i += hex_placeholder.len();
        } else {
            i += 1;
        }
    }
    if replaced != 2 {
        return Err(LayoutError::Pdf("could not set the document /ID".into()));
    }
    Ok(out)
}
