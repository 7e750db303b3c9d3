// The runtime proofs of a tenant root's invitations (app/actions/<tenant>-invitations.ts and
// lib/data/<tenant>-invitations.ts, written by `scaffold resource <tenant> --tenant`) and of the
// email they send (lib/email/send.ts, lib/email/invitation-email.tsx), against the recording
// Supabase client and a local HTTP server standing in for Resend (`RESEND_BASE_URL`):
//
// - what Resend receives for an invitation (from, to, subject, HTML and text), and that the
//   email holds the link, the tenant's name and the inviter, and nothing else of the invitation;
// - the invitation is made before the email is sent, and what sending gave (Resend's id, its
//   error, a network failure, a missing setting) is recorded on it while the action succeeds;
// - no email when the database refuses (not signed in, not an admin, a role too high, an
//   address already invited, an invalid input), and re-sending sends with the new token;
// - accept, decline and revoke call their functions and map their refusals, as object calls
//   and as the form actions `useActionState` calls; the reads select no token hash.
//
// Assertion messages start with the generated file and line they are about.
import { readFileSync } from "node:fs";
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  vi,
} from "vitest";
import { initialFormState } from "@/lib/form-state";
import { cacheMocks } from "@/tests/next-mocks";
import { resendErrors, ResendServer } from "./resend-server";
import { postgrest, supabase, type Reply } from "./supabase-double";

export type InvitationsSpec = {
  /** `Workspace` */
  pascal: string;
  /** `workspace` (camelCase) */
  camel: string;
  /** `workspace_id` */
  tenantColumn: string;
  /** `workspace_name`: what the invitation functions call the tenant's name. */
  nameColumn: string;
  /** `a workspace`: what the email calls an unnamed tenant. */
  unnamed: string;
  file: string;
  dataFile: string;
  table: string;
  /** The tenant's list route, revalidated after changes: `/workspaces`. */
  route: string;
  /** The route of the link's page: `/workspaces/invitations`. */
  linkRoute: string;
  rpc: {
    invite: string;
    resend: string;
    revoke: string;
    accept: string;
    decline: string;
    listMine: string;
    recordEmail: string;
  };
  /** Tables and `rpc/<function>` argument names of the real database. */
  schema: Record<string, string[]>;
};

type Result =
  | { ok: true; data: unknown }
  | { ok: false; error: { code: string; message: string } };
type Action = (...args: unknown[]) => Promise<Result>;
type FormAction = (...args: unknown[]) => Promise<{
  status: string;
  message?: string;
  fieldErrors?: Record<string, string[]>;
  values?: Record<string, string>;
  data?: unknown;
}>;

const ME = "11111111-1111-4111-8111-111111111111";
const TENANT = "66666666-6666-4666-8666-666666666666";
const INVITATION = "33333333-3333-4333-8333-333333333333";
const TOKEN = "0123456789abcdef".repeat(4);
const NEW_TOKEN = "fedcba9876543210".repeat(4);
const EXPIRES = "2025-01-08T09:30:00+00:00";
const INVITEE = "grace@example.com";
const INVITER = "ada@example.com";
/** A name its admins chose, with markup: the email must show it as text. */
const NAME = 'Analytical <b>Engines</b> & "Co"';
const SETTINGS = {
  RESEND_API_KEY: "re_test_123456789",
  EMAIL_FROM: "Acme <team@acme.example>",
  SITE_URL: "https://app.example.com/",
};

export function describeInvitations(
  spec: InvitationsSpec,
  actionsModule: object,
  dataModule: object,
): void {
  const { pascal, file } = spec;
  const names = {
    invite: `invite${pascal}Member`,
    resend: `resend${pascal}Invitation`,
    revoke: `revoke${pascal}Invitation`,
    accept: `accept${pascal}Invitation`,
    decline: `decline${pascal}Invitation`,
  };
  const reads = {
    list: `list${pascal}Invitations`,
    listMine: `listMy${pascal}Invitations`,
  };
  const find = (module: object, name: string, where: string) => {
    const value = (module as Record<string, unknown>)[name];
    if (typeof value !== "function")
      throw new Error(`${where} does not export ${name}`);
    return value;
  };
  const action = (name: string) => find(actionsModule, name, file) as Action;
  const formAction = (name: string) =>
    find(actionsModule, name, file) as FormAction;
  const read = (name: string) => find(dataModule, name, spec.dataFile) as Action;
  const lines = readFileSync(file, "utf8").split("\n");
  const line = (name: string) =>
    `${file}:${lines.findIndex((l) => l.includes(`function ${name}(`)) + 1}`;
  const idKey = `${spec.camel}Id`;
  const link = `https://app.example.com${spec.linkRoute}/${TOKEN}`;

  /** The row the invite and resend functions return: the invitation, with its token. */
  const issued = (token = TOKEN, name: string | null = NAME) => ({
    id: INVITATION,
    [spec.tenantColumn]: TENANT,
    email: INVITEE,
    role: "member",
    expires_at: EXPIRES,
    token,
    [spec.nameColumn]: name,
    invited_by_email: INVITER,
  });
  const sent = (delivery: unknown) => ({
    ok: true,
    data: {
      id: INVITATION,
      [idKey]: TENANT,
      email: INVITEE,
      role: "member",
      expiresAt: EXPIRES,
      delivery,
    },
  });
  const invite = () =>
    action(names.invite)({ [idKey]: TENANT, email: INVITEE });
  const denied = (code: string, message: string): Reply => ({
    status: code === "P0002" ? 400 : 403,
    error: { code, message, details: null, hint: null },
  });

  const resend = new ResendServer();
  const failed = (result: Result, code: string, where: string) =>
    expect(result, `${where}: expected a "${code}" failure`).toMatchObject({
      ok: false,
      error: { code, message: expect.any(String) },
    });
  const noEmail = (where: string) =>
    expect(resend.requests, `${where}: must not send any email`).toEqual([]);
  const requested = () =>
    supabase.requests.map((r) => `${r.method} ${r.table}`);
  const recorded = () => {
    const last = supabase.requests.at(-1);
    expect(last?.table).toBe(`rpc/${spec.rpc.recordEmail}`);
    return last?.body;
  };

  describe(`${file}: invitations and their email, against a recording Supabase client and a stand-in Resend`, () => {
    beforeAll(async () => {
      process.env.RESEND_BASE_URL = await resend.start();
    });
    afterAll(async () => {
      await resend.stop();
      delete process.env.RESEND_BASE_URL;
    });
    beforeEach(() => {
      supabase.reset();
      supabase.useSchema(spec.schema);
      resend.reset();
      Object.assign(process.env, SETTINGS);
      vi.spyOn(console, "error").mockImplementation(() => {});
    });
    afterEach(() => {
      expect(
        supabase.schemaErrors,
        "the generated code used a table, column or function the database does not have",
      ).toEqual([]);
      for (const key of Object.keys(SETTINGS)) delete process.env[key];
      vi.restoreAllMocks();
    });

    const signedOut: [string, () => Promise<Result>][] = [
      [names.invite, invite],
      [names.resend, () => action(names.resend)(INVITATION)],
      [names.revoke, () => action(names.revoke)(INVITATION)],
      [names.accept, () => action(names.accept)(TOKEN)],
      [names.decline, () => action(names.decline)(INVITATION)],
      [reads.list, () => read(reads.list)(TENANT)],
      [reads.listMine, () => read(reads.listMine)()],
    ];
    it.each(signedOut)(
      "%s: a signed-out caller gets unauthorized, no query and no email",
      async (name, run) => {
        supabase.signOut();
        failed(await run(), "unauthorized", line(name));
        expect(requested(), line(name)).toEqual([]);
        noEmail(line(name));
      },
    );

    const invalid: [string, string, () => Promise<Result>][] = [
      [
        names.invite,
        "an address that is not one",
        () => action(names.invite)({ [idKey]: TENANT, email: "grace" }),
      ],
      [
        names.invite,
        "an unknown role",
        () =>
          action(names.invite)({ [idKey]: TENANT, email: INVITEE, role: "god" }),
      ],
      [
        names.invite,
        "a tenant id that is not a uuid",
        () => action(names.invite)({ [idKey]: "42", email: INVITEE }),
      ],
      [names.resend, "an id that is not a uuid", () => action(names.resend)("1")],
      [names.revoke, "an id that is not a uuid", () => action(names.revoke)("")],
      [
        names.accept,
        "a token that is not 64 hex digits",
        () => action(names.accept)(TOKEN.slice(1)),
      ],
      [
        names.accept,
        "a token in capitals",
        () => action(names.accept)(TOKEN.toUpperCase()),
      ],
      [names.decline, "an id that is not a uuid", () => action(names.decline)(7)],
      [reads.list, "a tenant id that is not a uuid", () => read(reads.list)("x")],
    ];
    it.each(invalid)(
      "%s: %s never reaches the database, and sends nothing",
      async (name, _, run) => {
        supabase.signIn(ME);
        failed(await run(), "validation", line(name));
        expect(requested(), line(name)).toEqual([]);
        noEmail(line(name));
      },
    );

    it(`${names.invite}: makes the invitation, then sends Resend exactly the email, then records its id`, async () => {
      supabase.signIn(ME);
      supabase.reply({ rows: [issued()] }, { value: true });
      const result = await invite();
      const where = line(names.invite);
      expect(result, where).toEqual(
        sent({ sent: true, id: resend.sentIds[0] }),
      );
      expect(JSON.stringify(result), `${where}: the token stays on the server`).not.toContain(TOKEN);

      expect(requested(), where).toEqual([
        `POST rpc/${spec.rpc.invite}`,
        `POST rpc/${spec.rpc.recordEmail}`,
      ]);
      const [made] = supabase.requests;
      expect(made?.body, where).toEqual({
        [`target_${spec.tenantColumn}`]: TENANT,
        invitee_email: INVITEE,
        invitee_role: "member",
      });
      expect(recorded(), where).toEqual({
        invitation_token: TOKEN,
        sent_email_id: resend.sentIds[0],
      });

      expect(resend.requests, where).toHaveLength(1);
      const [email] = resend.requests;
      expect(email?.method).toBe("POST");
      expect(email?.path).toBe("/emails");
      expect(email?.headers.authorization).toBe(`Bearer ${SETTINGS.RESEND_API_KEY}`);
      const body = email?.body ?? {};
      expect(body.from, where).toBe(SETTINGS.EMAIL_FROM);
      expect(body.to, where).toBe(INVITEE);
      expect(body.subject, where).toBe(
        `${INVITER} invited you to join ${NAME}`,
      );
      const html = String(body.html);
      const text = String(body.text);
      // The link (on SITE_URL, without its trailing slash), the name as text, the inviter.
      expect(html, where).toContain(`href="${link}"`);
      expect(html, where).toContain(
        "Analytical &lt;b&gt;Engines&lt;/b&gt; &amp; &quot;Co&quot;",
      );
      expect(html, `${where}: the name is never markup`).not.toContain("<b>");
      expect(html, where).toContain(INVITER);
      expect(text, where).toContain(link);
      expect(text, where).toContain(NAME);
      expect(text, where).toContain(INVITER);
      // Nothing else of the invitation: its id, the tenant's id, the role, the expiry, the
      // invitee's own address; the token only inside the link.
      for (const [what, value] of [
        ["the invitation's id", INVITATION],
        ["the tenant's id", TENANT],
        ["the role", "member"],
        ["the expiry", "2025-01-08"],
        ["the invitee's address", INVITEE],
      ]) {
        expect(html, `${where}: the HTML shows ${what}`).not.toContain(value);
        expect(text, `${where}: the text shows ${what}`).not.toContain(value);
      }
      expect(html.split(TOKEN).length - 1, where).toBe(html.split(link).length - 1);
      expect(text.split(TOKEN).length - 1, where).toBe(text.split(link).length - 1);
      expect(cacheMocks.revalidatePath).toHaveBeenCalledWith(spec.route);
    });

    it(`${names.invite}: a tenant without a name is "${spec.unnamed}" in the email`, async () => {
      supabase.signIn(ME);
      supabase.reply({ rows: [issued(TOKEN, null)] }, { value: true });
      await invite();
      expect(resend.requests[0]?.body.subject, line(names.invite)).toBe(
        `${INVITER} invited you to join ${spec.unnamed}`,
      );
    });

    const failedSends: [
      string,
      () => void,
      string,
      number,
    ][] = [
      [
        "Resend refuses the email",
        () => resend.reply(resendErrors.validation("Invalid `from` field.")),
        "validation_error: Invalid `from` field.",
        1,
      ],
      [
        "Resend is over its rate limit",
        () => resend.reply(resendErrors.rateLimit()),
        "rate_limit_exceeded: Too many requests. You can only make 2 requests per second.",
        1,
      ],
      [
        "Resend cannot be reached",
        () => {
          process.env.RESEND_BASE_URL = "http://127.0.0.1:9";
        },
        "application_error: Unable to fetch data. The request could not be resolved.",
        0,
      ],
      [
        "RESEND_API_KEY is not set",
        () => {
          delete process.env.RESEND_API_KEY;
        },
        "RESEND_API_KEY is not set",
        0,
      ],
      [
        "EMAIL_FROM is not set",
        () => {
          delete process.env.EMAIL_FROM;
        },
        "EMAIL_FROM is not set",
        0,
      ],
      [
        "SITE_URL is not set",
        () => {
          delete process.env.SITE_URL;
        },
        "SITE_URL is not set",
        0,
      ],
    ];
    it.each(failedSends)(
      `${names.invite}: when %s, the invitation stands and the error is recorded on it`,
      async (_, arrange, error, requests) => {
        const baseUrl = process.env.RESEND_BASE_URL;
        arrange();
        supabase.signIn(ME);
        supabase.reply({ rows: [issued()] }, { value: true });
        const result = await invite();
        process.env.RESEND_BASE_URL = baseUrl;
        const where = line(names.invite);
        expect(result, where).toEqual(sent({ sent: false, error }));
        expect(resend.requests, where).toHaveLength(requests);
        expect(recorded(), where).toEqual({
          invitation_token: TOKEN,
          send_error: error,
        });
        // Nothing undoes the invitation: re-sending it tries again.
        expect(requested(), where).toEqual([
          `POST rpc/${spec.rpc.invite}`,
          `POST rpc/${spec.rpc.recordEmail}`,
        ]);
      },
    );

    it(`${names.invite}: a failure to record the result is logged, and the answer still says how the send went`, async () => {
      supabase.signIn(ME);
      supabase.reply({ rows: [issued()] }, postgrest.networkFailure());
      const result = await invite();
      expect(result, line(names.invite)).toEqual(
        sent({ sent: true, id: resend.sentIds[0] }),
      );
      expect(console.error).toHaveBeenCalled();
    });

    const refusals: [string, () => Reply, string][] = [
      [
        "42501: not an admin, or a role above the inviter's",
        () =>
          denied(
            "42501",
            "only admins and owners invite, and to a role no higher than their own",
          ),
        "forbidden",
      ],
      [
        "23505: the address has a pending invitation",
        () => postgrest.uniqueViolation(spec.table, "pending_email"),
        "conflict",
      ],
      ["a network failure", () => postgrest.networkFailure(), "unexpected"],
    ];
    it.each(refusals)(
      `${names.invite}: when the database refuses (%s), no email is sent`,
      async (_, reply, code) => {
        supabase.signIn(ME);
        supabase.reply(reply());
        failed(await invite(), code, line(names.invite));
        noEmail(line(names.invite));
        expect(requested()).toEqual([`POST rpc/${spec.rpc.invite}`]);
        expect(cacheMocks.revalidatePath).not.toHaveBeenCalled();
      },
    );

    it(`${names.invite}: as a form action, answers field errors and the submitted values, and sends nothing`, async () => {
      supabase.signIn(ME);
      const form = new FormData();
      form.set(idKey, TENANT);
      form.set("email", "not an address");
      form.set("role", "member");
      const state = await formAction(names.invite)(initialFormState, form);
      expect(state, line(names.invite)).toMatchObject({
        status: "error",
        fieldErrors: { email: [expect.any(String)] },
        values: { [idKey]: TENANT, email: "not an address", role: "member" },
      });
      noEmail(line(names.invite));
    });

    it(`${names.invite}: as a form action, answers the invitation and how its email went`, async () => {
      supabase.signIn(ME);
      supabase.reply({ rows: [issued()] }, { value: true });
      const form = new FormData();
      form.set(idKey, TENANT);
      form.set("email", INVITEE);
      const state = await formAction(names.invite)(initialFormState, form);
      expect(state, line(names.invite)).toEqual({
        status: "success",
        data: sent({ sent: true, id: resend.sentIds[0] }).data,
      });
    });

    it(`${names.resend}: sends the email with the new token and records it`, async () => {
      supabase.signIn(ME);
      supabase.reply({ rows: [issued(NEW_TOKEN)] }, { value: true });
      const result = await action(names.resend)(INVITATION);
      const where = line(names.resend);
      expect(result, where).toEqual(sent({ sent: true, id: resend.sentIds[0] }));
      expect(supabase.requests[0]?.body, where).toEqual({
        target_invitation_id: INVITATION,
      });
      const text = String(resend.requests[0]?.body.text);
      expect(text, where).toContain(`${spec.linkRoute}/${NEW_TOKEN}`);
      expect(text, where).not.toContain(TOKEN);
      expect(recorded(), where).toEqual({
        invitation_token: NEW_TOKEN,
        sent_email_id: resend.sentIds[0],
      });
    });

    it(`${names.resend}: an invitation that is not pending, or not the caller's to manage, is not found, and nothing is sent`, async () => {
      supabase.signIn(ME);
      supabase.reply(
        denied("P0002", "no pending invitation you can re-send has that id"),
      );
      failed(await action(names.resend)(INVITATION), "not_found", line(names.resend));
      noEmail(line(names.resend));
    });

    const simple: [string, string, unknown, string, Record<string, unknown>][] = [
      [names.revoke, spec.rpc.revoke, INVITATION, INVITATION, { target_invitation_id: INVITATION }],
      [names.decline, spec.rpc.decline, INVITATION, INVITATION, { target_invitation_id: INVITATION }],
    ];
    it.each(simple)(
      "%s: calls %s with the id, and answers it",
      async (name, rpc, input, answer, body) => {
        supabase.signIn(ME);
        supabase.reply({ value: answer });
        expect(await action(name)(input), line(name)).toEqual({
          ok: true,
          data: { id: answer },
        });
        const [request, ...more] = supabase.requests;
        expect(more).toEqual([]);
        expect(request?.table, line(name)).toBe(`rpc/${rpc}`);
        expect(request?.body, line(name)).toEqual(body);
        noEmail(line(name));
      },
    );
    it.each([names.revoke, names.decline])(
      "%s: an invitation that is not the caller's to change is not found",
      async (name) => {
        supabase.signIn(ME);
        supabase.reply(denied("P0002", "no pending invitation has that id"));
        failed(await action(name)(INVITATION), "not_found", line(name));
      },
    );

    it(`${names.accept}: accepts by token and answers the ${spec.camel} joined`, async () => {
      supabase.signIn(ME);
      supabase.reply({ value: TENANT });
      expect(await action(names.accept)(TOKEN), line(names.accept)).toEqual({
        ok: true,
        data: { [idKey]: TENANT },
      });
      const [request] = supabase.requests;
      expect(request?.table).toBe(`rpc/${spec.rpc.accept}`);
      expect(request?.body, line(names.accept)).toEqual({ invitation_token: TOKEN });
      expect(cacheMocks.revalidatePath).toHaveBeenCalledWith(spec.route);
    });

    const acceptRefusals: [string, () => Reply, string, string][] = [
      [
        "P0002: unknown, expired, revoked, declined or used",
        () => denied("P0002", "no valid invitation has that token"),
        "not_found",
        "This invitation is no longer valid.",
      ],
      [
        "42501: signed in with another address",
        () =>
          denied(
            "42501",
            "sign in with the confirmed address this invitation was sent to",
          ),
        "forbidden",
        "Sign in with the confirmed address this invitation was sent to.",
      ],
    ];
    it.each(acceptRefusals)(
      `${names.accept}: %s`,
      async (_, reply, code, message) => {
        supabase.signIn(ME);
        supabase.reply(reply());
        expect(await action(names.accept)(TOKEN), line(names.accept)).toEqual({
          ok: false,
          error: { code, message },
        });
        expect(cacheMocks.revalidatePath).not.toHaveBeenCalled();
      },
    );

    it(`${names.accept}: bound to the token, is the form action of the link's page`, async () => {
      supabase.signIn(ME);
      supabase.reply({ value: TENANT });
      const bound = formAction(names.accept).bind(null, TOKEN);
      expect(await bound(initialFormState, new FormData())).toEqual({
        status: "success",
        data: { [idKey]: TENANT },
      });
      supabase.reply(denied("P0002", "no valid invitation has that token"));
      expect(await bound(initialFormState, new FormData())).toEqual({
        status: "error",
        message: "This invitation is no longer valid.",
        values: {},
      });
    });

    it(`${reads.list}: reads the pending invitations of that ${spec.camel}, never the token hash`, async () => {
      supabase.signIn(ME);
      supabase.reply({ rows: [] });
      expect(await read(reads.list)(TENANT)).toEqual({ ok: true, data: [] });
      const [request] = supabase.requests;
      const where = `${spec.dataFile}: ${reads.list}`;
      expect(request?.method, where).toBe("GET");
      expect(request?.table, where).toBe(spec.table);
      const columns = request?.params.get("select")?.split(",") ?? [];
      expect(columns, where).not.toContain("*");
      expect(columns, where).not.toContain("token_hash");
      expect(request?.params.get(spec.tenantColumn), where).toBe(`eq.${TENANT}`);
      expect(request?.params.get("status"), where).toBe("eq.pending");
    });

    it(`${reads.listMine}: asks the database for the caller's own invitations, by nothing the client sends`, async () => {
      supabase.signIn(ME);
      supabase.reply({ rows: [] });
      expect(await read(reads.listMine)()).toEqual({ ok: true, data: [] });
      const [request] = supabase.requests;
      expect(request?.table).toBe(`rpc/${spec.rpc.listMine}`);
      expect(request?.body ?? {}).toEqual({});
    });
  });
}
