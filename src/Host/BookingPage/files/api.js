'use strict';

// The appointments API as the booking page calls it: same origin, a bearer token, JSON in and out, and every
// refusal an ApiError carrying the problem document (its `code`, `message`, `detail`, `errors`, `etag`).
// Plus the clinic-local date arithmetic the page needs: dates are plain `YYYY-MM-DD` strings, never the browser's
// own time zone.
const BookingApi = (() => {
  class ApiError extends Error {
    constructor(status, problem) {
      super(problem.message || `HTTP ${status}`);
      this.status = status;
      this.problem = problem;
    }
  }

  let token = null;

  function useToken(value) {
    token = value;
  }

  async function call(method, path, { body, ifMatch } = {}) {
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (ifMatch) headers['If-Match'] = ifMatch;
    let response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch {
      throw new ApiError(0, { code: 'network', message: 'The service could not be reached', detail: 'Check the connection and try again.' });
    }

    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }

    if (!response.ok) {
      const problem = data && typeof data === 'object' && !Array.isArray(data)
        ? data
        : { code: `http_${response.status}`, message: response.statusText || 'The service refused the request' };
      throw new ApiError(response.status, problem);
    }

    return { data, etag: response.headers.get('ETag') };
  }

  const path = (strings, ...values) =>
    strings.reduce((url, part, i) => url + part + (i < values.length ? encodeURIComponent(values[i]) : ''), '');

  // The `sub` of a JWT, read without checking it (the API checks it): who to greet, and whose agenda to ask for.
  function subjectOf(jwt) {
    const parts = typeof jwt === 'string' ? jwt.split('.') : [];
    if (parts.length !== 3) return null;
    try {
      const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
      const bytes = Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), c => c.charCodeAt(0));
      const claims = JSON.parse(new TextDecoder().decode(bytes));
      return typeof claims.sub === 'string' && claims.sub.length > 0 ? claims.sub : null;
    } catch {
      return null;
    }
  }

  // Today's date in the clinic's zone; the browser's own zone when the clinic's is unknown to it.
  function todayIn(zone) {
    let format;
    try {
      format = new Intl.DateTimeFormat('en-CA', { timeZone: zone || undefined, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      format = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' });
    }

    const parts = Object.fromEntries(format.formatToParts(new Date()).map(p => [p.type, p.value]));
    return `${parts.year}-${parts.month}-${parts.day}`;
  }

  function addDays(date, days) {
    const day = new Date(`${date}T00:00:00Z`);
    day.setUTCDate(day.getUTCDate() + days);
    return day.toISOString().slice(0, 10);
  }

  const dayFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' });

  // "Mon 4 Jan" for `2027-01-04`: a calendar date, named without any zone.
  const dayName = date => dayFormat.format(new Date(`${date}T00:00:00Z`)).replace(',', '');

  // The clock time of an ISO 8601 time with the clinic's offset (or a `date_time`): already clinic-local.
  const clock = time => time.slice(11, 16);

  // "UTC+01:00" from `2027-01-04T09:00:00+01:00`.
  const offsetOf = time => {
    const offset = /([+-]\d\d:\d\d|Z)$/.exec(time);
    return offset ? `UTC${offset[1] === 'Z' ? '+00:00' : offset[1]}` : '';
  };

  return { ApiError, useToken, call, path, subjectOf, todayIn, addDays, dayName, clock, offsetOf };
})();
