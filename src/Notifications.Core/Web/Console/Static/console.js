// The secretariat console's own script (served at /api/console/static/console.js; CSP allows scripts from the app only).
// Everything works without it. It asks before a button marked data-confirm="question" sends its form.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = button && button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
