// ATTT xã — live countdown for reporting clocks. The server already wrote the time left; this only
// keeps it fresh while the page stays open. Works without it.
(function () {
  function describe(ms) {
    var minutes = Math.round(Math.abs(ms) / 60000);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), rest = minutes % 60;
    if (days) { return days + " ngày" + (hours ? " " + hours + " giờ" : ""); }
    if (hours) { return hours + " giờ" + (rest ? " " + rest + " phút" : ""); }
    return rest + " phút";
  }
  function refresh() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (badge) {
      var left = Date.parse(badge.getAttribute("data-due")) - now;
      if (isNaN(left)) { return; }
      badge.textContent = (left < 0 ? "Quá hạn " : "Còn ") + describe(left);
      badge.classList.toggle("overdue", left < 0);
      badge.classList.toggle("pending", left >= 0);
    });
  }
  setInterval(refresh, 30000);
})();
