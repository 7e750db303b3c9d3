import { createServerClient } from "@supabase/ssr";
import { NextResponse, type NextRequest } from "next/server";

let warnedUnconfigured = false;

/**
 * Refreshes the Supabase session on each request the proxy matches, so Server Components and
 * Server Actions see a valid token, and passes the refreshed cookies on. Without the Supabase
 * variables it lets the request through unrefreshed and says so once in the server log: a
 * missing variable must not turn every route, static pages included, into an error.
 */
export async function updateSession(request: NextRequest) {
  let response = NextResponse.next({ request });

  const url = process.env.NEXT_PUBLIC_SUPABASE_URL;
  const publishableKey = process.env.NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY;
  if (!url || !publishableKey) {
    if (!warnedUnconfigured) {
      warnedUnconfigured = true;
      console.error(
        "Supabase session refresh skipped: set NEXT_PUBLIC_SUPABASE_URL and NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY (see .env.example).",
      );
    }
    return response;
  }

  const supabase = createServerClient(url, publishableKey, {
    cookies: {
      getAll() {
        return request.cookies.getAll();
      },
      setAll(cookiesToSet, headers) {
        cookiesToSet.forEach(({ name, value }) =>
          request.cookies.set(name, value),
        );
        response = NextResponse.next({ request });
        cookiesToSet.forEach(({ name, value, options }) =>
          response.cookies.set(name, value, options),
        );
        Object.entries(headers).forEach(([key, value]) =>
          response.headers.set(key, value),
        );
      },
    },
  });

  // Verifies the token and refreshes it when it has expired. Keep nothing between
  // createServerClient and this call: users could be signed out at random.
  await supabase.auth.getClaims();

  return response;
}
