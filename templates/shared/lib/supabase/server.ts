import { createServerClient } from "@supabase/ssr";
import { cookies } from "next/headers";

import type { Database } from "{{ imports.types }}";

/**
 * A Supabase client for Server Components, Server Actions and Route Handlers, acting as the
 * signed-in user so row level security applies. Create one per request, never one per module.
 */
export async function createClient() {
  const cookieStore = await cookies();

  return createServerClient<Database>(
    process.env.NEXT_PUBLIC_SUPABASE_URL!,
    process.env.NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY!,
    {
      cookies: {
        getAll() {
          return cookieStore.getAll();
        },
        setAll(cookiesToSet) {
          try {
            cookiesToSet.forEach(({ name, value, options }) =>
              cookieStore.set(name, value, options),
            );
          } catch {
            // Server Components cannot set cookies; the proxy refreshes the session instead.
          }
        },
      },
    },
  );
}
