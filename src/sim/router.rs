//! Request path parsing: discovery endpoints versus resource paths.

/// A resource path, before the registry lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResourcePath {
    pub group: String,
    pub version: String,
    pub namespace: Option<String>,
    pub plural: String,
    pub name: Option<String>,
    pub subresource: Option<String>,
}

/// What a path addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    Version,
    Api,
    Apis,
    Group(String),
    GroupVersion(String, String),
    OpenApiV3(String),
    OpenApiV2,
    Healthz,
    Resource(ResourcePath),
    NotFound,
}

/// Parses a URL path (without query).
pub(crate) fn route(path: &str) -> Route {
    let segs: Vec<&str> = path
        .trim_end_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    match segs.as_slice() {
        ["version"] => Route::Version,
        ["healthz"] | ["livez"] | ["readyz"] => Route::Healthz,
        ["api"] => Route::Api,
        ["api", v] => Route::GroupVersion(String::new(), (*v).to_string()),
        ["api", v, rest @ ..] => resource(String::new(), v, rest),
        ["apis"] => Route::Apis,
        ["apis", g] => Route::Group((*g).to_string()),
        ["apis", g, v] => Route::GroupVersion((*g).to_string(), (*v).to_string()),
        ["apis", g, v, rest @ ..] => resource((*g).to_string(), v, rest),
        ["openapi", "v3", rest @ ..] => Route::OpenApiV3(rest.join("/")),
        ["openapi", "v2"] => Route::OpenApiV2,
        _ => Route::NotFound,
    }
}

fn resource(group: String, version: &str, rest: &[&str]) -> Route {
    let mk = |namespace: Option<&str>, plural: &str, name: Option<&str>, sub: Option<&str>| {
        Route::Resource(ResourcePath {
            group: group.clone(),
            version: version.to_string(),
            namespace: namespace.map(str::to_string),
            plural: plural.to_string(),
            name: name.map(str::to_string),
            subresource: sub.map(str::to_string),
        })
    };
    match rest {
        ["namespaces", ns, plural, name, sub] => mk(Some(ns), plural, Some(name), Some(sub)),
        ["namespaces", ns, plural, name] => mk(Some(ns), plural, Some(name), None),
        ["namespaces", ns, sub @ ("status" | "finalize")] => {
            mk(None, "namespaces", Some(ns), Some(sub))
        }
        ["namespaces", ns, plural] => mk(Some(ns), plural, None, None),
        [plural, name, sub] => mk(None, plural, Some(name), Some(sub)),
        [plural, name] => mk(None, plural, Some(name), None),
        [plural] => mk(None, plural, None, None),
        _ => Route::NotFound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(path: &str) -> ResourcePath {
        match route(path) {
            Route::Resource(r) => r,
            other => panic!("{path} routed to {other:?}"),
        }
    }

    #[test]
    fn discovery_paths() {
        assert_eq!(route("/version"), Route::Version);
        assert_eq!(route("/api"), Route::Api);
        assert_eq!(
            route("/api/v1"),
            Route::GroupVersion(String::new(), "v1".into())
        );
        assert_eq!(route("/apis/apps"), Route::Group("apps".into()));
        assert_eq!(
            route("/apis/apps/v1/"),
            Route::GroupVersion("apps".into(), "v1".into())
        );
        assert_eq!(route("/openapi/v3"), Route::OpenApiV3(String::new()));
        assert_eq!(route("/nope"), Route::NotFound);
    }

    #[test]
    fn namespaced_and_cluster_paths() {
        let r = res("/apis/apps/v1/namespaces/golden/deployments/web/scale");
        assert_eq!(
            (r.namespace.as_deref(), r.plural.as_str()),
            (Some("golden"), "deployments")
        );
        assert_eq!(
            (r.name.as_deref(), r.subresource.as_deref()),
            (Some("web"), Some("scale"))
        );
        let ns = res("/api/v1/namespaces/golden");
        assert_eq!(
            (ns.namespace, ns.plural.as_str(), ns.name.as_deref()),
            (None, "namespaces", Some("golden"))
        );
        let st = res("/api/v1/namespaces/golden/status");
        assert_eq!(
            (st.plural.as_str(), st.subresource.as_deref()),
            ("namespaces", Some("status"))
        );
        let list = res("/api/v1/namespaces/golden/pods");
        assert_eq!(
            (list.namespace.as_deref(), list.name),
            (Some("golden"), None)
        );
        let all = res("/apis/apps/v1/deployments");
        assert_eq!((all.namespace, all.plural.as_str()), (None, "deployments"));
    }
}
