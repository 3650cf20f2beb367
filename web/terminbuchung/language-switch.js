// The language switch at the top of the widget: a list of plain links (?lang=<code>), each
// language named in itself and marked with its own lang, the current one aria-current. A
// link reloads the page in that language; history.js brings back the step and what was
// typed, and the fragment (the e-mail's #reference=…&token=…) goes along.
//
// Also the texts of the page around the widget that the county marked with data-tb-text
// (index.html: the heading and "Gut zu wissen"), and the browser's language, proposed once.

import { el } from "./dom.js";
import {
  LANGUAGES,
  bookingLanguageToPropose,
  language,
  languageToPropose,
  offerText,
  t,
  tNodes,
} from "./i18n.js";

// The address of the page in `code`: this page with ?lang=, its other parameters and the
// fragment as they are at the moment of the click.
function addressIn(code) {
  const params = new URLSearchParams(window.location.search);
  params.set("lang", code);
  return "?" + params.toString() + window.location.hash;
}

function languageLink(target, attributes, text) {
  const link = el(
    "a",
    Object.assign(
      {
        href: "?lang=" + encodeURIComponent(target.code),
        hreflang: target.code,
        lang: target.code,
        dir: target.dir,
      },
      attributes
    ),
    text || target.name
  );
  // The fragment changes while the page is open (a step, the manage link): read at the click.
  link.addEventListener("click", function () {
    link.setAttribute("href", addressIn(target.code));
  });
  return link;
}

export function languageSwitch() {
  const current = language();
  return el(
    "nav",
    { class: "tb-languages", "aria-label": t("language.switch"), "data-tb-languages": "" },
    el(
      "ul",
      { class: "tb-languages-list" },
      LANGUAGES.map(function (target) {
        return el(
          "li",
          {},
          languageLink(target, { "aria-current": target.code === current.code ? "true" : null })
        );
      })
    )
  );
}

// A booking's own language goes before the browser's (both may be on their way at once).
let bookingProposed = false;

// One polite link in the proposed language, below the switch (one at a time); nothing
// switches without the citizen's click.
async function offer(proposed, forBooking) {
  let text;
  try {
    text = await offerText(proposed);
  } catch (unavailable) {
    return; // a proposal is no loss
  }
  const languages = document.querySelector("[data-tb-languages]");
  if (!languages || (bookingProposed && !forBooking)) {
    return;
  }
  const old = document.querySelector("[data-tb-language-offer]");
  if (old) {
    old.remove();
  }
  languages.after(
    el(
      "p",
      { class: "tb-language-offer", "data-tb-language-offer": "" },
      languageLink(proposed, {}, text)
    )
  );
}

// The browser asks for a language the page has but does not show: offered once in the tab.
export function proposeBrowserLanguage() {
  const proposed = languageToPropose();
  if (proposed) {
    offer(proposed, false);
  }
}

// The e-mail's link opened a booking made in another language than the page shows.
export function proposeBookingLanguage(code) {
  const proposed = bookingLanguageToPropose(code);
  if (proposed) {
    bookingProposed = true;
    offer(proposed, true);
  }
}

// Elements of the page (the widget's own or the county's) with data-tb-text="<key>": their
// text from the catalogue; children marked data-tb-part="<name>" (a link) fill {name}.
export function translatePage(root) {
  root.querySelectorAll("[data-tb-text]").forEach(function (element) {
    const parts = {};
    element.querySelectorAll("[data-tb-part]").forEach(function (part) {
      parts[part.getAttribute("data-tb-part")] = part;
    });
    element.replaceChildren(...tNodes(element.getAttribute("data-tb-text"), parts));
  });
  // The reference page (<body data-tb-page>) is about the booking only: the document speaks
  // the widget's language (its header and footer say lang="de" themselves).
  if (document.body && document.body.hasAttribute("data-tb-page")) {
    document.documentElement.setAttribute("lang", language().code);
    document.documentElement.setAttribute("dir", language().dir);
  }
}
