//! Remote Git URLs of Argo CD and Flux objects → local checkouts: the
//! `repos:` entries, then the remotes of every checkout tether.yaml names
//! (so a checkout of the very repository an Application points at needs no
//! entry).

use crate::model::RepoMapping;
use crate::source::Repo;
use std::path::{Path, PathBuf};

/// Local checkouts by normalised remote URL.
#[derive(Debug, Clone, Default)]
pub struct RepoIndex {
    entries: Vec<(String, PathBuf)>,
}

impl RepoIndex {
    /// The `repos:` entries first, then each of `checkouts` under every URL
    /// of its remotes.
    pub fn new<'a>(
        mappings: &[RepoMapping],
        checkouts: impl IntoIterator<Item = &'a Path>,
    ) -> Self {
        let mut entries: Vec<(String, PathBuf)> = mappings
            .iter()
            .map(|m| (normalize_url(&m.url), m.path.clone()))
            .collect();
        for checkout in checkouts {
            let Ok(repo) = Repo::open(checkout) else {
                continue;
            };
            for url in repo.remote_urls() {
                entries.push((normalize_url(&url), checkout.to_path_buf()));
            }
        }
        Self { entries }
    }

    /// The checkout of `url`, if any.
    pub fn checkout(&self, url: &str) -> Option<&Path> {
        let wanted = normalize_url(url);
        self.entries
            .iter()
            .find(|(u, _)| *u == wanted)
            .map(|(_, p)| p.as_path())
    }
}

/// A Git URL in the form Argo CD compares URLs in: lowercase, without a
/// trailing `/` or `.git`, scp-style `git@host:org/repo` as
/// `ssh://git@host/org/repo`, and without a user for https.
pub fn normalize_url(url: &str) -> String {
    let mut url = url.trim().to_lowercase();
    if !url.contains("://")
        && let Some((user_host, path)) = url.split_once(':')
        && !path.starts_with("//")
    {
        url = format!("ssh://{user_host}/{}", path.trim_start_matches('/'));
    }
    while url.ends_with('/') {
        url.pop();
    }
    if let Some(stripped) = url.strip_suffix(".git") {
        url = stripped.to_string();
    }
    if let Some(rest) = url.strip_prefix("https://")
        && let Some((user, host)) = rest.split_once('@')
        && !user.contains('/')
    {
        url = format!("https://{host}");
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_compare_as_argo_cd_compares_them() {
        let same = [
            "https://github.com/Acme/GitOps.git",
            "https://github.com/acme/gitops",
            "https://github.com/acme/gitops/",
            "https://token@github.com/acme/gitops.git",
        ];
        for url in same {
            assert_eq!(
                normalize_url(url),
                "https://github.com/acme/gitops",
                "{url}"
            );
        }
        assert_eq!(
            normalize_url("git@github.com:acme/gitops.git"),
            "ssh://git@github.com/acme/gitops"
        );
        assert_eq!(
            normalize_url("ssh://git@github.com/acme/gitops"),
            "ssh://git@github.com/acme/gitops"
        );
    }
}
