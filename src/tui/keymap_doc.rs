//! The README's key-binding section, generated from a keymap (the bundled
//! default for the README) so that the documentation cannot drift from
//! the bindings; `tests/tui_readme.rs` checks it.

use super::action::Action;
use super::keymap::Keymap;

/// The line that opens the generated section in README.md.
pub const README_START: &str = "<!-- keys:start -->";
/// The line that closes it.
pub const README_END: &str = "<!-- keys:end -->";

/// Everything between the markers: a note that the text is generated, the
/// binding table of `keymap`, and where themes and keymaps come from.
pub fn readme_section(keymap: &Keymap) -> String {
    let mut out = String::from(
        "<!-- generated from keymaps/default.yaml by tether::tui::keymap_doc; \
         run `TETHER_UPDATE_README=1 cargo test --test tui_readme` after changing bindings -->\n\n",
    );
    let dangerous: Vec<String> = Action::ALL
        .into_iter()
        .filter(|a| a.dangerous())
        .map(|a| format!("`{}`", a.name()))
        .collect();
    out.push_str(&format!(
        "Keys of the bundled default keymap, per context. `view` bindings apply \
         in every view above the apps table (tree, diff, history, events, YAML, \
         contexts, ApplicationSets, operation, pipeline); `tree`, `diff`, `history` \
         and `pipeline` add their own, and `global` applies wherever a context does not bind the key \
         itself (not in `dialog` and `input`). Dangerous actions ({}) ask for \
         confirmation (pause: a reason) and are unbound with `--read-only`. \
         `?` shows the active bindings in the TUI.\n\n",
        dangerous.join(", ")
    ));
    out.push_str(&keymap.to_markdown());
    out.push('\n');
    out.push_str(CUSTOMISING);
    out
}

const CUSTOMISING: &str = "\
**Keymaps and themes** are YAML files. Pick them with `--keymap NAME` and \
`--theme NAME` (or `:keymap NAME`, `:theme NAME` inside the TUI). Bundled: \
keymaps `default`, `vim`; themes `default`, `light`, `high-contrast`, `ascii`. \
User files live in the config directory (`~/.config/tether/` on Linux):

- `keymaps/NAME.yaml` is merged over the bundled default (and over the \
bundled keymap of that name): one mapping per context, key to action name, \
e.g. `apps: {\"ctrl-d\": page_down, \"g g\": top, \"x\": none}`. Keys are a \
character, a named key (`enter`, `esc`, `tab`, `pagedown`, `f1`…) or either \
with `ctrl-`/`alt-`/`shift-`; a space-separated sequence (`g g`) waits for \
the next key (not in `dialog` and `input`); `none` unbinds.
- `themes/NAME.yaml` replaces a bundled theme of that name: `inherits` \
(default `default`, or `none`), `palette` (names for colours: a colour name, \
0-255 or `#rrggbb`), `styles` (semantic scope to a colour or \
`{ fg, bg, modifiers }`, looked up with dotted fallback: `diff.added.bg` → \
`diff.added` → `diff`), `glyphs` (text before each state, so colour is never \
the only cue) and `syntax` (the syntect theme for YAML).

A file with a problem is reported as `file:line: message` in the status \
line and the bundled default is used instead. The bundled files in \
[`keymaps/`](keymaps/) and [`themes/`](themes/) list every action and scope \
with comments.
";

/// Replaces the text between the markers in `readme` with `section`;
/// None when the markers are missing or out of order.
pub fn splice_readme(readme: &str, section: &str) -> Option<String> {
    let start = readme.find(README_START)? + README_START.len();
    let end = start + readme[start..].find(README_END)?;
    Some(format!(
        "{}\n{}{}",
        &readme[..start],
        section,
        &readme[end..]
    ))
}

/// The text between the markers in `readme`, as [`splice_readme`] writes it.
pub fn readme_current(readme: &str) -> Option<&str> {
    let start = readme.find(README_START)? + README_START.len();
    let end = start + readme[start..].find(README_END)?;
    Some(
        readme[start..end]
            .strip_prefix('\n')
            .unwrap_or(&readme[start..end]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splices_between_the_markers_only() {
        let readme =
            "# x\n\n## Key bindings\n\n<!-- keys:start -->\nold\n<!-- keys:end -->\n\n## Next\n";
        let out = splice_readme(readme, "new\n").unwrap();
        assert_eq!(
            out,
            "# x\n\n## Key bindings\n\n<!-- keys:start -->\nnew\n<!-- keys:end -->\n\n## Next\n"
        );
        assert_eq!(readme_current(&out), Some("new\n"));
        assert_eq!(splice_readme("no markers", "x"), None);
        assert_eq!(
            readme_current("<!-- keys:end --> <!-- keys:start -->"),
            None
        );
    }
}
