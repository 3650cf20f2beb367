// What the steps, the confirmation and the manage view show of an appointment.

import { formatDay, formatTime } from "./dates.js";
import { el, uniqueId } from "./dom.js";
import { ltr, siteText, t } from "./i18n.js";

export function summaryList(rows) {
  return el(
    "dl",
    { class: "tb-summary" },
    rows.map(function (row) {
      return el("div", { class: "tb-summary-row" }, el("dt", {}, row[0]), el("dd", {}, row[1]));
    })
  );
}

// The service centre: name and address, then how to get in and a plain link to the map
// (OpenStreetMap, opened in this tab; no map is embedded), as the site configuration says.
export function place(location) {
  const nodes = [siteText(location.name + ", " + location.address)];
  if (location.access_notes) {
    const notes = siteText(location.access_notes);
    nodes.push(el("span", { class: "tb-place-note", "data-tb-access-notes": "" }, notes));
  }
  if (location.map_url) {
    nodes.push(
      el(
        "a",
        { href: location.map_url, class: "tb-place-note", "data-tb-map-link": "" },
        t("summary.onMap", { name: location.name })
      )
    );
  }
  return nodes;
}

export function bookingSummary(booking, location, service) {
  const rows = [
    [t("summary.date"), formatDay(booking.start)],
    [
      t("summary.time"),
      t("summary.timeRange", { start: formatTime(booking.start), end: formatTime(booking.end) }),
    ],
    [t("summary.place"), location ? place(location) : booking.location],
    [t("summary.service"), siteText(service ? service.name : booking.service)],
  ];
  if (booking.name) {
    rows.push([t("summary.name"), booking.name]);
    rows.push([t("summary.reference"), ltr("span", {}, booking.reference)]);
  }
  return summaryList(rows);
}

// The service's name (from the site configuration, in German) with its length.
export function serviceWithDuration(service) {
  return t("summary.serviceDuration", { service: service.name, minutes: service.duration_minutes });
}

export function whatToBring(service) {
  if (!service || !service.what_to_bring || service.what_to_bring.length === 0) {
    return null;
  }
  const titleId = uniqueId("bring");
  return el(
    "div",
    { class: "tb-bring" },
    el("h3", { id: titleId }, t("summary.bring")),
    el(
      "ul",
      {},
      service.what_to_bring.map(function (item) {
        return el("li", {}, siteText(item));
      })
    )
  );
}
