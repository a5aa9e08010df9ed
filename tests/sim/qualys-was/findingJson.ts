import type { SimWasFinding, SimWebApp } from './generateWasData.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** `{count, list: [{Wrapper: item}]}`, the QPS list shape (sample was_finding_verbose_elastic_qualys_was.json.txt). */
const qpsList = (wrapper: string | undefined, items: Json[]): Json => ({ count: items.length, list: wrapper ? items.map((i) => ({ [wrapper]: i })) : items });

/** One verbose Finding as the search API writes it: strings for booleans and severity, numbers for ids. */
export function findingJson(f: SimWasFinding, app: SimWebApp): Json {
  const out: { [key: string]: Json } = {
    id: f.id,
    uniqueId: f.uniqueId,
    qid: f.qid,
    detectionScore: f.detectionScore,
    name: f.name,
    type: f.type,
    potential: f.potential,
    findingType: f.findingType,
    group: f.group,
    severity: f.severity,
    url: f.url,
    status: f.status,
    firstDetectedDate: f.firstDetectedDate,
    lastDetectedDate: f.lastDetectedDate,
    lastTestedDate: f.lastTestedDate,
    updatedDate: f.updatedDate,
    timesDetected: f.timesDetected,
    webApp: {
      id: app.id,
      name: app.name,
      url: app.url,
      tags: qpsList('Tag', app.tags.map((t) => ({ id: t.id, name: t.name }))),
    },
    isIgnored: f.isIgnored,
    cwe: qpsList(undefined, f.cwe),
    owasp: qpsList('OWASP', f.owasp.map((o) => ({ ...o }))),
    wasc: qpsList('WASC', f.wasc.map((w) => ({ ...w }))),
    cvssV3: { ...f.cvssV3 },
    resultList: qpsList('Result', [
      {
        authentication: 'false',
        ajax: 'false',
        payloads: qpsList('PayloadInstance', f.payloads.map((p) => ({ payload: p.payload, request: { ...p.request }, response: p.response }))),
      },
    ]),
  };
  if (f.fixedDate) out.fixedDate = f.fixedDate;
  if (f.ignoredReason) out.ignoredReason = f.ignoredReason;
  if (f.ignoredDate) out.ignoredDate = f.ignoredDate;
  if (f.ignoredComment) out.ignoredComment = f.ignoredComment;
  return out;
}
