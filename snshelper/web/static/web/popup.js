// The announcement popup as a real modal (issue 17): opened with showModal() once the page is
// ready, unless the page is a form to fill (fields in <main>, searches aside), a payment under way
// ([data-in-progress]) or the person is already typing; Escape or the Close button closes it, focus goes back where it was, and the
// server remembers it (the POST below; without JavaScript the form posts and comes back).
(() => {
  const dialog = document.querySelector("dialog[data-popup]");
  if (!dialog || typeof dialog.showModal !== "function") return;
  const form = dialog.querySelector("form[data-popup-dismiss]");
  // A form to fill: any form in the page's content with fields, except a search or filter.
  const fieldsToFill = "main form:not([role=search]) :is(input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea)";
  let before = null;

  function formInProgress() {
    const active = document.activeElement;
    return document.querySelector(`${fieldsToFill}, main [data-in-progress]`) !== null || (active && active.matches("input, select, textarea"));
  }

  function open() {
    if (formInProgress() || dialog.open) return;
    before = document.activeElement;
    dialog.showModal();
  }

  dialog.addEventListener("close", () => {
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin", headers: { "HX-Request": "true" } });
    if (before && before !== document.body && document.contains(before)) {
      before.focus();
    } else {
      // Nothing had focus: back to the top of the page, so the next Tab reaches "Skip to content".
      document.body.tabIndex = -1;
      document.body.focus({ preventScroll: true });
      document.body.removeAttribute("tabindex");
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    dialog.close();
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", open);
  } else {
    open();
  }
})();
