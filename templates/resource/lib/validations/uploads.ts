
/**
 * The files of {{ singular | indefinite }}: each field's bucket and limits, which Storage enforces on the bytes.
 * A file field holds the path of its object, `<folder>/<uuid>`.
 */
export const {{ uploads.map }} = {
{% for f in uploads.entries %}
  {{ f.key }}: {
    bucket: "{{ f.bucket }}",
    maxBytes: {{ f.max_bytes }},
{{ f.accept_lines }}
  },
{% endfor %}
} as const satisfies Record<string, FileLimits>;

/** {{ singular | indefinite | capitalize }} as reads return it: with a short-lived signed URL for each file, or null. */
export type {{ types.read_row }} = {{ types.row }} & {
  signedUrls: Record<keyof typeof {{ uploads.map }}, string | null>;
};

/** A file to upload for {{ singular | indefinite }}: its field, size and media type. */
export const {{ uploads.schema }} = z.discriminatedUnion("field", [
{% for f in uploads.entries %}
{{ f.input_line }}
{% endfor %}
]);

{{ ts_alias("export type " ~ uploads.input, "z.input", "typeof " ~ uploads.schema) }}
