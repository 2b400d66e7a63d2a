import {
  denyLoosening,
  lockRetentionOf,
  objectLockTurnedOff,
  objectLockWeakenings,
  publicAccessBlockTurnedOff,
  REQUIRED_BUCKET_SETTINGS,
  versioningStatusOf,
  versioningTurnedOff,
} from '../../terraform/resource-weakenings';

// The rules that `npm run diff` (cdk.tf.json) and `npm run guard` (plan JSON) share: the same
// before/after judgement whichever of the two shapes a nested block comes in.
const BUCKET = 'arn:aws:s3:::backup';
const guardrail = {
  Sid: 'DenyVersionDeletes',
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: ['s3:DeleteObjectVersion', 's3:PutLifecycleConfiguration'],
  Resource: [BUCKET, `${BUCKET}/*`],
  Condition: { StringNotEquals: { 'aws:PrincipalAccount': ['222222222222', '111111111111'] } },
};

describe('denyLoosening', () => {
  const nothing = {
    notDeny: false,
    actionsSwitched: false,
    actionsNoLongerDenied: [],
    actionsExempted: [],
    resourcesNoLongerCovered: [],
    resourcesExempted: [],
    notResourceChanged: false,
    principalsChanged: false,
    conditionChanged: false,
  };

  it('finds nothing in the same Deny written another way (wildcards, order, one value)', async () => {
    const respelled = {
      ...guardrail,
      Principal: { AWS: ['*'] },
      Action: ['s3:Delete*', 's3:PutLifecycleConfiguration'],
      Resource: [`${BUCKET}*`],
      Condition: { StringNotEquals: { 'aws:PrincipalAccount': ['111111111111', '222222222222'] } },
    };
    expect(await denyLoosening(guardrail, respelled)).toEqual(nothing);
  });

  it('names the actions and resources a Deny no longer covers, and any other condition', async () => {
    const weaker = {
      ...guardrail,
      Effect: 'Allow',
      Action: ['s3:PutLifecycleConfiguration'],
      Resource: [BUCKET],
      Condition: { StringNotEquals: { 'aws:PrincipalAccount': '111111111111' } },
    };
    expect(await denyLoosening(guardrail, weaker)).toEqual({
      ...nothing,
      notDeny: true,
      actionsNoLongerDenied: ['s3:DeleteObjectVersion'],
      resourcesNoLongerCovered: [`${BUCKET}/*`],
      conditionChanged: true,
    });
  });

  it('sees a switch to NotAction and the actions it exempts', async () => {
    const switched = { ...guardrail, Action: undefined, NotAction: ['s3:GetObject'] };
    const found = await denyLoosening(guardrail, switched);
    expect(found.actionsSwitched).toBe(true);
    expect(found.actionsExempted).toEqual(['s3:GetObject']);
  });
});

describe('Object Lock and versioning', () => {
  // The plan's nested blocks are lists; cdktf's synthesis writes one object.
  const lock = (mode: string, days: number) => ({
    rule: [{ default_retention: [{ mode, days }] }],
  });
  const synthesizedLock = (mode: string, years: number) => ({
    rule: { default_retention: { mode, years } },
  });

  it('reads a retention in either shape, a year as 365 days', () => {
    expect(lockRetentionOf(lock('COMPLIANCE', 30))).toEqual({ mode: 'COMPLIANCE', days: 30 });
    expect(lockRetentionOf(synthesizedLock('GOVERNANCE', 1))).toEqual({
      mode: 'GOVERNANCE',
      days: 365,
    });
    expect(versioningStatusOf({ versioning_configuration: { status: 'Suspended' } })).toBe(
      'Suspended',
    );
  });

  it('finds a retention shortened, loosened from COMPLIANCE, or removed; longer is no weakening', () => {
    expect(objectLockWeakenings(lock('COMPLIANCE', 30), lock('GOVERNANCE', 10))).toEqual([
      {
        kind: 'retention-shortened',
        before: { mode: 'COMPLIANCE', days: 30 },
        after: { mode: 'GOVERNANCE', days: 10 },
      },
      {
        kind: 'mode-loosened',
        before: { mode: 'COMPLIANCE', days: 30 },
        after: { mode: 'GOVERNANCE', days: 10 },
      },
    ]);
    expect(objectLockWeakenings(lock('COMPLIANCE', 30), undefined)).toEqual([
      { kind: 'retention-removed', before: { mode: 'COMPLIANCE', days: 30 } },
    ]);
    expect(objectLockWeakenings(lock('GOVERNANCE', 30), synthesizedLock('COMPLIANCE', 1))).toEqual(
      [],
    );
  });

  it('finds Object Lock turned off on a bucket that stays', () => {
    expect(objectLockTurnedOff({ object_lock_enabled: true }, { object_lock_enabled: false })).toBe(
      true,
    );
    expect(objectLockTurnedOff({ object_lock_enabled: true }, {})).toBe(true);
    expect(objectLockTurnedOff({ object_lock_enabled: true }, undefined)).toBe(false);
    expect(objectLockTurnedOff({ object_lock_enabled: true }, null)).toBe(false);
  });

  it('judges versioning and the public access block against the last state or the required one', () => {
    const suspended = { versioning_configuration: [{ status: 'Suspended' }] };
    expect(versioningTurnedOff(REQUIRED_BUCKET_SETTINGS.versioning, suspended)).toEqual({
      status: 'Suspended',
    });
    expect(versioningTurnedOff(suspended, REQUIRED_BUCKET_SETTINGS.versioning)).toBeUndefined();
    const policyAllowed = {
      ...REQUIRED_BUCKET_SETTINGS.publicAccessBlock,
      block_public_policy: false,
    };
    expect(
      publicAccessBlockTurnedOff(REQUIRED_BUCKET_SETTINGS.publicAccessBlock, policyAllowed),
    ).toEqual([{ setting: 'block_public_policy', value: false }]);
    expect(publicAccessBlockTurnedOff(policyAllowed, {})).toHaveLength(3);
  });
});
