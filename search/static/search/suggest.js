// Autocomplete for the search page's box (any input[data-suggest-url] with a
// <datalist>): fills the list from /search/suggest/. Without this script the
// form still submits as a plain GET form. The site header's box is a plain
// form: pages other than search carry no script.
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var value = input.value.trim();
        if (value.length < 2 || value === last) { return; }
        last = value;
        fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(value), {
          headers: { "Accept": "application/json" }
        })
          .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
          .then(function (data) {
            if (input.value.trim() !== value) { return; }
            list.textContent = "";
            data.suggestions.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.text;
              option.label = item.kind_label;
              list.appendChild(option);
            });
          })
          .catch(function () { list.textContent = ""; });
      }, 200);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.fetch) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest-url]"), attach);
  });
})();
