import "server-only";

import { cache } from "react";

import { createClient } from "{{ imports.server }}";

/**
 * This request's Supabase client, acting as the signed-in user so row level security applies:
 * created once per request (React's `cache` lasts one server request) and shared by every read.
 */
export const getSupabase = cache(createClient);

/**
 * The signed-in user's id from the claims `getClaims()` verifies, or null when signed out:
 * verified once per request, however many reads ask.
 */
export const getUserId = cache(async (): Promise<string | null> => {
  const supabase = await getSupabase();
  const { data } = await supabase.auth.getClaims();
  return data?.claims.sub ?? null;
});
