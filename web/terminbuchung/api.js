// The client of the public API: one request function with a timeout, the API's errors as
// ApiError with their message (in the page's language: every request says it in
// Accept-Language), JSON answers and files (the calendar file).

import { language, t } from "./i18n.js";

const REQUEST_TIMEOUT_MS = 20000;

// The data-api-base of the widget's element, without a trailing "/"; empty: the page's origin.
let apiBase = "";
export function useApi(base) {
  apiBase = base;
}

class ApiError extends Error {
  constructor(status, error) {
    super(error.message);
    this.status = status;
    this.code = error.code;
    this.field = error.field || null;
    this.requestId = error.request_id || null;
    // A failure of ours: 8 characters to read out on the phone (also in the API's log).
    this.errorNumber = error.error_number || null;
  }
}

// The answer's body as a Blob if it is a success; else the API's error, or one of ours.
async function request(method, path, body, headers, accept) {
  const init = {
    method: method,
    // Accept-Language is a header a browser may send across origins without asking first.
    headers: Object.assign({ Accept: accept, "Accept-Language": language().code }, headers || {}),
    credentials: "omit",
    cache: "no-store",
  };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const controller = typeof AbortController === "function" ? new AbortController() : null;
  let timer = null;
  if (controller) {
    init.signal = controller.signal;
    timer = window.setTimeout(function () {
      controller.abort();
    }, REQUEST_TIMEOUT_MS);
  }
  let response;
  let content;
  try {
    response = await fetch(apiBase + path, init);
    content = await response.blob();
  } catch (failure) {
    throw new ApiError(0, { code: "network", message: t("api.network"), field: null });
  } finally {
    window.clearTimeout(timer);
  }
  if (response.ok) {
    return content;
  }
  const data = parseJson(await content.text());
  if (data && data.error && data.error.message) {
    throw new ApiError(response.status, data.error);
  }
  throw new ApiError(response.status, {
    code: "http_" + response.status,
    message: t("api.unexpected"),
    field: null,
  });
}

function parseJson(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch (notJson) {
    return null;
  }
}

export async function api(method, path, body, headers) {
  const content = await request(method, path, body, headers, "application/json");
  return parseJson(await content.text());
}

// A file the API answers (GET), e.g. the calendar file, as a Blob of its content type.
export function download(path, headers, accept) {
  return request("GET", path, undefined, headers, accept);
}

export function apiUrl(path) {
  return new URL(apiBase + path, window.location.href).href;
}
