/**
 * Removing the throwaway buckets that the benchmarks and the integration tests create on the
 * local S3 server. Never pointed at a real backup: it deletes every version it finds.
 */
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';

/** Empties and deletes an unversioned scratch bucket, 1,000 keys per request. */
export async function deleteBucket(client: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key }));
    if (keys.length === 0) break;
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

/** Deletes every version and delete marker of a versioned scratch bucket, then the bucket. */
export async function emptyAndDeleteVersionedBucket(
  client: S3Client,
  bucket: string,
): Promise<void> {
  for (;;) {
    const page = await client.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const entries = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((e) => ({
      Key: e.Key,
      VersionId: e.VersionId,
    }));
    if (entries.length === 0) break;
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: entries } }));
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}
