/** One object that could not be copied, and why (one line). */
export interface FailedObject {
  readonly key: string;
  readonly versionId?: string;
  readonly error: string;
}

/** Counters of one run, read by the progress display and the summary. */
export class RunStats {
  readonly startedAt = performance.now();
  /** Objects the copy engine was given (known only as the listing goes). */
  objectsQueued = 0;
  bytesQueued = 0;
  objectsCopied = 0;
  bytesCopied = 0;
  /** Already in the destination: seen by the diff, or refused with 412 by If-None-Match. */
  objectsAlreadyPresent = 0;
  bytesAlreadyPresent = 0;
  /** Deleted from the source between listing and copy: nothing left to back up. */
  objectsSourceGone = 0;
  readonly failed: FailedObject[] = [];
  objectsFailed = 0;
  retries = 0;
  throttles = 0;
  readonly requests: Record<string, number> = {};
  /** Source objects listed; when the listing has ended, the totals for an ETA. */
  objectsListed = 0;
  bytesListed = 0;
  listingDone = false;

  countRequest(requestType: string): void {
    this.requests[requestType] = (this.requests[requestType] ?? 0) + 1;
  }

  recordFailure(failure: FailedObject): void {
    this.objectsFailed++;
    // Keep the first few for the summary; the count says how many there were.
    if (this.failed.length < 100) this.failed.push(failure);
  }

  get elapsedSeconds(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  get objectsDone(): number {
    return (
      this.objectsCopied + this.objectsAlreadyPresent + this.objectsSourceGone + this.objectsFailed
    );
  }

  get totalRequests(): number {
    return Object.values(this.requests).reduce((sum, n) => sum + n, 0);
  }
}
