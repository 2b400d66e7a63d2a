/**
 * S3 request prices in USD at the S3 Standard list price of us-east-1 (per 1,000 requests),
 * https://aws.amazon.com/s3/pricing/ ("Requests & data retrievals"). Other regions and storage
 * classes differ by a few percent; cross-region data transfer is not a request and is not included.
 */
export const USD_PER_1000_REQUESTS: Readonly<Record<string, number>> = {
  // PUT, COPY, POST, LIST class
  ListObjectsV2: 0.005,
  ListObjectVersions: 0.005,
  CopyObject: 0.005,
  PutObject: 0.005,
  CreateMultipartUpload: 0.005,
  UploadPartCopy: 0.005,
  CompleteMultipartUpload: 0.005,
  // GET, SELECT and all other requests
  HeadObject: 0.0004,
  GetObjectTagging: 0.0004,
  // DELETE and CANCEL requests are free
  AbortMultipartUpload: 0,
};

/** The list price of a set of requests, counted by type. */
export function requestCostUsd(requests: Readonly<Record<string, number>>): number {
  let total = 0;
  for (const [type, count] of Object.entries(requests)) {
    total += ((USD_PER_1000_REQUESTS[type] ?? 0.005) * count) / 1000;
  }
  return total;
}
