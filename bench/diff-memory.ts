/**
 * Peak memory of the streaming diff over N listed keys per side (default 1,000,000), through the
 * real SDK listing code, against a synthetic ListObjectsV2 server: RGW would take most of an hour
 * to hold a million objects, and only the listing's shape matters here. The destination lacks
 * every 10th key. `--collect` runs the naive diff instead (both listings into memory, then a
 * Set lookup), for contrast.
 *
 *   npm run bench:diff-memory -- [--keys N] [--collect]
 * Prints one JSON line: keys, missing, seconds, peakRssMiB, heapUsedMiB samples.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { listObjects } from '../s3/listing/listing';
import { verify } from '../s3/backfill/verify';

// Fixed-width keys sort the same in UTF-8 and numeric order, so page n is keys n*1000..n*1000+999.
const keyAt = (i: number) => `data/${String(i).padStart(9, '0')}/object.bin`;

function page(bucket: string, startIndex: number, total: number): { xml: string; next?: number } {
  const items: string[] = [];
  let i = startIndex;
  while (items.length < 1000 && i < total) {
    if (!(bucket === 'destination' && i % 10 === 0)) {
      items.push(
        `<Contents><Key>${keyAt(i)}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>${i % 5000}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
      );
    }
    i++;
  }
  const truncated = i < total;
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix></Prefix><KeyCount>${items.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>${truncated}</IsTruncated>` +
    (truncated ? `<NextContinuationToken>${i}</NextContinuationToken>` : '') +
    `${items.join('')}</ListBucketResult>`;
  return { xml, next: truncated ? i : undefined };
}

/** `npm run bench:diff-memory`: prints one JSON line (see above). */
export async function benchDiffMemory(options: {
  readonly keys: number;
  /** The naive diff: both listings into memory first. */
  readonly collect: boolean;
}): Promise<void> {
  const total = options.keys;
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const bucket = url.pathname.split('/')[1];
    const token = url.searchParams.get('continuation-token');
    response.writeHead(200, { 'content-type': 'application/xml' });
    response.end(page(bucket, token === null ? 0 : Number(token), total).xml);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new S3Client({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  let peakRss = 0;
  const samples: number[] = [];
  const sampler = setInterval(() => {
    const { rss, heapUsed } = process.memoryUsage();
    peakRss = Math.max(peakRss, rss);
    samples.push(Math.round(heapUsed / 2 ** 20));
  }, 500);
  const started = performance.now();
  let missing: number;
  if (options.collect) {
    const destination = new Set<string>();
    for await (const o of listObjects(client, { bucket: 'destination' })) destination.add(o.key);
    const source: string[] = [];
    for await (const o of listObjects(client, { bucket: 'source' })) source.push(o.key);
    missing = source.filter((key) => !destination.has(key)).length;
  } else {
    const report = await verify({
      client,
      sourceBucket: 'source',
      destinationBucket: 'destination',
    });
    missing = report.missing.count;
  }
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  server.close();
  const step = Math.max(1, Math.floor(samples.length / 8));
  console.log(
    JSON.stringify({
      mode: options.collect ? 'collect-then-compare' : 'streaming-merge',
      keysPerSide: total,
      missing,
      seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
      peakRssMiB: Math.round(peakRss / 2 ** 20),
      heapUsedMiBOverTime: samples.filter((_, i) => i % step === 0),
    }),
  );
}
