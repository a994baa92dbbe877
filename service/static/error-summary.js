/* Optional: a link in the error summary puts focus on its field and scrolls the field's
   label (or, for a radio group, its question) into view, not just the input itself.
   Without this file the browser still jumps to and focuses the field. */
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
  if (!link) { return; }
  var field = document.getElementById(link.getAttribute("href").slice(1));
  if (!field) { return; }
  var group = field.type === "radio" ? field.closest("fieldset") : null;
  var heading = group ? group.querySelector("legend") : document.querySelector("label[for='" + field.id + "']");
  event.preventDefault();
  (heading || field).scrollIntoView({ block: "start" });
  field.focus({ preventScroll: true });
});
