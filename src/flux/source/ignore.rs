//! Which files of a checkout source-controller leaves out of an artifact:
//! gitignore-style patterns (the matcher of fluxcd/pkg `sourceignore`, a
//! go-git fork), from `.sourceignore` files at any depth and
//! `spec.ignore`, over the built-in exclusions.
//!
//! Semantics kept from that matcher: the last matching pattern wins; `!`
//! re-includes (each file is judged on its own, so a file under an
//! excluded folder can be re-included); a trailing `/` matches folders
//! only (and so every file below them); a pattern with a `/` is anchored
//! to the folder of its `.sourceignore` and matches path prefixes; `**`
//! spans folders; trailing spaces are dropped unless escaped (`\ `);
//! lines starting with `#` and blank lines are comments.

use crate::flux::envsubst::glob;

/// Always excluded: version-control files.
pub const EXCLUDE_VCS: &[&str] = &[".git/", ".gitignore", ".gitmodules", ".gitattributes"];

/// Excluded unless `spec.ignore` or a `.sourceignore` file gives patterns:
/// images and archives, CI configuration, release and SOPS configuration.
pub const EXCLUDE_DEFAULT: &[&str] = &[
    "*.jpg",
    "*.jpeg",
    "*.gif",
    "*.png",
    "*.wmv",
    "*.flv",
    "*.tar.gz",
    "*.zip",
    ".github/",
    ".circleci/",
    ".travis.yml",
    ".gitlab-ci.yml",
    "appveyor.yml",
    ".drone.yml",
    "cloudbuild.yaml",
    "codeship-services.yml",
    "codeship-steps.yml",
    "**/.goreleaser.yml",
    "**/.sops.yaml",
    "**/.flux.yaml",
];

/// The name of the per-folder ignore file.
pub const IGNORE_FILE: &str = ".sourceignore";

/// One parsed pattern, scoped to a folder (`domain`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    domain: Vec<String>,
    parts: Vec<String>,
    include: bool,
    dir_only: bool,
    anchored: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    None,
    Exclude,
    Include,
}

impl Pattern {
    /// Parses one line of gitignore syntax, scoped to folder `domain`
    /// (`""` for the root, `a/b` for a `.sourceignore` in `a/b`).
    pub fn parse(line: &str, domain: &str) -> Self {
        let mut p = line;
        let include = p.starts_with('!');
        if include {
            p = &p[1..];
        }
        if !p.ends_with("\\ ") {
            p = p.trim_end_matches(' ');
        }
        let dir_only = p.ends_with('/');
        if dir_only {
            p = &p[..p.len() - 1];
        }
        Pattern {
            domain: domain
                .split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            parts: p.split('/').map(str::to_string).collect(),
            include,
            dir_only,
            anchored: p.contains('/'),
        }
    }

    fn verdict(&self, path: &[&str], is_dir: bool) -> Verdict {
        if path.len() <= self.domain.len() || !path.iter().zip(&self.domain).all(|(a, b)| a == b) {
            return Verdict::None;
        }
        let path = &path[self.domain.len()..];
        let matched = if self.anchored {
            self.glob_match(path, is_dir)
        } else {
            self.name_match(path, is_dir)
        };
        match (matched, self.include) {
            (false, _) => Verdict::None,
            (true, true) => Verdict::Include,
            (true, false) => Verdict::Exclude,
        }
    }

    /// An unanchored pattern matches any component of the path.
    fn name_match(&self, path: &[&str], is_dir: bool) -> bool {
        let pattern = self.parts[0].as_bytes();
        for (i, name) in path.iter().enumerate() {
            match glob::matches(pattern, name.as_bytes()) {
                Err(_) => return false,
                Ok(false) => continue,
                Ok(true) => {}
            }
            return !(self.dir_only && !is_dir && i == path.len() - 1);
        }
        false
    }

    /// An anchored pattern matches the path from its start, component by
    /// component (`**` spanning any number); a matched prefix is a match.
    fn glob_match(&self, path: &[&str], is_dir: bool) -> bool {
        let mut path = path;
        let mut matched = false;
        let mut traverse = false;
        for (i, part) in self.parts.iter().enumerate() {
            if part.is_empty() {
                traverse = false;
                continue;
            }
            if part == "**" {
                if i == self.parts.len() - 1 {
                    break;
                }
                traverse = true;
                continue;
            }
            if part.contains("**") || path.is_empty() {
                return false;
            }
            if traverse {
                traverse = false;
                while let Some((first, rest)) = path.split_first() {
                    path = rest;
                    match glob::matches(part.as_bytes(), first.as_bytes()) {
                        Err(_) => return false,
                        Ok(true) => {
                            matched = true;
                            break;
                        }
                        Ok(false) if path.is_empty() => matched = false,
                        Ok(false) => {}
                    }
                }
            } else {
                if glob::matches(part.as_bytes(), path[0].as_bytes()) != Ok(true) {
                    return false;
                }
                matched = true;
                path = &path[1..];
            }
        }
        // A folder-only pattern that consumed the whole path of a file
        // does not match it.
        matched && !(self.dir_only && !is_dir && path.is_empty())
    }
}

/// The patterns of an ignore file's text (or of `spec.ignore`).
pub fn read_patterns(text: &str, domain: &str) -> Vec<Pattern> {
    text.lines()
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| Pattern::parse(l, domain))
        .collect()
}

/// Patterns in increasing priority; the last that matches decides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matcher {
    patterns: Vec<Pattern>,
}

impl Matcher {
    pub fn new(patterns: Vec<Pattern>) -> Self {
        Self { patterns }
    }

    /// source-controller's archive filter: the version-control exclusions,
    /// then `patterns` if there are any, else the default exclusions.
    pub fn for_artifact(patterns: Vec<Pattern>) -> Self {
        let mut all: Vec<Pattern> = EXCLUDE_VCS.iter().map(|p| Pattern::parse(p, "")).collect();
        if patterns.is_empty() {
            all.extend(EXCLUDE_DEFAULT.iter().map(|p| Pattern::parse(p, "")));
        } else {
            all.extend(patterns);
        }
        Self::new(all)
    }

    /// Whether the file at `path` (slash-separated, relative) is excluded.
    pub fn excludes_file(&self, path: &str) -> bool {
        let parts: Vec<&str> = path.split('/').collect();
        for p in self.patterns.iter().rev() {
            match p.verdict(&parts, false) {
                Verdict::None => continue,
                verdict => return verdict == Verdict::Exclude,
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(lines: &str) -> Matcher {
        Matcher::new(read_patterns(lines, ""))
    }

    #[test]
    fn default_exclusions_cover_vcs_ci_and_media() {
        let m = Matcher::for_artifact(Vec::new());
        for excluded in [
            ".gitignore",
            ".github/workflows/ci.yaml",
            "apps/.sops.yaml",
            "logo.png",
            "a/b/.flux.yaml",
            ".gitlab-ci.yml",
            "x/.gitlab-ci.yml",
        ] {
            assert!(m.excludes_file(excluded), "{excluded}");
        }
        for kept in ["apps/deploy.yaml", ".sourceignore", "docs/.github.md"] {
            assert!(!m.excludes_file(kept), "{kept}");
        }
    }

    #[test]
    fn patterns_replace_the_defaults_but_not_vcs() {
        let m = Matcher::for_artifact(read_patterns("*.md\n", ""));
        assert!(m.excludes_file("README.md"));
        assert!(m.excludes_file(".gitmodules"));
        assert!(!m.excludes_file(".github/workflows/ci.yaml"));
    }

    #[test]
    fn gitignore_semantics() {
        let m = matcher("/*\n!/deploy/\n");
        assert!(m.excludes_file("README.md"));
        assert!(m.excludes_file("apps/x.yaml"));
        assert!(!m.excludes_file("deploy/x.yaml"));
        let m = matcher("build/\n");
        assert!(m.excludes_file("a/build/x"));
        assert!(!m.excludes_file("a/build"));
        let m = matcher("a/**/z.yaml\n# comment\n\nb/c \n");
        assert!(m.excludes_file("a/z.yaml"));
        assert!(m.excludes_file("a/x/y/z.yaml"));
        assert!(m.excludes_file("b/c/d"));
        let m = matcher("docs/*.md\n");
        assert!(m.excludes_file("docs/a.md"));
        assert!(!m.excludes_file("x/docs/a.md"));
    }

    #[test]
    fn nested_ignore_files_apply_below_their_folder() {
        let m = Matcher::new(read_patterns("*.txt\n", "sub"));
        assert!(m.excludes_file("sub/a.txt"));
        assert!(m.excludes_file("sub/deep/a.txt"));
        assert!(!m.excludes_file("a.txt"));
    }
}
