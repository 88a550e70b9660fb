// An independent check of our ML-DSA PKCS#10 requests with Node 24 (OpenSSL 3.5's ML-DSA): walks
// the DER by hand (RFC 2986 §4: CertificationRequest ::= SEQUENCE { certificationRequestInfo,
// signatureAlgorithm, signature BIT STRING }; the info holds version, subject, subjectPKInfo), then
// crypto.verify(null, info, SPKI key, signature): pure ML-DSA with an empty context (RFC 9881 §3).
// Usage: node csr_verify.mjs FILE (PEM or DER). Prints one JSON line; exit 0 valid, 1 invalid,
// 2 if the file does not have the expected structure.
import { readFileSync } from 'node:fs';
import { createPublicKey, verify } from 'node:crypto';

function fail(why) {
  console.log(JSON.stringify({ ok: false, error: why }));
  process.exit(2);
}

// One TLV at `at`: tag, where its contents start and where it ends (definite lengths only).
function tlv(buf, at, limit = buf.length) {
  if (at + 2 > limit) fail(`truncated TLV at ${at}`);
  const tag = buf[at];
  let len = buf[at + 1];
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) fail(`bad length at ${at}`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i];
    start += n;
  }
  if (start + len > limit) fail(`length beyond the buffer at ${at}`);
  return { tag, at, start, end: start + len };
}

function expect(t, tag, what) {
  if (t.tag !== tag) fail(`${what}: tag 0x${t.tag.toString(16)}, expected 0x${tag.toString(16)}`);
  return t;
}

let buf = readFileSync(process.argv[2]);
const text = buf.toString('latin1');
if (text.startsWith('-----BEGIN CERTIFICATE REQUEST-----')) {
  const body = text.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
  buf = Buffer.from(body, 'base64');
}
const top = expect(tlv(buf, 0), 0x30, 'CertificationRequest');
if (top.end !== buf.length) fail('trailing bytes');
const info = expect(tlv(buf, top.start, top.end), 0x30, 'certificationRequestInfo');
const alg = expect(tlv(buf, info.end, top.end), 0x30, 'signatureAlgorithm');
const sig = expect(tlv(buf, alg.end, top.end), 0x03, 'signature');
if (sig.end !== top.end) fail('trailing bytes in CertificationRequest');
if (buf[sig.start] !== 0) fail('signature BIT STRING has unused bits');
const version = expect(tlv(buf, info.start, info.end), 0x02, 'version');
const subject = expect(tlv(buf, version.end, info.end), 0x30, 'subject');
const spki = expect(tlv(buf, subject.end, info.end), 0x30, 'subjectPKInfo');
expect(tlv(buf, spki.end, info.end), 0xa0, 'attributes');

let key;
try {
  key = createPublicKey({ key: buf.subarray(spki.at, spki.end), format: 'der', type: 'spki' });
} catch (e) {
  fail(`SPKI not accepted: ${e.message}`);
}
// The signature algorithm must be the key's: the same AlgorithmIdentifier DER.
const spkiAlg = tlv(buf, spki.start, spki.end);
const same = Buffer.compare(buf.subarray(spkiAlg.at, spkiAlg.end), buf.subarray(alg.at, alg.end)) === 0;
const ok = same && verify(null, buf.subarray(info.at, info.end), key, buf.subarray(sig.start + 1, sig.end));
console.log(JSON.stringify({ ok, key: key.asymmetricKeyType, sameAlgorithm: same }));
process.exit(ok ? 0 : 1);
