import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** What `muse login` stores: one token (access token or API key) for one platform URL. */
export interface StoredConfig {
  base_url?: string;
  token?: string;
  token_kind?: 'access_token' | 'api_key';
  email?: string;
  expires_at?: string;
}

export const DEFAULT_BASE_URL = 'http://localhost:3000';

/** `$XDG_CONFIG_HOME/muse/config.json`, else `~/.config/muse/config.json`. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'muse', 'config.json');
}

export function readConfig(path = configPath()): StoredConfig {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as StoredConfig;
  } catch {
    return {};
  }
}

/** Written to a 0600 temporary file, then renamed over the old one: never readable by others, never half written. */
export function writeConfig(config: StoredConfig, path = configPath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** Environment first (MUSE_API_KEY, MUSE_BASE_URL, for scripts and CI), then the stored login. */
export function resolveCredentials(env: NodeJS.ProcessEnv = process.env): { baseUrl: string; token?: string; source: 'env' | 'config' | 'none' } {
  const stored = readConfig(configPath(env));
  const baseUrl = env.MUSE_BASE_URL || stored.base_url || DEFAULT_BASE_URL;
  if (env.MUSE_API_KEY) return { baseUrl, token: env.MUSE_API_KEY, source: 'env' };
  if (stored.token && (!stored.base_url || stored.base_url === baseUrl)) return { baseUrl, token: stored.token, source: 'config' };
  return { baseUrl, source: 'none' };
}
