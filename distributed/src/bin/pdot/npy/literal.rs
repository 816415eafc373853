//! A small, strict, panic-free parser of the Python literals a header dict
//! holds (see the [module documentation](super)).

/// How deeply tuples and lists may nest in a header before it is rejected
/// (the parser is recursive; this keeps its stack bounded).
const MAX_DEPTH: usize = 16;

/// A Python literal in the header, with its source text.
pub(super) struct Lit<'a> {
    pub(super) raw: &'a [u8],
    pub(super) val: Val<'a>,
}

/// The Python literals a header may hold.
pub(super) enum Val<'a> {
    /// A string's content between the quotes (escapes left as written).
    Str(&'a [u8]),
    /// An integer: `None` when negative or too large for `usize`.
    Int(Option<usize>),
    /// `True`, `False` or `None`.
    Name(&'a [u8]),
    /// A tuple.
    Tuple(Vec<Lit<'a>>),
    /// A list.
    List,
}

/// Header text for a message: printable ASCII as is, other bytes escaped
/// (`\n`, `\t`, `\xNN`).
pub(super) fn printable(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    for &b in raw {
        match b {
            b' '..=b'~' => out.push(char::from(b)),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}

/// Quotes a piece of header text for a message, cut at 80 bytes.
pub(super) fn quoted(raw: &[u8]) -> String {
    const MAX: usize = 80;
    match raw.get(..MAX) {
        Some(head) if raw.len() > MAX => format!("`{}...`", printable(head)),
        _ => format!("`{}`", printable(raw)),
    }
}

/// Parses the header dict's bytes: its entries, in order, or what is wrong,
/// and where.
pub(super) fn dict_entries(dict: &[u8]) -> Result<Vec<(Lit<'_>, Lit<'_>)>, String> {
    Parser { s: dict, i: 0 }.dict()
}

/// A recursive-descent parser over the header dict's bytes.
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c') = self.peek() {
            self.i += 1;
        }
    }

    /// An error message saying what was expected at the current position.
    fn expected(&self, what: &str) -> String {
        let found = match self.peek() {
            Some(c) => format!("'{}'", printable(&[c])),
            None => "the end of the header".to_owned(),
        };
        format!(
            "expected {what} at byte {} of the header, found {found}",
            self.i
        )
    }

    /// The source text from `start` to the current position.
    fn since(&self, start: usize) -> &'a [u8] {
        self.s.get(start..self.i).unwrap_or_default()
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.i += 1;
        }
        hit
    }

    fn value(&mut self, depth: usize) -> Result<Lit<'a>, String> {
        let start = self.i;
        let val = match self.peek() {
            Some(q @ (b'\'' | b'"')) => Val::Str(self.string(q)?),
            // Python 2's unicode strings, `u'<f8'`.
            Some(b'u' | b'U') if matches!(self.s.get(self.i + 1), Some(b'\'' | b'"')) => {
                self.i += 1;
                let q = self.peek().unwrap_or(b'\'');
                Val::Str(self.string(q)?)
            }
            Some(b'0'..=b'9' | b'-' | b'+') => Val::Int(self.int()?),
            Some(b'(') => return self.sequence(b')', depth),
            Some(b'[') => {
                self.sequence(b']', depth)?;
                Val::List
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                while let Some(c) = self.peek() {
                    if !(c.is_ascii_alphanumeric() || c == b'_') {
                        break;
                    }
                    self.i += 1;
                }
                let name = self.since(start);
                if !matches!(name, b"True" | b"False" | b"None") {
                    return Err(format!(
                        "unexpected name {} at byte {start} of the header (only True, False and \
                         None are literals)",
                        quoted(name)
                    ));
                }
                Val::Name(name)
            }
            _ => return Err(self.expected("a value")),
        };
        Ok(Lit {
            raw: self.since(start),
            val,
        })
    }

    fn string(&mut self, quote: u8) -> Result<&'a [u8], String> {
        let start = self.i;
        self.i += 1;
        loop {
            match self.peek() {
                None | Some(b'\n') => {
                    return Err(format!(
                        "unterminated string starting at byte {start} of the header"
                    ));
                }
                Some(b'\\') => self.i += 2,
                Some(c) if c == quote => {
                    let content = self.s.get(start + 1..self.i).unwrap_or_default();
                    self.i += 1;
                    return Ok(content);
                }
                Some(_) => self.i += 1,
            }
        }
    }

    fn int(&mut self) -> Result<Option<usize>, String> {
        let start = self.i;
        let negative = self.eat(b'-');
        if !negative {
            self.eat(b'+');
        }
        let digits_start = self.i;
        let mut value = Some(0usize);
        while let Some(c @ b'0'..=b'9') = self.peek() {
            value = value
                .and_then(|v| v.checked_mul(10))
                .and_then(|v| v.checked_add(usize::from(c - b'0')));
            self.i += 1;
        }
        if self.i == digits_start {
            return Err(self.expected("a digit"));
        }
        // Python 2 wrote long integers as `3L`; NumPy still reads them.
        if !self.eat(b'L') {
            self.eat(b'l');
        }
        if let Some(c) = self.peek()
            && (c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
        {
            self.i += 1;
            return Err(format!(
                "malformed number {} at byte {start} of the header (only decimal integers are \
                 allowed)",
                quoted(self.since(start))
            ));
        }
        Ok(if negative { None } else { value })
    }

    /// A tuple (`close == b')'`) or a list (`b']'`). `(x)` without a comma
    /// is just `x` in parentheses, as in Python.
    fn sequence(&mut self, close: u8, depth: usize) -> Result<Lit<'a>, String> {
        if depth >= MAX_DEPTH {
            return Err(format!(
                "tuples and lists nested deeper than {MAX_DEPTH} levels at byte {} of the header",
                self.i
            ));
        }
        let start = self.i;
        self.i += 1;
        let mut items = Vec::new();
        let mut comma = false;
        loop {
            self.skip_ws();
            if self.eat(close) {
                break;
            }
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            if self.eat(b',') {
                comma = true;
            } else if self.eat(close) {
                break;
            } else {
                let what = if close == b')' {
                    "',' or ')'"
                } else {
                    "',' or ']'"
                };
                return Err(self.expected(what));
            }
        }
        let raw = self.since(start);
        if close == b')'
            && !comma
            && items.len() == 1
            && let Some(inner) = items.pop()
        {
            return Ok(Lit {
                raw,
                val: inner.val,
            });
        }
        let val = if close == b')' {
            Val::Tuple(items)
        } else {
            Val::List
        };
        Ok(Lit { raw, val })
    }

    /// The top-level dict: its entries, in order.
    fn dict(&mut self) -> Result<Vec<(Lit<'a>, Lit<'a>)>, String> {
        self.skip_ws();
        if !self.eat(b'{') {
            return Err(self.expected("'{' opening the header dict"));
        }
        let mut entries = Vec::new();
        loop {
            self.skip_ws();
            if self.eat(b'}') {
                break;
            }
            let key = self.value(1)?;
            self.skip_ws();
            if !self.eat(b':') {
                return Err(self.expected("':' after a key"));
            }
            self.skip_ws();
            let value = self.value(1)?;
            entries.push((key, value));
            self.skip_ws();
            if self.eat(b'}') {
                break;
            }
            if !self.eat(b',') {
                return Err(self.expected("',' or '}'"));
            }
        }
        self.skip_ws();
        if self.i < self.s.len() {
            return Err(self.expected("only spaces and newlines after the header dict"));
        }
        Ok(entries)
    }
}
