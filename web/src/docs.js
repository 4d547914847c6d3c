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

// Swagger UI resets the address's fragment when it changes (its deep links), which undid the
// skip link's jump to the main content; the skip link makes the jump itself here.
document.querySelector("a.skip[href='#main']")?.addEventListener("click", (event) => {
  event.preventDefault();
  history.pushState(null, "", "#main");
  document.getElementById("main")?.focus();
});
