//! Code tables: a `table` declaration and the CSV file it loads, every cell
//! checked against its column's type.

use miette::NamedSource;

use super::{CheckError, Checker};
use crate::diag::suggestion;
use crate::eval::program::{Column, Global, Table, Type, Value};
use crate::syntax::ast;
use crate::syntax::span::Span;

/// A CSV file read with the `csv` crate.
struct CsvFile {
    /// The header row, or why it cannot be read.
    header: Result<csv::StringRecord, String>,
    /// Each row, or a malformed row's line and error.
    rows: Vec<Result<CsvRow, (usize, String)>>,
}

/// One row of a CSV file.
struct CsvRow {
    /// The line it is on (1-based).
    line: usize,
    /// The byte it starts at.
    start: usize,
    /// Its cells.
    record: csv::StringRecord,
}

/// Reads a CSV text (its first row is the header, and rows may differ in
/// length).
fn read_csv(text: &str) -> CsvFile {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = match reader.headers() {
        Ok(headers) => Ok(headers.clone()),
        Err(err) => Err(err.to_string()),
    };
    let rows = reader
        .records()
        .map(|record| match record {
            Ok(record) => {
                let (line, start) = record.position().map_or((0, 0), |position| {
                    (position.line() as usize, position.byte() as usize)
                });
                Ok(CsvRow {
                    line,
                    start,
                    record,
                })
            }
            Err(err) => Err((
                err.position()
                    .map_or(0, |position| position.line() as usize),
                err.to_string(),
            )),
        })
        .collect();
    CsvFile { header, rows }
}

/// Byte ranges of the comma-separated cells of one CSV line starting at `start`.
fn cell_spans(source: &str, start: usize) -> Vec<Span> {
    let line = source[start..].lines().next().unwrap_or("");
    let mut spans = Vec::new();
    let mut cell_start = 0;
    let mut quoted = false;
    for (offset, character) in line.char_indices() {
        match character {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                spans.push(Span::new(start + cell_start, start + offset));
                cell_start = offset + 1;
            }
            _ => {}
        }
    }
    spans.push(Span::new(start + cell_start, start + line.len()));
    spans
}

impl Checker<'_> {
    /// `table codes from "codes.csv" { key code: code ... }`, and its rows.
    pub(crate) fn table_decl(&mut self, decl: &ast::TableDecl) {
        if !self.declare_global(&decl.name.node, decl.name.span) {
            return;
        }
        let key_spec = self.value_spec(&decl.key.ty);
        let Type::Text(Some(key_format)) = key_spec.ty else {
            self.report(CheckError::TypeMismatch {
                expected: "a text format (`text code matching \"...\"`)".into(),
                found: self.program.type_name(&key_spec.ty),
                span: decl.key.ty.span,
                help: Some("a table's key is a declared text format, so that values of that format can look up their row".into()),
            });
            return;
        };
        if let Some(other) = self.program.formats[key_format as usize].table {
            self.report(CheckError::FormatKeysTwoTables {
                format: self.program.formats[key_format as usize].name.clone(),
                table: self.program.tables[other as usize].name.clone(),
                span: decl.key.ty.span,
            });
            return;
        }
        let mut columns = Vec::new();
        for column in &decl.columns {
            let spec = self.value_spec(&column.ty);
            let may_be_absent = match column.kind.as_ref().map(|kind| &kind.node) {
                None | Some(ast::Absence::Required) => false,
                Some(ast::Absence::Absent) => true,
                Some(_) => {
                    self.report(CheckError::UnsupportedColumnKind {
                        span: column
                            .kind
                            .as_ref()
                            .map_or(column.name.span, |kind| kind.span),
                    });
                    true
                }
            };
            columns.push(Column {
                name: column.name.node.clone(),
                ty: spec.ty,
                may_be_absent,
                span: column.name.span,
            });
        }
        let id = self.program.tables.len() as u32;
        let mut table = Table {
            name: decl.name.node.clone(),
            key_format,
            columns,
            keys: Vec::new(),
            rows: Vec::new(),
            row_of: Vec::new(),
            postings: Vec::new(),
        };
        match self.loader.load(&decl.file.node) {
            Ok(text) => self.load_rows(&mut table, &decl.key.name.node, &decl.file.node, text),
            Err(reason) => self.report(CheckError::TableFile {
                file: decl.file.node.clone(),
                reason,
                span: decl.file.span,
            }),
        }
        let mut row_of = vec![u32::MAX; self.program.syms.len()];
        for (row, key) in table.keys.iter().enumerate() {
            if let Some(slot) = row_of.get_mut(*key as usize) {
                *slot = row as u32;
            }
        }
        table.row_of = row_of;
        table.index();
        self.program.formats[key_format as usize].table = Some(id);
        self.program.tables.push(table);
        self.program
            .globals
            .insert(decl.name.node.clone(), Global::Table(id));
    }

    /// Reads a table's CSV text into its keys and rows, checking the header
    /// against the declared columns and every cell against its column's type.
    fn load_rows(&mut self, table: &mut Table, key_name: &str, file: &str, text: String) {
        let row_error =
            |line: usize, span: Span, message: String, label: String, help: Option<String>| {
                CheckError::TableRow {
                    file: file.to_string(),
                    line,
                    message,
                    source_code: NamedSource::new(file, text.clone()),
                    span,
                    label,
                    help,
                }
            };
        let CsvFile { header, rows } = read_csv(&text);
        let expected: Vec<&str> = std::iter::once(key_name)
            .chain(table.columns.iter().map(|column| column.name.as_str()))
            .collect();
        match header {
            Ok(headers) => {
                let spans = cell_spans(&text, 0);
                for (index, want) in expected.iter().enumerate() {
                    let got = headers.get(index);
                    if got != Some(want) {
                        let span = spans.get(index).copied().unwrap_or(Span::new(0, 0));
                        let found = got.map_or("nothing".to_string(), |got| format!("`{got}`"));
                        self.errors.push(row_error(
                            1,
                            span,
                            format!("column {} of the header is {found}, but the table declares `{want}`", index + 1),
                            format!("expected `{want}`"),
                            Some(format!("the columns, in order: {}", expected.join(", "))),
                        ));
                        return;
                    }
                }
                // Extra header columns (descriptions and such) are allowed but unused.
            }
            Err(err) => {
                self.errors.push(row_error(
                    1,
                    Span::new(0, 0),
                    format!("cannot read the header: {err}"),
                    "here".into(),
                    None,
                ));
                return;
            }
        }
        let width = expected.len();
        let mut seen = std::collections::HashSet::new();
        for row in rows {
            let CsvRow {
                line,
                start,
                record,
            } = match row {
                Ok(row) => row,
                Err((line, err)) => {
                    self.errors.push(row_error(
                        line,
                        Span::new(0, 0),
                        format!("malformed CSV: {err}"),
                        "here".into(),
                        None,
                    ));
                    continue;
                }
            };
            // The cells' spans are only needed for an error: found then.
            let spans = || cell_spans(&text, start);
            let line_span = |spans: &[Span]| {
                spans
                    .first()
                    .copied()
                    .unwrap_or_default()
                    .to(spans.last().copied().unwrap_or_default())
            };
            let cell_span = |cell: usize| {
                let spans = spans();
                spans.get(cell).copied().unwrap_or(line_span(&spans))
            };
            if record.len() < width {
                self.errors.push(row_error(
                    line,
                    line_span(&spans()),
                    format!(
                        "row has {} cells, the table declares {width} columns",
                        record.len()
                    ),
                    format!("{} cells", record.len()),
                    Some(format!("the columns, in order: {}", expected.join(", "))),
                ));
                continue;
            }
            let key_text = record.get(0).unwrap_or("");
            let format = &self.program.formats[table.key_format as usize];
            if !format.regex.is_match(key_text) {
                let (format_name, pattern) =
                    (format.name.clone(), format.regex.as_str().to_string());
                self.errors.push(row_error(
                    line,
                    cell_span(0),
                    format!("`{key_text}` is not a valid `{format_name}`"),
                    format!("does not match `{pattern}`"),
                    None,
                ));
                continue;
            }
            let key = self.program.syms.intern(key_text);
            if !seen.insert(key) {
                self.errors.push(row_error(
                    line,
                    cell_span(0),
                    format!("key `{key_text}` appears twice"),
                    "again here".into(),
                    None,
                ));
                continue;
            }
            let mut values = Vec::with_capacity(table.columns.len());
            let mut ok = true;
            for (index, column) in table.columns.iter().enumerate() {
                // The key is cell 0, so column `index` is cell `index + 1`.
                let cell = record.get(index + 1).unwrap_or("").trim();
                let value = if cell.is_empty() {
                    if column.may_be_absent {
                        Value::Absent
                    } else {
                        self.errors.push(row_error(
                            line,
                            cell_span(index + 1),
                            format!("column `{}` is empty", column.name),
                            "empty".into(),
                            Some(format!(
                                "declare the column `{}: ... may be absent` if it may be empty",
                                column.name
                            )),
                        ));
                        ok = false;
                        continue;
                    }
                } else {
                    match self.cell_value(&column.ty, cell) {
                        Ok(value) => value,
                        Err((message, help)) => {
                            self.errors.push(row_error(
                                line,
                                cell_span(index + 1),
                                message,
                                format!("in column `{}`", column.name),
                                help,
                            ));
                            ok = false;
                            continue;
                        }
                    }
                };
                values.push(value);
            }
            if ok {
                table.keys.push(key);
                table.rows.push(values);
            }
        }
    }

    /// The value of a CSV cell of a column of type `ty`, or the message and
    /// help of why it is not one.
    fn cell_value(&mut self, ty: &Type, cell: &str) -> Result<Value, (String, Option<String>)> {
        match ty {
            Type::Enum(vocabulary) => {
                if let Some(&symbol) = self.program.enum_values[*vocabulary as usize].get(cell) {
                    return Ok(Value::Sym(symbol));
                }
                let info = &self.program.enums[*vocabulary as usize];
                let names: Vec<&str> = info
                    .values
                    .iter()
                    .filter_map(|symbol| self.program.syms.resolve(*symbol))
                    .collect();
                let help = suggestion(cell, names.iter().copied()).or_else(|| {
                    Some(format!(
                        "declare `{cell}` in `enum {}`, or fix the cell",
                        info.name
                    ))
                });
                Err((format!("`{cell}` is not a value of `{}`", info.name), help))
            }
            Type::Number => cell
                .parse::<f64>()
                .map(Value::Num)
                .map_err(|_| (format!("`{cell}` is not a number"), None)),
            Type::Bool => match cell {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err((format!("`{cell}` is not `true` or `false`"), None)),
            },
            Type::Text(format) => {
                if let Some(format) =
                    format.and_then(|format| self.program.formats.get(format as usize))
                    && !format.regex.is_match(cell)
                {
                    return Err((format!("`{cell}` is not a valid `{}`", format.name), None));
                }
                Ok(Value::Sym(self.program.syms.intern(cell)))
            }
            other => Err((
                format!(
                    "a table column cannot hold {}",
                    self.program.type_name(other)
                ),
                None,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{error_of, errors_with, type_of};

    #[test]
    fn a_table_column_has_its_declared_type() {
        assert_eq!(
            type_of("any l in order.lines where l.code.modality is MRI").unwrap(),
            "bool"
        );
    }

    #[test]
    fn a_table_key_must_be_a_text_format() {
        assert_eq!(
            errors_with("table more from \"codes.csv\" { key code: text }"),
            ["expected a text format (`text code matching \"...\"`), found text"]
        );
    }

    #[test]
    fn a_format_is_the_key_of_one_table() {
        assert_eq!(
            errors_with("table more from \"codes.csv\" { key code: code }"),
            ["format `code` is already the key of table `codes`"]
        );
    }

    #[test]
    fn a_column_is_required_or_may_be_absent() {
        assert_eq!(
            errors_with(
                "text tag matching \"^[0-9]{5}$\"\ntable tags from \"codes.csv\" { key code: tag  modality: modality default CT }"
            ),
            ["a table column is required or `may be absent`"]
        );
    }

    #[test]
    fn a_missing_file_is_reported() {
        assert_eq!(
            errors_with(
                "text tag matching \"^[0-9]{5}$\"\ntable tags from \"none.csv\" { key code: tag }"
            ),
            ["cannot read table file `none.csv`: no file `none.csv` in the tests"]
        );
    }

    #[test]
    fn a_query_names_a_table() {
        assert_eq!(
            error_of("code where modality is MRI"),
            "unknown name `code`"
        );
    }
}
