//! What a migration creates in Supabase Storage: buckets, with the limits Storage enforces when
//! the bytes of an upload arrive. (The policies on `storage.objects` are [`super::Policy`]
//! values like any table's.)

use serde::{Serialize, Serializer};

use crate::render::sql_string;

/// Storage's longest bucket name (`isValidBucketName` and the bucket name trigger).
pub const MAX_BUCKET_ID_CHARS: usize = 100;

/// `storage.objects` as policies and statements name it.
pub const OBJECTS_SQL: &str = "storage.objects";

/// One private bucket: its objects are served only through signed URLs, to whoever the
/// `storage.objects` policies let read them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// Its id and name: `notes.avatar`.
    pub id: String,
    /// `file_size_limit`, in bytes.
    pub file_size_limit: u64,
    /// `allowed_mime_types`: `image/png`, `image/*`.
    pub allowed_mime_types: Vec<String>,
    /// The column of the table whose rows name its objects, a SQL identifier.
    pub column_sql: String,
    /// The same column as written in prose and TypeScript.
    pub column: String,
}

impl Bucket {
    /// `array['image/png', 'image/jpeg']`
    pub fn allowed_mime_types_sql(&self) -> String {
        let types: Vec<String> = self
            .allowed_mime_types
            .iter()
            .map(|t| sql_string(t))
            .collect();
        format!("array[{}]", types.join(", "))
    }

    /// `bucket_id = 'notes.avatar'`: the condition that an object is in this bucket.
    pub fn holds(&self) -> String {
        format!("bucket_id = {}", sql_string(&self.id))
    }
}

/// `bucket_id = 'a'` or `bucket_id in ('a', 'b')`: an object is in one of `buckets`.
pub fn in_buckets(buckets: &[Bucket]) -> String {
    match buckets {
        [one] => one.holds(),
        many => {
            let ids: Vec<String> = many.iter().map(|b| sql_string(&b.id)).collect();
            format!("bucket_id in ({})", ids.join(", "))
        }
    }
}

impl Serialize for Bucket {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct View<'a> {
            id: &'a str,
            id_sql: String,
            file_size_limit: u64,
            allowed_mime_types: &'a [String],
            allowed_mime_types_sql: String,
            column_sql: &'a str,
            column: &'a str,
        }
        View {
            id: &self.id,
            id_sql: sql_string(&self.id),
            file_size_limit: self.file_size_limit,
            allowed_mime_types: &self.allowed_mime_types,
            allowed_mime_types_sql: self.allowed_mime_types_sql(),
            column_sql: &self.column_sql,
            column: &self.column,
        }
        .serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(id: &str, types: &[&str]) -> Bucket {
        Bucket {
            id: id.into(),
            file_size_limit: 5_000_000,
            allowed_mime_types: types.iter().map(|t| t.to_string()).collect(),
            column_sql: "avatar".into(),
            column: "avatar".into(),
        }
    }

    #[test]
    fn buckets_are_written_as_sql() {
        let avatar = bucket("notes.avatar", &["image/png", "image/*"]);
        assert_eq!(
            avatar.allowed_mime_types_sql(),
            "array['image/png', 'image/*']"
        );
        assert_eq!(
            in_buckets(std::slice::from_ref(&avatar)),
            "bucket_id = 'notes.avatar'"
        );
        assert_eq!(
            in_buckets(&[avatar, bucket("notes.scan", &["application/pdf"])]),
            "bucket_id in ('notes.avatar', 'notes.scan')"
        );
    }
}
