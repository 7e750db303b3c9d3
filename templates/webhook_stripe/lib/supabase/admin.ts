import "server-only";

import { createClient } from "@supabase/supabase-js";

import type { Database } from "{{ imports.types }}";

/**
 * A Supabase client with the secret key. It bypasses row level security: use it only in
 * trusted server code (webhooks, background jobs) and only with input you have checked. It
 * keeps no session, so it always acts as the service, never as a user.
 */
export function createAdminClient() {
  return createClient<Database>(
    process.env.NEXT_PUBLIC_SUPABASE_URL!,
    process.env.SUPABASE_SECRET_KEY!,
    { auth: { persistSession: false, autoRefreshToken: false } },
  );
}
