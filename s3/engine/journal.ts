import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** What a resumed run needs: every source key up to `watermark` is already in the destination. */
export interface JournalState {
  readonly version: 1;
  readonly tool: string;
  readonly source: string;
  readonly destination: string;
  readonly prefix: string;
  /** Anything else that makes two runs different work (the restore point of a restore). */
  readonly scope?: string;
  readonly watermark?: string;
  readonly updatedAt: string;
}

/** Default state directory: $S3_BASTION_STATE_DIR, or ~/.s3-bastion-backup. */
export function defaultStateDir(): string {
  return process.env.S3_BASTION_STATE_DIR ?? join(homedir(), '.s3-bastion-backup');
}

/**
 * The resume journal of one run, in a file named after its source, destination and prefix. It is
 * written atomically (temporary file, then rename) so that a kill -9 leaves either the old or the
 * new state, never half a file.
 */
export class ResumeJournal {
  readonly path: string;

  constructor(
    stateDir: string,
    private readonly identity: Omit<JournalState, 'version' | 'watermark' | 'updatedAt'>,
  ) {
    const id = createHash('sha256')
      .update(
        JSON.stringify([
          identity.tool,
          identity.source,
          identity.destination,
          identity.prefix,
          // Only when set, so that the journals of tools without a scope keep their file names.
          ...(identity.scope === undefined ? [] : [identity.scope]),
        ]),
      )
      .digest('hex')
      .slice(0, 24);
    this.path = join(stateDir, `${identity.tool}-${id}.json`);
  }

  load(): JournalState | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return undefined;
    }
    const state = JSON.parse(text) as JournalState;
    const same =
      state.version === 1 &&
      state.tool === this.identity.tool &&
      state.source === this.identity.source &&
      state.destination === this.identity.destination &&
      state.prefix === this.identity.prefix &&
      state.scope === this.identity.scope;
    return same ? state : undefined;
  }

  save(watermark: string | undefined): void {
    const state: JournalState = {
      version: 1,
      ...this.identity,
      watermark,
      updatedAt: new Date().toISOString(),
    };
    mkdirSync(join(this.path, '..'), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(state, null, 2) + '\n');
    renameSync(temporary, this.path);
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}

/**
 * The last key before which every task is done, for tasks started in key order and finished in
 * any order. A failed task holds the watermark back, so that a rerun retries it.
 */
export class Watermark {
  private nextSequence = 0;
  private readonly pending = new Map<number, { key: string; done: boolean }>();
  private lowestPending = 0;
  private blocked = false;
  private current: string | undefined;

  constructor(initial?: string) {
    this.current = initial;
  }

  get value(): string | undefined {
    return this.current;
  }

  /** Registers a task in key order; returns its ticket for `finish`. */
  start(key: string): number {
    const sequence = this.nextSequence++;
    this.pending.set(sequence, { key, done: false });
    return sequence;
  }

  finish(sequence: number, succeeded: boolean): void {
    const entry = this.pending.get(sequence);
    if (entry === undefined) return;
    if (!succeeded) this.blocked = true;
    entry.done = true;
    while (!this.blocked) {
      const lowest = this.pending.get(this.lowestPending);
      if (lowest === undefined || !lowest.done) break;
      this.current = lowest.key;
      this.pending.delete(this.lowestPending);
      this.lowestPending++;
    }
  }
}
