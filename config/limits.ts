/**
 * The shortest recovery window that config validation accepts without a written reason, and the
 * guard's floor when the backup team gives none. A week covers a weekend plus the time to notice
 * a mass delete (the delete-marker alarm) and start a restore; below it, an attacker who deletes
 * production data on a Friday may see the backup copies expire before anyone acts.
 */
export const MIN_NONCURRENT_VERSION_RETENTION_DAYS = 7;
