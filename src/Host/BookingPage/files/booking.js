'use strict';

// The booking page: sign in with a token, pick a doctor, see a week of free slots in the clinic's zone, book one,
// see and cancel my appointments; a doctor sees their day. Every text from the API goes in through textContent.
(() => {
  const api = BookingApi;
  const TOKEN_KEY = 'appointments.token';
  const $ = id => document.getElementById(id);
  const state = {
    user: null,
    zone: null,
    doctors: [],
    weekStart: null,
    selected: null,
    // The version each appointment was last seen at (from a booking's or a change's ETag, or a 412's etag):
    // a cancel sends it as If-Match, so it cancels exactly what this page showed.
    etags: new Map(),
  };

  // How many times each part of the page was asked to load. Only the latest load may draw its part: an earlier one
  // answered late (a user going through doctors, weeks or days faster than the API answers) would show another week,
  // doctor or day than the one named above it.
  const loads = { slots: 0, mine: 0, day: 0 };

  // What the page does about each refusal, besides showing its code, message and detail.
  const reactions = {
    unauthorized: { hint: 'Sign in again.', then: () => signOut(false) },
    doctor_booked: { hint: 'Someone else just took this time; the free slots are shown again.', then: () => loadSlots() },
    doctor_unavailable: { hint: 'The free slots are shown again.', then: () => loadSlots() },
    slot_held: { hint: 'This time is held for a patient on the waiting list; the free slots are shown again.', then: () => loadSlots() },
    too_soon: { hint: 'The free slots are shown again.', then: () => loadSlots() },
    patient_busy: { hint: 'See my appointments below.', then: () => loadMine() },
    precondition_failed: { hint: 'My appointments are shown as they are now: look again, then cancel if you still want to.', then: () => loadMine() },
    not_found: { hint: 'My appointments are shown as they are now.', then: () => loadMine() },
    appointment_closed: { hint: 'My appointments are shown as they are now.', then: () => loadMine() },
  };

  function showError(error) {
    const problem = error instanceof api.ApiError ? error.problem : { code: 'error', message: String(error) };
    const details = [];
    if (typeof problem.detail === 'string') details.push(problem.detail);
    if (problem.errors && typeof problem.errors === 'object') {
      for (const [field, messages] of Object.entries(problem.errors)) details.push(`${field}: ${[].concat(messages).join('; ')}.`);
    }

    const reaction = reactions[problem.code];
    $('error-code').textContent = String(problem.code || `http_${error.status}`);
    $('error-message').textContent = String(problem.message || problem.title || 'The request was refused');
    $('error-detail').textContent = details.join(' ');
    $('error-hint').textContent = reaction ? reaction.hint : '';
    $('error').dataset.code = String(problem.code || '');
    $('error').hidden = false;
    $('notice').hidden = true;
    if (reaction) reaction.then();
  }

  function showNotice(text) {
    $('notice').textContent = text;
    $('notice').hidden = false;
  }

  function clearMessages() {
    $('error').hidden = true;
    $('notice').hidden = true;
  }

  const cell = (text, className) => {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    return td;
  };

  const button = (text, label, onClick) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    if (label) b.setAttribute('aria-label', label);
    b.addEventListener('click', onClick);
    return b;
  };

  const when = item => `${api.dayName(item.date_time.slice(0, 10))} ${api.clock(item.date_time)}–${api.clock(item.end)}`;

  // --- Signing in and out ---

  async function signIn(token) {
    clearMessages();
    const user = api.subjectOf(token);
    if (!user) {
      showError(new api.ApiError(0, { code: 'invalid_token', message: 'That is not an access token', detail: 'Paste the whole access_token: three parts separated by dots.' }));
      return;
    }

    api.useToken(token);
    try {
      state.doctors = (await api.call('GET', '/api/doctors')).data || [];
    } catch (error) {
      api.useToken(null);
      showError(error);
      return;
    }

    sessionStorage.setItem(TOKEN_KEY, token);
    state.user = user;
    state.zone = state.doctors.length > 0 ? state.doctors[0].time_zone : null;
    $('who-name').textContent = user;
    $('who').hidden = false;
    $('sign-in').hidden = true;
    $('token').value = '';

    // A role-less token (the user service's) says nothing of the role: the agenda says whether this is a doctor.
    // A username that could not be a doctor's name is a patient's without asking.
    const today = api.todayIn(state.zone);
    if (!/^[A-Za-z0-9_.:@-]{1,128}$/.test(user)) {
      await showPatient();
      return;
    }

    try {
      const agenda = await api.call('GET', api.path`/api/doctors/${user}/appointments?date=${today}`);
      showDoctor(today, agenda.data || []);
    } catch (error) {
      if (error instanceof api.ApiError && error.problem.code === 'forbidden') {
        await showPatient();
      } else {
        showError(error);
      }
    }
  }

  function signOut(clear = true) {
    sessionStorage.removeItem(TOKEN_KEY);
    api.useToken(null);
    state.user = null;
    state.etags.clear();
    for (const id of ['who', 'book', 'mine', 'day']) $(id).hidden = true;
    $('sign-in').hidden = false;
    if (clear) clearMessages();
  }

  // --- A patient: doctors, a week of free slots, booking, my appointments ---

  async function showPatient() {
    $('who-role').textContent = '(patient)';
    const select = $('doctor');
    select.replaceChildren(...state.doctors.map(d => {
      const option = document.createElement('option');
      option.value = d.doctor;
      option.textContent = d.next_free ? `${d.doctor} (first free ${api.dayName(d.next_free.date_time.slice(0, 10))} ${api.clock(d.next_free.date_time)})` : `${d.doctor} (no free time this month)`;
      return option;
    }));
    $('no-doctors').hidden = state.doctors.length > 0;
    $('zone').textContent = state.zone ? `Times are in the clinic's time zone: ${state.zone}.` : '';
    state.weekStart = api.todayIn(state.zone);
    $('book').hidden = false;
    $('mine').hidden = false;
    await Promise.all([loadSlots(), loadMine()]);
  }

  async function loadSlots() {
    const load = ++loads.slots;
    const doctor = $('doctor').value;
    state.selected = null;
    $('selected').hidden = true;
    const from = state.weekStart;
    const to = api.addDays(from, 6);
    $('week').textContent = `${api.dayName(from)} – ${api.dayName(to)}`;
    $('prev-week').disabled = from <= api.todayIn(state.zone);
    if (!doctor) {
      $('slots').replaceChildren();
      return;
    }

    let slots;
    try {
      slots = (await api.call('GET', api.path`/api/doctors/${doctor}/slots?from=${from}&to=${to}`)).data || [];
    } catch (error) {
      if (load === loads.slots) showError(error);
      return;
    }

    if (load !== loads.slots) return;

    const days = [];
    for (let i = 0; i < 7; i++) {
      const date = api.addDays(from, i);
      const column = document.createElement('div');
      column.className = 'day';
      column.dataset.date = date;
      column.setAttribute('role', 'group');
      column.setAttribute('aria-label', api.dayName(date));
      const heading = document.createElement('h3');
      heading.textContent = api.dayName(date);
      column.append(heading);
      const free = slots.filter(s => s.date_time.slice(0, 10) === date);
      for (const slot of free) {
        const label = `${api.dayName(date)} ${api.clock(slot.date_time)}`;
        column.append(button(api.clock(slot.date_time), label, () => select({ ...slot, doctor })));
      }

      if (free.length === 0) {
        const none = document.createElement('p');
        none.className = 'none';
        none.textContent = 'No free time';
        column.append(none);
      }

      days.push(column);
    }

    $('slots').replaceChildren(...days);
  }

  function select(slot) {
    clearMessages();
    state.selected = slot;
    $('selected-text').textContent =
      `${slot.doctor}, ${when(slot)} (${state.zone}, ${api.offsetOf(slot.start)}), ${slot.duration_minutes} minutes`;
    $('selected').hidden = false;
    $('book-selected').focus();
  }

  async function book() {
    const slot = state.selected;
    if (!slot) return;
    clearMessages();
    $('book-selected').disabled = true;
    try {
      // date_time is the slot's clinic-local start, as the original's clients send it; without duration_minutes
      // the visit lasts exactly this slot.
      const { data, etag } = await api.call('POST', '/api/appointments', { body: { doctor: slot.doctor, date_time: slot.date_time } });
      if (etag) state.etags.set(data._id, etag);
      showNotice(`${data.message}: ${slot.doctor}, ${when(slot)}.`);
      await Promise.all([loadSlots(), loadMine()]);
    } catch (error) {
      showError(error);
    } finally {
      $('book-selected').disabled = false;
    }
  }

  async function loadMine() {
    const load = ++loads.mine;
    let appointments;
    try {
      appointments = (await api.call('GET', '/api/appointments?upcoming=true')).data || [];
    } catch (error) {
      if (load === loads.mine) showError(error);
      return;
    }

    if (load !== loads.mine) return;

    $('mine-table').querySelector('tbody').replaceChildren(...appointments.map(a => {
      const row = document.createElement('tr');
      row.dataset.id = a._id;
      const action = document.createElement('td');
      if (a.status === 'scheduled' || a.status === 'rescheduled') {
        action.append(button('Cancel', `Cancel ${a.doctor} ${when(a)}`, event => cancel(a, event.currentTarget)));
      }

      row.append(cell(when(a)), cell(a.doctor), cell(a.status, `status ${a.status}`), action);
      return row;
    }));
    $('mine-empty').hidden = appointments.length > 0;
  }

  async function cancel(appointment, control) {
    clearMessages();
    control.disabled = true;
    const id = appointment._id;
    try {
      // The list carries no versions: one not seen yet is read first.
      const version = state.etags.get(id) || (await api.call('GET', api.path`/api/appointments/${id}`)).etag;
      const { data, etag } = await api.call('POST', api.path`/api/appointments/${id}/cancel`, { ifMatch: version });
      if (etag) state.etags.set(id, etag);
      showNotice(`${data.message}: ${appointment.doctor}, ${when(appointment)}.`);
      await Promise.all([loadMine(), loadSlots()]);
    } catch (error) {
      // A 412 tells the version there is now: the next cancel, made after seeing the refreshed list, sends it.
      if (error instanceof api.ApiError && typeof error.problem.etag === 'string') state.etags.set(id, error.problem.etag);
      control.disabled = false;
      showError(error);
    }
  }

  // --- A doctor: their day ---

  function showDoctor(date, agenda) {
    $('who-role').textContent = '(doctor)';
    $('day-date').value = date;
    $('day-zone').textContent = state.zone ? `Times are in the clinic's time zone: ${state.zone}.` : '';
    $('day').hidden = false;
    renderDay(agenda);
  }

  async function loadDay(date) {
    const load = ++loads.day;
    clearMessages();
    $('day-date').value = date;
    try {
      const agenda = (await api.call('GET', api.path`/api/doctors/${state.user}/appointments?date=${date}`)).data || [];
      if (load === loads.day) renderDay(agenda);
    } catch (error) {
      if (load === loads.day) showError(error);
    }
  }

  function renderDay(agenda) {
    $('day-table').querySelector('tbody').replaceChildren(...agenda.map(a => {
      const row = document.createElement('tr');
      row.append(cell(`${api.clock(a.date_time)}–${api.clock(a.end)}`), cell(a.username), cell(a.status, `status ${a.status}`));
      return row;
    }));
    $('day-empty').hidden = agenda.length > 0;
  }

  // --- Wiring ---

  $('sign-in-form').addEventListener('submit', event => {
    event.preventDefault();
    signIn($('token').value.trim());
  });
  $('sign-out').addEventListener('click', () => signOut());
  $('doctor').addEventListener('change', () => {
    clearMessages();
    loadSlots();
  });
  $('prev-week').addEventListener('click', () => {
    const earlier = api.addDays(state.weekStart, -7);
    const today = api.todayIn(state.zone);
    state.weekStart = earlier < today ? today : earlier;
    loadSlots();
  });
  $('next-week').addEventListener('click', () => {
    state.weekStart = api.addDays(state.weekStart, 7);
    loadSlots();
  });
  $('book-selected').addEventListener('click', book);
  $('prev-day').addEventListener('click', () => loadDay(api.addDays($('day-date').value, -1)));
  $('next-day').addEventListener('click', () => loadDay(api.addDays($('day-date').value, 1)));
  $('day-date').addEventListener('change', () => {
    if ($('day-date').value) loadDay($('day-date').value);
  });

  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) signIn(saved);
})();
