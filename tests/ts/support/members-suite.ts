// The runtime proofs for a tenant root's membership actions (app/actions/<tenant>-members.ts)
// and its member list (the data-access module lib/data/<tenant>-members.ts), written by
// `scaffold resource <tenant> --tenant`, against the recording Supabase client:
// authentication first, validation before any query, the caller's own id from the session
// only, the database's errors (RLS, missing rows) as documented results, and
// revalidation after every change.
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cacheMocks } from "@/tests/next-mocks";
import { postgrest, supabase } from "./supabase-double";

export type MembersSpec = {
  /** `workspace` (snake_case) */
  tenant: string;
  /** `workspace` (camelCase) */
  camel: string;
  /** `Workspace` */
  pascal: string;
  /** The server actions' module. */
  file: string;
  /** The data-access module of the member list. */
  dataFile: string;
  table: string;
  route: string;
  /** Tables and `rpc/<function>` argument names of the real database. */
  schema: Record<string, string[]>;
};

type Result =
  | { ok: true; data: unknown }
  | { ok: false; error: { code: string; message: string } };
type Action = (input?: unknown) => Promise<Result>;

const ME = "11111111-1111-4111-8111-111111111111";
const MEMBER = "22222222-2222-4222-8222-222222222222";
const TENANT = "66666666-6666-4666-8666-666666666666";

export function describeMembers(
  spec: MembersSpec,
  module: object,
  dataModule: object,
): void {
  const { pascal } = spec;
  const names = {
    list: `list${pascal}Members`,
    changeRole: `change${pascal}MemberRole`,
    remove: `remove${pascal}Member`,
    leave: `leave${pascal}`,
  };
  /** The list is a read, in the data-access module; the rest are server actions. */
  const home = (name: string) =>
    name === names.list
      ? { module: dataModule, file: spec.dataFile }
      : { module, file: spec.file };
  const action = (name: string): Action => {
    const { module, file } = home(name);
    const value = (module as Record<string, unknown>)[name];
    if (typeof value !== "function")
      throw new Error(`${file} does not export ${name}`);
    return value as Action;
  };
  const sources = new Map(
    [spec.file, spec.dataFile].map((f) => [
      f,
      readFileSync(f, "utf8").split("\n"),
    ]),
  );
  const line = (name: string) => {
    const { file } = home(name);
    const lines = sources.get(file) ?? [];
    const at = lines.findIndex(
      (l) =>
        l.includes(`function ${name}(`) || l.includes(`export const ${name} =`),
    );
    return `${file}:${at + 1}`;
  };
  const membership = (role = "member") => ({
    workspace_id: TENANT,
    user_id: MEMBER,
    role,
    created_at: "2025-01-01T09:30:00+00:00",
  });
  const idKey = `${spec.camel}Id`;
  const valid: Record<keyof typeof names, unknown> = {
    list: TENANT,
    changeRole: { [idKey]: TENANT, userId: MEMBER, role: "admin" },
    remove: { [idKey]: TENANT, userId: MEMBER },
    leave: TENANT,
  };
  // The members table and the membership rows keep the tenant's column names.
  const tenantColumn = `${spec.tenant}_id`;

  const failed = (result: Result, code: string, where: string) =>
    expect(result, `${where}: expected a "${code}" failure`).toMatchObject({
      ok: false,
      error: { code, message: expect.any(String) },
    });
  const noQuery = (where: string) => {
    expect(
      supabase.requests.map((r) => `${r.method} ${r.table}?${r.params}`),
      `${where}: must not query the database`,
    ).toEqual([]);
    expect(cacheMocks.revalidatePath).not.toHaveBeenCalled();
  };

  describe(`${spec.file}, ${spec.dataFile}: membership actions and the member list against a recording Supabase client`, () => {
    beforeEach(() => {
      supabase.reset();
      supabase.useSchema(spec.schema);
      vi.spyOn(console, "error").mockImplementation(() => {});
    });
    afterEach(() => {
      expect(
        supabase.schemaErrors,
        "the generated code used a table, column or function the database does not have",
      ).toEqual([]);
      vi.restoreAllMocks();
    });

    it.each(Object.entries(names))(
      "%s: a signed-out caller gets unauthorized and no query",
      async (key, name) => {
        supabase.signOut();
        failed(
          await action(name)(valid[key as keyof typeof names]),
          "unauthorized",
          line(name),
        );
        noQuery(line(name));
      },
    );

    const invalid: [string, string, unknown][] = [
      [names.list, "a tenant id that is not a uuid", "42"],
      [names.changeRole, "no role", { [idKey]: TENANT, userId: MEMBER }],
      [
        names.changeRole,
        "a user id that is not a uuid",
        { [idKey]: TENANT, userId: "me", role: "admin" },
      ],
      [names.remove, "no user", { [idKey]: TENANT }],
      [names.leave, "a tenant id that is not a uuid", ""],
    ];
    it.each(invalid)(
      "%s: %s never reaches the database",
      async (name, _, input) => {
        supabase.signIn(ME);
        failed(await action(name)(input), "validation", line(name));
        noQuery(line(name));
      },
    );

    it(`${names.list}: reads the members of that ${spec.tenant}, oldest first`, async () => {
      supabase.signIn(ME);
      supabase.reply({ rows: [membership("owner"), membership()] });
      expect(await action(names.list)(TENANT), line(names.list)).toEqual({
        ok: true,
        data: [membership("owner"), membership()],
      });
      const [request, ...more] = supabase.requests;
      expect(more).toEqual([]);
      expect(request?.method).toBe("GET");
      expect(request?.table).toBe(spec.table);
      expect(request?.params.get(tenantColumn)).toBe(`eq.${TENANT}`);
      expect(request?.params.get("order")).toBe("created_at.asc");
    });

    it(`${names.changeRole}: changes only the role of that membership`, async () => {
      supabase.signIn(ME);
      supabase.reply({ rows: [membership("admin")] });
      expect(
        await action(names.changeRole)(valid.changeRole),
        line(names.changeRole),
      ).toEqual({
        ok: true,
        data: membership("admin"),
      });
      const [request] = supabase.requests;
      expect(request?.method).toBe("PATCH");
      expect(request?.params.get(tenantColumn)).toBe(`eq.${TENANT}`);
      expect(request?.params.get("user_id")).toBe(`eq.${MEMBER}`);
      expect(request?.body, line(names.changeRole)).toEqual({ role: "admin" });
      expect(cacheMocks.revalidatePath).toHaveBeenCalledWith(spec.route);
    });

    it(`${names.remove}: removes that membership`, async () => {
      supabase.signIn(ME);
      supabase.reply({ rows: [{ user_id: MEMBER }] });
      expect(
        await action(names.remove)(valid.remove),
        line(names.remove),
      ).toEqual({
        ok: true,
        data: { userId: MEMBER },
      });
      const [request] = supabase.requests;
      expect(request?.method).toBe("DELETE");
      expect(request?.params.get(tenantColumn)).toBe(`eq.${TENANT}`);
      expect(request?.params.get("user_id")).toBe(`eq.${MEMBER}`);
      expect(cacheMocks.revalidatePath).toHaveBeenCalledWith(spec.route);
    });

    it(`${names.leave}: removes the caller's own membership, identified by the session`, async () => {
      supabase.signIn(ME);
      supabase.reply({ rows: [{ [tenantColumn]: TENANT }] });
      expect(await action(names.leave)(TENANT), line(names.leave)).toEqual({
        ok: true,
        data: { [idKey]: TENANT },
      });
      const [request] = supabase.requests;
      expect(request?.method).toBe("DELETE");
      expect(request?.params.get("user_id"), line(names.leave)).toBe(
        `eq.${ME}`,
      );
      expect(cacheMocks.revalidatePath).toHaveBeenCalledWith(spec.route);
    });

    const changes: [string, () => Promise<Result>][] = [
      [names.changeRole, () => action(names.changeRole)(valid.changeRole)],
      [names.remove, () => action(names.remove)(valid.remove)],
      [names.leave, () => action(names.leave)(TENANT)],
    ];
    it.each(changes)(
      "%s: a membership that is not there, or not visible, is not found",
      async (name, run) => {
        supabase.signIn(ME);
        supabase.reply({ rows: [] });
        failed(await run(), "not_found", line(name));
        expect(cacheMocks.revalidatePath).not.toHaveBeenCalled();
      },
    );
    it.each(changes)(
      "%s: maps a 42501 denial to forbidden",
      async (name, run) => {
        supabase.signIn(ME);
        supabase.reply(postgrest.rlsDenied(spec.table));
        failed(await run(), "forbidden", line(name));
        expect(cacheMocks.revalidatePath).not.toHaveBeenCalled();
      },
    );
  });
}
