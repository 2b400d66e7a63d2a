import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { writeCliConfig } from './cli-config';
import { synthesizeProject, synthesizedStackFiles } from './synth';
import { runTerraform, terraformEnv } from './terraform';
import { InputError } from '../cli/errors';

/**
 * cdktf 0.21's `synth --hcl` writes HCL that Terraform accepts only with deprecation warnings and
 * that `terraform fmt` would rewrite. This turns it into the HCL a person would write (and could
 * eject to): references unquoted, no interpolation-only strings, one blank line between blocks.
 * Heredocs (the policy documents) are left exactly as they are. Expects `terraform fmt` output
 * (it reads indentation); run `terraform fmt` again afterwards to align the `=` signs.
 */
export function cleanHcl(text: string): string {
  const out: string[] = [];
  let heredoc: string | undefined;
  let inDependsOn = false;
  for (const raw of text.split('\n')) {
    if (heredoc !== undefined) {
      out.push(raw);
      if (raw.trim() === heredoc) heredoc = undefined;
      continue;
    }
    let line = raw
      // provider = "aws.alias"  ->  provider = aws.alias
      .replace(/^(\s*provider\s*=\s*)"([A-Za-z][\w-]*\.[A-Za-z][\w-]*)"\s*$/, '$1$2')
      // "${aws_s3_bucket.x.id}"  ->  aws_s3_bucket.x.id (only when the interpolation is the whole string)
      .replace(/"\$\{([^"{}]+)\}"/g, '$1');
    if (/^\s*depends_on\s*=\s*\[/.test(line)) inDependsOn = !line.includes(']');
    if (/^\s*depends_on\s*=\s*\[/.test(line) || inDependsOn) {
      // depends_on = ["aws_x.y"]  ->  depends_on = [aws_x.y]
      line = line.replace(/"([A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)+)"/g, '$1');
      if (inDependsOn && line.includes(']')) inDependsOn = false;
    }
    const marker = /<<-?([A-Za-z_]\w*)\s*$/.exec(line);
    if (marker) heredoc = marker[1];
    const previous = out[out.length - 1];
    if (line.trim() === '') {
      // no blank line after an opening brace, after another blank line, or at the start
      if (previous === undefined || previous.trim() === '' || previous.trimEnd().endsWith('{'))
        continue;
    } else if (/^\S/.test(line) && previous === '}') {
      out.push(''); // a blank line between top-level blocks
    } else if (line.trim() === '}' && previous !== undefined && previous.trim() === '') {
      out.pop(); // no blank line before a closing brace
    }
    const last = out[out.length - 1];
    if (line.trim() === '}' && last !== undefined && last.trimEnd().endsWith('{')) {
      out[out.length - 1] = `${last.trimEnd()}}`; // filter {\n}  ->  filter {}
      continue;
    }
    out.push(line);
  }
  while (out.length > 0 && out[out.length - 1].trim() === '') out.pop();
  return `${out.join('\n')}\n`;
}

/**
 * Cleans every `stacks/<stack>/cdk.tf` of a synthesized outdir in place, then runs `terraform fmt`
 * on it. Returns the files.
 */
export async function postProcessHcl(outdir: string, env?: NodeJS.ProcessEnv): Promise<string[]> {
  const files = synthesizedStackFiles(outdir)
    .map((s) => s.file)
    .filter((f) => f.endsWith('.tf'));
  if (files.length === 0)
    throw new InputError(`no cdk.tf under ${outdir}/stacks: synthesize with --hcl`);
  const own = env === undefined ? mkdtempSync(join(tmpdir(), 'bastion-tfrc-')) : undefined;
  const terraform = env ?? quietEnv(own as string);
  const fmt = (file: string) =>
    runTerraform(['fmt', '-no-color', file], { cwd: dirname(file), env: terraform });
  try {
    for (const file of files) {
      // cdktf writes its HCL unindented; cleanHcl reads indentation, so format before and after.
      await fmt(file);
      writeFileSync(file, cleanHcl(readFileSync(file, 'utf8')));
      await fmt(file);
    }
  } finally {
    if (own) rmSync(own, { recursive: true, force: true });
  }
  return files;
}

/** An environment with a CLI config that exists, so terraform prints no warning about it. */
function quietEnv(dir: string): NodeJS.ProcessEnv {
  const { file } = writeCliConfig(join(dir, 'terraform.tfrc'), { mirror: null });
  return terraformEnv({ cliConfigFile: file });
}

/**
 * `cdktf synth --hcl` without its stale-file trap (it leaves an older cdk.tf.json next to the new
 * cdk.tf, and Terraform would then read both): synthesize into a sibling temporary directory,
 * clean and format the HCL, then replace `outdir` with it.
 */
export async function synthesizeHcl(options: {
  projectDir: string;
  outdir: string;
}): Promise<string[]> {
  const outdir = resolve(options.projectDir, options.outdir);
  mkdirSync(dirname(outdir), { recursive: true });
  const staging = mkdtempSync(`${outdir}.staging-`);
  try {
    await synthesizeProject({ projectDir: options.projectDir, outdir: staging, hcl: true });
    await postProcessHcl(staging);
    rmSync(outdir, { recursive: true, force: true });
    renameSync(staging, outdir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return synthesizedStackFiles(outdir).map((s) => s.file);
}
