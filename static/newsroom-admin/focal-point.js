/* The image form's preview sets the focal point: a click on the picture fills the two
   focal point fields (0..1 across and down) and marks the spot. The fields stay the way
   to set it without a pointer. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", () => {
    const preview = document.querySelector(".field-preview img");
    const across = document.getElementById("id_focal_x");
    const down = document.getElementById("id_focal_y");
    if (!preview || !across || !down) { return; }
    const frame = preview.parentElement;
    frame.classList.add("focal-point");
    const marker = document.createElement("span");
    marker.className = "focal-point__marker";
    marker.setAttribute("aria-hidden", "true");
    frame.appendChild(marker);
    function show() {
      const x = parseFloat(across.value), y = parseFloat(down.value);
      marker.hidden = Number.isNaN(x) || Number.isNaN(y);
      marker.style.left = `${x * 100}%`;
      marker.style.top = `${y * 100}%`;
    }
    preview.title = "Click the point crops must keep in view";
    preview.addEventListener("click", (event) => {
      const box = preview.getBoundingClientRect();
      across.value = ((event.clientX - box.left) / box.width).toFixed(2);
      down.value = ((event.clientY - box.top) / box.height).toFixed(2);
      show();
    });
    across.addEventListener("input", show);
    down.addEventListener("input", show);
    show();
  });
})();
