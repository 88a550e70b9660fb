// The Node 24 (OpenSSL 3.5) side of tests/provider/node24_interop.sh: an independent TLS 1.3 peer.
//
//   node_peer.mjs client PORT GROUP CA
//       One connection to 127.0.0.1:PORT (server name localhost, trusting CA) offering only GROUP
//       ("default": Node's own list); sends a line and expects it back reversed (s_server -rev).
//   node_peer.mjs server GROUP CERT KEY
//       Listens on 127.0.0.1 (prints "PORT n"), serves one connection: each line back reversed.
//       OpenSSL's TLS trace goes to stderr (enableTrace), where the script reads the group.
//   node_peer.mjs certs DIR
//       ML-DSA certificates from DIR (made with the pqcea provider) between a Node server and a
//       Node client: X509Certificate.verify, TLS 1.3 server authentication and mutual
//       authentication for ML-DSA-44/65/87, each with its negative twins (wrong trust anchor,
//       one flipped signature bit). Prints one "CERT|ALG|ROLE|PASS or FAIL|detail" line per case.
//
// client and server print one JSON line with what they saw; the shell script judges it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';

const TIMEOUT_MS = 15000;
const reverse = (s) => [...s].reverse().join('');
const read = (file) => fs.readFileSync(file);
const groupOption = (group) => (group === 'default' ? {} : { ecdhCurve: group });

// One TLS connection: sends LINE, resolves with what the client saw once the reversed line is
// back (or the connection failed).
function connect(options, line) {
  return new Promise((resolve) => {
    const out = { ok: false };
    let data = '';
    const sock = tls.connect({ host: '127.0.0.1', servername: 'localhost', minVersion: 'TLSv1.3', ...options }, () => {
      out.protocol = sock.getProtocol();
      out.group = sock.getEphemeralKeyInfo()?.name ?? null;
      out.authorized = sock.authorized;
      out.serverKeyType = sock.getPeerX509Certificate()?.publicKey.asymmetricKeyType ?? null;
      sock.write(line + '\n');
    });
    const done = () => {
      clearTimeout(timer);
      sock.destroy();
      resolve(out);
    };
    const timer = setTimeout(() => {
      out.error = 'timeout';
      done();
    }, TIMEOUT_MS);
    sock.setEncoding('utf8');
    sock.on('data', (d) => {
      data += d;
      if (data.includes(reverse(line))) {
        out.ok = true;
        done();
      }
    });
    sock.on('error', (e) => {
      out.error = e.code || e.message;
      done();
    });
    sock.on('close', () => {
      if (!out.ok && !out.error) out.error = 'closed before the reversed line';
      done();
    });
  });
}

// A server that reverses each line; resolves with { server, port, result } where result is a
// promise of what the server saw on its first connection (or its first failed handshake).
function serve(options) {
  return new Promise((resolve) => {
    let settle;
    const result = new Promise((r) => (settle = r));
    const server = tls.createServer({ minVersion: 'TLSv1.3', ...options }, (sock) => {
      const seen = {
        ok: true,
        protocol: sock.getProtocol(),
        authorized: sock.authorized,
        authorizationError: sock.authorizationError ?? null,
        clientKeyType: sock.getPeerX509Certificate()?.publicKey.asymmetricKeyType ?? null,
      };
      sock.setEncoding('utf8');
      let buf = '';
      sock.on('data', (d) => {
        buf += d;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          sock.write(reverse(buf.slice(0, nl)) + '\n');
          buf = buf.slice(nl + 1);
        }
      });
      sock.on('error', () => {});
      settle(seen);
    });
    server.on('tlsClientError', (e) => settle({ ok: false, error: e.code || e.message }));
    server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port, result }));
  });
}

async function runClient([port, group, ca]) {
  const out = await connect({ port: Number(port), ca: read(ca), ...groupOption(group) }, 'pqcea-node-check');
  console.log(JSON.stringify(out));
  return out.ok;
}

async function runServer([group, cert, key]) {
  const { server, port, result } = await serve({ cert: read(cert), key: read(key), enableTrace: true, ...groupOption(group) });
  console.log(`PORT ${port}`);
  const timer = setTimeout(() => {
    console.log(JSON.stringify({ ok: false, error: 'no connection' }));
    process.exit(1);
  }, TIMEOUT_MS);
  const seen = await result;
  // Let the client read its reversed line before the listener goes away.
  await new Promise((r) => setTimeout(r, 200));
  clearTimeout(timer);
  console.log(JSON.stringify(seen));
  server.close();
  server.unref();
  return seen.ok;
}

// One TLS connection between two Node peers: what the client and the server saw.
async function tlsCase(serverOptions, clientOptions) {
  const { server, port, result } = await serve(serverOptions);
  const client = await connect({ port, ...clientOptions }, 'pqcea-node-cert');
  const seen = await Promise.race([result, new Promise((r) => setTimeout(() => r({ ok: false, error: 'no result' }), 2000))]);
  server.close();
  return { client, seen };
}

async function runCerts([dir]) {
  const f = (name) => read(path.join(dir, name));
  let failures = 0;
  const row = (alg, role, pass, detail) => {
    if (!pass) failures += 1;
    console.log(`CERT|${alg}|${role}|${pass ? 'PASS' : 'FAIL'}|${detail}`);
  };
  const root = new crypto.X509Certificate(f('root.crt'));
  for (const bits of ['44', '65', '87']) {
    const alg = `ML-DSA-${bits}`;
    const keyType = `ml-dsa-${bits}`;
    const srv = { cert: f(`srv${bits}.crt`), key: f(`srv${bits}.key`) };
    const cli = { cert: f(`cli${bits}.crt`), key: f(`cli${bits}.key`) };
    const badSrv = { cert: f(`srv${bits}-flipped.crt`), key: f(`srv${bits}.key`) };
    const badCli = { cert: f(`cli${bits}-flipped.crt`), key: f(`cli${bits}.key`) };

    const leaf = new crypto.X509Certificate(srv.cert);
    const flipped = new crypto.X509Certificate(badSrv.cert);
    row(alg, 'X509Certificate.verify (leaf by root)', leaf.checkIssued(root) && leaf.verify(root.publicKey) &&
      !flipped.verify(root.publicKey) && leaf.publicKey.asymmetricKeyType === keyType,
      `leaf ${leaf.publicKey.asymmetricKeyType} verifies, flipped-bit leaf does not`);

    // Server authentication: the Node client trusts our root only.
    let r = await tlsCase(srv, { ca: f('root.crt') });
    row(alg, 'server auth', r.client.ok && r.client.authorized && r.client.serverKeyType === keyType && r.client.protocol === 'TLSv1.3',
      `client: ${r.client.protocol} ${r.client.group}, server key ${r.client.serverKeyType}, authorized=${r.client.authorized}${r.client.error ? ' error=' + r.client.error : ''}`);
    r = await tlsCase(srv, { ca: f('other-root.crt') });
    row(alg, 'server auth, wrong trust anchor', !r.client.ok && r.client.error === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      `client refused: ${r.client.error}`);
    r = await tlsCase(badSrv, { ca: f('root.crt') });
    row(alg, 'server auth, flipped signature bit', !r.client.ok && r.client.error === 'CERT_SIGNATURE_FAILURE',
      `client refused: ${r.client.error}`);

    // Mutual authentication: the server also requires a client certificate from our root.
    const mutual = (trust, reject = true) => ({ ...srv, requestCert: true, rejectUnauthorized: reject, ca: f(trust) });
    r = await tlsCase(mutual('root.crt'), { ca: f('root.crt'), ...cli });
    row(alg, 'mutual auth', r.client.ok && r.client.authorized && r.seen.ok && r.seen.authorized && r.seen.clientKeyType === keyType,
      `server: client key ${r.seen.clientKeyType}, authorized=${r.seen.authorized}; client authorized=${r.client.authorized}${r.seen.error ? ' error=' + r.seen.error : ''}`);
    // Node judges a client certificate after the TLS 1.3 handshake and then drops the connection
    // (rejectUnauthorized), so each negative twin runs twice: refused (the client never gets its
    // data back, the server never serves it), and with rejectUnauthorized off to read the verdict.
    for (const [what, trust, client, code] of [
      // The Node client sends its chain up to our root (built from its ca), hence this code.
      ['wrong trust anchor', 'other-root.crt', cli, 'SELF_SIGNED_CERT_IN_CHAIN'],
      ['flipped signature bit', 'root.crt', badCli, 'CERT_SIGNATURE_FAILURE'],
    ]) {
      const refused = await tlsCase(mutual(trust), { ca: f('root.crt'), ...client });
      const verdict = await tlsCase(mutual(trust, false), { ca: f('root.crt'), ...client });
      row(alg, `mutual auth, ${what}`, !refused.client.ok && !refused.seen.ok && verdict.seen.ok &&
        verdict.seen.authorized === false && verdict.seen.authorizationError === code,
        `server refused (client: ${refused.client.error}); server's verdict: ${verdict.seen.authorizationError}`);
    }
  }
  return failures === 0;
}

const [mode, ...args] = process.argv.slice(2);
const modes = { client: runClient, server: runServer, certs: runCerts };
if (!modes[mode]) {
  console.error('usage: node_peer.mjs client|server|certs ...');
  process.exit(2);
}
process.exitCode = (await modes[mode](args)) ? 0 : 1;
