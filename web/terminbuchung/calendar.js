// "In den Kalender eintragen": the API's calendar file for the booking, the very one the
// e-mail carries (same UID, title and times), so the cancellation e-mail also removes the
// event saved from here.
//
// A plain link cannot send the token, and the token must not go into a URL (server logs),
// so a click fetches the file with the X-Booking-Token header and saves it through a blob:
// URL. Downloads are not governed by the Content Security Policy: no directive is needed.

import { apiUrl, download } from "./api.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";
import { announce, notice } from "./page.js";

// How long the saved file's blob: URL lives: a browser may read it after click() returned.
const BLOB_LIFETIME_MS = 60000;

export function calendarLink(reference, token) {
  const path = "/bookings/" + encodeURIComponent(reference) + "/calendar.ics";
  const name = t("calendar.fileName", { reference: reference });
  const problem = el("div", { "data-tb-calendar-error": "" });
  const link = el(
    "a",
    {
      class: "tb-link-button",
      // The file's address at the API; followed without the token it is not found.
      href: apiUrl(path),
      download: name,
      "data-tb-calendar": "",
    },
    t("calendar.add"),
    el("span", { class: "tb-visually-hidden" }, " " + t("calendar.format"))
  );
  let loading = false;
  link.addEventListener("click", async function (event) {
    event.preventDefault();
    if (loading) {
      return;
    }
    loading = true;
    try {
      const file = await download(path, { "X-Booking-Token": token }, "text/calendar");
      problem.replaceChildren();
      save(file, name, link);
    } catch (error) {
      showProblem(problem, link, error.message);
    } finally {
      loading = false;
    }
  });
  return link;
}

function save(file, name, next) {
  const url = URL.createObjectURL(file);
  const anchor = el("a", { href: url, download: name, hidden: true });
  next.after(anchor);
  anchor.click();
  anchor.remove();
  window.setTimeout(function () {
    URL.revokeObjectURL(url);
  }, BLOB_LIFETIME_MS);
}

// Below the row of buttons the link stands in; the focus stays on the link.
function showProblem(problem, link, message) {
  const row = link.closest(".tb-actions") || link;
  if (!problem.isConnected) {
    row.after(problem);
  }
  problem.replaceChildren(notice("error", el("p", {}, message)));
  announce(message);
}
