// htmx: swap 4xx answers too, because they carry the form with its error messages.
document.addEventListener("DOMContentLoaded", function () {
  if (window.htmx) {
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "4..", swap: true, error: false },
      { code: "5..", swap: false, error: true },
    ];
  }
});

// Behaviour that pages ask for with data attributes (the Content-Security-Policy allows no
// inline handlers such as onchange="…"). Delegated from the document, so it also works on
// content htmx swaps in.
//   data-autosubmit on a field: submit its form when it changes.
//   data-confirm="question" on a button or a form: ask first; "Cancel" stops the submission.
//   data-print on a button: print the page.
//   data-history-back on a link: go back one page.
document.addEventListener("change", function (event) {
  const field = event.target.closest && event.target.closest("[data-autosubmit]");
  if (field && field.form) {
    field.form.submit();
  }
});
document.addEventListener("click", function (event) {
  const target = event.target.closest ? event.target.closest("[data-confirm], [data-print], [data-history-back]") : null;
  if (!target) return;
  if (target.hasAttribute("data-print")) {
    event.preventDefault();
    window.print();
  } else if (target.hasAttribute("data-history-back")) {
    event.preventDefault();
    window.history.back();
  } else if (target.tagName !== "FORM" && !window.confirm(target.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
});
document.addEventListener("submit", function (event) {
  const form = event.target;
  if (form.hasAttribute && form.hasAttribute("data-confirm") && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
