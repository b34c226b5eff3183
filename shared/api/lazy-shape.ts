import type * as z from 'zod';

/**
 * An object schema's fields, built the first time zod reads them — the first parse, the OpenAPI
 * generator, `.shape` — rather than when the module loads: `z.object(lazyShape(() => ({ … })))`.
 *
 * Why: a Lambda loads every schema of its routes at cold start, yet one request parses only its
 * route's parameters and body, and response schemas are never parsed at run time (they type the
 * routes and document them). Building the fields is most of a schema's cost, so a function builds
 * only what its requests touch. zod reads a shape once and keeps the plain object it read (it
 * supports getter shapes for recursive schemas the same way), so after that first read nothing
 * here runs again; `.meta()`, `.optional()` and the other wrappers do not read it.
 *
 * A Proxy because zod reads a shape by its keys (`{ ...shape }`, `Object.keys`), which a Proxy can
 * answer only by building the fields; no library defers an object's construction like this.
 */
export const lazyShape = <Shape extends z.core.$ZodLooseShape>(build: () => Shape): Shape => {
  let built: Shape | undefined;
  const fields = (): Shape => {
    built ??= build();
    return built;
  };
  return new Proxy({} as Shape, {
    get: (_, key) => Reflect.get(fields(), key),
    has: (_, key) => Reflect.has(fields(), key),
    ownKeys: () => Reflect.ownKeys(fields()),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(fields(), key),
  });
};
