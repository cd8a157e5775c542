//! The README's key-binding section is generated from the bundled default
//! keymap; this fails when they differ and prints the section to paste
//! (or run with `TETHER_UPDATE_README=1` to rewrite it in place).
#![cfg(feature = "tui")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use tether::tui::Keymap;
use tether::tui::keymap_doc::{
    README_END, README_START, readme_current, readme_section, splice_readme,
};

#[test]
fn readme_key_section_matches_the_default_keymap() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let (keymap, problems) = Keymap::bundled_default();
    assert!(problems.is_empty(), "{problems:?}");
    let expected = readme_section(&keymap);
    let Some(current) = readme_current(&readme) else {
        panic!(
            "README.md has no `{README_START}` … `{README_END}` markers (under `## Key bindings`)"
        );
    };
    if current == expected {
        return;
    }
    if std::env::var_os("TETHER_UPDATE_README").is_some() {
        let updated = splice_readme(&readme, &expected).unwrap();
        std::fs::write(path, updated).unwrap();
        writeln!(std::io::stderr(), "README.md key bindings rewritten").unwrap();
        return;
    }
    panic!(
        "README.md's key-binding section differs from the default keymap.\n\
         Run `TETHER_UPDATE_README=1 cargo test --test tui_readme`, or paste this \
         between {README_START} and {README_END}:\n\n{expected}"
    );
}

#[test]
fn the_section_lists_every_default_binding() {
    let (keymap, _) = Keymap::bundled_default();
    let section = readme_section(&keymap);
    for line in [
        "| history | `x` | `revert` | revert the commit / roll back |",
        "| dialog | `y` `enter` | `confirm` | yes / accept |",
        "| apps | `/` | `filter` | filter rows |",
    ] {
        assert!(section.contains(line), "{line} missing:\n{section}");
    }
    assert!(section.contains("`keymaps/NAME.yaml`"));
    assert!(section.contains("`themes/NAME.yaml`"));
}
