import type { ActionResult } from "{{ imports.action_result }}";
import type { FormFields } from "{{ imports.form_data }}";

/**
 * What a form action answers, for `useActionState`: plain data, so it crosses from the server
 * to the browser. After a failure, `values` holds the form's own fields as they were submitted
 * (text only, never files), to refill the form: React resets a form once its action is done.
 */
export type FormState<T> = {
  status: "idle" | "success" | "error";
  message?: string;
  fieldErrors?: Partial<Record<string, string[]>>;
  values?: Record<string, string>;
  data?: T;
};

/** The state before the first submission: `useActionState(action, initialFormState)`. */
export const initialFormState: FormState<never> = { status: "idle" };

/**
 * The form state of an action's result: the data on success; on failure the message, the
 * messages per field and the submitted text of the fields the form is read by.
 */
export function toFormState<T>(
  result: ActionResult<T>,
  formData: FormData,
  fields: FormFields,
): FormState<T> {
  if (result.ok) return { status: "success", data: result.data };
  const values: Record<string, string> = {};
  for (const name of Object.keys(fields)) {
    const value = formData.get(name);
    if (typeof value === "string") values[name] = value;
  }
  const { message, fieldErrors } = result.error;
  return fieldErrors
    ? { status: "error", message, fieldErrors, values }
    : { status: "error", message, values };
}
