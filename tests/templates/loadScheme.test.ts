import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ProblemList, TemplateError, type VulnbridgeError } from '../../connector/errors.js';
import { loadScheme, parseScheme } from '../../connector/templates/loadScheme.js';
import { HOST_LINKING, PER_DETECTION, REFERENCE_DIR, REFERENCE_FILES } from './paths.js';

const reference = (name: string): string => readFileSync(path.join(REFERENCE_DIR, name), 'utf8');
const PER_DETECTION_REF = 'Per_Detection_Separate_Ticket_Scheme.json';

/** The reference per-detection scheme with one edit applied to its parsed JSON. */
function perDetectionWith(edit: (doc: any) => void): string { // any: test fixture surgery on free-form JSON
  const doc = JSON.parse(reference(PER_DETECTION_REF));
  edit(doc);
  return JSON.stringify(doc, null, 2);
}

function problemsOf(text: string, file = 'test.json'): VulnbridgeError[] {
  try {
    parseScheme(text, file);
  } catch (err) {
    expect(err).to.be.instanceOf(ProblemList);
    expect((err as ProblemList).code).to.equal('TEMPLATE_INVALID');
    return (err as ProblemList).problems;
  }
  expect.fail('expected the scheme to be rejected');
}

describe('templates/loadScheme', () => {
  it('knows all eight reference templates', () => {
    expect(readdirSync(REFERENCE_DIR).filter((f) => f.endsWith('.json')).sort()).to.deep.equal([...REFERENCE_FILES].sort());
  });

  for (const name of REFERENCE_FILES) {
    it(`loads the Qualys reference template ${name} unchanged`, () => {
      const scheme = loadScheme(path.join(REFERENCE_DIR, name));
      expect(scheme.name).to.equal(name.replace('.json', ''));
      const linked = !name.startsWith('Per_');
      expect(scheme.kind).to.equal(linked ? 'linked' : 'single');
      expect(Object.keys(scheme.tickets).sort()).to.deep.equal(linked ? ['child', 'parent'] : ['single']);
      for (const t of Object.values(scheme.tickets)) expect(t?.primaryKey).to.match(/\$\{/);
    });
  }

  it('reads the reference per-detection scheme faithfully', () => {
    const s = loadScheme(path.join(REFERENCE_DIR, PER_DETECTION_REF));
    expect(s.moduleName).to.equal('VMDR');
    expect(s.operationField).to.equal('${STATUS}');
    expect(s.operationMappings['Re-Opened/Ignored']).to.equal('close');
    expect(s.workflowMappings['Re-Opened']).to.equal('Reopened');
    const t = s.tickets.single;
    expect(t?.issueType).to.equal('Host Vulnerability');
    expect(t?.primaryKey).to.equal('Host ID:${ID}-QID:${QID}-Port:${PORT}');
    expect(t?.customFields).to.have.length(31);
    expect(t?.customFields[0]).to.deep.equal({ name: 'Host ID', value: '${ID}' });
    expect(t?.priority).to.deep.equal({
      jiraDefault: false,
      matchWith: '${QDS.content}',
      criteria: [
        { priority: 'Highest', min: 90, max: 100 },
        { priority: 'High', min: 70, max: 89 },
        { priority: 'Medium', min: 40, max: 69 },
        { priority: 'Low', min: 1, max: 39 },
      ],
    });
  });

  it('reads "Jira default" parents and exact-value criteria (WAS linking)', () => {
    const s = loadScheme(path.join(REFERENCE_DIR, 'WAS_Finding_Vuln_Linking_Ticket_Scheme.json'));
    expect(s.tickets.parent?.priority).to.deep.equal({ jiraDefault: true });
    const child = s.tickets.child?.priority;
    expect(child && !child.jiraDefault && child.criteria).to.deep.include({ priority: 'Highest', min: 5, max: 5 });
    expect(s.tickets.child?.attachment).to.equal('Result :\n ${RESULT}');
  });

  it('loads our own default templates', () => {
    const flat = loadScheme(PER_DETECTION);
    expect(flat.kind).to.equal('single');
    expect(flat.tickets.single?.issueType).to.equal('Task');
    const linked = loadScheme(HOST_LINKING);
    expect(linked.kind).to.equal('linked');
    expect(linked.tickets.parent?.primaryKey).to.equal('Host ID:${ID}');
    expect(linked.tickets.child?.primaryKey).to.equal('Host ID:${ID}-QID:${QID}-Port:${PORT}');
  });

  it('accepts a top-level "$schema" key', () => {
    const text = perDetectionWith((d) => {
      d.$schema = './ticketing-scheme.schema.json';
    });
    expect(parseScheme(text, 'x.json').moduleName).to.equal('VMDR');
  });

  it('names file and line:column for bad JSON', () => {
    const text = '{\n  "template": {\n    "metadata": { "moduleName": "VMDR" }\n    "payload": {}\n  }\n}\n';
    try {
      parseScheme(text, 'broken.json');
      expect.fail('expected a TemplateError');
    } catch (err) {
      expect(err).to.be.instanceOf(TemplateError);
      const e = err as TemplateError;
      expect(e.code).to.equal('TEMPLATE_INVALID');
      expect(e.file).to.equal('broken.json');
      expect(e.line).to.equal(4);
      expect(e.describe()).to.match(/^broken\.json:4: invalid JSON at 4:5: expected ',' or '}'/);
    }
  });

  it('reports a missing file as a TemplateError naming it', () => {
    expect(() => loadScheme('/nonexistent/x.json')).to.throw(TemplateError, 'template file not found');
  });

  it('reports an unknown placeholder with file, JSON path, line and allowed names', () => {
    const text = reference(PER_DETECTION_REF).replace('"summary": "QID: ${QID} : ${VULN.TITLE}"', '"summary": "QID: ${QID} : ${VULN.TITEL}"');
    const [p, ...rest] = problemsOf(text, 'per.json');
    expect(rest).to.have.length(0);
    expect(p?.describe()).to.match(/^per\.json:41 template\.payload\.summary: unknown placeholder \$\{VULN\.TITEL\} for module VMDR/);
    expect(p?.line).to.equal(41);
    expect(p?.hint).to.include('did you mean ${VULN.TITLE}?');
    expect(p?.hint).to.include('allowed for VMDR: PROJECT_KEY, ID, ASSET_ID');
    expect(p?.hint).to.match(/… and \d+ more/);
  });

  it('reports overlapping priority ranges', () => {
    const text = perDetectionWith((d) => {
      d.template.metadata.priorityMapping.criteria.High = '70-92';
    });
    const [p] = problemsOf(text);
    expect(p?.path).to.equal('template.metadata.priorityMapping.criteria.Highest');
    expect(p?.message).to.equal('priority ranges overlap: High (70-92) and Highest (90-100) both match 90-92');
  });

  it('reports gapped priority ranges', () => {
    const text = perDetectionWith((d) => {
      d.template.metadata.priorityMapping.criteria.High = '71-89';
    });
    const [p] = problemsOf(text);
    expect(p?.path).to.equal('template.metadata.priorityMapping.criteria.High');
    expect(p?.message).to.equal('priority ranges leave a gap: 70 matches no priority between Medium (40-69) and High (71-89)');
    expect(p?.hint).to.equal('ranges must be contiguous: start High at 70');
  });

  it('reports malformed criteria values', () => {
    const text = perDetectionWith((d) => {
      d.template.metadata.priorityMapping.criteria.High = '89-70';
      d.template.metadata.priorityMapping.criteria.Low = 1.5;
    });
    const messages = problemsOf(text).map((p) => p.message);
    expect(messages).to.include('criterion for High range "89-70" runs backwards (low 89 > high 70)');
    expect(messages.some((m) => m.startsWith('criterion for Low 1.5 is not an integer'))).to.equal(true);
  });

  it('reports unknown operation words with the allowed list', () => {
    const text = perDetectionWith((d) => {
      d.template.metadata.operationMappings.Fixed = 'shut';
    });
    const [p] = problemsOf(text);
    expect(p?.path).to.equal('template.metadata.operationMappings.Fixed');
    expect(p?.message).to.equal('unknown operation "shut"');
    expect(p?.hint).to.equal('allowed: open, close, link, unlink, linkDiff, unlinkAll, openDiff, closeAll; with one ticket per finding: open, close');
  });

  it('reports operation words that do not fit the payload form', () => {
    const text = perDetectionWith((d) => {
      d.template.metadata.operationMappings.New = 'link';
    });
    const [p] = problemsOf(text);
    expect(p?.message).to.equal('operation "link" does not fit a scheme with one ticket per finding');
    expect(p?.hint).to.equal('use one of: open, close');
  });

  it('reports a missing Primary Key custom field', () => {
    const text = perDetectionWith((d) => {
      delete d.template.payload.custom_fields['Primary Key'];
    });
    const [p] = problemsOf(text);
    expect(p?.path).to.equal('template.payload.custom_fields');
    expect(p?.message).to.equal('missing the "Primary Key" custom field');
    expect(p?.hint).to.include('"Primary Key": {"value":');
  });

  it('reports a Primary Key without placeholders', () => {
    const text = perDetectionWith((d) => {
      d.template.payload.custom_fields['Primary Key'].value = 'constant';
    });
    expect(problemsOf(text)[0]?.message).to.include('every finding would map to the same ticket');
  });

  it('reports an unknown module with the known ones', () => {
    const text = perDetectionWith((d) => {
      d.template.metadata.moduleName = 'PC';
    });
    const [p, ...rest] = problemsOf(text);
    expect(rest).to.have.length(0);
    expect(p?.path).to.equal('template.metadata.moduleName');
    expect(p?.message).to.equal('unknown moduleName "PC"');
    expect(p?.hint).to.equal('known modules: VMDR, WAS, CS-Container, CS-Image, XRAY');
  });

  it('reports workflowMappings problems', () => {
    const text = perDetectionWith((d) => {
      d.template.metadata.workflowMappings.Reopen = 'Reopened';
      d.template.metadata.workflowMappings.Fixed = '  ';
    });
    const messages = problemsOf(text).map((p) => p.message);
    expect(messages).to.include('workflowMappings has "Reopen" but operationMappings does not');
    expect(messages).to.include('workflow status must be a non-empty Jira status name');
  });

  it('reports "Jira default" with criteria, and criteria-less rules', () => {
    const text = reference('Host_Vuln_Linking_Ticket_Scheme.json')
      .replace('"matchWith": "${TRURISK_SCORE}"', '"matchWith": "Jira default"')
      .replace(/"Highest":"90-100",\s+"High": "70-89",\s+"Medium": "40-69",\s+"Low": "1-39"/, '');
    const paths = problemsOf(text).map((p) => `${p.path}: ${p.message}`);
    expect(paths).to.deep.equal([
      'template.metadata.priorityMapping.parent.criteria: criteria must be empty ({}) when matchWith is "Jira default"',
      'template.metadata.priorityMapping.relatedTicket.criteria: no criteria for matchWith "${QDS.content}"',
    ]);
  });

  it('reports a priorityMapping form that does not fit the payload', () => {
    const text = perDetectionWith((d) => {
      const rule = d.template.metadata.priorityMapping;
      d.template.metadata.priorityMapping = { parent: rule, relatedTicket: rule };
    });
    expect(problemsOf(text)[0]?.message).to.equal('priorityMapping has parent/relatedTicket rules but the payload is a single ticket');
  });

  it('reports a hard-coded projectKey', () => {
    const text = perDetectionWith((d) => {
      d.template.metadata.projectKey = 'SEC';
    });
    expect(problemsOf(text)[0]?.hint).to.include('keep "${PROJECT_KEY}"');
  });

  it('reports malformed and unterminated placeholders', () => {
    const text = perDetectionWith((d) => {
      d.template.payload.description = 'IP ${ IP } and ${DNS';
    });
    const messages = problemsOf(text).map((p) => p.message);
    expect(messages[0]).to.match(/^malformed placeholder "\$\{ IP \}"/);
    expect(messages[1]).to.match(/^unterminated placeholder "\$\{DNS"/);
  });

  it('reports shape problems with JSON path, allowed keys and line', () => {
    const text = perDetectionWith((d) => {
      d.template.payload.lables = d.template.payload.labels;
      d.template.payload.summary = 42;
      delete d.template.payload.issueType;
    });
    const problems = problemsOf(text);
    const described = problems.map((p) => `${p.path}: ${p.message}`);
    expect(described).to.have.members([
      'template.payload.issueType: required key "issueType" is missing (expected string)',
      'template.payload.summary: expected string, got number 42',
      'template.payload.lables: unknown key "lables"',
    ]);
    const unknown = problems.find((p) => p.path === 'template.payload.lables');
    expect(unknown?.hint).to.match(/^allowed keys here: ticketKey, issueType, summary, description, comment, attachment, labels, custom_fields$/);
    expect(unknown?.line).to.be.a('number');
  });

  it('reports shape problems inside parent/relatedTicket payloads against that form', () => {
    const text = reference('Host_Vuln_Linking_Ticket_Scheme.json').replace('"issueType": "Vulnerability"', '"issueType": ""');
    const [p, ...rest] = problemsOf(text);
    expect(rest).to.have.length(0);
    expect(`${p?.path}: ${p?.message}`).to.equal('template.payload.relatedTicket.issueType: must not be empty');
  });

  it('reports a payload that is not an object', () => {
    const text = perDetectionWith((d) => {
      d.template.payload = 'ticket';
    });
    expect(problemsOf(text).map((p) => `${p.path}: ${p.message}`)).to.deep.equal(['template.payload: expected object, got text "ticket"']);
  });

  it('reports criteria of the wrong type and bad custom field ids', () => {
    const text = perDetectionWith((d) => {
      d.template.metadata.priorityMapping.criteria.Low = true;
      d.template.payload.custom_fields.QID.customFieldId = '10042';
    });
    const described = problemsOf(text).map((p) => `${p.path}: ${p.message}`);
    expect(described).to.have.members([
      'template.metadata.priorityMapping.criteria.Low: expected number or string, got boolean true',
      'template.payload.custom_fields.QID.customFieldId: must be empty or a Jira field id like customfield_10042',
    ]);
  });

  it('collects problems of several kinds into one ProblemList', () => {
    const text = perDetectionWith((d) => {
      d.template.metadata.operationMappings.Fixed = 'shut';
      d.template.metadata.priorityMapping.criteria.High = '71-89';
      d.template.payload.summary = '${NOPE}';
      delete d.template.payload.custom_fields['Primary Key'];
    });
    try {
      parseScheme(text, 'many.json');
      expect.fail('expected ProblemList');
    } catch (err) {
      const list = err as ProblemList;
      expect(list.problems).to.have.length(4);
      expect(list.message).to.match(/^many\.json: 4 problems in the ticketing scheme:\n {2}- many\.json:\d+ /);
    }
  });

  it('reports duplicate keys, which JSON.parse would silently drop', () => {
    const text = reference(PER_DETECTION_REF).replace('"Active": "open",', '"Active": "open",\n        "Active": "close",');
    const [p] = problemsOf(text);
    expect(p?.path).to.equal('template.metadata.operationMappings.Active');
    expect(p?.message).to.equal('duplicate key: JSON keeps only the last one');
    expect(p?.line).to.equal(11);
  });
});
