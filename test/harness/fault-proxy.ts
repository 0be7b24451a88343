// A loopback HTTP proxy in front of moto that counts Secrets Manager calls and injects faults:
// throttling (400 ThrottlingException), 500s, connection resets before or after the
// call reached moto, and the whole endpoint going down (connections refused) and coming back.
// node:http only: forwarding one JSON request at a time needs no library.
//
// Secrets Manager's JSON protocol names the operation in the `X-Amz-Target` header
// (`secretsmanager.PutSecretValue`), so calls are counted and faults aimed per operation.
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What to do to a matching call. */
export type Fault =
  /** Answer 400 ThrottlingException without forwarding (the SDK retries it). */
  | 'throttle'
  /** Answer 500 InternalFailure without forwarding (the SDK retries it). */
  | 'server-error'
  /** Reset the connection before forwarding: moto never sees the call. */
  | 'reset'
  /** Forward, let moto do the work, then reset the connection instead of answering. */
  | 'reset-after'
  /** Take the endpoint down (connections refused) before forwarding this call. */
  | 'down'
  /** Answer with this AWS error without forwarding (AccessDeniedException, DecryptionFailure...). */
  | { readonly status: number; readonly type: string; readonly message?: string };

export interface FaultRule {
  /** The operation, e.g. `PutSecretValue`; absent: any. */
  readonly action?: string;
  /** How many matching calls to hit. @default 1 */
  readonly times?: number;
  readonly fault: Fault;
}

/** One call as seen at the endpoint: the operation and what happened to it. */
export interface ObservedCall {
  readonly action: string;
  readonly outcome: 'forwarded' | Exclude<Fault, object> | 'error';
  readonly status?: number;
}

export class FaultProxy {
  /** Every call that reached the proxy, in order (faulted ones included). */
  readonly calls: ObservedCall[] = [];
  private readonly rules: { rule: FaultRule; left: number }[] = [];
  private readonly sockets = new Set<Socket>();
  private server: http.Server;
  private port = 0;
  private isDown = false;

  private constructor(private readonly upstream: URL) {
    this.server = this.newServer();
  }

  /** Starts on a free loopback port in front of `upstream` (moto's endpoint). */
  static async start(upstream: string): Promise<FaultProxy> {
    const proxy = new FaultProxy(new URL(upstream));
    await proxy.listen(0);
    return proxy;
  }

  /** The endpoint to give the SDK, e.g. `http://127.0.0.1:40123`. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Adds a fault for the next matching calls. */
  inject(rule: FaultRule): void {
    this.rules.push({ rule, left: rule.times ?? 1 });
  }

  /** Calls per operation since the last reset (forwarded or not). */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const call of this.calls) out[call.action] = (out[call.action] ?? 0) + 1;
    return out;
  }

  /** Clears the recorded calls and any unused faults. */
  reset(): void {
    this.calls.length = 0;
    this.rules.length = 0;
  }

  /** Takes the endpoint down: open connections are cut and new ones refused. */
  async down(): Promise<void> {
    if (this.isDown) return;
    this.isDown = true;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Brings the endpoint back on the same port. */
  async up(): Promise<void> {
    if (!this.isDown) return;
    this.server = this.newServer();
    await this.listen(this.port);
    this.isDown = false;
  }

  async stop(): Promise<void> {
    await this.down();
  }

  private newServer(): http.Server {
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return server;
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private takeFault(action: string): Fault | undefined {
    const entry = this.rules.find((r) => r.left > 0 && (r.rule.action === undefined || r.rule.action === action));
    if (entry === undefined) return undefined;
    entry.left -= 1;
    return entry.rule.fault;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.includes('.') ? target.slice(target.lastIndexOf('.') + 1) : `${req.method} ${req.url}`;
    const fault = this.takeFault(action);
    const json = (status: number, type: string, message: string) => {
      this.calls.push({ action, outcome: typeof fault === 'object' ? 'error' : (fault ?? 'forwarded'), status });
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type });
      res.end(JSON.stringify({ __type: type, message }));
    };
    switch (fault) {
      case 'throttle':
        return json(400, 'ThrottlingException', 'Rate exceeded (injected by the fault proxy)');
      case 'server-error':
        return json(500, 'InternalServiceError', 'Injected by the fault proxy');
      case 'reset':
        this.calls.push({ action, outcome: fault });
        req.socket.destroy();
        return;
      case 'down':
        this.calls.push({ action, outcome: fault });
        await this.down();
        return;
      default:
        if (typeof fault === 'object') return json(fault.status, fault.type, fault.message ?? `Injected ${fault.type}`);
        break;
    }
    const upstream = await this.forward(req, body).catch(() => undefined);
    if (upstream === undefined) {
      this.calls.push({ action, outcome: 'forwarded', status: 502 });
      res.writeHead(502).end();
      return;
    }
    this.calls.push({ action, outcome: fault === 'reset-after' ? fault : 'forwarded', status: upstream.status });
    if (fault === 'reset-after') {
      req.socket.destroy();
      return;
    }
    res.writeHead(upstream.status, upstream.headers);
    res.end(upstream.body);
  }

  private forward(req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.OutgoingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      // The Host header is kept as signed (moto does not check signatures, but keep them whole).
      const headers = { ...req.headers, 'content-length': String(body.length) };
      const out = http.request(
        { hostname: this.upstream.hostname, port: this.upstream.port, path: req.url, method: req.method, headers },
        (response) => {
          const parts: Buffer[] = [];
          response.on('data', (c: Buffer) => parts.push(c));
          response.on('end', () => {
            const { 'transfer-encoding': _te, connection: _c, ...kept } = response.headers;
            resolve({ status: response.statusCode ?? 502, headers: { ...kept, 'content-length': String(Buffer.concat(parts).length) }, body: Buffer.concat(parts) });
          });
          response.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });
  }
}
