# Booking bodies for the availability benchmark, one JSON line each, booked by an admin for bench-a0000..0999.
# For each doctor: the week from -v week=YYYY-MM-DD (a Monday), whose day 0 is busy (24 visits of 15 minutes,
# every 30 minutes from 08:00) and whose days 1-6 have 40 each (the 15-minute grid from 08:00 to 20:00, every
# sixth slot left free); then the rest of the doctor's total on the days after the week, 48 a day from 08:00.
# Both doctors have the same week, so their free slots and agendas are the same: only the other days differ.
# Run with TZ=UTC (mawk's mktime reads local time).
function body(doctor, t) {
  printf "{\"doctor\":\"%s\",\"date_time\":\"%s\",\"duration_minutes\":15,\"username\":\"bench-a%04d\",\"email\":\"patient%d@example.com\"}\n",
    doctor, strftime("%Y-%m-%d %H:%M:%S", t, 1), seq % 1000, seq % 1000
  seq++
}

function doctor(name, total,   n, d, j) {
  for (n = 0; n < 24; n++) body(name, start + 8 * 3600 + n * 1800)
  for (d = 1; d < 7; d++)
    for (j = 0; j < 48; j++)
      if (j % 6 != 5) { body(name, start + d * 86400 + 8 * 3600 + j * 900); n++ }
  for (j = 0; n < total; j++) { body(name, start + (8 + int(j / 48)) * 86400 + 8 * 3600 + (j % 48) * 900); n++ }
}

BEGIN {
  split(week, p, "-")
  start = mktime(p[1] " " p[2] " " p[3] " 00 00 00")
  doctor("dr-avail", 500)
  doctor("dr-busy", busy)
}
