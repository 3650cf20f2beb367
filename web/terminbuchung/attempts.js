// The Idempotency-Key of a write (POST /bookings, a move): one per attempt, the same for
// the page's own retries of that attempt, so a retry after a lost answer (a train in a
// tunnel, a reload) gets the booking made instead of "already booked" or a second one.
// Another request (other entries, another time) is another attempt with a new key. Kept in
// sessionStorage, so a reload keeps it too; it is a random string that says nothing.

const STORAGE_KEY = "terminbuchung-attempt";

function newKey() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID();
  }
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, function (byte) {
    return byte.toString(16).padStart(2, "0");
  }).join("");
}

function stored() {
  try {
    return JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || "null");
  } catch (unavailable) {
    return null;
  }
}

let current = null;

// The key for the request `what` (its method, path and body, without anything that
// changes per try): the current attempt's if it is the same request, else a new one.
export function attemptKey(what) {
  current = current || stored();
  if (!current || current.what !== what) {
    current = { what: what, key: newKey() };
    try {
      window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(current));
    } catch (unavailable) {
      // Without storage the key still holds for the retries in this page.
    }
  }
  return current.key;
}

// The attempt got its answer: the next request is a new attempt.
export function attemptDone() {
  current = null;
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch (unavailable) {
    // nothing kept, nothing to drop
  }
}

export function idempotencyHeader(what) {
  return { "Idempotency-Key": attemptKey(what) };
}
