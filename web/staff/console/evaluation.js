// The evaluation of the test phase: a period and a location, the key figures, bookings per
// day and utilisation by weekday and hour (inline SVG with text alternatives and the data
// as tables), and the API's CSV of the same period for download.

import { el, field, showFieldError, clearFieldErrors } from "./dom.js";
import { heading } from "./shell.js";
import { staff, file } from "./api.js";
import { addDays, today, isDay, shortDay, longDay, formatNumber, formatPercent, WEEKDAYS } from "./dates.js";
import { bookingsPerDay, heatMap } from "./charts.js";

export function evaluationView(frame, member) {
  let disposed = false;
  let shown = null; // the query of the figures on screen, for the CSV
  const last = today();
  const from = field({ name: "from", label: "Von", type: "date", required: true, value: addDays(last, -29) });
  const to = field({ name: "to", label: "Bis", type: "date", required: true, value: last });
  const options = [];
  if (member.admin || member.locations.length > 1) {
    options.push(el("option", { value: "" }, "Alle Standorte"));
  }
  member.locations.forEach(function (place) {
    options.push(el("option", { value: place.id }, place.name));
  });
  const location = field({ name: "location", label: "Standort", required: true, control: el("select", null, options) });
  const show = el("button", { type: "submit", class: "st-button" }, "Anzeigen");
  const form = el("form", { class: "st-form st-form--row", novalidate: true, "aria-label": "Zeitraum und Standort" },
    from.wrapper, to.wrapper, location.wrapper, el("div", { class: "st-actions" }, show));
  const results = el("div", { "data-st-evaluation": true, "aria-busy": "false" });
  const title = heading("Auswertung");
  frame.show(title, form, results);
  frame.focusHeading();

  function query() {
    const params = new URLSearchParams({ from: from.control.value, to: to.control.value });
    if (location.control.value) {
      params.set("location", location.control.value);
    }
    return params.toString();
  }

  async function load() {
    clearFieldErrors(form);
    if (!isDay(from.control.value)) {
      showFieldError(form, "from", "Bitte wählen Sie das erste Datum.");
      return;
    }
    if (!isDay(to.control.value)) {
      showFieldError(form, "to", "Bitte wählen Sie das letzte Datum.");
      return;
    }
    results.setAttribute("aria-busy", "true");
    const asked = query();
    try {
      const data = await staff("GET", "/staff/reports/evaluation?" + asked);
      if (disposed) {
        return;
      }
      shown = asked;
      render(data);
      frame.say("Auswertung " + longDay(data.from) + " bis " + longDay(data.to) + " geladen.");
    } catch (failure) {
      if (!(failure.field && showFieldError(form, failure.field, failure.message))) {
        frame.error(failure.message);
      }
    } finally {
      results.setAttribute("aria-busy", "false");
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load();
  });

  function render(data) {
    const days = data.days;
    const sum = function (key) {
      return days.reduce(function (total, row) { return total + (row[key] || 0); }, 0);
    };
    const released = sum("seats_released");
    const bookedNow = days.reduce(function (total, row) {
      return total + (row.utilisation === null ? 0 : Math.round(row.utilisation * row.seats_released));
    }, 0);
    const online = sum("booked_online");
    const phone = sum("booked_by_phone");
    const attended = sum("checked_in");
    const missed = sum("no_shows");
    const leads = days.map(function (row) { return row.median_lead_time_hours; }).filter(function (v) { return v !== null; });
    const soldOut = days.map(function (row) { return row.fully_booked_after_hours; }).filter(function (v) { return v !== null; });
    const ratio = function (part, whole) { return whole ? part / whole : null; };
    const hours = function (value) { return value === null ? "–" : formatNumber(value, 1) + " Std."; };
    const figures = [
      ["Plätze freigegeben", formatNumber(released)],
      ["Gebucht (online / telefonisch)", formatNumber(online + phone) + " (" + formatNumber(online) + " / " + formatNumber(phone) + ")"],
      ["Auslastung", formatPercent(ratio(bookedNow, released))],
      ["Nicht erschienen", formatPercent(ratio(missed, attended + missed)) + " (" + missed + " von " + (attended + missed) + ")"],
      ["Anteil telefonisch gebucht", formatPercent(ratio(phone, online + phone))],
      ["Vorlaufzeit (Median der Tage)", hours(median(leads))],
      ["Ausgebucht nach Freigabe (Median)", soldOut.length
        ? hours(median(soldOut)) + " (an " + soldOut.length + " von " + days.length + " Tagen ausgebucht)"
        : "nie ausgebucht (" + days.length + (days.length === 1 ? " Tag)" : " Tage)")],
      ["Abgesagt (Bürger / Jobcenter)", sum("cancelled_by_citizens") + " / " + sum("cancelled_by_office")],
    ];
    const perDay = {};
    days.forEach(function (row) {
      const entry = (perDay[row.day] = perDay[row.day] || { day: row.day, online: 0, phone: 0 });
      entry.online += row.booked_online;
      entry.phone += row.booked_by_phone;
    });
    const bars = Object.keys(perDay).sort().map(function (day) { return perDay[day]; });
    const cells = data.by_weekday_hour || [];
    const busiest = cells.filter(function (c) { return c.utilisation !== null; })
      .sort(function (a, b) { return b.utilisation - a.utilisation; })[0];
    const download = el("button", { type: "button", class: "st-button", "data-st-csv": true }, "Als CSV herunterladen");
    download.addEventListener("click", csv);

    results.replaceChildren(
      el("h2", null, "Kennzahlen " + longDay(data.from) + " bis " + longDay(data.to)),
      el("dl", { class: "st-figures", "data-st-figures": true }, figures.map(function (pair) {
        return el("div", null, el("dt", null, pair[0]), el("dd", null, pair[1]));
      })),
      el("div", { class: "st-actions" }, download),
      el("section", { "aria-labelledby": "st-chart-days" },
        el("h2", { id: "st-chart-days" }, "Buchungen pro Tag"),
        days.length
          ? el("figure", { class: "st-figure", "data-st-chart": "days" },
            bookingsPerDay(bars, bars.length + " Tage, zusammen " + (online + phone) + " Buchungen, davon " + phone + " telefonisch. Die Zahlen stehen in der Tabelle darunter."),
            el("figcaption", null, "Gestapelt: online (blau) und telefonisch (orange) gebucht."))
          : el("p", null, "Keine Tage mit Zeitfenstern in diesem Zeitraum."),
        table("Buchungen pro Tag", ["Tag", "Online", "Telefonisch", "Zusammen"], bars.map(function (row) {
          return [shortDay(row.day), row.online, row.phone, row.online + row.phone];
        }), "days")),
      el("section", { "aria-labelledby": "st-chart-heat" },
        el("h2", { id: "st-chart-heat" }, "Auslastung nach Wochentag und Stunde"),
        cells.length
          ? el("figure", { class: "st-figure st-table-scroll", "data-st-chart": "heat", tabindex: "0", role: "group", "aria-label": "Heatmap der Auslastung (waagerecht verschiebbar)" },
            heatMap(cells, "Je Wochentag und Stunde der Anteil gebuchter Plätze." +
              (busiest ? " Am stärksten ausgelastet: " + WEEKDAYS[busiest.weekday - 1] + " " + busiest.hour + " Uhr mit " + formatPercent(busiest.utilisation) + "." : "") +
              " Die Zahlen stehen in der Tabelle darunter."),
            el("figcaption", null, "Je dunkler, desto voller; die Prozentzahl steht in jedem Feld."))
          : el("p", null, "Keine freigegebenen Plätze in diesem Zeitraum."),
        table("Auslastung nach Wochentag und Stunde", ["Wochentag", "Stunde", "Plätze", "Gebucht", "Auslastung"], cells.map(function (c) {
          return [WEEKDAYS[c.weekday - 1], c.hour + " Uhr", c.seats_released, c.booked, formatPercent(c.utilisation)];
        }), "heat"))
    );
  }

  function table(caption, head, rows, key) {
    return el("div", { class: "st-table-scroll", tabindex: "0", role: "region", "aria-label": caption + " (Tabelle)" },
      el("table", { class: "st-table", "data-st-table": key },
        el("caption", null, caption + " – Daten"),
        el("thead", null, el("tr", null, head.map(function (h) { return el("th", { scope: "col" }, h); }))),
        el("tbody", null, rows.map(function (row) {
          return el("tr", null, row.map(function (cell, index) {
            return index === 0 ? el("th", { scope: "row" }, String(cell)) : el("td", null, String(cell));
          }));
        }))));
  }

  async function csv() {
    if (shown === null) {
      return;
    }
    try {
      const got = await file("/staff/reports/evaluation?" + shown, "text/csv");
      const params = new URLSearchParams(shown);
      const name = got.filename !== "download" ? got.filename : "Auswertung-" + params.get("from") + "-" + params.get("to") + ".csv";
      const url = URL.createObjectURL(got.blob);
      const link = el("a", { href: url, download: name, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      window.setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
      frame.say("Die CSV-Datei " + name + " wird heruntergeladen.");
    } catch (failure) {
      frame.error(failure.message);
    }
  }

  load();
  return {
    dispose: function () {
      disposed = true;
    },
  };
}

function median(values) {
  if (!values.length) {
    return null;
  }
  const sorted = values.slice().sort(function (a, b) { return a - b; });
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
