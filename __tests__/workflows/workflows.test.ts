import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';

// The delivery pipeline is part of the threat model (docs/delivery-pipeline.md): these rules are
// checked on the workflow files themselves, and each file against GitHub's workflow schema with
// @action-validator/core (the SchemaStore schema, compiled to WebAssembly).

const DIR = join(__dirname, '..', '..', '.github', 'workflows');

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, unknown>;
}
interface Job {
  readonly permissions?: Record<string, string> | string;
  readonly environment?: string | { name: string };
  readonly strategy?: { matrix?: { include?: Array<Record<string, string>> } };
  readonly steps?: readonly Step[];
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string> | string;
  readonly jobs: Record<string, Job>;
}

const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
const text = (file: string) => readFileSync(join(DIR, file), 'utf8');
const workflow = (file: string) => parse(text(file)) as Workflow;
const jobsOf = (file: string) => Object.entries(workflow(file).jobs);
const matrixOf = (job: Job) => job.strategy?.matrix?.include ?? [];
/** Every secret a job can read: `secrets.NAME`, and `secrets[matrix.token]` resolved. */
function secretsOf(job: Job): string[] {
  const body = JSON.stringify(job);
  const named = [...body.matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map((m) => m[1]);
  const indexed = /secrets\[matrix\.(\w+)\]/.exec(body);
  return [...named, ...(indexed ? matrixOf(job).map((entry) => entry[indexed[1]]) : [])];
}
const runs = (job: Job) => (job.steps ?? []).map((s) => s.run ?? '').join('\n');
// Commands that apply a Terraform configuration.
const APPLIES = /\b(cdktf\s+deploy|terraform\s+apply|cdktf\s+destroy|terraform\s+destroy)\b/;

describe('GitHub workflows', () => {
  it('finds the two workflows', () => {
    expect(files.sort()).toEqual(['deploy.yml', 'pull-request.yml']);
  });

  it.each(files)('%s is valid against the GitHub workflow schema', (file) => {
    expect(validateWorkflow(text(file)).errors).toEqual([]);
  });

  it('the schema validator does catch a broken workflow', () => {
    const broken = text('deploy.yml').replace('runs-on:', 'run-on:');
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });

  it.each(files)(
    '%s pins every action to a full commit SHA, with its version in a comment',
    (file) => {
      const uses = text(file)
        .split('\n')
        .filter((line) => /^\s*(-\s+)?uses:/.test(line));
      expect(uses.length).toBeGreaterThan(0);
      for (const line of uses) {
        expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
      }
    },
  );

  it.each(files)('%s installs with npm ci --ignore-scripts, never npm install', (file) => {
    for (const [, job] of jobsOf(file)) {
      for (const line of runs(job).split('\n')) {
        expect(line).not.toMatch(/\bnpm\s+(install|i)\b/);
        if (/\bnpm\s+ci\b/.test(line)) expect(line).toContain('--ignore-scripts');
      }
    }
  });

  it.each(files)('%s grants nothing by default and each job only what it needs', (file) => {
    expect(workflow(file).permissions).toEqual({});
    for (const [name, job] of jobsOf(file)) {
      expect(typeof job.permissions).toBe('object');
      const permissions = job.permissions as Record<string, string>;
      const writes = Object.entries(permissions).filter(([, level]) => level !== 'read');
      // Reading the code is all a job that runs it needs; only the comment job writes, and it
      // checks out and runs nothing of the pull request.
      if (writes.length > 0) {
        expect([name, writes]).toEqual(['comment', [['pull-requests', 'write']]]);
        expect(permissions).toEqual({ 'pull-requests': 'write' });
        expect(job.steps?.some((s) => s.uses?.startsWith('actions/checkout@'))).toBe(false);
        expect(runs(job).trim()).toBe('');
      }
      for (const step of job.steps ?? []) {
        if (step.uses?.startsWith('actions/checkout@')) {
          expect(step.with?.['persist-credentials']).toBe(false);
        }
      }
    }
  });

  it('no workflow applies a backup stack', () => {
    for (const file of files) {
      for (const [, job] of jobsOf(file)) {
        if (!APPLIES.test(runs(job))) continue;
        // Only named primary stacks, from a matrix of primary stacks: never '*' or 'backup-*'.
        expect(runs(job)).not.toMatch(/backup|'\*'|"\*"/);
        expect(runs(job)).toMatch(/cdktf deploy "\$STACK"/);
        expect(matrixOf(job).length).toBeGreaterThan(0);
        for (const entry of matrixOf(job)) expect(entry.stack).toMatch(/^primary-/);
        expect(job.environment).toBe('primary-apply');
      }
    }
  });

  it('the deploy workflow only plans the backup stacks, with plan-only tokens from main', () => {
    const jobs = Object.fromEntries(jobsOf('deploy.yml'));
    expect(Object.keys(jobs).sort()).toEqual(['deploy-primary', 'plan-backup']);
    const plan = jobs['plan-backup'];
    expect(plan.environment).toBe('backup-plan');
    expect(runs(plan)).not.toMatch(APPLIES);
    expect(runs(plan)).toMatch(/cdktf plan "\$STACK"/);
    for (const secret of secretsOf(plan)) expect(secret).toMatch(/^TFC_PLAN_TOKEN_BACKUP_/);
    // Each workspace its own token.
    const tokens = matrixOf(plan).map((e) => e.token);
    expect(new Set(tokens).size).toBe(tokens.length);
    for (const secret of secretsOf(jobs['deploy-primary'])) {
      expect(secret).toMatch(/^TFC_APPLY_TOKEN_PRIMARY_/);
    }
  });

  it('pull requests run only with plan-only tokens of primary workspaces', () => {
    const pr = workflow('pull-request.yml');
    // pull_request_target would run with the repository's secrets for forks' code.
    expect(Object.keys(pr.on)).toEqual(['pull_request']);
    for (const [, job] of jobsOf('pull-request.yml')) {
      expect(job.environment).toBeUndefined();
      expect(runs(job)).not.toMatch(APPLIES);
      for (const secret of secretsOf(job)) expect(secret).toMatch(/^TFC_PLAN_TOKEN_PRIMARY_/);
      for (const entry of matrixOf(job)) expect(entry.stack).toMatch(/^primary-/);
    }
    expect(text('pull-request.yml')).not.toMatch(/BACKUP|TF_API_TOKEN|GITHUB_TOKEN/);
  });
});
