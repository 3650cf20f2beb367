// The proof of work a booking carries (form field `altcha`): a puzzle from GET /challenge,
// solved in a Web Worker while the citizen fills in the form, so nobody waits for it and
// there is nothing to read, click or solve by hand (BITV). The answer is the ALTCHA
// widget's: base64 of {algorithm, challenge, number, salt, signature}.
//
// prepare() starts solving (again, once the puzzle nears its expiry); solution() waits for
// the solution and hands it out once: each is good for one request.

import { api } from "./api.js";

// A puzzle is fetched anew a minute before it expires (by the server's `expires`, within
// 30 s to 3 min, so a wrong clock on the phone cannot stop or flood the renewals).
const RENEW_BEFORE_MS = 60 * 1000;
const RENEW_SOONEST_MS = 30 * 1000;
const RENEW_LATEST_MS = 3 * 60 * 1000;

let pending = null; // {promise, renewAt}

function solveInWorker(puzzle) {
  return new Promise(function (resolve, reject) {
    let worker;
    try {
      worker = new Worker(new URL("./proof-of-work-worker.js", import.meta.url));
    } catch (unsupported) {
      reject(unsupported);
      return;
    }
    worker.onmessage = function (event) {
      worker.terminate();
      resolve(event.data.number);
    };
    worker.onerror = function (failure) {
      worker.terminate();
      failure.preventDefault();
      reject(new Error("proof-of-work worker failed"));
    };
    worker.postMessage({
      salt: puzzle.salt,
      challenge: puzzle.challenge,
      maxnumber: puzzle.maxnumber,
    });
  });
}

async function solveNew(entry) {
  const puzzle = await api("GET", "/challenge");
  const left = puzzle.expires * 1000 - Date.now() - RENEW_BEFORE_MS;
  entry.renewAt = Date.now() + Math.min(RENEW_LATEST_MS, Math.max(RENEW_SOONEST_MS, left));
  const number = await solveInWorker(puzzle);
  if (number === null || number === undefined) {
    throw new Error("puzzle without a solution");
  }
  return btoa(
    JSON.stringify({
      algorithm: puzzle.algorithm,
      challenge: puzzle.challenge,
      number: number,
      salt: puzzle.salt,
      signature: puzzle.signature,
    })
  );
}

// Start solving in the background, unless a fresh solution is on its way already.
export function prepare() {
  if (pending === null || Date.now() >= pending.renewAt) {
    const entry = { promise: null, renewAt: Date.now() + RENEW_LATEST_MS };
    entry.promise = solveNew(entry);
    // A failure (offline, say) is reported when the solution is asked for, not before.
    entry.promise.catch(function () {});
    pending = entry;
  }
}

// The solution for one request (waits if the worker is still at it); it is handed out
// once, as the server accepts it once. A failed fetch throws the API's error.
export async function solution() {
  prepare();
  const current = pending;
  pending = null;
  return current.promise;
}

// Send a request that pays with the proof of work: `send(altcha)` returns the API's
// promise. A refused solution (expired after a long pause, say) is replaced once by a
// fresh one; any other error is the request's own.
export async function sendWithProofOfWork(send) {
  try {
    return await send(await solution());
  } catch (error) {
    if (error.code !== "challenge_failed") {
      throw error;
    }
    return send(await solution());
  }
}
