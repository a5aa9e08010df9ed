import { existsSync } from 'node:fs';
import { loadConfig, type Config } from '../config/loadConfig.js';
import { ConfigError, describeError } from '../errors.js';
import { createLogger, type Logger } from '../log.js';
import { buildJob, type JobRuntime } from '../pipeline/jobRuntime.js';
import { sinkFactories } from '../sinks/registry.js';
import { sourceFactories } from '../sources/registry.js';
import { openStateBundle, type State } from '../state/stateBundle.js';

const DEFAULT_CONFIG = 'config/vulnbridge.yml';

export function configPath(flag: string | undefined): string {
  return flag ?? process.env.VULNBRIDGE_CONFIG ?? DEFAULT_CONFIG;
}

export function readConfig(file: string): Config {
  if (!existsSync(file)) {
    throw new ConfigError('CONFIG_INVALID', 'config file not found', {
      file,
      hint: `copy config/vulnbridge.example.yml to ${DEFAULT_CONFIG}, or pass --config FILE (npm run demo needs none)`,
    });
  }
  return loadConfig(file, { sources: sourceFactories, sinks: sinkFactories });
}

export interface AppContext {
  config: Config;
  log: Logger;
  state: State;
  jobs: JobRuntime[];
  /** Jobs that could not be built (bad template, missing secret): reported, the rest go on. */
  broken: Array<{ name: string; error: string }>;
}

export function openApp(config: Config, opts: { only?: string; log?: Logger } = {}): AppContext {
  const log = opts.log ?? createLogger({ level: config.log.level, json: config.log.format === 'json' });
  const selected = opts.only ? config.jobs.filter((j) => j.name === opts.only) : config.jobs.filter((j) => j.enabled);
  if (opts.only && selected.length === 0) {
    throw new ConfigError('CONFIG_INVALID', `no job named "${opts.only}"`, {
      file: config.file,
      hint: `jobs in this config: ${config.jobs.map((j) => j.name).join(', ')}`,
    });
  }
  const state = openStateBundle(config.stateDir);
  const jobs: JobRuntime[] = [];
  const broken: AppContext['broken'] = [];
  for (const job of selected) {
    try {
      jobs.push(buildJob(job, log));
    } catch (err) {
      const error = describeError(err);
      broken.push({ name: job.name, error });
      log.error('job cannot start; the other jobs go on', { job: job.name, error });
    }
  }
  return { config, log, state, jobs, broken };
}
