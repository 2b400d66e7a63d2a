// The config's public surface: `import { ... } from '../config'` reaches all of it.
export * from './types';
export { exampleConfig } from './example';
export { backupEncryptionOf, backupKeyRegions, keyEncryptedBackups } from './backup-key';
export { loadConfig } from './load';
