// Two charts as inline SVG (no chart library, nothing from elsewhere): bookings per day
// as stacked bars, and utilisation by weekday and hour as a heat map. Each has a title and
// a description for screen readers (role="img"), and the page shows the same numbers as a
// table next to it; the heat map writes its percentages into the cells, so no figure is
// told by colour alone.

import { svg, uniqueId } from "./dom.js";
import { shortDay, formatPercent, WEEKDAYS } from "./dates.js";

const ONLINE = "#00508c";
const PHONE = "#e07b00";
const INK = "#1b1b1b";
const GRID = "#8a8a8a";

// natural: drawn at its own size (in a scrolling box), so labels stay legible however many
// hours it has; otherwise scaled to the width available.
function labelled(width, height, title, description, natural) {
  const titleId = uniqueId("chart-title");
  const descId = uniqueId("chart-desc");
  return svg("svg", {
    viewBox: "0 0 " + width + " " + height,
    width: natural ? width : null,
    height: natural ? height : null,
    role: "img",
    "aria-labelledby": titleId + " " + descId,
    class: natural ? "st-chart st-chart--natural" : "st-chart",
    focusable: "false",
  }, svg("title", { id: titleId }, title), svg("desc", { id: descId }, description));
}

function text(x, y, content, attributes) {
  return svg("text", Object.assign({ x: x, y: y, fill: INK, "font-size": "12" }, attributes || {}), content);
}

// rows: [{day, online, phone}]
export function bookingsPerDay(rows, description) {
  const width = 720;
  const height = 280;
  const left = 40;
  const bottom = 50;
  const top = 20;
  const highest = Math.max(1, ...rows.map(function (row) { return row.online + row.phone; }));
  // Whole-number ticks: at most four steps up to a round top.
  const ticks = Math.min(4, highest);
  const tickStep = Math.ceil(highest / ticks);
  const most = tickStep * ticks;
  const plotHeight = height - top - bottom;
  const step = rows.length ? (width - left - 10) / rows.length : 0;
  const bar = Math.max(2, Math.min(28, step * 0.7));
  const chart = labelled(width, height, "Buchungen pro Tag", description);
  const y = function (value) {
    return top + plotHeight - (value / most) * plotHeight;
  };
  for (let i = 0; i <= ticks; i += 1) {
    const value = tickStep * i;
    chart.append(svg("line", { x1: left, x2: width - 5, y1: y(value), y2: y(value), stroke: GRID, "stroke-width": "0.5" }));
    chart.append(text(left - 6, y(value) + 4, String(value), { "text-anchor": "end" }));
  }
  const labelEvery = Math.ceil(rows.length / 12);
  rows.forEach(function (row, index) {
    const x = left + index * step + (step - bar) / 2;
    chart.append(svg("rect", { x: x, y: y(row.online), width: bar, height: y(0) - y(row.online), fill: ONLINE }));
    chart.append(svg("rect", { x: x, y: y(row.online + row.phone), width: bar, height: y(row.online) - y(row.online + row.phone), fill: PHONE }));
    if (index % labelEvery === 0) {
      chart.append(text(x + bar / 2, height - bottom + 16, shortDay(row.day), { "text-anchor": "middle", "font-size": "11" }));
    }
  });
  chart.append(svg("rect", { x: left, y: height - 18, width: 12, height: 12, fill: ONLINE }));
  chart.append(text(left + 18, height - 8, "online"));
  chart.append(svg("rect", { x: left + 90, y: height - 18, width: 12, height: 12, fill: PHONE }));
  chart.append(text(left + 108, height - 8, "telefonisch"));
  return chart;
}

// Buckets of utilisation with fills whose text keeps at least 4.5:1 contrast.
const BUCKETS = [
  [0.2, "#e8f0f8", INK],
  [0.4, "#bcd4ea", INK],
  [0.6, "#7fa9d1", INK],
  [0.8, "#2f6ea8", "#ffffff"],
  [Infinity, "#003a66", "#ffffff"],
];

export function bucket(utilisation) {
  return BUCKETS.find(function (b) { return utilisation < b[0]; }) || BUCKETS[BUCKETS.length - 1];
}

// cells: [{weekday 1-7, hour, utilisation}]
export function heatMap(cells, description) {
  const weekdays = Array.from(new Set(cells.map(function (c) { return c.weekday; }))).sort();
  const hours = Array.from(new Set(cells.map(function (c) { return c.hour; }))).sort(function (a, b) { return a - b; });
  const cellWidth = 46;
  const cellHeight = 30;
  const left = 90;
  const top = 24;
  const width = left + Math.max(hours.length, 1) * cellWidth + 10;
  const height = top + Math.max(weekdays.length, 1) * cellHeight + 10;
  const chart = labelled(width, height, "Auslastung nach Wochentag und Stunde", description, true);
  hours.forEach(function (hour, column) {
    chart.append(text(left + column * cellWidth + cellWidth / 2, top - 8, hour + " Uhr", { "text-anchor": "middle", "font-size": "11" }));
  });
  weekdays.forEach(function (weekday, row) {
    chart.append(text(left - 8, top + row * cellHeight + cellHeight / 2 + 4, WEEKDAYS[weekday - 1], { "text-anchor": "end" }));
    hours.forEach(function (hour, column) {
      const cell = cells.find(function (c) { return c.weekday === weekday && c.hour === hour; });
      const x = left + column * cellWidth;
      const y = top + row * cellHeight;
      if (!cell || cell.utilisation === null) {
        chart.append(svg("rect", { x: x + 1, y: y + 1, width: cellWidth - 2, height: cellHeight - 2, fill: "#ffffff", stroke: GRID, "stroke-width": "0.5" }));
        return;
      }
      const colours = bucket(cell.utilisation);
      chart.append(svg("rect", { x: x + 1, y: y + 1, width: cellWidth - 2, height: cellHeight - 2, fill: colours[1] }));
      chart.append(text(x + cellWidth / 2, y + cellHeight / 2 + 4, formatPercent(cell.utilisation).replace(",0", ""), {
        "text-anchor": "middle", fill: colours[2], "font-size": "11",
      }));
    });
  });
  return chart;
}
