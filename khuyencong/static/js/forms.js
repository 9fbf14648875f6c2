/* Progressive enhancement of forms (no inline code: CSP 'self').
 * - <select data-picker="KIND">: a Tom Select search-as-you-type picker fed by /chon/KIND/?q=…
 *   Extra query parameters come from data-picker-* attributes (data-picker-value="code" → &value=code);
 *   data-picker-X-from="ID" sends the current value of field ID as &X= (e.g. on= for units in force
 *   that day, establishment= for that establishment's products).
 * - <input data-datepicker>: a flatpickr calendar in Vietnamese; typing dd/mm/yyyy still works.
 * Without JavaScript the select and the text input work as they are.
 */
(function () {
  "use strict";

  var PICKER_URL = "/chon/";

  function pickerParams(select, query) {
    var params = new URLSearchParams();
    params.set("q", query);
    Object.keys(select.dataset).forEach(function (key) {
      if (key.indexOf("picker") !== 0 || key === "picker") { return; }
      var name = key.slice(6);
      name = name.charAt(0).toLowerCase() + name.slice(1);
      var value = select.dataset[key];
      if (/From$/.test(name)) {  // data-picker-X-from="ID": send the current value of field ID as X
        var field = document.getElementById(value);
        name = name.slice(0, -4);
        value = field ? field.value : "";
      }
      if (value) { params.set(name, value); }
    });
    return params;
  }

  function initPicker(select) {
    if (typeof TomSelect === "undefined" || select.tomselect) { return; }
    var kind = select.dataset.picker;
    var texts = {
      empty: select.dataset.textEmpty || "Không tìm thấy",
      loading: select.dataset.textLoading || "Đang tìm…",
      hint: select.dataset.textHint || "Gõ tên để tìm"
    };
    new TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: [],
      maxOptions: 50,
      loadThrottle: 250,
      allowEmptyOption: true,
      placeholder: select.dataset.placeholder || "",
      plugins: select.multiple ? ["remove_button"] : [],
      // A chosen person closes the list, so the button below it shows; typing the next name opens it again.
      closeAfterSelect: true,
      // The server folds diacritics and orders the answers; keep its order and do not filter again.
      score: function () { return function () { return 1; }; },
      shouldLoad: function (query) { return query.length >= 1; },
      load: function (query, callback) {
        var self = this;
        fetch(PICKER_URL + encodeURIComponent(kind) + "/?" + pickerParams(select, query).toString(),
              {credentials: "same-origin", headers: {"Accept": "application/json"}})
          .then(function (response) { return response.ok ? response.json() : {results: []}; })
          .then(function (data) { self.clearOptions(); callback(data.results); })
          .catch(function () { callback(); });
      },
      render: {
        no_results: function () { return "<div class=\"no-results\">" + texts.empty + "</div>"; },
        loading: function () { return "<div class=\"spinner\">" + texts.loading + "</div>"; },
        not_loading: function (data) {
          return data.input ? null : "<div class=\"no-results\">" + texts.hint + "</div>";
        }
      }
    });
  }

  function initDate(input) {
    if (typeof flatpickr === "undefined" || input._flatpickr) { return; }
    flatpickr(input, {
      locale: (flatpickr.l10ns && flatpickr.l10ns.vn) ? "vn" : "default",
      dateFormat: "d/m/Y",
      allowInput: true,
      disableMobile: true,
      monthSelectorType: "static"
    });
  }

  function init(root) {
    root.querySelectorAll("select[data-picker]").forEach(initPicker);
    root.querySelectorAll("input[data-datepicker]").forEach(initDate);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
