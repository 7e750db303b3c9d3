//! The full output of `scaffold resource` for every spec of the matrix, reviewed and pinned.

mod common;

#[test]
fn every_spec_of_the_matrix() {
    for (index, (name, args)) in common::MATRIX.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        common::generate_case(dir.path(), index, name, args);
        let mut text = String::new();
        for (path, contents) in common::files(dir.path()) {
            text.push_str(&format!("==> {path} <==\n{contents}\n"));
        }
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("resource_{name}"), text);
        });
    }
}
