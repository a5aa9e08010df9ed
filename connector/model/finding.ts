/**
 * What a source yields: one normalized finding. Sources never talk to sinks; the
 * pipeline stores findings in SQLite, enriches them through lookups and hands the
 * resulting template context to the template engine.
 */
export type TemplateValue = string | number | boolean | null | TemplateValue[] | { [key: string]: TemplateValue };
export type TemplateContext = { [key: string]: TemplateValue };

/**
 * Shared reference data (KnowledgeBase entries, host scores) is stored once per id
 * in the `lookups` table instead of in every finding. At render time the pipeline
 * merges each lookup into the finding's data: under `into` (e.g. `VULN`) or, when
 * `into` is absent, at the top level.
 */
export interface LookupRef {
  /** e.g. `qualys.kb`, `qualys.host` */
  ns: string;
  id: string;
  into?: string;
}

export interface Finding {
  /** Stable identity within a job, e.g. `host:123|qid:456|port:443|proto:tcp`. */
  key: string;
  /** Identity of the parent object (host, web app, image) for linking schemes. */
  parentKey?: string;
  /** The raw status the scanner reports, e.g. `Active`, `Fixed`. */
  status: string;
  /** Scanner says the finding is ignored/risk-accepted: operation key becomes `<STATUS>/Ignored`. */
  ignored: boolean;
  /** Template context as produced by the source (org.json-compatible shape). */
  data: TemplateContext;
  lookups?: LookupRef[];
  /**
   * The unit a source lists completely (Xray: the watch). For sources that resolve by
   * absence, a finding of a completely listed scope that is no longer listed is gone.
   */
  scope?: string;
  /**
   * The data is a partial view (a webhook payload carries fewer fields than the API):
   * values it lacks are taken from the finding's last known data instead of cleared.
   */
  partial?: boolean;
  /**
   * A digest of the scanner's record the finding was built from, covering everything it
   * is made of (key, status, data, lookups), when the source takes one: staging keeps it
   * as the finding's own digest (`Source` / `PullContext.known`).
   */
  sourceDigest?: string;
}

/** A finding before its data is built: what the pipeline needs to tell whether it changed. */
export type FindingHead = Omit<Finding, 'data' | 'sourceDigest'> & { sourceDigest: string };

/**
 * All the findings of one parent as the source digested them together (a Qualys host's
 * detections, from the text of its HOST element or of its DETECTION_LIST): `key` is their
 * `parentKey`, and the same digest means the same findings with the same own digests.
 */
export interface FindingGroup {
  key: string;
  digest: string;
}

/** A group whose findings are `heads[from..to)` of a `PullContext.known` batch. */
export interface FindingGroupSpan extends FindingGroup {
  from: number;
  to: number;
}

/**
 * A bounded chunk of a pull (a source splits a large API page into several chunks so
 * memory does not grow with the page). The pipeline stages chunks and applies nothing
 * unless the whole pull completes.
 */
export interface FindingPage {
  /** The API page it came from, e.g. `page 3 (id_min=123456)`; used in errors and progress. */
  label: string;
  findings: Finding[];
  /** Records on this page the source rejected: reported, skipped, the rest processed. */
  rejected?: Array<{ reason: string; record?: string }>;
  /** Records the source left out on purpose (not errors): counted so the figures add up to what was received. */
  skipped?: Array<{ reason: string }>;
}
