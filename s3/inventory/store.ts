import { open, readdir, readFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { InputError } from '../../cli/errors';
import { s3RunError } from '../client/errors';

/** Random access to one file, as the Parquet reader wants it (hyparquet's AsyncBuffer). */
export interface RandomAccessFile {
  readonly byteLength: number;
  slice(start: number, end?: number): Promise<ArrayBuffer>;
  close?(): Promise<void>;
}

/**
 * Where inventory reports are read from: an S3 bucket (the inventory bucket) or a local folder
 * holding the same layout (reports copied down, the benchmark).
 */
export interface ReportStore {
  /** s3://bucket/key or the local path, for messages. */
  describe(key: string): string;
  /** Names of the folders directly under a prefix that ends with '/'. */
  listFolders(prefix: string): Promise<string[]>;
  readText(key: string): Promise<string>;
  openStream(key: string): Promise<Readable>;
  openRandomAccess(key: string, size: number): Promise<RandomAccessFile>;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** Reports in an S3 bucket, read with ListObjectsV2 and (ranged) GetObject. */
export class S3ReportStore implements ReportStore {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    private readonly onRequest?: (type: string) => void,
  ) {}

  describe(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  private fail(error: unknown, action: string, key?: string): never {
    throw s3RunError(error, { action, bucket: this.bucket, key });
  }

  async listFolders(prefix: string): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    do {
      this.onRequest?.('ListObjectsV2');
      const page = await this.client
        .send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            Delimiter: '/',
            ContinuationToken: token,
          }),
        )
        .catch((error: unknown) => this.fail(error, 's3:ListBucket'));
      for (const p of page.CommonPrefixes ?? []) {
        names.push((p.Prefix ?? '').slice(prefix.length).replace(/\/$/, ''));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return names;
  }

  private async get(key: string, range?: string) {
    this.onRequest?.('GetObject');
    return this.client
      .send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range }))
      .catch((error: unknown) => this.fail(error, 's3:GetObject', key));
  }

  async readText(key: string): Promise<string> {
    const response = await this.get(key);
    return (await response.Body?.transformToString('utf8')) ?? '';
  }

  async openStream(key: string): Promise<Readable> {
    const response = await this.get(key);
    return response.Body as Readable;
  }

  openRandomAccess(key: string, size: number): Promise<RandomAccessFile> {
    return Promise.resolve({
      byteLength: size,
      slice: async (start, end) => {
        const last = (end ?? size) - 1;
        if (last < start) return new ArrayBuffer(0);
        const response = await this.get(key, `bytes=${start}-${last}`);
        return toArrayBuffer(await (response.Body?.transformToByteArray() ?? new Uint8Array()));
      },
    });
  }
}

/** Reports in a local folder laid out as in the inventory bucket. */
export class LocalReportStore implements ReportStore {
  constructor(readonly root: string) {}

  describe(key: string): string {
    return join(this.root, key);
  }

  async listFolders(prefix: string): Promise<string[]> {
    const entries = await readdir(join(this.root, prefix), { withFileTypes: true }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT')
          throw new InputError(`${join(this.root, prefix)} does not exist`);
        throw error;
      },
    );
    return entries.filter((e) => e.isDirectory()).map((e) => e.name);
  }

  readText(key: string): Promise<string> {
    return readFile(join(this.root, key), 'utf8');
  }

  openStream(key: string): Promise<Readable> {
    return Promise.resolve(createReadStream(join(this.root, key)));
  }

  async openRandomAccess(key: string, size: number): Promise<RandomAccessFile> {
    const handle = await open(join(this.root, key), 'r');
    const byteLength = size > 0 ? size : (await handle.stat()).size;
    return {
      byteLength,
      close: () => handle.close(),
      slice: async (start, end) => {
        const length = Math.max(0, (end ?? byteLength) - start);
        const buffer = Buffer.alloc(length);
        await handle.read(buffer, 0, length, start);
        return toArrayBuffer(buffer);
      },
    };
  }
}
