import type { Finding } from '../../connector/model/finding.js';

/** A finding with the fields the state keeps; `over` replaces any of them. */
export function finding(key: string, over: Partial<Finding> = {}): Finding {
  return { key, status: 'Active', ignored: false, data: { ID: key }, ...over };
}
