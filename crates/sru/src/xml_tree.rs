//! A namespace-resolved XML tree, small and read-only: what the tests (and anyone checking an
//! SRU answer) use to assert on structure rather than on substrings. Built with quick-xml's
//! `NsReader`; never panics on input (a malformed document is an `Err`).

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::reader::NsReader;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    /// The namespace URI, empty when none.
    pub ns: String,
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// The element's own text, concatenated.
    pub text: String,
}

impl Element {
    /// The first child with this local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Every element below (depth first) with this local name.
    pub fn find_all<'a>(&'a self, name: &str, out: &mut Vec<&'a Element>) {
        for c in &self.children {
            if c.name == name {
                out.push(c);
            }
            c.find_all(name, out);
        }
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The text of the path of children from here, e.g. `["echoedSearchRetrieveRequest", "query"]`.
    pub fn text_at(&self, path: &[&str]) -> Option<&str> {
        let mut at = self;
        for p in path {
            at = at.child(p)?;
        }
        Some(at.text.as_str())
    }
}

/// Parses a document into its root element.
pub fn parse(xml: &str) -> Result<Element, String> {
    let mut reader = NsReader::from_str(xml);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let (ns, event) = reader.read_resolved_event().map_err(|e| e.to_string())?;
        let ns_of = |ns: &ResolveResult| match ns {
            ResolveResult::Bound(Namespace(n)) => n.to_string(),
            _ => String::new(),
        };
        match event {
            Event::Start(s) => stack.push(open(&s, ns_of(&ns))),
            Event::Empty(s) => {
                stack.push(open(&s, ns_of(&ns)));
                close(&mut stack, &mut root)?;
            }
            Event::End(_) => close(&mut stack, &mut root)?,
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(top) = stack.last_mut() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => top.text.push(c),
                        _ => top.text.push_str(match &*r {
                            "lt" => "<",
                            "gt" => ">",
                            "amp" => "&",
                            "quot" => "\"",
                            "apos" => "'",
                            _ => "",
                        }),
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    root.ok_or_else(|| "no root element".to_string())
}

fn close(stack: &mut Vec<Element>, root: &mut Option<Element>) -> Result<(), String> {
    let done = stack.pop().ok_or("an end tag with no start")?;
    match stack.last_mut() {
        Some(parent) => parent.children.push(done),
        None => *root = Some(done),
    }
    Ok(())
}

fn open(s: &BytesStart<'_>, ns: String) -> Element {
    let attrs = s
        .attributes()
        .filter_map(Result::ok)
        .map(|a| {
            (
                a.key.as_ref().to_string(),
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map(|v| v.into_owned())
                    .unwrap_or_default(),
            )
        })
        .collect();
    Element {
        ns,
        name: s.local_name().as_ref().to_string(),
        attrs,
        ..Element::default()
    }
}
