use super::*;
use serde_json::json;

#[test]
fn annotation_method_sets_the_id_with_the_destination_namespace() {
    let mut cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}});
    set_tracking(&mut cm, "my-app", "default", &TrackingSettings::default()).unwrap();
    assert_eq!(
        cm["metadata"]["annotations"][TRACKING_ID_ANNOTATION],
        "my-app:/ConfigMap:default/cm"
    );
    assert!(cm["metadata"].get("labels").is_none());
    assert_eq!(
        tracked_app(&cm, &TrackingSettings::default()).as_deref(),
        Some("my-app")
    );
}

#[test]
fn crds_are_not_tracked() {
    let mut crd = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                         "metadata": {"name": "x.example.com"}});
    let before = crd.clone();
    set_tracking(&mut crd, "a", "ns", &TrackingSettings::default()).unwrap();
    assert_eq!(crd, before);
}

#[test]
fn label_method_keeps_long_names_and_annotation_label_truncates() {
    let long = "a".repeat(70);
    let mut label = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}});
    let settings = TrackingSettings {
        method: TrackingMethod::Label,
        ..Default::default()
    };
    set_tracking(&mut label, &long, "ns", &settings).unwrap();
    assert_eq!(
        label["metadata"]["labels"][DEFAULT_INSTANCE_LABEL_KEY],
        long.as_str()
    );
    assert!(label["metadata"].get("annotations").is_none());

    let mut both =
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "namespace": "x"}});
    let settings = TrackingSettings {
        method: TrackingMethod::AnnotationAndLabel,
        instance_label_key: "team/app".into(),
        installation_id: Some("prod".into()),
    };
    set_tracking(
        &mut both,
        &format!("{}-{}", "b".repeat(62), "c"),
        "ns",
        &settings,
    )
    .unwrap();
    assert_eq!(
        both["metadata"]["labels"]["team/app"],
        "b".repeat(62).as_str()
    );
    assert_eq!(
        both["metadata"]["annotations"][INSTALLATION_ID_ANNOTATION],
        "prod"
    );
    assert!(
        both["metadata"]["annotations"][TRACKING_ID_ANNOTATION]
            .as_str()
            .unwrap()
            .ends_with(":/Service:x/s")
    );
    let other_installation = TrackingSettings {
        installation_id: Some("staging".into()),
        ..settings
    };
    assert_eq!(tracked_app(&both, &other_installation), None);
}

#[test]
fn truncation_drops_trailing_special_characters() {
    let value = format!("{}-._x", "a".repeat(60));
    assert_eq!(truncate_label(&value).unwrap(), "a".repeat(60));
    assert!(truncate_label(&"-".repeat(64)).is_err());
}

#[test]
fn legacy_key_labels_pod_templates() {
    let mut d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
                       "spec": {"template": {"spec": {}}}});
    let settings = TrackingSettings {
        method: TrackingMethod::Label,
        instance_label_key: LEGACY_INSTANCE_LABEL_KEY.into(),
        installation_id: None,
    };
    set_tracking(&mut d, "web", "ns", &settings).unwrap();
    assert_eq!(
        d["spec"]["template"]["metadata"]["labels"][LEGACY_INSTANCE_LABEL_KEY],
        "web"
    );
}

#[test]
fn bad_ids_are_errors() {
    for bad in [
        "app",
        "app:/Kind",
        "app:Kind:ns/name",
        "app:g/Kind:name",
        "a:g/k/x:ns/n",
    ] {
        assert!(TrackingId::parse(bad).is_err(), "{bad}");
    }
    assert!(TrackingMethod::parse("labels").is_err());
}
