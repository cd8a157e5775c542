//! `variables`: the policy's named expressions as one CEL value. Each is
//! evaluated once per request, in order; one that fails is an error only
//! where an expression reads it (as the API server evaluates them lazily).

use cel::ExecutionError;
use cel::common::traits::Indexer;
use cel::common::types::{CelString, MAP_TYPE, Type};
use cel::common::value::{CowVal, Val};
use std::collections::BTreeMap;

/// The values (or errors) of the variables evaluated so far.
#[derive(Debug, Default)]
pub struct Variables {
    values: BTreeMap<String, Result<Box<dyn Val>, String>>,
}

impl Variables {
    /// Records the outcome of variable `name`.
    pub fn insert(&mut self, name: &str, value: Result<Box<dyn Val>, String>) {
        self.values.insert(name.to_string(), value);
    }
}

impl Val for Variables {
    fn get_type(&self) -> &Type {
        &MAP_TYPE
    }

    fn cel_type() -> &'static Type {
        &MAP_TYPE
    }

    fn as_indexer<'b, 'v>(&'b self) -> Option<&'b (dyn Indexer + 'v)>
    where
        Self: 'v,
    {
        Some(self)
    }

    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v> {
        let values = self
            .values
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    Ok(val) => Ok(val.clone_as_boxed()),
                    Err(e) => Err(e.clone()),
                };
                (k.clone(), v)
            })
            .collect();
        Box::new(Variables { values })
    }
}

impl Indexer for Variables {
    fn get<'b, 'v>(&'b self, idx: &dyn Val) -> Result<CowVal<'b, 'v>, ExecutionError>
    where
        Self: 'v,
    {
        let name = idx
            .downcast_ref::<CelString>()
            .map(CelString::inner)
            .unwrap_or_default();
        match self.values.get(name) {
            Some(Ok(value)) => Ok(CowVal::Borrowed(value.as_ref())),
            Some(Err(e)) => Err(ExecutionError::function_error(
                &format!("variables.{name}"),
                e,
            )),
            None => Err(ExecutionError::no_such_key(name)),
        }
    }

    fn steal<'v>(self: Box<Self>, idx: &dyn Val) -> Result<Box<dyn Val + 'v>, ExecutionError>
    where
        Self: 'v,
    {
        self.get(idx).map(CowVal::into_owned)
    }
}
