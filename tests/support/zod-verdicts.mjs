// Zod's side of the constraint-parity check of tests/postgres.rs.
//
// Usage: node zod-verdicts.mjs CASES.json
//
// CASES.json: { "module": "/abs/path/lib/validations/<singular>.ts",
//               "cases": [ { "mode": "create" | "update", "input": { ... } }, ... ] }
//
// Imports the generated validation module (plain TypeScript: Node 22 strips
// the types; its runtime imports are zod, found through a node_modules next
// to the generated project, and the project's own modules through `@/`), takes its one `create…Schema` and its one
// `update…Schema` export, and prints one JSON line: an array with, per case,
// { "ok": true } or { "ok": false, "issues": "path: message; ..." }.
// Anything unexpected (no such export, an import error) exits non-zero.
import { readFileSync } from "node:fs";
import { registerHooks } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

// The generated modules import each other through the project's `@/` alias (tsconfig paths,
// `@/*` → `./*`): resolve it from the working directory, the generated project's root.
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.startsWith("@/")) {
      const file = join(process.cwd(), `${specifier.slice(2)}.ts`);
      return nextResolve(pathToFileURL(file).href, context);
    }
    return nextResolve(specifier, context);
  },
});

const [casesPath] = process.argv.slice(2);
if (!casesPath) {
  console.error("usage: node zod-verdicts.mjs CASES.json");
  process.exit(2);
}
const { module: modulePath, cases } = JSON.parse(readFileSync(casesPath, "utf8"));
const mod = await import(pathToFileURL(modulePath).href);

function only(pattern) {
  const names = Object.keys(mod).filter((name) => pattern.test(name));
  if (names.length !== 1) {
    console.error(
      `${modulePath}: expected exactly one export matching ${pattern}, found ${JSON.stringify(names)}`,
    );
    process.exit(1);
  }
  return mod[names[0]];
}

const schemas = {
  create: only(/^create[A-Z]\w*Schema$/),
  update: only(/^update[A-Z]\w*Schema$/),
};

const verdicts = cases.map(({ mode, input }) => {
  const schema = schemas[mode];
  if (!schema) throw new Error(`unknown mode ${mode}`);
  const result = schema.safeParse(input);
  if (result.success) return { ok: true };
  const issues = result.error.issues
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
  return { ok: false, issues };
});
console.log(JSON.stringify(verdicts));
