//! How values are written: as a message shows them ([`Eval::display`]) and
//! as the language writes them ([`Eval::show`]), numbers without a needless
//! `.0`.

use super::Eval;
use super::program::Value;

impl Eval<'_> {
    /// A value as a message shows it: lists without braces (`70460, 70470`).
    pub fn display(&self, v: Value) -> String {
        let mut out = String::new();
        self.write_display(&mut out, v);
        out
    }

    /// Appends [`Eval::display`] of a value to `out`.
    pub fn write_display(&self, out: &mut String, v: Value) {
        match v {
            Value::List(id) => {
                let len = self.list_len(id);
                if len == 0 {
                    out.push_str("none");
                }
                for i in 0..len {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.write_show(out, self.list_item(id, i));
                }
            }
            other => self.write_show(out, other),
        }
    }

    /// A value as the language writes it (`70553`, `{70460, 70470}`, `unknown`).
    pub fn show(&self, v: Value) -> String {
        let mut out = String::new();
        self.write_show(&mut out, v);
        out
    }

    /// Appends [`Eval::show`] of a value to `out`.
    pub fn write_show(&self, out: &mut String, v: Value) {
        match v {
            Value::Unknown => out.push_str("unknown"),
            Value::Absent => out.push_str("none"),
            Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
            Value::Num(n) => write_number(out, n),
            Value::Sym(s) => out.push_str(self.text(s)),
            Value::List(id) => {
                out.push('{');
                for i in 0..self.list_len(id) {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.write_show(out, self.list_item(id, i));
                }
                out.push('}');
            }
            Value::Rec(off) => {
                // A record shows as its first field (a line shows as its code).
                match self.facts.records.get(off as usize) {
                    Some(v) => self.write_show(out, *v),
                    None => out.push_str("record"),
                }
            }
        }
    }
}

/// Appends a number without a needless `.0`.
pub fn write_number(out: &mut String, n: f64) {
    use std::fmt::Write as _;
    if n.fract() == 0.0 && n.abs() < 1e15 {
        // A whole number, digit by digit: messages show many.
        let whole = n as i64;
        if whole < 0 {
            out.push('-');
        }
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        let mut rest = whole.unsigned_abs();
        loop {
            start -= 1;
            digits[start] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        out.push_str(std::str::from_utf8(&digits[start..]).unwrap_or_default());
    } else {
        let _ = write!(out, "{n}");
    }
}

/// A number without a needless `.0`.
pub fn format_number(n: f64) -> String {
    let mut out = String::new();
    write_number(&mut out, n);
    out
}

#[cfg(test)]
mod tests {
    use super::write_number;

    #[test]
    fn numbers_are_written_as_rust_formats_them_without_a_needless_point() {
        for (n, text) in [
            (0.0, "0"),
            (-0.0, "0"),
            (62.0, "62"),
            (-7.0, "-7"),
            (1.5, "1.5"),
            (999_999_999_999_999.0, "999999999999999"),
            (1e15, "1000000000000000"),
            (-2.25, "-2.25"),
        ] {
            let mut out = String::new();
            write_number(&mut out, n);
            assert_eq!(out, text);
        }
    }
}
