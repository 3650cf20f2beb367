// The page's languages: which ones there are, which one the citizen chose (remembered for
// the session), its catalogue of texts (messages/<code>.json, German the source), t() to
// read a text (dates and times in it: dates.js).
//
// A language is chosen only by the citizen: the switch's links (?lang=<code>), kept in
// sessionStorage for the tab. The browser's language is at most proposed, once.

import { el } from "./dom.js";

// The one list of languages. `formats`: the language Intl formats dates in (Leichte
// Sprache is German; the English of Europe writes 24-hour times).
export const LANGUAGES = [
  { code: "de", name: "Deutsch", dir: "ltr", formats: "de-DE" },
  { code: "de-x-ls", name: "Leichte Sprache", dir: "ltr", formats: "de-DE" },
  { code: "en", name: "English", dir: "ltr", formats: "en-GB" },
  { code: "uk", name: "Українська", dir: "ltr", formats: "uk-UA" },
  { code: "ar", name: "العربية", dir: "rtl", formats: "ar" },
];

export const SOURCE_LANGUAGE = "de";
const STORAGE_KEY = "terminbuchung-language";
const OFFERED_KEY = "terminbuchung-language-offered";

let current = LANGUAGES[0];
let texts = {};

export function language() {
  return current;
}

function find(code) {
  return (
    LANGUAGES.find(function (candidate) {
      return candidate.code === String(code || "").toLowerCase();
    }) || null
  );
}

function session() {
  try {
    return window.sessionStorage;
  } catch (blocked) {
    return null; // storage switched off: the choice lasts as long as ?lang= is in the address
  }
}

function remember(key, value) {
  const store = session();
  if (!store) {
    return;
  }
  try {
    store.setItem(key, value);
  } catch (full) {
    // privacy mode or quota: the address still carries ?lang=
  }
}

// The citizen's choice: ?lang= of the address (a link of the switch), else the one this tab
// chose before, else German. Never the browser's language on its own.
export function chosenLanguage() {
  const asked = find(new URLSearchParams(window.location.search).get("lang"));
  if (asked) {
    remember(STORAGE_KEY, asked.code);
    return asked;
  }
  const store = session();
  return find(store && store.getItem(STORAGE_KEY)) || LANGUAGES[0];
}

// A language's catalogue, next to this module: connect-src of the page's policy must allow
// the origin the modules come from (web/README.md).
async function fetchCatalogue(code) {
  const response = await fetch(new URL("./messages/" + code + ".json", import.meta.url), {
    credentials: "omit",
  });
  if (!response.ok) {
    throw new Error("catalogue " + code + ": HTTP " + response.status);
  }
  return response.json();
}

// Loads the language's texts; if its catalogue cannot be had, German (whose failure is the
// page's: the entry module says so in German).
export async function useLanguage(chosen) {
  try {
    texts = await fetchCatalogue(chosen.code);
    current = chosen;
  } catch (failure) {
    if (chosen.code === SOURCE_LANGUAGE) {
      throw failure;
    }
    texts = await fetchCatalogue(SOURCE_LANGUAGE);
    current = LANGUAGES[0];
  }
}

// A mistake in the code (a key or a value the catalogue lacks) stops the page where it is
// developed and tested; on the county's server the citizen sees the key rather than nothing.
function developing() {
  return ["localhost", "127.0.0.1", "[::1]"].includes(window.location.hostname);
}

function mistake(text) {
  if (developing()) {
    throw new Error(text);
  }
  console.error(text);
}

// The text `key` with its {placeholders} filled from `values`.
export function t(key, values) {
  const text = texts[key];
  if (typeof text !== "string" || key.startsWith("@")) {
    mistake("no text " + key + " in the catalogue " + current.code);
    return key;
  }
  return text.replace(/\{([A-Za-z0-9_]+)\}/g, function (whole, name) {
    if (!values || values[name] === undefined || values[name] === null) {
      mistake("no value for {" + name + "} in " + key);
      return whole;
    }
    return String(values[name]);
  });
}

// A text with parts that are elements (a link, a bold word): {name} takes the node in
// `values`, **…** becomes <strong>. For the hints of the reference page and the like.
export function tNodes(key, values) {
  // Each {name} first becomes a marker no text contains, then the node itself.
  const markers = Object.fromEntries(
    Object.keys(values || {}).map(function (name) {
      return [name, "\u0000" + name + "\u0000"];
    })
  );
  return t(key, markers)
    .split("**")
    .flatMap(function (part, index) {
      const pieces = part
        .split("\u0000")
        .map(function (piece, at) {
          return at % 2 === 1 ? values[piece] : piece;
        })
        .filter(function (piece) {
          return piece !== "";
        });
      return index % 2 === 1 ? [el("strong", {}, ...pieces)] : pieces;
    });
}

// A text of the site's configuration (a service centre's name and address, a service, what
// to bring, phone hours): written in German only, and marked so, left to right, on a page
// in another language (screen readers then read it as German).
export function siteText(text) {
  const german = current.code.split("-")[0] === SOURCE_LANGUAGE;
  if (german || text === null || text === undefined || text === "") {
    return text;
  }
  return el("span", { lang: "de", dir: "ltr" }, text);
}

// Phone numbers, e-mail addresses and booking numbers: left to right in every language, or
// right to left "03301 601-5500" would show its groups in reverse.
export function ltr(tag, attributes, text) {
  return el(tag, Object.assign({ dir: "ltr" }, attributes), text);
}

// One of two texts by a number: key + ".one" for 1 (no number in it), else key + ".other"
// with {count}. Enough for what the page counts (times, days); a language with more forms
// writes its ".other" as "label: {count}".
export function tCount(key, count) {
  return count === 1 ? t(key + ".one") : t(key + ".other", { count: count });
}

// --- the browser's language, proposed once a session ---

// The language of the browser's list the page has, if it is not the one shown and nothing
// was chosen or proposed in this tab yet; Leichte Sprache is never a browser's setting.
export function languageToPropose() {
  const store = session();
  if (!store || store.getItem(STORAGE_KEY) || store.getItem(OFFERED_KEY)) {
    return null;
  }
  remember(OFFERED_KEY, "1");
  const wanted = (navigator.languages || [navigator.language || ""])
    .map(function (tag) {
      return find(String(tag).split("-")[0]);
    })
    .find(Boolean);
  return wanted && wanted.code !== current.code ? wanted : null;
}

// The language a booking was made in (GET /bookings' `language`), when the e-mail's link
// opens it in a tab that has chosen none: offered like the browser's, never switched to.
export function bookingLanguageToPropose(code) {
  const store = session();
  const wanted = find(code);
  if (!wanted || wanted.code === current.code || (store && store.getItem(STORAGE_KEY))) {
    return null;
  }
  return wanted;
}

// The proposal's text in the proposed language itself (its own catalogue's language.offer).
export async function offerText(proposed) {
  const catalogue = await fetchCatalogue(proposed.code);
  return catalogue["language.offer"] || proposed.name;
}
