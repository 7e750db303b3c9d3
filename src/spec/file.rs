//! What a `file` field accepts: its largest size (`max=5mb`) and its media types
//! (`accept=image/png,image/jpeg`). They become its bucket's `file_size_limit` and
//! `allowed_mime_types`, which Supabase Storage enforces when the bytes arrive, and the upload
//! action's checks before it signs an upload URL.

use std::fmt;

/// The largest size JavaScript compares exactly (`Number.MAX_SAFE_INTEGER`): the upload
/// action's schema checks sizes as numbers.
pub const MAX_SIZE_BYTES: u64 = (1 << 53) - 1;

/// IANA's top-level media types (RFC 6838 and its registry): a typo in the type would otherwise
/// make a bucket refuse every upload.
pub const TOP_LEVEL_TYPES: &[&str] = &[
    "application",
    "audio",
    "font",
    "haptics",
    "image",
    "message",
    "model",
    "multipart",
    "text",
    "video",
];

/// A size as written: a whole number and a unit. Units are decimal, as Supabase Storage's API
/// reads them (`parseFileSizeToBytes`: a kb is 1000 bytes, an mb 1000 kb).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    amount: u64,
    unit: SizeUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeUnit {
    B,
    Kb,
    Mb,
    Gb,
}

impl SizeUnit {
    const ALL: [SizeUnit; 4] = [SizeUnit::Gb, SizeUnit::Mb, SizeUnit::Kb, SizeUnit::B];

    fn token(self) -> &'static str {
        match self {
            SizeUnit::B => "b",
            SizeUnit::Kb => "kb",
            SizeUnit::Mb => "mb",
            SizeUnit::Gb => "gb",
        }
    }

    fn bytes(self) -> u64 {
        match self {
            SizeUnit::B => 1,
            SizeUnit::Kb => 1_000,
            SizeUnit::Mb => 1_000_000,
            SizeUnit::Gb => 1_000_000_000,
        }
    }
}

impl Size {
    /// The size in bytes: what the bucket's `file_size_limit` holds.
    pub fn bytes(self) -> u64 {
        self.amount * self.unit.bytes()
    }

    /// Parses `5mb`, `500kb`, `1gb` or `1024b`.
    pub fn parse(text: &str) -> Result<Size, String> {
        let unit = SizeUnit::ALL
            .into_iter()
            .find(|unit| {
                text.strip_suffix(unit.token())
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            })
            .ok_or_else(|| {
                format!("`max={text}`: a file's size is a whole number and a unit (b, kb, mb or gb; 1 kb = 1000 bytes, as Supabase Storage counts), e.g. max=5mb")
            })?;
        let digits = &text[..text.len() - unit.token().len()];
        let size = digits
            .parse::<u64>()
            .ok()
            .map(|amount| Size { amount, unit })
            .filter(|size| {
                size.amount
                    .checked_mul(unit.bytes())
                    .is_some_and(|b| (1..=MAX_SIZE_BYTES).contains(&b))
            });
        size.ok_or_else(|| {
            format!("`max={text}`: a file's size is from 1 byte to {MAX_SIZE_BYTES} bytes")
        })
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.unit.token())
    }
}

/// A media type an upload may have: `image/png`, or any subtype of one type, `image/*` (the
/// forms Storage's `validateMimeType` matches). Lower case only: Storage compares them exactly,
/// and browsers report a file's type in lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaType {
    pub top: String,
    /// `None` for `*`.
    pub sub: Option<String>,
}

impl MediaType {
    fn parse(text: &str) -> Result<MediaType, String> {
        let shape = "a media type is `type/subtype` or `type/*` in lower case, e.g. image/png";
        let (top, sub) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not a media type: {shape}"))?;
        if !TOP_LEVEL_TYPES.contains(&top) {
            return Err(format!(
                "`{text}`: `{top}` is not a top-level media type; types: {}",
                TOP_LEVEL_TYPES.join(", ")
            ));
        }
        if sub == "*" {
            return Ok(MediaType {
                top: top.into(),
                sub: None,
            });
        }
        // RFC 6838's restricted-name, in lower case.
        let well_formed = sub.len() <= 127
            && sub
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            && sub
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$&^_.+-".contains(&b));
        if !well_formed {
            return Err(format!("`{text}` is not a media type: {shape}"));
        }
        Ok(MediaType {
            top: top.into(),
            sub: Some(sub.into()),
        })
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.top, self.sub.as_deref().unwrap_or("*"))
    }
}

/// Parses `accept=`'s comma-separated media types.
pub fn parse_accept(list: &str) -> Result<Vec<MediaType>, String> {
    let mut types: Vec<MediaType> = Vec::new();
    for text in list.split(',') {
        let media_type = MediaType::parse(text).map_err(|why| format!("`accept={list}`: {why}"))?;
        if types.contains(&media_type) {
            return Err(format!("`accept={list}`: `{text}` is listed twice"));
        }
        types.push(media_type);
    }
    Ok(types)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_decimal_bytes_as_storage_counts_them() {
        let cases: &[(&str, u64)] = &[
            ("1b", 1),
            ("1024b", 1024),
            ("500kb", 500_000),
            ("5mb", 5_000_000),
            ("2gb", 2_000_000_000),
        ];
        for (text, bytes) in cases {
            let size = Size::parse(text).unwrap();
            assert_eq!((size.bytes(), size.to_string().as_str()), (*bytes, *text));
        }
        for bad in [
            "5",
            "mb",
            "5MB",
            "5 mb",
            "1.5mb",
            "-1mb",
            "0mb",
            "5tb",
            "9999999999gb",
        ] {
            assert!(Size::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn media_types_are_exact_or_a_whole_type() {
        let types =
            parse_accept("image/png,image/*,application/vnd.ms-excel,image/svg+xml").unwrap();
        let shown: Vec<String> = types.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "image/png",
                "image/*",
                "application/vnd.ms-excel",
                "image/svg+xml"
            ]
        );
        let cases: &[(&str, &str)] = &[
            ("image", "`image` is not a media type"),
            ("imag/png", "`imag` is not a top-level media type"),
            ("image/PNG", "`image/PNG` is not a media type"),
            ("*/*", "`*` is not a top-level media type"),
            ("image/", "`image/` is not a media type"),
            ("image/png,image/png", "`image/png` is listed twice"),
            ("image/png,", "`` is not a media type"),
        ];
        for (list, want) in cases {
            let err = parse_accept(list).unwrap_err();
            assert!(err.contains(want), "{list}: {err}");
        }
    }
}
