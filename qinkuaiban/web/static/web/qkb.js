// 勤快办 — small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // Close open drop-down menus (<details data-qkb-dismiss>) on a click elsewhere or on Escape.
  function closeMenus(except) {
    document.querySelectorAll("details[data-qkb-dismiss][open]").forEach(function (menu) {
      if (menu !== except) {
        menu.removeAttribute("open");
      }
    });
  }

  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest("details[data-qkb-dismiss]"));
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var open = document.querySelector("details[data-qkb-dismiss][open]");
    if (open) {
      open.removeAttribute("open");
      open.querySelector("summary").focus();
    }
  });
})();
