/*
 * Drag-and-drop reordering of modules and cases on the course page.
 *
 * A list with `data-reorder-url` holds items with `data-uuid`; each item has a `.drag-handle`
 * (draggable) so text fields and buttons inside the item keep working. Dropping an item sends
 * the complete new order as `order=<uuid>,<uuid>,...` (form data, CSRF token in the header); the
 * server answers 204. On any other answer the page is reloaded so it shows the stored order.
 * Lists nest (cases inside modules): an item only moves within its own list.
 *
 * The ↑/↓ buttons (`data-move`) are the keyboard way to reorder; their disabled state is kept
 * right after a drag.
 */
(function () {
  "use strict";

  var dragging = null; // {item, list, before: [uuids], dropped: bool}
  var status = null;

  function announce(text) {
    if (!status) {
      status = document.createElement("p");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      document.body.appendChild(status);
    }
    status.textContent = text;
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function itemsOf(list) {
    return Array.prototype.filter.call(list.children, function (child) {
      return child.hasAttribute("data-uuid");
    });
  }

  function orderOf(list) {
    return itemsOf(list).map(function (item) {
      return item.getAttribute("data-uuid");
    });
  }

  // The direct child of `list` that contains `node`, if any.
  function itemAt(list, node) {
    while (node && node.parentElement !== list) node = node.parentElement;
    return node && node.hasAttribute && node.hasAttribute("data-uuid") ? node : null;
  }

  function refreshMoveButtons(list) {
    var items = itemsOf(list);
    items.forEach(function (item, index) {
      item.querySelectorAll("[data-move]").forEach(function (button) {
        if (button.closest("[data-uuid]") !== item) return; // a nested list's button
        var direction = button.getAttribute("data-move");
        button.disabled =
          (direction === "up" && index === 0) || (direction === "down" && index === items.length - 1);
      });
    });
  }

  function restore(list, uuids) {
    var byUuid = {};
    itemsOf(list).forEach(function (item) {
      byUuid[item.getAttribute("data-uuid")] = item;
    });
    uuids.forEach(function (uuid) {
      if (byUuid[uuid]) list.appendChild(byUuid[uuid]);
    });
  }

  function save(list) {
    var body = new URLSearchParams();
    body.set("order", orderOf(list).join(","));
    announce("Saving the new order…");
    fetch(list.getAttribute("data-reorder-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest", "X-CSRFToken": csrfToken() },
      body: body,
    })
      .then(function (response) {
        if (response.status !== 204) throw new Error("HTTP " + response.status);
        refreshMoveButtons(list);
        announce("New order saved.");
      })
      .catch(function () {
        announce("The new order could not be saved. Reloading the page.");
        window.location.reload();
      });
  }

  document.addEventListener("dragstart", function (event) {
    var handle = event.target.closest && event.target.closest(".drag-handle");
    if (!handle) return;
    var item = handle.closest("[data-uuid]");
    var list = item && item.parentElement;
    if (!list || !list.hasAttribute("data-reorder-url")) return;
    dragging = { item: item, list: list, before: orderOf(list), dropped: false };
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.getAttribute("data-uuid")); // Firefox needs data
    var box = item.getBoundingClientRect();
    event.dataTransfer.setDragImage(item, event.clientX - box.left, event.clientY - box.top);
    // Styling the source in the same tick would also style the drag image.
    window.setTimeout(function () {
      if (dragging) {
        item.classList.add("is-dragging");
        list.classList.add("is-reordering");
      }
    }, 0);
  });

  document.addEventListener("dragover", function (event) {
    if (!dragging || !dragging.list.contains(event.target)) return;
    event.preventDefault(); // allow the drop
    event.dataTransfer.dropEffect = "move";
    var target = itemAt(dragging.list, event.target);
    if (!target || target === dragging.item) return;
    var items = itemsOf(dragging.list);
    var from = items.indexOf(dragging.item);
    var to = items.indexOf(target);
    var box = target.getBoundingClientRect();
    var middle = box.top + box.height / 2;
    // Move only once the pointer passes the target's middle in the direction of travel, so
    // items of different heights do not swap back and forth.
    if (from < to && event.clientY > middle) {
      dragging.list.insertBefore(dragging.item, target.nextSibling);
    } else if (from > to && event.clientY < middle) {
      dragging.list.insertBefore(dragging.item, target);
    }
  });

  document.addEventListener("drop", function (event) {
    if (!dragging || !dragging.list.contains(event.target)) return;
    event.preventDefault(); // not a link drop: do not navigate
    dragging.dropped = true;
  });

  document.addEventListener("dragend", function () {
    if (!dragging) return;
    var state = dragging;
    dragging = null;
    state.item.classList.remove("is-dragging");
    state.list.classList.remove("is-reordering");
    if (!state.dropped) {
      restore(state.list, state.before); // cancelled (Escape) or dropped elsewhere
      return;
    }
    if (orderOf(state.list).join(",") !== state.before.join(",")) save(state.list);
  });
})();
