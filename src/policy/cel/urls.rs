//! The Kubernetes URL library: `url('https://example.com:80/path?k=v')`,
//! `isURL`, and the getters `getScheme`, `getHost`, `getHostname`,
//! `getPort`, `getEscapedPath` and `getQuery`. As Go's
//! `url.ParseRequestURI`, a URL is absolute (`scheme:…`) or an absolute
//! path (`/…`).

use super::values::{owned, string_arg, take, wrong_type};
use cel::common::types::{CelBool, STRING_TYPE, Type};
use cel::common::value::{CowVal, StaticVal, Val};
use cel::objects::{Key, Map};
use cel::{DeclarationError, Env, ExecutionError, Value};
use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

/// The CEL type of URLs.
pub static URL_TYPE: Type = URL;

/// [`URL_TYPE`] by value, for declaring overloads.
const URL: Type = Type::new_unspecified_type("kubernetes.URL");

/// A parsed URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    scheme: String,
    /// `host[:port]`, without user info.
    host: String,
    path: String,
    query: String,
}

impl Url {
    /// Parses an absolute URL or an absolute path.
    pub fn parse(text: &str) -> Result<Url, String> {
        let bad = |why: &str| format!("URL {text:?} is invalid: {why}");
        if text.chars().any(|c| c.is_control() || c == ' ') {
            return Err(bad("it contains a space or a control character"));
        }
        let (scheme, rest) = if text.starts_with('/') {
            ("", text)
        } else {
            let (scheme, rest) = text
                .split_once(':')
                .ok_or_else(|| bad("not an absolute URL or an absolute path"))?;
            let valid = scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
            if !valid {
                return Err(bad("missing protocol scheme"));
            }
            (scheme, rest)
        };
        let (authority, rest) = match rest.strip_prefix("//") {
            Some(after) => {
                let end = after.find(['/', '?']).unwrap_or(after.len());
                after.split_at(end)
            }
            None => ("", rest),
        };
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        if host.starts_with('[') && !host.contains(']') {
            return Err(bad("missing ']' in host"));
        }
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        Ok(Url {
            scheme: scheme.to_string(),
            host: host.to_string(),
            path: path.to_string(),
            query: query.to_string(),
        })
    }

    /// The host without the port, IPv6 brackets removed.
    fn hostname(&self) -> &str {
        if let Some(inner) = self.host.strip_prefix('[') {
            return inner.split(']').next().unwrap_or("");
        }
        self.host.split(':').next().unwrap_or("")
    }

    fn port(&self) -> &str {
        let after_host = match self.host.rfind(']') {
            Some(i) => &self.host[i + 1..],
            None => self.host.find(':').map_or("", |i| &self.host[i..]),
        };
        after_host.strip_prefix(':').unwrap_or("")
    }
}

impl Val for Url {
    fn get_type(&self) -> &Type {
        &URL_TYPE
    }

    fn cel_type() -> &'static Type {
        &URL_TYPE
    }

    fn equals(&self, other: &dyn Val) -> bool {
        other.downcast_ref::<Url>().is_some_and(|o| o == self)
    }

    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v> {
        Box::new(self.clone())
    }

    fn as_any(&self) -> Option<&dyn Any> {
        Some(self)
    }
}

impl StaticVal for Url {}

/// Declares the URL functions on `env`.
pub fn register(env: &mut Env) -> Result<(), DeclarationError> {
    let u = || URL;
    env.add_overload("url", "string_to_url", vec![STRING_TYPE], parse)?;
    env.add_overload("isURL", "is_url_string", vec![STRING_TYPE], is_url)?;
    env.add_member_overload("getScheme", "url_get_scheme", u(), vec![], scheme)?;
    env.add_member_overload("getHost", "url_get_host", u(), vec![], host)?;
    env.add_member_overload("getHostname", "url_get_hostname", u(), vec![], hostname)?;
    env.add_member_overload("getPort", "url_get_port", u(), vec![], port)?;
    env.add_member_overload("getEscapedPath", "url_get_path", u(), vec![], path)?;
    env.add_member_overload("getQuery", "url_get_query", u(), vec![], query)?;
    Ok(())
}

fn url_arg<'a>(function: &str, val: &'a dyn Val) -> Result<&'a Url, ExecutionError> {
    val.downcast_ref::<Url>()
        .ok_or_else(|| wrong_type(function, val, "URL"))
}

fn parse<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let [text] = take(args)?;
    let url = Url::parse(string_arg("url", text.as_ref())?)
        .map_err(|e| ExecutionError::function_error("url", e))?;
    Ok(CowVal::owned(url))
}

fn is_url<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let [text] = take(args)?;
    let ok = Url::parse(string_arg("isURL", text.as_ref())?).is_ok();
    Ok(CowVal::owned(CelBool::from(ok)))
}

fn text_of<'b, 'v>(
    function: &str,
    args: Vec<CowVal<'b, 'v>>,
    part: fn(&Url) -> &str,
) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let [url] = take(args)?;
    let text = part(url_arg(function, url.as_ref())?).to_string();
    owned(Value::String(Arc::new(text)))
}

fn scheme<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    text_of("getScheme", args, |u| &u.scheme)
}

fn host<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    text_of("getHost", args, |u| &u.host)
}

fn hostname<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    text_of("getHostname", args, Url::hostname)
}

fn port<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    text_of("getPort", args, Url::port)
}

fn path<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    text_of("getEscapedPath", args, |u| &u.path)
}

/// The query as a map of each key to its values, in order.
fn query<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let [url] = take(args)?;
    let url = url_arg("getQuery", url.as_ref())?;
    let mut values: HashMap<String, Vec<Value>> = HashMap::new();
    for (key, value) in form_urlencoded::parse(url.query.as_bytes()) {
        values
            .entry(key.into_owned())
            .or_default()
            .push(Value::String(Arc::new(value.into_owned())));
    }
    let map: HashMap<Key, Value> = values
        .into_iter()
        .map(|(k, v)| (Key::String(Arc::new(k)), Value::List(Arc::new(v))))
        .collect();
    owned(Value::Map(Map { map: Arc::new(map) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_go() {
        let u = Url::parse("https://user:pw@example.com:80/a%20b?k=v").unwrap();
        assert_eq!(
            (u.scheme.as_str(), u.host.as_str(), u.hostname(), u.port()),
            ("https", "example.com:80", "example.com", "80")
        );
        assert_eq!((u.path.as_str(), u.query.as_str()), ("/a%20b", "k=v"));
        let v6 = Url::parse("https://[::1]:8443/").unwrap();
        assert_eq!((v6.hostname(), v6.port()), ("::1", "8443"));
        let path = Url::parse("/healthz").unwrap();
        assert_eq!((path.host.as_str(), path.path.as_str()), ("", "/healthz"));
        for bad in ["example.com", "1http://x", "https://[::1/", "a b", ""] {
            assert!(Url::parse(bad).is_err(), "{bad:?} parsed");
        }
    }
}
