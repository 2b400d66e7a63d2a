import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { InputError } from '../cli/errors';

/**
 * A Terraform CLI configuration of our own: the machine's filesystem provider mirror when it has
 * one (init, validate and plan then need no network), the public registry otherwise. Terraform
 * reads it through TF_CLI_CONFIG_FILE; we never touch the user's ~/.terraformrc.
 */

/** Explicit mirror directory (the one that holds `registry.terraform.io/`); wins over the search. */
export const MIRROR_ENV = 'BASTION_TF_PROVIDER_MIRROR';

const MIRROR_HOST = 'registry.terraform.io';

/** Where provider mirrors usually live; the search below covers the rest. */
function wellKnownMirrorRoots(): string[] {
  const home = homedir();
  return [
    '/opt/tf-plugins',
    '/opt/terraform/plugins',
    '/usr/share/terraform/plugins',
    '/usr/local/share/terraform/plugins',
    join(home, '.terraform.d', 'plugins'),
    join(home, '.local', 'share', 'terraform', 'plugins'),
  ];
}

/** Directories a bounded search never enters: virtual, volatile, or huge and irrelevant. */
const SKIP = new Set(['proc', 'sys', 'dev', 'run', 'tmp', 'var', 'work', 'node_modules', '.git']);

/** A provider held by a mirror: `hashicorp/aws` with the versions it has. */
export interface MirroredProvider {
  readonly namespace: string;
  readonly type: string;
  readonly versions: readonly string[];
}

function subdirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() || (e.isSymbolicLink() && isDirectory(join(dir, e.name))))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The providers of a mirror root in either layout Terraform reads: unpacked
 * (`host/ns/type/version/os_arch/`) or packed (`host/ns/type/terraform-provider-type_version_os_arch.zip`).
 */
export function mirroredProviders(root: string): MirroredProvider[] {
  const host = join(root, MIRROR_HOST);
  const providers: MirroredProvider[] = [];
  for (const namespace of subdirectories(host)) {
    for (const type of subdirectories(join(host, namespace))) {
      const dir = join(host, namespace, type);
      const unpacked = subdirectories(dir);
      const packed = readdirSafe(dir)
        .map((f) => new RegExp(`^terraform-provider-${type}_([^_]+)_.+\\.zip$`).exec(f)?.[1])
        .filter((v): v is string => v !== undefined);
      const versions = [...new Set([...unpacked, ...packed])].sort();
      if (versions.length > 0) providers.push({ namespace, type, versions });
    }
  }
  return providers;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Finds a provider mirror root (the directory that holds `registry.terraform.io/`): the one named
 * by BASTION_TF_PROVIDER_MIRROR, else a well-known place, else the first found at most `depth`
 * levels under `searchRoot`. Only a root that actually holds a provider counts.
 */
export function findProviderMirror(
  options: {
    env?: NodeJS.ProcessEnv;
    candidates?: readonly string[];
    searchRoot?: string;
    depth?: number;
  } = {},
): string | undefined {
  const env = options.env ?? process.env;
  const explicit = env[MIRROR_ENV];
  if (explicit) {
    if (mirroredProviders(explicit).length === 0) {
      throw new InputError(`${MIRROR_ENV}=${explicit} holds no provider under ${MIRROR_HOST}/`);
    }
    return explicit;
  }
  for (const candidate of options.candidates ?? wellKnownMirrorRoots()) {
    if (mirroredProviders(candidate).length > 0) return candidate;
  }
  return searchMirror(options.searchRoot ?? '/', options.depth ?? 3);
}

/** Breadth-first, so the shallowest mirror wins; never follows the SKIP list. */
function searchMirror(root: string, depth: number): string | undefined {
  let level = [root];
  for (let d = 0; d <= depth && level.length > 0; d++) {
    const next: string[] = [];
    for (const dir of level) {
      const names = subdirectories(dir);
      if (names.includes(MIRROR_HOST) && mirroredProviders(dir).length > 0) return dir;
      for (const name of names) if (!SKIP.has(name)) next.push(join(dir, name));
    }
    level = next;
  }
  return undefined;
}

const hclString = (s: string): string => JSON.stringify(s);

/**
 * The CLI config text. With a mirror, the providers it holds come from it and never from the
 * network; every other provider still comes from its registry, as usual.
 */
export function cliConfigText(options: { mirror?: string; pluginCacheDir?: string }): string {
  const lines = ['# Written by s3-bastion-backup (terraform/cli-config.ts).'];
  if (options.pluginCacheDir) lines.push(`plugin_cache_dir = ${hclString(options.pluginCacheDir)}`);
  if (options.mirror) {
    const include = mirroredProviders(options.mirror)
      .map((p) => hclString(`${MIRROR_HOST}/${p.namespace}/${p.type}`))
      .join(', ');
    lines.push(
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${hclString(options.mirror)}`,
      `    include = [${include}]`,
      '  }',
      '  direct {',
      `    exclude = [${include}]`,
      '  }',
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

export interface CliConfig {
  /** The file to export as TF_CLI_CONFIG_FILE. */
  readonly file: string;
  /** The mirror root used, if the machine has one. */
  readonly mirror?: string;
}

/** Writes the CLI config (and creates the plugin cache dir, which Terraform requires to exist). */
export function writeCliConfig(
  file: string,
  options: { mirror?: string | null; pluginCacheDir?: string } = {},
): CliConfig {
  const mirror = options.mirror === null ? undefined : (options.mirror ?? findProviderMirror());
  if (options.pluginCacheDir) mkdirSync(options.pluginCacheDir, { recursive: true });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, cliConfigText({ mirror, pluginCacheDir: options.pluginCacheDir }));
  return { file, mirror };
}

/** Whether Terraform would find a CLI config file of the user's own (else it warns on every run). */
export function userCliConfigExists(env: NodeJS.ProcessEnv = process.env): boolean {
  const configured = env.TF_CLI_CONFIG_FILE ?? env.TERRAFORM_CONFIG;
  if (configured) return existsSync(configured);
  return true; // Terraform silently ignores a missing ~/.terraformrc
}
