// Cognito's JSON API, as the browser calls it: the pool's public app client (no secret),
// the SRP sign-in (USER_SRP_AUTH: the password never leaves the browser), the first login's
// new password, the authenticator app (its code, and setting one up), the refresh. No SDK:
// one POST per call.

import * as srp from "./srp.js";

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

// The challenges the console answers: the first login's new password, the code of the
// authenticator app (StaffMfa), and setting up an app (MFA_SETUP, which StaffMfa ON demands
// of a member without one).
const CHALLENGES = ["NEW_PASSWORD_REQUIRED", "SOFTWARE_TOKEN_MFA", "MFA_SETUP"];

// Either {tokens} or {challenge, session, username}: `username` is the name Cognito answers
// the next challenge by.
function outcome(data, username) {
  if (data.AuthenticationResult) {
    return { tokens: data.AuthenticationResult };
  }
  if (CHALLENGES.includes(data.ChallengeName)) {
    const named = (data.ChallengeParameters && data.ChallengeParameters.USERNAME) || username;
    return { challenge: data.ChallengeName, session: data.Session, username: named };
  }
  throw new SignInError(data.ChallengeName || "unknown", UNEXPECTED);
}

// SRP: Cognito sends B, a salt and a secret block for our A; we answer with a signature
// only the password could make (srp.js).
export async function signIn(config, username, password) {
  const client = srp.start();
  const first = await call(config, "InitiateAuth", {
    AuthFlow: "USER_SRP_AUTH",
    ClientId: config.clientId,
    AuthParameters: { USERNAME: username, SRP_A: client.srpA },
  });
  if (first.ChallengeName !== "PASSWORD_VERIFIER") {
    return outcome(first, username);
  }
  const parameters = first.ChallengeParameters || {};
  const named = parameters.USERNAME || username;
  let claim;
  try {
    claim = await srp.passwordClaim({
      poolId: config.userPoolId,
      userIdForSrp: parameters.USER_ID_FOR_SRP,
      password: password,
      a: client.a,
      srpB: parameters.SRP_B,
      salt: parameters.SALT,
      secretBlock: parameters.SECRET_BLOCK,
    });
  } catch (broken) {
    throw new SignInError("srp", UNEXPECTED);
  }
  return outcome(
    await call(config, "RespondToAuthChallenge", {
      ChallengeName: "PASSWORD_VERIFIER",
      ClientId: config.clientId,
      Session: first.Session,
      ChallengeResponses: Object.assign({ USERNAME: named }, claim),
    }),
    named
  );
}

// MFA_SETUP, step 1: a new secret for the app, and the session for step 2.
export async function associateApp(config, session) {
  const data = await call(config, "AssociateSoftwareToken", { Session: session });
  if (!data.SecretCode) {
    throw new SignInError("associate", UNEXPECTED);
  }
  return { secret: data.SecretCode, session: data.Session || session };
}

// Step 2: the app's first code proves it holds the secret; then the sign-in completes
// (RespondToAuthChallenge MFA_SETUP with the session VerifySoftwareToken returned).
export async function verifyApp(config, username, session, code) {
  const verified = await call(config, "VerifySoftwareToken", {
    Session: session,
    UserCode: code,
    FriendlyDeviceName: "Terminverwaltung",
  });
  if (verified.Status !== "SUCCESS") {
    throw new SignInError("CodeMismatchException", MESSAGES.CodeMismatchException);
  }
  return outcome(
    await call(config, "RespondToAuthChallenge", {
      ChallengeName: "MFA_SETUP",
      ClientId: config.clientId,
      Session: verified.Session || session,
      ChallengeResponses: { USERNAME: username },
    }),
    username
  );
}

export async function setNewPassword(config, username, session, newPassword) {
  return outcome(
    await call(config, "RespondToAuthChallenge", {
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      ClientId: config.clientId,
      Session: session,
      ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword },
    }),
    username
  );
}

export async function answerCode(config, username, session, code) {
  return outcome(
    await call(config, "RespondToAuthChallenge", {
      ChallengeName: "SOFTWARE_TOKEN_MFA",
      ClientId: config.clientId,
      Session: session,
      ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: code },
    }),
    username
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
