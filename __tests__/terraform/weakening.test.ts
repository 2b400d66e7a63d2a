import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exampleConfig } from '../../config';
import { diffAgainstRef, renderMarkdown, SynthesisDiff } from '../../terraform/diff';
import { SynthesizedStack } from '../../terraform/synthesized';
import { findWeakenings } from '../../terraform/weakening';
import { BastionConfig } from '../../config';
import { configWith, synthesize } from '../support/synth';

// Changes that weaken the backup, found in two syntheses: each kind the PR diff must put on top.

type Json = Record<string, unknown>;

function stacksOf(config: BastionConfig): SynthesizedStack[] {
  return Object.entries(synthesize(config).stacks).map(([name, json]) => ({
    name,
    json,
  }));
}

/** A deep copy of the stacks with one resource edited in place. */
function edited(
  stacks: readonly SynthesizedStack[],
  stack: string,
  type: string,
  name: string,
  edit: (resource: Json) => void,
): SynthesizedStack[] {
  const copy = JSON.parse(JSON.stringify(stacks)) as SynthesizedStack[];
  const target = copy.find((s) => s.name === stack)?.json.resource?.[type]?.[name];
  if (!target) throw new Error(`no ${type}.${name} in ${stack}`);
  edit(target);
  return copy;
}

const BACKUP = 'backup-us-west-2';
const PRIMARY = 'primary-us-east-1';
const ledger = exampleConfig.sourceBuckets[1];
const base = stacksOf(exampleConfig);

const editPolicy = (
  stacks: readonly SynthesizedStack[],
  edit: (statements: Array<Record<string, unknown>>) => void,
) =>
  edited(stacks, BACKUP, 'aws_s3_bucket_policy', `${ledger.backupBucketName}-policy`, (r) => {
    const policy = JSON.parse(String(r.policy)) as { Statement: Array<Record<string, unknown>> };
    edit(policy.Statement);
    r.policy = JSON.stringify(policy);
  });

describe('findWeakenings', () => {
  it('finds nothing when nothing changes', async () => {
    expect(await findWeakenings(base, stacksOf(exampleConfig))).toEqual([]);
  });

  it('flags a shortened recovery window, and only that bucket', async () => {
    const shorter = configWith({
      sourceBuckets: [
        exampleConfig.sourceBuckets[0],
        { ...ledger, noncurrentVersionRetentionDays: 7 },
      ],
    });
    expect(await findWeakenings(base, stacksOf(shorter))).toEqual([
      {
        stack: BACKUP,
        subject: `bucket ${ledger.backupBucketName}`,
        change:
          'noncurrent-version retention (the recovery window) shortened from 90 days to 7 days',
      },
    ]);
    // Longer is not a weakening.
    expect(await findWeakenings(stacksOf(shorter), base)).toEqual([]);
  });

  it('flags Object Lock shortened, moved from COMPLIANCE to GOVERNANCE, and removed', async () => {
    const locked = stacksOf(configWith({ objectLock: { mode: 'COMPLIANCE', days: 30 } }));
    const weaker = stacksOf(configWith({ objectLock: { mode: 'GOVERNANCE', days: 10 } }));
    const changes = (await findWeakenings(locked, weaker)).map((w) => w.change);
    expect(changes).toEqual(
      expect.arrayContaining([
        'Object Lock retention shortened from 30 to 10 days',
        'Object Lock mode loosened from COMPLIANCE to GOVERNANCE: governance retention can be bypassed',
      ]),
    );
    const removed = (await findWeakenings(locked, base)).map((w) => w.change);
    expect(removed).toEqual(
      expect.arrayContaining([
        'Object Lock default retention removed (was COMPLIANCE 30 days)',
        'Object Lock no longer enabled on the bucket',
      ]),
    );
  });

  it('flags a Deny guardrail removed, or loosened in its actions or its condition', async () => {
    const statements = (
      JSON.parse(
        String(
          base.find((s) => s.name === BACKUP)?.json.resource?.aws_s3_bucket_policy?.[
            `${ledger.backupBucketName}-policy`
          ]?.policy,
        ),
      ) as { Statement: Array<{ Sid: string; Effect: string; Action?: string[] }> }
    ).Statement;
    const denies = statements.filter((s) => s.Effect === 'Deny');
    const [first] = denies;
    const withActions = denies.find((s) => (s.Action?.length ?? 0) > 1);
    if (!first || !withActions?.Action)
      throw new Error('the example policy has no Deny with actions');

    const removed = editPolicy(base, (list) => {
      list.splice(
        list.findIndex((s) => s.Sid === first.Sid),
        1,
      );
    });
    expect(await findWeakenings(base, removed)).toContainEqual({
      stack: BACKUP,
      subject: `bucket policy of ${ledger.backupBucketName}: ${first.Sid}`,
      change: 'guardrail removed',
    });

    const dropped = withActions.Action[0];
    const fewerActions = editPolicy(base, (list) => {
      const s = list.find((x) => x.Sid === withActions.Sid) as { Action: string[] };
      s.Action = s.Action.filter((a) => a !== dropped);
    });
    const [loosened] = await findWeakenings(base, fewerActions);
    expect(loosened.subject).toBe(
      `bucket policy of ${ledger.backupBucketName}: ${withActions.Sid}`,
    );
    expect(loosened.change).toMatch(/^guardrail loosened: no longer denies /);

    const conditionGone = editPolicy(base, (list) => {
      const s = list.find((x) => x.Sid === first.Sid) as Json;
      delete s.Condition;
    });
    expect((await findWeakenings(base, conditionGone))[0]?.change).toMatch(
      /^guardrail loosened: condition changed from /,
    );
  });

  it('flags versioning suspended, replication disabled and a backup bucket dropped', async () => {
    const suspended = edited(
      base,
      BACKUP,
      'aws_s3_bucket_versioning',
      `${ledger.backupBucketName}-versioning`,
      (r) => {
        r.versioning_configuration = { status: 'Suspended' };
      },
    );
    expect(await findWeakenings(base, suspended)).toEqual([
      {
        stack: BACKUP,
        subject: `bucket ${ledger.backupBucketName}`,
        change: 'versioning no longer Enabled (Suspended)',
      },
    ]);

    const publicAgain = edited(
      base,
      BACKUP,
      'aws_s3_bucket_public_access_block',
      `${ledger.backupBucketName}-public-access-block`,
      (r) => {
        r.block_public_policy = false;
      },
    );
    expect(await findWeakenings(base, publicAgain)).toEqual([
      {
        stack: BACKUP,
        subject: `bucket ${ledger.backupBucketName}`,
        change: 'public access block block_public_policy no longer on',
      },
    ]);

    const disabled = edited(
      base,
      PRIMARY,
      'aws_s3_bucket_replication_configuration',
      `${ledger.name}-replication`,
      (r) => {
        (r.rule as Json[])[0].status = 'Disabled';
      },
    );
    expect(await findWeakenings(base, disabled)).toEqual([
      {
        stack: PRIMARY,
        subject: `bucket ${ledger.name}`,
        change: 'replication rule removed or disabled: new writes no longer reach the backup',
      },
    ]);

    const dropped = stacksOf(configWith({ sourceBuckets: [exampleConfig.sourceBuckets[0]] }));
    const subjects = (await findWeakenings(base, dropped)).map((w) => `${w.subject}: ${w.change}`);
    expect(subjects).toContain(
      `bucket ${ledger.backupBucketName}: bucket removed from the stack (with every version it holds, if the apply gets that far)`,
    );
    expect(subjects).toContain(
      `bucket ${ledger.name}: replication rule removed or disabled: new writes no longer reach the backup`,
    );
  });
});

describe('the PR diff', () => {
  it('puts the weakenings above the resource and permission changes', () => {
    const diff: SynthesisDiff = {
      stacks: [
        {
          stack: BACKUP,
          status: 'changed',
          added: [],
          changed: [],
          removed: [],
          settingsChanged: true,
        },
      ],
      documents: [],
      weakenings: [
        { stack: BACKUP, subject: 'bucket b', change: 'noncurrent-version retention shortened' },
      ],
    };
    const markdown = renderMarkdown(diff);
    const warning = markdown.indexOf('### Weakens the backup');
    expect(warning).toBeGreaterThan(0);
    expect(warning).toBeLessThan(markdown.indexOf('### Resources'));
    expect(markdown).toContain(
      '- **bucket b** (stack `backup-us-west-2`): noncurrent-version retention shortened',
    );
  });
});

describe('npm run diff on the pull request that adds the config', () => {
  const root = join(__dirname, '..', '..');

  it('compares against an empty deployment when the base has no such config file', async () => {
    // Untracked, so the base (HEAD) checkout lacks it, as in the PR that adds it.
    const name = `pr-config-${process.pid}.ts`;
    const file = join(root, name);
    writeFileSync(
      file,
      `import { exampleConfig } from './config';\nexport const config = exampleConfig;\n`,
    );
    try {
      const diff = await diffAgainstRef({
        repoDir: root,
        base: 'HEAD',
        env: { ...process.env, BASTION_CONFIG: name },
      });
      expect(diff.baseNote).toBe(
        `HEAD has no ${name} (BASTION_CONFIG): this pull request adds the deployment, so it is ` +
          'compared against an empty one and every resource is new.',
      );
      expect(diff.stacks.map((s) => [s.stack, s.status, s.removed.length])).toEqual([
        [BACKUP, 'added', 0],
        [PRIMARY, 'added', 0],
      ]);
      expect(diff.weakenings).toEqual([]);
      const markdown = renderMarkdown(diff);
      expect(markdown.indexOf(`HEAD has no ${name}`)).toBeLessThan(
        markdown.indexOf('### Resources'),
      );
    } finally {
      rmSync(file, { force: true });
    }
  }, 180_000);
});
