//! Paths into Helm values, as `source.helm.secretValues` names them:
//! dotted keys in the syntax of `helm --set` (`db.password`,
//! `ingress.tls[0].key`, `a\.b` for a key holding a dot), plus `*` for any
//! key or list item (`users.*.password`).

use serde_json::Value;
use std::fmt;

/// One step of a [`ValuePath`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
    Any,
}

/// A parsed path into a values tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuePath {
    steps: Vec<Step>,
}

impl ValuePath {
    /// Parses `text`; the error says what is wrong with it.
    ///
    /// ```
    /// use tether::model::ValuePath;
    /// let path = ValuePath::parse("users.*.password").unwrap();
    /// let values = serde_json::json!({"users": {"a": {"password": "x"}, "b": {"password": "y"}}});
    /// assert_eq!(path.select(&values).len(), 2);
    /// assert!(ValuePath::parse("a..b").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut steps = Vec::new();
        let mut key = String::new();
        // Whether the segment being read was closed by an index (`a[0]`),
        // so an empty key before the next dot is fine.
        let mut closed = false;
        // Whether the key being read has an escaped character (`\*` is
        // the key `*`, not any key).
        let mut escaped_key = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(escaped) => {
                        key.push(escaped);
                        escaped_key = true;
                    }
                    None => return Err("ends with a lone \\".to_string()),
                },
                '.' => {
                    push_key(&mut steps, &mut key, closed, escaped_key)?;
                    closed = false;
                    escaped_key = false;
                }
                '[' => {
                    if !key.is_empty() {
                        push_key(&mut steps, &mut key, false, escaped_key)?;
                        escaped_key = false;
                    } else if !closed {
                        return Err("an index [n] must follow a key".to_string());
                    }
                    let mut digits = String::new();
                    loop {
                        match chars.next() {
                            Some(']') => break,
                            Some(d) => digits.push(d),
                            None => return Err("an index [ is not closed".to_string()),
                        }
                    }
                    let step = if digits == "*" {
                        Step::Any
                    } else {
                        Step::Index(
                            digits
                                .parse()
                                .map_err(|_| format!("[{digits}] is not a list index"))?,
                        )
                    };
                    steps.push(step);
                    closed = true;
                }
                other => key.push(other),
            }
        }
        push_key(&mut steps, &mut key, closed, escaped_key)?;
        Ok(Self { steps })
    }

    /// The values `root` holds at this path (every match of a `*`).
    pub fn select<'a>(&self, root: &'a Value) -> Vec<&'a Value> {
        let mut current = vec![root];
        for step in &self.steps {
            let mut next = Vec::new();
            for value in current {
                match (step, value) {
                    (Step::Key(k), Value::Object(map)) => next.extend(map.get(k)),
                    (Step::Index(i), Value::Array(items)) => next.extend(items.get(*i)),
                    (Step::Any, Value::Object(map)) => next.extend(map.values()),
                    (Step::Any, Value::Array(items)) => next.extend(items.iter()),
                    _ => {}
                }
            }
            current = next;
        }
        current
    }

    /// This path below `prefix` (a subchart's values seen from its parent).
    pub fn strip_prefix(&self, prefix: &str) -> Option<ValuePath> {
        match self.steps.first() {
            Some(Step::Key(k)) if k == prefix => Some(ValuePath {
                steps: self.steps[1..].to_vec(),
            }),
            Some(Step::Any) => Some(ValuePath {
                steps: self.steps[1..].to_vec(),
            }),
            _ => None,
        }
    }
}

fn push_key(
    steps: &mut Vec<Step>,
    key: &mut String,
    closed: bool,
    literal: bool,
) -> Result<(), String> {
    if key.is_empty() {
        if closed {
            return Ok(());
        }
        return Err("has an empty key (two dots, or a dot at an end)".to_string());
    }
    let step = if key == "*" && !literal {
        Step::Any
    } else {
        Step::Key(key.clone())
    };
    steps.push(step);
    key.clear();
    Ok(())
}

impl fmt::Display for ValuePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
            match step {
                Step::Key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    let mut escaped = String::with_capacity(k.len());
                    for c in k.chars() {
                        if matches!(c, '\\' | '.' | '[' | ']') {
                            escaped.push('\\');
                        }
                        escaped.push(c);
                    }
                    if k == "*" {
                        escaped.insert(0, '\\');
                    }
                    f.write_str(&escaped)?;
                }
                Step::Index(n) => write!(f, "[{n}]")?,
                Step::Any => f.write_str(if i > 0 { ".*" } else { "*" })?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_parse_like_helm_set() {
        for (text, shown) in [
            ("db.password", "db.password"),
            ("tls[0].key", "tls[0].key"),
            ("a\\.b.c", "a\\.b.c"),
            ("users.*.token", "users.*.token"),
            ("list[1][2]", "list[1][2]"),
        ] {
            assert_eq!(ValuePath::parse(text).unwrap().to_string(), shown);
        }
        for bad in ["", "a..b", ".a", "a.", "[0]", "a[x]", "a[1", "a\\"] {
            assert!(ValuePath::parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn select_follows_keys_indexes_and_wildcards() {
        let values = json!({"db": {"password": "p"}, "tls": [{"key": "k0"}, {"key": "k1"}],
            "a.b": {"c": 1}});
        let pick = |p: &str| {
            ValuePath::parse(p)
                .unwrap()
                .select(&values)
                .into_iter()
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(pick("db.password"), vec![json!("p")]);
        assert_eq!(pick("tls[1].key"), vec![json!("k1")]);
        assert_eq!(pick("tls.*.key"), vec![json!("k0"), json!("k1")]);
        assert_eq!(pick("a\\.b.c"), vec![json!(1)]);
        assert_eq!(pick("db"), vec![json!({"password": "p"})]);
        assert!(pick("db.user").is_empty());
    }

    #[test]
    fn a_subchart_sees_the_path_without_its_name() {
        let path = ValuePath::parse("redis.auth.password").unwrap();
        assert_eq!(
            path.strip_prefix("redis").unwrap().to_string(),
            "auth.password"
        );
        assert!(path.strip_prefix("postgresql").is_none());
    }
}
