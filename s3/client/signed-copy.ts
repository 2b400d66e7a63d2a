import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { CopyObjectCommand } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { clientFor, type S3Clients } from './bucket-regions';

/**
 * Copies never carry object annotations: CopyObject's default (COPY) needs
 * s3:GetObjectAnnotation on the source and s3:PutObjectAnnotation on the destination, which the
 * backfill and restore roles do not have (PutObjectAnnotation would let them rewrite annotations of
 * existing backup objects). Batch Replication (`backfill --engine batch`) replicates annotations.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
 */
export const ANNOTATION_DIRECTIVE = 'EXCLUDE';

/** One CopyObject, as the copy engine asks for it. */
export interface CopyObjectRequest {
  readonly destinationBucket: string;
  readonly destinationKey: string;
  /** The x-amz-copy-source value: `bucket/url-encoded-key[?versionId=...]`. */
  readonly copySource: string;
  readonly acl?: string;
  /** Send If-None-Match: * (refuse to overwrite). */
  readonly ifNoneMatch: boolean;
}

/** Sends one CopyObject; rejects with an error named like the SDK's (`name`, `$metadata`). */
export type CopyObjectSender = (request: CopyObjectRequest) => Promise<void>;

/**
 * CopyObject through the SDK: every endpoint, auth and protocol feature, ~1.6 ms CPU each. Sent
 * with the destination bucket's client: S3 takes a copy in the destination's region.
 */
export function sdkCopyObjectSender(clients: S3Clients): CopyObjectSender {
  return async (request) => {
    await clientFor(clients, request.destinationBucket).send(
      new CopyObjectCommand({
        Bucket: request.destinationBucket,
        Key: request.destinationKey,
        CopySource: request.copySource,
        MetadataDirective: 'COPY',
        TaggingDirective: 'COPY',
        AnnotationDirective: ANNOTATION_DIRECTIVE,
        ACL: request.acl as never,
        IfNoneMatch: request.ifNoneMatch ? '*' : undefined,
      }),
    );
  };
}

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

/** RFC 3986 encoding as SigV4 wants it for S3 paths: every byte but unreserved ones and '/'. */
export function encodeS3Path(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, '/');
}

/** Where a bucket's requests go, and the region their signature is scoped to. */
export interface ResolvedEndpoint {
  /** The bucket's endpoint: `https://bucket.s3.region.amazonaws.com/` or, path style, `.../bucket`. */
  readonly url: URL;
  readonly signingRegion: string;
  /** The provider of the client the bucket's requests go through (an assumed role, refreshed). */
  readonly credentials: AwsCredentialIdentityProvider;
}

function s3ErrorFrom(
  status: number,
  headers: http.IncomingHttpHeaders,
  body: string,
): Error & { name: string } {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? `Http${status}`;
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? `HTTP ${status}`;
  const region = /<Region>([^<]*)<\/Region>/.exec(body)?.[1];
  return Object.assign(new Error(message), {
    name: code,
    Code: code,
    ...(region === undefined ? {} : { Region: region }),
    // S3 can answer a copy with 200 and an error in the body; that is a server error to retry.
    $metadata: { httpStatusCode: status === 200 ? 500 : status },
    $response: { headers: headers as Record<string, string | undefined> },
  });
}

/** HMAC-SHA256 key of a SigV4 scope; derived once per secret, day and region. */
function deriveSigningKey(secret: string, date: string, region: string): Buffer {
  const hmac = (k: string | Buffer, data: string) => createHmac('sha256', k).update(data).digest();
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), 's3'), 'aws4_request');
}

/**
 * The path and headers of one CopyObject, signed with SigV4 at `now`: what the SDK's signer
 * (@smithy/signature-v4) produces for the same request, as a test checks for awkward keys.
 * `signingKey` lets the caller cache the derived key (it changes once a day).
 */
export function signCopyObject(
  request: CopyObjectRequest,
  target: Pick<ResolvedEndpoint, 'url' | 'signingRegion'>,
  credentials: AwsCredentialIdentity,
  now: Date,
  signingKey: (secret: string, date: string, region: string) => Buffer = deriveSigningKey,
): { path: string; headers: Record<string, string> } {
  const { url, signingRegion } = target;
  const path = `${url.pathname.replace(/\/$/, '')}/${encodeS3Path(request.destinationKey)}`;
  const amzDate = now.toISOString().replace(/[-:]|\.\d{3}/g, '');
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    host: url.host,
    'x-amz-content-sha256': EMPTY_SHA256,
    'x-amz-copy-source': request.copySource,
    'x-amz-date': amzDate,
    'x-amz-metadata-directive': 'COPY',
    'x-amz-object-annotation-directive': ANNOTATION_DIRECTIVE,
    'x-amz-tagging-directive': 'COPY',
  };
  if (request.acl !== undefined) headers['x-amz-acl'] = request.acl;
  if (request.ifNoneMatch) headers['if-none-match'] = '*';
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    'PUT',
    path,
    '',
    // SigV4 canonical header values: trimmed, inner runs of spaces collapsed to one.
    ...names.map((name) => `${name}:${headers[name].trim().replace(/\s+/g, ' ')}`),
    '',
    signedHeaders,
    EMPTY_SHA256,
  ].join('\n');
  const scope = `${date}/${signingRegion}/s3/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const signature = createHmac(
    'sha256',
    signingKey(credentials.secretAccessKey, date, signingRegion),
  )
    .update(stringToSign)
    .digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { path, headers };
}

/**
 * CopyObject as a hand-signed SigV4 request over keep-alive sockets: the same request the SDK
 * sends, at under a third of its CPU (measured here: ~0.5 ms against the SDK's ~1.7 ms per copy;
 * on two cores the SDK's cost, not the server, capped throughput). Endpoint and signing region
 * come from the client's own endpoint rules, credentials from its provider chain (an assumed role,
 * refreshed), both through the client's public resolved config, so only the hot request is
 * hand-made. Anything else (multipart, HEAD, listing) uses the SDK. docs/INTERNALS.md says what
 * this relies on.
 * The copy is sent to, and signed for, the DESTINATION bucket's region (its client in
 * `clients`): S3 takes a CopyObject there whatever the source's region, and the SDK's region
 * redirects would never see this request.
 */
export function signedCopyObjectSender(
  clients: S3Clients,
  options: { endpointUrl?: string; maxSockets?: number; timeoutMs?: number } = {},
): CopyObjectSender {
  const maxSockets = options.maxSockets ?? 64;
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets }),
    'https:': new https.Agent({ keepAlive: true, maxSockets }),
  };
  const endpoints = new Map<string, Promise<ResolvedEndpoint>>();
  const signingKeys = new Map<string, Buffer>();

  const resolveEndpoint = (bucket: string): Promise<ResolvedEndpoint> => {
    let resolved = endpoints.get(bucket);
    if (resolved === undefined) {
      // The client's public resolved config: its region, credentials and endpoint rules.
      const { config } = clientFor(clients, bucket);
      resolved = (async () => {
        const region = await config.region();
        // The parameters of S3's endpoint rule set, as the SDK's endpoint middleware fills them.
        const endpoint = config.endpointProvider({
          Bucket: bucket,
          Region: region,
          Endpoint: options.endpointUrl ?? (process.env.AWS_ENDPOINT_URL_S3 || undefined),
          ForcePathStyle: config.forcePathStyle ?? false,
          UseFIPS: await config.useFipsEndpoint(),
          UseDualStack: await config.useDualstackEndpoint(),
          Accelerate: false,
        });
        const scheme = endpoint.properties?.authSchemes?.find((s) => s.name === 'sigv4');
        return {
          url: endpoint.url,
          signingRegion: scheme?.signingRegion ?? region,
          credentials: config.credentials,
        };
      })();
      endpoints.set(bucket, resolved);
    }
    return resolved;
  };

  const cachedSigningKey = (secret: string, date: string, region: string): Buffer => {
    const cacheKey = `${secret}\n${date}\n${region}`;
    let key = signingKeys.get(cacheKey);
    if (key === undefined) {
      key = deriveSigningKey(secret, date, region);
      if (signingKeys.size > 16) signingKeys.clear();
      signingKeys.set(cacheKey, key);
    }
    return key;
  };

  return async (request) => {
    const endpoint = await resolveEndpoint(request.destinationBucket);
    const credentials = await endpoint.credentials();
    const { url } = endpoint;
    const { path, headers } = signCopyObject(
      request,
      endpoint,
      credentials,
      new Date(),
      cachedSigningKey,
    );
    headers['content-length'] = '0';

    const transport = url.protocol === 'https:' ? https : http;
    await new Promise<void>((resolve, reject) => {
      const outgoing = transport.request(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port || undefined,
          method: 'PUT',
          path,
          headers,
          agent: agents[url.protocol === 'https:' ? 'https:' : 'http:'],
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            const body = Buffer.concat(chunks).toString('utf8');
            if (status >= 200 && status < 300 && !body.includes('<Error>')) resolve();
            else reject(s3ErrorFrom(status, response.headers, body));
          });
        },
      );
      // Idle socket time: S3 keeps a long copy alive by sending whitespace.
      outgoing.setTimeout(options.timeoutMs ?? 300_000, () =>
        outgoing.destroy(Object.assign(new Error('CopyObject timed out'), { code: 'ETIMEDOUT' })),
      );
      outgoing.on('error', reject);
      outgoing.end();
    });
  };
}
