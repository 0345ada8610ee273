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

  // A date declared not to precede another field's (an end date: not_before_field in the
  // form declaration) offers no day before the one chosen there. The server checks again.
  function fieldName(input) {
    var name = input.name || "";
    return name.slice(name.lastIndexOf("-") + 1);  // without the form's prefix
  }

  function followStart(start) {
    if (!start.form) {
      return;
    }
    var ends = start.form.querySelectorAll(
      'input[data-not-before-field="' + fieldName(start) + '"]');
    ends.forEach(function (end) {
      var declared = end.dataset.min || "";
      var earliest = start.value && start.value > declared ? start.value : declared;
      if (earliest) {
        end.min = earliest;
      } else {
        end.removeAttribute("min");
      }
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches('input[type="date"]')) {
      followStart(event.target);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll('input[type="date"]').forEach(followStart);
  });
})();
