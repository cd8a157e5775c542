//! Remote Git URLs of Argo CD and Flux objects → local checkouts: the
//! `repos:` entries, then the remotes of every checkout tether.yaml names
//! (so a checkout of the very repository an Application points at needs no
//! entry). URLs compare as Argo CD compares them
//! ([`crate::argocd::same_repo`]), the one URL rule of tether.

use crate::argocd::same_repo;
use crate::model::RepoMapping;
use crate::source::Repo;
use std::path::Path;

/// Local checkouts by remote URL.
#[derive(Debug, Clone, Default)]
pub struct RepoIndex {
    entries: Vec<RepoMapping>,
}

impl RepoIndex {
    /// The `repos:` entries first, then each of `checkouts` under every URL
    /// of its remotes.
    pub fn new<'a>(
        mappings: &[RepoMapping],
        checkouts: impl IntoIterator<Item = &'a Path>,
    ) -> Self {
        let mut entries = mappings.to_vec();
        // Many apps share a checkout: each is opened once, in order.
        let mut seen = std::collections::HashSet::new();
        for checkout in checkouts.into_iter().filter(|c| seen.insert(*c)) {
            let Ok(repo) = Repo::open(checkout) else {
                continue;
            };
            for url in repo.remote_urls() {
                entries.push(RepoMapping {
                    url,
                    path: checkout.to_path_buf(),
                });
            }
        }
        Self { entries }
    }

    /// The checkout of `url`, if any.
    pub fn checkout(&self, url: &str) -> Option<&Path> {
        self.entries
            .iter()
            .find(|m| same_repo(&m.url, url))
            .map(|m| m.path.as_path())
    }

    /// Every URL → checkout pair, `repos:` entries first.
    pub fn mappings(&self) -> &[RepoMapping] {
        &self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_compare_as_argo_cd_compares_them() {
        let index = RepoIndex::new(
            &[
                RepoMapping {
                    url: "https://github.com/acme/gitops.git".into(),
                    path: "/checkouts/gitops".into(),
                },
                RepoMapping {
                    url: "git@github.com:acme/infra.git".into(),
                    path: "/checkouts/infra".into(),
                },
            ],
            [],
        );
        for url in [
            "https://github.com/Acme/GitOps.git",
            "https://github.com/acme/gitops",
            "https://github.com/acme/gitops/",
        ] {
            assert_eq!(
                index.checkout(url),
                Some(Path::new("/checkouts/gitops")),
                "{url}"
            );
        }
        assert_eq!(
            index.checkout("ssh://git@github.com/acme/infra"),
            Some(Path::new("/checkouts/infra"))
        );
        assert_eq!(index.checkout("https://github.com/acme/other"), None);
    }
}
