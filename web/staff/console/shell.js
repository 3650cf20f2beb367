// The console's frame: who is signed in, the navigation between the views, the status
// line (aria-live) and the error line (role=alert), and the place a view renders into.

import { el } from "./dom.js";
import { today } from "./dates.js";

const SECTIONS = [
  ["tag", "Tagesliste"],
  ["buchen", "Termin für Anrufende"],
  ["schliessen", "Schließungen"],
  ["auswertung", "Auswertung"],
];

export function shell(app, actions) {
  const who = el("p", { class: "st-who" });
  const links = {};
  const nav = el(
    "nav",
    { class: "st-nav", "aria-label": "Bereiche der Terminverwaltung", hidden: true },
    el(
      "ul",
      null,
      SECTIONS.map(function (section) {
        links[section[0]] = el("a", { href: "#/" + section[0] }, section[1]);
        return el("li", null, links[section[0]]);
      })
    )
  );
  const signOut = el(
    "button",
    { type: "button", class: "st-button st-button--quiet", "data-st-sign-out": true, hidden: true },
    "Abmelden"
  );
  signOut.addEventListener("click", actions.signOut);
  // Both live regions exist before anything is said in them, so screen readers notice.
  const status = el("p", { class: "st-status", role: "status", "aria-live": "polite", "data-st-status": true });
  const error = el("div", { class: "st-alert", role: "alert", "data-st-error": true });
  const view = el("div", { class: "st-view", "data-st-view": true });
  app.replaceChildren(
    el("div", { class: "st-bar" }, who, signOut),
    nav,
    status,
    error,
    view
  );
  let home = "";

  return {
    view: view,
    signedIn: function (member) {
      who.textContent = "Angemeldet als " + member.username;
      home = member.locations.length ? member.locations[0].id : "";
      nav.hidden = false;
      signOut.hidden = false;
    },
    signedOut: function () {
      who.textContent = "";
      nav.hidden = true;
      signOut.hidden = true;
      error.replaceChildren();
      status.textContent = "";
    },
    active: function (name) {
      links.tag.setAttribute("href", "#/tag/" + encodeURIComponent(home) + "/" + today());
      Object.keys(links).forEach(function (key) {
        if (key === name) {
          links[key].setAttribute("aria-current", "page");
        } else {
          links[key].removeAttribute("aria-current");
        }
      });
    },
    // A view's content, with its heading focused for screen readers and keyboard users.
    show: function (heading, ...content) {
      view.replaceChildren(heading, ...content.filter(function (part) {
        return part !== null && part !== undefined;
      }));
    },
    focusHeading: function () {
      const heading = view.querySelector("h1");
      if (heading) {
        heading.focus();
      }
    },
    say: function (text) {
      error.replaceChildren();
      // Cleared first, so the same text said twice is announced twice.
      status.textContent = "";
      window.setTimeout(function () {
        status.textContent = text;
      }, 50);
    },
    error: function (text) {
      status.textContent = "";
      error.replaceChildren(el("p", { class: "st-notice st-notice--error" }, text));
    },
    clearMessages: function () {
      status.textContent = "";
      error.replaceChildren();
    },
  };
}

// A view's h1: focusable by script only (tabindex -1), so a new view can take the focus.
export function heading(text) {
  return el("h1", { tabindex: "-1", class: "st-heading" }, text);
}
