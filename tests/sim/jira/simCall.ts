import { SIM_CREDENTIALS, type JiraSim } from './startJiraSim.js';

export const CLOUD_AUTH = `Basic ${Buffer.from(`${SIM_CREDENTIALS.email}:${SIM_CREDENTIALS.token}`).toString('base64')}`;
export const DC_AUTH = `Bearer ${SIM_CREDENTIALS.pat}`;

/** One request to the simulator with the flavour's credentials; the JSON answer as `any` (tests read into it freely). */
export async function simCall(sim: JiraSim, method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { Authorization: sim.flavor === 'cloud' ? CLOUD_AUTH : DC_AUTH, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined };
}
