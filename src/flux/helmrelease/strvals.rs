//! Helm's `--set` syntax (`a.b[0].c=v,d={x,y}`), as helm-controller uses
//! it for a `valuesFrom` entry with `targetPath`: the grammar, typing and
//! errors of helm's `strvals` parser, writing into shared Go-like values
//! (see [`super::govalue`]).

use super::govalue::{GoList, GoMap, GoValue, new_map};
use serde_json::Value;
use std::cell::RefCell;
use std::rc::Rc;

const MAX_INDEX: i64 = 65536;
const MAX_NESTED_NAME_LEVEL: usize = 30;

/// Why parsing stopped: the end of the input (success) or an error.
enum Stop {
    Eof,
    Error(String),
}

type Step<T> = Result<T, Stop>;

fn error<T>(message: String) -> Step<T> {
    Err(Stop::Error(message))
}

/// Parses `line` into `data`; `as_strings` keeps every value a string
/// (helm's `ParseIntoString`).
pub(crate) fn parse_into(line: &str, data: &GoMap, as_strings: bool) -> Result<(), String> {
    let mut p = Parser {
        chars: line.chars().collect(),
        pos: 0,
        as_strings,
    };
    loop {
        match p.key(data, 0) {
            Ok(()) => continue,
            Err(Stop::Eof) => return Ok(()),
            Err(Stop::Error(e)) => return Err(e),
        }
    }
}

/// How `runes_until` ended.
enum Until {
    Stop(String, char),
    Eof(String),
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    as_strings: bool,
}

impl Parser {
    fn read(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn unread(&mut self) {
        self.pos = self.pos.saturating_sub(1);
    }

    fn runes_until(&mut self, stop: &[char]) -> Until {
        let mut v = String::new();
        loop {
            match self.read() {
                None => return Until::Eof(v),
                Some(c) if stop.contains(&c) => return Until::Stop(v, c),
                Some('\\') => match self.read() {
                    None => return Until::Eof(v),
                    Some(next) => v.push(next),
                },
                Some(c) => v.push(c),
            }
        }
    }

    fn typed(&self, text: &str) -> GoValue {
        GoValue::Scalar(if self.as_strings {
            Value::String(text.to_string())
        } else {
            typed_value(text)
        })
    }

    fn key(&mut self, data: &GoMap, level: usize) -> Step<()> {
        let (k, last) = match self.runes_until(&['=', '[', ',', '.']) {
            Until::Eof(k) if k.is_empty() => return Err(Stop::Eof),
            Until::Eof(k) => return error(format!("key {k:?} has no value")),
            Until::Stop(k, last) => (k, last),
        };
        match last {
            '[' => {
                let i = self.index()?;
                let list = match data.borrow().get(&k) {
                    None => Rc::new(RefCell::new(Vec::new())),
                    Some(GoValue::List(l)) => l.clone(),
                    Some(_) => return error(format!("unable to parse key: {k:?} is not a list")),
                };
                let (list, result) = self.list_item(list, i, level);
                set(data, &k, GoValue::List(list));
                result
            }
            '=' => match self.value_list() {
                Ok(list) => {
                    set(data, &k, list);
                    Ok(())
                }
                Err(ListEnd::Eof) => {
                    set(data, &k, GoValue::Scalar(Value::String(String::new())));
                    Err(Stop::Eof)
                }
                Err(ListEnd::NotList) => {
                    let text = self.value();
                    let v = self.typed(&text);
                    set(data, &k, v);
                    Ok(())
                }
                Err(ListEnd::Error(e)) => error(e),
            },
            ',' => {
                set(data, &k, GoValue::Scalar(Value::String(String::new())));
                error(format!("key {k:?} has no value (cannot end with ,)"))
            }
            _ => {
                let level = level + 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return error(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    ));
                }
                let inner = match data.borrow().get(&k) {
                    None => new_map(),
                    Some(GoValue::Map(m)) => m.clone(),
                    Some(_) => return error(format!("unable to parse key: {k:?} is not a map")),
                };
                let result = self.key(&inner, level);
                let empty = inner.borrow().is_empty();
                if result.is_ok() && empty {
                    return error(format!("key map {k:?} has no value"));
                }
                if !empty {
                    set(data, &k, GoValue::Map(inner));
                }
                result
            }
        }
    }

    /// After `[`: the index up to `]`.
    fn index(&mut self) -> Step<i64> {
        match self.runes_until(&[']']) {
            // helm wraps the end of input, so parsing just stops here.
            Until::Eof(_) => Err(Stop::Eof),
            Until::Stop(v, _) => v.parse::<i64>().or_else(|_| {
                error(format!(
                    "error parsing index: strconv.Atoi: parsing {v:?}: invalid syntax"
                ))
            }),
        }
    }

    /// After `name[i]`: what follows (`=v`, `[j]…`, `.key…`), written into
    /// element `i` of `list`. Returns the list to store (the same one when
    /// it was long enough, a longer copy otherwise) and how parsing went.
    fn list_item(&mut self, list: GoList, i: i64, level: usize) -> (GoList, Step<()>) {
        if i < 0 {
            return (list, error(format!("negative {i} index not allowed")));
        }
        let last = match self.runes_until(&['[', '.', '=']) {
            Until::Stop(k, _) | Until::Eof(k) if !k.is_empty() => {
                return (
                    list,
                    error(format!("unexpected data at end of array index: {k:?}")),
                );
            }
            Until::Eof(_) => return (list, Err(Stop::Eof)),
            Until::Stop(_, last) => last,
        };
        match last {
            '=' => {
                let v = match self.value_list() {
                    Ok(v) => v,
                    Err(ListEnd::Eof) => GoValue::Scalar(Value::String(String::new())),
                    Err(ListEnd::NotList) => {
                        let text = self.value();
                        self.typed(&text)
                    }
                    Err(ListEnd::Error(e)) => return (list, error(e)),
                };
                set_index(list, i, v)
            }
            '[' => {
                let next = match self.index() {
                    Ok(n) => n,
                    Err(e) => return (list, Err(e)),
                };
                let existing = list.borrow().get(i as usize).cloned();
                let current = match existing {
                    None | Some(GoValue::Scalar(Value::Null)) => Rc::new(RefCell::new(Vec::new())),
                    Some(GoValue::List(l)) => l,
                    Some(_) => {
                        return (
                            list,
                            error(format!("unable to parse key: element {i} is not a list")),
                        );
                    }
                };
                let (inner, result) = self.list_item(current, next, level);
                if let Err(e) = result {
                    return (list, Err(e));
                }
                set_index(list, i, GoValue::List(inner))
            }
            _ => {
                let existing = list.borrow().get(i as usize).cloned();
                let inner = match existing {
                    None => new_map(),
                    Some(GoValue::Map(m)) => m,
                    Some(_) => {
                        // Out-of-order indices: helm replaces the element
                        // in place.
                        let m = new_map();
                        list.borrow_mut()[i as usize] = GoValue::Map(m.clone());
                        m
                    }
                };
                if let Err(e) = self.key(&inner, level) {
                    return (list, Err(e));
                }
                set_index(list, i, GoValue::Map(inner))
            }
        }
    }

    /// `{a,b}` after `=`; NotList (nothing consumed) when it is not one.
    fn value_list(&mut self) -> Result<GoValue, ListEnd> {
        match self.read() {
            None => return Err(ListEnd::Eof),
            Some('{') => {}
            Some(_) => {
                self.unread();
                return Err(ListEnd::NotList);
            }
        }
        let mut items = Vec::new();
        loop {
            match self.runes_until(&[',', '}']) {
                Until::Eof(_) => return Err(ListEnd::Error("list must terminate with '}'".into())),
                Until::Stop(text, '}') => {
                    if let Some(c) = self.read()
                        && c != ','
                    {
                        self.unread();
                    }
                    items.push(self.typed(&text));
                    return Ok(GoValue::List(Rc::new(RefCell::new(items))));
                }
                Until::Stop(text, _) => items.push(self.typed(&text)),
            }
        }
    }

    /// A value up to `,` or the end.
    fn value(&mut self) -> String {
        match self.runes_until(&[',']) {
            Until::Stop(v, _) | Until::Eof(v) => v,
        }
    }
}

enum ListEnd {
    Eof,
    NotList,
    Error(String),
}

fn set(data: &GoMap, key: &str, value: GoValue) {
    if !key.is_empty() {
        data.borrow_mut().insert(key.to_string(), value);
    }
}

/// Element `index` of `list` set to `value`: in place when the list is
/// long enough (every holder of the list sees it), else in a longer copy
/// padded with nulls.
fn set_index(list: GoList, index: i64, value: GoValue) -> (GoList, Step<()>) {
    if index > MAX_INDEX {
        return (
            list,
            error(format!(
                "index of {index} is greater than maximum supported index of {MAX_INDEX}"
            )),
        );
    }
    let index = index as usize;
    let list = if list.borrow().len() <= index {
        let mut longer = list.borrow().clone();
        longer.resize(index + 1, GoValue::Scalar(Value::Null));
        Rc::new(RefCell::new(longer))
    } else {
        list
    };
    list.borrow_mut()[index] = value;
    (list, Ok(()))
}

/// helm's typing of a `--set` value: booleans and null (any case), `0`,
/// decimal integers not starting with `0`; anything else a string.
fn typed_value(text: &str) -> Value {
    if text.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if text.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if text.eq_ignore_ascii_case("null") {
        return Value::Null;
    }
    if text == "0" {
        return Value::from(0);
    }
    if !text.is_empty() && !text.starts_with('0') {
        let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
        if !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && let Ok(n) = text.parse::<i64>()
        {
            return Value::from(n);
        }
    }
    Value::String(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flux::helmrelease::govalue::map_to_json;
    use serde_json::json;

    fn parse(line: &str) -> Result<Value, String> {
        let data = new_map();
        parse_into(line, &data, false).map(|_| map_to_json(&data))
    }

    #[test]
    fn parses_helm_set_lines() {
        assert_eq!(
            parse("a.b=1,c=true,d=x").unwrap(),
            json!({"a": {"b": 1}, "c": true, "d": "x"})
        );
        assert_eq!(parse("l[1]=x").unwrap(), json!({"l": [null, "x"]}));
        assert_eq!(parse("l={a,0,007}").unwrap(), json!({"l": ["a", 0, "007"]}));
        assert_eq!(parse("a\\.b.c=v").unwrap(), json!({"a.b": {"c": "v"}}));
        assert_eq!(
            parse("t[0].n=x,t[0].m=y").unwrap(),
            json!({"t": [{"m": "y", "n": "x"}]})
        );
        assert_eq!(parse("m[0][1]=z").unwrap(), json!({"m": [[null, "z"]]}));
        assert_eq!(parse("e=").unwrap(), json!({"e": ""}));
        assert_eq!(
            parse("n=NULL,f=False,i=-12").unwrap(),
            json!({"n": null, "f": false, "i": -12})
        );
    }

    #[test]
    fn reports_helm_errors() {
        assert_eq!(parse("a").unwrap_err(), "key \"a\" has no value");
        assert_eq!(
            parse("a,b=1").unwrap_err(),
            "key \"a\" has no value (cannot end with ,)"
        );
        assert_eq!(parse("a.=1").unwrap_err(), "key map \"a\" has no value");
        assert!(parse("l[x]=1").unwrap_err().contains("error parsing index"));
        assert_eq!(
            parse("l[-1]=1").unwrap_err(),
            "negative -1 index not allowed"
        );
        assert_eq!(parse("l={a,b").unwrap_err(), "list must terminate with '}'");
        assert!(parse("a=1,a.b=2").unwrap_err().contains("is not a map"));
        assert_eq!(
            parse("kafka.brokers=k1.net:9092,k2.net:9092,k3.net:9092").unwrap_err(),
            "key \"net:9092\" has no value (cannot end with ,)"
        );
    }

    #[test]
    fn string_mode_keeps_text() {
        let data = new_map();
        parse_into("a=true,b=12", &data, true).unwrap();
        assert_eq!(map_to_json(&data), json!({"a": "true", "b": "12"}));
    }
}
