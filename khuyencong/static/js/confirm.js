/* Confirmation before irreversible or consequential actions.
 * A submit button with data-confirm="what will happen" opens a <dialog> saying so; only "Xác nhận"
 * submits the form. The dialog is built here (no inline code: CSP 'self').
 */
(function () {
  "use strict";

  function ask(button) {
    var dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-text");
    var text = document.createElement("p");
    text.id = "confirm-dialog-text";
    text.textContent = button.dataset.confirm;
    var actions = document.createElement("div");
    actions.className = "actions";
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "btn danger";
    yes.textContent = button.dataset.confirmYes || "Xác nhận";
    var no = document.createElement("button");
    no.type = "button";
    no.className = "btn secondary";
    no.textContent = button.dataset.confirmNo || "Huỷ";
    actions.appendChild(no);
    actions.appendChild(yes);
    dialog.appendChild(text);
    dialog.appendChild(actions);
    document.body.appendChild(dialog);
    no.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () { dialog.remove(); });
    yes.addEventListener("click", function () {
      button.dataset.confirmed = "1";
      dialog.close();
      if (button.form.requestSubmit) { button.form.requestSubmit(button); } else { button.click(); }
    });
    dialog.showModal();
    no.focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm], input[type=submit][data-confirm]");
    if (!button || !button.form) { return; }
    if (button.dataset.confirmed === "1") { delete button.dataset.confirmed; return; }
    event.preventDefault();
    ask(button);
  });
})();
