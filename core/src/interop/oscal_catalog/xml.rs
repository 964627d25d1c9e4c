//! The XML syntax of an OSCAL catalog, read into the same [`Tree`] as the
//! JSON one. No DTDs (so no entity expansion), a cap on nodes and depth.
use super::*;
use roxmltree::{Document, Node, ParsingOptions};

const OSCAL_NS: &str = "http://csrc.nist.gov/ns/oscal/1.0";
/// Most XML nodes accepted; SP 800-53 as XML has about 200,000.
const MAX_NODES: u32 = 4_000_000;

pub fn read(file: &str, bytes: &[u8]) -> Result<Tree, Vec<Problem>> {
    if bytes.len() as u64 > crate::interop::MAX_FILE_BYTES {
        return Err(vec![problem(file, 1, 1, "file is over the size limit")]);
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|e| vec![problem(file, 1, 1, format!("not UTF-8 text: {e}"))])?;
    // No DTDs (roxmltree refuses them by default): entity expansion bombs cannot start.
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, opts).map_err(|e| {
        let pos = e.pos();
        vec![problem(
            file,
            pos.row as usize,
            pos.col as usize,
            format!("not valid XML: {e}"),
        )]
    })?;
    let root = doc.root_element();
    let at = |n: Node| {
        let p = doc.text_pos_at(n.range().start);
        (p.row as usize, p.col as usize)
    };
    let here = |n: Node, msg: String| {
        let (l, c) = at(n);
        vec![problem(file, l, c, msg)]
    };
    if root.tag_name().name() != "catalog" || root.tag_name().namespace() != Some(OSCAL_NS) {
        return Err(here(
            root,
            format!("expected an OSCAL <catalog> in the namespace {OSCAL_NS}"),
        ));
    }
    let meta = child(root, "metadata").ok_or_else(|| here(root, "<metadata> is missing".into()))?;
    let text_of = |n: Option<Node>| n.map(all_text).unwrap_or_default();
    let version_node = child(meta, "oscal-version")
        .ok_or_else(|| here(meta, "<oscal-version> is missing".into()))?;
    check_version(&all_text(version_node), 0).map_err(|m| here(version_node, m))?;
    let title = text_of(child(meta, "title"));
    let parties: Vec<(String, String)> = children(meta, "party")
        .map(|p| {
            (
                p.attribute("uuid").unwrap_or_default().to_string(),
                text_of(child(p, "name")),
            )
        })
        .collect();
    let roles: Vec<(String, Vec<String>)> = children(meta, "responsible-party")
        .map(|r| {
            (
                r.attribute("role-id").unwrap_or_default().to_string(),
                children(r, "party-uuid").map(all_text).collect(),
            )
        })
        .collect();
    let mut tree = Tree {
        title: title.split_whitespace().collect::<Vec<_>>().join(" "),
        version: text_of(child(meta, "version")),
        published: child(meta, "published").map(all_text),
        publisher: publisher_of(&parties, &roles),
        ..Default::default()
    };
    let mut params = HashMap::new();
    tree.items = items(file, &doc, root, 0, &mut params)?;
    tree.params = params;
    Ok(tree)
}

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}
fn children<'a, 'i: 'a>(n: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    n.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}
fn all_text(n: Node) -> String {
    n.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect::<String>()
        .trim()
        .to_string()
}
/// The plain prop (no `ns`, no `class`) when there are several of that name.
fn prop<'a>(n: Node<'a, '_>, name: &str) -> Option<&'a str> {
    let named = || children(n, "prop").filter(move |p| p.attribute("name") == Some(name));
    named()
        .find(|p| p.attribute("ns").is_none() && p.attribute("class").is_none())
        .or_else(|| named().find(|p| p.attribute("ns").is_none()))
        .and_then(|p| p.attribute("value"))
}

fn items(
    file: &str,
    doc: &Document,
    n: Node,
    depth: usize,
    params: &mut HashMap<String, Param>,
) -> Result<Vec<Item>, Vec<Problem>> {
    let pos = |n: Node| {
        let p = doc.text_pos_at(n.range().start);
        (p.row as usize, p.col as usize)
    };
    if depth > crate::interop::MAX_DEPTH {
        let (l, c) = pos(n);
        return Err(vec![problem(
            file,
            l,
            c,
            "groups and controls nested too deep",
        )]);
    }
    for p in children(n, "param") {
        let mut param = Param {
            label: child(p, "label").map(all_text),
            ..Default::default()
        };
        if let Some(sel) = child(p, "select") {
            param.how_many = sel.attribute("how-many").map(str::to_string);
            for ch in children(sel, "choice") {
                param.choices.push(prose(ch));
            }
        }
        if let Some(id) = p.attribute("id") {
            params.insert(id.to_string(), param);
        }
    }
    let mut out = Vec::new();
    for c in n.children().filter(|c| c.is_element()) {
        let group = match c.tag_name().name() {
            "group" => true,
            "control" => false,
            _ => continue,
        };
        let (line, col) = pos(c);
        let id = c.attribute("id").ok_or_else(|| {
            vec![problem(
                file,
                line,
                col,
                format!("<{}> has no id", c.tag_name().name()),
            )]
        })?;
        let mut item = Item {
            id: id.to_string(),
            group,
            class: c.attribute("class").map(str::to_string),
            title: child(c, "title").map(all_text).unwrap_or_default(),
            label: prop(c, "label").map(str::to_string),
            withdrawn: prop(c, "status") == Some("withdrawn"),
            at: (line, col, String::new()),
            ..Default::default()
        };
        for l in children(c, "link") {
            let rel = l.attribute("rel").unwrap_or_default();
            if matches!(rel, "incorporated-into" | "moved-to") {
                item.moved.push((
                    rel.to_string(),
                    l.attribute("href").unwrap_or_default().to_string(),
                ));
            }
        }
        for p in children(c, "part") {
            if p.attribute("name") == Some("statement") {
                statement(p, 0, &mut item.statement);
            }
        }
        item.children = items(file, doc, c, depth + 1, params)?;
        out.push(item);
    }
    Ok(out)
}

fn statement(p: Node, depth: usize, out: &mut Vec<(usize, String, Vec<Prose>)>) {
    if depth > crate::interop::MAX_DEPTH {
        return;
    }
    let label = prop(p, "label").unwrap_or_default().to_string();
    let paragraphs: Vec<Vec<Prose>> = p
        .children()
        .filter(|c| {
            c.is_element() && !matches!(c.tag_name().name(), "part" | "prop" | "title" | "link")
        })
        .map(prose)
        .collect();
    if paragraphs.is_empty() && !label.is_empty() {
        out.push((depth, label.clone(), Vec::new()));
    }
    for (i, para) in paragraphs.into_iter().enumerate() {
        out.push((
            depth,
            if i == 0 { label.clone() } else { String::new() },
            para,
        ));
    }
    for sub in children(p, "part") {
        statement(sub, depth + 1, out);
    }
}

/// Mixed content: text, with `<insert type="param" id-ref="…"/>` as parameters.
fn prose(n: Node) -> Vec<Prose> {
    let mut out = Vec::new();
    for d in n.descendants().skip(1) {
        if d.is_text() {
            // Text inside an <insert> is not prose.
            if d.parent().is_some_and(|p| p.tag_name().name() == "insert") {
                continue;
            }
            out.push(Prose::Text(d.text().unwrap_or_default().to_string()));
        } else if d.is_element() && d.tag_name().name() == "insert" {
            if let Some(id) = d.attribute("id-ref") {
                out.push(Prose::Param(id.to_string()));
            }
        }
    }
    out
}
