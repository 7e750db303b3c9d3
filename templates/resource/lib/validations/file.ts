import * as z from "zod";

/**
 * A file field's limits: its bucket, and the bucket's `file_size_limit` (bytes) and
 * `allowed_mime_types`, which Storage enforces on the bytes when they arrive.
 */
export type FileLimits = {
  bucket: string;
  maxBytes: number;
  accept: readonly string[];
};

/** A media type as a browser reports a file's (`File.type`): `type/subtype`, in lower case. */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/**
 * Whether `type` is one of `accept`: the same type and subtype, or `type/*` for any subtype,
 * as Storage matches a bucket's `allowed_mime_types`.
 */
export function accepts(accept: readonly string[], type: string): boolean {
  const [top, sub] = type.split("/");
  return accept.some((allowed) => {
    const [allowedTop, allowedSub] = allowed.split("/");
    return allowedTop === top && (allowedSub === "*" || allowedSub === sub);
  });
}

/** A size as people read it, in the decimal units Storage counts in: 5 MB, 500 kB. */
export function readableSize(bytes: number): string {
  const units: [number, string][] = [
    [1e9, "GB"],
    [1e6, "MB"],
    [1e3, "kB"],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

/**
 * A file to upload for `field`: its size in bytes and its media type, within the field's
 * limits. The upload-URL action checks it before it signs a URL; Storage checks the bytes
 * themselves against the same limits when they arrive.
 */
export function fileInput<F extends string>(field: F, limits: FileLimits) {
  return z.object({
    field: z.literal(field),
    size: z
      .int()
      .min(1, { error: "The file is empty." })
      .max(limits.maxBytes, {
        error: `The file is larger than ${readableSize(limits.maxBytes)}.`,
      }),
    type: z
      .string()
      .regex(MEDIA_TYPE, { error: "Not a media type." })
      .refine((type) => accepts(limits.accept, type), {
        error: `Only ${limits.accept.join(", ")} here.`,
      }),
  });
}
