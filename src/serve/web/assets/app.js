// tocsin web page: the only script. Every page works without it; it only saves a click.
// A menu marked data-autosubmit (the pipeline menu) submits its form when changed, and the
// "Show" button beside it, needed without JavaScript, is hidden.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (menu) {
    var button = menu.form && menu.form.querySelector("button[type=submit]");
    if (button) button.hidden = true;
    menu.addEventListener("change", function () { menu.form.submit(); });
  });
});
