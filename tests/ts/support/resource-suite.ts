// The runtime proofs for one generated resource, driven by its spec (written by
// tests/typescript.rs from the matrix into tests/ts/resources/<case>.test.ts):
//
// - the Zod schemas of lib/validations/<singular>.ts against tables of values the SQL
//   constraints accept and reject (./samples.ts), and FormData parsed like the same object;
// - the server actions of app/actions/<plural>.ts (mutations) and the data-access reads of
//   lib/data/<plural>.ts against a recording Supabase client (./supabase-double.ts):
//   authentication, validation before any query, owner ids from the session only, the
//   documented mapping of database errors, and revalidation after writes;
// - the form-state contract of create and update called as `useActionState` calls them,
//   `(state, formData)`: field errors, the submitted values to refill the form, success;
// - for file fields, against the double's fake Storage: the upload-URL action checks the caller
//   and the file before Storage signs anything, and signs for a generated name in the row's
//   folder; replacing and deleting remove the objects let go of (failures logged, the change
//   kept); reads sign short-lived download URLs, null where Storage signs none.
//
// Assertion messages start with the generated file and line they are about.
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type * as z from "zod";
import { initialFormState } from "@/lib/form-state";
import { parseInput, type FormFields } from "@/lib/validations/form-data";
import { cacheMocks, requestHeaders } from "@/tests/next-mocks";
import {
  formText,
  samplesFor,
  show,
  validValue,
  type FieldSpec,
  type Sample,
} from "./samples";
import {
  postgrest,
  storageErrors,
  supabase,
  SUPABASE_URL,
  type RecordedRequest,
  type Reply,
} from "./supabase-double";

export type ResourceSpec = {
  case: string;
  command: string;
  /** owner | public-read | workspace | tenant */
  mode: string;
  table: string;
  route: string;
  /** The column the session's user id goes into on create, if any. */
  ownerColumn: string | null;
  /** The modules written: no actions module without a mutation, no data module without a read. */
  files: { actions: string | null; data: string | null; validations: string };
  names: {
    create: string;
    update: string;
    delete: string;
    get: string;
    list: string;
    createSchema: string;
    updateSchema: string;
    idSchema: string;
    listSchema: string;
    formFields: string;
  };
  fields: FieldSpec[];
  /** The actions written: all of create, update, delete, get and list unless `--actions`. */
  actions: ("create" | "update" | "delete" | "get" | "list")[];
  columns: {
    name: string;
    type: string;
    nullable: boolean;
    hasDefault: boolean;
  }[];
  /** `--audit`: the log table, its reads in the data module, whose entries the activity is. */
  audit: {
    table: string;
    history: string;
    activity: string;
    scopeColumn: string;
    ofWorkspace: boolean;
  } | null;
  /** `--rate-limit`: the key (`notes.create`) of each limited action. */
  rateLimits: Partial<Record<(typeof KINDS)[number], string>>;
  /** Beside the resource's table: the log's and the limiter's columns and arguments. */
  schema: Record<string, string[]>;
  /** File fields, or null: the generated names, and each field's bucket and limits. */
  uploads: {
    action: string;
    map: string;
    schema: string;
    /** The upload action takes the folder's id first (a workspace, or a tenant root's own). */
    scoped: boolean;
    fields: FileField[];
  } | null;
  /** The Storage buckets of the real database. */
  buckets: string[];
};

type FileField = {
  column: string;
  bucket: string;
  maxBytes: number;
  accept: string[];
  optional: boolean;
};

const KINDS = ["create", "update", "delete", "get", "list"] as const;

type Modules = { actions: object; data: object; validations: object };

type ActionFailure = {
  ok: false;
  error: {
    code: string;
    message: string;
    fieldErrors?: Partial<Record<string, string[]>>;
    retryAfter?: number;
  };
};
type Result = { ok: true; data: unknown } | ActionFailure;
type Action = (...args: unknown[]) => Promise<Result>;
type FormStateValue = {
  status: string;
  message?: string;
  fieldErrors?: Partial<Record<string, string[]>>;
  retryAfter?: number;
  values?: Record<string, string>;
  data?: unknown;
};
type FormAction = (...args: unknown[]) => Promise<FormStateValue>;

export const OWNER = "11111111-1111-4111-8111-111111111111";
/** The query parameters PostgREST reads itself: a filter by such a column goes in `or`. */
const POSTGREST_PARAMETERS = [
  "select",
  "columns",
  "on_conflict",
  "order",
  "limit",
  "offset",
  "and",
  "or",
];
export const SOMEONE_ELSE = "22222222-2222-4222-8222-222222222222";
export const ROW_ID = "33333333-3333-4333-8333-333333333333";
const CREATED_AT = "2025-01-01T09:30:00+00:00";
/** Keys a client might send to take over a row; none of them is a field. */
const FORGED = {
  id: "44444444-4444-4444-8444-444444444444",
  user_id: SOMEONE_ELSE,
  created_by: SOMEONE_ELSE,
  created_at: CREATED_AT,
};

/** A database error reply and the result the documented mapping gives for it. */
type ErrorCase = { name: string; reply: () => Reply; code: string };

export function describeResource(spec: ResourceSpec, modules: Modules): void {
  const { names, files } = spec;
  const exported = (module: object, name: string, file: string): unknown => {
    const value = (module as Record<string, unknown>)[name];
    if (value === undefined) {
      throw new Error(`${file} does not export ${name}`);
    }
    return value;
  };
  const schema = (name: string) =>
    exported(modules.validations, name, files.validations) as z.ZodType;
  const MUTATIONS = ["create", "update", "delete"] as const;
  /** The module a function is written in: mutations are actions, reads the data layer. */
  const home = (kind: (typeof kinds)[number]) =>
    (MUTATIONS as readonly string[]).includes(kind)
      ? {
          module: modules.actions,
          file: files.actions ?? "(no actions module)",
        }
      : { module: modules.data, file: files.data ?? "(no data module)" };
  const kinds = ["create", "update", "delete", "get", "list"] as const;
  const action = (kind: (typeof kinds)[number]) =>
    exported(home(kind).module, names[kind], home(kind).file) as Action;
  const formFields = exported(
    modules.validations,
    names.formFields,
    files.validations,
  ) as FormFields;
  const source = new SourceFile(files.validations);
  const sources = {
    actions: files.actions ? new SourceFile(files.actions) : null,
    data: files.data ? new SourceFile(files.data) : null,
  };
  const fieldLine = (column: string) =>
    source.line(
      new RegExp(`^\\s*${column}:`),
      new RegExp(`export const ${names.createSchema}\\b`),
    );

  // The list: its orders (newest first, then each sortable field), its filters (enum, bool,
  // ref, date and timestamptz fields), its search (any searchable field).
  const own = spec.fields.filter((f) => !f.fixed);
  const sortKeys = [
    "created_at",
    ...own.filter((f) => f.sortable).map((f) => f.column),
  ];
  const FILTERED = ["enum", "bool", "ref", "date", "timestamptz"];
  const filters = own.filter((f) => FILTERED.includes(f.type));
  const searchable = own.some((f) => f.searchable);
  /** A value a row holds in a sort column. */
  const sortValue = (sort: string): unknown => {
    const field = own.find((f) => f.column === sort);
    return field ? validValue(field) : CREATED_AT;
  };
  const decodedCursor = (
    order: { sort: string; direction: string },
    value: unknown = sortValue(order.sort),
  ) => ({ ...order, value, id: ROW_ID });
  /** A cursor as a page's `nextCursor` gives it: base64url JSON. */
  const cursorOf = (
    order: { sort: string; direction: string },
    value?: unknown,
  ) =>
    Buffer.from(JSON.stringify(decodedCursor(order, value))).toString(
      "base64url",
    );
  /** A value a filter takes: a member, true, an id, a range. */
  const filterValue = (f: FieldSpec): unknown => {
    switch (f.type) {
      case "bool":
        return true;
      case "ref":
        return "77777777-7777-4777-8777-777777777777";
      case "date":
        return { from: "2025-01-01", to: "2025-12-31" };
      case "timestamptz":
        return {
          from: "2025-01-01T00:00:00Z",
          to: "2025-12-31T23:59:59.999999+02:00",
        };
      default:
        return f.enumValues?.at(-1);
    }
  };

  /** Every field with a value its column takes. */
  const validInput: Record<string, unknown> = Object.fromEntries(
    spec.fields.map((f) => [f.column, validValue(f)]),
  );
  const row = (overrides: Record<string, unknown> = {}) => {
    const values: Record<string, unknown> = {};
    // Every column a read selects: all but the generated search column.
    for (const column of spec.columns) {
      if (column.name !== "search_vector") values[column.name] = null;
    }
    Object.assign(values, validInput, {
      id: ROW_ID,
      created_at: CREATED_AT,
      updated_at: CREATED_AT,
    });
    if (spec.ownerColumn) values[spec.ownerColumn] = OWNER;
    return { ...values, ...overrides };
  };

  describe(`${spec.case}: ${spec.command}`, () => {
    describe(`${files.validations}: ${names.createSchema} mirrors the SQL constraints`, () => {
      const create = schema(names.createSchema);
      const update = schema(names.updateSchema);

      it("accepts a complete valid object unchanged", () => {
        const result = create.safeParse(validInput);
        expect(
          result.success,
          `${source.line(new RegExp(`export const ${names.createSchema}\\b`))}: ${issues(result)}`,
        ).toBe(true);
        expect(result.data).toEqual(validInput);
      });

      it("drops keys that are not fields (id, owner, timestamps)", () => {
        const result = create.safeParse({ ...validInput, ...FORGED });
        expect(result.success).toBe(true);
        expect(Object.keys(result.data as object).sort()).toEqual(
          Object.keys(validInput).sort(),
        );
      });

      it("an empty input means null where the field takes null, and not given elsewhere", () => {
        for (const field of spec.fields.filter((f) => !f.fixed)) {
          for (const empty of ["", " \t "]) {
            const form = toForm(validInput, formFields);
            form.set(field.column, empty);
            const parsed = parseInput(create, form, formFields);
            const data = parsed.data as Record<string, unknown> | undefined;
            const where = `${fieldLine(field.column)}: ${field.column} = ${JSON.stringify(empty)}`;
            if (field.optional) {
              expect(data?.[field.column], where).toBeNull();
            } else if (field.default !== null) {
              expect(parsed.success, `${where}: ${issues(parsed)}`).toBe(true);
              expect(data && field.column in data, where).toBe(false);
            } else {
              expect(parsed.success, where).toBe(false);
            }
          }
        }
      });

      for (const field of spec.fields) {
        const c = field.column;
        const samples = samplesFor(field);
        describe(c, () => {
          it.each(cases(samples.accepted))("accepts %s", (_, sample) => {
            const result = create.safeParse({
              ...validInput,
              [c]: sample.value,
            });
            expect(
              result.success,
              `${fieldLine(c)}: ${names.createSchema} must accept ${c} = ${show(sample.value)} (${sample.because}); Zod said: ${issues(result)}`,
            ).toBe(true);
            expect((result.data as Record<string, unknown>)[c]).toEqual(
              sample.value,
            );
          });

          it.each(cases([...samples.rejected, ...samples.stricter]))(
            "rejects %s",
            (_, sample) => {
              for (const [name, s, input] of [
                [
                  names.createSchema,
                  create,
                  { ...validInput, [c]: sample.value },
                ],
                ...(field.fixed
                  ? []
                  : ([
                      [names.updateSchema, update, { [c]: sample.value }],
                    ] as const)),
              ] as const) {
                const result = s.safeParse(input);
                expect(
                  result.success,
                  `${fieldLine(c)}: ${name} must reject ${c} = ${show(sample.value)} (${sample.because}), but accepted it`,
                ).toBe(false);
                expect(
                  result.error?.issues.map((i) => i.path.join(".")),
                  `${fieldLine(c)}: the error must name the field`,
                ).toContain(c);
              }
            },
          );

          const required = !field.optional && field.default === null;
          it(
            required
              ? "is required (not null, no default)"
              : "may be left out (the database default or null applies)",
            () => {
              const { [c]: _, ...without } = validInput;
              const result = create.safeParse(without);
              expect(
                result.success,
                `${fieldLine(c)}: leaving ${c} out must be ${required ? "rejected" : "accepted"}; ${issues(result)}`,
              ).toBe(!required);
              if (result.success) {
                expect(result.data).not.toHaveProperty(c);
              }
            },
          );
        });
      }
    });

    describe(`${files.validations}: ${names.updateSchema}, ${names.idSchema}, ${names.listSchema}`, () => {
      const update = schema(names.updateSchema);

      const changeable = spec.fields.filter((f) => !f.fixed);
      it.each(changeable.map((f) => [f.column, f] as const))(
        "changes %s alone",
        (c, field) => {
          const result = update.safeParse({ [c]: validValue(field) });
          expect(result.success, `${fieldLine(c)}: ${issues(result)}`).toBe(
            true,
          );
          expect(result.data).toEqual({ [c]: validValue(field) });
        },
      );

      it("rejects a change of nothing, and one of only ids and owners", () => {
        expect(update.safeParse({}).success).toBe(false);
        expect(update.safeParse(FORGED).success).toBe(false);
      });

      for (const field of spec.fields.filter((f) => f.fixed)) {
        it(`never changes ${field.column}`, () => {
          const other = changeable[0];
          const value = "55555555-5555-4555-8555-555555555555";
          expect(
            update.safeParse({ [field.column]: value }).success,
            `${source.line(new RegExp(`export const ${names.updateSchema}\\b`))}: a change of only ${field.column}`,
          ).toBe(false);
          if (other) {
            const change = { [other.column]: validValue(other) };
            expect(update.parse({ ...change, [field.column]: value })).toEqual(
              change,
            );
          }
        });
      }

      it("accepts canonical uuids as ids, nothing else", () => {
        const id = schema(names.idSchema);
        expect(id.safeParse(ROW_ID).success).toBe(true);
        for (const bad of ["", "1", "not-a-uuid", `${ROW_ID}x`, 42, null]) {
          expect(id.safeParse(bad).success, show(bad)).toBe(false);
        }
      });

      describe(names.listSchema, () => {
        const list = schema(names.listSchema);
        // A workspace resource is listed per workspace.
        const scope =
          spec.mode === "workspace"
            ? { workspaceId: "66666666-6666-4666-8666-666666666666" }
            : {};
        const where = source.line(
          new RegExp(`export const ${names.listSchema}\\b`),
        );

        it("newest first, 20 rows, no cursor, no total by default; at most 100 rows", () => {
          expect(list.parse(scope), where).toEqual({
            ...scope,
            sort: "created_at",
            direction: "desc",
            pageSize: 20,
          });
          for (const bad of [
            { pageSize: 0 },
            { pageSize: 101 },
            { pageSize: 1.5 },
            { sort: "id" },
            { sort: "user_id" },
            { direction: "up" },
            { total: "planned" },
            { total: true },
            { after: "" },
            { after: "not a cursor" },
            {
              after: cursorOf({ sort: "created_at", direction: "desc" }).slice(
                1,
              ),
            },
          ]) {
            expect(
              list.safeParse({ ...scope, ...bad }).success,
              `${where}: ${show(bad)}`,
            ).toBe(false);
          }
          if (spec.mode === "workspace") {
            expect(list.safeParse({}).success, "without its workspace").toBe(
              false,
            );
            expect(list.safeParse({ workspaceId: "1" }).success).toBe(false);
          }
        });

        it(`sorts by ${sortKeys.join(", ")}, either way`, () => {
          for (const sort of sortKeys) {
            for (const direction of ["asc", "desc"]) {
              expect(
                list.safeParse({ ...scope, sort, direction }).success,
                `${where}: ${sort} ${direction}`,
              ).toBe(true);
            }
          }
        });

        it("takes a cursor of its own order only, holding a value of the sort column", () => {
          for (const sort of sortKeys) {
            const after = cursorOf({ sort, direction: "asc" });
            expect(
              (
                list.parse({ ...scope, sort, direction: "asc", after }) as {
                  after?: unknown;
                }
              ).after,
              `${where}: a cursor of ${sort} asc`,
            ).toEqual(decodedCursor({ sort, direction: "asc" }));
            for (const other of [
              { sort, direction: "desc" },
              ...sortKeys
                .filter((k) => k !== sort)
                .map((k) => ({ sort: k, direction: "asc" })),
            ]) {
              const result = list.safeParse({ ...scope, ...other, after });
              expect(
                result.error?.issues.map((i) => i.path.join(".")),
                `${where}: a cursor of ${sort} asc used for ${show(other)}`,
              ).toEqual(["after"]);
            }
          }
          const wrongValue = cursorOf(
            { sort: "created_at", direction: "desc" },
            "yesterday",
          );
          expect(
            list.safeParse({ ...scope, after: wrongValue }).success,
            `${where}: created_at is a timestamp`,
          ).toBe(false);
        });

        it(
          filters.length > 0
            ? `filters by ${filters.map((f) => f.column).join(", ")}`
            : "has no filters",
          () => {
            const filter = Object.fromEntries(
              filters.map((f) => [f.column, filterValue(f)]),
            );
            const parsed = list.safeParse({ ...scope, filter });
            if (filters.length === 0) {
              expect(
                parsed.success && "filter" in (parsed.data as object),
              ).toBe(false);
              return;
            }
            expect(parsed.success, `${where}: ${issues(parsed)}`).toBe(true);
            expect((parsed.data as { filter: unknown }).filter).toEqual(filter);
            for (const f of filters) {
              const bad =
                f.type === "date" || f.type === "timestamptz"
                  ? { from: "someday" }
                  : "not a value";
              expect(
                list.safeParse({ ...scope, filter: { [f.column]: bad } })
                  .success,
                `${where}: filter ${f.column} = ${show(bad)}`,
              ).toBe(false);
            }
          },
        );

        it(
          searchable
            ? "searches a trimmed term with a letter or digit, at most 100 characters"
            : "has no search",
          () => {
            const parsed = list.safeParse({ ...scope, search: "  ada  " });
            if (!searchable) {
              expect(
                parsed.success && "search" in (parsed.data as object),
              ).toBe(false);
              return;
            }
            expect((parsed.data as { search?: string }).search).toBe("ada");
            for (const bad of ["", "   ", "!!!", "a".repeat(101)]) {
              expect(
                list.safeParse({ ...scope, search: bad }).success,
                `${where}: search ${show(bad)}`,
              ).toBe(false);
            }
          },
        );
      });
    });

    describe(`${files.validations}: FormData parses the same as the equivalent object`, () => {
      const create = schema(names.createSchema);
      const update = schema(names.updateSchema);

      it(`reads each field as its column's kind (${names.formFields})`, () => {
        const expected = Object.fromEntries(
          spec.fields.map((f) => [f.column, formKind(f)]),
        );
        expect(
          formFields,
          `${source.line(new RegExp(`export const ${names.formFields}\\b`))}`,
        ).toEqual(expected);
      });

      it("a complete form, with forged id and owner fields that are ignored", () => {
        const form = toForm({ ...validInput, ...FORGED }, formFields);
        const fromForm = parseInput(create, form, formFields);
        expect(fromForm.success, issues(fromForm)).toBe(true);
        expect(fromForm.data).toEqual(
          parseInput(create, validInput, formFields).data,
        );
      });

      it("a form with one field changes only that field", () => {
        for (const field of spec.fields.filter((f) => !f.fixed)) {
          const value = validValue(field);
          const form = toForm({ [field.column]: value }, formFields);
          expect(parseInput(update, form, formFields).data).toEqual({
            [field.column]: value,
          });
        }
      });

      for (const field of spec.fields) {
        const c = field.column;
        const samples = samplesFor(field);
        const all = [
          ...samples.accepted,
          ...samples.rejected,
          ...samples.stricter,
        ].filter(
          (s) =>
            formText(s.value, formKind(field), field.optional) !== undefined,
        );
        if (all.length === 0) continue;
        it.each(cases(all))(`${c} = %s`, (_, sample) => {
          const object = { ...validInput, [c]: sample.value };
          const fromObject = parseInput(create, object, formFields);
          const fromForm = parseInput(
            create,
            toForm(object, formFields),
            formFields,
          );
          const where = `${fieldLine(c)}: ${c} = ${show(sample.value)} as form text ${show(formText(sample.value, formKind(field)))}`;
          expect(fromForm.success, `${where}: ${issues(fromForm)}`).toBe(
            fromObject.success,
          );
          expect(fromForm.data, where).toEqual(fromObject.data);
        });
      }
    });

    describe(`${[files.actions, files.data].filter(Boolean).join(", ")}: the actions and reads against a recording Supabase client`, () => {
      // `--actions` writes only some of the five; every test of an action that was not
      // written is left out, and the module must not export it.
      const present = new Set(spec.actions);
      const lazy =
        (kind: (typeof kinds)[number]): Action =>
        (...args) =>
          action(kind)(...args);
      const create = lazy("create");
      const update = lazy("update");
      const remove = lazy("delete");
      const get = lazy("get");
      const list = lazy("list");
      /** Create and update as `useActionState` calls them: `(state, formData)`. */
      const createForm = (form: FormData) =>
        (action("create") as unknown as FormAction)(initialFormState, form);
      const updateForm = (id: string, form: FormData) =>
        (action("update") as unknown as FormAction)(id, initialFormState, form);

      it(`exports exactly the functions asked for (${spec.actions.join(", ")}), mutations as server actions and reads in the data layer`, () => {
        for (const kind of kinds) {
          const { module, file } = home(kind);
          const value = (module as Record<string, unknown>)[names[kind]];
          expect(
            typeof value,
            `${file}: ${names[kind]} ${present.has(kind) ? "must" : "must not"} be exported`,
          ).toBe(present.has(kind) ? "function" : "undefined");
        }
        for (const [module, kinds] of [
          [modules.actions, ["get", "list"]],
          [modules.data, ["create", "update", "delete"]],
        ] as const) {
          for (const kind of kinds) {
            expect(
              (module as Record<string, unknown>)[names[kind]],
              `${names[kind]} is not exported from the other module`,
            ).toBeUndefined();
          }
        }
      });
      const publicRead = spec.mode === "public-read";
      const workspace = spec.mode === "workspace";
      const tenant = spec.mode === "tenant";
      const WORKSPACE = "66666666-6666-4666-8666-666666666666";
      const listInput = workspace ? { workspaceId: WORKSPACE } : {};
      const schemaColumns = {
        [spec.table]: spec.columns.map((c) => c.name),
        ...spec.schema,
      };
      const firstField = spec.fields.find((f) => !f.fixed);
      if (!firstField) throw new Error(`${spec.case}: a spec without fields`);
      const change = { [firstField.column]: validValue(firstField) };
      /** `file:line` of a function's export, in whichever module it lives. */
      const line = (name: string) => {
        const kind = kinds.find((k) => names[k] === name) ?? "create";
        const source = (MUTATIONS as readonly string[]).includes(kind)
          ? sources.actions
          : sources.data;
        return (
          source?.line(
            new RegExp(`export (async function|const) ${name}\\b`),
          ) ?? `${name} (not written)`
        );
      };

      const fileFields = spec.uploads?.fields ?? [];
      /** A signed download URL of the fake Storage for an object. */
      const downloadUrl = (bucket: string, path: string) =>
        expect.stringMatching(
          new RegExp(
            `^${escape(`${SUPABASE_URL}/storage/v1/object/sign/${bucket}/${path}`)}\\?token=`,
          ),
        );
      /** A row as reads return it: with file fields, a signed URL for each file it has. */
      const read = (values: Record<string, unknown>) =>
        spec.uploads
          ? {
              ...values,
              signedUrls: Object.fromEntries(
                fileFields.map((f) => {
                  const path = values[f.column];
                  return [
                    f.column,
                    typeof path === "string"
                      ? downloadUrl(f.bucket, path)
                      : null,
                  ];
                }),
              ),
            }
          : values;
      /** The Storage requests that sign the files of these rows: one per field with any. */
      const signingRequests = (rows: Record<string, unknown>[]) =>
        fileFields.flatMap((f) => {
          const paths = rows.flatMap((r) => {
            const path = r[f.column];
            return typeof path === "string" ? [path] : [];
          });
          return paths.length === 0
            ? []
            : [
                {
                  method: "POST",
                  route: "object/sign",
                  bucket: f.bucket,
                  body: { expiresIn: 300, paths },
                },
              ];
        });
      /** The Storage requests that remove these objects, field by field. */
      const removals = (paths: Record<string, unknown>) =>
        fileFields.flatMap((f) => {
          const path = paths[f.column];
          return typeof path === "string"
            ? [
                {
                  method: "DELETE",
                  route: "object",
                  bucket: f.bucket,
                  body: { prefixes: [path] },
                },
              ]
            : [];
        });
      const storageCalls = () =>
        supabase.storageRequests.map(({ method, route, bucket, body }) => ({
          method,
          route,
          bucket,
          body,
        }));

      beforeEach(() => {
        supabase.reset();
        supabase.useSchema(schemaColumns);
        supabase.useBuckets(spec.buckets);
        vi.spyOn(console, "error").mockImplementation(() => {});
      });
      afterEach(() => {
        expect(
          supabase.schemaErrors,
          "the generated code used a table or column the database does not have",
        ).toEqual([]);
        vi.useRealTimers();
        vi.restoreAllMocks();
      });

      const noQuery = (where: string) => {
        expect(
          supabase.requests.map((r) => `${r.method} ${r.table}?${r.params}`),
          `${where}: must not query the database`,
        ).toEqual([]);
        expect(
          cacheMocks.revalidatePath,
          `${where}: nothing to revalidate`,
        ).not.toHaveBeenCalled();
      };
      /** The one request the action made: its method, table and `id` filter. */
      const onlyRequest = (where: string, method: string, id?: string) => {
        expect(
          supabase.requests.map((r) => ({
            method: r.method,
            table: r.table,
            id: r.params.get("id"),
          })),
          `${where}: expected exactly one ${method} of ${spec.table}`,
        ).toEqual([
          {
            method,
            table: spec.table,
            id: id === undefined ? null : `eq.${id}`,
          },
        ]);
        return supabase.requests[0] as RecordedRequest;
      };
      const failed = (result: Result, code: string, where: string) => {
        expect(result, `${where}: expected a "${code}" failure`).toMatchObject({
          ok: false,
          error: { code, message: expect.any(String) },
        });
        return (result as ActionFailure).error;
      };
      /** A rate limit's failure carries the seconds to wait the database gave (17). */
      const expectRetry = (code: string, error: ActionFailure["error"]) => {
        if (code === "rate_limited") {
          expect(error.retryAfter, "the seconds to wait, from the error's details").toBe(17);
          expect(error.message).toMatch(/17 seconds/);
        }
      };

      /** Runs an action to the end, fast-forwarding supabase-js' retry back-off. */
      const settle = async (pending: Promise<Result>) => {
        await vi.runAllTimersAsync();
        return pending;
      };
      const invalidSamples = spec.fields.flatMap((f) => {
        const s = samplesFor(f).rejected.find((x) => x.value !== null);
        return s ? [[f.column, s] as const] : [];
      });
      /** Per field, a rejected value a browser can submit as form text. */
      const formInvalidSamples = spec.fields.flatMap((f) => {
        const s = samplesFor(f).rejected.find(
          (x) =>
            x.value !== null &&
            formText(x.value, formKind(f), f.optional) !== undefined,
        );
        return s ? [[f.column, s] as const] : [];
      });
      /** A workspace resource's workspace, fixed once created: never in an update. */
      const fixedColumn = spec.fields.find((f) => f.fixed)?.column;
      /** The text a form of these values submits for the form's own fields, as the state
       * must echo it back (keys that are not fields, such as forged ids, are not echoed). */
      const submittedValues = (input: Record<string, unknown>) =>
        Object.fromEntries(
          Object.entries(input).flatMap(([k, v]) => {
            const text =
              k in formFields
                ? formText(v, formFields[k] ?? "text")
                : undefined;
            return text === undefined ? [] : [[k, text]];
          }),
        );
      const expectFormError = (
        state: FormStateValue,
        where: string,
        want: { field: string; values: Record<string, string> },
      ) => {
        expect(state.status, `${where}: ${JSON.stringify(state)}`).toBe(
          "error",
        );
        expect(state.message, where).toEqual(expect.any(String));
        expect(
          Object.keys(state.fieldErrors ?? {}),
          `${where}: the error names the field`,
        ).toContain(want.field);
        expect(
          state.fieldErrors?.[want.field]?.[0],
          `${where}: a message for the field`,
        ).toEqual(expect.any(String));
        expect(state.values, `${where}: the submitted values`).toEqual(
          want.values,
        );
        expect(state.data, where).toBeUndefined();
      };

      const signedOut = (
        [
          ["create", names.create, () => create(validInput)],
          ["update", names.update, () => update(ROW_ID, change)],
          ["delete", names.delete, () => remove(ROW_ID)],
          ["get", names.get, () => get(ROW_ID)],
          ["list", names.list, () => list(listInput)],
        ] as const
      )
        .filter(([kind]) => present.has(kind))
        .filter(
          ([kind]) => !(publicRead && (kind === "get" || kind === "list")),
        )
        .map(([, name, run]): [string, () => Promise<Result>] => [name, run]);
      if (signedOut.length > 0)
        it.each(signedOut)(
          "%s: a signed-out caller, or one whose token fails verification, gets unauthorized and no query",
          async (name, run) => {
            for (const expired of [false, true]) {
              supabase.signOut(expired);
              const result = await run();
              failed(result, "unauthorized", line(name));
              noQuery(line(name));
            }
            // Identity is checked with getClaims, which verifies the token; never getSession.
            expect(supabase.authCalls, line(name)).toEqual([
              "getClaims",
              "getClaims",
            ]);
          },
        );

      if (publicRead && present.has("get")) {
        it(`${names.get}: anyone may read, signed in or not`, async () => {
          supabase.signOut();
          supabase.reply({ rows: [row()] });
          expect(await get(ROW_ID), line(names.get)).toEqual({
            ok: true,
            data: read(row()),
          });
          expect(storageCalls(), line(names.get)).toEqual(
            signingRequests([row()]),
          );
          expect(supabase.requests.map((r) => r.method)).toEqual(["GET"]);
        });
      }
      if (publicRead && present.has("list")) {
        it(`${names.list}: anyone may read, signed in or not`, async () => {
          supabase.signOut();
          supabase.reply({ rows: [row()] });
          expect(await list(listInput), line(names.list)).toMatchObject({
            ok: true,
            data: { items: [row()] },
          });
          expect(supabase.requests.map((r) => r.method)).toEqual(["GET"]);
        });
      }

      const describeAction = (
        kind: (typeof kinds)[number],
        body: () => void,
      ) => {
        if (present.has(kind)) describe(names[kind], body);
      };

      describeAction("create", () => {
        it.each(invalidSamples)(
          "invalid %s never reaches the database",
          async (c, sample: Sample) => {
            supabase.signIn(OWNER);
            const result = await create({ ...validInput, [c]: sample.value });
            const error = failed(result, "validation", line(names.create));
            expect(Object.keys(error.fieldErrors ?? {})).toContain(c);
            noQuery(line(names.create));
          },
        );

        /** Scripts the database's answers to a successful create. */
        const replyCreated = () =>
          tenant
            ? // The insert returns nothing; the row is read back by its new id.
              supabase.reply({ rows: [] }, { rows: [row()] })
            : supabase.reply({ rows: [row()] });

        it("inserts the parsed input, with the owner from the session only, and revalidates", async () => {
          supabase.signIn(OWNER);
          replyCreated();
          const result = await create({ ...validInput, ...FORGED });
          expect(result, line(names.create)).toEqual({ ok: true, data: row() });
          const where = `${line(names.create)}: the insert takes ids and owners from the session, never from the input`;
          const [insert, readBack, ...more] = supabase.requests;
          expect(more).toEqual([]);
          expect(insert?.method, where).toBe("POST");
          expect(insert?.table, where).toBe(spec.table);
          if (tenant) {
            // A fresh id made on the server, then that row read back.
            const { id, ...rest } = insert?.body as Record<string, unknown>;
            expect(rest, where).toEqual({ ...validInput, created_by: OWNER });
            expect(id, where).toMatch(/^[0-9a-f-]{36}$/);
            expect(id, where).not.toBe(FORGED.id);
            expect(readBack?.method, where).toBe("GET");
            expect(readBack?.params.get("id"), where).toBe(`eq.${String(id)}`);
            expect(readBack?.headers["accept"]).toMatch(/vnd\.pgrst\.object/);
          } else {
            expect(readBack, where).toBeUndefined();
            expect(insert?.body, where).toEqual(
              spec.ownerColumn
                ? { ...validInput, [spec.ownerColumn]: OWNER }
                : validInput,
            );
            expect(insert?.headers["accept"]).toMatch(/vnd\.pgrst\.object/);
          }
          expect(cacheMocks.revalidatePath).toHaveBeenCalledWith(spec.route);
        });

        it("as a form action: the same insert as the object, forged ids and owners ignored, and a success state with the row", async () => {
          supabase.signIn(OWNER);
          replyCreated();
          await create(validInput);
          const fromObject = supabase.requests[0]?.body as Record<
            string,
            unknown
          >;
          supabase.requests = [];
          cacheMocks.revalidatePath.mockClear();
          replyCreated();
          const state = await createForm(
            toForm({ ...validInput, ...FORGED }, formFields),
          );
          expect(state, line(names.create)).toEqual({
            status: "success",
            data: row(),
          });
          const fromForm = supabase.requests[0]?.body as Record<
            string,
            unknown
          >;
          // A tenant root's new id is random; everything else is the same.
          const { id: _a, ...objectBody } = fromObject;
          const { id: _b, ...formBody } = fromForm;
          expect(formBody, line(names.create)).toEqual(objectBody);
          expect(cacheMocks.revalidatePath).toHaveBeenCalledWith(spec.route);
        });

        it.each(formInvalidSamples)(
          "as a form action: invalid %s answers its message and the submitted values to refill the form, with no query",
          async (c, sample: Sample) => {
            supabase.signIn(OWNER);
            const input = { ...validInput, [c]: sample.value };
            const state = await createForm(
              toForm({ ...input, ...FORGED }, formFields),
            );
            expectFormError(state, line(names.create), {
              field: c,
              values: submittedValues(input),
            });
            noQuery(line(names.create));
          },
        );

        it("as a form action: a file is never echoed back, a signed-out caller gets the message and the values", async () => {
          supabase.signIn(OWNER);
          const form = toForm(validInput, formFields);
          const first = spec.fields[0];
          if (!first) throw new Error(`${spec.case}: a spec without fields`);
          form.set(first.column, new File(["%PDF"], "invoice.pdf"));
          const state = await createForm(form);
          expect(state.status, line(names.create)).toBe("error");
          expect(state.values, line(names.create)).not.toHaveProperty(
            first.column,
          );
          noQuery(line(names.create));

          supabase.signOut();
          const signedOut = await createForm(toForm(validInput, formFields));
          expect(signedOut, line(names.create)).toEqual({
            status: "error",
            message: expect.any(String),
            values: submittedValues(validInput),
          });
          noQuery(line(names.create));
        });

        it.each(writeErrors(spec.table, "insert"))(
          "maps %s to %s, without revalidating",
          async (_, code, reply) => {
            supabase.signIn(OWNER);
            supabase.reply(reply());
            expectRetry(code, failed(await create(validInput), code, line(names.create)));
            expect(cacheMocks.revalidatePath).not.toHaveBeenCalled();
          },
        );
      });

      describeAction("update", () => {
        const invalidUpdates: [string, () => Promise<Result>][] = [
          ["an id that is not a uuid", () => update("42", change)],
          ["no field to change", () => update(ROW_ID, {})],
          ["only ids and owners", () => update(ROW_ID, FORGED)],
          ...invalidSamples.map(([c, s]): [string, () => Promise<Result>] => [
            `invalid ${c}: ${show(s.value)}`,
            () => update(ROW_ID, { [c]: s.value }),
          ]),
        ];
        it.each(invalidUpdates)(
          "%s never reaches the database",
          async (_, run) => {
            supabase.signIn(OWNER);
            failed(await run(), "validation", line(names.update));
            noQuery(line(names.update));
          },
        );

        it("changes only the given fields of that row, never its owner, and revalidates", async () => {
          supabase.signIn(OWNER);
          supabase.reply({ rows: [row(change)] });
          const fixed = Object.fromEntries(
            spec.fields
              .filter((f) => f.fixed)
              .map((f) => [f.column, WORKSPACE]),
          );
          const result = await update(ROW_ID, {
            ...change,
            ...FORGED,
            ...fixed,
          });
          expect(result, line(names.update)).toEqual({
            ok: true,
            data: row(change),
          });
          const request = onlyRequest(line(names.update), "PATCH", ROW_ID);
          expect(request.body, line(names.update)).toEqual(change);
          expect(cacheMocks.revalidatePath).toHaveBeenCalledWith(spec.route);
          expect(cacheMocks.revalidatePath).toHaveBeenCalledWith(
            `${spec.route}/${ROW_ID}`,
          );
        });

        it("as a form action: a form with one field makes the same change as the object, and a success state with the row", async () => {
          supabase.signIn(OWNER);
          supabase.reply({ rows: [row(change)] }, { rows: [row(change)] });
          await update(ROW_ID, change);
          const state = await updateForm(ROW_ID, toForm(change, formFields));
          const [fromObject, fromForm] = supabase.requests;
          expect(fromForm?.body, line(names.update)).toEqual(fromObject?.body);
          expect(state, line(names.update)).toEqual({
            status: "success",
            data: row(change),
          });
        });

        it.each(formInvalidSamples.filter(([c]) => c !== fixedColumn))(
          "as a form action: invalid %s answers its message and the submitted values, with no query",
          async (c, sample: Sample) => {
            supabase.signIn(OWNER);
            const input = { [c]: sample.value };
            const state = await updateForm(ROW_ID, toForm(input, formFields));
            expectFormError(state, line(names.update), {
              field: c,
              values: submittedValues(input),
            });
            noQuery(line(names.update));
          },
        );

        it("as a form action: a row that is not there answers not found with the values, no field errors", async () => {
          supabase.signIn(OWNER);
          supabase.reply({ rows: [] });
          const state = await updateForm(ROW_ID, toForm(change, formFields));
          expect(state, line(names.update)).toEqual({
            status: "error",
            message: expect.any(String),
            values: submittedValues(change),
          });
          expect(cacheMocks.revalidatePath).not.toHaveBeenCalled();
        });

        it("a row that is not there, or not yours (RLS hides it), is not found", async () => {
          supabase.signIn(OWNER);
          supabase.reply({ rows: [] });
          failed(await update(ROW_ID, change), "not_found", line(names.update));
          expect(supabase.requests).toHaveLength(1);
          expect(cacheMocks.revalidatePath).not.toHaveBeenCalled();
        });

        it.each(writeErrors(spec.table, "update"))(
          "maps %s to %s, without revalidating",
          async (_, code, reply) => {
            supabase.signIn(OWNER);
            supabase.reply(reply());
            expectRetry(code, failed(await update(ROW_ID, change), code, line(names.update)));
            expect(cacheMocks.revalidatePath).not.toHaveBeenCalled();
          },
        );
      });

      describeAction("delete", () => {
        it("an id that is not a uuid never reaches the database", async () => {
          supabase.signIn(OWNER);
          failed(await remove("42"), "validation", line(names.delete));
          noQuery(line(names.delete));
        });

        it("deletes that row, then its files, and revalidates", async () => {
          supabase.signIn(OWNER);
          supabase.reply({ rows: [spec.uploads ? row() : { id: ROW_ID }] });
          expect(await remove(ROW_ID), line(names.delete)).toEqual({
            ok: true,
            data: { id: ROW_ID },
          });
          onlyRequest(line(names.delete), "DELETE", ROW_ID);
          expect(storageCalls(), line(names.delete)).toEqual(removals(row()));
          expect(cacheMocks.revalidatePath).toHaveBeenCalledWith(spec.route);
          expect(cacheMocks.revalidatePath).toHaveBeenCalledWith(
            `${spec.route}/${ROW_ID}`,
          );
        });

        it("a row that is not there, or not yours, is not found", async () => {
          supabase.signIn(OWNER);
          supabase.reply({ rows: [] });
          failed(await remove(ROW_ID), "not_found", line(names.delete));
          expect(cacheMocks.revalidatePath).not.toHaveBeenCalled();
        });

        it.each(writeErrors(spec.table, "delete"))(
          "maps %s to %s, without revalidating",
          async (_, code, reply) => {
            supabase.signIn(OWNER);
            supabase.reply(reply());
            expectRetry(code, failed(await remove(ROW_ID), code, line(names.delete)));
            expect(cacheMocks.revalidatePath).not.toHaveBeenCalled();
          },
        );
      });

      describeAction("get", () => {
        it("an id that is not a uuid never reaches the database", async () => {
          supabase.signIn(OWNER);
          failed(await get("42"), "validation", line(names.get));
          noQuery(line(names.get));
        });

        it("reads that row, and revalidates nothing", async () => {
          supabase.signIn(OWNER);
          supabase.reply({ rows: [row()] });
          expect(await get(ROW_ID), line(names.get)).toEqual({
            ok: true,
            data: read(row()),
          });
          expect(storageCalls(), line(names.get)).toEqual(
            signingRequests([row()]),
          );
          onlyRequest(line(names.get), "GET", ROW_ID);
          expect(cacheMocks.revalidatePath).not.toHaveBeenCalled();
        });

        it("a row that is not there, or not visible, is not found", async () => {
          supabase.signIn(OWNER);
          supabase.reply({ rows: [] });
          failed(await get(ROW_ID), "not_found", line(names.get));
        });

        it.each(readErrors())("maps %s to %s", async (_, code, reply) => {
          vi.useFakeTimers();
          supabase.signIn(OWNER);
          for (let i = 0; i < 4; i++) supabase.reply(reply());
          failed(await settle(get(ROW_ID)), code, line(names.get));
        });
      });

      if (present.has("create") && spec.rateLimits.create) {
        it(`${names.create}: past the limit, a form gets the message, the seconds to wait and its values back`, async () => {
          supabase.signIn(OWNER);
          supabase.reply(postgrest.rateLimited(spec.rateLimits.create!, 17));
          const state = await createForm(toForm(validInput, formFields));
          expect(state, line(names.create)).toEqual({
            status: "error",
            message: expect.stringMatching(/17 seconds/),
            retryAfter: 17,
            values: submittedValues(validInput),
          });
          expect(cacheMocks.revalidatePath).not.toHaveBeenCalled();
        });
      }

      for (const kind of ["get", "list"] as const) {
        const key = spec.rateLimits[kind];
        if (!present.has(kind) || !key) continue;
        const read = () => (kind === "get" ? get(ROW_ID) : list(listInput));
        const replyRows = () =>
          supabase.reply(
            kind === "get" ? { rows: [row()] } : { rows: [row()], total: 1 },
          );
        const calls = () =>
          supabase.rateLimitCalls.map((c) => ({
            call: c.table,
            body: c.body,
            key: c.headers["apikey"],
          }));
        it(`${names[kind]}: counts the read against the signed-in user's budget (${key}) first`, async () => {
          supabase.signIn(OWNER);
          replyRows();
          expect((await read()).ok, line(names[kind])).toBe(true);
          expect(calls(), line(names[kind])).toEqual([
            {
              call: "rpc/check_rate_limit",
              body: { action_key: key },
              key: "sb_publishable_test",
            },
          ]);
        });
        it(`${names[kind]}: past the budget, rate_limited with the seconds to wait, and no read`, async () => {
          supabase.signIn(OWNER);
          supabase.rateLimitWait = 12;
          const error = failed(await read(), "rate_limited", line(names[kind]));
          expect(error.retryAfter, line(names[kind])).toBe(12);
          expect(supabase.requests, line(names[kind])).toEqual([]);
        });
        if (publicRead) {
          it(`${names[kind]}: an anonymous read counts against its address, which only the secret key may name`, async () => {
            supabase.signOut();
            requestHeaders.set("x-forwarded-for", "203.0.113.7, 10.0.0.1");
            replyRows();
            expect((await read()).ok, line(names[kind])).toBe(true);
            expect(calls(), line(names[kind])).toEqual([
              {
                call: "rpc/check_ip_rate_limit",
                body: { action_key: key, client: "203.0.113.7" },
                key: "sb_secret_test",
              },
            ]);
          });
          it(`${names[kind]}: an anonymous read with no address to count by is not counted`, async () => {
            supabase.signOut();
            for (const forwarded of [null, "not-an-address"]) {
              if (forwarded) requestHeaders.set("x-forwarded-for", forwarded);
              replyRows();
              expect((await read()).ok, line(names[kind])).toBe(true);
            }
            expect(calls(), line(names[kind])).toEqual([]);
          });
        }
      }

      if (spec.audit) {
        const audit = spec.audit;
        const dataFile = files.data ?? "(no data module)";
        const history = (...args: unknown[]) =>
          (exported(modules.data, audit.history, dataFile) as Action)(...args);
        const activity = (...args: unknown[]) =>
          (exported(modules.data, audit.activity, dataFile) as Action)(...args);
        const activityInput = audit.ofWorkspace ? { workspaceId: WORKSPACE } : {};
        const where = (name: string) =>
          sources.data?.line(new RegExp(`export async function ${name}\\b`)) ??
          name;
        const entry = (id: number) => ({
          id,
          row_id: ROW_ID,
          [audit.scopeColumn]: audit.ofWorkspace ? WORKSPACE : OWNER,
          operation: "update",
          changed: [firstField.column],
          old_values: {},
          new_values: {},
          actor_id: OWNER,
          actor_role: "authenticated",
          changed_at: CREATED_AT,
        });
        const logRequest = (name: string) => {
          expect(
            supabase.requests.map((r) => `${r.method} ${r.table}`),
            `${where(name)}: one read of ${audit.table}`,
          ).toEqual([`GET ${audit.table}`]);
          return supabase.requests[0] as RecordedRequest;
        };

        describe(`${audit.history}, ${audit.activity}: the audit log, a page at a time`, () => {
          it("a signed-out caller gets unauthorized and no query", async () => {
            supabase.signOut();
            failed(await history(ROW_ID), "unauthorized", where(audit.history));
            failed(await activity(activityInput), "unauthorized", where(audit.activity));
            noQuery(where(audit.history));
          });

          it("invalid input never reaches the database", async () => {
            supabase.signIn(OWNER);
            for (const args of [
              ["42"],
              [ROW_ID, { limit: 0 }],
              [ROW_ID, { limit: 101 }],
              [ROW_ID, { before: 0 }],
              [ROW_ID, { before: 1.5 }],
            ]) {
              failed(await history(...args), "validation", where(audit.history));
            }
            failed(
              await activity({ ...activityInput, limit: 0 }),
              "validation",
              where(audit.activity),
            );
            if (audit.ofWorkspace) {
              failed(await activity({}), "validation", where(audit.activity));
            }
            noQuery(where(audit.history));
          });

          it("the history of one row: newest first, 20, and the cursor of the next page", async () => {
            supabase.signIn(OWNER);
            const rows = Array.from({ length: 21 }, (_, i) => entry(100 - i));
            supabase.reply({ rows });
            expect(await history(ROW_ID), where(audit.history)).toEqual({
              ok: true,
              data: { items: rows.slice(0, 20), next: 81 },
            });
            const request = logRequest(audit.history);
            expect(request.params.get("row_id")).toBe(`eq.${ROW_ID}`);
            expect(request.params.get("order")).toBe("id.desc");
            expect(request.params.get("limit")).toBe("21");
            expect(request.params.get("id")).toBeNull();
          });

          it("the page after a cursor; the last page has no next", async () => {
            supabase.signIn(OWNER);
            supabase.reply({ rows: [entry(5), entry(4)] });
            expect(
              await history(ROW_ID, { before: 6, limit: 2 }),
              where(audit.history),
            ).toEqual({ ok: true, data: { items: [entry(5), entry(4)], next: null } });
            const request = logRequest(audit.history);
            expect(request.params.get("id")).toBe("lt.6");
            expect(request.params.get("limit")).toBe("3");
          });

          it(`the recent activity of ${audit.ofWorkspace ? "a workspace" : "the signed-in owner"}`, async () => {
            supabase.signIn(OWNER);
            supabase.reply({ rows: [entry(3)] });
            expect(await activity(activityInput), where(audit.activity)).toEqual({
              ok: true,
              data: { items: [entry(3)], next: null },
            });
            const request = logRequest(audit.activity);
            expect(request.params.get(audit.scopeColumn)).toBe(
              `eq.${audit.ofWorkspace ? WORKSPACE : OWNER}`,
            );
            expect(request.params.get("row_id")).toBeNull();
            expect(request.params.get("order")).toBe("id.desc");
            expect(request.params.get("limit")).toBe("21");
          });

          it.each(readErrors())("maps %s to %s", async (_, code, reply) => {
            vi.useFakeTimers();
            supabase.signIn(OWNER);
            for (let i = 0; i < 4; i++) supabase.reply(reply());
            failed(await settle(history(ROW_ID)), code, where(audit.history));
          });
        });
      }

      describeAction("list", () => {
        /** The query string of the one request the list made. */
        const listRequest = () => onlyRequest(line(names.list), "GET");
        const rows = (count: number) =>
          Array.from({ length: count }, (_, i) =>
            row({
              id: `${String(i).padStart(8, "0")}-3333-4333-8333-333333333333`,
            }),
          );

        it("reads 21 rows newest first (ties by id) for a page of 20, with no count and no offset", async () => {
          supabase.signIn(OWNER);
          supabase.reply({ rows: [row()] });
          expect(await list(listInput), line(names.list)).toEqual({
            ok: true,
            data: { items: [read(row())], nextCursor: null, total: null },
          });
          expect(storageCalls(), line(names.list)).toEqual(
            signingRequests([row()]),
          );
          const request = listRequest();
          expect(request.params.get("order")).toBe("created_at.desc,id.desc");
          expect(request.params.get("limit")).toBe("21");
          expect(request.params.get("offset")).toBeNull();
          expect(request.params.getAll("or")).toEqual([]);
          expect(request.params.get("workspace_id")).toBe(
            workspace ? `eq.${WORKSPACE}` : null,
          );
          expect(request.headers["prefer"] ?? "").not.toMatch(/count=/);
          expect(cacheMocks.revalidatePath).not.toHaveBeenCalled();
        });

        it("a full page has the cursor of the next, which starts right after its last row", async () => {
          supabase.signIn(OWNER);
          const page = rows(21);
          supabase.reply({ rows: page });
          const first = await list({ ...listInput, pageSize: 20 });
          expect(first, line(names.list)).toMatchObject({
            ok: true,
            data: { items: page.slice(0, 20), total: null },
          });
          const next = (first as { data: { nextCursor: string } }).data
            .nextCursor;
          const last = page[19] as { id: string; created_at: string };
          expect(
            JSON.parse(Buffer.from(next, "base64url").toString()),
            line(names.list),
          ).toEqual({
            sort: "created_at",
            direction: "desc",
            value: last.created_at,
            id: last.id,
          });

          supabase.requests = [];
          supabase.reply({ rows: [] });
          expect(
            await list({ ...listInput, pageSize: 20, after: next }),
          ).toEqual({
            ok: true,
            data: { items: [], nextCursor: null, total: null },
          });
          const v = JSON.stringify(last.created_at);
          expect(listRequest().params.getAll("or"), line(names.list)).toEqual([
            `(created_at.lte.${v})`,
            `(created_at.lt.${v},and(created_at.eq.${v},id.lt."${last.id}"))`,
          ]);
        });

        it.each(sortKeys.map((k) => [k] as const))(
          "sorted by %s, ascending: ordered by it then id, a cursor past its value",
          async (sort) => {
            supabase.signIn(OWNER);
            const after = cursorOf({ sort, direction: "asc" });
            supabase.reply({ rows: [row()] });
            const result = await list({
              ...listInput,
              sort,
              direction: "asc",
              after,
            });
            expect(result, line(names.list)).toMatchObject({ ok: true });
            const request = listRequest();
            expect(request.params.get("order")).toBe(`${sort}.asc,id.asc`);
            // Every value is quoted in a logic tree, numbers too.
            const v = JSON.stringify(String(sortValue(sort)));
            expect(request.params.getAll("or"), line(names.list)).toEqual([
              `(${sort}.gte.${v})`,
              `(${sort}.gt.${v},and(${sort}.eq.${v},id.gt."${ROW_ID}"))`,
            ]);
          },
        );

        it("a cursor of another order, or no cursor at all, never reaches the database", async () => {
          supabase.signIn(OWNER);
          const after = cursorOf({ sort: "created_at", direction: "asc" });
          const failure = failed(
            await list({ ...listInput, after }),
            "validation",
            line(names.list),
          );
          expect(Object.keys(failure.fieldErrors ?? {})).toEqual(["after"]);
          failed(
            await list({ ...listInput, after: "bm90IGpzb24" }),
            "validation",
            line(names.list),
          );
          noQuery(line(names.list));
        });

        if (filters.length > 0) {
          it.each(filters.map((f) => [f.column, f] as const))(
            "filters by %s",
            async (column, f) => {
              supabase.signIn(OWNER);
              supabase.reply({ rows: [] });
              const value = filterValue(f);
              await list({ ...listInput, filter: { [column]: value } });
              const params = listRequest().params;
              // A column named like one of PostgREST's own parameters is filtered inside `or`.
              const own = !POSTGREST_PARAMETERS.includes(column);
              const expected =
                typeof value === "object" && value !== null
                  ? Object.entries(value).map(([bound, v]) => [
                      bound === "from" ? "gte" : "lte",
                      v,
                    ])
                  : [["eq", value]];
              for (const [op, v] of expected) {
                if (own) {
                  expect(params.getAll(column), line(names.list)).toContain(
                    `${op}.${String(v)}`,
                  );
                } else {
                  expect(params.getAll("or"), line(names.list)).toContain(
                    `(${column}.${op}.${JSON.stringify(v)})`,
                  );
                  // Never `?select=eq.true`: PostgREST would read it as its own parameter.
                  expect(
                    params.getAll(column).filter((p) => p.startsWith(`${op}.`)),
                  ).toEqual([]);
                }
              }
            },
          );
        }

        if (searchable) {
          it("searches the words of free text as prefixes, and any part of an email or URL, in one `or`", async () => {
            supabase.signIn(OWNER);
            supabase.reply({ rows: [] });
            await list({ ...listInput, search: ' Ada "Lo_ve%' });
            const words = own.some((f) => f.searchable && f.type === "text")
              ? [`search_vector.fts(simple)."'Ada':* & 'Lo':* & 've':*"`]
              : [];
            const substrings = own
              .filter((f) => f.searchable && f.type !== "text")
              .map((f) => `${f.column}.ilike."*Ada \\"Lo\\\\_ve\\\\%*"`);
            expect(listRequest().params.getAll("or"), line(names.list)).toEqual(
              [`(${[...words, ...substrings].join(",")})`],
            );
          });
        }

        it.each(["estimated", "exact"])(
          "counts the rows only when asked: %s",
          async (total) => {
            supabase.signIn(OWNER);
            supabase.reply({ rows: [row()], total: 41 });
            expect(
              await list({ ...listInput, total }),
              line(names.list),
            ).toEqual({
              ok: true,
              data: { items: [read(row())], nextCursor: null, total: 41 },
            });
            expect(listRequest().headers["prefer"]).toMatch(
              new RegExp(`count=${total}`),
            );
          },
        );

        it("an invalid page never reaches the database", async () => {
          supabase.signIn(OWNER);
          for (const bad of [
            { pageSize: 101 },
            { pageSize: 0 },
            { sort: "id" },
          ]) {
            failed(
              await list({ ...listInput, ...bad }),
              "validation",
              line(names.list),
            );
          }
          if (workspace) {
            failed(await list({}), "validation", line(names.list));
          }
          noQuery(line(names.list));
        });

        it.each(readErrors())("maps %s to %s", async (_, code, reply) => {
          vi.useFakeTimers();
          supabase.signIn(OWNER);
          for (let i = 0; i < 4; i++) supabase.reply(reply());
          failed(await settle(list(listInput)), code, line(names.list));
        });
      });

      if (spec.uploads) describeFiles(spec.uploads);

      /** The files of file fields: uploads, replacements, deletions and reads. */
      function describeFiles(uploads: NonNullable<ResourceSpec["uploads"]>) {
        const actionsLine = (name: string) =>
          sources.actions?.line(
            new RegExp(`export (async function|const) ${name}\\b`),
          ) ?? `${name} (not written)`;
        const uploadLine = actionsLine(uploads.action);
        /** The folder of the row's files: the signed-in owner, or the id the action is given. */
        const folder = uploads.scoped ? WORKSPACE : OWNER;
        const upload = (input: unknown, scope: unknown = WORKSPACE) =>
          (
            exported(
              modules.actions,
              uploads.action,
              files.actions ?? "",
            ) as Action
          )(...(uploads.scoped ? [scope, input] : [input]));
        /** A media type the field takes, and one it does not. */
        const takes = (f: FileField) => f.accept[0]!.replace("/*", "/webp");
        const refuses = (f: FileField) =>
          ["text/html", "application/x-msdownload"].find(
            (t) => !f.accept.some((a) => a.split("/")[0] === t.split("/")[0]),
          )!;
        const UUID =
          "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
        const fieldCases = uploads.fields.map((f): [string, FileField] => [
          f.column,
          f,
        ]);
        const noStorage = (where: string) =>
          expect(
            supabase.storageRequests.map((r) => `${r.method} ${r.route}`),
            `${where}: must not ask Storage`,
          ).toEqual([]);

        if (present.has("create") || present.has("update")) {
          describe(`${uploads.action}: an upload URL, signed after the caller and the file are checked`, () => {
            it("a signed-out caller, or one whose token fails verification, gets unauthorized and Storage is never asked", async () => {
              const f = uploads.fields[0]!;
              for (const expired of [false, true]) {
                supabase.signOut(expired);
                const result = await upload({
                  field: f.column,
                  size: 1,
                  type: takes(f),
                });
                failed(result, "unauthorized", uploadLine);
                noStorage(uploadLine);
              }
            });

            it.each(fieldCases)(
              "%s: a byte over the bucket's limit, an empty file or a media type it does not take never reaches Storage",
              async (_, f) => {
                supabase.signIn(OWNER);
                for (const [input, key] of [
                  [{ size: f.maxBytes + 1, type: takes(f) }, "size"],
                  [{ size: 0, type: takes(f) }, "size"],
                  [{ size: 1, type: refuses(f) }, "type"],
                  [{ size: 1, type: "not a media type" }, "type"],
                ] as const) {
                  const result = await upload({ field: f.column, ...input });
                  const error = failed(result, "validation", uploadLine);
                  expect(
                    Object.keys(error.fieldErrors ?? {}),
                    `${uploadLine}: ${JSON.stringify(input)}`,
                  ).toContain(key);
                }
                noStorage(uploadLine);
              },
            );

            it.each(fieldCases)(
              "%s: signs a URL in the field's bucket for a generated name in the row's folder, never the file's own name",
              async (_, f) => {
                supabase.signIn(OWNER);
                const input = {
                  field: f.column,
                  size: f.maxBytes,
                  type: takes(f),
                  name: "../../avatar.png",
                };
                const first = await upload(input);
                const second = await upload(input);
                expect(first, uploadLine).toMatchObject({
                  ok: true,
                  data: { bucket: f.bucket },
                });
                const signed = (first as { data: Record<string, string> }).data;
                const again = (second as { data: Record<string, string> }).data;
                expect(signed.path, uploadLine).toMatch(
                  new RegExp(`^${folder}/${UUID}$`),
                );
                expect(
                  again.path,
                  `${uploadLine}: a new name each time`,
                ).not.toBe(signed.path);
                expect(signed.signedUrl, uploadLine).toBe(
                  `${SUPABASE_URL}/storage/v1/object/upload/sign/${f.bucket}/${signed.path}?token=${signed.token}`,
                );
                expect(
                  supabase.storageRequests.map(
                    ({ method, route, bucket, path }) => ({
                      method,
                      route,
                      bucket,
                      path,
                    }),
                  ),
                  uploadLine,
                ).toEqual(
                  [signed.path, again.path].map((path) => ({
                    method: "POST",
                    route: "object/upload/sign",
                    bucket: f.bucket,
                    path,
                  })),
                );
                expect(
                  supabase.requests,
                  `${uploadLine}: no table is read`,
                ).toEqual([]);
              },
            );

            if (uploads.scoped) {
              it("a folder id that is not a uuid never reaches Storage", async () => {
                const f = uploads.fields[0]!;
                supabase.signIn(OWNER);
                const result = await upload(
                  { field: f.column, size: 1, type: takes(f) },
                  "42",
                );
                failed(result, "validation", uploadLine);
                noStorage(uploadLine);
              });
            }

            it.each([
              [
                "row level security refuses the folder (403)",
                storageErrors.rlsDenied,
                "forbidden",
              ],
              [
                "the bucket is missing (404)",
                storageErrors.bucketNotFound,
                "unexpected",
              ],
              ["Storage fails (500)", storageErrors.internal, "unexpected"],
            ] as const)("%s: %s", async (_, reply, code) => {
              const f = uploads.fields[0]!;
              supabase.signIn(OWNER);
              supabase.storageReply(reply());
              const result = await upload({
                field: f.column,
                size: 1,
                type: takes(f),
              });
              failed(result, code, uploadLine);
            });
          });
        }

        /** Another object of the row's folder. */
        const NEW_PATH = `${folder}/5f0c3e9a-2b7d-4c1e-8a6f-9d3b2c1a0e4f`;
        const pathsOf = (r: Record<string, unknown>) =>
          Object.fromEntries(
            fileFields.map((f) => [f.column, r[f.column] ?? null]),
          );

        if (present.has("update")) {
          const updateLine = actionsLine(names.update);
          const change = (f: FileField, value: string | null) =>
            (action("update") as Action)(ROW_ID, { [f.column]: value });
          describe(`${names.update}: a replaced file's object is removed once the row is saved`, () => {
            it.each(fieldCases)(
              "%s: reads the old path, saves the new one, then removes the old object only",
              async (_, f) => {
                supabase.signIn(OWNER);
                const before = row();
                const after = row({ [f.column]: NEW_PATH });
                supabase.reply({ rows: [pathsOf(before)] }, { rows: [after] });
                expect(await change(f, NEW_PATH), updateLine).toEqual({
                  ok: true,
                  data: after,
                });
                expect(
                  supabase.requests.map((r) => [
                    r.method,
                    r.params.get("select"),
                  ]),
                  updateLine,
                ).toEqual([
                  ["GET", fileFields.map((x) => x.column).join(",")],
                  ["PATCH", expect.any(String)],
                ]);
                expect(storageCalls(), updateLine).toEqual(
                  removals({ [f.column]: before[f.column] }),
                );
              },
            );

            it.each(fieldCases.filter(([, f]) => f.optional))(
              "%s: clearing it removes its object",
              async (_, f) => {
                supabase.signIn(OWNER);
                const before = row();
                supabase.reply(
                  { rows: [pathsOf(before)] },
                  { rows: [row({ [f.column]: null })] },
                );
                await change(f, null);
                expect(storageCalls(), updateLine).toEqual(
                  removals({ [f.column]: before[f.column] }),
                );
              },
            );

            it.each(fieldCases)(
              "%s: a file that stays is not removed",
              async (_, f) => {
                supabase.signIn(OWNER);
                const before = row();
                supabase.reply({ rows: [pathsOf(before)] }, { rows: [before] });
                await change(f, before[f.column] as string);
                expect(storageCalls(), updateLine).toEqual([]);
              },
            );

            it.each([
              ["Storage fails (500)", () => storageErrors.internal()],
              ["the network fails", () => storageErrors.networkFailure()],
            ] as const)(
              "%s: the change stands, and the object left behind is logged with its bucket and path",
              async (_, reply) => {
                const f = uploads.fields[0]!;
                supabase.signIn(OWNER);
                const before = row();
                const after = row({ [f.column]: NEW_PATH });
                supabase.reply({ rows: [pathsOf(before)] }, { rows: [after] });
                supabase.storageReply(reply());
                expect(await change(f, NEW_PATH), updateLine).toEqual({
                  ok: true,
                  data: after,
                });
                expect(console.error, updateLine).toHaveBeenCalledWith(
                  expect.any(String),
                  expect.objectContaining({
                    bucket: f.bucket,
                    path: before[f.column],
                  }),
                );
              },
            );

            it("a row that is not there, or not yours: not found, and nothing removed", async () => {
              const f = uploads.fields[0]!;
              supabase.signIn(OWNER);
              supabase.reply({ rows: [] }, { rows: [] });
              failed(await change(f, NEW_PATH), "not_found", updateLine);
              expect(storageCalls(), updateLine).toEqual([]);
            });
          });
        }

        if (present.has("delete")) {
          const deleteLine = actionsLine(names.delete);
          it(`${names.delete}: a failed removal is logged with the bucket and path, and the row stays deleted`, async () => {
            supabase.signIn(OWNER);
            supabase.reply({ rows: [row()] });
            for (const _ of fileFields)
              supabase.storageReply(storageErrors.internal());
            expect(
              await (action("delete") as Action)(ROW_ID),
              deleteLine,
            ).toEqual({
              ok: true,
              data: { id: ROW_ID },
            });
            for (const f of fileFields) {
              expect(console.error, deleteLine).toHaveBeenCalledWith(
                expect.any(String),
                expect.objectContaining({
                  bucket: f.bucket,
                  path: row()[f.column],
                }),
              );
            }
          });

          it(`${names.delete}: a row that is not there removes no file`, async () => {
            supabase.signIn(OWNER);
            supabase.reply({ rows: [] });
            failed(
              await (action("delete") as Action)(ROW_ID),
              "not_found",
              deleteLine,
            );
            expect(storageCalls(), deleteLine).toEqual([]);
          });
        }

        if (present.has("get")) {
          const getLine =
            sources.data?.line(new RegExp(`export const ${names.get}\\b`)) ??
            names.get;
          it(`${names.get}: a path Storage signs nothing for (gone, or not the caller's) reads as null; the others are signed`, async () => {
            const [gone, ...rest] = fileFields;
            supabase.signIn(OWNER);
            supabase.reply({ rows: [row()] });
            supabase.storageReply({
              json: [
                {
                  error:
                    "Either the object does not exist or you do not have access to it",
                  path: row()[gone!.column],
                  signedURL: null,
                },
              ],
            });
            const result = await (action("get") as Action)(ROW_ID);
            const urls = (
              result as { data: { signedUrls: Record<string, unknown> } }
            ).data.signedUrls;
            expect(urls[gone!.column], getLine).toBeNull();
            for (const f of rest) {
              expect(urls[f.column], getLine).toEqual(
                downloadUrl(f.bucket, row()[f.column] as string),
              );
            }
          });

          it(`${names.get}: a failed signing request is logged, the row is read with no URLs`, async () => {
            supabase.signIn(OWNER);
            supabase.reply({ rows: [row()] });
            for (const _ of fileFields)
              supabase.storageReply(storageErrors.internal());
            expect(await (action("get") as Action)(ROW_ID), getLine).toEqual({
              ok: true,
              data: {
                ...row(),
                signedUrls: Object.fromEntries(
                  fileFields.map((f) => [f.column, null]),
                ),
              },
            });
            expect(console.error, getLine).toHaveBeenCalled();
          });
        }
      }
    });
  });
}

/** `text` as a literal inside a regular expression. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The database errors a write can meet, as PostgREST sends them, and the documented results. */
function writeErrors(table: string, verb: "insert" | "update" | "delete") {
  const cases: ErrorCase[] = [
    {
      name: "23503 foreign key violation",
      reply: () => postgrest.foreignKeyViolation(table),
      code: "conflict",
    },
    {
      name: "PT429 a rate limit of the table (HTTP 429)",
      reply: () => postgrest.rateLimited(`${table}.${verb}`, 17),
      code: "rate_limited",
    },
    {
      name: "42501 row level security denial",
      reply: () => postgrest.rlsDenied(table),
      code: "forbidden",
    },
    {
      name: "57014 statement timeout",
      reply: () => postgrest.statementTimeout(),
      code: "unexpected",
    },
    {
      name: "a network failure",
      reply: () => postgrest.networkFailure(),
      code: "unexpected",
    },
  ];
  if (verb !== "delete") {
    cases.push(
      {
        name: "23505 unique violation",
        reply: () => postgrest.uniqueViolation(table, "slug"),
        code: "conflict",
      },
      {
        name: "23514 check violation",
        reply: () => postgrest.checkViolation(table),
        code: "validation",
      },
      {
        name: "22P05 a NUL character, which text cannot hold",
        reply: () => postgrest.nulInText(),
        code: "validation",
      },
    );
  }
  if (verb === "insert") {
    // RLS lets the insert through but hides the row from the select that returns it.
    cases.push({
      name: "PGRST116 (no row returned)",
      reply: () => ({ rows: [] }),
      code: "not_found",
    });
  }
  return cases.map((c) => [c.name, c.code, c.reply] as const);
}

function readErrors() {
  const cases: ErrorCase[] = [
    {
      name: "42501 permission denied",
      reply: () => ({
        status: 403,
        error: {
          code: "42501",
          message: "permission denied for table",
          details: null,
          hint: null,
        },
      }),
      code: "forbidden",
    },
    {
      name: "57014 statement timeout",
      reply: () => postgrest.statementTimeout(),
      code: "unexpected",
    },
    {
      name: "a network failure (after supabase-js' retries)",
      reply: () => postgrest.networkFailure(),
      code: "unexpected",
    },
  ];
  return cases.map((c) => [c.name, c.code, c.reply] as const);
}

/** `[printable value, sample]` rows for it.each. */
function cases(samples: Sample[]): [string, Sample][] {
  return samples.map((s) => [show(s.value), s]);
}

function formKind(field: FieldSpec): string {
  switch (field.type) {
    case "int":
    case "bigint":
    case "float":
      return "number";
    case "bool":
      return "boolean";
    case "jsonb":
      return "json";
    default:
      // text, numeric (a decimal string), date, timestamptz, uuid, ref, email, url, enum
      return "text";
  }
}

/** The form a browser would submit for these values (fields it cannot express left out). */
function toForm(values: Record<string, unknown>, fields: FormFields): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(values)) {
    const text = formText(value, fields[name] ?? "text");
    if (text !== undefined) form.append(name, text);
  }
  return form;
}

function issues(result: { success: boolean; error?: z.ZodError }): string {
  if (result.success) return "accepted";
  return (
    result.error?.issues
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ") ?? "rejected"
  );
}

/** Finds lines of a generated file, for messages that point at them. */
class SourceFile {
  private lines: string[];
  constructor(private path: string) {
    this.lines = readFileSync(path, "utf8").split("\n");
  }
  /** `path:line` of the first line matching `pattern` (after the first matching `after`). */
  line(pattern: RegExp, after?: RegExp): string {
    let start = 0;
    if (after) {
      const found = this.lines.findIndex((l) => after.test(l));
      start = found < 0 ? 0 : found;
    }
    const index = this.lines.findIndex((l, i) => i >= start && pattern.test(l));
    return `${this.path}:${index < 0 ? start + 1 : index + 1}`;
  }
}
