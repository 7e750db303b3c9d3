import "server-only";

import { createClient } from "@supabase/supabase-js";

import type { Database } from "{{ imports.types }}";

/**
 * A Supabase client with the secret key: it bypasses row level security, so use it only in
 * server code that must act beyond the signed-in user (webhooks, background jobs), and only
 * with input you have checked. It keeps no session; never create it from a user's cookies.
 */
export function createAdminClient() {
  return createClient<Database>(
    process.env.NEXT_PUBLIC_SUPABASE_URL!,
    process.env.SUPABASE_SECRET_KEY!,
    {
      auth: { persistSession: false, autoRefreshToken: false },
    },
  );
}
