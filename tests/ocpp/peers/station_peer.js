'use strict';
// station_peer.js - an independent OCPP 2.0.1 charging station (ocpp-rpc 2.2.1 RPCClient,
// strictMode: every frame both ways validated against the official 2.0.1 JSON schemas bundled by
// ocpp-rpc) for testing OUR CSMS (`pqcea csms`). Not a mock: real OCPP-J over WebSocket, keys and
// CSRs from Debian's openssl CLI, signatures checked with Node's crypto (Node 24: OpenSSL 3.5),
// never with pqcea code. docs/ocpp.md describes the dual track it exercises.
//
// Usage (node = Node 24 from tests/peers; NODE_PATH = its node_modules, see tests/support/peers.sh):
//   node station_peer.js --url ws://127.0.0.1:PORT/ocpp --id STATION_ID --scenario NAME
//        [--password PW] [--out summary.json] [--timeout 60] [--advertise-pqc]
//        [--evidence-cmd 'CMD {nonce_hex} {out_file}'] [--cert device.pem]
//        [--expect-first-boot Pending|Accepted|Rejected] [--expect-attestation affirming|rejected]
//        [--csms-ca CA.pem] [--firmware-ca CA.pem] [--expect-statuses A,B,...]
//        [--pqc-csr [--bad-binding] [--expect-pqc-chain]] [--expect-sign Accepted|Rejected]
//        [--tls-ca CA.pem]    (wss://: the CSMS certificate to trust)
//        [--client-cert C.pem --client-key K.pem]  (security profile 3)  [--no-exporter]
//        [--expect-refused]   (negative: the WebSocket upgrade must be refused, e.g. a wrong --password)
// The station connects to URL/STATION_ID (subprotocol ocpp2.0.1 only; HTTP basic auth
// STATION_ID:PW with --password). Exit 0 only if no frame failed strict validation (the CSMS's or
// ours), no malformed frame arrived and the scenario's expectations held; --out gets every
// exchange and the verdicts (JSON). Exit 2: bad usage; 3: ocpp-rpc missing.
//
// Scenarios:
//   classical  BootNotification without customData (status must be Accepted, or
//              --expect-first-boot's: with Rejected the scenario ends there), Heartbeat,
//              StatusNotification, a TransactionEvent session Started/Updated/Ended, then
//              SignCertificate with a P-256 CSR (openssl req, CN = station id) - or the same when
//              the CSMS triggers SignChargingStationCertificate; waits for CertificateSigned and
//              checks the chain with `openssl verify` (anchor: --csms-ca, else the chain's last
//              certificate) and that the leaf holds our key and CN; answers Accepted or Rejected.
//              --pqc-csr: the dual track instead - SignCertificate.customData.pqcCsr (ML-DSA-87,
//              Node crypto, DER encoded here) and the classical P-256 CSR carrying pqcKeyBinding
//              (OID 2.25.201361565676542678975966009313748703647.1, OCTET STRING SHA-256 of the
//              raw ML-DSA public key; --bad-binding: another key's); a
//              CertificateSigned.customData.pqcCertificateChain is checked (leaf = our ML-DSA
//              key, chain signatures, relatedCertificate 1.3.6.1.5.5.7.1.36 = SHA-256 of the
//              classical leaf), required with --expect-pqc-chain. --expect-sign: the expected
//              SignCertificate status (Rejected for a negative test; then no CertificateSigned).
//   pqc        BootNotification with customData {vendorId org.pqc-edge-attestor, pqcMode Hybrid,
//              attestation true}, expected Pending (--expect-first-boot); answers the CSMS's
//              DataTransfer AttestationChallenge {requestId, nonce} Accepted, runs --evidence-cmd
//              with {nonce_hex} = SHA-256(nonce || exporter) (exporter: on wss:// the TLS
//              exporter value, label EXPORTER-pqcea-ocpp-attestation, from Node's TLS stack, left
//              out with --no-exporter; empty on ws://; also
//              {challenge_hex} = the raw nonce) writing COSE_Sign1 bytes to {out_file}, sends
//              DataTransfer AttestationEvidence {requestId, evidence (base64), certificate (PEM from
//              --cert)}; expects Accepted {status: affirming} (or Rejected with
//              --expect-attestation rejected), then TriggerMessage BootNotification and an
//              Accepted second boot.
//   firmware   Boot (Accepted), then waits for UpdateFirmware; firmware.signingCertificate
//              (issuer checked with --firmware-ca if given) that does not hold is answered
//              InvalidCertificate with a SecurityEventNotification InvalidFirmwareSigningCertificate
//              and nothing downloaded (L01.FR.02; FirmwareStatusEnumType has no such status).
//              Otherwise answers Accepted, downloads the location over http, verifies
//              firmware.signature (base64 DER ECDSA) over the whole file with Node's crypto
//              against that certificate and reports FirmwareStatusNotification Downloading,
//              Downloaded, SignatureVerified, Installing, InstallRebooting, (reconnect, Boot reason
//              FirmwareUpdate), Installed - or InvalidSignature with a SecurityEventNotification
//              InvalidFirmwareSignature. --expect-update: the expected UpdateFirmware answer
//              (default Accepted); --expect-statuses (what we reported) defaults to the good
//              sequence (none when the update was not Accepted).
//   roots      M03-M05 driven by the CSMS's operator (tests/ocpp/csms_vs_station_peer.sh): Boot
//              (Accepted), then the station holds its roots (at first --csms-ca as its
//              CSMSRootCertificate) and answers: InstallCertificate - Rejected for a certificate
//              outside its validity, or a customData.pqcCertificate that is not a self-signed CA
//              whose signature verifies (Node crypto; with a SecurityEventNotification
//              InvalidCsmsCertificate), else Accepted and stored; GetInstalledCertificateIds - the
//              roots' CertificateHashData computed here (lib.js rootHashData), an ML-DSA twin's in
//              customData.pqcCertificateHashData; DeleteCertificate - Accepted and removed when the
//              hash data matches a root, else NotFound. Every such call is noted (notes.rootCalls).
//              The scenario ends when the CSMS triggers a Heartbeat (the operator's last step).
//              --tls-ca CA.pem: trust this certificate for wss:// (security profile 2).
// Also: GetVariables answers the device model's CustomizationCtrlr.CustomImplementationEnabled
// [org.pqc-edge-attestor] and PqcCtrlr.Mode (when pqc is advertised), UnknownComponent otherwise;
// TriggerMessage for BootNotification/Heartbeat/StatusNotification/SignChargingStationCertificate;
// anything else gets NotImplemented (recorded as unhandled).

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const path = require('path');
const { execFileSync } = require('child_process');
const L = require('./lib');

const opts = L.args({
  url: 'value', id: 'value', password: 'value', scenario: 'value', out: 'value', timeout: 'value',
  'advertise-pqc': 'flag', 'evidence-cmd': 'value', cert: 'value', 'expect-first-boot': 'value',
  'expect-attestation': 'value', 'csms-ca': 'value', 'firmware-ca': 'value', 'expect-statuses': 'value',
  'pqc-csr': 'flag', 'bad-binding': 'flag', 'expect-refused': 'flag', 'expect-pqc-chain': 'flag', 'expect-sign': 'value',
  'expect-update': 'value', 'tls-ca': 'value', 'client-cert': 'value', 'client-key': 'value', 'no-exporter': 'flag',
});
const SCENARIOS = ['classical', 'pqc', 'firmware', 'roots'];
const scenario = opts.scenario;
if (!SCENARIOS.includes(scenario) || !opts.url || !opts.id) {
  L.log(`usage: --url ws://HOST:PORT/PATH --id STATION_ID --scenario ${SCENARIOS.join('|')}`);
  process.exit(2);
}
if (scenario === 'pqc' && (!opts['evidence-cmd'] || !opts.cert)) {
  L.log('--scenario pqc needs --evidence-cmd and --cert');
  process.exit(2);
}
const { RPCClient, createRPCError } = L.ocppRpc();
const rec = new L.Recorder('station_peer', scenario);
const work = L.tempDir('station-peer-');
const advertise = scenario === 'pqc' || !!opts['advertise-pqc'];
const GOOD_FW = ['Downloading', 'Downloaded', 'SignatureVerified', 'Installing', 'InstallRebooting', 'Installed'];
let finished = false;
let client = null;

// Waiters for calls from the CSMS: waitFor(name) resolves when signal(name, value) happens.
const signals = new Map();
function slot(name) {
  if (!signals.has(name)) {
    let resolve;
    const p = new Promise((r) => { resolve = r; });
    signals.set(name, { p, resolve, fired: false });
  }
  return signals.get(name);
}
function signal(name, value) { const s = slot(name); if (!s.fired) { s.fired = true; s.resolve(value); } }
function waitFor(name) { return slot(name).p; }

const state = { bootStatuses: [], csr: null, signSent: false, unhandled: [], reported: [] };

function bootParams(reason) {
  const p = {
    reason,
    chargingStation: { model: 'station_peer', vendorName: 'pqcea-test-peer', serialNumber: opts.id.slice(0, 25), firmwareVersion: '1.0.0' },
  };
  if (advertise) p.customData = { vendorId: L.VENDOR_ID, pqcMode: 'Hybrid', attestation: true };
  return p;
}

function call(method, params) {
  return L.recordedCall(rec, client, method, params);
}

async function boot(reason) {
  const r = await call('BootNotification', bootParams(reason));
  state.bootStatuses.push(r ? r.status : null);
  return r;
}

function connect() {
  client = new RPCClient({
    endpoint: opts.url.replace(/\/+$/, ''), identity: opts.id, password: opts.password ?? null,
    protocols: [L.OCPP_PROTOCOL], strictMode: true, reconnect: false, respondWithDetailedErrors: true,
    wsOpts: {
      ...(opts['tls-ca'] ? { ca: fs.readFileSync(opts['tls-ca']) } : {}),
      // Security profile 3: the client certificate (CN = the station id) and its key.
      ...(opts['client-cert'] ? { cert: fs.readFileSync(opts['client-cert']), key: fs.readFileSync(opts['client-key']) } : {}),
    },
  });
  rec.attach(client, opts.id);
  registerHandlers(client);
  client.on('close', ({ code, reason }) => {
    rec.push('closes', { t: rec.t(), code, reason: String(reason || '') });
    if (!state.expectClose && state.connected) finish('CSMS closed the connection');
  });
  return client.connect().then(() => {
    state.connected = true;
    rec.expect('subprotocol ocpp2.0.1 negotiated', client.protocol === L.OCPP_PROTOCOL, client.protocol);
  });
}

function registerHandlers(c) {
  c.handle('TriggerMessage', ({ params }) => {
    rec.push('triggers', params.requestedMessage);
    const known = ['BootNotification', 'Heartbeat', 'StatusNotification', 'SignChargingStationCertificate'];
    if (!known.includes(params.requestedMessage)) return { status: 'NotImplemented' };
    setImmediate(() => onTrigger(params.requestedMessage));
    return { status: 'Accepted' };
  });
  c.handle('CertificateSigned', ({ params }) => onCertificateSigned(params));
  c.handle('DataTransfer', ({ params }) => onDataTransfer(params));
  c.handle('UpdateFirmware', ({ params }) => {
    if (scenario !== 'firmware' || state.firmware) return { status: 'Rejected' };
    state.firmware = params;
    // L01.FR.02: the signing certificate is checked before anything is downloaded.
    let certificateError = null;
    try {
      const fw = params.firmware;
      if (!fw.signingCertificate || !fw.signature) throw new Error('signingCertificate or signature missing');
      const cert = new crypto.X509Certificate(fw.signingCertificate);
      if (opts['firmware-ca']) {
        const ca = new crypto.X509Certificate(fs.readFileSync(opts['firmware-ca']));
        if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) throw new Error('signing certificate not issued by --firmware-ca');
      }
    } catch (e) {
      certificateError = e.message;
    }
    state.updateAnswer = certificateError === null ? 'Accepted' : 'InvalidCertificate';
    setImmediate(() => signal('UpdateFirmware', { ...params, certificateError }));
    return { status: state.updateAnswer };
  });
  c.handle('InstallCertificate', ({ params }) => onInstallCertificate(params));
  c.handle('GetInstalledCertificateIds', ({ params }) => onGetInstalledIds(params));
  c.handle('DeleteCertificate', ({ params }) => onDeleteCertificate(params));
  c.handle('GetVariables', ({ params }) => ({ getVariableResult: params.getVariableData.map(getVariable) }));
  c.handle('GetBaseReport', () => ({ status: 'NotSupported' }));
  c.handle(({ method }) => {
    state.unhandled.push(method);
    throw createRPCError('NotImplemented', `station_peer does not handle ${method}`);
  });
}

function getVariable(d) {
  const base = { component: d.component, variable: d.variable };
  if (d.attributeType && d.attributeType !== 'Actual') return { ...base, attributeStatus: 'NotSupportedAttributeType' };
  const c = d.component.name, v = d.variable.name;
  if (advertise && c === 'CustomizationCtrlr' && v === 'CustomImplementationEnabled' && d.variable.instance === L.VENDOR_ID) {
    return { ...base, attributeStatus: 'Accepted', attributeValue: 'true' };
  }
  if (advertise && c === 'PqcCtrlr' && v === 'Mode') return { ...base, attributeStatus: 'Accepted', attributeValue: 'Hybrid' };
  return { ...base, attributeStatus: 'UnknownComponent' };
}

async function onTrigger(what) {
  if (what === 'BootNotification') {
    const r = await boot('Triggered');
    signal('triggeredBoot', r);
  } else if (what === 'Heartbeat') {
    await call('Heartbeat', {});
    signal('heartbeatTriggered', true);
  } else if (what === 'StatusNotification') {
    await statusNotification();
  } else if (what === 'SignChargingStationCertificate') {
    await signCertificate('triggered');
  }
}

function statusNotification() {
  return call('StatusNotification', { timestamp: L.now(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });
}

// ------------------------------------------------------------------ classical

async function classical() {
  const b = await boot('PowerUp');
  // --expect-first-boot Rejected: a negative test (a CSMS that refuses classical stations); the
  // scenario ends with that answer.
  const want = opts['expect-first-boot'] || 'Accepted';
  rec.expect(`BootNotification ${want}`, b && b.status === want, b);
  if (!b || b.status !== 'Accepted') return;
  const hb = await call('Heartbeat', {});
  rec.expect('Heartbeat answered with currentTime', hb && typeof hb.currentTime === 'string', hb);
  rec.expect('StatusNotification answered', (await statusNotification()) !== null);
  const txId = `peer-${crypto.randomBytes(6).toString('hex')}`;
  const evse = { id: 1, connectorId: 1 };
  const idToken = { idToken: 'PEERTOKEN0001', type: 'ISO14443' };
  const mv = (wh) => [{ timestamp: L.now(), sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }] }];
  const started = await call('TransactionEvent', {
    eventType: 'Started', timestamp: L.now(), triggerReason: 'Authorized', seqNo: 0,
    transactionInfo: { transactionId: txId, chargingState: 'Charging' }, idToken, evse, meterValue: mv(0),
  });
  rec.expect('TransactionEvent Started answered', started !== null, started);
  if (started && started.idTokenInfo) rec.note('idTokenStatus', started.idTokenInfo.status);
  const updated = await call('TransactionEvent', {
    eventType: 'Updated', timestamp: L.now(), triggerReason: 'MeterValuePeriodic', seqNo: 1,
    transactionInfo: { transactionId: txId, chargingState: 'Charging' }, meterValue: mv(1234),
  });
  rec.expect('TransactionEvent Updated answered', updated !== null, updated);
  const ended = await call('TransactionEvent', {
    eventType: 'Ended', timestamp: L.now(), triggerReason: 'StopAuthorized', seqNo: 2,
    transactionInfo: { transactionId: txId, chargingState: 'Idle', stoppedReason: 'Local' }, idToken, meterValue: mv(2345),
  });
  rec.expect('TransactionEvent Ended answered', ended !== null, ended);
  await signCertificate('own');
  const verdict = await waitFor('certificateSigned');
  rec.expect('CertificateSigned chain verifies (openssl verify) and holds our key and CN', verdict.ok, verdict);
}

async function signCertificate(why) {
  if (state.signSent) return;
  state.signSent = true;
  const req = { certificateType: 'ChargingStationCertificate' };
  if (!opts['pqc-csr']) {
    // The classical track alone: key and CSR from the openssl CLI.
    const key = path.join(work, 'station.key.pem'), csr = path.join(work, 'station.csr');
    L.openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key,
      '-out', csr, '-subj', `/O=pqcea test peers/CN=${opts.id}`]);
    state.csr = { spki: crypto.createPublicKey(fs.readFileSync(key)).export({ format: 'der', type: 'spki' }) };
    req.csr = fs.readFileSync(csr, 'utf8');
  } else {
    // Dual track (docs/ocpp.md): an ML-DSA-87 CSR in customData.pqcCsr, and the classical P-256 CSR
    // carrying pqcKeyBinding = SHA-256(raw ML-DSA public key) (--bad-binding: of another key).
    // openssl 3.0's CLI cannot add that attribute, so both are DER-encoded here (lib.makeCsr).
    const subject = [['2.5.4.10', 'pqcea test peers'], ['2.5.4.3', opts.id]];
    const ml = crypto.generateKeyPairSync('ml-dsa-87'), ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const bound = opts['bad-binding'] ? crypto.generateKeyPairSync('ml-dsa-87').publicKey : ml.publicKey;
    const raw = L.spkiParts(bound.export({ format: 'der', type: 'spki' })).raw;
    req.csr = L.makeCsr({ subject, ...ec, attributes: [[L.PQC_BINDING_OID, L.der.octet(crypto.createHash('sha256').update(raw).digest())]] });
    const pqcCsr = L.makeCsr({ subject, ...ml });
    req.customData = { vendorId: L.VENDOR_ID, pqcCsr };
    state.csr = { spki: ec.publicKey.export({ format: 'der', type: 'spki' }), pqcSpki: ml.publicKey.export({ format: 'der', type: 'spki' }) };
    rec.note('pqcCsr', { chars: pqcCsr.length, classicalChars: req.csr.length, badBinding: !!opts['bad-binding'] });
  }
  rec.note('signCertificateBecause', why);
  const r = await call('SignCertificate', req);
  const want = opts['expect-sign'] || 'Accepted';
  rec.expect(`SignCertificate ${want}`, r && r.status === want, r);
  if (want !== 'Accepted') signal('certificateSigned', { ok: true, skipped: `SignCertificate ${r && r.status}` });
}

// The post-quantum chain of a dual-track CertificateSigned: leaf = our ML-DSA key, each
// certificate signed by the next, and the leaf's RFC 9763 relatedCertificate extension
// (1.3.6.1.5.5.7.1.36) holding SHA-256 of the classical leaf's DER.
function checkPqcChain(chainPem, classicalLeafDer) {
  const ders = L.pemBlocks(chainPem, 'CERTIFICATE');
  if (ders.length < 1) throw new Error('pqcCertificateChain: no certificate');
  const certs = ders.map((d) => new crypto.X509Certificate(d));
  if (!certs[0].publicKey.export({ format: 'der', type: 'spki' }).equals(state.csr.pqcSpki)) {
    throw new Error('pqcCertificateChain: leaf does not hold our ML-DSA key');
  }
  for (let i = 0; i + 1 < certs.length; i++) {
    if (!certs[i].verify(certs[i + 1].publicKey)) throw new Error(`pqcCertificateChain: certificate ${i} not signed by ${i + 1}`);
  }
  // Extensions: tbsCertificate [3] { SEQUENCE OF Extension { extnID, critical?, extnValue } }.
  const tbs = L.derChildren(L.derChildren(L.derTop(ders[0]))[0]);
  const extsWrap = tbs.find((n) => n.tag === 0xa3);
  const exts = extsWrap ? L.derChildren(L.derChildren(extsWrap)[0]) : [];
  const related = exts.map(L.derChildren).find((e) => L.oidToString(e[0].content) === '1.3.6.1.5.5.7.1.36');
  const hash = crypto.createHash('sha256').update(classicalLeafDer).digest();
  const relatedOk = !!related && related[related.length - 1].content.includes(hash);
  return { certs: certs.length, leafKeyType: certs[0].publicKey.asymmetricKeyType, relatedCertificate: relatedOk };
}

function onCertificateSigned(params) {
  const v = { ok: false };
  try {
    if (!state.csr) throw new Error('no CSR sent');
    const ders = L.pemBlocks(params.certificateChain, 'CERTIFICATE');
    v.certs = ders.length;
    if (ders.length < 1) throw new Error('no certificate in certificateChain');
    const leaf = path.join(work, 'leaf.pem'), untrusted = path.join(work, 'untrusted.pem'), anchor = path.join(work, 'anchor.pem');
    const pem = (d) => `-----BEGIN CERTIFICATE-----\n${d.toString('base64').match(/.{1,64}/g).join('\n')}\n-----END CERTIFICATE-----\n`;
    fs.writeFileSync(leaf, pem(ders[0]));
    fs.writeFileSync(untrusted, ders.slice(1).map(pem).join('') || pem(ders[0]));
    if (opts['csms-ca']) fs.copyFileSync(opts['csms-ca'], anchor);
    else fs.writeFileSync(anchor, pem(ders[ders.length - 1]));
    try {
      v.opensslVerify = L.openssl(['verify', '-CAfile', anchor, '-untrusted', untrusted, leaf]).toString().trim();
    } catch (e) {
      throw new Error(`openssl verify: ${String(e.stdout || '')}${String(e.stderr || '')}`.trim());
    }
    const cert = new crypto.X509Certificate(ders[0]);
    v.subject = cert.subject;
    if (!cert.publicKey.export({ format: 'der', type: 'spki' }).equals(state.csr.spki)) throw new Error('leaf does not hold our key');
    if (!cert.subject.split('\n').includes(`CN=${opts.id}`)) throw new Error(`leaf CN is not ${opts.id}`);
    const pqcChain = params.customData && params.customData.vendorId === L.VENDOR_ID ? params.customData.pqcCertificateChain : undefined;
    v.pqcCertificateChain = typeof pqcChain === 'string';
    if (v.pqcCertificateChain && state.csr.pqcSpki) {
      v.pqc = checkPqcChain(pqcChain, ders[0]);
      if (!v.pqc.relatedCertificate) throw new Error('pqcCertificateChain leaf has no relatedCertificate extension with SHA-256 of the classical leaf');
    }
    if (opts['expect-pqc-chain'] && !v.pqcCertificateChain) throw new Error('CertificateSigned without customData.pqcCertificateChain');
    v.ok = true;
  } catch (e) {
    v.error = e.message;
  }
  rec.note('certificateSigned', v);
  setImmediate(() => signal('certificateSigned', v));
  return { status: v.ok ? 'Accepted' : 'Rejected' };
}

// ------------------------------------------------------------------ pqc

function onDataTransfer(params) {
  rec.push('dataTransfers', { vendorId: params.vendorId, messageId: params.messageId });
  if (!advertise || params.vendorId !== L.VENDOR_ID) return { status: 'UnknownVendorId' };
  if (params.messageId !== 'AttestationChallenge') return { status: 'UnknownMessageId' };
  const d = params.data;
  const ok = d && Number.isInteger(d.requestId) && typeof d.nonce === 'string' && /^[0-9a-f]{64}$/i.test(d.nonce);
  rec.expect('AttestationChallenge data is {requestId, nonce: 64 hex}', ok, d);
  if (!ok) return { status: 'Rejected' };
  setImmediate(() => signal('challenge', d));
  return { status: 'Accepted' };
}

async function pqc() {
  const b = await boot('PowerUp');
  const want = opts['expect-first-boot'] || 'Pending';
  rec.expect(`first BootNotification ${want}`, b && b.status === want, b);
  const ch = await waitFor('challenge');
  // On wss:// the EAT nonce binds this TLS connection: the exporter value (RFC 8446 §7.5, label
  // EXPORTER-pqcea-ocpp-attestation, 32 bytes) from Node's own TLS stack; --no-exporter leaves it
  // out (a negative test: evidence not bound to the connection).
  const socket = client._ws && client._ws._socket;
  const onTls = !!(socket && typeof socket.exportKeyingMaterial === 'function');
  const exporter = onTls && !opts['no-exporter'] ? socket.exportKeyingMaterial(32, 'EXPORTER-pqcea-ocpp-attestation') : Buffer.alloc(0);
  rec.note('tls', onTls ? { protocol: socket.getProtocol(), group: (socket.getEphemeralKeyInfo() || {}).name || null,
    exporter: exporter.toString('hex') } : null);
  const eatNonce = crypto.createHash('sha256').update(Buffer.concat([Buffer.from(ch.nonce, 'hex'), exporter])).digest();
  const outFile = path.join(work, 'evidence.cose');
  const cmd = opts['evidence-cmd'].replaceAll('{nonce_hex}', eatNonce.toString('hex'))
    .replaceAll('{challenge_hex}', ch.nonce.toLowerCase()).replaceAll('{out_file}', outFile);
  try {
    execFileSync('/bin/sh', ['-c', cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    rec.expect('--evidence-cmd succeeded', false, `${cmd}: ${e.message} ${e.stderr || ''}`);
    return;
  }
  const evidence = fs.readFileSync(outFile);
  rec.note('evidence', { bytes: evidence.length, eatNonce: eatNonce.toString('hex'), requestId: ch.requestId });
  const r = await call('DataTransfer', {
    vendorId: L.VENDOR_ID, messageId: 'AttestationEvidence',
    data: { requestId: ch.requestId, evidence: evidence.toString('base64'), certificate: fs.readFileSync(opts.cert, 'utf8') },
  });
  rec.note('attestationAnswer', r);
  const expectAtt = opts['expect-attestation'] || 'affirming';
  if (expectAtt === 'rejected') {
    rec.expect('AttestationEvidence Rejected with data.error', r && r.status === 'Rejected' && r.data && typeof r.data.error === 'string', r);
  } else {
    rec.expect(`AttestationEvidence Accepted with data.status ${expectAtt}`, r && r.status === 'Accepted' && r.data && r.data.status === expectAtt, r);
  }
  const second = await waitFor('triggeredBoot');
  const wantSecond = expectAtt === 'rejected' ? 'Rejected' : 'Accepted';
  rec.expect(`BootNotification after TriggerMessage ${wantSecond}`, second && second.status === wantSecond, second);
  if (second && second.status === 'Accepted') {
    const hb = await call('Heartbeat', {});
    rec.expect('Heartbeat after the accepted boot', hb !== null, hb);
  }
}

// ------------------------------------------------------------------ firmware

function fetch(location) {
  return new Promise((resolve, reject) => {
    const req = http.get(location, (res) => {
      if (res.statusCode !== 200) { res.resume(); reject(new Error(`HTTP ${res.statusCode}`)); return; }
      const parts = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => resolve(Buffer.concat(parts)));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(30000, () => req.destroy(new Error('download timeout')));
  });
}

async function report(requestId, status) {
  state.reported.push(status);
  const r = await call('FirmwareStatusNotification', { status, requestId });
  rec.expect(`FirmwareStatusNotification ${status} answered`, r !== null, r);
}

async function securityEvent(type, techInfo) {
  const r = await call('SecurityEventNotification', { type, timestamp: L.now(), techInfo: techInfo.slice(0, 255) });
  rec.expect(`SecurityEventNotification ${type} answered`, r !== null, r);
}

async function firmware() {
  const b = await boot('PowerUp');
  rec.expect('BootNotification Accepted', b && b.status === 'Accepted', b);
  const u = await waitFor('UpdateFirmware');
  const fw = u.firmware, id = u.requestId;
  const wantUpdate = opts['expect-update'] || 'Accepted';
  rec.expect(`UpdateFirmware answered ${wantUpdate}`, state.updateAnswer === wantUpdate, state.updateAnswer);
  if (u.certificateError !== null) {
    rec.note('certificateError', u.certificateError);
    await securityEvent('InvalidFirmwareSigningCertificate', u.certificateError);
    return;
  }
  rec.note('updateFirmware', { requestId: id, location: fw.location, customData: u.customData || null,
    signingCertificateChars: (fw.signingCertificate || '').length, signatureChars: (fw.signature || '').length });
  await report(id, 'Downloading');
  let image;
  try {
    image = await fetch(fw.location);
  } catch (e) {
    rec.note('downloadError', e.message);
    await report(id, 'DownloadFailed');
    return;
  }
  rec.note('image', { bytes: image.length, sha256: crypto.createHash('sha256').update(image).digest('hex') });
  await report(id, 'Downloaded');
  const cert = new crypto.X509Certificate(fw.signingCertificate); // checked when UpdateFirmware came
  let sigOk = false;
  try {
    sigOk = crypto.verify('sha256', image, { key: cert.publicKey, dsaEncoding: 'der' }, L.strictBase64(fw.signature));
  } catch (e) {
    rec.note('signatureError', e.message);
  }
  rec.note('classicalSignatureValid', sigOk);
  if (!sigOk) {
    await report(id, 'InvalidSignature');
    await securityEvent('InvalidFirmwareSignature', 'classical ECDSA signature over the image does not verify');
    return;
  }
  await report(id, 'SignatureVerified');
  await report(id, 'Installing');
  await report(id, 'InstallRebooting');
  // The reboot: a new connection and a BootNotification with reason FirmwareUpdate.
  state.expectClose = true;
  await client.close({ code: 1000, reason: 'rebooting' });
  state.expectClose = false;
  await connect();
  const b2 = await boot('FirmwareUpdate');
  rec.expect('BootNotification (FirmwareUpdate) after the reboot Accepted', b2 && b2.status === 'Accepted', b2);
  await report(id, 'Installed');
}

// ------------------------------------------------------------------ roots (M03-M05)

state.roots = [];      // { type, pem, pqcPem }
state.rootCalls = [];  // { action, answer, why }

function rootCall(action, answer, why = '') {
  state.rootCalls.push({ action, answer: answer.status, why });
  return answer;
}

function onInstallCertificate(params) {
  if (scenario !== 'roots') return { status: 'Rejected' };
  let cert;
  try {
    cert = new crypto.X509Certificate(params.certificate);
  } catch (e) {
    return rootCall('InstallCertificate', { status: 'Failed' }, `certificate: ${e.message}`);
  }
  const t = Date.now();
  if (Date.parse(cert.validTo) < t || Date.parse(cert.validFrom) > t)
    return rootCall('InstallCertificate', { status: 'Rejected' }, 'certificate outside its validity');
  const cd = params.customData;
  let pqcPem = null;
  if (cd && cd.vendorId === L.VENDOR_ID && typeof cd.pqcCertificate === 'string') {
    let why = null;
    try {
      const pqc = new crypto.X509Certificate(cd.pqcCertificate);
      if (!pqc.ca) why = 'not a CA certificate';
      else if (!pqc.checkIssued(pqc) || !pqc.verify(pqc.publicKey)) why = 'not self-signed, or its signature does not verify';
      else if (Date.parse(pqc.validTo) < t) why = 'outside its validity';
      rec.note('pqcRootKeyType', pqc.publicKey.asymmetricKeyType);
    } catch (e) {
      why = e.message;
    }
    if (why) {
      setImmediate(() => securityEvent('InvalidCsmsCertificate', `pqcCertificate: ${why}`));
      return rootCall('InstallCertificate', { status: 'Rejected' }, `pqcCertificate: ${why}`);
    }
    pqcPem = cd.pqcCertificate;
  }
  state.roots.push({ type: params.certificateType, pem: params.certificate, pqcPem });
  return rootCall('InstallCertificate', { status: 'Accepted' }, pqcPem ? 'with an ML-DSA twin' : 'classical');
}

function onGetInstalledIds(params) {
  const wanted = params.certificateType || [];
  const chain = state.roots.filter((r) => wanted.length === 0 || wanted.includes(r.type)).map((r) => {
    const entry = { certificateType: r.type, certificateHashData: L.rootHashData(r.pem) };
    if (r.pqcPem) entry.customData = { vendorId: L.VENDOR_ID, pqcCertificateHashData: L.rootHashData(r.pqcPem) };
    return entry;
  });
  if (chain.length === 0) return rootCall('GetInstalledCertificateIds', { status: 'NotFound' });
  return rootCall('GetInstalledCertificateIds', { status: 'Accepted', certificateHashDataChain: chain }, `${chain.length} roots`);
}

function onDeleteCertificate(params) {
  const i = state.roots.findIndex((r) => L.sameHash(L.rootHashData(r.pem), params.certificateHashData));
  if (i < 0) return rootCall('DeleteCertificate', { status: 'NotFound' });
  state.roots.splice(i, 1);
  return rootCall('DeleteCertificate', { status: 'Accepted' });
}

async function roots() {
  if (opts['csms-ca']) state.roots.push({ type: 'CSMSRootCertificate', pem: fs.readFileSync(opts['csms-ca'], 'utf8'), pqcPem: null });
  const b = await boot('PowerUp');
  rec.expect('BootNotification Accepted', b && b.status === 'Accepted', b);
  if (!b || b.status !== 'Accepted') return;
  await waitFor('heartbeatTriggered');
}

// ------------------------------------------------------------------ main

async function finish(why) {
  if (finished) return;
  finished = true;
  rec.note('endedBecause', why);
  rec.note('bootStatuses', state.bootStatuses);
  rec.note('unhandledCalls', state.unhandled);
  if (scenario === 'roots') {
    rec.note('rootCalls', state.rootCalls);
    rec.note('rootsHeld', state.roots.map((r) => ({ type: r.type, pqc: !!r.pqcPem })));
  }
  if (scenario === 'firmware') {
    rec.note('firmwareStatuses', state.reported);
    const dflt = (opts['expect-update'] || 'Accepted') === 'Accepted' ? GOOD_FW : [];
    const want = opts['expect-statuses'] ? opts['expect-statuses'].split(',').map((s) => s.trim()).filter(Boolean) : dflt;
    rec.expect('FirmwareStatusNotification sequence as expected', JSON.stringify(want) === JSON.stringify(state.reported),
      { want, got: state.reported });
  }
  const ok = rec.finish(opts.out);
  state.expectClose = true;
  try { if (client) await client.close({ code: 1000, reason: 'done', awaitPending: false, force: true }); } catch (_) { /* closing anyway */ }
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(ok ? 0 : 1);
}

process.on('SIGTERM', () => finish('SIGTERM'));
process.on('SIGINT', () => finish('SIGINT'));
setTimeout(() => {
  rec.expect('scenario completed before the timeout', false, `${opts.timeout ?? 60} s`);
  finish('timeout');
}, Number(opts.timeout ?? 60) * 1000);

(async () => {
  try {
    await connect();
  } catch (e) {
    if (opts['expect-refused']) rec.expect('connection refused (negative test)', true, `${e.code || ''} ${e.message}`);
    else rec.expect('connected to the CSMS', false, `${e.code || ''} ${e.message}`);
    return finish('cannot connect');
  }
  if (opts['expect-refused']) {
    rec.expect('connection refused (negative test)', false, 'the CSMS accepted the connection');
    return finish('connected although a refusal was expected');
  }
  const run = { classical, pqc, firmware, roots }[scenario];
  try {
    await run();
    rec.expect('scenario ran to its end', true);
  } catch (e) {
    rec.expect('scenario ran to its end', false, e.stack);
  }
  finish('scenario done');
})();
