import "server-only";

import type { SupabaseClient } from "@supabase/supabase-js";

import { failure, type ActionResult } from "{{ imports.action_result }}";
import type { FileLimits } from "{{ uploads.import }}";

/** Storage, through a request's Supabase client: it acts as the signed-in user, or anon. */
type Storage = SupabaseClient["storage"];

/** A row's file paths, by field: null where it has no file. */
type Paths<K extends string> = Partial<Record<K, string | null>>;

/**
 * How long a signed download URL lasts, in seconds: long enough for a page's images to load,
 * lazy ones included; short enough that a copied link soon stops working.
 */
export const SIGNED_URL_SECONDS = 300;

/** Where the browser sends a file's bytes, with `uploadToSignedUrl(path, token, file)`. */
export type SignedUpload = {
  bucket: string;
  path: string;
  token: string;
  signedUrl: string;
};

/**
 * Maps a Storage error to the failure the caller sees. Storage sends its own status in the
 * body's `statusCode`, whatever the HTTP status: 403 when row level security refuses.
 */
export function fromStorageError(error: {
  message: string;
  statusCode?: string;
}): ActionResult<never> {
  if (error.statusCode === "403") {
    return failure("forbidden", "You are not allowed to do that.");
  }
  console.error("Unexpected storage error", error);
  return failure("unexpected", "Something went wrong. Please try again.");
}

/** Whether `input` gives any of the file fields a value (a new path, or null). */
export function setsFile(
  files: Record<string, FileLimits>,
  input: object,
): boolean {
  return Object.keys(files).some((field) => field in input);
}

/** The paths `before` holds that `after` no longer does: the objects a change replaced. */
export function replaced<K extends string>(
  before: Paths<K>,
  after: Paths<NoInfer<K>>,
): Paths<K> {
  const gone: Paths<K> = {};
  for (const field of Object.keys(before) as K[]) {
    if (before[field] !== after[field]) gone[field] = before[field];
  }
  return gone;
}

/**
 * Removes the objects at `paths`, as the caller, once the change that let go of them is saved.
 * A failure does not undo that change: it is logged with the bucket and path, and the object
 * stays in the row's folder, private, until a sweep of the objects no row refers to.
 */
export async function removeFiles<K extends string>(
  storage: Storage,
  files: Record<K, FileLimits>,
  paths: Paths<NoInfer<K>>,
): Promise<void> {
  for (const field of Object.keys(files) as K[]) {
    const path = paths[field];
    if (!path) continue;
    const { bucket } = files[field];
    const { error } = await storage.from(bucket).remove([path]);
    if (error) {
      console.error("A file stays in its bucket", { bucket, path, error });
    }
  }
}

/**
 * Signs a short-lived download URL for every file of `rows`, as the caller, one request per
 * field; the lookup gives a row's URLs, null where it has no file or Storage signed none (the
 * object is gone, or not the caller's to read; a failed request is logged).
 */
async function signer<K extends string>(
  storage: Storage,
  files: Record<K, FileLimits>,
  rows: Paths<K>[],
): Promise<(row: Paths<K>) => Record<K, string | null>> {
  const fields = Object.keys(files) as K[];
  const urls = new Map<string, string>();
  for (const field of fields) {
    const { bucket } = files[field];
    const paths = rows.flatMap((row) => row[field] ?? []);
    if (paths.length === 0) continue;
    const { data, error } = await storage
      .from(bucket)
      .createSignedUrls(paths, SIGNED_URL_SECONDS);
    if (error) {
      console.error("Could not sign file URLs", { bucket, error });
      continue;
    }
    for (const { path, signedUrl } of data) {
      if (path && signedUrl) urls.set(`${bucket}/${path}`, signedUrl);
    }
  }
  return (row) => {
    const signed = {} as Record<K, string | null>;
    for (const field of fields) {
      const path = row[field];
      signed[field] = path
        ? (urls.get(`${files[field].bucket}/${path}`) ?? null)
        : null;
    }
    return signed;
  };
}

/** A row with a signed URL for each of its files (`signedUrls`). */
export async function withSignedUrl<K extends string, R extends Paths<K>>(
  storage: Storage,
  files: Record<K, FileLimits>,
  row: R,
): Promise<R & { signedUrls: Record<K, string | null> }> {
  const urlsOf = await signer(storage, files, [row]);
  return { ...row, signedUrls: urlsOf(row) };
}

/** Rows with a signed URL for each of their files (`signedUrls`). */
export async function withSignedUrls<K extends string, R extends Paths<K>>(
  storage: Storage,
  files: Record<K, FileLimits>,
  rows: R[],
): Promise<(R & { signedUrls: Record<K, string | null> })[]> {
  const urlsOf = await signer(storage, files, rows);
  return rows.map((row) => ({ ...row, signedUrls: urlsOf(row) }));
}
