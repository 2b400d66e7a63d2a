import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { compareUtf8 } from '../listing/utf8-order';

export interface ExternalSortOptions {
  /** Rows sorted in memory at a time; each full batch becomes one run file. @default 200000 */
  readonly runRows?: number;
  /** Runs merged at once; more are merged in passes first. @default 64 */
  readonly maxOpenRuns?: number;
  /** Where run files go (deleted at the end). @default os.tmpdir() */
  readonly tmpDir?: string;
}

interface Keyed {
  readonly key: string;
}

const byKey = (a: Keyed, b: Keyed) => compareUtf8(a.key, b.key);

async function writeRun<T>(path: string, rows: readonly T[]): Promise<void> {
  const out = createWriteStream(path);
  for (const row of rows) {
    if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function* readRun<T>(path: string): AsyncGenerator<T> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) if (line !== '') yield JSON.parse(line) as T;
}

/** A binary min-heap of the head row of each run; ties go to the lower run (a stable merge). */
async function* mergeRuns<T extends Keyed>(runs: AsyncIterator<T>[]): AsyncGenerator<T> {
  type Head = { row: T; run: number };
  const heap: Head[] = [];
  const less = (a: Head, b: Head) => {
    const order = byKey(a.row, b.row);
    return order < 0 || (order === 0 && a.run < b.run);
  };
  const push = (head: Head) => {
    heap.push(head);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  };
  const pop = (): Head => {
    const top = heap[0];
    const last = heap.pop() as Head;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l], heap[m])) m = l;
        if (r < heap.length && less(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  };
  for (const [run, iterator] of runs.entries()) {
    const first = await iterator.next();
    if (!first.done) push({ row: first.value, run });
  }
  while (heap.length > 0) {
    const head = pop();
    yield head.row;
    const next = await runs[head.run].next();
    if (!next.done) push({ row: next.value, run: head.run });
  }
}

/**
 * Rows in UTF-8 byte order of their keys, whatever order they arrive in (S3 Inventory does not
 * promise any order across or within its data files). Up to `runRows` rows are sorted in memory;
 * beyond that, sorted runs are spilled to temporary files and merged with a heap, so memory stays
 * bounded at any report size. Rows with equal keys keep their arrival order.
 */
export async function* sortByKey<T extends Keyed>(
  rows: AsyncIterable<T>,
  options: ExternalSortOptions = {},
): AsyncGenerator<T> {
  const runRows = options.runRows ?? 200_000;
  const maxOpenRuns = Math.max(2, options.maxOpenRuns ?? 64);
  let dir: string | undefined;
  let runs: string[] = [];
  let batch: T[] = [];
  let files = 0;
  const spill = async (sorted: readonly T[]) => {
    dir ??= await mkdtemp(join(options.tmpDir ?? tmpdir(), 's3-bastion-sort-'));
    const path = join(dir, `run-${files++}.jsonl`);
    await writeRun(path, sorted);
    return path;
  };
  try {
    for await (const row of rows) {
      batch.push(row);
      if (batch.length >= runRows) {
        runs.push(await spill(batch.sort(byKey)));
        batch = [];
      }
    }
    batch.sort(byKey);
    if (runs.length === 0) {
      yield* batch;
      return;
    }
    if (batch.length > 0) runs.push(await spill(batch));
    batch = [];
    while (runs.length > maxOpenRuns) {
      const merged: string[] = [];
      for (let i = 0; i < runs.length; i += maxOpenRuns) {
        const group = runs.slice(i, i + maxOpenRuns);
        const path = await spill([]);
        const out = createWriteStream(path);
        for await (const row of mergeRuns(group.map((p) => readRun<T>(p)))) {
          if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, 'drain');
        }
        out.end();
        await once(out, 'finish');
        await Promise.all(group.map((p) => rm(p, { force: true })));
        merged.push(path);
      }
      runs = merged;
    }
    yield* mergeRuns(runs.map((p) => readRun<T>(p)));
  } finally {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }
}
