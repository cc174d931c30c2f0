//! Text typed at the REPL, read: paths (`member.age`, `order.lines[0].code`),
//! `PATH = VALUE` assignments, and values in plain JSON or the friendlier
//! forms `[pacemaker]`, `{code: "70553"}`, `{icd, dental}` and bare words.
//! What a bare word means (a text, a number, `true`) is left to
//! [`super::values::to_json`], which knows the fact declarations.

/// A step of a path into the request: `member`, `lines`, `[0]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// An object key.
    Key(String),
    /// A list index.
    Index(usize),
}

/// A value as typed, before the declarations say what its bare words are.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    /// A word or number written without quotes.
    Bare(String),
    /// A quoted string.
    Str(String),
    /// `[a, b]`, or the language's `{a, b}`.
    List(Vec<Val>),
    /// `{key: value}` (and `{}`, which is also the empty list).
    Object(Vec<(String, Val)>),
}

/// One `PATH = VALUE` of `:set` or `:whatif`, with byte offsets into the
/// text it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    /// The path.
    pub path: Vec<Seg>,
    /// The path as typed.
    pub path_text: String,
    /// Where the path was typed (start, end).
    pub path_span: (usize, usize),
    /// The value.
    pub value: Val,
    /// Where the value was typed (start, end).
    pub value_span: (usize, usize),
}

/// Text that is not a path or value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// What was expected.
    pub message: String,
    /// Where reading stopped.
    pub at: usize,
    /// The text ended before the value did (the REPL asks for another line).
    pub at_end: bool,
}

/// Characters that end a bare word.
fn is_delimiter(c: char) -> bool {
    c.is_whitespace() || matches!(c, '[' | ']' | '{' | '}' | ',' | ':' | '"' | ';' | '=')
}

fn is_path_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn fail<T>(&self, expected: &str) -> Result<T, ReadError> {
        let (message, at_end) = match self.peek() {
            None => (
                format!("expected {expected}, found the end of the input"),
                true,
            ),
            Some(c) => (format!("expected {expected}, found `{c}`"), false),
        };
        Err(ReadError {
            message,
            at: self.pos,
            at_end,
        })
    }

    fn path(&mut self) -> Result<(Vec<Seg>, String, usize), ReadError> {
        self.skip_ws();
        let start = self.pos;
        let mut segs = Vec::new();
        loop {
            let word: String = self
                .rest()
                .chars()
                .take_while(|c| is_path_char(*c))
                .collect();
            if word.is_empty() {
                return self.fail("a fact path such as `member.age`");
            }
            self.pos += word.len();
            segs.push(Seg::Key(word));
            while self.eat('[') {
                let digits: String = self
                    .rest()
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                let Ok(index) = digits.parse::<usize>() else {
                    return self.fail("a list index");
                };
                self.pos += digits.len();
                if !self.eat(']') {
                    return self.fail("`]`");
                }
                segs.push(Seg::Index(index));
            }
            if !self.eat('.') {
                break;
            }
        }
        let text = self.text[start..self.pos].to_string();
        Ok((segs, text, start))
    }

    fn value(&mut self) -> Result<Val, ReadError> {
        self.skip_ws();
        match self.peek() {
            Some('[') => {
                self.pos += 1;
                let items = self.items(']')?;
                Ok(Val::List(items))
            }
            Some('{') => {
                self.pos += 1;
                self.braces()
            }
            Some('"') => self.string().map(Val::Str),
            Some(c) if !is_delimiter(c) => {
                let word: String = self
                    .rest()
                    .chars()
                    .take_while(|c| !is_delimiter(*c))
                    .collect();
                self.pos += word.len();
                Ok(Val::Bare(word))
            }
            _ => self.fail("a value"),
        }
    }

    /// Items up to `close`, separated by commas (a trailing comma is fine).
    fn items(&mut self, close: char) -> Result<Vec<Val>, ReadError> {
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            if self.eat(close) {
                return Ok(items);
            }
            items.push(self.value()?);
            self.skip_ws();
            if !self.eat(',') {
                self.skip_ws();
                if self.eat(close) {
                    return Ok(items);
                }
                return self.fail(&format!("`,` or `{close}`"));
            }
        }
    }

    /// After `{`: an object (`{code: "70553"}`) or a set (`{icd, dental}`).
    fn braces(&mut self) -> Result<Val, ReadError> {
        self.skip_ws();
        if self.eat('}') {
            return Ok(Val::Object(Vec::new()));
        }
        let save = self.pos;
        let first = self.value()?;
        self.skip_ws();
        let key = match (&first, self.peek()) {
            (Val::Bare(k) | Val::Str(k), Some(':')) => k.clone(),
            _ => {
                self.pos = save;
                return self.items('}').map(Val::List);
            }
        };
        let mut members = Vec::new();
        let mut key = Some(key);
        loop {
            let name = match key.take() {
                Some(k) => k,
                None => {
                    self.skip_ws();
                    if self.eat('}') {
                        return Ok(Val::Object(members));
                    }
                    match self.value()? {
                        Val::Bare(k) | Val::Str(k) => k,
                        _ => return self.fail("a field name"),
                    }
                }
            };
            self.skip_ws();
            if !self.eat(':') {
                return self.fail("`:` after the field name");
            }
            let value = self.value()?;
            members.push((name, value));
            self.skip_ws();
            if !self.eat(',') {
                self.skip_ws();
                if self.eat('}') {
                    return Ok(Val::Object(members));
                }
                return self.fail("`,` or `}`");
            }
        }
    }

    fn string(&mut self) -> Result<String, ReadError> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let mut i = start + 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'"' => {
                    let raw = &self.text[start..=i];
                    self.pos = i + 1;
                    return serde_json::from_str::<String>(raw).map_err(|e| ReadError {
                        message: format!("bad string: {e}"),
                        at: start,
                        at_end: false,
                    });
                }
                _ => i += 1,
            }
        }
        self.pos = self.text.len();
        Err(ReadError {
            message: "this string has no closing `\"`".into(),
            at: start,
            at_end: true,
        })
    }
}

/// Reads one value: JSON, or the friendlier forms.
pub fn read_value(text: &str) -> Result<Val, ReadError> {
    let mut r = Reader { text, pos: 0 };
    let v = r.value()?;
    r.skip_ws();
    if r.peek().is_some() {
        return r.fail("the end of the value");
    }
    Ok(v)
}

/// Reads a path such as `member.age` or `order.lines[0].code`.
pub fn read_path(text: &str) -> Result<Vec<Seg>, ReadError> {
    let mut r = Reader { text, pos: 0 };
    let (segs, _, _) = r.path()?;
    r.skip_ws();
    if r.peek().is_some() {
        return r.fail("the end of the path");
    }
    Ok(segs)
}

/// Reads `PATH = VALUE`, or several separated by `;`.
pub fn read_assignments(text: &str) -> Result<Vec<Assignment>, ReadError> {
    let mut r = Reader { text, pos: 0 };
    let mut out = Vec::new();
    loop {
        let (path, path_text, path_start) = r.path()?;
        let path_span = (path_start, r.pos);
        r.skip_ws();
        if !r.eat('=') {
            return r.fail(&format!("`=` and a value after `{path_text}`"));
        }
        r.skip_ws();
        let start = r.pos;
        let value = r.value()?;
        out.push(Assignment {
            path,
            path_text,
            path_span,
            value,
            value_span: (start, r.pos),
        });
        r.skip_ws();
        if r.peek().is_none() {
            return Ok(out);
        }
        if !r.eat(';') {
            return r.fail("`;` before another `PATH = VALUE`, or the end");
        }
        r.skip_ws();
        if r.peek().is_none() {
            return Ok(out);
        }
    }
}

/// A path as the request's errors write it: `order.lines[0].code`.
pub fn path_string(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bare(s: &str) -> Val {
        Val::Bare(s.into())
    }

    #[test]
    fn reads_json_and_friendly_forms() {
        assert_eq!(read_value("17").unwrap(), bare("17"));
        assert_eq!(
            read_value("[pacemaker, icd]").unwrap(),
            Val::List(vec![bare("pacemaker"), bare("icd")])
        );
        assert_eq!(
            read_value("{icd, dental}").unwrap(),
            Val::List(vec![bare("icd"), bare("dental")])
        );
        assert_eq!(
            read_value(r#"[{code: "70553"}]"#).unwrap(),
            Val::List(vec![Val::Object(vec![(
                "code".into(),
                Val::Str("70553".into())
            )])])
        );
        assert_eq!(
            read_value(r#"{"code": "70553", "laterality": "left",}"#).unwrap(),
            Val::Object(vec![
                ("code".into(), Val::Str("70553".into())),
                ("laterality".into(), Val::Str("left".into())),
            ])
        );
        assert_eq!(read_value("{}").unwrap(), Val::Object(vec![]));
        assert_eq!(
            read_value(r#""a \"b\"""#).unwrap(),
            Val::Str("a \"b\"".into())
        );
    }

    #[test]
    fn incomplete_values_say_so() {
        for text in ["[pacemaker,", "[{code: \"70553\"", "\"abc", "", "{code:"] {
            let e = read_value(text).unwrap_err();
            assert!(e.at_end, "{text}: {e:?}");
        }
        let e = read_value("[a b]").unwrap_err();
        assert!(!e.at_end);
        assert!(e.message.contains("`,` or `]`"), "{}", e.message);
    }

    #[test]
    fn reads_assignments() {
        let a = read_assignments("member.age = 17; order.lines[0].code=70553").unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].path_text, "member.age");
        assert_eq!(a[0].value_span, (13, 15));
        assert_eq!(
            a[1].path,
            vec![
                Seg::Key("order".into()),
                Seg::Key("lines".into()),
                Seg::Index(0),
                Seg::Key("code".into())
            ]
        );
        assert!(read_assignments("member.age 17").is_err());
        assert!(read_assignments("member.age =").unwrap_err().at_end);
    }
}
