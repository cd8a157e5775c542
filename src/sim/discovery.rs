//! Discovery documents: /version, /api, /apis, group and group/version
//! resource lists, and the /openapi/v3 index.

use serde_json::{Value, json};

use super::apierror::ApiError;
use super::handler::Reply;
use super::registry::Registry;

/// `/version`.
pub(crate) fn version(reg: &Registry) -> Reply {
    Reply::Json(200, reg.data.get("version").cloned().unwrap_or_default())
}

/// `/api`.
pub(crate) fn api(reg: &Registry) -> Reply {
    Reply::Json(200, reg.data.get("api").cloned().unwrap_or_default())
}

/// `/apis` (also for aggregated-discovery Accept headers, as 1.24 does).
pub(crate) fn apis(reg: &Registry) -> Reply {
    Reply::Json(
        200,
        json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": reg.groups_json()}),
    )
}

/// `/apis/<group>`.
pub(crate) fn group(reg: &Registry, name: &str) -> Reply {
    match reg
        .groups_json()
        .into_iter()
        .find(|g| g.get("name").and_then(Value::as_str) == Some(name))
    {
        Some(g) => Reply::Json(
            200,
            json!({
                "kind": "APIGroup",
                "apiVersion": "v1",
                "name": name,
                "versions": g.get("versions").cloned().unwrap_or_default(),
                "preferredVersion": g.get("preferredVersion").cloned().unwrap_or_default(),
            }),
        ),
        None => Reply::error(&ApiError::page_not_found()),
    }
}

/// `/api/v1` and `/apis/<group>/<version>`.
pub(crate) fn group_version(reg: &Registry, group: &str, version: &str) -> Reply {
    let known = if group.is_empty() {
        version == "v1"
    } else {
        reg.serves_version(group, version)
    };
    if !known {
        return Reply::error(&ApiError::page_not_found());
    }
    let resources = reg.resources_json(group, version);
    if group.is_empty() {
        return Reply::Json(
            200,
            json!({"kind": "APIResourceList", "groupVersion": version, "resources": resources}),
        );
    }
    Reply::Json(
        200,
        json!({
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": format!("{group}/{version}"),
            "resources": resources,
        }),
    )
}

/// `/openapi/v3`: the recorded index plus served CRD group versions, and a
/// minimal document per group version (paths with their GVK and the
/// `fieldValidation` parameter, so kubectl leaves validation to the server).
pub(crate) fn openapi_v3(reg: &Registry, rest: &str) -> Reply {
    if rest.is_empty() {
        let mut body = reg
            .data
            .get("openapi_v3")
            .cloned()
            .unwrap_or_else(|| json!({"paths": {}}));
        for t in reg.all().iter().filter(|t| t.is_custom()) {
            let key = format!("apis/{}/{}", t.group, t.version);
            if let Some(paths) = body.get_mut("paths").and_then(Value::as_object_mut) {
                paths.insert(
                    key.clone(),
                    json!({"serverRelativeURL": format!("/openapi/v3/{key}?hash=0")}),
                );
            }
        }
        return Reply::Text(200, body.to_string(), "text/plain; charset=utf-8");
    }
    let (group, version) = match rest.split('/').collect::<Vec<_>>().as_slice() {
        ["api", v] => (String::new(), (*v).to_string()),
        ["apis", g, v] => ((*g).to_string(), (*v).to_string()),
        _ => return Reply::error(&ApiError::page_not_found()),
    };
    let types: Vec<_> = reg
        .all()
        .iter()
        .filter(|t| t.group == group && t.version == version)
        .collect();
    if types.is_empty() {
        return Reply::error(&ApiError::page_not_found());
    }
    let mut paths = serde_json::Map::new();
    for t in types {
        let prefix = if group.is_empty() {
            format!("/api/{version}")
        } else {
            format!("/apis/{group}/{version}")
        };
        let scope = if t.namespaced {
            "/namespaces/{namespace}"
        } else {
            ""
        };
        let gvk = json!({"group": group, "version": version, "kind": t.kind});
        let op = json!({"x-kubernetes-group-version-kind": gvk, "responses": {}});
        paths.insert(
            format!("{prefix}{scope}/{}/{{name}}", t.plural),
            json!({"get": op, "put": op, "patch": op, "delete": op, "parameters": [
                {"name": "fieldValidation", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
                {"name": "name", "in": "path", "required": true, "schema": {"type": "string"}},
            ]}),
        );
    }
    let doc = json!({"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.24.0"}, "paths": paths, "components": {"schemas": {}}});
    Reply::Json(200, doc)
}

/// `/openapi/v2`: an empty protobuf Document (no definitions), so kubectl's
/// client-side validation finds no schema and leaves validation to the server.
pub(crate) fn openapi_v2() -> Reply {
    Reply::Text(
        200,
        String::new(),
        "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
    )
}
