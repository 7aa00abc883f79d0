// The subscribe form: preselect the browser's own time zone, unless the person already chose one (a form sent back with errors).
// Without script the form keeps the zone the server guessed from the browser's language.
(function () {
  var select = document.getElementById('time_zone');
  if (!select || select.getAttribute('data-chosen') === 'true') return;
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  var aliases = { 'Europe/Kiev': 'Europe/Kyiv', 'Asia/Calcutta': 'Asia/Kolkata', 'Asia/Katmandu': 'Asia/Kathmandu', 'Asia/Saigon': 'Asia/Ho_Chi_Minh', 'Asia/Rangoon': 'Asia/Yangon' };
  var wanted = [zone, aliases[zone]];
  for (var i = 0; i < select.options.length; i++) {
    if (wanted.indexOf(select.options[i].value) >= 0) { select.selectedIndex = i; return; }
  }
})();
