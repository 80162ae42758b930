// ATTT xã — live countdown for reporting clocks. The server already wrote the time left; this only
// keeps it fresh while the page stays open. Works without it.
(function () {
  var english = document.documentElement.lang === "en";
  var words = english
    ? {overdue: "Overdue ", left: "", leftAfter: " left", day: [" day", " days"], hour: [" hour", " hours"],
       minute: [" minute", " minutes"]}
    : {overdue: "Quá hạn ", left: "Còn ", leftAfter: "", day: [" ngày", " ngày"], hour: [" giờ", " giờ"],
       minute: [" phút", " phút"]};
  function unit(n, pair) { return n + pair[n === 1 ? 0 : 1]; }
  function describe(ms) {
    var minutes = Math.round(Math.abs(ms) / 60000);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), rest = minutes % 60;
    if (days) { return unit(days, words.day) + (hours ? " " + unit(hours, words.hour) : ""); }
    if (hours) { return unit(hours, words.hour) + (rest ? " " + unit(rest, words.minute) : ""); }
    return unit(rest, words.minute);
  }
  function refresh() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (badge) {
      var left = Date.parse(badge.getAttribute("data-due")) - now;
      if (isNaN(left)) { return; }
      badge.textContent = left < 0 ? words.overdue + describe(left) : words.left + describe(left) + words.leftAfter;
      badge.classList.toggle("overdue", left < 0);
      badge.classList.toggle("pending", left >= 0);
    });
  }
  setInterval(refresh, 30000);
})();
