// 勤快办 — list tables keep their meaning for screen readers when they become cards.
//
// On a phone the stylesheet turns every table.table-stack into cards by changing `display`.
// Chromium keeps the table semantics then; older WebKit (VoiceOver on iPhones) drops them and
// reads the cells as loose text. Stating the roles outright keeps rows, cells and their column
// headers announced everywhere. Setting a role a table element already has natively changes
// nothing for browsers that kept it. Idempotent: a role already present is left alone.
(function () {
  "use strict";

  var SELECTOR = "table.table-stack";

  function setRole(element, role) {
    if (!element.hasAttribute("role")) {
      element.setAttribute("role", role);
    }
  }

  function headerRole(cell, inHead) {
    var scope = (cell.getAttribute("scope") || "").toLowerCase();
    if (scope === "col" || scope === "colgroup") {
      return "columnheader";
    }
    if (scope === "row" || scope === "rowgroup") {
      return "rowheader";
    }
    // No scope: a header in the header row heads its column, elsewhere its row.
    return inHead ? "columnheader" : "rowheader";
  }

  // Only this table's own sections, rows and cells: a table nested in a cell is its own.
  function describe(table) {
    setRole(table, "table");
    var sections = [table.tHead, table.tFoot].concat(Array.prototype.slice.call(table.tBodies));
    sections.forEach(function (section) {
      if (section) {
        setRole(section, "rowgroup");
      }
    });
    Array.prototype.forEach.call(table.rows, function (row) {
      setRole(row, "row");
      var inHead = row.parentNode === table.tHead;
      Array.prototype.forEach.call(row.cells, function (cell) {
        setRole(cell, cell.tagName === "TH" ? headerRole(cell, inHead) : "cell");
      });
    });
  }

  function describeWithin(root) {
    if (!root || typeof root.querySelectorAll !== "function") {
      return;
    }
    if (typeof root.matches === "function" && root.matches(SELECTOR)) {
      describe(root);
    }
    Array.prototype.forEach.call(root.querySelectorAll(SELECTOR), describe);
  }

  // This script is deferred: the whole page is parsed when it runs.
  describeWithin(document);

  // Tables htmx brings in (a filtered list, a next page). htmx:load names each new element;
  // after an outerHTML swap the old target has left the page, so the page is looked through.
  document.addEventListener("htmx:load", function (event) {
    describeWithin(event.detail && event.detail.elt ? event.detail.elt : event.target);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target ? event.detail.target : event.target;
    describeWithin(target && target.isConnected ? target : document);
  });
})();
