// The API reference at /docs/api (make dev): Swagger UI reads /openapi.json, written by
// `make openapi`. No validator badge: it would send the document to validator.swagger.io.
/* global SwaggerUIBundle */
SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#api",
  deepLinking: true,
  validatorUrl: null,
  docExpansion: "list",
  defaultModelsExpandDepth: 0,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
