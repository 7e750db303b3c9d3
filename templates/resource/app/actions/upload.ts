{% if access.kind == "workspace" %}
{% set scope = "workspaceId" %}
{% elif access.kind == "tenant-root" %}
{% set scope = "id" %}
{% else %}
{% set scope = "" %}
{% endif %}

/**
 * Signs a URL to upload a file of {{ singular | indefinite }} to. The browser sends the
 * bytes straight to Storage (`uploadToSignedUrl`), which holds them to the field's limits,
 * then submits `path` as the field's value: a generated name, never the file's own.
 */
{{ ts_signature("export async function " ~ actions.upload, ([scope ~ ": string"] if scope else []) + ["input: " ~ uploads.input], "Promise<ActionResult<SignedUpload>>") }}
  const supabase = await createClient();
  const { data: auth } = await supabase.auth.getClaims();
  if (!auth) return unauthorized();

{% if scope %}
  const parsedId = {{ schemas.id }}.safeParse({{ scope }});
  if (!parsedId.success) return invalid(parsedId.error);
{% endif %}
  const parsed = {{ uploads.schema }}.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);

  // In the row's folder: Storage signs only if its policies let the caller upload there.
  const { bucket } = {{ uploads.map }}[parsed.data.field];
  const path = `${ {{- "parsedId.data" if scope else "auth.claims.sub" -}} }/${crypto.randomUUID()}`;
  const { data, error } = await supabase.storage
    .from(bucket)
    .createSignedUploadUrl(path);
  if (error) return fromStorageError(error);

  return ok({ bucket, path, token: data.token, signedUrl: data.signedUrl });
}
