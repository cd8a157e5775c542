//! `:` command mode: typing, Tab completion and running commands.

use super::action::Action;
use super::app::{App, Effect, Mode};
use super::keymap::{BUNDLED as BUNDLED_KEYMAPS, KeyContext};
use super::keys::KeyChord;
use super::state::scope::AppScope;
use super::theme_file::BUNDLED as BUNDLED_THEMES;
use crate::model::AppEngine;
use std::sync::Arc;

/// The `:` commands, for the help screen: (how to type it, what it does).
pub const COMMANDS: [(&str, &str); 17] = [
    (":q  :quit", "quit tether"),
    (":apps", "apps table, views closed, filter cleared"),
    (":tree APP", "resource tree of APP"),
    (":diff APP", "diff of APP"),
    (":history APP", "history of APP"),
    (":argocd", "list only Argo CD apps"),
    (":flux", "list only Flux apps"),
    (":tether", "list only tether's own apps"),
    (":ctx NAME", "list only the apps of cluster NAME"),
    (
        ":policy  :violations",
        "list only apps with policy denials, warnings or errors",
    ),
    (":all", "list every app again"),
    (":ctx", "clusters; enter lists one's apps"),
    (":appsets", "ApplicationSets; enter lists their apps"),
    (
        ":pipeline NAME  :pl NAME",
        "stages, gates and pending changes of a pipeline",
    ),
    (":theme NAME", "switch theme"),
    (":keymap NAME", "switch keymap"),
    (":help", "show this help"),
];

/// Command words and whether they take an argument.
const VERBS: [(&str, bool); 19] = [
    ("pipeline", true),
    ("pl", true),
    ("apps", false),
    ("appsets", false),
    ("tree", true),
    ("diff", true),
    ("history", true),
    ("ctx", true),
    ("argocd", false),
    ("flux", false),
    ("tether", false),
    ("policy", false),
    ("violations", false),
    ("all", false),
    ("theme", true),
    ("keymap", true),
    ("help", false),
    ("q", false),
    ("quit", false),
];

/// Every full input that completes `input`: command words, then app,
/// context, theme or keymap names for the word's argument.
pub fn completions_with(input: &str, apps: &[&str], contexts: &[&str]) -> Vec<String> {
    match input.split_once(' ') {
        None => VERBS
            .iter()
            .filter(|(verb, _)| verb.starts_with(input))
            .map(|(verb, takes)| {
                if *takes {
                    format!("{verb} ")
                } else {
                    (*verb).to_string()
                }
            })
            .collect(),
        Some((verb, partial)) => {
            let names: Vec<&str> = match verb {
                "tree" | "diff" | "history" => apps.to_vec(),
                "ctx" => contexts.to_vec(),
                "theme" => BUNDLED_THEMES.iter().map(|(n, _)| *n).collect(),
                "keymap" => BUNDLED_KEYMAPS.iter().map(|(n, _)| *n).collect(),
                _ => Vec::new(),
            };
            let mut out: Vec<String> = names
                .into_iter()
                .filter(|n| n.starts_with(partial.trim_start()))
                .map(|n| format!("{verb} {n}"))
                .collect();
            out.sort();
            out
        }
    }
}

fn common_prefix(items: &[String]) -> String {
    let Some(first) = items.first() else {
        return String::new();
    };
    let mut len = first.len();
    for item in &items[1..] {
        len = first
            .char_indices()
            .zip(item.chars())
            .take_while(|((_, a), b)| a == b)
            .map(|((i, a), _)| i + a.len_utf8())
            .last()
            .unwrap_or(0)
            .min(len);
    }
    first[..len].to_string()
}

impl App {
    pub(super) fn command_key(&mut self, chord: &KeyChord, mut input: String) -> Vec<Effect> {
        match self.keymap.get(KeyContext::Input, chord) {
            Some(Action::Confirm) => {
                self.mode = Mode::Normal;
                self.completions.clear();
                return self.run_command(input.trim());
            }
            Some(Action::Cancel) => {
                self.mode = Mode::Normal;
                self.completions.clear();
            }
            Some(Action::DeleteChar) => {
                input.pop();
                self.completions.clear();
                self.mode = Mode::Command(input);
            }
            Some(Action::Complete) => {
                let names: Vec<&str> = self.snapshot.apps.iter().map(|a| a.key()).collect();
                let contexts = self.context_names();
                let contexts: Vec<&str> = contexts.iter().map(String::as_str).collect();
                let found = completions_with(&input, &names, &contexts);
                let prefix = common_prefix(&found);
                if prefix.len() > input.len() {
                    input = prefix;
                }
                self.completions = if found.len() > 1 { found } else { Vec::new() };
                self.mode = Mode::Command(input);
            }
            _ => {
                if let Some(c) = chord.typed_char() {
                    input.push(c);
                    self.completions.clear();
                    self.mode = Mode::Command(input);
                }
            }
        }
        Vec::new()
    }

    fn run_command(&mut self, command: &str) -> Vec<Effect> {
        let (verb, argument) = command.split_once(' ').unwrap_or((command, ""));
        let argument = argument.trim();
        match verb {
            "" => {}
            "q" | "q!" | "quit" => return vec![Effect::Quit],
            "apps" | "app" | "a" => {
                let snapshot = Arc::clone(&self.snapshot);
                while !self.views.is_empty() {
                    self.pop_view();
                }
                self.table.set_filter("", &snapshot);
            }
            "help" => self.mode = Mode::Help(0),
            "ctx" | "context" | "contexts" if argument.is_empty() => self.open_contexts(),
            "ctx" | "context" => {
                let known = self.context_names();
                if !known.iter().any(|c| c == argument) {
                    self.error(format!(
                        "unknown context '{argument}' (known: {})",
                        known.join(", ")
                    ));
                    return Vec::new();
                }
                self.show_scope(AppScope {
                    context: Some(argument.to_string()),
                    ..self.table.scope().clone()
                });
            }
            "argocd" | "flux" | "tether" => {
                let engine = match verb {
                    "argocd" => AppEngine::Argocd,
                    "flux" => AppEngine::Flux,
                    _ => AppEngine::Tether,
                };
                self.show_scope(AppScope {
                    engine: Some(engine),
                    ..self.table.scope().clone()
                });
            }
            "policy" | "violations" => self.show_scope(AppScope {
                policy: true,
                ..self.table.scope().clone()
            }),
            "all" => self.show_scope(AppScope::default()),
            "appsets" | "appset" | "applicationsets" => self.open_appsets(),
            "pipeline" | "pl" if argument.is_empty() => {
                self.warn(format!(":{verb} needs a pipeline name"));
            }
            "pipeline" | "pl" => return self.open_pipeline(argument),
            "theme" | "keymap" if argument.is_empty() => {
                self.warn(format!(":{verb} needs a name"));
            }
            "theme" => return vec![Effect::LoadTheme(argument.to_string())],
            "keymap" => return vec![Effect::LoadKeymap(argument.to_string())],
            "tree" | "diff" | "history" => {
                let app = if argument.is_empty() {
                    self.current_app()
                } else {
                    Some(argument.to_string())
                };
                let Some(app) = app else {
                    self.warn(format!(":{verb} needs an app name"));
                    return Vec::new();
                };
                // A name stands for its app when only one app has it.
                let named: Vec<&str> = self
                    .snapshot
                    .apps
                    .iter()
                    .filter(|a| a.key() == app || a.name == app)
                    .map(|a| a.key())
                    .collect();
                let app = match named.as_slice() {
                    [one] => one.to_string(),
                    [] => {
                        self.error(format!("unknown app '{app}'"));
                        return Vec::new();
                    }
                    several => {
                        self.error(format!(
                            "'{app}' names several apps: {}",
                            several.join(", ")
                        ));
                        return Vec::new();
                    }
                };
                return match verb {
                    "tree" => self.open_tree(&app),
                    "diff" => self.open_diff(&app),
                    _ => self.open_history(&app),
                };
            }
            other => self.error(format!("unknown command ':{other}'")),
        }
        Vec::new()
    }

    /// Every cluster name: the snapshot's clusters and those of its apps.
    fn context_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .snapshot
            .clusters
            .iter()
            .map(|c| c.name.clone())
            .chain(self.snapshot.apps.iter().map(|a| a.cluster.clone()))
            .filter(|n| !n.is_empty())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// The app of the shown view, else the selected row's.
    fn current_app(&self) -> Option<String> {
        self.views
            .last()
            .and_then(|v| v.app())
            .or_else(|| self.selected_app())
            .map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn completions(input: &str, apps: &[&str]) -> Vec<String> {
        completions_with(input, apps, &[])
    }

    #[test]
    fn completes_words_then_names() {
        assert_eq!(completions("tr", &[]), ["tree "]);
        assert_eq!(completions("a", &[]), ["apps", "appsets", "argocd", "all"]);
        assert_eq!(
            completions_with("ctx p", &[], &["prod", "staging"]),
            ["ctx prod"]
        );
        assert_eq!(completions("h", &[]), ["history ", "help"]);
        assert_eq!(completions("p", &[]), ["pipeline ", "pl ", "policy"]);
        assert_eq!(completions("v", &[]), ["violations"]);
        assert_eq!(
            completions("diff web", &["api", "web-prod", "web-staging"]),
            ["diff web-prod", "diff web-staging"]
        );
        assert_eq!(
            common_prefix(&completions("diff web", &["web-prod", "web-staging"])),
            "diff web-"
        );
        assert_eq!(completions("theme hi", &[]), ["theme high-contrast"]);
    }
}
