// Dates and times, always in Berlin time: the slots are wall-clock times of the service
// centre, whatever the office PC's time zone.

const TIME_ZONE = "Europe/Berlin";

const dayFormat = new Intl.DateTimeFormat("de-DE", {
  timeZone: TIME_ZONE,
  weekday: "long",
  day: "numeric",
  month: "long",
  year: "numeric",
});
const shortDayFormat = new Intl.DateTimeFormat("de-DE", {
  timeZone: TIME_ZONE,
  weekday: "short",
  day: "2-digit",
  month: "2-digit",
});
const timeFormat = new Intl.DateTimeFormat("de-DE", {
  timeZone: TIME_ZONE,
  hour: "2-digit",
  minute: "2-digit",
});
const isoDayFormat = new Intl.DateTimeFormat("en-CA", {
  timeZone: TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});
const hourFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: TIME_ZONE,
  hour: "2-digit",
  hourCycle: "h23",
});

export const WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"];

export function formatDay(iso) {
  return dayFormat.format(new Date(iso));
}
export function formatTime(iso) {
  return timeFormat.format(new Date(iso));
}
export function berlinDay(iso) {
  return isoDayFormat.format(new Date(iso)); // YYYY-MM-DD
}
export function berlinHour(iso) {
  return parseInt(hourFormat.format(new Date(iso)), 10);
}
export function today() {
  return isoDayFormat.format(new Date());
}
// A day as a date at noon UTC: no clock change moves it to another day.
function noon(day) {
  return new Date(day + "T12:00:00Z");
}
export function addDays(day, days) {
  const moved = noon(day);
  moved.setUTCDate(moved.getUTCDate() + days);
  return moved.toISOString().slice(0, 10);
}
export function longDay(day) {
  return dayFormat.format(noon(day));
}
export function shortDay(day) {
  return shortDayFormat.format(noon(day));
}
export function isDay(text) {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(noon(text).getTime()) && noon(text).toISOString().slice(0, 10) === text;
}
export function formatNumber(value, digits) {
  return new Intl.NumberFormat("de-DE", {
    minimumFractionDigits: digits || 0,
    maximumFractionDigits: digits || 0,
  }).format(value);
}
export function formatPercent(ratio) {
  return ratio === null || ratio === undefined ? "–" : formatNumber(ratio * 100, 1) + " %";
}
