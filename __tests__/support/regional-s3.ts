/**
 * Regional S3 emulation: an HTTP proxy in front of the local RGW that knows which bucket lives in
 * which region and answers as S3 does a request signed for another region. The local RGW has one
 * region and accepts a SigV4 signature whatever region its credential scope names (measured: the
 * same request signed for us-east-1, eu-west-1 or "weird" is accepted), so requests signed for the
 * right region are forwarded unchanged and need no re-signing.
 *
 * What it emulates (MOCK of S3 behaviour RGW lacks, from AWS documentation):
 * - a request whose SigV4 credential scope (Authorization header, or X-Amz-Credential of a
 *   presigned URL) names another region than the addressed bucket's gets 301 PermanentRedirect
 *   with `x-amz-bucket-region`; a HEAD gets the header and no body;
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 * - with `wrongRegionAnswer: 'AuthorizationHeaderMalformed'`, 400 with the region only in the
 *   body's `<Region>`, as S3's regional endpoints answer;
 * - HeadBucket names the bucket's region in `x-amz-bucket-region` whatever the signing region
 *   (on a 301 too), as S3 does even for a caller without access;
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html
 * - a CopyObject / UploadPartCopy is judged by the DESTINATION bucket (the one in the path): S3
 *   takes a copy in the destination's region, whatever the source's.
 * Buckets not in the table are forwarded unchanged (the server's own region).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RegionalS3Options {
  /** Bucket name -> the region it lives in. */
  readonly regions: Readonly<Record<string, string>>;
  /** How a misaddressed request is answered. @default 'PermanentRedirect' */
  readonly wrongRegionAnswer?: 'PermanentRedirect' | 'AuthorizationHeaderMalformed';
}

export interface RegionalRequest {
  readonly method: string;
  readonly bucket: string;
  /** The region the request was signed for (its SigV4 credential scope). */
  readonly signedFor: string | undefined;
  /** S3's operation, as far as this emulation tells them apart. */
  readonly operation: string;
  /** Answered with a wrong-region error rather than forwarded. */
  readonly misaddressed: boolean;
}

export interface RegionalS3 {
  readonly url: string;
  readonly requests: RegionalRequest[];
  /** The misaddressed requests (each answered with a wrong-region error). */
  misaddressed(): RegionalRequest[];
  close(): Promise<void>;
}

/** The region of a SigV4 credential scope: `AKID/20260101/eu-west-1/s3/aws4_request`. */
export function signingRegionOf(request: {
  headers: http.IncomingHttpHeaders;
  url?: string;
}): string | undefined {
  const header = /Credential=[^/]+\/\d{8}\/([^/]+)\/s3\/aws4_request/.exec(
    request.headers.authorization ?? '',
  );
  if (header) return header[1];
  const query = new URL(request.url ?? '/', 'http://emulation').searchParams.get(
    'X-Amz-Credential',
  );
  return query?.split('/')[2];
}

function operationOf(method: string, url: URL, headers: http.IncomingHttpHeaders): string {
  const [, bucket = '', ...key] = url.pathname.split('/');
  const hasKey = key.join('/') !== '';
  const q = url.searchParams;
  if (bucket === '') return 'ListBuckets';
  if (!hasKey) {
    if (method === 'HEAD') return 'HeadBucket';
    if (q.has('versions')) return 'ListObjectVersions';
    if (q.has('location')) return 'GetBucketLocation';
    if (method === 'GET') return 'ListObjects';
    return `${method} bucket`;
  }
  if (method === 'PUT' && headers['x-amz-copy-source'] !== undefined) {
    return q.has('uploadId') ? 'UploadPartCopy' : 'CopyObject';
  }
  if (method === 'POST' && q.has('uploads')) return 'CreateMultipartUpload';
  if (method === 'POST' && q.has('uploadId')) return 'CompleteMultipartUpload';
  if (method === 'DELETE' && q.has('uploadId')) return 'AbortMultipartUpload';
  if (method === 'GET' && q.has('tagging')) return 'GetObjectTagging';
  if (method === 'HEAD') return 'HeadObject';
  return `${method} object`;
}

function errorXml(code: string, message: string, extra: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>regional-s3</RequestId></Error>`;
}

export async function startRegionalS3(
  target: string,
  options: RegionalS3Options,
): Promise<RegionalS3> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const requests: RegionalRequest[] = [];

  const server = http.createServer((request, response) => {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://emulation');
    const bucket = decodeURIComponent(url.pathname.split('/')[1] ?? '');
    const bucketRegion = options.regions[bucket];
    const signedFor = signingRegionOf(request);
    const operation = operationOf(method, url, request.headers);
    const misaddressed = bucketRegion !== undefined && signedFor !== bucketRegion;
    requests.push({ method, bucket, signedFor, operation, misaddressed });

    if (misaddressed) {
      request.resume();
      const malformed = options.wrongRegionAnswer === 'AuthorizationHeaderMalformed';
      // The 400 names the region in its body only (a HEAD has no body: the header stays).
      const headers = {
        'content-type': 'application/xml',
        ...(malformed && method !== 'HEAD' ? {} : { 'x-amz-bucket-region': bucketRegion }),
      };
      response.writeHead(malformed ? 400 : 301, headers);
      if (method === 'HEAD') {
        response.end();
        return;
      }
      response.end(
        malformed
          ? errorXml(
              'AuthorizationHeaderMalformed',
              `The authorization header is malformed; the region '${signedFor}' is wrong; expecting '${bucketRegion}'`,
              `<Region>${bucketRegion}</Region>`,
            )
          : errorXml(
              'PermanentRedirect',
              'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
              `<Bucket>${bucket}</Bucket><Endpoint>${bucket}.s3.${bucketRegion}.amazonaws.com</Endpoint>`,
            ),
      );
      return;
    }
    const upstreamRequest = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method,
        path: request.url,
        headers: request.headers,
        agent,
      },
      (answer) => {
        const headers = { ...answer.headers };
        if (operation === 'HeadBucket' && bucketRegion !== undefined) {
          headers['x-amz-bucket-region'] = bucketRegion;
        }
        response.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(response);
      },
    );
    upstreamRequest.on('error', () => request.socket.destroy());
    request.pipe(upstreamRequest);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    misaddressed: () => requests.filter((r) => r.misaddressed),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
