// The print button: the browser's own print dialog (one poster per page).
document.getElementById("print").addEventListener("click", function () { window.print(); });
