import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { openJournal } from '../../../s3/engine/copy-job';
import { ResumeJournal } from '../../../s3/engine/journal';

/** The resume journal a copy job opens: the same identity for the run and for --restart. */
describe('openJournal', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'bastion-journal-'));
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));
  const client = new S3Client({ region: 'us-east-1' });
  const identity = { tool: 'backfill', source: 'src', destination: 'dst', prefix: 'a/' };
  const interrupted = () => new ResumeJournal(stateDir, identity).save('a/0042');

  it('resumes after the watermark of an interrupted run of the same job', () => {
    interrupted();
    expect(openJournal({ client, stateDir }, identity).resumedAfter).toBe('a/0042');
    expect(openJournal({ client, stateDir }, { ...identity, prefix: 'b/' }).resumedAfter).toBe(
      undefined,
    );
  });

  it('forgets it with restart, and keeps none for a dry run', () => {
    interrupted();
    expect(openJournal({ client, stateDir, dryRun: true }, identity)).toEqual({
      journal: undefined,
      resumedAfter: undefined,
    });
    expect(openJournal({ client, stateDir, restart: true }, identity).resumedAfter).toBe(undefined);
    expect(openJournal({ client, stateDir }, identity).resumedAfter).toBe(undefined);
  });
});
