// Type-level assertions for the per-spec proofs in tests/ts/resources/*.test.ts. A failing
// proof is a tsc error on the `Expect<...>` line that names the generated module and type.
import type * as z from "zod";

/** `true` only when X and Y are the same type (`any` equals nothing but `any`). */
export type Equal<X, Y> =
  (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2
    ? true
    : false;

export type Expect<T extends true> = T;

export type IsAny<T> = 0 extends 1 & T ? true : false;

/** The JSON values `z.json()` accepts. */
export type JsonValue = z.input<ReturnType<typeof z.json>>;

type Leaf = string | number | boolean | bigint | symbol | null | undefined;
type Opaque = FormData | Date | Blob | URLSearchParams;

/** `true` when `any` appears anywhere in T (its members, elements, parameters, results). */
export type ContainsAny<T, Depth extends unknown[] = []> =
  IsAny<T> extends true
    ? true
    : Depth["length"] extends 8
      ? false
      : T extends Leaf | Opaque
        ? false
        : T extends Promise<infer R>
          ? ContainsAny<R, [...Depth, 0]>
          : T extends readonly (infer E)[]
            ? ContainsAny<E, [...Depth, 0]>
            : T extends (...args: infer A) => infer R
              ?
                  | ContainsAny<A, [...Depth, 0]>
                  | ContainsAny<R, [...Depth, 0]> extends false
                ? false
                : true
              : T extends object
                ? true extends {
                    [K in keyof T]-?: ContainsAny<T[K], [...Depth, 0]>;
                  }[keyof T]
                  ? true
                  : false
                : false;

/** `true` when no exported function of module M has `any` in its parameters or result. */
export type NoAnyInActions<M> = true extends {
  [K in keyof M]: M[K] extends (...args: never[]) => unknown
    ? ContainsAny<M[K]>
    : false;
}[keyof M]
  ? false
  : true;

/**
 * The call signatures of a function with one or two overloads, each as `[parameters, result]`
 * (a function with one signature gives a union of one). Compared with `Equal`, it proves both
 * overloads of a form action exactly. TypeScript matches the last signatures first, so a third,
 * earlier overload would go unseen: the generated actions have at most two.
 */
export type Overloads<F> = F extends {
  (...args: infer A1): infer R1;
  (...args: infer A2): infer R2;
}
  ? [A1, R1] | [A2, R2]
  : never;
