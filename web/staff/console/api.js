// The staff API: every request with the member's ID token (refreshed when due, and once
// more after a 401), errors as ApiError with the API's German message and field.

import * as session from "./session.js";

const REQUEST_TIMEOUT_MS = 20000;

export const MESSAGES = {
  network: "Die Verbindung zum Server ist gestört. Bitte versuchen Sie es noch einmal.",
  unexpected: "Es ist ein Fehler aufgetreten. Bitte versuchen Sie es noch einmal.",
};

let apiBase = "";
export function useApi(base) {
  apiBase = base;
}

export class ApiError extends Error {
  constructor(status, error) {
    super(error.message);
    this.status = status;
    this.code = error.code;
    this.field = error.field || null;
  }
}

async function send(method, path, body, accept, token) {
  const init = {
    method: method,
    headers: { Accept: accept },
    credentials: "omit",
    cache: "no-store",
  };
  if (token) {
    init.headers.Authorization = "Bearer " + token;
  }
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const controller = new AbortController();
  init.signal = controller.signal;
  const timer = window.setTimeout(function () {
    controller.abort();
  }, REQUEST_TIMEOUT_MS);
  try {
    const response = await fetch(apiBase + path, init);
    return { response: response, content: await response.blob() };
  } catch (failure) {
    throw new ApiError(0, { code: "network", message: MESSAGES.network });
  } finally {
    window.clearTimeout(timer);
  }
}

function parseJson(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch (notJson) {
    return null;
  }
}

async function request(method, path, body, accept, signedIn) {
  let token = signedIn ? await session.idToken(false) : null;
  let answer = await send(method, path, body, accept, token);
  if (signedIn && answer.response.status === 401) {
    // Expired between the check and the call, or the PC slept: refresh once.
    token = await session.idToken(true);
    answer = await send(method, path, body, accept, token);
    if (answer.response.status === 401) {
      session.end("expired");
    }
  }
  if (answer.response.ok) {
    return answer;
  }
  const data = parseJson(await answer.content.text());
  if (data && data.error && data.error.message) {
    throw new ApiError(answer.response.status, data.error);
  }
  throw new ApiError(answer.response.status, {
    code: "http_" + answer.response.status,
    message: MESSAGES.unexpected,
  });
}

export async function staff(method, path, body) {
  const answer = await request(method, path, body, "application/json", true);
  return parseJson(await answer.content.text());
}

// A file of the staff API, e.g. the evaluation as CSV: {blob, filename}.
export async function file(path, accept) {
  const answer = await request("GET", path, undefined, accept, true);
  const disposition = answer.response.headers.get("Content-Disposition") || "";
  const named = /filename="([^"]+)"/.exec(disposition);
  return { blob: answer.content, filename: named ? named[1] : "download" };
}
