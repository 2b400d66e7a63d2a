/**
 * A fault-injecting HTTP proxy in front of the real S3 server. It forwards every request
 * unchanged (the SigV4 signature covers the Host header, which is kept) and, on a deterministic
 * fraction of requests, answers in ways S3 does under load or that RGW cannot show:
 * - 503 SlowDown and 500 InternalError instead of forwarding;
 * - a dropped connection after the request reached the server (the copy happened, the client
 *   never heard), the nastiest case for "exactly once";
 * - MOCK of real S3 behaviour RGW lacks: RGW ignores If-None-Match on CopyObject, so with
 *   `emulateCopyIfNoneMatch` the proxy answers 412 PreconditionFailed itself when the target
 *   object exists, as S3 does;
 * - MOCK of response headers S3 sends and RGW does not (x-amz-replication-status, SSE-S3 on every
 *   object): `extraResponseHeaders` adds them to the forwarded answer.
 * S3's regional answers (301 PermanentRedirect for a request signed for another region) are
 * emulated by regional-s3.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export interface FaultPlan {
  /** Every Nth request gets 503 SlowDown. */
  readonly slowDownEvery?: number;
  /** Every Nth request gets 500 InternalError. */
  readonly internalErrorEvery?: number;
  /** Every Nth request is forwarded, then its connection is dropped before the answer. */
  readonly dropConnectionEvery?: number;
  /** Every Nth CopyObject gets 200 OK with an InternalError in the body, as S3 can answer. */
  readonly copyErrorIn200Every?: number;
  /** Milliseconds added to every forwarded request. */
  readonly latencyMs?: number;
  /** Faults apply to requests whose method is in this list. @default all */
  readonly methods?: readonly string[];
  readonly emulateCopyIfNoneMatch?: { readonly client: S3Client };
  /** Keep the method, URL and headers of every request (to check what was sent). */
  readonly recordRequests?: boolean;
  /** Headers added to a forwarded answer (recorded S3 behaviour RGW lacks). */
  readonly extraResponseHeaders?: (request: {
    readonly method: string;
    readonly bucket: string;
    readonly key: string;
    readonly status: number;
  }) => Readonly<Record<string, string>> | undefined;
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
}

export interface FaultProxy {
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly injected: {
    slowDown: number;
    internalError: number;
    errorIn200: number;
    dropped: number;
    preconditionFailed: number;
    forwarded: number;
  };
  close(): Promise<void>;
}

function xmlError(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`;
}

export async function startFaultProxy(target: string, plan: FaultPlan): Promise<FaultProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const injected = {
    slowDown: 0,
    internalError: 0,
    errorIn200: 0,
    dropped: 0,
    preconditionFailed: 0,
    forwarded: 0,
  };
  let counter = 0;
  let inFlight = 0;
  const requests: RecordedRequest[] = [];
  const every = (n: number | undefined, i: number) => n !== undefined && n > 0 && i % n === 0;

  const forward = (
    request: http.IncomingMessage,
    body: Buffer,
    onAnswer: (status: number, headers: http.IncomingHttpHeaders, payload: Buffer) => void,
    onError: (error: Error) => void,
  ) => {
    const upstreamRequest = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
        agent,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          onAnswer(response.statusCode ?? 502, response.headers, Buffer.concat(chunks)),
        );
        response.on('error', onError);
      },
    );
    upstreamRequest.on('error', onError);
    upstreamRequest.end(body);
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const i = ++counter;
        if (plan.recordRequests) {
          requests.push({
            method: request.method ?? '',
            url: request.url ?? '',
            headers: request.headers,
          });
        }
        const url = new URL(request.url ?? '/', 'http://proxy');
        const [, bucket = '', ...keyParts] = url.pathname.split('/');
        const key = decodeURIComponent(keyParts.join('/'));
        const faultable = plan.methods === undefined || plan.methods.includes(request.method ?? '');
        if (faultable && every(plan.slowDownEvery, i)) {
          injected.slowDown++;
          response.writeHead(503, { 'content-type': 'application/xml' });
          response.end(xmlError('SlowDown', 'Please reduce your request rate.'));
          return;
        }
        if (faultable && every(plan.internalErrorEvery, i)) {
          injected.internalError++;
          response.writeHead(500, { 'content-type': 'application/xml' });
          response.end(
            xmlError('InternalError', 'We encountered an internal error. Please try again.'),
          );
          return;
        }
        const isCopy =
          request.method === 'PUT' &&
          request.headers['x-amz-copy-source'] !== undefined &&
          !url.searchParams.has('uploadId');
        if (isCopy && every(plan.copyErrorIn200Every, i)) {
          injected.errorIn200++;
          response.writeHead(200, { 'content-type': 'application/xml' });
          response.end(
            xmlError('InternalError', 'We encountered an internal error. Please try again.'),
          );
          return;
        }
        if (isCopy && plan.emulateCopyIfNoneMatch && request.headers['if-none-match'] === '*') {
          const exists = await plan.emulateCopyIfNoneMatch.client
            .send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
            .then(
              () => true,
              () => false,
            );
          if (exists) {
            injected.preconditionFailed++;
            response.writeHead(412, { 'content-type': 'application/xml' });
            response.end(
              xmlError(
                'PreconditionFailed',
                'At least one of the pre-conditions you specified did not hold',
              ),
            );
            return;
          }
        }
        inFlight++;
        if (plan.latencyMs) await new Promise((resolve) => setTimeout(resolve, plan.latencyMs));
        const drop = faultable && every(plan.dropConnectionEvery, i);
        forward(
          request,
          body,
          (status, headers, payload) => {
            inFlight--;
            injected.forwarded++;
            if (drop) {
              injected.dropped++;
              request.socket.destroy();
              return;
            }
            const extra = plan.extraResponseHeaders?.({
              method: request.method ?? '',
              bucket,
              key,
              status,
            });
            response.writeHead(status, { ...headers, ...extra });
            response.end(payload);
          },
          () => {
            inFlight--;
            request.socket.destroy();
          },
        );
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    injected,
    requests,
    // Waits for forwarded requests to reach the server: a client killed mid-request still has
    // its copies land, and a test that counts objects must see them.
    close: async () => {
      for (let waited = 0; inFlight > 0 && waited < 10_000; waited += 10) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

/**
 * The server-side-encryption headers that recorded requests sent (`x-amz-server-side-encryption*`).
 * The copy tools send none, so that every copy takes its target bucket's default encryption (with
 * SSE-KMS backups, the backup key): an SSE header would override it.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
 */
export function sseHeadersOf(requests: readonly RecordedRequest[]): string[] {
  return requests.flatMap((r) =>
    Object.keys(r.headers)
      .filter((h) => h.toLowerCase().startsWith('x-amz-server-side-encryption'))
      .map((h) => `${r.method} ${r.url}: ${h}`),
  );
}
