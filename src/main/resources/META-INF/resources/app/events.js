// Follows /api/v1/goals/events. EventSource cannot send an Authorization header, so this reads the
// stream with fetch and resumes with Last-Event-ID, as EventSource would.
import { currentToken, SignInNeeded, tokenRefused } from './session.js';

/**
 * Calls onChange(changeSet) for every change after lastEventId, onReset() when the page must list its
 * goals again, onState('live' | 'reconnecting'). Stops when the signal aborts or a sign-in is needed
 * (onError gets that error).
 */
export async function followGoals({ lastEventId, signal, onChange, onReset, onState, onError }) {
    while (!signal.aborted) {
        try {
            const headers = { Authorization: 'Bearer ' + await currentToken(), Accept: 'text/event-stream' };
            if (lastEventId !== null) headers['Last-Event-ID'] = lastEventId;
            const response = await fetch('/api/v1/goals/events', { headers, signal });
            if (response.status === 401) {
                await tokenRefused();
                continue;
            }
            if (!response.ok) throw new Error('events: ' + response.status);
            onState('live');
            const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
            let buffer = '';
            for (;;) {
                const { value, done } = await reader.read();
                if (done) break; // the token expired or the replica is stopping: reconnect
                buffer += value.replace(/\r\n?/g, '\n');
                let end;
                while ((end = buffer.indexOf('\n\n')) >= 0) {
                    const event = parse(buffer.slice(0, end));
                    buffer = buffer.slice(end + 2);
                    if (event.id !== undefined) lastEventId = event.id;
                    if (event.type === 'change') onChange(JSON.parse(event.data));
                    else if (event.type === 'reset') onReset();
                }
            }
        } catch (error) {
            if (signal.aborted) return;
            if (error instanceof SignInNeeded) {
                onError(error);
                return;
            }
        }
        if (signal.aborted) return;
        onState('reconnecting');
        await new Promise((resume) => setTimeout(resume, 500 + Math.random() * 1500));
    }
}

function parse(block) {
    const event = { data: '' };
    for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon === 0) continue; // a comment, such as ": keep-alive"
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') event.id = text;
        else if (field === 'event') event.type = text;
        else if (field === 'data') event.data += (event.data ? '\n' : '') + text;
    }
    return event;
}
