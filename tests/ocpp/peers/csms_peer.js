'use strict';
// csms_peer.js - an independent OCPP 2.0.1 CSMS (ocpp-rpc 2.2.1 RPCServer, strictMode: every frame
// both ways validated against the official 2.0.1 JSON schemas that ocpp-rpc bundles) for testing
// OUR station (include/pqcea/host/ocpp/station.hpp, `pqcea charger`). Not a mock: it speaks real
// OCPP-J, signs with Debian's openssl CLI and checks post-quantum objects with Node 24's crypto
// (OpenSSL 3.5), never with pqcea code. docs/ocpp.md describes the dual track it checks.
//
// Usage (node = Node 24 from tests/peers; NODE_PATH = its node_modules, see tests/support/peers.sh):
//   node csms_peer.js --scenario NAME [--port 0] [--out summary.json] [--timeout 60] [--linger 2]
//        [--grace 10] [--password PW] [--ca CA.pem] [--pqc-issuer 'CMD {csr} {classical_cert} {out}']
//        [--image FILE] [--bad-classical-signature] [--pqc-image] [--expect-statuses A,B,...]
//        [--expect-evidence-rejected] [--expect-pqc-rejected] [--require-pqc-csr]
//        [--ca-out FILE] [--expect-certificate-rejected] [--expect-downgrade-refused]
//        [--tls-cert CERT.pem --tls-key KEY.pem]
// --tls-cert/--tls-key: serve wss:// (security profile 2) with that certificate: an https server
// whose upgrades go to the same RPCServer; with --password the station also authenticates.
// --ca-out FILE: the P-256 CA made here (it signs the classical certificates and the firmware
// signer) is written to FILE before "listening", so the station under test can trust it.
// Prints "listening PORT" on stdout once the station may connect to ws://127.0.0.1:PORT/<stationId>
// (any path; its last segment is the station id). One process runs one scenario, then exits 0 only
// if no frame failed strict validation (ours or the station's), no malformed frame arrived and the
// scenario's expectations held; --out gets the whole transcript and the verdicts (JSON).
//
// Scenarios:
//   boot-attest  BootNotification must carry customData.vendorId org.pqc-edge-attestor; answered
//                Pending; DataTransfer AttestationChallenge {requestId, nonce: 64 hex}; the
//                station's DataTransfer AttestationEvidence {requestId, evidence, certificate} is
//                checked here: strict base64 and CBOR, tag 18 COSE_Sign1, alg ML-DSA-44/65/87,
//                certificate key of that ML-DSA set (X509Certificate), issued by --ca if given,
//                inside its validity, kid = SHA-256(raw public key), the signature over
//                ["Signature1", protected, h'', payload] (RFC 9052 §4.4), EAT claim 10 =
//                SHA-256(nonce || exporter) with the exporter empty on ws://. Answer Accepted
//                {status: affirming} or Rejected {error}; then TriggerMessage BootNotification; the
//                second boot is Accepted (Rejected if the evidence failed). --expect-evidence-rejected
//                inverts the evidence expectation (negative tests).
//   classical    A CSMS without the extension: DataTransfer -> UnknownVendorId, Boot Accepted at
//                once, TriggerMessage SignChargingStationCertificate; the classical CSR (signature
//                checked with `openssl req -verify` and Node's crypto, CN = station id) is signed
//                with `openssl x509 -req` by a P-256 CA made here; CertificateSigned {leaf + CA}
//                without customData; the station's answer must be Accepted.
//   cert         As classical, plus customData.pqcCsr (if present; required with --require-pqc-csr):
//                its ML-DSA signature verified with Node's crypto over the DER
//                CertificationRequestInfo, and the classical CSR's attribute
//                2.25.201361565676542678975966009313748703647.1 must be the OCTET STRING
//                SHA-256(raw ML-DSA public key); a mismatch is answered Rejected. With
//                --pqc-issuer, that command makes the ML-DSA chain (placeholders: {csr} the PQC CSR
//                file, {classical_cert} the classical leaf just issued, {out} the chain file; no
//                {out}: its stdout), which is checked (leaf key = CSR key, each cert signed by the
//                next) and sent as CertificateSigned.customData.pqcCertificateChain.
//                --expect-certificate-rejected: the station must answer that CertificateSigned
//                Rejected (negative test: e.g. an ML-DSA certificate without the binding).
//   classical/cert with --expect-downgrade-refused: the station must refuse this CSMS (a
//                station in pqcMode Required facing a CSMS without the extension): the scenario
//                completes on its SecurityEventNotification PqcDowngradeAttempt, and the
//                TriggerMessage SignChargingStationCertificate must not be Accepted nor any
//                SignCertificate arrive.
//   roots        M03-M05 on profile 1: GetInstalledCertificateIds must list this peer's CA (--ca-out,
//                trusted by the station) with CertificateHashData computed here from its DER, a V2G
//                root NotFound; InstallCertificate Rejected and DeleteCertificate Failed over
//                profile 1, with a SecurityEventNotification InvalidCsmsCertificate.
//   roots-tls    PQC roots over the extension (docs/ocpp.md), needs --tls-cert (InstallCertificate
//                needs profile >= 2): InstallCertificate CSMSRootCertificate = a second P-256
//                root (openssl CLI) with customData {vendorId, pqcCertificate: an ML-DSA-87
//                self-signed root made here with Node crypto and a DER encoder of this file} ->
//                Accepted; GetInstalledCertificateIds lists this peer's CA and the second root,
//                whose customData.pqcCertificateHashData must equal the hash data computed here
//                over the ML-DSA root's DER; DeleteCertificate of the second root -> Accepted,
//                again -> NotFound. Twins: the ML-DSA root with one signature bit flipped ->
//                Rejected with a SecurityEventNotification InvalidCsmsCertificate naming
//                pqcCertificate; an expired classical root (with a good ML-DSA twin) -> Rejected;
//                neither is listed afterwards.
//   firmware     UpdateFirmware {requestId, firmware {location http://127.0.0.1:PORT/... served
//                here from --image, retrieveDateTime now, signingCertificate (P-256, from a CA made
//                here), signature = base64 `openssl dgst -sha256 -sign` of the whole file}};
//                --bad-classical-signature signs other bytes; --pqc-image adds customData
//                {vendorId, pqcImage: true}. Records FirmwareStatusNotifications (this requestId)
//                and SecurityEventNotifications; --expect-statuses makes the verdict depend on the
//                exact sequence. The station may reconnect (reboot) and boot again in between.
//                A SignCertificate the station sends after its boot is served as in classical
//                (not completing the scenario), and UpdateFirmware waits until that exchange is
//                over, so a station's certificate renewal and its reboot never overlap.
//   boot-attest  answers SignCertificate Rejected: certificates are not this scenario's subject.
// Always: Heartbeat, StatusNotification, TransactionEvent, SecurityEventNotification,
// FirmwareStatusNotification, NotifyEvent, NotifyReport, MeterValues, Authorize,
// LogStatusNotification are answered schema-valid and recorded; anything else gets NotImplemented
// (recorded as unhandled). The run ends --linger seconds after the scenario completed, when the
// station disconnects (after --grace seconds, default 10, for a reconnect if the scenario is
// incomplete) or at --timeout.

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const https = require('https');
const path = require('path');
const { execFileSync } = require('child_process');
const L = require('./lib');

const opts = L.args({
  port: 'value', scenario: 'value', out: 'value', timeout: 'value', linger: 'value', grace: 'value', password: 'value', ca: 'value',
  'pqc-issuer': 'value', image: 'value', 'bad-classical-signature': 'flag', 'pqc-image': 'flag',
  'expect-statuses': 'value', 'expect-evidence-rejected': 'flag', 'expect-pqc-rejected': 'flag', 'require-pqc-csr': 'flag',
  'ca-out': 'value', 'expect-certificate-rejected': 'flag', 'expect-downgrade-refused': 'flag',
  'tls-cert': 'value', 'tls-key': 'value',
});
const SCENARIOS = ['boot-attest', 'classical', 'cert', 'firmware', 'roots', 'roots-tls'];
const scenario = opts.scenario;
if (!SCENARIOS.includes(scenario)) {
  L.log(`--scenario must be one of ${SCENARIOS.join(', ')}`);
  process.exit(2);
}
if (scenario === 'firmware' && !opts.image) {
  L.log('--scenario firmware needs --image FILE');
  process.exit(2);
}
if (scenario === 'roots-tls' && !(opts['tls-cert'] && opts['tls-key'])) {
  L.log('--scenario roots-tls needs --tls-cert and --tls-key (root certificates are refused below profile 2)');
  process.exit(2);
}
const { RPCServer, createRPCError } = L.ocppRpc();
const rec = new L.Recorder('csms_peer', scenario);
const work = L.tempDir('csms-peer-');
const TERMINAL_FW = new Set(['Installed', 'DownloadFailed', 'InstallationFailed', 'InstallVerificationFailed',
  'InvalidSignature']); // (InvalidCertificate / RevokedCertificate are UpdateFirmware answers in 2.0.1)

const state = {
  identity: null, boots: [], complete: false, connections: 0,
  attestation: null, // {requestId, nonce}
  evidence: null, fwRequestId: null, fwStatuses: [], securityEvents: [], unhandled: [],
};
let finished = false;
let lingerTimer = null;
let graceTimer = null;
let httpServer = null;
let ocppHttp = null;

// Made in every scenario so that --ca-out always has something to export.
const ca = L.makeP256Ca(work, 'peer-ca', '/O=csms-peer test CA/CN=csms_peer P-256 CA');
if (opts['ca-out']) fs.copyFileSync(ca.cert, opts['ca-out']);
const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });

function complete(why) {
  if (state.complete) return;
  state.complete = true;
  rec.note('completedBecause', why);
  L.log(`scenario complete: ${why}`);
  lingerTimer = setTimeout(() => finish('linger over'), Number(opts.linger ?? 2) * 1000);
}

async function finish(why) {
  if (finished) return;
  finished = true;
  rec.note('endedBecause', why);
  rec.expect('scenario completed before the run ended', state.complete, why);
  scenarioVerdicts();
  rec.note('boots', state.boots);
  rec.note('securityEvents', state.securityEvents);
  rec.note('unhandledCalls', state.unhandled);
  const ok = rec.finish(opts.out);
  try { if (httpServer) httpServer.close(); } catch (_) { /* closing anyway */ }
  try { await server.close({ code: 1000, force: true }); } catch (_) { /* closing anyway */ }
  try { if (ocppHttp) ocppHttp.close(); } catch (_) { /* closing anyway */ }
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(ok ? 0 : 1);
}

// Expectations that depend on the whole run, checked once at the end.
function scenarioVerdicts() {
  if (opts['expect-downgrade-refused']) {
    rec.expect('station reported SecurityEventNotification PqcDowngradeAttempt',
      state.securityEvents.some((e) => e.type === 'PqcDowngradeAttempt'), state.securityEvents);
    rec.expect('no SignCertificate from a station that refused this CSMS', !state.signRequests, state.signRequests || 0);
  }
  if (scenario === 'firmware') {
    rec.note('firmwareStatuses', state.fwStatuses);
    if (opts['expect-statuses']) {
      const want = opts['expect-statuses'].split(',').map((s) => s.trim()).filter(Boolean);
      rec.expect('FirmwareStatusNotification sequence as expected',
        JSON.stringify(want) === JSON.stringify(state.fwStatuses), { want, got: state.fwStatuses });
    }
  }
}

// ------------------------------------------------------------------ the server

const server = new RPCServer({ protocols: [L.OCPP_PROTOCOL], strictMode: true, respondWithDetailedErrors: true });

server.auth((accept, reject, handshake) => {
  const identity = handshake.identity;
  if (opts.password !== undefined) {
    const pw = handshake.password ? handshake.password.toString('utf8') : null;
    if (pw !== opts.password) {
      rec.push('authRefused', { identity, reason: pw === null ? 'no password' : 'wrong password' });
      reject(401, 'Unauthorized');
      return;
    }
  }
  if (!handshake.protocols.has(L.OCPP_PROTOCOL)) {
    rec.push('authRefused', { identity, reason: `subprotocols offered: ${[...handshake.protocols].join(',')}` });
    reject(400, 'ocpp2.0.1 subprotocol required');
    return;
  }
  accept({ identity }, L.OCPP_PROTOCOL);
});

server.on('client', (client) => {
  state.connections++;
  clearTimeout(graceTimer);
  rec.attach(client, client.identity);
  rec.push('connections', { t: rec.t(), identity: client.identity, protocol: client.protocol });
  if (state.identity === null) state.identity = client.identity;
  rec.expect(`connection ${state.connections}: subprotocol ocpp2.0.1`, client.protocol === L.OCPP_PROTOCOL, client.protocol);
  rec.expect(`connection ${state.connections}: same station id`, client.identity === state.identity, client.identity);
  registerHandlers(client);
  client.on('close', ({ code, reason }) => {
    rec.push('disconnects', { t: rec.t(), code, reason: String(reason || '') });
    if (state.complete) finish('station disconnected after completion');
    else graceTimer = setTimeout(() => finish('station disconnected before completion'), Number(opts.grace ?? 10) * 1000);
  });
});

function registerHandlers(client) {
  client.handle('BootNotification', ({ params }) => onBoot(client, params));
  client.handle('Heartbeat', () => ({ currentTime: L.now() }));
  client.handle('StatusNotification', () => ({}));
  client.handle('TransactionEvent', ({ params }) => {
    rec.push('transactionEvents', { eventType: params.eventType, seqNo: params.seqNo, transactionId: params.transactionInfo.transactionId });
    return params.idToken ? { idTokenInfo: { status: 'Accepted' } } : {};
  });
  client.handle('SecurityEventNotification', ({ params }) => {
    state.securityEvents.push({ t: rec.t(), type: params.type, techInfo: params.techInfo, timestamp: params.timestamp });
    if (opts['expect-downgrade-refused'] && params.type === 'PqcDowngradeAttempt') {
      setImmediate(() => complete('station reported PqcDowngradeAttempt'));
    }
    return {};
  });
  client.handle('FirmwareStatusNotification', ({ params }) => {
    rec.push('firmwareStatusNotifications', params);
    if (scenario === 'firmware' && params.requestId === state.fwRequestId) {
      state.fwStatuses.push(params.status);
      if (TERMINAL_FW.has(params.status)) complete(`firmware status ${params.status}`);
    }
    return {};
  });
  client.handle('NotifyEvent', () => ({}));
  client.handle('NotifyReport', () => ({}));
  client.handle('MeterValues', () => ({}));
  client.handle('LogStatusNotification', () => ({}));
  client.handle('Authorize', () => ({ idTokenInfo: { status: 'Accepted' } }));
  client.handle('SignCertificate', ({ params }) => onSignCertificate(client, params));
  client.handle('DataTransfer', ({ params }) => onDataTransfer(client, params));
  client.handle(({ method }) => {
    state.unhandled.push(method);
    throw createRPCError('NotImplemented', `csms_peer does not handle ${method}`);
  });
}

// Our calls: a CALLERROR or a schema-invalid result is recorded (ocpp-rpc already recorded the
// validation failure) and the scenario goes on with null.
function call(client, method, params) {
  return L.recordedCall(rec, client, method, params);
}

// ------------------------------------------------------------------ boot

function onBoot(client, params) {
  const cd = params.customData;
  const advertised = !!(cd && cd.vendorId === L.VENDOR_ID);
  const boot = { t: rec.t(), reason: params.reason, chargingStation: params.chargingStation, customData: cd || null };
  state.boots.push(boot);
  const n = state.boots.length;
  const reply = (status, interval) => {
    boot.answered = status;
    return { currentTime: L.now(), interval, status };
  };
  if (scenario !== 'boot-attest') {
    if (n === 1) setImmediate(() => afterFirstBoot(client));
    return reply('Accepted', 300);
  }
  // boot-attest
  if (n === 1) {
    rec.expect('BootNotification advertises customData.vendorId org.pqc-edge-attestor', advertised, cd || null);
    if (advertised) {
      rec.note('advertised', { pqcMode: cd.pqcMode, attestation: cd.attestation });
      setImmediate(() => sendChallenge(client));
      return reply('Pending', 10);
    }
    complete('first BootNotification without the extension (Rejected)');
    return reply('Rejected', 10);
  }
  if (!state.evidence) {
    // A boot retried while Pending, before any evidence: still Pending.
    return reply('Pending', 10);
  }
  const accepted = state.evidence.verified;
  if (!state.complete) {
    rec.expect('second BootNotification after TriggerMessage', true);
    complete('second BootNotification answered');
  }
  return reply(accepted ? 'Accepted' : 'Rejected', 300);
}

async function afterFirstBoot(client) {
  if (scenario === 'classical' || scenario === 'cert') {
    const r = await call(client, 'TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' });
    rec.note('triggerSignCertificate', r);
    if (opts['expect-downgrade-refused']) {
      rec.expect('TriggerMessage SignChargingStationCertificate not Accepted by a station that refused us', r && r.status !== 'Accepted', r);
    } else {
      rec.expect('TriggerMessage SignChargingStationCertificate Accepted', r && r.status === 'Accepted', r);
    }
  } else if (scenario === 'roots' || scenario === 'roots-tls') {
    await sleep(300);
    if (state.certExchange) await state.certExchange;
    await (scenario === 'roots' ? roots(client) : rootsTls(client));
  } else if (scenario === 'firmware') {
    // A station that requests a certificate right after its boot gets it first (see the header).
    await sleep(300);
    if (state.certExchange) await state.certExchange;
    await startFirmware(client);
  }
}

// ------------------------------------------------------------------ roots (M03-M05)

// CertificateHashData of a root, computed from its DER by lib.js (not by the station under test).
const { rootHashData, sameHash } = L;

// The root certificate use cases on security profile 1 (this peer serves ws:// only): the station
// lists its roots (its CSMS root is this peer's CA, from --ca-out); installing and deleting a root
// over profile 1 are refused, with a security event for the install.
async function roots(client) {
  const want = rootHashData(fs.readFileSync(ca.cert, 'utf8'));
  const listed = await call(client, 'GetInstalledCertificateIds', { certificateType: ['CSMSRootCertificate'] });
  rec.note('installedIds', listed);
  rec.expect('GetInstalledCertificateIds Accepted and lists this CSMS root with hash data computed here',
    !!(listed && listed.status === 'Accepted' && (listed.certificateHashDataChain || []).some(
      (c) => c.certificateType === 'CSMSRootCertificate' && sameHash(c.certificateHashData, want))), { want, listed });
  const none = await call(client, 'GetInstalledCertificateIds', { certificateType: ['V2GRootCertificate'] });
  rec.expect('no V2G root: NotFound', !!(none && none.status === 'NotFound'), none);
  const other = L.makeP256Ca(work, 'other-root', '/O=csms-peer test/CN=another root');
  const installed = await call(client, 'InstallCertificate', {
    certificateType: 'CSMSRootCertificate', certificate: fs.readFileSync(other.cert, 'utf8') });
  rec.expect('InstallCertificate over security profile 1: Rejected', !!(installed && installed.status === 'Rejected'), installed);
  const deleted = await call(client, 'DeleteCertificate', { certificateHashData: want });
  rec.expect('DeleteCertificate over security profile 1: Failed', !!(deleted && deleted.status === 'Failed'), deleted);
  await sleep(500);
  rec.expect('station reported SecurityEventNotification InvalidCsmsCertificate',
    state.securityEvents.some((e) => e.type === 'InvalidCsmsCertificate'), state.securityEvents);
  complete('root certificate calls answered');
}

// ------------------------------------------------------------------ PQC roots over the extension

// DER pieces lib.js's encoder lacks: a minimal INTEGER from unsigned bytes, BOOLEAN TRUE, and
// Time (UTCTime before 2050, GeneralizedTime after; RFC 5280 §4.1.2.5).
const derInt = (bytes) => {
  let b = Buffer.from(bytes);
  while (b.length > 1 && b[0] === 0 && !(b[1] & 0x80)) b = b.subarray(1);
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return L.der.tlv(0x02, b);
};
const derTrue = () => L.der.tlv(0x01, Buffer.from([0xff]));
function derTime(ms) {
  const t = new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';  // YYYYMMDDHHMMSSZ
  return Number(t.slice(0, 4)) < 2050 ? L.der.tlv(0x17, Buffer.from(t.slice(2))) : L.der.tlv(0x18, Buffer.from(t));
}

// A self-signed root certificate (RFC 5280 §4.1) made here, not by pqcea: an ML-DSA-87 key signed
// in pure mode (RFC 9881) or a P-256 key with ecdsa-with-SHA256; basicConstraints cA TRUE and
// keyUsage keyCertSign|cRLSign (both critical), subjectKeyIdentifier; valid notBefore..notAfter (ms).
function selfSignedRoot({ keyType, cn, notBefore, notAfter }) {
  const { publicKey, privateKey } = keyType === 'ec'
    ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }) : crypto.generateKeyPairSync(keyType);
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const rdn = (oid, value) => L.der.set(L.der.seq(L.der.oid(oid), L.der.utf8(value)));
  const name = L.der.seq(rdn('2.5.4.10', 'csms-peer test'), rdn('2.5.4.3', cn));
  const sigAlg = L.der.seq(L.der.oid(keyType === 'ec' ? '1.2.840.10045.4.3.2' : '2.16.840.1.101.3.4.3.19'));
  const ext = (oid, critical, value) => L.der.seq(L.der.oid(oid), ...(critical ? [derTrue()] : []), L.der.octet(value));
  const ski = crypto.createHash('sha256').update(L.spkiParts(spki).raw).digest().subarray(0, 20);
  const extensions = L.der.tlv(0xa3, L.der.seq(
    ext('2.5.29.19', true, L.der.seq(derTrue())),
    ext('2.5.29.15', true, L.der.tlv(0x03, Buffer.from([0x01, 0x06]))),  // bits 5, 6; one unused bit
    ext('2.5.29.14', false, L.der.octet(ski))));
  const serial = crypto.randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x01;  // positive, no leading zero octet
  const tbs = L.der.seq(L.der.tlv(0xa0, derInt([2])), derInt(serial), sigAlg, name,
    L.der.seq(derTime(notBefore), derTime(notAfter)), name, spki, extensions);
  const sig = keyType === 'ec' ? crypto.sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' })
    : crypto.sign(null, tbs, privateKey);
  const der = L.der.seq(tbs, sigAlg, L.der.bits(sig));
  return { der, pem: L.pem('CERTIFICATE', der) };
}

// M05 / M03 / M04 with the ML-DSA twin in customData, on security profile 2 (see the header).
async function rootsTls(client) {
  const day = 86400e3, t = Date.now();
  const peerRoot = rootHashData(fs.readFileSync(ca.cert, 'utf8'));
  const second = L.makeP256Ca(work, 'second-root', '/O=csms-peer test/CN=second CSMS root');
  const secondPem = fs.readFileSync(second.cert, 'utf8');
  const pqc = selfSignedRoot({ keyType: 'ml-dsa-87', cn: 'csms_peer ML-DSA-87 root', notBefore: t - 60e3, notAfter: t + 30 * day });
  const pqcX509 = new crypto.X509Certificate(pqc.der);
  rec.expect('the ML-DSA-87 root made here is self-signed by Node crypto\'s own check',
    pqcX509.publicKey.asymmetricKeyType === 'ml-dsa-87' && pqcX509.verify(pqcX509.publicKey) && pqcX509.ca, pqcX509.subject);
  const twin = (pem) => ({ vendorId: L.VENDOR_ID, pqcCertificate: pem });

  const installed = await call(client, 'InstallCertificate',
    { certificateType: 'CSMSRootCertificate', certificate: secondPem, customData: twin(pqc.pem) });
  rec.expect('InstallCertificate of a second CSMS root with customData.pqcCertificate (ML-DSA-87): Accepted',
    !!(installed && installed.status === 'Accepted'), installed);

  const wantSecond = rootHashData(secondPem), wantPqc = rootHashData(pqc.pem);
  const listed = await call(client, 'GetInstalledCertificateIds', { certificateType: ['CSMSRootCertificate'] });
  rec.note('installedIds', listed);
  const chain = (listed && listed.certificateHashDataChain) || [];
  const mine = chain.find((c) => sameHash(c.certificateHashData, peerRoot));
  const entry = chain.find((c) => sameHash(c.certificateHashData, wantSecond));
  rec.expect('GetInstalledCertificateIds lists both CSMS roots (hash data computed here)',
    !!(listed && listed.status === 'Accepted' && mine && entry), { peerRoot, wantSecond, listed });
  const got = entry && entry.customData && entry.customData.vendorId === L.VENDOR_ID ? entry.customData.pqcCertificateHashData : null;
  rec.expect('the second root carries customData.pqcCertificateHashData = the hash data computed here over the ML-DSA root',
    !!(got && got.hashAlgorithm === 'SHA256' && sameHash(got, wantPqc)), { want: wantPqc, got });
  rec.expect('this peer\'s root (installed without a twin) carries no pqcCertificateHashData',
    !!(mine && !(mine.customData && mine.customData.pqcCertificateHashData)), mine);

  const deleted = await call(client, 'DeleteCertificate', { certificateHashData: wantSecond });
  rec.expect('DeleteCertificate of the second root: Accepted', !!(deleted && deleted.status === 'Accepted'), deleted);
  const again = await call(client, 'DeleteCertificate', { certificateHashData: wantSecond });
  rec.expect('DeleteCertificate of it again: NotFound', !!(again && again.status === 'NotFound'), again);

  // Twin 1: one bit of the ML-DSA signature flipped (the last octet is inside the signature).
  const flipped = Buffer.from(pqc.der);
  flipped[flipped.length - 1] ^= 0x01;
  rec.expect('the flipped root fails Node crypto\'s check', !new crypto.X509Certificate(flipped).verify(pqcX509.publicKey));
  const eventsBefore = state.securityEvents.length;
  const third = L.makeP256Ca(work, 'third-root', '/O=csms-peer test/CN=third CSMS root');
  const refused = await call(client, 'InstallCertificate', { certificateType: 'CSMSRootCertificate',
    certificate: fs.readFileSync(third.cert, 'utf8'), customData: twin(L.pem('CERTIFICATE', flipped)) });
  rec.expect('InstallCertificate with a flipped ML-DSA signature bit: Rejected', !!(refused && refused.status === 'Rejected'), refused);
  await sleep(500);
  const reported = state.securityEvents.slice(eventsBefore);
  rec.expect('station reported SecurityEventNotification InvalidCsmsCertificate naming pqcCertificate',
    reported.some((e) => e.type === 'InvalidCsmsCertificate' && /pqcCertificate/.test(e.techInfo || '')), reported);

  // Twin 2: an expired classical root (made here, P-256) with a good ML-DSA twin.
  const expired = selfSignedRoot({ keyType: 'ec', cn: 'expired CSMS root', notBefore: t - 60 * day, notAfter: t - 30 * day });
  const stale = await call(client, 'InstallCertificate',
    { certificateType: 'CSMSRootCertificate', certificate: expired.pem, customData: twin(pqc.pem) });
  rec.expect('InstallCertificate of an expired classical root: Rejected', !!(stale && stale.status === 'Rejected'), stale);

  const after = await call(client, 'GetInstalledCertificateIds', { certificateType: ['CSMSRootCertificate'] });
  const left = (after && after.certificateHashDataChain) || [];
  rec.expect('afterwards only this peer\'s root is listed', left.length === 1 && sameHash(left[0].certificateHashData, peerRoot), after);
  complete('PQC root calls answered');
}

// ------------------------------------------------------------------ attestation

async function sendChallenge(client) {
  const nonce = crypto.randomBytes(32);
  const requestId = crypto.randomInt(1, 2 ** 31 - 1);
  state.attestation = { requestId, nonce };
  rec.note('challenge', { requestId, nonce: nonce.toString('hex') });
  const r = await call(client, 'DataTransfer', {
    vendorId: L.VENDOR_ID, messageId: 'AttestationChallenge', data: { requestId, nonce: nonce.toString('hex') },
  });
  rec.expect('AttestationChallenge answered Accepted', r && r.status === 'Accepted', r);
}

function onDataTransfer(client, params) {
  rec.push('dataTransfers', { vendorId: params.vendorId, messageId: params.messageId });
  if (scenario !== 'boot-attest' || params.vendorId !== L.VENDOR_ID) {
    // A CSMS without the extension (or a vendor it does not know).
    return { status: 'UnknownVendorId' };
  }
  if (params.messageId !== 'AttestationEvidence') return { status: 'UnknownMessageId' };
  const d = params.data;
  const shapeOk = d && typeof d === 'object' && Number.isInteger(d.requestId) && typeof d.evidence === 'string' &&
    typeof d.certificate === 'string';
  if (!rec.expect('AttestationEvidence data has requestId, evidence, certificate', shapeOk)) {
    return { status: 'Rejected', data: { error: 'malformed' } };
  }
  if (!state.attestation || state.evidence) {
    rec.expect('AttestationEvidence comes once, after a challenge', false);
    return { status: 'Rejected', data: { error: 'unexpected' } };
  }
  const exporter = Buffer.alloc(0); // security profile 1 (ws://): no TLS exporter
  const expectedNonce = crypto.createHash('sha256').update(Buffer.concat([state.attestation.nonce, exporter])).digest();
  const caPem = opts.ca ? fs.readFileSync(opts.ca, 'utf8') : null;
  const v = L.verifyEvidence({ evidenceB64: d.evidence, certPem: d.certificate, caPem, expectedNonce });
  const requestIdOk = d.requestId === state.attestation.requestId;
  if (!requestIdOk) { v.ok = false; v.error = v.error || 'requestId does not match the challenge'; }
  state.evidence = { verified: v.ok, requestIdOk, ...v };
  rec.note('evidence', state.evidence);
  rec.note('evidenceVerified', v.ok);
  if (opts['expect-evidence-rejected']) rec.expect('evidence rejected (negative test)', !v.ok, v.error);
  else rec.expect('evidence verified', v.ok, v.error || v.checks);
  setImmediate(async () => {
    const r = await call(client, 'TriggerMessage', { requestedMessage: 'BootNotification' });
    rec.expect('TriggerMessage BootNotification Accepted', r && r.status === 'Accepted', r);
  });
  return v.ok ? { status: 'Accepted', data: { status: 'affirming' } } : { status: 'Rejected', data: { error: v.error } };
}

// ------------------------------------------------------------------ certificates

function cnOf(subject) {
  const m = /(?:^|\n)CN=([^\n]*)/.exec(subject || '');
  return m ? m[1] : null;
}

function onSignCertificate(client, params) {
  const n = (state.signRequests = (state.signRequests || 0) + 1);
  if (scenario === 'boot-attest') {
    rec.push('signCertificateRequests', { n, answered: 'Rejected (boot-attest scenario)' });
    return { status: 'Rejected' };
  }
  const csrFile = path.join(work, `station-${n}.csr`);
  fs.writeFileSync(csrFile, params.csr);
  const info = { n, certificateType: params.certificateType || null, customData: params.customData ? Object.keys(params.customData) : null };
  rec.push('signCertificateRequests', info);
  let classical;
  try {
    L.openssl(['req', '-verify', '-noout', '-in', csrFile]);
    info.opensslVerify = true;
  } catch (e) {
    info.opensslVerify = false;
  }
  try {
    classical = L.verifyCsr(params.csr);
    info.classicalAlg = classical.alg;
    info.nodeVerify = classical.ok;
    info.subject = L.openssl(['req', '-in', csrFile, '-noout', '-subject', '-nameopt', 'multiline']).toString();
  } catch (e) {
    info.parseError = e.message;
  }
  const cn = (/commonName\s*=\s*(.*)/.exec(info.subject || '') || [])[1];
  info.cn = cn ? cn.trim() : null;
  const classicalOk = info.opensslVerify && info.nodeVerify && classical &&
    (classical.alg === 'ecdsa-with-SHA256' || classical.alg === 'ecdsa-with-SHA384');
  rec.expect(`SignCertificate ${n}: classical CSR signature valid (openssl req -verify and Node), ECDSA`, classicalOk, info);
  rec.expect(`SignCertificate ${n}: CSR CN is the station id`, info.cn === state.identity, { cn: info.cn, identity: state.identity });

  let pqc = null;
  if (scenario === 'cert') {
    pqc = checkPqcCsr(params, classical, info);
    if (pqc && !pqc.ok && opts['expect-pqc-rejected']) rec.expect('PQC CSR refused (negative test)', true, pqc.error);
  }
  if (!classicalOk || (pqc && !pqc.ok)) {
    if (scenario !== 'firmware') complete('SignCertificate rejected');
    return { status: 'Rejected' };
  }
  state.certExchange = new Promise((resolve) => {
    setImmediate(() => issueAndSend(client, params, csrFile, pqc, n).finally(resolve));
  });
  return { status: 'Accepted' };
}

// The cert scenario's post-quantum CSR and its binding to the classical one.
function checkPqcCsr(params, classical, info) {
  const cd = params.customData;
  const pqcCsr = cd && cd.vendorId === L.VENDOR_ID ? cd.pqcCsr : undefined;
  info.pqcCsrPresent = typeof pqcCsr === 'string';
  if (opts['require-pqc-csr']) rec.expect('SignCertificate carries customData.pqcCsr', info.pqcCsrPresent);
  if (!info.pqcCsrPresent) return null;
  const r = { ok: false, pem: pqcCsr };
  try {
    const v = L.verifyCsr(pqcCsr);
    r.alg = v.alg;
    r.keyType = v.keyType;
    r.rawPublicKey = v.rawPublicKey;
    if (!v.alg.startsWith('ml-dsa')) throw new Error(`PQC CSR is signed with ${v.alg}, not ML-DSA`);
    if (!v.ok) throw new Error('PQC CSR signature does not verify');
    const keyHash = crypto.createHash('sha256').update(v.rawPublicKey).digest();
    const binding = classical ? L.csrBinding(classical.csr) : null;
    r.binding = binding ? binding.toString('hex') : null;
    r.keyHash = keyHash.toString('hex');
    if (!binding) throw new Error('classical CSR has no pqcKeyBinding attribute (32-byte OCTET STRING)');
    if (!binding.equals(keyHash)) throw new Error('pqcKeyBinding is not SHA-256 of the ML-DSA public key');
    r.ok = true;
  } catch (e) {
    r.error = e.message;
  }
  info.pqc = { ok: r.ok, alg: r.alg, binding: r.binding, keyHash: r.keyHash, error: r.error };
  if (!opts['expect-pqc-rejected']) rec.expect('PQC CSR: ML-DSA signature valid and bound to the classical CSR', r.ok, info.pqc);
  else if (r.ok) rec.expect('PQC CSR refused (negative test)', false, 'it verified');
  return r;
}

async function issueAndSend(client, params, csrFile, pqc, n) {
  const ext = path.join(work, 'leaf.ext');
  fs.writeFileSync(ext, 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyAgreement\n' +
    'subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  const leafFile = path.join(work, `station-${n}.pem`);
  L.openssl(['x509', '-req', '-in', csrFile, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', '2',
    '-extfile', ext, '-out', leafFile]);
  const certificateChain = fs.readFileSync(leafFile, 'utf8') + fs.readFileSync(ca.cert, 'utf8');
  const req = { certificateChain };
  if (params.certificateType) req.certificateType = params.certificateType;
  if (pqc && pqc.ok && opts['pqc-issuer']) {
    const chain = runPqcIssuer(pqc, leafFile, n);
    if (chain) req.customData = { vendorId: L.VENDOR_ID, pqcCertificateChain: chain };
  }
  rec.note(`certificateSigned${n}`, { chainChars: certificateChain.length, pqcChainChars: req.customData ? req.customData.pqcCertificateChain.length : 0 });
  const r = await call(client, 'CertificateSigned', req);
  rec.push('certificateSignedAnswers', r);
  if (opts['expect-certificate-rejected']) {
    rec.expect(`CertificateSigned ${n} Rejected by the station (negative test)`, r && r.status === 'Rejected', r);
  } else {
    rec.expect(`CertificateSigned ${n} Accepted by the station`, r && r.status === 'Accepted', r);
  }
  if (scenario === 'classical' || scenario === 'cert') complete('CertificateSigned answered');
}

function runPqcIssuer(pqc, classicalCertFile, n) {
  const csrFile = path.join(work, `station-${n}.pqc.csr`), outFile = path.join(work, `station-${n}.pqc-chain.pem`);
  fs.writeFileSync(csrFile, pqc.pem);
  const tpl = opts['pqc-issuer'];
  const cmd = tpl.replaceAll('{csr}', csrFile).replaceAll('{classical_cert}', classicalCertFile).replaceAll('{out}', outFile);
  let chain;
  try {
    const stdout = execFileSync('/bin/sh', ['-c', cmd], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    chain = tpl.includes('{out}') ? fs.readFileSync(outFile, 'utf8') : stdout;
  } catch (e) {
    rec.expect('--pqc-issuer command succeeded', false, `${cmd}: ${e.message} ${e.stderr || ''}`);
    return null;
  }
  // The chain: leaf (the PQC CSR's key) first, each certificate signed by the next.
  const check = { certs: 0 };
  try {
    const ders = L.pemBlocks(chain, 'CERTIFICATE');
    const certs = ders.map((d) => new crypto.X509Certificate(d));
    check.certs = certs.length;
    if (certs.length < 1) throw new Error('no certificate');
    const leafRaw = L.spkiParts(certs[0].publicKey.export({ format: 'der', type: 'spki' })).raw;
    if (!leafRaw.equals(pqc.rawPublicKey)) throw new Error('leaf key is not the PQC CSR key');
    for (let i = 0; i + 1 < certs.length; i++) {
      if (!certs[i].verify(certs[i + 1].publicKey)) throw new Error(`certificate ${i} not signed by ${i + 1}`);
    }
    check.leafKeyType = certs[0].publicKey.asymmetricKeyType;
    check.ok = true;
  } catch (e) {
    check.ok = false;
    check.error = e.message;
  }
  rec.expect('--pqc-issuer chain: leaf key = PQC CSR key, each certificate signed by the next', check.ok, check);
  return check.ok ? chain : null;
}

// ------------------------------------------------------------------ firmware

async function startFirmware(client) {
  const image = fs.readFileSync(opts.image);
  const signer = L.issueP256(work, 'fw-signer', '/O=csms-peer test/CN=csms_peer firmware signer', ca,
    ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=codeSigning']);
  let signed = opts.image;
  if (opts['bad-classical-signature']) {
    signed = path.join(work, 'other-bytes.bin');
    fs.writeFileSync(signed, Buffer.concat([image, Buffer.from('not the image')]));
  }
  const sig = L.openssl(['dgst', '-sha256', '-sign', signer.key, signed]);
  rec.note('firmware', { imageBytes: image.length, imageSha256: crypto.createHash('sha256').update(image).digest('hex'),
    badClassicalSignature: !!opts['bad-classical-signature'], signatureChars: sig.toString('base64').length });
  const name = path.basename(opts.image).replace(/[^A-Za-z0-9._-]/g, '_');
  httpServer = http.createServer((req, res) => {
    rec.push('downloads', { t: rec.t(), method: req.method, url: req.url });
    if (req.method === 'GET' && req.url === `/firmware/${name}`) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': image.length });
      res.end(image);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const location = `http://127.0.0.1:${httpServer.address().port}/firmware/${name}`;
  state.fwRequestId = crypto.randomInt(1, 2 ** 31 - 1);
  const req = {
    requestId: state.fwRequestId,
    firmware: {
      location, retrieveDateTime: L.now(), signingCertificate: fs.readFileSync(signer.cert, 'utf8'),
      signature: sig.toString('base64'),
    },
  };
  if (opts['pqc-image']) req.customData = { vendorId: L.VENDOR_ID, pqcImage: true };
  const r = await call(client, 'UpdateFirmware', req);
  rec.expect('UpdateFirmware Accepted', r && r.status === 'Accepted', r);
  if (!r || r.status !== 'Accepted') complete('UpdateFirmware not accepted');
}

// ------------------------------------------------------------------ main

process.on('SIGTERM', () => finish('SIGTERM'));
process.on('SIGINT', () => finish('SIGINT'));
setTimeout(() => finish(`timeout (${opts.timeout ?? 60} s)`), Number(opts.timeout ?? 60) * 1000);

(async () => {
  if (opts['tls-cert']) {
    // Security profile 2: TLS with the test's certificate in front of the same RPCServer.
    ocppHttp = https.createServer({ cert: fs.readFileSync(opts['tls-cert']), key: fs.readFileSync(opts['tls-key']) });
    ocppHttp.on('upgrade', server.handleUpgrade);
    await new Promise((resolve, reject) => {
      ocppHttp.once('error', reject);
      ocppHttp.listen(Number(opts.port ?? 0), '127.0.0.1', resolve);
    });
  } else {
    ocppHttp = await server.listen(Number(opts.port ?? 0), '127.0.0.1');
  }
  process.stdout.write(`listening ${ocppHttp.address().port}\n`);
})().catch((e) => {
  L.log(`cannot listen: ${e.message}`);
  process.exit(2);
});
