// Sign-in with user name and password (SRP: cognito.js, srp.js); on the first login Cognito
// asks for a new password, then perhaps the authenticator app's code, or to set one up.

import { el, field } from "./dom.js";
import { heading } from "./shell.js";
import * as cognito from "./cognito.js";

export function signInView(frame, config, notice, done) {
  const username = field({ name: "username", label: "Benutzername", required: true, autocomplete: "username", spellcheck: "false" });
  const password = field({ name: "password", label: "Passwort", type: "password", required: true, autocomplete: "current-password" });
  const problem = el("div", { "data-st-signin-error": true });
  const button = el("button", { type: "submit", class: "st-button" }, "Anmelden");
  const form = el("form", { class: "st-form", novalidate: true, "aria-labelledby": "st-signin-title" },
    problem, username.wrapper, password.wrapper, el("div", { class: "st-actions" }, button));
  const title = heading("Anmeldung Terminverwaltung");
  title.id = "st-signin-title";
  frame.show(
    title,
    notice ? el("p", { class: "st-notice st-notice--info", "data-st-signed-out": true }, notice) : null,
    el("p", null, "Für Mitarbeitende des Jobcenters Oberhavel."),
    form
  );
  username.control.focus();

  function fail(message) {
    problem.replaceChildren(el("p", { class: "st-notice st-notice--error", role: "alert" }, message));
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    problem.replaceChildren();
    const name = username.control.value.trim();
    if (!name || !password.control.value) {
      fail("Bitte geben Sie Benutzername und Passwort ein.");
      (name ? password : username).control.focus();
      return;
    }
    button.disabled = true;
    frame.say("Anmeldung läuft …");
    try {
      const result = await cognito.signIn(config, name, password.control.value);
      await next(frame, config, name, result, done);
    } catch (failure) {
      frame.say("");
      fail(failure.message);
      password.control.value = "";
      password.control.focus();
    } finally {
      button.disabled = false;
    }
  });
  return { dispose: function () {} };
}

// Signed in, or the challenge Cognito asks next (a new password, then perhaps the code, or
// setting up the app). Cognito names the member in its challenges (result.username).
async function next(frame, config, username, result, done) {
  const named = result.username || username;
  if (result.challenge) {
    frame.say(""); // "Anmeldung läuft …" is over: the next step asks for something
  }
  if (result.challenge === "NEW_PASSWORD_REQUIRED") {
    newPassword(frame, config, named, result.session, done);
  } else if (result.challenge === "SOFTWARE_TOKEN_MFA") {
    authenticatorCode(frame, config, named, result.session, done);
  } else if (result.challenge === "MFA_SETUP") {
    await setUpApp(frame, config, named, result.session, done);
  } else {
    await done(result.tokens);
  }
}

// The key in groups of four, as authenticator apps ask for it when typed in by hand.
function grouped(secret) {
  return secret.replace(/\s/g, "").replace(/(.{4})/g, "$1 ").trim();
}

// MFA_SETUP: the pool requires an authenticator app and the member has none yet. Cognito
// gives a secret (AssociateSoftwareToken); the member adds it to the app and proves it with
// the first code (VerifySoftwareToken); then the sign-in completes.
async function setUpApp(frame, config, username, session, done) {
  const association = await cognito.associateApp(config, session);
  const secret = association.secret;
  const label = encodeURIComponent("Terminverwaltung:" + username);
  const link = "otpauth://totp/" + label + "?secret=" + encodeURIComponent(secret) + "&issuer=Terminverwaltung";
  const code = field({ name: "code", label: "Code aus der Authenticator-App", required: true, autocomplete: "one-time-code",
    inputmode: "numeric", maxlength: "6", hint: "Die sechs Ziffern, die Ihre App jetzt für „Terminverwaltung“ zeigt." });
  const problem = el("div");
  const button = el("button", { type: "submit", class: "st-button" }, "App einrichten und anmelden");
  const form = el("form", { class: "st-form", novalidate: true, "aria-labelledby": "st-app-setup-title" },
    problem, code.wrapper, el("div", { class: "st-actions" }, button));
  const title = heading("Authenticator-App einrichten");
  title.id = "st-app-setup-title";
  frame.show(
    title,
    el("p", null, "Für Ihr Konto ist die Anmeldung mit einer Authenticator-App vorgeschrieben. Richten Sie sie jetzt einmal ein:"),
    el("ol", { class: "st-steps" },
      el("li", null, "Öffnen Sie Ihre Authenticator-App (zum Beispiel auf dem Diensthandy) und fügen Sie ein Konto hinzu: „Schlüssel eingeben“."),
      el("li", null, "Geben Sie als Namen „Terminverwaltung“ ein und als Schlüssel:",
        el("p", { class: "st-secret" }, el("code", { "data-st-secret": true }, grouped(secret))),
        "Die Leerzeichen können Sie mit eingeben oder weglassen. Auf einem Gerät mit Authenticator-App genügt auch: ",
        el("a", { href: link, "data-st-otpauth": true }, "Schlüssel in der Authenticator-App öffnen"), "."),
      el("li", null, "Geben Sie unten den sechsstelligen Code ein, den die App nun zeigt.")),
    el("p", null, "Behandeln Sie den Schlüssel wie ein Passwort: Geben Sie ihn nicht weiter."),
    form
  );
  frame.focusHeading();
  const current = association.session;
  onSixDigits(form, code, problem, button, async function (digits) {
    await next(frame, config, username, await cognito.verifyApp(config, username, current, digits), done);
  });
}

// A form that asks for an authenticator app's six digits: checked here, then `send`; a
// refusal is shown in `problem` and the field emptied for the next code.
function onSixDigits(form, code, problem, button, send) {
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    problem.replaceChildren();
    const digits = code.control.value.replace(/\s/g, "");
    if (!/^[0-9]{6}$/.test(digits)) {
      problem.replaceChildren(el("p", { class: "st-notice st-notice--error", role: "alert" }, "Bitte geben Sie die sechs Ziffern ein."));
      code.control.focus();
      return;
    }
    button.disabled = true;
    try {
      await send(digits);
    } catch (failure) {
      problem.replaceChildren(el("p", { class: "st-notice st-notice--error", role: "alert" }, failure.message));
      code.control.value = "";
      code.control.focus();
    } finally {
      button.disabled = false;
    }
  });
}

function authenticatorCode(frame, config, username, session, done) {
  const code = field({ name: "code", label: "Code aus der Authenticator-App", required: true, autocomplete: "one-time-code",
    inputmode: "numeric", maxlength: "6", hint: "Die sechs Ziffern, die Ihre App gerade zeigt." });
  const problem = el("div");
  const button = el("button", { type: "submit", class: "st-button" }, "Bestätigen");
  const form = el("form", { class: "st-form", novalidate: true, "aria-labelledby": "st-code-title" },
    problem, code.wrapper, el("div", { class: "st-actions" }, button));
  const title = heading("Anmeldung bestätigen");
  title.id = "st-code-title";
  frame.show(title, form);
  code.control.focus();
  onSixDigits(form, code, problem, button, async function (digits) {
    await next(frame, config, username, await cognito.answerCode(config, username, session, digits), done);
  });
}

function newPassword(frame, config, username, session, done) {
  const first = field({ name: "new_password", label: "Neues Passwort", type: "password", required: true, autocomplete: "new-password",
    hint: "Mindestens 12 Zeichen, mit Groß- und Kleinbuchstaben, Ziffer und Sonderzeichen." });
  const again = field({ name: "repeat_password", label: "Neues Passwort wiederholen", type: "password", required: true, autocomplete: "new-password" });
  const problem = el("div");
  const button = el("button", { type: "submit", class: "st-button" }, "Passwort speichern und anmelden");
  const form = el("form", { class: "st-form", novalidate: true, "aria-labelledby": "st-new-password-title" },
    problem, first.wrapper, again.wrapper, el("div", { class: "st-actions" }, button));
  const title = heading("Neues Passwort festlegen");
  title.id = "st-new-password-title";
  frame.show(title, el("p", null, "Dies ist Ihre erste Anmeldung. Bitte wählen Sie ein eigenes Passwort."), form);
  frame.focusHeading();

  function fail(message, control) {
    problem.replaceChildren(el("p", { class: "st-notice st-notice--error", role: "alert" }, message));
    control.focus();
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    problem.replaceChildren();
    if (!first.control.value) {
      fail("Bitte geben Sie ein neues Passwort ein.", first.control);
      return;
    }
    if (first.control.value !== again.control.value) {
      fail("Die beiden Passwörter stimmen nicht überein.", again.control);
      return;
    }
    button.disabled = true;
    try {
      const result = await cognito.setNewPassword(config, username, session, first.control.value);
      await next(frame, config, username, result, done);
    } catch (failure) {
      fail(failure.message, first.control);
    } finally {
      button.disabled = false;
    }
  });
}
