import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { CopyObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, HttpRequest, SourceData } from '@smithy/types';
import { ANNOTATION_DIRECTIVE, signCopyObject } from '../../../s3/client/signed-copy';
import { copySourceHeader } from '../../../s3/engine/copy-engine';

/**
 * The hand-signed CopyObject (s3/client/signed-copy.ts) must be the request the SDK sends: the
 * same path as the SDK's serializer writes for the key, and, at a fixed clock, the same
 * Authorization header as the SDK's signer (@smithy/signature-v4) computes for it. A change of
 * either SDK package that breaks the hand-made request fails here (docs/INTERNALS.md).
 */

const toBuffer = (data: SourceData): Buffer =>
  typeof data === 'string'
    ? Buffer.from(data)
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** SHA-256 (and HMAC-SHA256 with a secret) over node:crypto, as SignatureV4 wants it. */
class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined
      ? createHash('sha256')
      : createHmac('sha256', toBuffer(this.secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session+token/with=odd chars',
};
const endpoint = 'http://127.0.0.1:9';
const signingDate = new Date('2026-03-01T12:34:56.789Z');

/** The request the SDK would send for this CopyObject, stopped before it is signed or sent. */
async function sdkRequest(bucket: string, key: string, copySource: string): Promise<HttpRequest> {
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials });
  let captured: HttpRequest | undefined;
  client.middlewareStack.add(
    (_next) => (args) => {
      captured = args.request as HttpRequest;
      return Promise.reject(new Error('captured'));
    },
    { step: 'build', priority: 'low' },
  );
  await expect(
    client.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: key,
        CopySource: copySource,
        MetadataDirective: 'COPY',
        TaggingDirective: 'COPY',
        AnnotationDirective: ANNOTATION_DIRECTIVE,
        ACL: 'bucket-owner-full-control',
        IfNoneMatch: '*',
      }),
    ),
  ).rejects.toThrow('captured');
  client.destroy();
  return captured as HttpRequest;
}

describe('the hand-signed CopyObject', () => {
  it.each([
    'plain/key.txt',
    'a key with spaces/and  two',
    'ünïcödé/ключ/鍵',
    'plus+sign and %percent%25',
    "tilde~/star*/quote'/paren()!",
    'astral 😀/𝄞 music',
    'reserved ?#[]@$&,;=:',
    'equals=sign/a=b==c',
    'mixed ~+%=😀 é/ key',
  ])('signs %j as @smithy/signature-v4 does, on the path the SDK writes', async (key) => {
    const bucket = 'bucket-a';
    const copySource = copySourceHeader('source-bucket', key, 'version 1');
    const sdk = await sdkRequest(bucket, key, copySource);
    const ours = signCopyObject(
      {
        destinationBucket: bucket,
        destinationKey: key,
        copySource,
        acl: 'bucket-owner-full-control',
        ifNoneMatch: true,
      },
      { url: new URL(`${endpoint}/${bucket}`), signingRegion: 'us-east-1' },
      credentials,
      signingDate,
    );
    expect(ours.path).toBe(sdk.path);
    expect(ours.headers['x-amz-copy-source']).toBe(sdk.headers['x-amz-copy-source']);

    const signer = new SignatureV4({
      credentials,
      region: 'us-east-1',
      service: 's3',
      sha256: NodeSha256,
      // S3 paths are escaped once, by the serializer, never again by the signer.
      uriEscapePath: false,
    });
    const unsigned = Object.fromEntries(
      Object.entries(ours.headers).filter(([name]) => name !== 'authorization'),
    );
    const signed = await signer.sign(
      { ...sdk, path: ours.path, query: {}, headers: { ...unsigned } },
      { signingDate },
    );
    expect(ours.headers.authorization).toBe(signed.headers.authorization);
  });
});
