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
// Phone: every cell of a list learns its column's header (data-label), so that below 600 px the CSS
// can show each row as a card ("Tên hệ thống: …"). Without this file tables simply scroll.
(function () {
  function labelTable(table) {
    var headerRow = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!headerRow || table.classList.contains("no-cards")) {
      return;
    }
    var labels = [];
    for (var i = 0; i < headerRow.cells.length; i++) {
      var cell = headerRow.cells[i];
      for (var span = 0; span < (cell.colSpan || 1); span++) {
        labels.push(cell.textContent.replace(/\s+/g, " ").trim());
      }
    }
    for (var b = 0; b < table.tBodies.length; b++) {
      var rows = table.tBodies[b].rows;
      for (var r = 0; r < rows.length; r++) {
        var column = 0;
        for (var c = 0; c < rows[r].cells.length; c++) {
          var td = rows[r].cells[c];
          if (!td.hasAttribute("data-label") && labels[column] && labels[column] !== "#") {
            td.setAttribute("data-label", labels[column]);
          }
          column += td.colSpan || 1;
        }
      }
    }
    table.classList.add("as-cards");
  }
  function labelAll() {
    var tables = document.querySelectorAll("main table");
    for (var t = 0; t < tables.length; t++) {
      labelTable(tables[t]);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", labelAll);
  } else {
    labelAll();
  }
})();
// Repeatable rows (dossier parts, review findings): "+ Thêm dòng" adds an empty row in place.
// Without this file the button re-draws the form with one more row (web/row_fields.py).
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-row-add]");
  if (!button) {
    return;
  }
  var group = button.closest("[data-row-group]");
  var rows = group ? group.querySelectorAll("tr[data-row]") : [];
  if (!rows.length) {
    return;
  }
  event.preventDefault();
  var name = group.getAttribute("data-row-group");
  var next = 0;
  group.querySelectorAll("input[name^='" + name + "-']").forEach(function (input) {
    var index = parseInt(input.name.split("-")[1], 10);
    if (index >= next) {
      next = index + 1;
    }
  });
  var copy = rows[rows.length - 1].cloneNode(true);
  copy.querySelectorAll("input").forEach(function (input) {
    input.name = input.name.replace(/^([^-]+)-\d+-/, "$1-" + next + "-");
    if (input.type === "checkbox") {
      input.checked = false;
    } else {
      input.value = "";
    }
    var label = input.getAttribute("aria-label");
    if (label) {
      input.setAttribute("aria-label", label.replace(/\d+\)$/, (next + 1) + ")"));
    }
  });
  rows[rows.length - 1].parentNode.appendChild(copy);
  copy.querySelector("input").focus();
});
// "+ Thêm dòng" buttons that work only with this file start hidden; show them.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-row-add][hidden]").forEach(function (button) {
    button.hidden = false;
  });
});
