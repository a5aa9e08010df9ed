/**
 * Schema migrations, applied in order; PRAGMA user_version records the last applied.
 * Never edit a released migration: add a new one.
 */
export const migrations: readonly string[] = [
  // 1: the first schema
  `
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    result TEXT NOT NULL,            -- running | ok | partial | failed
    counts TEXT NOT NULL DEFAULT '{}',
    error TEXT
  );
  CREATE INDEX runs_job ON runs(job, id);

  CREATE TABLE cursors (
    job TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (job, name)
  );

  -- Reference data shared by many findings (KnowledgeBase entries, host scores).
  CREATE TABLE lookups (
    ns TEXT NOT NULL,
    id TEXT NOT NULL,
    data TEXT NOT NULL,
    fetched_at INTEGER NOT NULL,
    PRIMARY KEY (ns, id)
  );

  -- Findings of the current pull, until the cycle is planned and applied.
  CREATE TABLE staged (
    run_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    fkey TEXT NOT NULL,
    parent_key TEXT NOT NULL,
    status TEXT NOT NULL,
    ignored INTEGER NOT NULL,
    data TEXT NOT NULL,
    lookups TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
  );
  CREATE INDEX staged_parent ON staged(run_id, parent_key, seq);

  -- Findings whose ticket work failed (Jira rejected it): retried next cycle, even if
  -- the incremental pull does not return them again.
  CREATE TABLE pending (
    job TEXT NOT NULL,
    fkey TEXT NOT NULL,
    parent_key TEXT NOT NULL,
    status TEXT NOT NULL,
    ignored INTEGER NOT NULL,
    data TEXT NOT NULL,
    lookups TEXT NOT NULL,
    error TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (job, fkey)
  );

  -- Every finding we have seen, with what we decided for it last.
  CREATE TABLE findings (
    job TEXT NOT NULL,
    fkey TEXT NOT NULL,
    parent_key TEXT NOT NULL,
    status TEXT NOT NULL,
    operation TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (job, fkey)
  );

  -- Every ticket we made. pk = role + scoped Primary Key (child keys are scoped by
  -- their parent's, since "QID:x-Port:y" repeats across hosts).
  CREATE TABLE tickets (
    job TEXT NOT NULL,
    pk TEXT NOT NULL,
    role TEXT NOT NULL,              -- single | parent | child
    primary_key TEXT NOT NULL,
    parent_pk TEXT,
    marker TEXT NOT NULL,            -- vb-<hash> label written to the issue: finds it again after a lost database
    state TEXT NOT NULL,             -- pending | open | closed | closed-by-user
    jira_key TEXT,
    jira_id TEXT,
    jira_status TEXT,
    linked INTEGER NOT NULL DEFAULT 0,
    field_hashes TEXT NOT NULL DEFAULT '{}',
    labels TEXT NOT NULL DEFAULT '[]',
    comment_hash TEXT,
    finding_key TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (job, pk)
  );
  CREATE INDEX tickets_parent ON tickets(job, parent_pk);
  CREATE INDEX tickets_marker ON tickets(marker);
  `,
  // 2: the scanner status we last acted on, so a lasting "Re-Opened" is checked once, not every cycle
  `ALTER TABLE tickets ADD COLUMN last_status TEXT;`,
  // 3: look tickets up by Jira key (noticing issues the state does not know)
  `CREATE INDEX tickets_jira_key ON tickets(jira_key);`,
  // 4: plan flat schemes in lookup order, so findings sharing a KB entry come together
  // (the parent or the lookup, as the scheme needs: one index to keep up per insert)
  `ALTER TABLE staged ADD COLUMN sort_key TEXT NOT NULL DEFAULT '';
   DROP INDEX staged_parent;
   CREATE INDEX staged_sort ON staged(run_id, sort_key, seq);`,
  // 5: sources that resolve by absence (Xray) close what a complete listing no longer
  // holds, which needs each finding's scope and last data; pushed payloads (webhooks)
  // wait in the inbox until the job's pipeline has processed them.
  `ALTER TABLE findings ADD COLUMN scope TEXT;
   ALTER TABLE findings ADD COLUMN source_status TEXT;
   ALTER TABLE findings ADD COLUMN data TEXT;
   ALTER TABLE findings ADD COLUMN lookups TEXT;
   CREATE INDEX findings_scope ON findings(job, scope);
   ALTER TABLE staged ADD COLUMN scope TEXT;
   ALTER TABLE pending ADD COLUMN scope TEXT;
   CREATE TABLE inbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     job TEXT NOT NULL,
     received_at TEXT NOT NULL,
     description TEXT NOT NULL,
     body TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     error TEXT
   );
   CREATE INDEX inbox_job ON inbox(job, id);`,
  // 6: incident tools (PagerDuty, webhooks). `alerts` holds what each alert is (or, for
  // a finding counted in a group alert, whether it counts); `outbox` the events to send,
  // written in the same transaction as the alert state that caused them.
  `CREATE TABLE alerts (
     job TEXT NOT NULL,
     lane TEXT NOT NULL,
     dedup_key TEXT NOT NULL,
     kind TEXT NOT NULL,             -- alert (sent) | member (a finding counted in a group alert)
     group_key TEXT,                 -- member: the group alert it counts in
     state TEXT NOT NULL,            -- triggered | resolved (members: open | closed)
     payload_hash TEXT NOT NULL DEFAULT '',
     label TEXT NOT NULL DEFAULT '', -- member: one line for the group alert's list
     updated_at TEXT NOT NULL,
     PRIMARY KEY (job, lane, dedup_key)
   );
   CREATE INDEX alerts_group ON alerts(job, lane, group_key, state);
   CREATE TABLE outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     job TEXT NOT NULL,
     lane TEXT NOT NULL,
     dedup_key TEXT NOT NULL,
     action TEXT NOT NULL,           -- trigger | resolve
     event TEXT NOT NULL,            -- the IncidentEvent, JSON
     created_at TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER NOT NULL DEFAULT 0,
     last_error TEXT,
     failed INTEGER NOT NULL DEFAULT 0  -- rejected for good (400): kept for status, never sent
   );
   CREATE INDEX outbox_lane ON outbox(job, lane, failed, id);
   CREATE INDEX outbox_key ON outbox(job, lane, dedup_key, id);
   CREATE INDEX tickets_finding ON tickets(job, finding_key);`,
  // 7: resolution by absence reads a scope's findings in key order: one index for both
  // (with (job, scope) alone SQLite walked every finding of the job per scope).
  `DROP INDEX findings_scope;
   CREATE INDEX findings_scope_fkey ON findings(job, scope, fkey);`,
  // 8: a scanner that rate-limited a job with a wait longer than a cycle waits out: when
  // it allows the next call, so the job's pulls wait until then instead of asking again.
  `CREATE TABLE rate_limits (
     job TEXT PRIMARY KEY,
     until TEXT NOT NULL,            -- ISO time the scanner allows the next call
     vendor TEXT NOT NULL,           -- who said so, for messages (Qualys)
     host TEXT NOT NULL,
     error TEXT NOT NULL,            -- the rate-limited answer, as reported
     recorded_at TEXT NOT NULL
   );`,
  // 9: the last reconcile of each job's open tickets with the sink (deleted or closed by hand).
  `CREATE TABLE reconciles (
     job TEXT PRIMARY KEY,
     at TEXT NOT NULL,
     checked INTEGER NOT NULL,
     deleted INTEGER NOT NULL,
     closed_by_user INTEGER NOT NULL
   );`,
  // 10: remediation SLAs. What a ticket's due date is computed from (first found, severity,
  // scores, CVEs) and the due date last written, so a breach or a policy change is seen
  // without asking the scanner again; and the CISA KEV catalog's last good copy.
  `ALTER TABLE tickets ADD COLUMN sla TEXT;
   CREATE TABLE kev_catalog (
     cve TEXT PRIMARY KEY,
     due_date TEXT NOT NULL,
     date_added TEXT NOT NULL,
     ransomware TEXT NOT NULL
   );
   CREATE TABLE kev_meta (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     source TEXT NOT NULL,
     fetched_at TEXT NOT NULL,   -- last good copy
     tried_at TEXT NOT NULL,     -- last attempt, good or not
     entries INTEGER NOT NULL
   );`,
  // 11: what `vulnbridge dashboards` made on Jira (saved filters, dashboards, gadgets), by
  // host and name: Data Center has no filter search, and a job taken out of the config
  // leaves filters to list for removal.
  `CREATE TABLE reporting_objects (
     host TEXT NOT NULL,
     kind TEXT NOT NULL,             -- filter | dashboard | gadget
     name TEXT NOT NULL,             -- filter/dashboard name; gadget: <dashboard id>/<title>
     jira_id TEXT NOT NULL,
     job TEXT,                       -- the job a per-job filter is for
     dashboard TEXT,                 -- the dashboard a per-dashboard filter or gadget is for
     recorded_at TEXT NOT NULL,
     PRIMARY KEY (host, kind, name)
   );`,
  // 12: Jira bulk changes in flight: the intent is written before the submit, the task id as
  // soon as Jira answers it; a restart asks the task's outcome and records it before planning.
  `CREATE TABLE bulk_tasks (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     job TEXT NOT NULL,
     kind TEXT NOT NULL,             -- move | labels
     change TEXT NOT NULL,           -- JSON: move {to: {name, category}} (once known) | labels {add, remove}
     items TEXT NOT NULL,            -- JSON [{pk, key, id}]
     task_id TEXT,                   -- null until Jira answered the submit
     created_at TEXT NOT NULL
   );
   CREATE INDEX bulk_tasks_job ON bulk_tasks(job, id);`,
  // 13: "unchanged" without building the finding: what each finding's ticket in each lane
  // depends on, as one digest (docs/architecture.md "Unchanged findings"), recorded once
  // its ticket work succeeded; and each lookup entry's version (a digest of its data).
  // (Staging moved to the connection's TEMP database: the staged table stays, unused.)
  // tickets_marker goes: no query reads tickets by marker (Jira is searched by it), and its
  // random keys cost a page write per ticket written.
  `CREATE TABLE finding_digests (
     job TEXT NOT NULL,              -- the lane's ticket job
     fkey TEXT NOT NULL,
     digest TEXT NOT NULL,
     at TEXT NOT NULL,               -- when recorded: a ticket row updated later voids it
     data TEXT,                      -- the finding's data and lookups (JSON) the digest was made of:
     lookups TEXT,                   -- an unchanged finding is staged without them
     PRIMARY KEY (job, fkey)
   );
   ALTER TABLE lookups ADD COLUMN version TEXT;
   DROP INDEX tickets_marker;`,
  // 14: an unchanged cycle reads, per finding, its recorded digests and, per lookup entry, its
  // age and version: from indexes that hold them, never from the rows, which carry the data
  // (a finding's JSON, a KnowledgeBase entry) and spread over many times more pages.
  `CREATE INDEX finding_digests_digest ON finding_digests(job, fkey, digest, at);
   CREATE INDEX lookups_version ON lookups(ns, id, fetched_at, version);`,
  // 15: indexes whose lookups always name a value hold only rows that have one: a flat
  // scheme's tickets have no parent, an intent row no Jira key yet, a Qualys finding no
  // scope. The NULL entries were written with every ticket or finding (and an intent's
  // moved again once its key came), pages rewritten by each transaction of a first cycle
  // for nothing a query reads. Jira keys are indexed by length, then key: a project's keys
  // come in sequence, and in text order alone each batch of new ones (VULN-10000...) landed
  // between old ones all over the index (TicketStore HAS_KEY_SQL asks by both). (Data
  // recorded with a finding's digest is deflated from this version on: finding_digests.data
  // holds a BLOB, or JSON text in rows recorded before.)
  `DROP INDEX tickets_parent;
   CREATE INDEX tickets_parent ON tickets(job, parent_pk) WHERE parent_pk IS NOT NULL;
   DROP INDEX tickets_jira_key;
   CREATE INDEX tickets_jira_key ON tickets(length(jira_key), jira_key) WHERE jira_key IS NOT NULL;
   DROP INDEX findings_scope_fkey;
   CREATE INDEX findings_scope_fkey ON findings(job, scope, fkey) WHERE scope IS NOT NULL;`,
  // 16: a finding passed over as it is pulled is never staged; if the cycle's enrichment
  // then changes an entry it names, it is staged from its record: its head (parent key,
  // status, ignored, scope) is recorded with its data. A ticket row written (reconcile, SLA
  // sweep, a create not yet confirmed) or a retry queued voids the finding's digest as it
  // happens, so reading a digest is one index probe, not three. (Digests recorded before
  // this are of format 1 and match nothing: findingDigest.ts DIGEST_FORMAT.)
  `ALTER TABLE finding_digests ADD COLUMN head TEXT;
   CREATE TRIGGER tickets_insert_voids_digest AFTER INSERT ON tickets WHEN NEW.finding_key IS NOT NULL BEGIN
     UPDATE finding_digests SET digest = '' WHERE job = NEW.job AND fkey = NEW.finding_key AND digest <> '';
   END;
   CREATE TRIGGER tickets_update_voids_digest AFTER UPDATE ON tickets WHEN NEW.finding_key IS NOT NULL BEGIN
     UPDATE finding_digests SET digest = '' WHERE job = NEW.job AND fkey = NEW.finding_key AND digest <> '';
   END;
   CREATE TRIGGER pending_insert_voids_digest AFTER INSERT ON pending BEGIN
     UPDATE finding_digests SET digest = '' WHERE job = NEW.job AND fkey = NEW.fkey AND digest <> '';
   END;
   CREATE TRIGGER pending_update_voids_digest AFTER UPDATE ON pending BEGIN
     UPDATE finding_digests SET digest = '' WHERE job = NEW.job AND fkey = NEW.fkey AND digest <> '';
   END;`,
  // 17: every cycle ends by counting the job's open tickets (runs.counts.openTickets, the
  // status page's chart). From the rows that took a table read per ticket: 0.4 s at 824,000
  // tickets, 1.5% of an unchanged cycle. From this index of the open ones alone, 20 ms.
  `CREATE INDEX tickets_open ON tickets(job) WHERE state = 'open';`,
  // 18: a parent's findings passed over together (a Qualys host's detections: one digest of
  // its text, state/groupDigests.ts): one row per lane, recorded once each
  // of them recorded its own digest. Any change of a member's digest (a new digest, voided
  // by a ticket row written or a retry queued, forgotten) drops its parent's row; the
  // member's head names the parent.
  `CREATE TABLE group_digests (
     job TEXT NOT NULL,
     gkey TEXT NOT NULL,
     digest TEXT NOT NULL,
     refs TEXT NOT NULL,
     members TEXT NOT NULL,
     at TEXT NOT NULL,
     PRIMARY KEY (job, gkey)
   );
   CREATE TRIGGER finding_digest_change_drops_group AFTER UPDATE OF digest ON finding_digests WHEN NEW.digest IS NOT OLD.digest AND OLD.head IS NOT NULL BEGIN
     DELETE FROM group_digests WHERE job = OLD.job AND gkey = json_extract(OLD.head, '$[0]');
   END;
   CREATE TRIGGER finding_digest_delete_drops_group AFTER DELETE ON finding_digests WHEN OLD.head IS NOT NULL BEGIN
     DELETE FROM group_digests WHERE job = OLD.job AND gkey = json_extract(OLD.head, '$[0]');
   END;`,
];
