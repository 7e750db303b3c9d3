import type * as z from "zod";

/**
 * How a form field's text is read: as text (free text, a date, a uuid, an email, a URL, one of a
 * list), as a number, a boolean or JSON. Whatever the kind, an empty input (or one of only
 * whitespace) means none.
 */
export type FormFieldKind = "text" | "number" | "boolean" | "json";

export type FormFields = Record<string, FormFieldKind>;

/** Marks text that is not JSON, so the schema rejects it instead of storing a string. */
const NOT_JSON = Symbol("not JSON");

function decode(text: string, kind: FormFieldKind): unknown {
  switch (kind) {
    case "text":
      return text;
    case "number":
      return Number(text);
    case "boolean":
      if (text === "true" || text === "on") return true;
      if (text === "false" || text === "off") return false;
      return text;
    case "json":
      try {
        return JSON.parse(text);
      } catch {
        return NOT_JSON;
      }
  }
}

/** Whether the schema's field takes null: then an empty input means "none". */
function acceptsNull(schema: z.ZodType | undefined, name: string): boolean {
  const shape = (schema as { shape?: Record<string, z.ZodType> } | undefined)
    ?.shape;
  return shape?.[name]?.safeParse(null).success ?? true;
}

/**
 * Reads the named fields of a form into the object a schema expects: fields missing from the
 * form stay missing, and numbers, booleans and JSON are decoded. An empty input (or one of only
 * whitespace: text is never blank) is null where the field takes null and is left out
 * otherwise, so the database's default applies and a required field reads as missing: a form
 * and a plain object parse the same way. Text that is not blank is kept as typed.
 */
export function formDataToObject(
  formData: FormData,
  fields: FormFields,
  schema?: z.ZodType,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(fields)) {
    const value = formData.get(name);
    if (value === null) continue;
    if (typeof value !== "string") {
      values[name] = value;
    } else if (value.trim() === "") {
      if (acceptsNull(schema, name)) values[name] = null;
    } else {
      values[name] = decode(value, kind);
    }
  }
  return values;
}

/** Validates a plain object or a submitted form with the same schema. */
export function parseInput<T extends z.ZodType>(
  schema: T,
  input: unknown,
  fields: FormFields,
): z.ZodSafeParseResult<z.output<T>> {
  const values =
    input instanceof FormData ? formDataToObject(input, fields, schema) : input;
  return schema.safeParse(values);
}
