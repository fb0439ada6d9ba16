// The online questionnaire: skipped questions, error summary focus, one
// question per screen on phones. The form works without it.
(function () {
  "use strict";
  var form = document.querySelector("[data-questionnaire]");
  if (!form) { return; }
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    // A link in the summary moves focus to the field, not only the view.
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) { return; }
      event.preventDefault();
      var step = field.closest(".question, .final");
      if (step && typeof show === "function" && steps) { show(steps.indexOf(step), false); }
      field.focus();
    });
  }
  var steps = null;
  var show = null;
  var questions = Array.prototype.slice.call(form.querySelectorAll(".question"));
  function answer(code) {
    var checked = form.querySelector('input[name="' + code + '"]:checked');
    return checked ? checked.value : "";
  }
  function applySkips() {
    questions.forEach(function (fieldset) {
      var filter = fieldset.getAttribute("data-asked-if");
      if (!filter) { return; }
      var asked = answer(filter) === "yes";
      fieldset.hidden = !asked;
      fieldset.disabled = !asked;
    });
  }
  form.addEventListener("change", function () { applySkips(); });
  applySkips();

  // Phones: one question per screen. Without this script every question
  // stays on one page, which works everywhere.
  if (!window.matchMedia || !window.matchMedia("(max-width: 40em)").matches) { return; }
  steps = questions.concat([form.querySelector(".final")]);
  var current = 0;
  form.classList.add("questionnaire-steps");
  var nav = document.createElement("div");
  nav.className = "step-nav";
  var status = document.createElement("p");
  status.className = "step-status";
  status.setAttribute("aria-live", "polite");
  var back = document.createElement("button");
  back.type = "button"; back.className = "button button--secondary"; back.textContent = "Назад";
  var next = document.createElement("button");
  next.type = "button"; next.className = "button"; next.textContent = "Далее";
  nav.appendChild(back); nav.appendChild(next);
  form.insertBefore(status, form.firstChild);
  form.appendChild(nav);
  function visible(index) { return !steps[index].hidden; }
  show = function (index, focus) {
    steps.forEach(function (step, i) { step.classList.toggle("is-current", i === index); });
    current = index;
    var shown = steps.filter(function (step) { return !step.hidden; });
    var position = shown.indexOf(steps[index]) + 1;
    status.textContent = "Шаг " + position + " из " + shown.length;
    back.hidden = index === 0;
    next.hidden = index === steps.length - 1;
    if (focus) {
      var target = steps[index].querySelector("legend, label") || steps[index];
      target.setAttribute("tabindex", "-1");
      target.focus();
    }
  };
  function move(delta) {
    var index = current + delta;
    while (index > 0 && index < steps.length - 1 && !visible(index)) { index += delta; }
    show(Math.max(0, Math.min(steps.length - 1, index)), true);
  }
  back.addEventListener("click", function () { move(-1); });
  next.addEventListener("click", function () { move(1); });
  var firstError = questions.findIndex(function (q) { return q.classList.contains("question--error"); });
  show(firstError > 0 ? firstError : 0, false);
})();
