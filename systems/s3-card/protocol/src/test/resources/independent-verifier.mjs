// An independent S3 verifier, written from docs/protocol.md only (no Escudo code, no BouncyCastle).
//
// Input (stdin): a JSON array of messages, each either
//   {"type": "card-cert", "bankId", "cardNumber", "kind", "currency", "validFromMillis",
//    "validUntilMillis", "constraints", "bankShare", "userShare", "jointKey",   (keys: 32-byte hex)
//    "bankPublicKey", "signature"}                                             (hex)
//   {"type": "payment-cert", "cardNumber", "serial", "merchantId", "timeMillis", "currency",
//    "minorUnits", "details", "reference", "jointKey", "signature"}            (hex)
// 64-bit integers (millis, serial, minor units) are decimal strings, so no precision is lost.
//
// Output (stdout): one line per message, in order:
//   <type> verifies=<true|false> [jointKeyIsSum=<true|false>] bytes=<hex of the rebuilt signed bytes>
// The signature is checked by node's own crypto.verify (OpenSSL's Ed25519), against a KeyObject
// built from the raw 32-byte key as a JWK.

import crypto from 'node:crypto';

// ---- canonical encoding (docs/protocol.md, "Primitive encodings") ----
class Writer {
  constructor(domainTag) { this.parts = []; this.string(domainTag); }
  u8(v) { if (v < 0 || v > 255) throw new Error('u8 range'); this.parts.push(Buffer.from([v])); return this; }
  u32(v) { const b = Buffer.alloc(4); b.writeUInt32BE(v); this.parts.push(b); return this; }
  i64(v) { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(v)); this.parts.push(b); return this; }
  bytes(buf) { this.u32(buf.length); this.parts.push(Buffer.from(buf)); return this; }
  string(s) { return this.bytes(Buffer.from(new TextEncoder().encode(s))); }
  money(currency, minorUnits) { return this.string(currency).i64(minorUnits); }
  instant(millis) { return this.i64(millis); }
  done() { return Buffer.concat(this.parts); }
}

function hex(h, length) {
  const b = Buffer.from(h, 'hex');
  if (b.length !== length || b.toString('hex') !== h.toLowerCase()) throw new Error('expected ' + length + ' bytes of hex');
  return b;
}

function cardCertBytes(m) {
  return new Writer('escudo/s3/card-cert/v1')
    .string(m.bankId).string(m.cardNumber).string(m.kind).string(m.currency)
    .instant(m.validFromMillis).instant(m.validUntilMillis)
    .string(m.constraints)
    .bytes(hex(m.bankShare, 32)).bytes(hex(m.userShare, 32)).bytes(hex(m.jointKey, 32))
    .done();
}

function paymentCertBytes(m) {
  return new Writer('escudo/s3/payment-cert/v1')
    .string(m.cardNumber).i64(m.serial).string(m.merchantId)
    .instant(m.timeMillis).money(m.currency, m.minorUnits)
    .string(m.details).string(m.reference)
    .done();
}

// ---- Ed25519 with a stock verifier ----
function ed25519Verify(publicKeyHex, message, signatureHex) {
  try {
    const key = crypto.createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: hex(publicKeyHex, 32).toString('base64url') },
      format: 'jwk',
    });
    return crypto.verify(null, message, key, hex(signatureHex, 64));
  } catch (e) {
    return false;
  }
}

// ---- edwards25519 point addition, to check P = P_C + P_U (RFC 8032 §5.1.3 decoding) ----
const P = (1n << 255n) - 19n;
const mod = (a) => ((a % P) + P) % P;
const pow = (b, e) => { let r = 1n; b = mod(b); while (e > 0n) { if (e & 1n) r = r * b % P; b = b * b % P; e >>= 1n; } return r; };
const inv = (a) => pow(a, P - 2n);
const D = mod(-121665n * inv(121666n));
const SQRT_M1 = pow(2n, (P - 1n) / 4n);

function decodePoint(bytes) {
  const le = Buffer.from(bytes).reverse();
  let y = BigInt('0x' + le.toString('hex'));
  const sign = y >> 255n;
  y &= (1n << 255n) - 1n;
  if (y >= P) throw new Error('non-canonical y');
  const u = mod(y * y - 1n), v = mod(D * y * y + 1n);
  let x = mod(u * pow(v, 3n) * pow(u * pow(v, 7n), (P - 5n) / 8n));
  if (mod(v * x * x) !== u) {
    if (mod(v * x * x) === mod(-u)) x = mod(x * SQRT_M1); else throw new Error('not on the curve');
  }
  if (x === 0n && sign === 1n) throw new Error('bad sign');
  if ((x & 1n) !== sign) x = mod(-x);
  return [x, y];
}

function encodePoint([x, y]) {
  const v = y | ((x & 1n) << 255n);
  return Buffer.from(v.toString(16).padStart(64, '0'), 'hex').reverse();
}

function addPoints([x1, y1], [x2, y2]) {
  const t = mod(D * x1 * x2 * y1 * y2);
  return [mod((x1 * y2 + y1 * x2) * inv(1n + t)), mod((y1 * y2 + x1 * x2) * inv(mod(1n - t)))];
}

function jointKeyIsSum(m) {
  try {
    const sum = addPoints(decodePoint(hex(m.bankShare, 32)), decodePoint(hex(m.userShare, 32)));
    return encodePoint(sum).equals(hex(m.jointKey, 32));
  } catch (e) {
    return false;
  }
}

// ---- main ----
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const messages = JSON.parse(Buffer.concat(chunks).toString('utf8'));
for (const m of messages) {
  if (m.type === 'card-cert') {
    const bytes = cardCertBytes(m);
    const sum = jointKeyIsSum(m);
    const ok = ed25519Verify(m.bankPublicKey, bytes, m.signature) && sum;
    console.log(`card-cert verifies=${ok} jointKeyIsSum=${sum} bytes=${bytes.toString('hex')}`);
  } else if (m.type === 'payment-cert') {
    const bytes = paymentCertBytes(m);
    const ok = ed25519Verify(m.jointKey, bytes, m.signature);
    console.log(`payment-cert verifies=${ok} bytes=${bytes.toString('hex')}`);
  } else {
    throw new Error('unknown message type ' + m.type);
  }
}
