// Falcon-1024 interoperability with an independent implementation: the npm package
// falcon-crypto 1.0.6 (PQClean's Falcon-1024 "clean" code compiled to JavaScript). Its detached
// signatures carry a 2-byte little-endian length in front of the PQClean signature
// (0x3A || nonce || compressed s2) inside a fixed 1332-byte buffer; keys are the round-3 encodings.
//
//   node falcon_crypto_vectors.mjs keygen PK SK          key pair from falcon-crypto
//   node falcon_crypto_vectors.mjs sign SK MSG SIG       detached signature (PQClean layout)
//   node falcon_crypto_vectors.mjs verify PK MSG SIG     exit 0 if falcon-crypto accepts, else 1
// NODE_PATH must lead to the folder holding falcon-crypto (see falcon_crypto_crosscheck.sh).
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const { falcon } = require('falcon-crypto');
const [mode, a, b, c] = process.argv.slice(2);
const WRAPPED = 1332;  // falconjs_signature_bytes(): CRYPTO_BYTES + 2

if (mode === 'keygen') {
  const kp = await falcon.keyPair();
  writeFileSync(a, kp.publicKey);
  writeFileSync(b, kp.privateKey);
} else if (mode === 'sign') {
  const wrapped = await falcon.signDetached(readFileSync(b), readFileSync(a));
  const len = wrapped[0] | (wrapped[1] << 8);
  writeFileSync(c, wrapped.subarray(2, 2 + len));
} else if (mode === 'verify') {
  const sig = readFileSync(c);
  if (sig.length + 2 > WRAPPED) process.exit(1);
  const wrapped = new Uint8Array(WRAPPED);
  wrapped[0] = sig.length & 0xff;
  wrapped[1] = sig.length >> 8;
  wrapped.set(sig, 2);
  let ok = false;
  try {
    ok = await falcon.verifyDetached(wrapped, readFileSync(b), readFileSync(a));
  } catch (e) {
    ok = false;
  }
  process.exit(ok ? 0 : 1);
} else {
  console.error('usage: keygen PK SK | sign SK MSG SIG | verify PK MSG SIG');
  process.exit(2);
}
