//! The one place Crosswalk reads YAML.
//!
//! Files are parsed into a small tree that remembers the line and column of
//! every node, so that every later check (unknown requirement, bad date, …) can
//! point at the exact spot. Scalars keep the text as written: `12.10` stays
//! `12.10`, never a float. Hostile input is refused before it costs anything:
//! a size cap, a nesting cap, a node cap, and no anchors or aliases at all
//! (they are what alias bombs are made of, and control files never need them).
//! Only this module knows the YAML parser crate, so it can be swapped.
use crate::error::{Location, Problem};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Largest YAML file accepted (bytes). A library of 5,000 controls is ~3 MiB.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// Deepest nesting accepted; control files need 6.
pub const MAX_DEPTH: usize = 64;
/// Most nodes accepted in one file.
pub const MAX_NODES: usize = 2_000_000;

/// What a node holds. YAML's tags and types are not interpreted: numbers,
/// dates and booleans stay text until a reader asks for them.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text as written. `quoted` is false for plain scalars (where `~`/`null`/empty mean null).
    Scalar {
        /// The scalar's text, exactly as written (quotes removed).
        text: String,
        /// Written in quotes or as a block (`|`, `>`), so never null.
        quoted: bool,
    },
    /// A list, items in file order.
    Seq(Vec<Node>),
    /// A mapping, `(key, value)` pairs in file order; a key appears once
    /// (a duplicate is refused by [`parse`]).
    Map(Vec<(Node, Node)>),
}

/// A parsed YAML node with the position it starts at, for errors.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What it holds.
    pub value: Value,
    /// 1-based line where the node starts.
    pub line: usize,
    /// 1-based column where the node starts.
    pub column: usize,
}

/// Parse one YAML document from raw bytes. `file` names the file in errors.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Node, Problem> {
    let at = |line, column, message: String| Problem {
        location: Location {
            file: file.to_string(),
            line,
            column,
        },
        message,
    };
    if bytes.len() > MAX_FILE_BYTES {
        return Err(at(
            1,
            1,
            format!(
                "file is {} bytes, over the limit of {} MiB; split it into several files",
                bytes.len(),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    // NUL bytes and bad UTF-8 are refused with their position: the parser
    // would otherwise stop at a NUL and silently drop the rest of the file.
    let text = crate::input::check_text(file, bytes)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, line) in text.lines().enumerate() {
        let indent: &str = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        if let Some(pos) = indent.find('\t') {
            return Err(at(
                i + 1,
                pos + 1,
                "tab character in indentation; YAML indents with spaces only".into(),
            ));
        }
    }
    if text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..."
    }) {
        return Err(at(1, 1, "file is empty; expected a YAML document".into()));
    }
    Builder {
        file,
        parser: Parser::new_from_str(text),
        nodes: 0,
    }
    .document()
}

struct Builder<'a, I: Iterator<Item = char>> {
    file: &'a str,
    parser: Parser<I>,
    nodes: usize,
}

impl<I: Iterator<Item = char>> Builder<'_, I> {
    fn problem(&self, mark: Marker, message: impl Into<String>) -> Problem {
        Problem {
            location: Location {
                file: self.file.to_string(),
                line: mark.line(),
                column: mark.col() + 1,
            },
            message: message.into(),
        }
    }

    fn next(&mut self) -> Result<(Event, Marker), Problem> {
        self.parser.next_token().map_err(|e| {
            let message = if e.info().contains("recursion limit") {
                format!("nesting deeper than the parser allows (Crosswalk files need at most {MAX_DEPTH} levels)")
            } else {
                format!("YAML syntax error: {}", e.info())
            };
            self.problem(*e.marker(), message)
        })
    }

    fn document(mut self) -> Result<Node, Problem> {
        let mut root = None;
        loop {
            let (event, mark) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentStart | Event::DocumentEnd | Event::Nothing => {
                }
                Event::StreamEnd => break,
                _ if root.is_some() => {
                    return Err(self.problem(
                        mark,
                        "more than one YAML document in the file; keep one document per file",
                    ))
                }
                other => root = Some(self.node(other, mark, 1)?),
            }
        }
        root.ok_or_else(|| Problem {
            location: Location {
                file: self.file.to_string(),
                line: 1,
                column: 1,
            },
            message: "file is empty; expected a YAML document".into(),
        })
    }

    fn node(&mut self, event: Event, mark: Marker, depth: usize) -> Result<Node, Problem> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(self.problem(
                mark,
                format!("more than {MAX_NODES} YAML nodes; split the file"),
            ));
        }
        if depth > MAX_DEPTH {
            return Err(self.problem(
                mark,
                format!("nesting deeper than {MAX_DEPTH} levels; control files need far fewer"),
            ));
        }
        let no_anchors =
            "anchors and aliases (& and *) are not allowed in Crosswalk files; write the value out";
        let value = match event {
            Event::Alias(_) => return Err(self.problem(mark, no_anchors)),
            Event::Scalar(_, _, anchor, _)
            | Event::SequenceStart(anchor, _)
            | Event::MappingStart(anchor, _)
                if anchor != 0 =>
            {
                return Err(self.problem(mark, no_anchors))
            }
            Event::Scalar(text, style, _, _) => Value::Scalar {
                text,
                quoted: style != TScalarStyle::Plain,
            },
            Event::SequenceStart(..) => {
                let mut items = Vec::new();
                loop {
                    let (ev, m) = self.next()?;
                    if ev == Event::SequenceEnd {
                        break;
                    }
                    items.push(self.node(ev, m, depth + 1)?);
                }
                Value::Seq(items)
            }
            Event::MappingStart(..) => {
                let mut entries: Vec<(Node, Node)> = Vec::new();
                loop {
                    let (ev, m) = self.next()?;
                    if ev == Event::MappingEnd {
                        break;
                    }
                    let key = self.node(ev, m, depth + 1)?;
                    let (ev, m) = self.next()?;
                    let value = self.node(ev, m, depth + 1)?;
                    if let Value::Scalar { text, .. } = &key.value {
                        if let Some((first, _)) =
                            entries.iter().find(|(k, _)| k.as_scalar() == Some(text))
                        {
                            return Err(Problem {
                                location: Location { file: self.file.to_string(), line: key.line, column: key.column },
                                message: format!("duplicate key `{text}` (first at line {}); each key may appear once", first.line),
                            });
                        }
                    }
                    entries.push((key, value));
                }
                Value::Map(entries)
            }
            other => return Err(self.problem(mark, format!("unexpected YAML event {other:?}"))),
        };
        Ok(Node {
            value,
            line: mark.line(),
            column: mark.col() + 1,
        })
    }
}

impl Node {
    /// The node's position in `file`.
    pub fn location(&self, file: &str) -> Location {
        Location {
            file: file.to_string(),
            line: self.line,
            column: self.column,
        }
    }
    /// A problem at the node's position.
    pub fn problem(&self, file: &str, message: impl Into<String>) -> Problem {
        Problem {
            location: self.location(file),
            message: message.into(),
        }
    }
    /// The text of a scalar (null ones included: `~` gives `"~"`); None
    /// for a list or a mapping.
    pub fn as_scalar(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }
    /// An unquoted `~`, `null` or nothing at all: the key is as good as absent.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, quoted: false } if text == "~" || text == "null" || text.is_empty())
    }
    /// What the node is, for messages ("found a list").
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Scalar { .. } if self.is_null() => "an empty value",
            Value::Scalar { .. } => "a scalar",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
    /// Text of a non-empty scalar, or a problem saying what was expected.
    pub fn text(&self, file: &str, what: &str) -> Result<&str, Problem> {
        match &self.value {
            Value::Scalar { text, .. } if !self.is_null() && !text.trim().is_empty() => Ok(text),
            _ => Err(self.problem(
                file,
                format!("{what} must be text, found {}", self.kind_name()),
            )),
        }
    }
    /// The items of a list, or a problem naming `what` and what was found.
    pub fn seq(&self, file: &str, what: &str) -> Result<&[Node], Problem> {
        match &self.value {
            Value::Seq(items) => Ok(items),
            _ => Err(self.problem(
                file,
                format!("{what} must be a list, found {}", self.kind_name()),
            )),
        }
    }
    /// A mapping to read field by field, or a problem naming `what` and what
    /// was found.
    pub fn map<'a>(&'a self, file: &'a str, what: &str) -> Result<Fields<'a>, Problem> {
        match &self.value {
            Value::Map(entries) => Ok(Fields {
                node: self,
                entries,
                file,
            }),
            _ => Err(self.problem(
                file,
                format!(
                    "{what} must be a mapping of `key: value`, found {}",
                    self.kind_name()
                ),
            )),
        }
    }
}

/// A mapping being read field by field.
pub struct Fields<'a> {
    /// The mapping node itself (problems about a missing key point at it).
    pub node: &'a Node,
    /// Its `(key, value)` pairs in file order.
    pub entries: &'a [(Node, Node)],
    /// The file's name, for problems.
    pub file: &'a str,
}

impl<'a> Fields<'a> {
    /// The value of `key`, if present and not null.
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.as_scalar() == Some(key))
            .map(|(_, v)| v)
            .filter(|v| !v.is_null())
    }
    /// The node of the key `key` itself (for a problem about the key), even
    /// when its value is null.
    pub fn key_node(&self, key: &str) -> Option<&'a Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.as_scalar() == Some(key))
            .map(|(k, _)| k)
    }
    /// The value of `key`; a problem at the mapping ("{what} is missing
    /// `key`") when it is absent or null.
    pub fn required(&self, key: &str, what: &str) -> Result<&'a Node, Problem> {
        self.get(key).ok_or_else(|| {
            self.node
                .problem(self.file, format!("{what} is missing `{key}`"))
        })
    }
    /// The non-empty text of `key`; a problem when it is missing or not text.
    pub fn required_text(&self, key: &str, what: &str) -> Result<&'a str, Problem> {
        self.required(key, what)?
            .text(self.file, &format!("`{key}`"))
    }
    /// The text of `key`, None when absent or null; a problem when it is a
    /// list, a mapping or blank.
    pub fn optional_text(&self, key: &str) -> Result<Option<&'a str>, Problem> {
        self.get(key)
            .map(|n| n.text(self.file, &format!("`{key}`")))
            .transpose()
    }
    /// `true` or `false` exactly (not `yes`/`no`), None when absent or null;
    /// anything else is a problem.
    pub fn optional_bool(&self, key: &str) -> Result<Option<bool>, Problem> {
        let Some(node) = self.get(key) else {
            return Ok(None);
        };
        match node.as_scalar() {
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            _ => Err(node.problem(self.file, format!("`{key}` must be true or false"))),
        }
    }
    /// Problems for keys outside `allowed`, each with the closest allowed key.
    pub fn unknown_keys(&self, allowed: &[&str], what: &str) -> Vec<Problem> {
        self.entries
            .iter()
            .filter_map(|(k, _)| {
                let key = k.as_scalar().unwrap_or("");
                if allowed.contains(&key) {
                    return None;
                }
                let hint = crate::text::closest(key, allowed.iter().copied())
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_else(|| format!("; allowed keys: {}", allowed.join(", ")));
                Some(k.problem(self.file, format!("unknown key `{key}` in {what}{hint}")))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(src: &str) -> Problem {
        parse("t.yaml", src.as_bytes()).unwrap_err()
    }

    #[test]
    fn scalars_keep_their_text() {
        let n = parse("t.yaml", b"a: 12.10\nb: '3.5'\nc: 1e3\n").unwrap();
        let f = n.map("t.yaml", "root").unwrap();
        assert_eq!(f.get("a").unwrap().as_scalar(), Some("12.10"));
        assert_eq!(f.get("b").unwrap().as_scalar(), Some("3.5"));
        assert_eq!(f.get("c").unwrap().as_scalar(), Some("1e3"));
        assert_eq!(
            (f.get("b").unwrap().line, f.get("b").unwrap().column),
            (2, 4)
        );
    }

    #[test]
    fn refuses_hostile_and_broken_input() {
        assert!(err("a: &x [1]\nb: *x\n")
            .message
            .contains("anchors and aliases"));
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(err(&deep).message.contains("nesting deeper"));
        let p = err("a: 1\na: 2\n");
        assert!(p.message.contains("duplicate key `a`"), "{}", p.message);
        assert_eq!(p.location.line, 2);
        let p = err("a:\n\tb: 1\n");
        assert!(p.message.contains("tab"));
        assert_eq!((p.location.line, p.location.column), (2, 1));
        assert!(err("# only a comment\n").message.contains("empty"));
        let p = parse("t.yaml", b"a: 1\nb: \xff\n").unwrap_err();
        assert!(p.message.contains("UTF-8"));
        assert_eq!(p.location.line, 2);
        let p = err("a: [1, 2\nb: 3\n");
        assert!(p.message.starts_with("YAML syntax error"), "{}", p.message);
        assert!(err("a: 1\n---\nb: 2\n").message.contains("more than one"));
    }

    #[test]
    fn refuses_oversized_files_before_parsing() {
        let big = vec![b'#'; MAX_FILE_BYTES + 1];
        assert!(parse("t.yaml", &big)
            .unwrap_err()
            .message
            .contains("over the limit"));
    }
}
