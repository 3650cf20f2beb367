// Dates, always in Berlin time: the slots are wall-clock times of the service centre,
// whatever the device's time zone.

const TIME_ZONE = "Europe/Berlin";

const dayFormat = new Intl.DateTimeFormat("de-DE", {
  timeZone: TIME_ZONE,
  weekday: "long",
  day: "numeric",
  month: "long",
  year: "numeric",
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

export function formatDay(iso) {
  return dayFormat.format(new Date(iso));
}
export function formatTime(iso) {
  return timeFormat.format(new Date(iso)) + " Uhr";
}
export function formatWhen(iso) {
  return formatDay(iso) + ", " + formatTime(iso);
}
export function berlinDay(iso) {
  return isoDayFormat.format(new Date(iso)); // YYYY-MM-DD
}
