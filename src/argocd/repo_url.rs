//! Repository URLs compared as Argo CD compares them (`util/git`
//! `NormalizeGitURL` / `SameURL`), so the `repoURL` of an Application or
//! ApplicationSet finds its entry in tether.yaml `repos:`.

/// The URL in Argo CD's normal form: trimmed, lower-cased, scp-style SSH
/// (`git@host:org/repo`) rewritten to `git@host/org/repo`, one `.git`
/// suffix removed. None when the result is not a URL Argo CD accepts (Argo
/// CD then compares the original text).
///
/// ```
/// use tether::argocd::normalize_git_url;
/// assert_eq!(normalize_git_url("git@GitHub.com:Org/Repo.git").as_deref(),
///            Some("git@github.com/org/repo"));
/// assert_eq!(normalize_git_url(" https://GITHUB.com/org/repo.git ").as_deref(),
///            Some("https://github.com/org/repo"));
/// ```
pub fn normalize_git_url(repo: &str) -> Option<String> {
    let mut repo = repo.trim().to_lowercase();
    if is_ssh_url(&repo) && !repo.starts_with("ssh://") {
        repo = format!("ssh://{}", repo.replacen(':', "/", 1));
    }
    let repo = repo.strip_suffix(".git").unwrap_or(&repo);
    if !parses_as_url(repo) {
        return None;
    }
    Some(repo.strip_prefix("ssh://").unwrap_or(repo).to_string())
}

/// Whether two repository URLs name the same repository for Argo CD
/// (`SameURL`): equal normal forms, where a URL that does not normalise
/// compares as written.
///
/// ```
/// use tether::argocd::same_url;
/// assert!(same_url("ssh://git@github.com/org/repo", "git@GITHUB.com:org/repo.git"));
/// assert!(!same_url("https://github.com/org/repo", "https://github.com/org/other"));
/// ```
pub fn same_url(left: &str, right: &str) -> bool {
    let left = normalize_git_url(left).unwrap_or_else(|| left.to_string());
    let right = normalize_git_url(right).unwrap_or_else(|| right.to_string());
    !left.is_empty() && left == right
}

/// [`same_url`], also treating one trailing `/` as absent. Argo CD's own
/// comparison keeps the slash (so `…/repo/` and `…/repo` are two
/// repositories for its credential lookup), but Git clones the same
/// repository from both; tether uses this to find the local checkout of a
/// `repoURL` in `repos:`.
pub fn same_repo(left: &str, right: &str) -> bool {
    same_url(left, right) || same_url(trim_one_slash(left), trim_one_slash(right))
}

fn trim_one_slash(url: &str) -> &str {
    let url = url.trim();
    url.strip_suffix('/').unwrap_or(url)
}

/// Argo CD's `IsSSHURL`: `^(ssh://)?([^/:]*?)@[^@]+$`.
pub fn is_ssh_url(url: &str) -> bool {
    let rest = url.strip_prefix("ssh://").unwrap_or(url);
    // The '@' is the last one, and nothing before it is '/' or ':'.
    match rest.rfind('@') {
        Some(at) => at + 1 < rest.len() && !rest[..at].contains(['/', ':']),
        None => false,
    }
}

/// What Go's `url.Parse` rejects among the URLs Argo CD sees: control
/// characters, a bad scheme, or a port that is not a number.
fn parses_as_url(url: &str) -> bool {
    if url.chars().any(|c| c.is_ascii_control()) {
        return false;
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        // No authority: a relative reference or an opaque URL; Go accepts
        // those unless a colon comes before the first slash with a bad scheme.
        return match url.find(':') {
            Some(colon) if !url[..colon].contains('/') => valid_scheme(&url[..colon]),
            _ => true,
        };
    };
    if !valid_scheme(scheme) {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.starts_with('[') {
        return host_port.contains(']');
    }
    match host_port.rsplit_once(':') {
        Some((_, port)) => port.chars().all(|c| c.is_ascii_digit()),
        None => !host_port.contains(' '),
    }
}

fn valid_scheme(scheme: &str) -> bool {
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pairs from Argo CD's TestSameURL: each side names the same repository.
    #[test]
    fn same_url_pairs_of_argo_cd() {
        let pairs = [
            (
                "git@GITHUB.com:argoproj/test",
                "git@github.com:argoproj/test.git",
            ),
            (
                "git@GITHUB.com:argoproj/test.git",
                "git@github.com:argoproj/test.git",
            ),
            ("git@GITHUB.com:test", "git@github.com:test.git"),
            (
                "https://GITHUB.com/argoproj/test",
                "https://github.com/argoproj/test.git",
            ),
            ("https://github.com/FOO", "https://github.com/foo"),
            (
                "https://github.com:4443/TEST",
                "https://github.com:4443/TEST.git",
            ),
            (
                "ssh://git@GITHUB.com/argoproj/test",
                "git@github.com:argoproj/test.git",
            ),
            ("ssh://git@GITHUB.com/test.git", "git@github.com:test.git"),
            ("ssh://git@github.com/test", "git@github.com:test.git"),
            (
                " https://github.com/argoproj/test ",
                "https://github.com/argoproj/test.git",
            ),
            (
                "\thttps://github.com/argoproj/test\n",
                "https://github.com/argoproj/test.git",
            ),
            (
                "https://1234.visualstudio.com/myproj/_git/myrepo",
                "https://1234.visualstudio.com/myproj/_git/myrepo",
            ),
        ];
        for (a, b) in pairs {
            assert!(same_url(a, b), "{a} vs {b}");
        }
    }

    #[test]
    fn different_repositories_differ() {
        assert!(!same_url(
            "https://github.com/org/a",
            "https://github.com/org/b"
        ));
        assert!(!same_url(
            "https://github.com/org/a",
            "git@github.com:org/a"
        ));
        assert!(!same_url("", ""));
    }

    #[test]
    fn trailing_slash_is_kept_by_argo_cd_but_not_by_same_repo() {
        let (a, b) = (
            "https://github.com/org/apps/",
            "https://github.com/org/apps.git",
        );
        assert!(!same_url(a, b));
        assert!(same_repo(a, b));
    }

    /// Cases of Argo CD's TestIsSSHURL and TestIsSSHURLUserName.
    #[test]
    fn ssh_urls() {
        for (url, ssh) in [
            ("git://github.com/argoproj/test.git", false),
            ("git@GITHUB.com:argoproj/test.git", true),
            ("git@github.com:test", true),
            ("https://github.com/argoproj/test", false),
            ("ssh://git@GITHUB.com:argoproj/test", true),
            ("ssh://john@john-server.org:29418/project", true),
            ("john@doe.org@john-server.org:project", true),
        ] {
            assert_eq!(is_ssh_url(url), ssh, "{url}");
        }
    }

    #[test]
    fn invalid_urls_do_not_normalise() {
        assert_eq!(normalize_git_url("https://host:abc/x"), None);
        assert_eq!(normalize_git_url("1http://x/y"), None);
        assert!(same_url("https://host:abc/x", "https://host:abc/x"));
    }
}
