//! The full output of `scaffold resource` for every spec of the matrix, reviewed and pinned.

mod common;

#[test]
fn every_spec_of_the_matrix() {
    for (index, (name, args)) in common::MATRIX.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        common::generate_case(dir.path(), index, name, args);
        let mut text = String::new();
        // The manifest only hashes these files: pinning it would pin nothing more.
        let files = common::files(dir.path());
        for (path, contents) in files.iter().filter(|(p, _)| !p.starts_with(".scaffold/")) {
            text.push_str(&format!("==> {path} <==\n{contents}\n"));
        }
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("resource_{name}"), text);
        });
    }
}
