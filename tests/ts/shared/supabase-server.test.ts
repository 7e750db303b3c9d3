// The generated lib/supabase/server.ts: one client per request, acting as the signed-in user
// through the request's cookies, with the publishable key from the environment.
import { createServerClient } from "@supabase/ssr";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createClient } from "@/lib/supabase/server";
import { cookieJar } from "@/tests/next-mocks";

vi.mock("@supabase/ssr", () => ({
  createServerClient: vi.fn((url: string, key: string, options: unknown) => ({
    url,
    key,
    options,
  })),
}));

type CookieMethods = {
  getAll(): { name: string; value: string }[];
  setAll(
    cookies: { name: string; value: string; options: object }[],
    headers: Record<string, string>,
  ): void;
};

const WHERE = "lib/supabase/server.ts";

async function cookieMethods(): Promise<CookieMethods> {
  await createClient();
  const call = vi.mocked(createServerClient).mock.calls.at(-1);
  const options = call?.[2] as { cookies: CookieMethods } | undefined;
  if (!options) throw new Error(`${WHERE}: createServerClient was not called`);
  return options.cookies;
}

describe(`${WHERE}: createClient`, () => {
  beforeEach(() => {
    vi.stubEnv("NEXT_PUBLIC_SUPABASE_URL", "https://project-ref.supabase.co");
    vi.stubEnv("NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY", "sb_publishable_test");
    vi.stubEnv("SUPABASE_SECRET_KEY", "sb_secret_must_not_be_used");
  });

  it("uses the project URL and the publishable key, never the secret key", async () => {
    await createClient();
    expect(createServerClient, WHERE).toHaveBeenCalledWith(
      "https://project-ref.supabase.co",
      "sb_publishable_test",
      expect.objectContaining({ cookies: expect.any(Object) }),
    );
  });

  it("makes a new client for every call (one per request, no module singleton)", async () => {
    const first = await createClient();
    const second = await createClient();
    expect(first, WHERE).not.toBe(second);
    expect(createServerClient).toHaveBeenCalledTimes(2);
  });

  it("reads the session from the request's cookies with getAll", async () => {
    cookieJar.set("sb-project-ref-auth-token", "base64-session");
    const cookies = await cookieMethods();
    expect(cookies.getAll(), WHERE).toEqual([
      { name: "sb-project-ref-auth-token", value: "base64-session" },
    ]);
    // The deprecated get/set/remove methods are not used.
    expect(Object.keys(cookies).sort(), WHERE).toEqual(["getAll", "setAll"]);
  });

  it("writes refreshed session cookies with setAll", async () => {
    const cookies = await cookieMethods();
    cookies.setAll(
      [
        {
          name: "sb-project-ref-auth-token",
          value: "refreshed",
          options: { path: "/" },
        },
      ],
      {
        "Cache-Control":
          "private, no-cache, no-store, must-revalidate, max-age=0",
      },
    );
    expect(cookieJar.set, WHERE).toHaveBeenCalledWith(
      "sb-project-ref-auth-token",
      "refreshed",
      { path: "/" },
    );
  });

  it("ignores a refresh from a Server Component, where cookies cannot be set", async () => {
    const cookies = await cookieMethods();
    cookieJar.set.mockImplementationOnce(() => {
      throw new Error(
        "Cookies can only be modified in a Server Action or Route Handler.",
      );
    });
    expect(
      () => cookies.setAll([{ name: "a", value: "b", options: {} }], {}),
      WHERE,
    ).not.toThrow();
  });
});
