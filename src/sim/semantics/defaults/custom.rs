//! Custom resources: fields outside the structural schema are pruned and
//! schema defaults are filled in wherever their parent object exists.

use super::super::KindInfo;
use super::super::schema::Shape;
use super::super::unknown::prune_unknown;
use serde_json::Value;

/// Prunes unknown fields and applies the schema defaults.
pub fn default_custom(kind: &KindInfo, obj: &mut Value) {
    prune_unknown(&Shape::root(kind), obj);
    if let Some(schema) = kind.schema {
        apply_schema_defaults(schema, obj, true);
    }
}

fn apply_schema_defaults(schema: &Value, v: &mut Value, root: bool) {
    match v {
        Value::Object(m) => {
            let Some(props) = schema.get("properties").and_then(Value::as_object) else {
                return;
            };
            for (name, prop) in props {
                if root && name == "metadata" {
                    continue;
                }
                if !m.contains_key(name)
                    && let Some(d) = prop.get("default")
                {
                    m.insert(name.clone(), d.clone());
                }
                if let Some(child) = m.get_mut(name) {
                    apply_schema_defaults(prop, child, false);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for item in items {
                    apply_schema_defaults(item_schema, item, false);
                }
            }
        }
        _ => {}
    }
}
