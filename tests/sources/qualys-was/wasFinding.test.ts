import { expect } from 'chai';
import { capText, decodeIfBase64, resultText } from '../../../connector/sources/qualys-was/resultText.js';
import type { Json } from '../../../connector/sources/qualys-was/serviceResponse.js';
import { wasFinding } from '../../../connector/sources/qualys-was/wasFinding.js';
import { placeholderNames } from '../../../connector/templates/modulePlaceholders.js';
import { rawFinding, searchPageSample, verboseSample } from './wasTestKit.js';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

function mapped(raw: unknown, max = 32 * 1024) {
  const r = wasFinding(raw as Json, max);
  if (!('finding' in r)) throw new Error(`not mapped: ${JSON.stringify(r)}`);
  return r.finding;
}

describe('qualys-was: finding → Finding', () => {
  it('maps the verbose sample to the flattened WAS names, key, parent and KB lookup', () => {
    const f = mapped(verboseSample().ServiceResponse.data[0]!.Finding);
    expect(f.key).to.equal('was|webapp:1|finding:12499746');
    expect(f.parentKey).to.equal('webapp:1');
    expect(f.status).to.equal('ACTIVE');
    expect(f.ignored).to.equal(true);
    expect(f.lookups).to.deep.equal([{ ns: 'qualys.kb', id: '150112', into: 'VULN' }]);
    const { RESULT, ...rest } = f.data;
    expect(rest).to.deep.equal({
      ID: '12499746',
      UNIQUE_ID: '12345678-abcd-efabcd-234-123456789012',
      QID: '150112',
      SEVERITY: '2',
      STATUS: 'ACTIVE',
      FINDING_TYPE: 'QUALYS',
      ISSUE_TYPE: 'VULNERABILITY',
      DETECTION_TYPE: 'Confirmed',
      OWASP: 'Security Misconfiguration',
      CWE: '200',
      FIRST_DETECTED_DATE: '2021-01-27T10:00:41Z',
      LAST_DETECTED_DATE: '2025-04-22T06:18:42Z',
      TIMES_DETECTED: '1460',
      WEBAPP_ID: '1',
      WEBAPP_NAME: 'PCI Serverless Scan',
      WEBAPP_URL: 'https://testurl.com',
      URL: 'https://testurl.com',
      NAME: 'Sensitive form field has not disabled autocomplete',
      // The finding's own cvssV3, laid over the KB entry's (buildContext).
      VULN: { CVSS_V3_BASE: '3.7', CVSS_V3_TEMPORAL: '3.6', CVSS_V3_ATTACK_VECTOR: 'Network' },
    });
    // Four payloads, "N/A" payloads left out, responses kept as plain text.
    expect(String(RESULT).split('\n\n')).to.have.length(4);
    expect(RESULT).to.include('Field id: ibe0d2341-1f42-11f0-95f7-4f1cebf89922');
    expect(RESULT).to.include('error respoonse message');
    expect(RESULT).to.not.include('N/A');
  });

  it('carries every name of the WAS vocabulary (except PROJECT_KEY, set by the pipeline)', () => {
    const f = mapped(verboseSample().ServiceResponse.data[0]!.Finding);
    const wanted = placeholderNames('WAS').filter((n) => !n.includes('.') && n !== 'PROJECT_KEY');
    expect(wanted).to.have.length(19);
    for (const name of wanted) expect(f.data[name], name).to.be.a('string').and.not.equal('');
  });

  it('skips an information-gathered finding without status (search-page sample), rejects others without one', () => {
    const raw = searchPageSample().ServiceResponse.data[0]!.Finding;
    expect(wasFinding(raw as Json, 1000)).to.deep.equal({ skipped: 'information gathered, no status' });
    expect(wasFinding({ ...raw, type: 'VULNERABILITY' } as Json, 1000)).to.have.property('rejected');
  });

  it('reads the search-page sample with a status: "redacted" stays as is, potential "false" is Confirmed', () => {
    const f = mapped({ ...searchPageSample().ServiceResponse.data[0]!.Finding, status: 'NEW' });
    expect(f.key).to.equal('was|webapp:1|finding:18119520');
    expect(f.data.RESULT).to.equal('redacted');
    expect(f.data.ISSUE_TYPE).to.equal('INFORMATION_GATHERED');
    expect(f.data.OWASP).to.equal('');
    expect(f.ignored).to.equal(false);
  });

  it('maps every WAS status, booleans as strings or booleans, and potential findings', () => {
    for (const status of ['NEW', 'ACTIVE', 'REOPENED', 'FIXED', 'PROTECTED']) {
      expect(mapped(rawFinding(1, { status })).status).to.equal(status);
    }
    expect(mapped(rawFinding(1, { status: 'fixed' })).status).to.equal('FIXED');
    expect(mapped(rawFinding(1, { isIgnored: true })).ignored).to.equal(true);
    expect(mapped(rawFinding(1, { isIgnored: 'false' })).ignored).to.equal(false);
    expect(mapped(rawFinding(1, { potential: true })).data.DETECTION_TYPE).to.equal('Potential');
    expect(mapped(rawFinding(1, { potential: 'true' })).data.DETECTION_TYPE).to.equal('Potential');
  });

  it('accepts single-object lists (cwe, owasp, payloads) as well as arrays', () => {
    const f = mapped(
      rawFinding(7, {
        cwe: { count: 2, list: [79, 80] },
        owasp: { count: 1, list: { OWASP: { code: 3, name: 'Injection' } } },
        resultList: { count: 1, list: { Result: { payloads: { count: 1, list: { PayloadInstance: { payload: '<x>', response: 'seen <x>' } } } } } },
      }),
    );
    expect(f.data.CWE).to.equal('79, 80');
    expect(f.data.OWASP).to.equal('Injection');
    expect(f.data.RESULT).to.equal('Payload: <x>\nseen <x>');
  });

  it('rejects a finding without id, webApp.id, qid or status, naming what is missing', () => {
    const r = wasFinding(rawFinding(9, { webApp: undefined, qid: undefined }) as Json, 1000);
    expect(r).to.have.property('rejected');
    if ('rejected' in r) {
      expect(r.rejected.reason).to.equal('Finding 9 without webApp.id, qid');
      expect(r.rejected.record).to.include('"id":9');
    }
    expect(wasFinding('nonsense', 1000)).to.have.property('rejected');
  });
});

describe('qualys-was: RESULT text', () => {
  it('decodes base64 payloads and responses to UTF-8 text', () => {
    const text = 'HTTP/1.1 200 OK\n<script>alert(1)</script> — ünïcode';
    expect(decodeIfBase64(b64(text))).to.equal(text);
    const list = { list: [{ Result: { payloads: { list: [{ PayloadInstance: { payload: b64('<script>alert(1)</script>'), response: b64(text) } }] } } }] };
    expect(resultText(list)).to.equal(`Payload: <script>alert(1)</script>\n${text}`);
  });

  it('keeps text that only looks like base64 (decodes to binary) or is too short', () => {
    expect(decodeIfBase64('redacted')).to.equal('redacted');
    expect(decodeIfBase64('abcd')).to.equal('abcd');
    expect(decodeIfBase64('N/A')).to.equal('N/A');
    expect(decodeIfBase64('plain text with spaces')).to.equal('plain text with spaces');
  });

  it('caps RESULT at resultMaxBytes on a character boundary with a [truncated] note', () => {
    const long = 'ü'.repeat(5000); // 10,000 bytes
    const capped = capText(long, 1024);
    expect(Buffer.byteLength(capped, 'utf8')).to.be.at.most(1024);
    expect(capped).to.match(/\n\[truncated: \d+ of 10000 bytes shown\]$/);
    expect(capped).to.not.include('\ufffd');
    expect(capText('short', 1024)).to.equal('short');
    const f = mapped(rawFinding(3, { resultList: { list: [{ Result: { payloads: { list: [{ PayloadInstance: { response: long } }] } } }] } }), 2048);
    expect(Buffer.byteLength(String(f.data.RESULT), 'utf8')).to.be.at.most(2048);
    expect(f.data.RESULT).to.include('[truncated:');
  });
});
