// Where the console signs in and which API it talks to. Set per deploy, never in code:
// data attributes on #staff-console win; else config.json beside the page (the local
// stack serves it; a deploy writes it from the stack's outputs, see web/staff/README.md).

const DEFAULT_IDLE_MINUTES = 15;

export async function loadConfig(root) {
  const data = root.dataset;
  let loaded = {};
  if (!data.clientId) {
    const response = await fetch(data.config || "config.json", {
      cache: "no-store",
      credentials: "omit",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) {
      throw new Error("config " + response.status);
    }
    loaded = await response.json();
  }
  const idle = Number(data.idleMinutes || loaded.idle_minutes || DEFAULT_IDLE_MINUTES);
  return {
    apiBase: (data.apiBase !== undefined ? data.apiBase : loaded.api_base || "").replace(/\/$/, ""),
    cognitoEndpoint: data.cognitoEndpoint || loaded.cognito_endpoint,
    clientId: data.clientId || loaded.client_id,
    // SRP's proof names the pool: "eu-central-1_AbCdEf12" (output StaffUserPoolId).
    userPoolId: data.userPoolId || loaded.user_pool_id,
    idleMinutes: idle > 0 ? idle : DEFAULT_IDLE_MINUTES,
  };
}
