// Cognito's JSON API, as the browser calls it: the pool's public app client (no secret),
// the password flow, the first-login challenge, the refresh. No SDK: one POST per call.

const TARGET = "AWSCognitoIdentityProviderService.";

// Cognito's error types in the words of the office.
const MESSAGES = {
  NotAuthorizedException: "Benutzername oder Passwort ist falsch.",
  UserNotFoundException: "Benutzername oder Passwort ist falsch.",
  PasswordResetRequiredException:
    "Ihr Passwort muss zurückgesetzt werden. Bitte wenden Sie sich an die Administration.",
  UserNotConfirmedException: "Ihr Konto ist noch nicht freigeschaltet.",
  InvalidPasswordException:
    "Das neue Passwort erfüllt die Regeln nicht: mindestens 12 Zeichen, mit Groß- und Kleinbuchstaben, Ziffer und Sonderzeichen.",
  TooManyRequestsException: "Zu viele Versuche. Bitte warten Sie einen Moment.",
  LimitExceededException: "Zu viele Versuche. Bitte warten Sie einen Moment.",
  CodeMismatchException: "Der Code stimmt nicht.",
  ExpiredCodeException: "Die Anmeldung hat zu lange gedauert. Bitte beginnen Sie neu.",
};
const UNEXPECTED = "Die Anmeldung ist gerade nicht möglich. Bitte versuchen Sie es später noch einmal.";

export class SignInError extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

async function call(config, action, body) {
  let response;
  try {
    response = await fetch(config.cognitoEndpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": TARGET + action,
      },
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
  } catch (failure) {
    throw new SignInError("network", "Keine Verbindung zur Anmeldung. Bitte prüfen Sie das Netz.");
  }
  const text = await response.text();
  let data = {};
  try {
    data = text ? JSON.parse(text) : {};
  } catch (notJson) {
    data = {};
  }
  if (!response.ok) {
    const kind = String(data.__type || data.code || "").split("#").pop();
    throw new SignInError(kind, MESSAGES[kind] || UNEXPECTED);
  }
  return data;
}

// The challenges the console answers: the first login's new password, and the code of the
// authenticator app (StaffMfa). Setting up an app (MFA_SETUP) is not done here.
const CHALLENGES = ["NEW_PASSWORD_REQUIRED", "SOFTWARE_TOKEN_MFA"];
const MFA_SETUP =
  "Für Ihr Konto ist die Anmeldung mit Authenticator-App vorgeschrieben, aber noch nicht eingerichtet. Bitte wenden Sie sich an die Administration.";

// Either {tokens} or {challenge, session}.
function outcome(data) {
  if (data.AuthenticationResult) {
    return { tokens: data.AuthenticationResult };
  }
  if (CHALLENGES.includes(data.ChallengeName)) {
    return { challenge: data.ChallengeName, session: data.Session };
  }
  if (data.ChallengeName === "MFA_SETUP") {
    throw new SignInError("MFA_SETUP", MFA_SETUP);
  }
  throw new SignInError(data.ChallengeName || "unknown", UNEXPECTED);
}

export async function signIn(config, username, password) {
  return outcome(
    await call(config, "InitiateAuth", {
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: config.clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    })
  );
}

export async function setNewPassword(config, username, session, newPassword) {
  return outcome(
    await call(config, "RespondToAuthChallenge", {
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      ClientId: config.clientId,
      Session: session,
      ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword },
    })
  );
}

export async function answerCode(config, username, session, code) {
  return outcome(
    await call(config, "RespondToAuthChallenge", {
      ChallengeName: "SOFTWARE_TOKEN_MFA",
      ClientId: config.clientId,
      Session: session,
      ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: code },
    })
  );
}

export async function refresh(config, refreshToken) {
  const data = await call(config, "InitiateAuth", {
    AuthFlow: "REFRESH_TOKEN_AUTH",
    ClientId: config.clientId,
    AuthParameters: { REFRESH_TOKEN: refreshToken },
  });
  if (!data.AuthenticationResult) {
    throw new SignInError("refresh", UNEXPECTED);
  }
  return data.AuthenticationResult;
}

// Ends the member's sessions at Cognito (refresh tokens die at once); ID tokens already
// issued stay valid until they expire, as for `infra.ops staff remove`.
export async function signOutEverywhere(config, accessToken) {
  await call(config, "GlobalSignOut", { AccessToken: accessToken });
}
