// The staff console's entry module: configuration, sign-in, and the views by address
// (#/tag/<location>/<day>, #/buchen, #/schliessen, #/auswertung).

import { loadConfig } from "./console/config.js";
import { useApi, staff } from "./console/api.js";
import * as session from "./console/session.js";
import { el } from "./console/dom.js";
import { today, isDay } from "./console/dates.js";
import { shell } from "./console/shell.js";
import { signInView } from "./console/signin.js";
import { dayView } from "./console/day.js";
import { callerView } from "./console/caller.js";
import { closuresView } from "./console/closures.js";
import { evaluationView } from "./console/evaluation.js";

const SIGNED_OUT = {
  user: "Sie haben sich abgemeldet.",
  idle: "Sie wurden wegen Inaktivität abgemeldet. Bitte melden Sie sich neu an.",
  expired: "Ihre Anmeldung ist abgelaufen. Bitte melden Sie sich neu an.",
};

const root = document.getElementById("staff-console");
const app = root.querySelector("[data-st-app]");
let frame = null;
let current = null; // the view shown: {dispose()}
let member = null; // /staff/me with the locations' names and services

async function main() {
  let config;
  try {
    config = await loadConfig(root);
  } catch (failure) {
    app.replaceChildren(
      el("p", { class: "st-notice st-notice--error", role: "alert" },
        "Die Anmeldung ist nicht eingerichtet (config.json fehlt). Bitte wenden Sie sich an die IT.")
    );
    return;
  }
  useApi(config.apiBase);
  session.useSession(config, function (why) {
    showSignIn(config, SIGNED_OUT[why] || SIGNED_OUT.expired);
  });
  frame = shell(app, {
    signOut: function () {
      session.end("user");
    },
  });
  window.addEventListener("hashchange", function () {
    if (session.isSignedIn() && member) {
      route();
    }
  });
  if (session.resume()) {
    await signedIn();
  } else if (!session.isSignedIn()) {
    showSignIn(config, null);
  }
}

function showSignIn(config, notice) {
  dispose();
  member = null;
  frame.signedOut();
  current = signInView(frame, config, notice, async function (tokens) {
    session.start(tokens);
    await signedIn();
  });
}

async function signedIn() {
  try {
    // Names and every service (also those not bookable online) of the member's locations.
    const me = await staff("GET", "/staff/me");
    const byId = {};
    (me.location_details || []).forEach(function (location) {
      byId[location.id] = location;
    });
    member = {
      username: me.username,
      admin: me.admin,
      locations: me.locations.map(function (id) {
        return byId[id] || { id: id, name: id, services: [] };
      }),
    };
  } catch (failure) {
    frame.error(failure.message);
    return;
  }
  frame.signedIn(member);
  route();
}

function dispose() {
  if (current && current.dispose) {
    current.dispose();
  }
  current = null;
}

function route() {
  const parts = window.location.hash.replace(/^#\/?/, "").split("/");
  const home = member.locations.length ? member.locations[0].id : "";
  dispose();
  frame.clearMessages();
  if (parts[0] === "buchen") {
    frame.active("buchen");
    current = callerView(frame, member);
  } else if (parts[0] === "schliessen") {
    frame.active("schliessen");
    current = closuresView(frame, member);
  } else if (parts[0] === "auswertung") {
    frame.active("auswertung");
    current = evaluationView(frame, member);
  } else if (parts[0] === "tag" && parts[1] && isDay(parts[2] || "")) {
    frame.active("tag");
    current = dayView(frame, member, decodeURIComponent(parts[1]), parts[2]);
  } else {
    window.location.replace("#/tag/" + encodeURIComponent(home) + "/" + today());
  }
}

main();
