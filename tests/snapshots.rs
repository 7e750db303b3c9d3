//! The full output of `scaffold resource` for every spec of the matrix, reviewed and pinned.

mod common;

/// The matrix is generated in order into one project, as an app would be (a ref needs the
/// resource it points at generated first); each snapshot holds the files its spec added.
#[test]
fn every_spec_of_the_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for (index, (name, args)) in common::MATRIX.iter().enumerate() {
        common::generate_case(dir.path(), index, name, args);
        let mut text = String::new();
        // The manifest only hashes these files: pinning it would pin nothing more.
        for (path, contents) in common::files(dir.path()) {
            if !path.starts_with(".scaffold/") && seen.insert(path.clone()) {
                text.push_str(&format!("==> {path} <==\n{contents}\n"));
            }
        }
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("resource_{name}"), text);
        });
    }
}
