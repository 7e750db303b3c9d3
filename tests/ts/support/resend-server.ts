// A local HTTP server standing in for the Resend API. The `resend` package sends to
// `RESEND_BASE_URL` when set (read when a client is made), so pointing it here lets a test see
// exactly the request Resend would receive (method, path, headers, JSON body) and choose the
// answer: Resend's success (`{ "id": ... }`) by default, or one of its error replies.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type ResendRequest = {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
};

export type ResendReply = { status: number; body: unknown };

/** Resend's error replies, as its API documents them. */
export const resendErrors = {
  validation: (message: string): ResendReply => ({
    status: 422,
    body: { statusCode: 422, name: "validation_error", message },
  }),
  rateLimit: (): ResendReply => ({
    status: 429,
    body: {
      statusCode: 429,
      name: "rate_limit_exceeded",
      message: "Too many requests. You can only make 2 requests per second.",
    },
  }),
};

export class ResendServer {
  requests: ResendRequest[] = [];
  /** The ids Resend gave, in order. */
  sentIds: string[] = [];
  private replies: ResendReply[] = [];
  private server: Server | null = null;

  /** Starts listening on a free local port; the base URL to give the SDK. */
  async start(): Promise<string> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        this.requests.push({
          method: request.method ?? "",
          path: request.url ?? "",
          headers: request.headers,
          body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        });
        let reply = this.replies.shift();
        if (!reply) {
          const id = randomUUID();
          this.sentIds.push(id);
          reply = { status: 200, body: { id } };
        }
        response.writeHead(reply.status, {
          "content-type": "application/json",
        });
        response.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => {
      server.listen(0, "127.0.0.1", resolve);
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Queues the answers to the next requests (afterwards: success). */
  reply(...replies: ResendReply[]): void {
    this.replies.push(...replies);
  }

  reset(): void {
    this.requests = [];
    this.sentIds = [];
    this.replies = [];
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
    });
  }
}
