import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { BastionConfig } from '../../config';
import { validateConfig } from '../../config/validate';
import { buildApp } from '../../stacks/app';
import { readSynthesizedStacks, type SynthesizedStack } from '../../terraform/synthesized';
import { readExpectations } from '../../deployment-check/expectations';
import type { AwsScenario, RecordedAlarm } from '../support/recorded-aws';

/** Synthesizes a config once into a directory that stays (for --synth-dir). */
export function synthesizeTo(config: BastionConfig): { dir: string; stacks: SynthesizedStack[] } {
  const dir = mkdtempSync(join(tmpdir(), 'check-deployment-synth-'));
  const app = new App({ outdir: dir });
  buildApp(app, validateConfig(config));
  app.synth();
  return { dir, stacks: readSynthesizedStacks(dir) };
}

/** A config module for BASTION_CONFIG, and a credentials file with one profile per account. */
export function writeAccountsFiles(
  config: BastionConfig,
  profiles: Readonly<Record<string, { accessKeyId: string; secretAccessKey: string }>>,
): { configModule: string; credentialsFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'check-deployment-accounts-'));
  const configModule = join(dir, 'bastion-config.js');
  writeFileSync(configModule, `module.exports = { config: ${JSON.stringify(config)} };\n`);
  const credentialsFile = join(dir, 'credentials');
  writeFileSync(
    credentialsFile,
    Object.entries(profiles)
      .map(
        ([name, c]) =>
          `[${name}]\naws_access_key_id = ${c.accessKeyId}\naws_secret_access_key = ${c.secretAccessKey}\n`,
      )
      .join('\n'),
  );
  return { configModule, credentialsFile };
}

/** Recorded DescribeAlarms answers for every alarm the stacks declare, wired as declared. */
export function deployedAlarms(
  config: BastionConfig,
  stacks: readonly SynthesizedStack[],
): Pick<AwsScenario, 'alarms'> & { topics: string[] } {
  const alarms: Record<string, RecordedAlarm> = {};
  const topics = new Set<string>();
  for (const alarm of readExpectations(config, stacks).alarms) {
    alarms[alarm.alarmName] = { actions: alarm.topicArns };
    alarm.topicArns.forEach((t) => topics.add(t));
  }
  return { alarms, topics: [...topics] };
}
