import "server-only";

import { isIP } from "node:net";
import { headers } from "next/headers";

import {
  fromDatabaseError,
  rateLimited,
  type ActionResult,
} from "{{ imports.action_result }}";
import { getSupabase } from "{{ imports.data_auth }}";
import { createAdminClient } from "{{ imports.admin }}";

/**
 * Counts one read of `action` (`"notes.list"`) against its caller's budget, in the database:
 * the signed-in user's (`userId`), or for an anonymous read of public rows, the client
 * address's. The failure to return when the budget is spent, or null to go ahead.
 */
export async function limitRead(
  action: string,
  userId: string | null,
): Promise<ActionResult<never> | null> {
  let answer;
  if (userId) {
    // The database takes the user from the JWT: nobody can spend another user's budget.
    const supabase = await getSupabase();
    answer = await supabase.rpc("check_rate_limit", { action_key: action });
  } else {
    const address = await clientAddress();
    // No address to count by (a local request): nothing to limit.
    if (!address) return null;
    // Only the service role may name an address: through the API anyone could name any.
    answer = await createAdminClient().rpc("check_ip_rate_limit", {
      action_key: action,
      client: address,
    });
  }
  if (answer.error) return fromDatabaseError(answer.error);
  return answer.data > 0 ? rateLimited(answer.data) : null;
}

/**
 * The client's address, as the proxy in front of the app reports it in `x-forwarded-for`. On
 * Vercel that is the address the request came from: Vercel overwrites whatever the client
 * sent. Behind a proxy of your own, trust only what it adds (its last entry, or a header it
 * sets), never the first entry, which the client wrote: change this function to say which.
 */
async function clientAddress(): Promise<string | null> {
  const forwarded = (await headers()).get("x-forwarded-for");
  const address = forwarded?.split(",")[0]?.trim() ?? "";
  return isIP(address) ? address : null;
}
