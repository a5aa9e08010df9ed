import type { SinkFactory } from '../types.js';
import { jiraConfigSchema, type JiraSinkConfig } from './config.js';
import { JiraTicketSink } from './jiraTicketSink.js';

/** `sink: { type: jira, ... }`: Jira Cloud or Data Center. */
export const jiraSink: SinkFactory<JiraSinkConfig> = {
  type: 'jira',
  configSchema: jiraConfigSchema,
  create: (config, deps) => JiraTicketSink.fromConfig(config, deps),
};
