use super::*;

const KUSTOMIZATION: &str = "\
# staging overlay: keep in step with prod
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base   # shared
images:
  # the web front end
  - name: ghcr.io/acme/web
    newTag: \"1.4.1\"   # bumped by promotion
  - name: redis
    newName: mirror.acme.io/redis
    newTag: '7.2'
    digest: sha256:1111
  - {name: ghcr.io/acme/api, newTag: 2.0.0}
";

fn images(i: usize, key: &'static str) -> [Seg<'static>; 3] {
    [Seg::Key("images"), Seg::Index(i), Seg::Key(key)]
}

#[test]
fn set_keeps_quotes_comments_and_the_rest_of_the_file() {
    let out = set_scalar(KUSTOMIZATION, &images(0, "newTag"), "1.5.0").unwrap();
    assert_eq!(
        out,
        KUSTOMIZATION.replace("newTag: \"1.4.1\"   #", "newTag: \"1.5.0\"   #")
    );
    let out = set_scalar(KUSTOMIZATION, &images(1, "newTag"), "7.4").unwrap();
    assert_eq!(out, KUSTOMIZATION.replace("'7.2'", "'7.4'"));
    let out = set_scalar(KUSTOMIZATION, &images(2, "newTag"), "2.1.0").unwrap();
    assert_eq!(
        out,
        KUSTOMIZATION.replace("newTag: 2.0.0}", "newTag: 2.1.0}")
    );
}

#[test]
fn a_plain_value_that_would_read_as_a_number_gets_quotes() {
    let out = set_scalar(KUSTOMIZATION, &images(2, "newTag"), "2.10").unwrap();
    assert_eq!(
        out,
        KUSTOMIZATION.replace("newTag: 2.0.0}", "newTag: \"2.10\"}")
    );
}

#[test]
fn insert_follows_the_mapping_it_extends() {
    let out = insert_entry(
        KUSTOMIZATION,
        &[Seg::Key("images"), Seg::Index(0)],
        "digest",
        "sha256:2222",
    )
    .unwrap();
    assert_eq!(
        out,
        KUSTOMIZATION.replace(
            "# bumped by promotion\n",
            "# bumped by promotion\n    digest: sha256:2222\n"
        )
    );
    let out = insert_entry(
        KUSTOMIZATION,
        &[Seg::Key("images"), Seg::Index(2)],
        "digest",
        "sha256:3",
    )
    .unwrap();
    assert_eq!(
        out,
        KUSTOMIZATION.replace("newTag: 2.0.0}", "newTag: 2.0.0, digest: sha256:3}")
    );
}

#[test]
fn remove_takes_the_whole_line_or_the_flow_entry() {
    let out = remove_entry(
        KUSTOMIZATION,
        &[Seg::Key("images"), Seg::Index(1)],
        "digest",
    )
    .unwrap();
    assert_eq!(out, KUSTOMIZATION.replace("    digest: sha256:1111\n", ""));
    let out = remove_entry(
        KUSTOMIZATION,
        &[Seg::Key("images"), Seg::Index(2)],
        "newTag",
    )
    .unwrap();
    assert_eq!(
        out,
        KUSTOMIZATION.replace(
            "{name: ghcr.io/acme/api, newTag: 2.0.0}",
            "{name: ghcr.io/acme/api}"
        )
    );
    // The first entry of an item hands its dash to the next one.
    let out = remove_entry(KUSTOMIZATION, &[Seg::Key("images"), Seg::Index(1)], "name").unwrap();
    assert_eq!(
        out,
        KUSTOMIZATION.replace("  - name: redis\n    newName:", "  - newName:")
    );
}

#[test]
fn append_writes_items_like_their_neighbours() {
    let entries = [
        ("name", "ghcr.io/acme/ui".to_string()),
        ("newTag", "\"3\"".to_string()),
    ];
    let out = append_item(KUSTOMIZATION, &[Seg::Key("images")], &entries).unwrap();
    assert_eq!(
        out,
        format!("{KUSTOMIZATION}  - name: ghcr.io/acme/ui\n    newTag: \"3\"\n")
    );
    let flow = "images: [{name: a, newTag: b}]  # list\n";
    let out = append_item(flow, &[Seg::Key("images")], &entries).unwrap();
    assert_eq!(
        out,
        "images: [{name: a, newTag: b}, {name: ghcr.io/acme/ui, newTag: \"3\"}]  # list\n"
    );
    let bare = "resources:\n- deployment.yaml";
    let out = append_root_list(bare, "images", &entries).unwrap();
    assert_eq!(
        out,
        "resources:\n- deployment.yaml\nimages:\n- name: ghcr.io/acme/ui\n  newTag: \"3\"\n"
    );
}

#[test]
fn values_copy_with_their_type() {
    let values = "image:\n  repository: ghcr.io/acme/web  # where\n  tag: 1.4.1\nreplicas: 2\n";
    let out = replace_scalar_raw(values, &[Seg::Key("replicas")], "3").unwrap();
    assert_eq!(out, values.replace("replicas: 2", "replicas: 3"));
    let out = insert_entry(values, &[Seg::Key("image")], "pullPolicy", "Always").unwrap();
    assert_eq!(
        out,
        values.replace("tag: 1.4.1\n", "tag: 1.4.1\n  pullPolicy: Always\n")
    );
}

#[test]
fn what_cannot_be_edited_is_named() {
    let text = "a: |\n  block\nb: {c: 1}\n";
    let err = |path: &[Seg<'_>]| set_scalar(text, path, "v").unwrap_err().to_string();
    assert_eq!(
        err(&[Seg::Key("a")]),
        "a is a block scalar (| or >), which tether does not edit"
    );
    assert_eq!(
        err(&[Seg::Key("b")]),
        "b is a mapping or list, not a single value"
    );
    assert_eq!(err(&[Seg::Key("z"), Seg::Index(0)]), "z[0] is not set");
    assert!(set_scalar("a: [", &[Seg::Key("a")], "v").is_err());
    assert_eq!(
        set_scalar("", &[Seg::Key("a")], "v")
            .unwrap_err()
            .to_string(),
        "the file holds no YAML document"
    );
}

#[test]
fn multibyte_text_before_the_value_is_kept() {
    let text = "# café ☕\nnote: \"crème\"\ntag: v1 # ✓\n";
    let out = set_scalar(text, &[Seg::Key("tag")], "v2").unwrap();
    assert_eq!(out, "# café ☕\nnote: \"crème\"\ntag: v2 # ✓\n");
}
