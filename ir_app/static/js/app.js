// ATTT xã — progressive enhancements only; every page works without this file.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var message = form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-print]");
  if (target) {
    event.preventDefault();
    window.print();
  }
});
// "Select all" for list pages with bulk edit: <input type="checkbox" data-select-all="NAME">.
document.addEventListener("change", function (event) {
  var name = event.target.getAttribute && event.target.getAttribute("data-select-all");
  if (!name) {
    return;
  }
  var boxes = event.target.form ? event.target.form.querySelectorAll('input[type="checkbox"][name="' + name + '"]') : [];
  for (var i = 0; i < boxes.length; i++) {
    boxes[i].checked = event.target.checked;
  }
});
