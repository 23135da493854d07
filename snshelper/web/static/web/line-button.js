// The green LINE button: on a phone it opens LINE (a deep link); on a computer, where LINE is
// usually not installed, it shows our QR code to scan with the phone instead.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-line-button]");
  const dialog = document.getElementById("line-dialog");
  if (!button || !dialog || !window.matchMedia("(hover: hover) and (pointer: fine)").matches) return;
  event.preventDefault();
  dialog.showModal();
});
