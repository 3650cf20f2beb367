// Cognito's Secure Remote Password sign-in (USER_SRP_AUTH), as Cognito defines it and AWS's
// own browser library computes it: the password never leaves the browser, only a proof
// that we know it. BigInt for the numbers, crypto.subtle for SHA-256 and HMAC; no library.
//
//   A = g^a mod N                                  (InitiateAuth: SRP_A)
//   u = H(pad(A) || pad(B)),  k = H(pad(N) || pad(g))
//   x = H(pad(salt) || H(poolName || userId || ":" || password))
//   S = (B - k * g^x)^(a + u * x) mod N
//   key = HKDF(ikm = pad(S), salt = pad(u), info = "Caldera Derived Key", 16 bytes)
//   signature = HMAC(key, poolName || userIdForSrp || secretBlock || timestamp)
//
// pad(n) is n in hex with an even number of digits and a leading "00" when the first digit
// is 8 or above (the number stays positive as a two's complement byte string). Checked
// against pycognito's AWSSRP by tests/e2e/test_staff_srp.py (known answers).

const N_HEX =
  "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1" +
  "29024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
  "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245" +
  "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
  "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D" +
  "C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
  "83655D23DCA3AD961C62F356208552BB9ED529077096966D" +
  "670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
  "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9" +
  "DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
  "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64" +
  "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
  "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B" +
  "F12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
  "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31" +
  "43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";
const N = BigInt("0x" + N_HEX);
const G = 2n;
const INFO = "Caldera Derived Key";
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const encoder = new TextEncoder();

export function padHex(value) {
  let hex = typeof value === "bigint" ? value.toString(16) : String(value);
  if (hex.length % 2 === 1) {
    hex = "0" + hex;
  } else if ("89abcdefABCDEF".includes(hex[0])) {
    hex = "00" + hex;
  }
  return hex;
}

function fromHex(hex) {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) {
    bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
  }
  return bytes;
}

function toHex(bytes) {
  return Array.from(new Uint8Array(bytes), function (b) {
    return b.toString(16).padStart(2, "0");
  }).join("");
}

function concat(...parts) {
  const all = new Uint8Array(parts.reduce(function (sum, part) { return sum + part.length; }, 0));
  let at = 0;
  parts.forEach(function (part) {
    all.set(part, at);
    at += part.length;
  });
  return all;
}

function modPow(base, exponent, modulus) {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) {
      result = (result * b) % modulus;
    }
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

async function hmac(keyBytes, message) {
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, message));
}

// H over the bytes of a hex string, as a number.
async function hashHex(hex) {
  return BigInt("0x" + toHex(await sha256(fromHex(hex))));
}

// Standard base64; the URL-safe alphabet is read too (moto's stand-in for the secret block
// is a UUID, which only decodes that way).
function fromBase64(text) {
  const plain = String(text).replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(plain + "===".slice((plain.length + 3) % 4));
  return Uint8Array.from(binary, function (c) { return c.charCodeAt(0); });
}

function toBase64(bytes) {
  return btoa(String.fromCharCode(...bytes));
}

// "Tue Dec 1 10:10:00 UTC 2026": Cognito's format, the day of the month not zero-padded.
export function cognitoTimestamp(date) {
  const two = function (n) { return String(n).padStart(2, "0"); };
  return DAYS[date.getUTCDay()] + " " + MONTHS[date.getUTCMonth()] + " " + date.getUTCDate() + " " +
    two(date.getUTCHours()) + ":" + two(date.getUTCMinutes()) + ":" + two(date.getUTCSeconds()) + " UTC " + date.getUTCFullYear();
}

// The client's secret a (128 random bytes mod N, as AWS's library) and its public A, hex.
// `fixedA` (hex) is for the known-answer tests only.
export function start(fixedA) {
  let a;
  if (fixedA) {
    a = BigInt("0x" + fixedA);
  } else {
    do {
      a = BigInt("0x" + toHex(crypto.getRandomValues(new Uint8Array(128)))) % N;
    } while (a === 0n);
  }
  const A = modPow(G, a, N);
  return { a: a, srpA: A.toString(16) };
}

// The answer to PASSWORD_VERIFIER: {PASSWORD_CLAIM_SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE,
// TIMESTAMP}. `poolId` is "eu-central-1_AbCdEf" (the pool's name is the part after "_").
export async function passwordClaim(options) {
  const poolName = options.poolId.split("_")[1];
  const a = options.a;
  const A = modPow(G, a, N);
  const B = BigInt("0x" + options.srpB);
  if (B % N === 0n) {
    throw new Error("SRP: B is 0 mod N");
  }
  const k = await hashHex(padHex(N) + padHex(G));
  const u = await hashHex(padHex(A) + padHex(B));
  if (u === 0n) {
    throw new Error("SRP: u is 0");
  }
  const identity = toHex(await sha256(encoder.encode(poolName + options.userIdForSrp + ":" + options.password)));
  const x = await hashHex(padHex(BigInt("0x" + options.salt)) + identity);
  const S = modPow(B - k * modPow(G, x, N), a + u * x, N);
  const prk = await hmac(fromHex(padHex(u)), fromHex(padHex(S)));
  const key = (await hmac(prk, concat(encoder.encode(INFO), new Uint8Array([1])))).slice(0, 16);
  const timestamp = options.timestamp || cognitoTimestamp(new Date());
  const signature = await hmac(key, concat(encoder.encode(poolName), encoder.encode(options.userIdForSrp),
    fromBase64(options.secretBlock), encoder.encode(timestamp)));
  return {
    PASSWORD_CLAIM_SECRET_BLOCK: options.secretBlock,
    PASSWORD_CLAIM_SIGNATURE: toBase64(signature),
    TIMESTAMP: timestamp,
  };
}
