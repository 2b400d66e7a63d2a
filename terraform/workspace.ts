import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { CliConfig, writeCliConfig } from './cli-config';
import {
  OVERRIDE_FILE,
  awsProviderAliases,
  offlineOverride,
  triedTheNetwork,
  withoutAssumeRole,
} from './offline';
import { RunResult, TerraformError, runTerraform, terraformEnv } from './terraform';

/**
 * A temporary Terraform workspace: one CLI config and one plugin cache shared by every stack, and
 * per stack a copy of its configuration, its own TF_DATA_DIR and its plan file. State, plans and
 * `.terraform` all stay inside it; the repository and cdktf.out are only read.
 */
export class TerraformWorkspace {
  readonly root: string;
  readonly cli: CliConfig;

  private constructor(root: string, cli: CliConfig) {
    this.root = root;
    this.cli = cli;
  }

  /** A new workspace in a fresh temporary directory (or `root`, created if missing). */
  static create(options: { root?: string; mirror?: string | null } = {}): TerraformWorkspace {
    const root = options.root ?? mkdtempSync(join(tmpdir(), 'bastion-terraform-'));
    mkdirSync(root, { recursive: true });
    const cli = writeCliConfig(join(root, 'terraform.tfrc'), {
      mirror: options.mirror,
      pluginCacheDir: join(root, 'plugin-cache'),
    });
    return new TerraformWorkspace(root, cli);
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  /**
   * Copies a stack's configuration files (`cdk.tf.json` or `cdk.tf`) into `<root>/stacks/<name>`
   * and, when `offline`, drops the deploy role (no STS offline) and adds the offline override.
   */
  addStack(
    name: string,
    files: readonly string[],
    options: { offline?: boolean } = {},
  ): TerraformStackDir {
    const dir = join(this.root, 'stacks', name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const aliases: Array<string | undefined> = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      if (options.offline) writeFileSync(join(dir, basename(file)), withoutAssumeRole(file, text));
      else copyFileSync(file, join(dir, basename(file)));
      aliases.push(...awsProviderAliases(file, text));
    }
    if (options.offline) {
      const override = offlineOverride(aliases);
      writeFileSync(join(dir, OVERRIDE_FILE), `${JSON.stringify(override, null, 2)}\n`);
    }
    return new TerraformStackDir(this, name, dir, options.offline ?? false);
  }
}

/**
 * An offline run that still reached for the network (a data source, a provider feature that
 * calls AWS while planning): it failed at the first refused connection instead of waiting.
 */
export class OfflineNetworkError extends Error {
  constructor(
    readonly stackName: string,
    readonly args: readonly string[],
    readonly output: string,
  ) {
    const detail = output
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('Error:') || /dial tcp|https?:\/\//.test(line))
      .slice(0, 4)
      .join('\n    ');
    super(
      `offline plan of stack ${stackName}: terraform ${args[0]} tried to reach the network, which an ` +
        `offline plan never does (no AWS account, no STS). Something in the stack calls AWS while ` +
        `planning, such as a data source or a provider setting:\n    ${detail}`,
    );
    this.name = 'OfflineNetworkError';
  }
}

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail?: string;
  readonly range?: { filename: string; start: { line: number } };
}

export interface ValidateResult {
  readonly valid: boolean;
  readonly errorCount: number;
  readonly warningCount: number;
  readonly diagnostics: readonly Diagnostic[];
}

/** `Plan: 3 to add, 0 to change, 0 to destroy.` as numbers, with the line itself. */
export interface PlanSummary {
  readonly line: string;
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
}

/** One stack's working directory inside a workspace. */
export class TerraformStackDir {
  constructor(
    readonly workspace: TerraformWorkspace,
    readonly name: string,
    readonly dir: string,
    readonly offline: boolean,
  ) {}

  get env(): NodeJS.ProcessEnv {
    return terraformEnv({
      cliConfigFile: this.workspace.cli.file,
      dataDir: join(this.workspace.root, 'data', this.name),
      offline: this.offline,
    });
  }

  get planFile(): string {
    return join(this.workspace.root, 'plans', `${this.name}.tfplan`);
  }

  async run(args: readonly string[], allowFailure = false): Promise<RunResult> {
    try {
      return await runTerraform(args, { cwd: this.dir, env: this.env, allowFailure });
    } catch (error) {
      if (this.offline && error instanceof TerraformError) {
        const output = `${error.result.stderr}\n${error.result.stdout}`;
        if (triedTheNetwork(output)) throw new OfflineNetworkError(this.name, args, output);
      }
      throw error;
    }
  }

  async init(): Promise<void> {
    await this.run(['init', '-input=false', '-no-color', '-lock=false']);
  }

  async validate(): Promise<ValidateResult> {
    const result = await this.run(['validate', '-json', '-no-color'], true);
    const parsed = JSON.parse(result.stdout) as {
      valid: boolean;
      error_count: number;
      warning_count: number;
      diagnostics: Diagnostic[];
    };
    return {
      valid: parsed.valid,
      errorCount: parsed.error_count,
      warningCount: parsed.warning_count,
      diagnostics: parsed.diagnostics,
    };
  }

  /** `terraform plan -out` into the workspace; returns the summary line. */
  async plan(): Promise<PlanSummary> {
    mkdirSync(join(this.workspace.root, 'plans'), { recursive: true });
    const result = await this.run([
      'plan',
      '-input=false',
      '-no-color',
      '-lock=false',
      `-out=${this.planFile}`,
    ]);
    return parsePlanSummary(result.stdout);
  }

  /** `terraform show -json` of the saved plan. */
  async show(): Promise<PlanJson> {
    if (!existsSync(this.planFile)) throw new Error(`no plan for ${this.name}: run plan() first`);
    const result = await this.run(['show', '-json', '-no-color', this.planFile]);
    return JSON.parse(result.stdout) as PlanJson;
  }

  /** `terraform fmt -check -diff`: the files that are not in canonical format, with the diff. */
  async fmtCheck(): Promise<{ clean: boolean; output: string }> {
    const result = await this.run(['fmt', '-check', '-diff', '-no-color'], true);
    return { clean: result.code === 0, output: result.stdout + result.stderr };
  }
}

export function parsePlanSummary(stdout: string): PlanSummary {
  const match = /^Plan: (\d+) to add, (\d+) to change, (\d+) to destroy\.$/m.exec(stdout);
  if (match) {
    return {
      line: match[0],
      add: Number(match[1]),
      change: Number(match[2]),
      destroy: Number(match[3]),
    };
  }
  if (/^No changes\./m.test(stdout)) {
    return { line: 'No changes.', add: 0, change: 0, destroy: 0 };
  }
  throw new Error(`no plan summary in terraform output:\n${stdout}`);
}

/** The parts of `terraform show -json` (format 1.x) that we read. */
export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version: string;
  readonly resource_changes?: ReadonlyArray<{
    readonly address: string;
    readonly type: string;
    readonly name: string;
    readonly provider_name: string;
    readonly change: {
      readonly actions: readonly string[];
      readonly after?: Record<string, unknown> | null;
    };
  }>;
  readonly configuration?: {
    readonly provider_config?: Record<
      string,
      { alias?: string; expressions?: Record<string, unknown> }
    >;
  };
}

/** The planned values of one resource address (create or update), failing clearly if absent. */
export function plannedValues(plan: PlanJson, address: string): Record<string, unknown> {
  const change = plan.resource_changes?.find((r) => r.address === address);
  if (!change) throw new Error(`the plan has no resource ${address}`);
  return change.change.after ?? {};
}
