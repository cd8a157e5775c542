//! The exception list: known simulator gaps, each with a reason.

#[derive(serde::Deserialize)]
pub struct Exception {
    pub file: String,
    pub pointer: String,
    pub reason: String,
}

impl Exception {
    pub fn covers(&self, file: &str, ptr: &str) -> bool {
        glob(&self.file, file) && pointer_covers(&self.pointer, ptr)
    }
}

/// `*` in a file pattern matches any run of characters.
fn glob(pattern: &str, s: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == s,
        Some((pre, rest)) => {
            s.starts_with(pre)
                && (0..=s.len() - pre.len())
                    .any(|i| s.is_char_boundary(pre.len() + i) && glob(rest, &s[pre.len() + i..]))
        }
    }
}

/// A pointer pattern covers a pointer when every segment matches (`*`
/// matches one segment) and the pattern is a prefix.
fn pointer_covers(pattern: &str, ptr: &str) -> bool {
    let pat: Vec<&str> = pattern.split('/').collect();
    let segs: Vec<&str> = ptr.split('/').collect();
    pat.len() <= segs.len() && pat.iter().zip(&segs).all(|(p, s)| *p == "*" || p == s)
}
