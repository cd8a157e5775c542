//! The build environment Argo CD substitutes into Helm parameters, value
//! file paths, Kustomize images and labels (`$ARGOCD_APP_NAME`, …), with
//! Go's `os.Expand`: unknown variables become empty, `$$` is `$`.

use std::collections::BTreeMap;

/// The variables of one source's build.
pub fn build_env(
    app_instance: &str,
    dest_namespace: &str,
    project: &str,
    revision: &str,
    repo_url: &str,
    path: &str,
    target_revision: &str,
) -> BTreeMap<String, String> {
    let short = |n: usize| revision.chars().take(n).collect::<String>();
    BTreeMap::from([
        ("ARGOCD_APP_NAME".to_string(), app_instance.to_string()),
        (
            "ARGOCD_APP_NAMESPACE".to_string(),
            dest_namespace.to_string(),
        ),
        ("ARGOCD_APP_PROJECT_NAME".to_string(), project.to_string()),
        ("ARGOCD_APP_REVISION".to_string(), revision.to_string()),
        ("ARGOCD_APP_REVISION_SHORT".to_string(), short(7)),
        ("ARGOCD_APP_REVISION_SHORT_8".to_string(), short(8)),
        (
            "ARGOCD_APP_SOURCE_REPO_URL".to_string(),
            repo_url.to_string(),
        ),
        ("ARGOCD_APP_SOURCE_PATH".to_string(), path.to_string()),
        (
            "ARGOCD_APP_SOURCE_TARGET_REVISION".to_string(),
            target_revision.to_string(),
        ),
    ])
}

/// Go's `os.Expand(s, mapping)` with Argo CD's mapping.
pub fn envsubst(s: &str, env: &BTreeMap<String, String>) -> String {
    let bytes = s.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    let mut last = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' && i + 1 < bytes.len() {
            out.push_str(&s[last..i]);
            let (name, width) = shell_name(&s[i + 1..]);
            if name.is_empty() && width > 0 {
                // Bad syntax (`${}`, `${x`): Go drops it.
            } else if name.is_empty() || name == "$" {
                out.push('$');
            } else {
                out.push_str(env.get(name).map(String::as_str).unwrap_or(""));
            }
            i += 1 + width;
            last = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&s[last..]);
    out
}

/// Go's `getShellName`: the variable name after `$` and the bytes used.
fn shell_name(s: &str) -> (&str, usize) {
    let b = s.as_bytes();
    if b[0] == b'{' {
        if b.len() > 2 && is_special(b[1]) && b[2] == b'}' {
            return (&s[1..2], 3);
        }
        for i in 1..b.len() {
            if b[i] == b'}' {
                if i == 1 {
                    return ("", 2);
                }
                return (&s[1..i], i + 1);
            }
        }
        return ("", 1);
    }
    if is_special(b[0]) {
        return (&s[0..1], 1);
    }
    let n = b
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
        .count();
    (&s[..n], n)
}

fn is_special(c: u8) -> bool {
    matches!(c, b'*' | b'#' | b'$' | b'@' | b'!' | b'?' | b'-') || c.is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_expand() {
        let env = build_env(
            "web",
            "prod",
            "p",
            "0123456789abcdef",
            "https://x",
            "apps/web",
            "main",
        );
        assert_eq!(
            envsubst("img:$ARGOCD_APP_REVISION_SHORT", &env),
            "img:0123456"
        );
        assert_eq!(envsubst("${ARGOCD_APP_NAMESPACE}-x", &env), "prod-x");
        assert_eq!(envsubst("a$$b $HOME c$", &env), "a$b  c$");
        assert_eq!(envsubst("price: 5$", &env), "price: 5$");
    }
}
