// The signed-in member's tokens: in sessionStorage only (gone with the tab, never in
// localStorage, never in a cookie), refreshed before they expire, and dropped after the
// configured idle time or on sign-out.

import * as cognito from "./cognito.js";

const KEY = "terminbuchung.staff.session";
const ACTIVITY_KEY = "terminbuchung.staff.activity";
// Refresh this long before the ID token expires.
const REFRESH_MARGIN_MS = 2 * 60 * 1000;
const IDLE_CHECK_MS = 15 * 1000;

let config = null;
let onSignedOut = function () {};
let idleTimer = null;
let refreshing = null;

export function useSession(settings, signedOut) {
  config = settings;
  onSignedOut = signedOut;
  ["keydown", "pointerdown", "wheel", "touchstart"].forEach(function (kind) {
    document.addEventListener(kind, touch, { capture: true, passive: true });
  });
}

function read() {
  try {
    return JSON.parse(window.sessionStorage.getItem(KEY) || "null");
  } catch (broken) {
    return null;
  }
}

function write(session) {
  window.sessionStorage.setItem(KEY, JSON.stringify(session));
}

// Expiry from ExpiresIn, counted on this PC's clock from now: no dependence on the PC's
// clock agreeing with Cognito's.
function stored(tokens, refreshToken) {
  return {
    idToken: tokens.IdToken,
    accessToken: tokens.AccessToken,
    refreshToken: tokens.RefreshToken || refreshToken,
    expiresAt: Date.now() + Number(tokens.ExpiresIn || 3600) * 1000,
  };
}

export function start(tokens) {
  write(stored(tokens, null));
  touch();
  watchIdle();
}

export function isSignedIn() {
  return read() !== null && !idleTooLong();
}

// Resume a session of this tab (after a reload), unless it sat idle for too long.
export function resume() {
  if (read() === null) {
    return false;
  }
  if (idleTooLong()) {
    end("idle");
    return false;
  }
  watchIdle();
  return true;
}

function touch() {
  if (read() !== null) {
    window.sessionStorage.setItem(ACTIVITY_KEY, String(Date.now()));
  }
}

function idleTooLong() {
  const last = Number(window.sessionStorage.getItem(ACTIVITY_KEY) || 0);
  return Date.now() - last >= config.idleMinutes * 60 * 1000;
}

function watchIdle() {
  window.clearInterval(idleTimer);
  idleTimer = window.setInterval(function () {
    if (read() !== null && idleTooLong()) {
      end("idle");
    }
  }, IDLE_CHECK_MS);
}

// The ID token to send, refreshed first if it is about to expire.
export async function idToken(forceRefresh) {
  const session = read();
  if (session === null) {
    throw new cognito.SignInError("signed_out", "Bitte melden Sie sich an.");
  }
  if (!forceRefresh && session.expiresAt - Date.now() > REFRESH_MARGIN_MS) {
    return session.idToken;
  }
  if (refreshing === null) {
    refreshing = cognito
      .refresh(config, session.refreshToken)
      .then(function (tokens) {
        write(stored(tokens, session.refreshToken));
        return tokens.IdToken;
      })
      .catch(function (failure) {
        end("expired");
        throw failure;
      })
      .finally(function () {
        refreshing = null;
      });
  }
  return refreshing;
}

export function username() {
  const session = read();
  if (!session) {
    return "";
  }
  try {
    const payload = session.idToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(decodeURIComponent(escape(window.atob(payload))));
    return claims["cognito:username"] || claims.username || "";
  } catch (unreadable) {
    return "";
  }
}

// Sign out: why is "user", "idle" or "expired".
export async function end(why) {
  const session = read();
  window.sessionStorage.removeItem(KEY);
  window.sessionStorage.removeItem(ACTIVITY_KEY);
  window.clearInterval(idleTimer);
  if (session && why === "user") {
    try {
      await cognito.signOutEverywhere(config, session.accessToken);
    } catch (ignored) {
      // Signed out here in any case; the tokens expire on their own.
    }
  }
  onSignedOut(why);
}
