import { AsyncLocalStorage } from 'node:async_hooks';
import axios, { type AxiosAdapter } from 'axios';
import { hostOf } from '../../http/client.js';
import { noteResponse } from '../../http/httpObserver.js';
import { Version2Client, Version3Client, type Config } from 'jira.js';
import type { SinkCallCounts } from '../types.js';
import { authFailed, seraphRefusal, type JiraErrorContext } from './mapError.js';

export type JiraAuth = { kind: 'basic'; user: string; secret: string } | { kind: 'bearer'; token: string };

export interface JiraClients {
  /** Exactly one is set: v3 for Cloud, v2 for Data Center. */
  v3?: Version3Client;
  v2?: Version2Client;
  counts: SinkCallCounts;
}

/**
 * The AbortSignal of the Jira call in progress. jira.js' methods take no signal, so a
 * call cut short (SIGTERM during the startup checks, a cycle aborted at stop) would leave
 * its request in flight, holding a socket and the process, until the timeout. The adapter
 * below hands the caller's signal to axios, which then destroys the request.
 */
const callSignal = new AsyncLocalStorage<AbortSignal>();

/** Runs `fn` (one or more jira.js requests) so that `signal` aborts its requests. */
export function withCallSignal<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
  return signal ? callSignal.run(signal, fn) : fn();
}

/**
 * Builds the jira.js client for the flavour. jira.js creates its own axios instance, so
 * we hook in through `baseRequestConfig.adapter`: the wrapped default adapter counts every
 * HTTP request (retries and jira.js' own extra reads included), reports each answer's
 * status (or transport failure) to the HTTP observers (metrics), and turns a 200 that Jira
 * served as anonymous (`X-Seraph-LoginReason`, jira-and-peers.md §1.10) into AUTH_FAILED.
 */
export function createJiraClients(opts: {
  url: string;
  flavor: 'cloud' | 'datacenter';
  auth: JiraAuth;
  timeoutMs: number;
  authContext: Omit<JiraErrorContext, 'what'>;
}): JiraClients {
  const counts: SinkCallCounts = { reads: 0, writes: 0 };
  const base = axios.getAdapter(axios.defaults.adapter);
  const host = hostOf(opts.url);
  const adapter: AxiosAdapter = async (config) => {
    const method = (config.method ?? 'get').toUpperCase();
    if (method === 'GET' || method === 'HEAD') counts.reads++;
    else counts.writes++;
    const signal = callSignal.getStore();
    if (signal) config.signal = config.signal ? AbortSignal.any([config.signal as AbortSignal, signal]) : signal;
    let response;
    try {
      response = await base(config);
    } catch (err) {
      // The adapter rejects non-2xx answers (validateStatus) with the response attached.
      const status = (err as { response?: { status?: number } }).response?.status;
      if (!axios.isCancel(err)) noteResponse(host, status ?? 'error');
      throw err;
    }
    noteResponse(host, response.status);
    if (seraphRefusal(response.headers)) {
      throw authFailed({ ...opts.authContext, what: `${method} ${config.url ?? ''}` }, response.status);
    }
    return response;
  };
  const common = {
    host: opts.url,
    baseRequestConfig: {
      timeout: opts.timeoutMs,
      adapter,
      // Credentials must not follow a redirect to another host; a redirect is a config error.
      maxRedirects: 0,
      headers: { 'User-Agent': 'vulnbridge', Accept: 'application/json' },
    },
  };
  const config: Config =
    opts.auth.kind === 'basic'
      ? { ...common, authentication: { basic: { email: opts.auth.user, apiToken: opts.auth.secret } } }
      : // jira.js' OAuth 2.0 branch with only an access token is a plain `Authorization: Bearer`
        // (src/services/authenticationService/authentications/createOAuth2AuthenticationToken.ts):
        // that is how Data Center personal access tokens are sent.
        { ...common, authentication: { oauth2: { accessToken: opts.auth.token } } };
  return opts.flavor === 'cloud' ? { v3: new Version3Client(config), counts } : { v2: new Version2Client(config), counts };
}
