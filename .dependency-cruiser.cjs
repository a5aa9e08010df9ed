/**
 * Which folder of connector/ may import which (docs/architecture.md explains the rooms).
 * `npm test` runs it (`npm run lint:arrows`), and so does tests/architecture/arrows.test.ts.
 *
 * Arrows point down only: a room may import the rooms below it, never one above it nor
 * one beside it on the same level. Every exception is a rule of its own below, with its
 * reason. Levels, top to bottom:
 */
const LEVELS = [
  // the face: what a person or a peer talks to
  { rooms: ['cli'] },
  { rooms: ['daemon'] },
  { rooms: ['server'] },
  // the cycle planner/applier and the outbox drainer
  { rooms: ['pipeline', 'delivery'] },
  // Reality: config loading validates each job's `source:` / `sink:` block with its
  // factory's schema (sources/types.ts, sinks/types.ts) and its `routes:` with routing,
  // so config sits above routing and the vendors, below the pipeline that consumes JobConfig.
  { rooms: ['config'] },
  { rooms: ['routing'] },
  // one folder per vendor, plus each room's types.ts (contract) and registry.ts
  { rooms: ['sources', 'sinks'] },
  // the vendor-neutral incident model; it reads template contexts with templates' path
  // resolver (templates/stringifyValue.ts), so it sits just above templates
  { rooms: ['incidents'] },
  { rooms: ['templates'] },
  { rooms: ['state'] },
  // shared domain value types and HTTP plumbing
  { rooms: ['model', 'http'] },
  // single files at connector/ root: errors, log, metrics, redact, secrets
  { rooms: ['ROOT'] },
];

const roomPath = (room) => (room === 'ROOT' ? '^connector/[^/]+\\.ts$' : `^connector/${room}/`);

const layerRules = [];
LEVELS.forEach((level, i) => {
  for (const room of level.rooms) {
    const above = LEVELS.slice(0, i).flatMap((l) => l.rooms);
    const beside = level.rooms.filter((r) => r !== room);
    const forbidden = [...above, ...beside];
    if (forbidden.length === 0) continue;
    layerRules.push({
      name: `${room === 'ROOT' ? 'root-files' : room}-imports-only-below`,
      comment:
        `${room === 'ROOT' ? 'connector/*.ts' : `connector/${room}/`} may not import ${forbidden
          .map((r) => (r === 'ROOT' ? 'root files' : `${r}/`))
          .join(', ')}: arrows point down only (docs/architecture.md)`,
      severity: 'error',
      from: { path: roomPath(room) },
      to: { path: forbidden.map(roomPath) },
    });
  }
});

/** A vendor folder: connector/sources/<vendor>/ or connector/sinks/<vendor>/. */
const VENDOR = '^connector/(sources|sinks)/[^/]+/';

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'vendor-not-to-other-vendor',
      comment:
        'a vendor folder (sources/<vendor>/, sinks/<vendor>/) may import its own folder and its room\'s types.ts / ' +
        'pageBuffer.ts, never another vendor: shared code goes down a level (model/, http/, incidents/, templates/)',
      severity: 'error',
      from: { path: '^connector/(sources|sinks)/([^/]+)/', pathNot: '^connector/sources/qualys-was/' },
      to: { path: VENDOR, pathNot: '^connector/$1/$2/' },
    },
    {
      name: 'qualys-was-only-to-qualys-vmdr',
      comment:
        'Exception: WAS is a module of the same Qualys platform as VMDR and uses its platform client, rate limits, ' +
        'config fields and KnowledgeBase lookups (sources/qualys-vmdr/qualysApi.ts, qualysRateLimits.ts, ' +
        'qualysVmdrConfig.ts, enrichLookups.ts); it may import qualys-vmdr/ and no other vendor',
      severity: 'error',
      from: { path: '^connector/sources/qualys-was/' },
      to: { path: VENDOR, pathNot: ['^connector/sources/qualys-was/', '^connector/sources/qualys-vmdr/'] },
    },
    {
      name: 'sources-not-to-sinks',
      comment: 'a scanner never talks to an outbound vendor: the pipeline stands between them',
      severity: 'error',
      from: { path: '^connector/sources/' },
      to: { path: '^connector/sinks/' },
    },
    {
      name: 'sinks-not-to-sources',
      comment: 'an outbound vendor receives rendered tickets and incident events, never scanner code',
      severity: 'error',
      from: { path: '^connector/sinks/' },
      to: { path: '^connector/sources/' },
    },
    {
      name: 'vendors-only-through-registry',
      comment:
        'above the vendors, code reaches a vendor only through sources|sinks/types.ts (the contract) and ' +
        'registry.ts (the list), so adding a vendor is one folder plus one registry line',
      severity: 'error',
      from: { path: '^connector/', pathNot: ['^connector/(sources|sinks)/'] },
      to: { path: VENDOR },
    },
    {
      name: 'only-registry-lists-vendors',
      comment: 'in sources/ and sinks/ themselves only registry.ts imports the vendor folders',
      severity: 'error',
      from: { path: '^connector/(sources|sinks)/[^/]+\\.ts$', pathNot: '^connector/(sources|sinks)/registry\\.ts$' },
      to: { path: VENDOR },
    },
    {
      name: 'product-not-to-tests',
      comment: 'the product does not import tests/; the demo command alone starts the simulators (next rule)',
      severity: 'error',
      from: { path: '^connector/', pathNot: '^connector/cli/commands/demoCommand\\.ts$' },
      to: { path: '^tests/' },
    },
    {
      name: 'demo-only-to-simulators',
      comment: 'the demo (cli/commands/demoCommand.ts) may import the simulators in tests/sim/, nothing else of tests/',
      severity: 'error',
      from: { path: '^connector/cli/commands/demoCommand\\.ts$' },
      to: { path: '^tests/', pathNot: '^tests/sim/' },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles between modules (folder cycles are already impossible by the levels above)',
      severity: 'error',
      from: { path: '^connector/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'every import resolves (the `.js` specifiers of NodeNext resolve to the `.ts` files): an unresolved one ' +
        'would slip past every rule above',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // tests/sim is reached from the demo; its own imports are the tests' business.
    doNotFollow: { path: ['node_modules', '^tests/'] },
    // type-only imports are arrows too (state importing a template type is still state knowing templates)
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
