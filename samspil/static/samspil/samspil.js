// Samspil's only script besides htmx: progressive enhancements, no inline handlers (strict CSP).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".js-hide-when-scripted").forEach(function (el) {
    el.hidden = true;
  });
  document.querySelectorAll("select.js-autosubmit").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });
});
