//! Objects back to text, as kubectl and kustomize print them.

use serde_json::Value;

/// The objects as a YAML stream: documents separated by `---` lines, keys in
/// their original order, 2-space indentation, sequences not indented under
/// their key (`containers:\n- name: x`), multi-line strings as `|` blocks.
pub fn to_yaml_stream(objects: &[Value]) -> String {
    objects
        .iter()
        .map(|obj| {
            serde_yaml::to_string(obj)
                .or_else(|_| serde_json::to_string(obj).map(|j| j + "\n"))
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("---\n")
}
