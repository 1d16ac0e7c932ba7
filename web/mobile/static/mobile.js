// /m: previews of the photos picked, smaller copies of big camera pictures, and no double taps.
(function () {
  "use strict";
  var MAX_SIDE = 1600;  // a phone photo shrunk to this is plenty for a record and uploads fast on 4G

  function shrink(file) {
    // Resolves with a smaller JPEG, or the file itself when the browser cannot read it (HEIC...).
    return new Promise(function (resolve) {
      if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) { resolve(file); return; }
      createImageBitmap(file).then(function (bitmap) {
        var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
        if (scale === 1 && file.size < 1500000) { resolve(file); return; }
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          resolve(blob ? new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", {type: "image/jpeg"}) : file);
        }, "image/jpeg", 0.85);
      }).catch(function () { resolve(file); });
    });
  }

  document.querySelectorAll("input[type=file][name=photo]").forEach(function (input) {
    input.addEventListener("change", function () {
      var previews = input.form.querySelector(".previews");
      var files = Array.prototype.slice.call(input.files, 0, 4);
      Promise.all(files.map(shrink)).then(function (smaller) {
        if (window.DataTransfer) {
          try {
            var list = new DataTransfer();
            smaller.forEach(function (f) { list.items.add(f); });
            input.files = list.files;
          } catch (e) { /* keep the originals: the server takes them as they are */ }
        }
        if (!previews) { return; }
        previews.replaceChildren();
        smaller.forEach(function (f) {
          var img = document.createElement("img");
          img.src = URL.createObjectURL(f);
          img.alt = "待上传照片";
          previews.appendChild(img);
        });
      });
    });
  });

  document.querySelectorAll("main form").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
    });
  });
})();
