// Dates, always in Berlin time: the slots are wall-clock times of the service centre,
// whatever the device's time zone. Written in the page's language (Leichte Sprache as
// German), e.g. "Dienstag, 1. Dezember 2026", "14:30 Uhr".

import { language, t } from "./i18n.js";

const TIME_ZONE = "Europe/Berlin";

// Per language, made once: Intl formats are costly to build.
const formats = new Map();

function formatsOf() {
  const tag = language().formats;
  if (!formats.has(tag)) {
    formats.set(tag, {
      day: new Intl.DateTimeFormat(tag, {
        timeZone: TIME_ZONE,
        weekday: "long",
        day: "numeric",
        month: "long",
        year: "numeric",
      }),
      time: new Intl.DateTimeFormat(tag, {
        timeZone: TIME_ZONE,
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      }),
    });
  }
  return formats.get(tag);
}

const isoDayFormat = new Intl.DateTimeFormat("en-CA", {
  timeZone: TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

export function formatDay(iso) {
  return formatsOf().day.format(new Date(iso));
}
export function formatTime(iso) {
  return t("date.time", { time: formatsOf().time.format(new Date(iso)) });
}
export function formatWhen(iso) {
  return t("date.when", { day: formatDay(iso), time: formatTime(iso) });
}
export function berlinDay(iso) {
  return isoDayFormat.format(new Date(iso)); // YYYY-MM-DD
}
