// Autocomplete for the search box: fills the <datalist> from /search/suggest/.
// Without this script the form still submits as a plain GET form.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var input = document.querySelector("input[data-suggest-url]");
    if (!input || !window.fetch) { return; }
    var list = document.getElementById(input.getAttribute("list"));
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
  });
})();
