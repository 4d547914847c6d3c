// /docs: Swagger UI (swagger-ui-bundle.js, loaded before this file) over the hub's OpenAPI
// description; nothing is fetched from elsewhere (no validator badge).
const holder = document.getElementById("swagger-ui");
window.SwaggerUIBundle({
  url: holder.dataset.openapi,
  domNode: holder,
  deepLinking: false, // a link inside each operation's button would nest controls
  validatorUrl: null,
  presets: [window.SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
