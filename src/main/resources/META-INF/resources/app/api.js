// Calls to the Goals API: the bearer token, ETags in If-Match, a request id that lets the page recognise its own changes in the event stream.
import { currentToken, tokenRefused } from './session.js';

export class ApiError extends Error {
    constructor(status, problem) {
        super(problem?.detail || problem?.title || 'The request failed (' + status + ')');
        this.status = status;
        this.problem = problem;
    }
}

const ownRequests = new Set();

function newRequestId() {
    // crypto.randomUUID needs a secure context; random bytes do not.
    const id = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
    ownRequests.add(id);
    if (ownRequests.size > 500) ownRequests.delete(ownRequests.values().next().value);
    return id;
}

/** Whether a change set came from a request this page made. */
export function isOwnRequest(id) {
    return ownRequests.has(id);
}

export const etagOf = (version) => '"' + version + '"';

export async function call(method, path, { body, version, retried = false } = {}) {
    const requestId = newRequestId();
    const headers = { Authorization: 'Bearer ' + await currentToken(), 'X-Request-Id': requestId };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (version !== undefined) headers['If-Match'] = etagOf(version);
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status === 401 && !retried) {
        await tokenRefused();
        return call(method, path, { body, version, retried: true });
    }
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (!response.ok) throw new ApiError(response.status, json);
    return { body: json, etag: response.headers.get('ETag') };
}

const goal = (id) => '/api/v1/goals/' + encodeURIComponent(id);

export const api = {
    list: () => call('GET', '/api/v1/goals'),
    get: (id) => call('GET', goal(id)).then((r) => r.body),
    create: (content) => call('POST', '/api/v1/goals', { body: content }).then((r) => r.body),
    update: (id, content, version) => call('PUT', goal(id), { body: content, version }).then((r) => r.body),
    remove: (id, version) => call('DELETE', goal(id), { version }),
    complete: (id, version) => call('POST', goal(id) + '/complete', { version }).then((r) => r.body),
    completeMilestone: (id, milestoneId, version) =>
        call('POST', goal(id) + '/milestones/' + encodeURIComponent(milestoneId) + '/complete', { version }).then((r) => r.body),
    initialize: (id, version, replace) =>
        call('POST', goal(id) + '/milestones/initialize' + (replace ? '?replace=true' : ''), { version }).then((r) => r.body),
    history: (id) => call('GET', goal(id) + '/history').then((r) => r.body),
    restore: (id, version, currentVersion) =>
        call('POST', goal(id) + '/restore', { body: { version }, version: currentVersion }).then((r) => r.body),
};
