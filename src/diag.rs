//! Shared diagnostic helpers: "did you mean", and rendering reports as text.

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, NarratableReportHandler};

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let score = strsim::jaro_winkler(word, c);
        let close = strsim::levenshtein(word, c) <= (word.len().max(c.len()) / 3).max(1);
        if (score >= 0.85 || close) && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// `did you mean `x`?` as a help line, if there is a close candidate.
pub fn suggestion<'a, I>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    did_you_mean(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// How a report is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// miette's graphical report, in colour.
    Color,
    /// miette's graphical report, without colour (snapshots, pipes).
    Plain,
    /// One fact per line, for screen readers and logs.
    Narrated,
}

/// Renders a diagnostic as text.
pub fn render(diagnostic: &dyn Diagnostic, style: Style) -> String {
    let mut out = String::new();
    let result = match style {
        Style::Color => GraphicalReportHandler::new_themed(GraphicalTheme::unicode())
            .with_width(100)
            .render_report(&mut out, diagnostic),
        Style::Plain => GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .render_report(&mut out, diagnostic),
        Style::Narrated => NarratableReportHandler::new().render_report(&mut out, diagnostic),
    };
    if result.is_err() {
        out = diagnostic.to_string();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words_only() {
        let vocab = ["pacemaker", "icd", "dental"];
        assert_eq!(
            did_you_mean("pacemakr", vocab).as_deref(),
            Some("pacemaker")
        );
        assert_eq!(did_you_mean("zebra", vocab), None);
    }
}
