---
to: lib/validations/<%= name %>.ts
---
import { z } from "zod";

export const <%= h.changeCase.camel(name) %>CreateSchema = z.object({
  <%= field %>: z.string().min(1),
});

export type <%= h.changeCase.pascal(name) %>Create = z.infer<typeof <%= h.changeCase.camel(name) %>CreateSchema>;
