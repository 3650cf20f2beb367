/*
 * Terminbuchung – the booking page of the Jobcenter Oberhavel: the widget's entry module.
 *
 * Native ES modules, no build step: the county copies this file, the folder terminbuchung/
 * next to it, terminbuchung.css and the element
 * <div id="terminbuchung" data-api-base="…" data-privacy-url="…"> onto its page, and loads
 * this file with <script type="module" src="…/terminbuchung.js"> (see README.md). The
 * widget talks only to the public API (GET /locations, GET …/slots, POST /bookings,
 * GET /bookings/{reference}, GET /bookings/{reference}/calendar.ics,
 * POST /bookings/{reference}/cancel, POST /bookings/{reference}/confirm,
 * POST /bookings/lookup).
 *
 * terminbuchung/: api.js (the API client), dates.js, dom.js, page.js (the frame, state,
 * views, loading and failure), widgets.js (form fields, the choose-one steps), summary.js,
 * step-location.js … step-confirmation.js (one module per step), calendar.js (the .ics
 * download), manage.js (the manage view), link.js (the URL fragment), history.js (Back,
 * Forward and reload), step-reschedule.js (moving a booking from the manage view),
 * attempts.js (the Idempotency-Key of a request and its retries), i18n.js (the languages,
 * their catalogues in messages/, t()), language-switch.js (the links to the languages).
 *
 * Accessibility: every step is a <section> whose heading gets the focus when the step
 * opens; status messages go to a polite live region; form errors are shown at their field
 * and in a summary that gets the focus. The e-mail's link to manage a booking carries the
 * reference and the token in the URL fragment (#reference=…&token=…), so they never reach
 * a server log.
 */

import { rememberSteps, resume } from "./terminbuchung/history.js";
import { chosenLanguage, useLanguage } from "./terminbuchung/i18n.js";
import {
  languageSwitch,
  proposeBrowserLanguage,
  translatePage,
} from "./terminbuchung/language-switch.js";
import { followLinks, route } from "./terminbuchung/link.js";
import { lookupOffer } from "./terminbuchung/lookup.js";
import { mount } from "./terminbuchung/page.js";
import { start } from "./terminbuchung/step-location.js";

const root = document.getElementById("terminbuchung");
if (root) {
  let ready = true;
  try {
    await useLanguage(chosenLanguage());
  } catch (failure) {
    // Without even the German catalogue there is no text to show but this one.
    ready = false;
    root.append(
      Object.assign(document.createElement("p"), {
        className: "tb-notice tb-notice--error",
        textContent:
          "Die Terminbuchung konnte nicht geladen werden. " +
          "Bitte laden Sie die Seite neu oder rufen Sie uns an.",
      })
    );
  }
  if (ready) {
    openWidget(root);
  }
}

function openWidget(root) {
  translatePage(document);
  mount(root);
  root.prepend(languageSwitch());
  proposeBrowserLanguage();
  // "Link verloren?": below every view, so a citizen who lost the e-mail finds it at once.
  root.appendChild(lookupOffer(start));
  rememberSteps(root);
  // After a reload: the step the tab left (history.js); else what the link asks for.
  if (!resume()) {
    route();
  }
  followLinks();
}
