// Solves one proof-of-work puzzle (ALTCHA, SHA-256) off the page's main thread, so the
// page stays responsive while the citizen types. A classic worker (no import): it runs in
// every browser that has Web Workers.
//
// In:  {salt, challenge, maxnumber}  (GET /challenge's answer)
// Out: {number}  or  {number: null} when no number up to maxnumber fits.
//
// SHA-256 is written out here instead of crypto.subtle.digest: one awaited digest per
// attempt costs far more than the hash itself, and the salt with a number fits one or two
// 64-byte blocks, so a plain loop is several times faster on a slow phone.
"use strict";

var K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
var INITIAL = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];
var W = new Uint32Array(64);
var H = new Uint32Array(8);

function rotr(x, n) {
  return (x >>> n) | (x << (32 - n));
}

// SHA-256 of message[0..length) into H; `message` has room for the padding.
function sha256(message, length) {
  var blocks = (length + 9 + 63) >> 6;
  var total = blocks << 6;
  message[length] = 0x80;
  for (var z = length + 1; z < total - 4; z++) {
    message[z] = 0;
  }
  var bits = length * 8;
  message[total - 4] = bits >>> 24;
  message[total - 3] = (bits >>> 16) & 0xff;
  message[total - 2] = (bits >>> 8) & 0xff;
  message[total - 1] = bits & 0xff;
  for (var s = 0; s < 8; s++) {
    H[s] = INITIAL[s];
  }
  for (var offset = 0; offset < total; offset += 64) {
    for (var t = 0; t < 16; t++) {
      var i = offset + t * 4;
      W[t] = (message[i] << 24) | (message[i + 1] << 16) | (message[i + 2] << 8) | message[i + 3];
    }
    for (t = 16; t < 64; t++) {
      var w15 = W[t - 15];
      var w2 = W[t - 2];
      var s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
      var s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
      W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
    }
    var a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
    for (t = 0; t < 64; t++) {
      var S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      var ch = (e & f) ^ (~e & g);
      var temp1 = (h + S1 + ch + K[t] + W[t]) | 0;
      var S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      var maj = (a & b) ^ (a & c) ^ (b & c);
      var temp2 = (S0 + maj) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + temp1) | 0;
      d = c;
      c = b;
      b = a;
      a = (temp1 + temp2) | 0;
    }
    H[0] = (H[0] + a) | 0;
    H[1] = (H[1] + b) | 0;
    H[2] = (H[2] + c) | 0;
    H[3] = (H[3] + d) | 0;
    H[4] = (H[4] + e) | 0;
    H[5] = (H[5] + f) | 0;
    H[6] = (H[6] + g) | 0;
    H[7] = (H[7] + h) | 0;
  }
}

function solve(salt, challenge, maxnumber) {
  var target = new Uint32Array(8);
  for (var k = 0; k < 8; k++) {
    target[k] = parseInt(challenge.substr(k * 8, 8), 16);
  }
  var prefix = new TextEncoder().encode(salt);
  var message = new Uint8Array(prefix.length + 16 + 72);
  message.set(prefix);
  for (var number = 0; number <= maxnumber; number++) {
    var digits = String(number);
    var length = prefix.length;
    for (var j = 0; j < digits.length; j++) {
      message[length++] = digits.charCodeAt(j);
    }
    sha256(message, length);
    if (H[0] === target[0] && H[1] === target[1] && H[2] === target[2] && H[3] === target[3] &&
        H[4] === target[4] && H[5] === target[5] && H[6] === target[6] && H[7] === target[7]) {
      return number;
    }
  }
  return null;
}

if (typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope) {
  self.onmessage = function (event) {
    var puzzle = event.data;
    self.postMessage({ number: solve(puzzle.salt, puzzle.challenge, puzzle.maxnumber) });
  };
} else if (typeof module !== "undefined") {
  module.exports = { solve: solve }; // for a check in Node, never on the page
} else if (typeof window !== "undefined") {
  // Loaded as a plain script (never by the page): make benchmark-fairness times the
  // solver on a CPU-throttled main thread, as Chromium's throttling skips workers.
  window.terminbuchungSolve = solve;
}
