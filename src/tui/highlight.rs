//! YAML highlighting with syntect, the syntax theme named by the TUI theme
//! (`syntax:` in themes/*.yaml). Highlighting happens when data arrives or
//! the selection changes, never while drawing.

use ratatui::style::{Color, Style};
use ratatui::text::Span;
use std::sync::OnceLock;
use syntect::easy::HighlightLines;
use syntect::highlighting::ThemeSet;
use syntect::parsing::SyntaxSet;

struct Assets {
    syntaxes: SyntaxSet,
    themes: ThemeSet,
}

fn assets() -> &'static Assets {
    static ASSETS: OnceLock<Assets> = OnceLock::new();
    ASSETS.get_or_init(|| Assets {
        syntaxes: SyntaxSet::load_defaults_newlines(),
        themes: ThemeSet::load_defaults(),
    })
}

/// Loads syntect's syntaxes and themes now (they load on first use
/// otherwise), e.g. on a background thread at start-up.
pub fn warm() {
    let _ = assets();
}

/// Names of the syntax themes syntect bundles.
pub fn syntax_themes() -> Vec<String> {
    assets().themes.themes.keys().cloned().collect()
}

/// Whether `name` is a bundled syntax theme.
pub fn has_syntax_theme(name: &str) -> bool {
    assets().themes.themes.contains_key(name)
}

/// Highlights `lines` as one YAML document, one list of spans per line.
/// Only foreground colours are taken, so the caller's background (diff
/// marks, selection) shows through. An unknown theme gives plain text.
pub fn yaml<'a>(lines: impl IntoIterator<Item = &'a str>, theme: &str) -> Vec<Vec<Span<'static>>> {
    let assets = assets();
    let syntax = assets.syntaxes.find_syntax_by_extension("yaml");
    let highlighter = syntax
        .zip(assets.themes.themes.get(theme))
        .map(|(syntax, theme)| HighlightLines::new(syntax, theme));
    let Some(mut highlighter) = highlighter else {
        return lines
            .into_iter()
            .map(|l| vec![Span::raw(l.to_string())])
            .collect();
    };
    lines
        .into_iter()
        .map(|line| {
            let with_newline = format!("{line}\n");
            match highlighter.highlight_line(&with_newline, &assets.syntaxes) {
                Ok(ranges) => ranges
                    .into_iter()
                    .filter_map(|(style, text)| {
                        let text = text.trim_end_matches('\n');
                        (!text.is_empty()).then(|| {
                            let fg = Color::Rgb(
                                style.foreground.r,
                                style.foreground.g,
                                style.foreground.b,
                            );
                            Span::styled(text.to_string(), Style::new().fg(fg))
                        })
                    })
                    .collect(),
                Err(_) => vec![Span::raw(line.to_string())],
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values_get_colours() {
        assert!(has_syntax_theme("base16-ocean.dark"));
        let lines = yaml(
            ["kind: ConfigMap", "data:", "  a: \"1\""],
            "base16-ocean.dark",
        );
        assert_eq!(lines.len(), 3);
        let text: String = lines[0].iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "kind: ConfigMap");
        assert!(lines[0].iter().all(|s| s.style.fg.is_some()));
        let plain = yaml(["a: 1"], "no such theme");
        assert_eq!(plain[0][0].style.fg, None);
    }
}
