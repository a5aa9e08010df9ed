import { expect } from 'chai';
import { csObjectOf, csVulnOf, epochMsToIso } from '../../../connector/sources/qualys-cs/csRecords.js';
import { nextPaginationQuery } from '../../../connector/sources/qualys-cs/linkHeader.js';
import { makeCsConfig } from './csTestKit.js';

describe('qualys-cs: Link header and record shaping', () => {
  it('takes paginationQuery from rel=next, with or without spaces and quotes', () => {
    expect(nextPaginationQuery('<https://gw/csapi/v1.3/images/list?limit=2&paginationQuery=abc%3D%3D>;rel=next')).to.equal('abc==');
    expect(nextPaginationQuery('<https://gw/x?paginationQuery=p2>; rel="next"')).to.equal('p2');
    expect(nextPaginationQuery('<https://gw/x?paginationQuery=p0>; rel="prev", <https://gw/x?paginationQuery=p2>; rel="next"')).to.equal('p2');
  });

  it('"null", no header, no next and an empty query mean the last page', () => {
    for (const link of ['null', 'NULL', undefined, '', '<https://gw/x?paginationQuery=p0>;rel=prev', '<https://gw/x?paginationQuery=null>;rel=next', '<https://gw/x>;rel=next']) {
      expect(nextPaginationQuery(link), String(link)).to.equal(undefined);
    }
  });

  it('epoch-millisecond strings and numbers become ISO-8601; other values stay', () => {
    expect(epochMsToIso('1717026901000')).to.equal('2024-05-29T23:55:01.000Z');
    expect(epochMsToIso(1717026901000)).to.equal('2024-05-29T23:55:01.000Z');
    expect(epochMsToIso('2024-05-29T23:55:01Z')).to.equal('2024-05-29T23:55:01Z');
    expect(epochMsToIso(null)).to.equal(null);
  });

  it('an image gets registry/repository/tags from repo[] and its dates as ISO', () => {
    const r = csObjectOf('images', {
      sha: 'abc123',
      created: '1717026901000',
      repo: [
        { registry: 'docker.io', repository: 'library/nginx', tag: 'latest' },
        { registry: 'docker.io', repository: 'library/nginx', tag: '1.25' },
        { registry: 'mirror.example', repository: 'nginx', tag: 'latest' },
      ],
      host: [{ hostname: 'node-1', ipAddress: '10.0.0.1' }],
    });
    if (!('ok' in r)) throw new Error(r.rejected);
    expect(r.ok.data).to.include({ imageRegistry: 'docker.io', imageRepository: 'library/nginx', created: '2024-05-29T23:55:01.000Z' });
    expect(r.ok.data.imageTags).to.deep.equal(['latest', '1.25']);
    expect(r.ok.data.otherImageRegistry).to.deep.equal(['mirror.example']);
    expect(r.ok.data.otherImageRepository).to.deep.equal(['nginx']);
    expect(r.ok.data.associatedHosts).to.deep.equal(['node-1 (10.0.0.1)']);
  });

  it('rejects records without sha, containers without state, vulnerabilities without qid', () => {
    expect(csObjectOf('images', { imageId: 'x' })).to.have.property('rejected').that.contains('sha');
    expect(csObjectOf('images', 'text')).to.have.property('rejected');
    expect(csObjectOf('containers', { sha: 'c1' })).to.have.property('rejected').that.contains('state');
    expect(csVulnOf({ title: 't' })).to.have.property('rejected').that.contains('qid');
    const ok = csVulnOf({ qid: 12, software: [{ name: 'openssl', version: '3.0.1' }], published: '1717026901000' });
    if (!('ok' in ok)) throw new Error(ok.rejected);
    expect(ok.ok).to.include({ qid: '12', published: '2024-05-29T23:55:01.000Z' });
    expect(ok.ok.softwares).to.deep.equal(['openssl 3.0.1']);
  });

  it('config: pageSize is capped at 250, objects is required, unknown keys are refused', () => {
    expect(makeCsConfig()).to.include({ pageSize: 250, vulnType: 'DETAILS', concurrency: 4 });
    expect(() => makeCsConfig({ pageSize: 251 })).to.throw();
    expect(() => makeCsConfig({ objects: undefined })).to.throw();
    expect(() => makeCsConfig({ extra: 1 })).to.throw();
  });
});
